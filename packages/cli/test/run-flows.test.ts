import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generateTotp } from '@waymark/nodes';
import { main, secretEnvName } from '@waymark/cli';
import { SHIPPED_VARIABLE_FLAGS } from '../../../test/support/shipped-variables.js';

/*
 * Every shipped flow walked with `waymark run`, as the READMEs show it: the answers a person
 * would type, from a pipe, with the named secrets the flow needs.
 */

const root = new URL('../../../', import.meta.url).pathname;
const PASSWORD = 'correct horse battery staple';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // flows/fixtures/users.json, alice
const KEY = randomBytes(32).toString('base64url');

interface Walk {
  code: number;
  out: string;
  err: string;
}

async function walk(argv: string[], answers: string[], env?: Record<string, string>): Promise<Walk> {
  let out = '';
  let err = '';
  const code = await main(['run', ...argv], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from(answers.map((a) => `${a}\n`)),
    cwd: root,
    ...(env ? { env } : {}),
  });
  return { code, out, err };
}

const USERS = ['--users', 'flows/fixtures/users.json'];
const trace = (node: string, type: string, outcome: string) => new RegExp(`\\n  ${node}\\s+${type.replace('.', '\\.')}\\s+${outcome.replace(/[()]/g, '\\$&')}`);

/** One walk per shipped flow; a flow added to flows/ without one fails the first test. */
const WALKS: Record<string, () => Promise<void>> = {
  'login.json': async () => {
    const r = await walk([...USERS, 'flows/login.json'], ['alice', PASSWORD]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(trace('createSession', 'session.create', 'created'));
  },
  'password-login.json': async () => {
    const r = await walk([...USERS, 'flows/password-login.json'], ['alice', PASSWORD]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(trace('verify', 'credentials.verify', 'valid'));
  },
  'remember-me.json': async () => {
    const r = await walk([...USERS, '--input', 'flows/fixtures/browser.json', '--secret', `remember-me-key=${KEY}`, 'flows/remember-me.json'], ['alice', PASSWORD]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(trace('rememberDevice', 'cookie.persistent.set', 'done'));
    expect(r.out).toContain('cookie    __Host-waymark-remember set (value not shown)');
    expect(r.out).not.toContain(KEY);
  },
  'session-transfer.json': async () => {
    // Its token comes pushed with PAR, issued by Waymark's OpenID Provider (examples/handoff);
    // without one the journey is walked to its first refusal.
    const dir = mkdtempSync(join(tmpdir(), 'waymark-run-'));
    writeFileSync(join(dir, 'par.json'), JSON.stringify({ par: { clientId: 'session-transfer', ip: '127.0.0.1', params: { target: 'http://localhost:4000/profile' } } }));
    // Its issuer, audience and JWKS URL are variables: the shipped config's, as --var flags.
    const r = await walk([...SHIPPED_VARIABLE_FLAGS, '--input', join(dir, 'par.json'), 'flows/session-transfer.json'], []);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(trace('validateToken', 'token.validate', 'invalid (missing)'));
  },
  'transactional-stepup.json': async () => {
    const code = await generateTotp({ secret: TOTP_SECRET, epoch: Math.floor(Date.now() / 1000) });
    const r = await walk([...USERS, '--input', 'flows/fixtures/stepup.json', 'flows/transactional-stepup.json'], [code]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(trace('confirmWithTotp', 'otp.challenge', 'success'));
  },
  'transactional-stepup-password.json': async () => {
    const r = await walk([...USERS, '--input', 'flows/fixtures/stepup.json', 'flows/transactional-stepup-password.json'], ['alice', PASSWORD]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/success\n\s+sub\s+user-alice/);
  },
};

describe('waymark run walks every shipped flow', () => {
  it('has a walk for each flow in flows/', () => {
    expect(Object.keys(WALKS).sort()).toEqual(readdirSync(join(root, 'flows')).filter((f) => f.endsWith('.json')).sort());
  });

  it.each(Object.keys(WALKS))('%s', async (file) => {
    await WALKS[file]!();
  });
});

describe('waymark run: named secrets', () => {
  const rememberMe = (extra: string[]) => [...USERS, '--input', 'flows/fixtures/browser.json', ...extra, 'flows/remember-me.json'];
  const remembered = (r: Walk) => r.out.includes('cookie    __Host-waymark-remember set');

  it('without the cookie key the flow still signs in, never remembering (rememberDevice: ERR_COOKIE_KEY)', async () => {
    const r = await walk(rememberMe([]), ['alice', PASSWORD]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(trace('rememberDevice', 'cookie.persistent.set', 'error (ERR_COOKIE_KEY)'));
    expect(remembered(r)).toBe(false);
  });

  it('reads WAYMARK_SECRET_<NAME> lines of --env-file (the variables serve reads), ignoring the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-run-'));
    writeFileSync(join(dir, '.env'), `# secrets for waymark\nWAYMARK_REDIS_URL=redis://10.0.0.5:6379\n${secretEnvName('remember-me-key')}=${KEY}\n`);
    const r = await walk(rememberMe(['--env-file', join(dir, '.env')]), ['alice', PASSWORD]);
    expect(r.code).toBe(0);
    expect(remembered(r)).toBe(true);
  });

  it('reads WAYMARK_SECRET_<NAME> from the environment, as serve does', async () => {
    const r = await walk(rememberMe([]), ['alice', PASSWORD], { WAYMARK_SECRET_REMEMBER_ME_KEY: KEY });
    expect(remembered(r)).toBe(true);
  });

  it('--secret wins over the env file, which wins over the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-run-'));
    writeFileSync(join(dir, '.env'), 'WAYMARK_SECRET_REMEMBER_ME_KEY=too-short\n');
    const env = { WAYMARK_SECRET_REMEMBER_ME_KEY: 'also-too-short' };
    const flagWins = await walk(rememberMe(['--env-file', join(dir, '.env'), '--secret', `remember-me-key=${KEY}`]), ['alice', PASSWORD], env);
    expect(remembered(flagWins)).toBe(true);
    const fileWins = await walk(rememberMe(['--env-file', join(dir, '.env')]), ['alice', PASSWORD], { WAYMARK_SECRET_REMEMBER_ME_KEY: KEY });
    expect(fileWins.out).toMatch(trace('rememberDevice', 'cookie.persistent.set', 'error (ERR_COOKIE_KEY)'));
  });

  it('refuses a --secret without a name or a value (exit 2, ERR_CLI_USAGE), without printing the value', async () => {
    const noName = await walk(['--secret', '=abc', 'flows/password-login.json'], []);
    expect(noName.code).toBe(2);
    expect(noName.err).toMatch(/ERR_CLI_USAGE: run: --secret takes <name>=<value>/);
    const noValue = await walk(['--secret', 'remember-me-key', 'flows/password-login.json'], []);
    expect(noValue.code).toBe(2);
    const secretValue = await walk(['--secret', '=sup3rs3cret', 'flows/password-login.json'], []);
    expect(secretValue.err).not.toContain('sup3rs3cret');
  });

  it('an --env-file that cannot be read is ERR_CLI_FILE (exit 2)', async () => {
    const r = await walk(['--env-file', 'no-such.env', 'flows/password-login.json'], []);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ERR_CLI_FILE: cannot read no-such\.env/);
  });
});
