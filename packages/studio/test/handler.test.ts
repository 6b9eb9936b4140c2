import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createStudioHandler, studioContentSecurityPolicy, type StudioClientConfig } from '@waymark/studio';

/* The studio's handler over real HTTP, with a stand-in build folder (the bundle itself is tested in Chromium: test/e2e/studio.test.ts). */

const config: StudioClientConfig = { mode: 'local', adminApi: '/admin/v1', folder: '/flows' };
const servers: Server[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done)))));

async function serve(appDir: string): Promise<string> {
  const app = express();
  app.use('/studio', createStudioHandler({ config, appDir }));
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function built(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-app-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(dir, 'studio.js'), 'console.log(1)');
  writeFileSync(join(dir, 'studio.css'), 'body{}');
  return dir;
}

describe('createStudioHandler', () => {
  it('serves the page, its assets and config.json under the strict CSP, and the page for its own routes', async () => {
    const url = await serve(built());
    const page = await fetch(`${url}/studio/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(studioContentSecurityPolicy());
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${url}/studio/studio.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await fetch(`${url}/studio/config.json`)).json()).toEqual(config);
    expect(await (await fetch(`${url}/studio/callback?code=x`)).text()).toContain('<title>studio</title>');
    expect((await fetch(`${url}/studio/missing.js`)).status).toBe(404);
  });

  it('redirects /studio to /studio/ (the page loads its assets relative to it)', async () => {
    const res = await fetch(`${await serve(built())}/studio`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/studio/');
  });

  it('answers 503 naming the build command when the page is not built', async () => {
    const res = await fetch(`${await serve(mkdtempSync(join(tmpdir(), 'studio-empty-')))}/studio/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});

describe('studioContentSecurityPolicy', () => {
  it("allows same-origin scripts and requests only: no unsafe-eval, no unsafe-inline, nothing framed", () => {
    const csp = studioContentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe/);
  });
});
