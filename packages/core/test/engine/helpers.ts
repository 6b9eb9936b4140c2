import { callbacks, defineNode, inputValue, type Callback, type RequestInfo } from '@waymark/sdk';

export const request: RequestInfo = { ip: '203.0.113.9', headers: {}, cookies: {}, userAgent: 'jest' };

export function clock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** Passes; counts its runs in state. */
export const pass = defineNode({
  type: 'test.pass',
  version: 1,
  description: 'Always passes.',
  outcomes: ['next'],
  run(ctx) {
    ctx.state.count = (typeof ctx.state.count === 'number' ? ctx.state.count : 0) + 1;
    return 'next';
  },
});

/** Asks a name and a password; the password goes to secrets. */
export const ask = defineNode({
  type: 'test.ask',
  version: 1,
  description: 'Collects a name and a password.',
  outcomes: ['collected'],
  run(ctx) {
    if (!ctx.callbacks) return ctx.suspend([callbacks.name('Name'), callbacks.password('Password')], { stage: 'login' });
    ctx.state.username = String(inputValue(ctx.callbacks[0]));
    ctx.secrets.password = String(inputValue(ctx.callbacks[1]));
    return 'collected';
  },
});

/** Checks the password its namespace sibling stored. */
export const check = defineNode({
  type: 'test.check',
  version: 1,
  description: 'Checks the collected password.',
  outcomes: ['valid', 'invalid'],
  run(ctx) {
    if (ctx.secrets.password === 'correct horse') {
      ctx.state.sub = `user:${String(ctx.state.username)}`;
      ctx.effects.setCookie('remember', 'yes', { httpOnly: true });
      return 'valid';
    }
    ctx.effects.clearCookie('remember');
    return { outcome: 'invalid', reason: 'password' };
  },
});

/** Another namespace: must not see test.* secrets. */
export const peek = defineNode({
  type: 'other.peek',
  version: 1,
  description: 'Tries to read another namespace secret.',
  outcomes: ['saw', 'blind'],
  run(ctx) {
    return ctx.secrets.password === undefined ? 'blind' : 'saw';
  },
});

export const boom = defineNode({
  type: 'test.boom',
  version: 1,
  description: 'Throws with a secret in the message.',
  outcomes: ['never'],
  run(ctx) {
    throw new Error(`failed with ${ctx.secrets.password ?? 'nothing'}`);
  },
});

export const hang = defineNode({
  type: 'test.hang',
  version: 1,
  description: 'Never answers.',
  timeoutMs: 20,
  outcomes: ['never'],
  run() {
    return new Promise<string>(() => {});
  },
});

export const liar = defineNode({
  type: 'test.liar',
  version: 1,
  description: 'Returns an outcome it does not declare.',
  outcomes: ['yes'],
  run() {
    return 'maybe';
  },
});

export const testNodes = [pass, ask, check, peek, boom, hang, liar];

export function loginFlow(version = 1, extra: Record<string, unknown> = {}) {
  return {
    id: 'login',
    version,
    description: 'Collects and checks a password.',
    start: 'collect',
    nodes: {
      collect: { type: 'test.ask', outcomes: { collected: 'verify' } },
      verify: { type: 'test.check', outcomes: { valid: version === 1 ? 'success' : 'count', invalid: 'failure' } },
      ...(version === 1 ? {} : { count: { type: 'test.pass', outcomes: { next: 'success' } } }),
    },
    ...extra,
  };
}

export function answer(cbs: Callback[], values: unknown[]): Callback[] {
  return cbs.map((cb, i) => ({ ...cb, input: cb.input.map((f) => ({ name: f.name, value: values[i] })) }));
}
