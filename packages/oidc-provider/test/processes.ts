import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { WEB_APP } from './support.js';

/* Provider processes of one deployment on Redis (test/fixtures/provider-process.mjs, the built
 * packages), for the tests that run the provider's storage across processes. */

export const root = new URL('../../../', import.meta.url).pathname;

export interface ProviderProcess {
  origin: string;
  issuer: string;
  stop(): Promise<void>;
}

/** The provider processes run the built packages (dist), as a deployment does; tsc -b is incremental. */
export function buildForProcesses(): void {
  const build = spawnSync('npx', ['tsc', '-b', 'packages/oidc-provider', 'packages/redis', 'packages/nodes'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 170_000,
  });
  if (build.status !== 0) throw new Error(`npx tsc -b failed (the provider processes run dist):\n${build.stdout}${build.stderr}`);
}

/** Starts test/fixtures/provider-process.mjs (the built packages) and resolves once it listens. */
export function startProviderProcess(config: Record<string, unknown>): Promise<ProviderProcess> {
  const child: ChildProcess = spawn(process.execPath, [new URL('./fixtures/provider-process.mjs', import.meta.url).pathname], {
    cwd: root,
    env: { ...process.env, WAYMARK_TEST_PROVIDER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the provider process did not start within 20 s:\n${output}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ ...(JSON.parse(line) as { origin: string; issuer: string }), stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the provider process exited with ${code}:\n${output}`));
    });
  });
}

/** A token request of the web app (client_secret_basic) at `at` (the issuer URL of one process). */
export async function token(at: string, body: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${at}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${WEB_APP.id}:${WEB_APP.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
