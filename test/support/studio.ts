import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Logger } from '@waymark/sdk';
import { startServer, type RunningServer, type ServerConfig } from '@waymark/cli';

/*
 * The studio's browser tests: the shipped waymark.config.json served by startServer (what
 * `npm start` runs) on a free port that is also its issuer's, so the provider's redirects and
 * discovery point where the browser can go. The studio's bundle is built first when it is missing
 * or older than its sources (`npm run build` builds it too; the tests need no build step).
 */

export const ROOT = new URL('../../', import.meta.url).pathname;
export const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Builds packages/studio/dist/app unless it is up to date (esbuild, about a second). */
export async function ensureStudioBuilt(): Promise<void> {
  const build = (await import(join(ROOT, 'packages/studio/build-app.mjs'))) as { isBuilt(): boolean; buildStudioApp(): Promise<string> };
  if (!build.isBuilt()) await build.buildStudioApp();
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The shipped config with its issuer moved to http://localhost:<port> (every URL of it follows),
 * serving a copy of the shipped flow files: in development the admin API saves flows as files
 * (`<folder>/<id>.json`, `.versions/`), and a test must not write into the repository.
 */
export async function startShippedServer(port: number): Promise<RunningServer> {
  const text = readFileSync(join(ROOT, 'waymark.config.json'), 'utf8').replaceAll('http://localhost:3000', `http://localhost:${port}`);
  const flows = mkdtempSync(join(tmpdir(), 'studio-flows-'));
  for (const name of readdirSync(join(ROOT, 'flows'))) if (name.endsWith('.json')) copyFileSync(join(ROOT, 'flows', name), join(flows, name));
  const shipped = JSON.parse(text) as { services: Record<string, unknown> };
  const config = { ...shipped, port, flows: [flows], services: { ...shipped.services, usersFile: join(ROOT, 'flows/fixtures/users.json') } };
  const env = { WAYMARK_SECRET_REMEMBER_ME_KEY: randomBytes(32).toString('base64url') };
  return startServer(config as unknown as ServerConfig, { baseDir: ROOT, logger: silent, env });
}

/** Opens the studio, signs in as alice at Waymark's own provider (code + PKCE), back on the studio. */
export async function signInToStudio(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/studio/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('input[type="text"]').first().fill(ALICE.username);
  await page.locator('input[type="password"]').fill(ALICE.password);
  await page.locator('form button[type="submit"], form input[type="submit"]').first().click();
  await page.getByRole('heading', { name: 'Flows' }).waitFor();
}

/** The access token the studio holds (this tab's sessionStorage), to check the admin API directly. */
export async function studioToken(page: Page): Promise<string> {
  // Runs in the page, where sessionStorage exists (the test tsconfig has no DOM types).
  const raw = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('waymark-studio-token'));
  return (JSON.parse(raw ?? '{}') as { token: string }).token;
}
