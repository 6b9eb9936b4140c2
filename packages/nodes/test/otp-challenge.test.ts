import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStores } from '@waymark/core';
import type { Callback, Stores } from '@waymark/sdk';
import { ConsoleNotifier, generateTotp, otpChallenge, verifyTotp, type Notifier, type OtpMessage, type UserStore } from '@waymark/nodes';
import { runNode, testClock, type RunNodeResult, type TestClock } from '@waymark/testing';
import { generateSecret } from 'otplib';

/** Answers the TextInputCallback of a suspension with `code`. */
function answer(r: RunNodeResult, code: string): Callback[] {
  const cbs = structuredClone(r.callbacks!);
  const input = cbs.find((c) => c.type === 'TextInputCallback')!;
  input.input[0]!.value = code;
  return cbs;
}

function errorMessage(r: RunNodeResult): string | undefined {
  const out = r.callbacks?.find((c) => c.type === 'TextOutputCallback' && c.output.some((f) => f.name === 'messageType' && f.value === '2'));
  return out?.output.find((f) => f.name === 'message')?.value as string | undefined;
}

describe('RFC 6238 Appendix B test vectors (otplib 13 through generateTotp / verifyTotp)', () => {
  const seeds = {
    sha1: new TextEncoder().encode('12345678901234567890'),
    sha256: new TextEncoder().encode('12345678901234567890123456789012'),
    sha512: new TextEncoder().encode('1234567890123456789012345678901234567890123456789012345678901234'),
  };
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(vectors)('at T=%d gives the RFC codes for SHA1, SHA256 and SHA512', async (epoch, sha1, sha256, sha512) => {
    expect(await generateTotp({ secret: seeds.sha1, epoch, digits: 8, algorithm: 'sha1' })).toBe(sha1);
    expect(await generateTotp({ secret: seeds.sha256, epoch, digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(await generateTotp({ secret: seeds.sha512, epoch, digits: 8, algorithm: 'sha512' })).toBe(sha512);
    expect(await verifyTotp({ secret: seeds.sha512, epoch, digits: 8, algorithm: 'sha512', token: sha512, window: 0 })).toBe(Math.floor(epoch / 30));
  });
});

interface World {
  clock: TestClock;
  stores: Stores;
}
const world = (): World => {
  const clock = testClock(Date.UTC(2026, 0, 1, 12, 0, 5)); // 5 s into a time step
  return { clock, stores: createMemoryStores(clock) };
};

describe('otp.challenge mode totp', () => {
  const secret = generateSecret();
  const users: UserStore = {
    findByUsername: async () => undefined,
    findBySub: async (sub) => (sub === 'u-alice' ? { sub, username: 'alice', passwordHash: 'x', attributes: { totpSecret: secret } } : undefined),
  };
  const code = (w: World, offsetSteps = 0) => generateTotp({ secret, epoch: Math.floor(w.clock.now() / 1000) + offsetSteps * 30 });
  const start = (w: World, sub = 'u-alice', services: Record<string, unknown> = { users }) =>
    runNode(otpChallenge, { ...w, state: { sub }, services });
  const submit = (w: World, r: RunNodeResult, value: string, services: Record<string, unknown> = { users }) =>
    runNode(otpChallenge, { ...w, state: r.state, secrets: r.secrets, submit: answer(r, value), services });

  it('asks for the code with a TextInputCallback "One-time code"', async () => {
    const r = await start(world());
    expect(r.outcome).toBeUndefined();
    expect(r.callbacks).toEqual([{ type: 'TextInputCallback', output: [{ name: 'prompt', value: 'One-time code' }], input: [{ name: 'IDToken', value: '' }] }]);
  });

  it('succeeds with the current code of the enrolled secret (outcome success)', async () => {
    const w = world();
    const r = await submit(w, await start(w), await code(w));
    expect(r.outcome).toBe('success');
    expect(r.secrets).toEqual({});
  });

  it('accepts the previous time step (clock drift window 1) but not two steps back', async () => {
    const w = world();
    expect((await submit(w, await start(w), await code(w, -1))).outcome).toBe('success');
    const w2 = world();
    expect((await submit(w2, await start(w2), await code(w2, -2))).outcome).toBeUndefined();
  });

  it('refuses a code already used in its time step (replay), then accepts the next step', async () => {
    const w = world();
    const used = await code(w);
    expect((await submit(w, await start(w), used)).outcome).toBe('success');
    const replay = await submit(w, await start(w), used);
    expect(replay.outcome).toBeUndefined();
    expect(errorMessage(replay)).toBe('That code is not correct. 2 attempts left.');
    w.clock.advance(30_000);
    expect((await submit(w, replay, await code(w))).outcome).toBe('success');
  });

  it('re-asks with an error on a wrong code and locks at maxAttempts (outcome locked)', async () => {
    const w = world();
    let r = await start(w);
    r = await submit(w, r, '000000' === (await code(w)) ? '111111' : '000000');
    expect(errorMessage(r)).toBe('That code is not correct. 2 attempts left.');
    r = await submit(w, r, 'abc');
    expect(errorMessage(r)).toBe('That code is not correct. 1 attempt left.');
    r = await submit(w, r, '12');
    expect(r).toMatchObject({ outcome: 'locked', reason: 'max_attempts' });
    expect(r.secrets).toEqual({});
  });

  it('reads a kv enrolment when the user has no totpSecret attribute', async () => {
    const w = world();
    await w.stores.kv.set('otp:totp:u-bob', { secret });
    const r = await start(w, 'u-bob', {});
    expect((await submit(w, r, await code(w), {})).outcome).toBe('success');
  });

  it('fails for a user with no enrolment (outcome failure)', async () => {
    const r = await start(world(), 'u-nobody');
    expect(r).toMatchObject({ outcome: 'failure', reason: 'not_enrolled' });
  });

  it('fails without leaking the secret when the enrolled secret is unusable', async () => {
    const w = world();
    const weak = 'JBSWY3DPEHPK3PXP'; // 10 bytes: under RFC 4226's 128-bit minimum
    await w.stores.kv.set('otp:totp:u-weak', weak);
    const r = await start(w, 'u-weak', {});
    const done = await submit(w, r, '123456', {});
    expect(done).toMatchObject({ outcome: 'failure', reason: 'invalid_secret' });
    expect(JSON.stringify(done.logs)).not.toContain(weak);
  });
});

describe('otp.challenge mode code', () => {
  let server: Server;
  let url: string;
  let status = 204;
  const received: unknown[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(raw) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/otp`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const capture = () => {
    const sent: OtpMessage[] = [];
    const notifier: Notifier = { send: async (m) => void sent.push(m) };
    return { sent, notifier };
  };
  const CONFIG = { mode: 'code' };
  const start = (w: World, notifier: Notifier, state: Record<string, string> = { sub: 'u-alice', email: 'alice@example.com' }) =>
    runNode(otpChallenge, { ...w, state, config: CONFIG, services: { notifier } });
  const submit = (w: World, r: RunNodeResult, value: string, notifier: Notifier) =>
    runNode(otpChallenge, { ...w, state: r.state, secrets: r.secrets, submit: answer(r, value), config: CONFIG, services: { notifier } });

  it('sends a 6-digit code to the recipient and keeps only its salted hash (outcome success on the right code)', async () => {
    const w = world();
    const { sent, notifier } = capture();
    const r = await start(w, notifier);
    expect(sent).toEqual([{ to: 'alice@example.com', code: expect.stringMatching(/^\d{6}$/), purpose: 'login', expiresAt: w.clock.now() + 300_000 }]);
    const code = sent[0]!.code;
    expect(r.callbacks!.map((c) => c.type)).toEqual(['TextOutputCallback', 'TextInputCallback']);
    expect(JSON.stringify([r.state, r.secrets, r.logs, r.callbacks])).not.toContain(code);
    expect(Object.keys(r.secrets).sort()).toEqual(['attempts', 'codeExpiresAt', 'codeHash', 'codeSalt']);
    const done = await submit(w, r, code, notifier);
    expect(done.outcome).toBe('success');
    expect(done.secrets).toEqual({});
  });

  it('expires the code after ttlSeconds (outcome expired)', async () => {
    const w = world();
    const { sent, notifier } = capture();
    const r = await start(w, notifier);
    w.clock.advance(300_000);
    const done = await submit(w, r, sent[0]!.code, notifier);
    expect(done).toMatchObject({ outcome: 'expired' });
    expect(done.secrets).toEqual({});
  });

  it('re-asks on a wrong code and locks after three (outcome locked); the code is dead afterwards', async () => {
    const w = world();
    const { sent, notifier } = capture();
    let r = await start(w, notifier);
    const wrongCode = sent[0]!.code === '000000' ? '111111' : '000000';
    r = await submit(w, r, wrongCode, notifier);
    expect(errorMessage(r)).toBe('That code is not correct. 2 attempts left.');
    r = await submit(w, r, '12345', notifier);
    expect(errorMessage(r)).toBe('That code is not correct. 1 attempt left.');
    const lastAsk = r;
    r = await submit(w, r, wrongCode, notifier);
    expect(r).toMatchObject({ outcome: 'locked', reason: 'max_attempts' });
    expect(r.secrets).toEqual({});
    // A resume with the locked journey's secrets cannot use the right code any more.
    const after = await runNode(otpChallenge, { ...w, state: r.state, secrets: r.secrets, submit: answer(lastAsk, sent[0]!.code), config: CONFIG, services: { notifier } });
    expect(after).toMatchObject({ outcome: 'failure', reason: 'no_code' });
  });

  it('fails when there is nowhere to send the code (outcome failure)', async () => {
    const { notifier } = capture();
    expect(await start(world(), notifier, { sub: 'u-alice' })).toMatchObject({ outcome: 'failure', reason: 'no_recipient' });
  });

  it('posts the code as JSON to a webhook notifier (real local server)', async () => {
    const w = world();
    received.length = 0;
    status = 204;
    const r = await runNode(otpChallenge, { ...w, state: { sub: 'u', email: 'u@example.com' }, config: { mode: 'code', notifier: { type: 'webhook', url } } });
    expect(r.callbacks?.map((c) => c.type)).toEqual(['TextOutputCallback', 'TextInputCallback']);
    expect(received).toEqual([
      {
        method: 'POST',
        type: 'application/json',
        body: { to: 'u@example.com', code: expect.stringMatching(/^\d{6}$/), purpose: 'login', expiresAt: new Date(w.clock.now() + 300_000).toISOString() },
      },
    ]);
  });

  it('goes to error, with no code left in secrets, when the webhook refuses', async () => {
    status = 500;
    const r = await runNode(otpChallenge, { state: { sub: 'u', email: 'u@example.com' }, config: { mode: 'code', notifier: { type: 'webhook', url } } });
    expect(r.outcome).toBe('error');
    expect(r.error).toMatchObject({ code: 'ERR_OTP_NOTIFY' });
    expect(r.secrets).toEqual({});
  });

  it('prints the code with the console notifier in development', async () => {
    const r = await runNode(otpChallenge, { state: { sub: 'u', email: 'u@example.com' }, config: { mode: 'code' } });
    expect(r.callbacks?.map((c) => c.type)).toEqual(['TextOutputCallback', 'TextInputCallback']);
    expect(r.logs).toEqual([{ level: 'warn', message: expect.stringContaining('development only'), fields: expect.objectContaining({ to: 'u@example.com', code: expect.stringMatching(/^\d{6}$/) }) }]);
  });

  it('refuses the console notifier in production unless explicitly allowed', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const refused = await runNode(otpChallenge, { state: { sub: 'u', email: 'u@example.com' }, config: { mode: 'code' } });
      expect(refused.outcome).toBe('error');
      expect(refused.error).toMatchObject({ code: 'ERR_OTP_CONSOLE_NOTIFIER' });
      expect(refused.logs).toEqual([]);
      const allowed = await runNode(otpChallenge, { state: { sub: 'u', email: 'u@example.com' }, config: { mode: 'code', notifier: { allowConsoleInProduction: true } } });
      expect(allowed.callbacks?.map((c) => c.type)).toEqual(['TextOutputCallback', 'TextInputCallback']);
    } finally {
      process.env.NODE_ENV = saved;
    }
    await expect(new ConsoleNotifier({ debug() {}, info() {}, warn() {}, error() {} }, { production: true }).send({ to: 'a', code: '1', purpose: 'p', expiresAt: 0 })).rejects.toMatchObject({
      code: 'ERR_OTP_CONSOLE_NOTIFIER',
    });
  });

  it('rejects a webhook notifier config without url at load', async () => {
    await expect(runNode(otpChallenge, { state: { sub: 'u' }, config: { mode: 'code', notifier: { type: 'webhook' } } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
  });
});
