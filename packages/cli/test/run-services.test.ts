import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '@waymark/cli';

const root = new URL('../../../', import.meta.url).pathname;

async function run(argv: string[], cwd = root, answers: string[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await main(['run', ...argv], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(answers.map((a) => `${a}\n`)),
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

const introspectionFlow = {
  id: 'introspect',
  version: 1,
  description: 'Asks the authorization server about an opaque token.',
  start: 'check',
  nodes: {
    check: {
      type: 'token.validate',
      config: {
        mode: 'introspection',
        issuer: 'https://as.example',
        allowedClients: ['mobile-app'],
        introspection: { endpoint: 'https://as.example/introspect', clientId: 'waymark', clientSecretName: 'introspection-secret' },
      },
      outcomes: { valid: 'success', invalid: 'failure', error: 'failure' },
    },
  },
};

describe('waymark run: the services a flow needs', () => {
  it('says, before any prompt, that credentials.verify needs --users (exit 2)', async () => {
    const r = await run(['flows/password-login.json'], root, ['alice', 'correct horse battery staple']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'waymark: ERR_CLI_SERVICE_MISSING: run: node "verify" (credentials.verify) needs a user store: pass --users <users.json> (the users file, as serve\'s services.usersFile)\n',
    );
    expect(r.stdout).toBe('');
  });

  it('runs the same flow once --users names the users file', async () => {
    const r = await run(['--users', 'flows/fixtures/users.json', 'flows/password-login.json'], root, [
      'alice',
      'correct horse battery staple',
    ]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses a --users file that is not a users file (ERR_CLI_FILE), before any prompt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-run-users-'));
    writeFileSync(join(dir, 'users.json'), '{ "people": [] }');
    const r = await run(['--users', join(dir, 'users.json'), 'flows/password-login.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^waymark: ERR_CLI_FILE: run: --users users file .*users\.json: must be an object \{ "users": \[ … \] \}/);
    expect(r.stdout).toBe('');
  });

  it('names the secret a node needs and the flag or env-file line that gives it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-run-secret-'));
    writeFileSync(join(dir, 'introspect.json'), JSON.stringify(introspectionFlow));
    const r = await run(['introspect.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'waymark: ERR_CLI_SERVICE_MISSING: run: node "check" (token.validate) needs the secret "introspection-secret" (config /introspection/clientSecretName): pass --secret introspection-secret=<value>, or a WAYMARK_SECRET_INTROSPECTION_SECRET line in --env-file\n',
    );
    // Given the secret, the journey runs (and fails: nothing was pushed), exit 1 rather than 2.
    const given = await run(['--secret', 'introspection-secret=s3cret', 'introspect.json'], dir);
    expect(given.code).toBe(1);
    expect(given.stdout).toContain('check');
  });
});
