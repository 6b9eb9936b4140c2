/**
 * What a hostile or broken node type cannot do: read another namespace's secrets, reach the
 * engine, change what later nodes and journeys see, hang a journey, or take the process down.
 */
import { describe, expect, it } from '@jest/globals';
import { createEngine, Engine, NodeRegistry, type JourneyResult, type SuspendedResult } from '@waymark/core';
import { callbacks, defineNode, inputValue, type NodeContext, type NodeResult } from '@waymark/sdk';
import { request } from './helpers.js';

const SECRET = 'hunter2-vault-secret';
/** A secret of the probe's own namespace, kept by a sibling node before the journey suspends. */
const OWN_SECRET = 'evil-own-secret-7f3a';

/** Stores a secret in the `vault` namespace after asking for it. */
const vaultStore = defineNode({
  type: 'vault.store',
  version: 1,
  description: 'Keeps a password in the vault namespace.',
  outcomes: ['stored'],
  run(ctx) {
    if (!ctx.callbacks) return ctx.suspend([callbacks.password('Password')]);
    ctx.secrets.password = String(inputValue(ctx.callbacks[0]));
    return 'stored';
  },
});

/** Keeps a secret in the `evil` namespace: the probe, its sibling, must see it (and only it). */
const evilKeep = defineNode({
  type: 'evil.keep',
  version: 1,
  description: 'Keeps a secret in the evil namespace.',
  outcomes: ['kept'],
  run(ctx) {
    ctx.secrets.own = OWN_SECRET;
    return 'kept';
  },
});

/** Every value reachable from `root` (own and inherited properties, Map and Set entries), up to `depth`. */
function reachable(root: unknown, depth = 8): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  const stop = new Set<unknown>([Object.prototype, Function.prototype, Array.prototype, Map.prototype, Set.prototype, Promise.prototype]);
  const walk = (value: unknown, left: number) => {
    out.push(value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value) || stop.has(value) || left === 0)
      return;
    seen.add(value);
    if (value instanceof Map)
      for (const [k, v] of value) {
        walk(k, left - 1);
        walk(v, left - 1);
      }
    if (value instanceof Set) for (const v of value) walk(v, left - 1);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor) continue;
      if ('value' in descriptor) walk(descriptor.value, left - 1);
      else if (descriptor.get && typeof value === 'object') {
        try {
          walk(descriptor.get.call(value), left - 1);
        } catch {
          // a getter that needs another receiver: nothing reachable through it
        }
      }
    }
    walk(Object.getPrototypeOf(value), left - 1);
  };
  walk(root, depth);
  return out;
}

/**
 * A flow: `keep` puts a secret in the probe's own namespace, vault.store asks for the vault
 * secret (the journey suspends: both are sealed, persisted and opened again), then `probe`
 * runs. Real secrets on both sides, so "sees its own and not the vault's" can fail either way.
 */
function flowWith(probeType: string, outcomes: Record<string, string>) {
  return {
    id: 'probe',
    version: 1,
    description: 'Keeps an own secret, stores a vault secret, then runs a probe of the first namespace.',
    start: 'keep',
    nodes: {
      keep: { type: 'evil.keep', outcomes: { kept: 'store' } },
      store: { type: 'vault.store', outcomes: { stored: 'probe' } },
      probe: { type: probeType, outcomes },
    },
  };
}

async function runProbe(probe: (ctx: NodeContext) => NodeResult | Promise<NodeResult>, outcomes: readonly string[] = ['done']) {
  const node = defineNode({ type: 'evil.probe', version: 1, description: 'A hostile node.', outcomes, run: probe });
  const engine = await createEngine({ nodes: [evilKeep, vaultStore, node], services: { users: { find: () => 'ada' } } });
  engine.load(flowWith('evil.probe', Object.fromEntries([...outcomes, 'error'].map((o) => [o, o === 'error' ? 'failure' : 'success']))));
  const first = (await engine.start('probe', {
    request,
    params: { redirect_uri: 'https://app.example/cb' },
    state: { step: 0 },
  })) as SuspendedResult;
  const done = await engine.resume(first.journeyId, {
    request,
    callbacks: [{ ...first.callbacks[0]!, input: [{ name: 'IDToken1', value: SECRET }] }],
  });
  return { engine, done };
}

describe('node safety: what a node can reach', () => {
  it('sees the secrets of its own namespace, and not the vault namespace stored earlier in the journey', async () => {
    let seen: Record<string, string> | undefined;
    const { done } = await runProbe((ctx) => {
      seen = { ...ctx.secrets };
      return 'done';
    });
    expect(done.status).toBe('success');
    expect(seen).toEqual({ own: OWN_SECRET });
  });

  it('finds neither another namespace secret nor the engine nor its registry anywhere reachable from ctx, prototypes and services included', async () => {
    let values: unknown[] = [];
    await runProbe((ctx) => {
      values = reachable(ctx);
      return 'done';
    });
    expect(values.length).toBeGreaterThan(50); // the walk did reach into services and stores
    expect(values).toContain(OWN_SECRET); // and into the node's own secrets
    expect(values.filter((v) => typeof v === 'string' && v.includes(SECRET))).toEqual([]);
    expect(values.filter((v) => v instanceof Engine || v instanceof NodeRegistry)).toEqual([]);
  });

  it("cannot build itself a context with the engine's secrets through the context's constructor", async () => {
    let forged: { withOwn: NodeContext; withNone: NodeContext } | undefined;
    await runProbe((ctx) => {
      const Ctor = Object.getPrototypeOf(ctx).constructor as new (...args: unknown[]) => NodeContext;
      const scope = { request: ctx.request, services: ctx.services, params: ctx.params, effects: ctx.effects };
      // The node's real state and secrets, and then none at all: the constructor must add nothing.
      forged = {
        withOwn: new Ctor(scope, ctx.journey, ctx.state, ctx.secrets, undefined, () => ctx.signal),
        withNone: new Ctor(scope, ctx.journey, ctx.state, undefined, undefined, () => ctx.signal),
      };
      return 'done';
    });
    expect(forged?.withOwn.secrets).toEqual({ own: OWN_SECRET });
    expect(forged?.withNone.secrets).toBeUndefined();
    for (const context of [forged!.withOwn, forged!.withNone])
      expect(reachable(context).filter((v) => typeof v === 'string' && v.includes(SECRET))).toEqual([]);
  });
});

describe('node safety: what a node can change', () => {
  /** Runs `tamper` in one journey, then a clean node in a second journey that reports what it sees. */
  async function tamperThenObserve(tamper: (ctx: NodeContext) => void) {
    const errors: unknown[] = [];
    const evil = defineNode({
      type: 'evil.tamper',
      version: 1,
      description: 'Tries to change what others see.',
      outcomes: ['done'],
      run(ctx) {
        try {
          tamper(ctx);
        } catch (error) {
          errors.push(error);
        }
        return 'done';
      },
    });
    let observed:
      | {
          ip: string;
          uaHeader: string | undefined;
          redirect: string | undefined;
          now: number;
          suspend: unknown;
          journeyId: string;
          storesPut: boolean;
          targets: readonly string[];
        }
      | undefined;
    const observe = defineNode({
      type: 'good.observe',
      version: 1,
      description: 'Reports what it sees.',
      outcomes: ['done'],
      run(ctx) {
        observed = {
          ip: ctx.ip,
          uaHeader: ctx.request.headers['user-agent'],
          redirect: ctx.params.redirect_uri,
          now: ctx.services.clock.now(),
          suspend: ctx.suspend([callbacks.textOutput('hi')]).suspend.length,
          journeyId: ctx.journey.id,
          storesPut: false,
          targets: ctx.client?.redirectTargets ?? [],
        };
        return ctx.services.stores.kv.set('probe', 1).then(async () => {
          observed!.storesPut = (await ctx.services.stores.kv.get('probe')) === 1;
          return 'done';
        });
      },
    });
    const clock = { now: () => 1_767_225_600_000 };
    const engine = await createEngine({ nodes: [evil, observe], clock });
    const one = (type: string) => ({
      id: type.replace('.', '-'),
      version: 1,
      description: 'One node.',
      start: 'n',
      nodes: { n: { type, outcomes: { done: 'success' } } },
    });
    engine.load(one('evil.tamper'));
    engine.load(one('good.observe'));
    const req = { ip: '198.51.100.4', headers: { 'user-agent': 'ua' }, cookies: {}, userAgent: 'ua' };
    // A caller's client with plain arrays: the engine must not let a node add to them.
    const client = { clientId: 'app', redirectTargets: ['https://app.example/'], redirectUris: [] };
    const start = { request: req, params: { redirect_uri: 'https://app.example/cb' }, client };
    const tampered = await engine.start('evil-tamper', start);
    const clean = await engine.start('good-observe', start);
    return { tampered, clean, observed: observed!, errors };
  }

  const pristine = {
    ip: '198.51.100.4',
    uaHeader: 'ua',
    redirect: 'https://app.example/cb',
    now: 1_767_225_600_000,
    suspend: 1,
    storesPut: true,
    targets: ['https://app.example/'],
  };

  it.each<[string, (ctx: NodeContext) => void]>([
    ['ctx.request.ip', (ctx) => void ((ctx.request as { ip: string }).ip = '10.0.0.1')],
    ['a request header', (ctx) => void ((ctx.request.headers as Record<string, string>)['user-agent'] = 'evil')],
    ['ctx.params', (ctx) => void ((ctx.params as Record<string, string>).redirect_uri = 'https://evil.example')],
    ['ctx.services.clock', (ctx) => void ((ctx.services as { clock: unknown }).clock = { now: () => 0 })],
    ['ctx.services.stores', (ctx) => void ((ctx.services as { stores: unknown }).stores = {})],
    ['ctx.services.stores.journeys', (ctx) => void ((ctx.services.stores as { journeys: unknown }).journeys = {})],
    ['ctx.services.clock.now', (ctx) => void ((ctx.services.clock as { now: unknown }).now = () => 0)],
    ['a store method', (ctx) => void ((ctx.services.stores.kv as unknown as { get: unknown }).get = async () => undefined)],
    ["the client's redirect targets", (ctx) => void (ctx.client!.redirectTargets as string[]).push('https://evil.example/')],
    ['ctx.journey.id', (ctx) => void ((ctx.journey as { id: string }).id = 'stolen')],
    ['the suspend method on the context prototype', (ctx) => void (Object.getPrototypeOf(ctx).suspend = () => ({ suspend: [] }))],
    [
      'the journey getter on the context prototype',
      (ctx) => void Object.defineProperty(Object.getPrototypeOf(ctx), 'journey', { get: () => ({ id: 'stolen' }) }),
    ],
  ])('cannot change %s for later nodes or journeys: the write throws', async (_what, tamper) => {
    const { tampered, observed, errors } = await tamperThenObserve(tamper);
    expect(tampered.status).toBe('success');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(observed).toMatchObject(pristine);
    expect(observed.journeyId).not.toBe('stolen');
  });
});

describe('node safety: hanging and broken nodes', () => {
  const one = (type: string, outcomes: Record<string, string>) => ({
    id: 'one',
    version: 1,
    description: 'One node.',
    start: 'n',
    nodes: { n: { type, outcomes } },
  });

  async function runOne(
    run: (ctx: NodeContext) => NodeResult | Promise<NodeResult>,
    outcomes: Record<string, string> = { done: 'success' },
  ): Promise<JourneyResult> {
    const node = defineNode({ type: 'broken.node', version: 1, description: 'Misbehaves.', outcomes: ['done'], run });
    const engine = await createEngine({ nodes: [node], limits: { nodeTimeoutMs: 20 } });
    engine.load(one('broken.node', outcomes));
    return engine.start('one', { request });
  }

  it('stops a node that never answers at the per-node timeout and aborts its signal', async () => {
    let aborted = false;
    const r = await runOne((ctx) => {
      ctx.signal.addEventListener('abort', () => (aborted = true));
      return new Promise<string>(() => {});
    });
    expect(r).toMatchObject({ status: 'failure', code: 'ERR_NODE_TIMEOUT' });
    expect(aborted).toBe(true);
  });

  it('follows the timeout outcome of a hanging node when the flow wires it', async () => {
    const r = await runOne(() => new Promise<string>(() => {}), { done: 'failure', timeout: 'success' });
    expect(r.status).toBe('success');
    expect(r.trace[0]).toMatchObject({ outcome: 'timeout', reason: 'timeout' });
  });

  const nullProto = Object.create(null) as object;
  const hostileToString = {
    toString: () => {
      throw new Error('gotcha');
    },
  };
  const trapping = new Proxy(
    {},
    {
      has: () => {
        throw new Error('trap');
      },
      get: () => {
        throw new Error('trap');
      },
    },
  );

  it.each<[string, (ctx: NodeContext) => NodeResult | Promise<NodeResult>]>([
    [
      'throws an Error synchronously',
      () => {
        throw new Error('sync');
      },
    ],
    [
      'rejects asynchronously',
      async () => {
        throw new Error('async');
      },
    ],
    [
      'throws a string',
      () => {
        throw 'just a string';
      },
    ],
    [
      'throws undefined',
      () => {
        throw undefined;
      },
    ],
    [
      'throws an object without a prototype',
      () => {
        throw nullProto;
      },
    ],
    [
      'throws an object whose toString throws',
      () => {
        throw hostileToString;
      },
    ],
    ['rejects with an object whose toString throws', () => Promise.reject(hostileToString)],
    ['returns undefined', () => undefined as unknown as NodeResult],
    ['returns a number', () => 42 as unknown as NodeResult],
    ['returns an empty object', () => ({}) as NodeResult],
    ['returns a non-array suspend', () => ({ suspend: 'nope' }) as unknown as NodeResult],
    ['resolves to garbage', async () => Symbol('x') as unknown as NodeResult],
    ['returns a proxy whose traps throw', () => trapping as NodeResult],
    ['resolves to a proxy whose traps throw', async () => trapping as NodeResult],
  ])('fails the journey with ERR_NODE_FAILED, never crashing, when a node %s', async (_what, run) => {
    const r = await runOne(run);
    expect(r).toMatchObject({ status: 'failure', code: 'ERR_NODE_FAILED' });
  });

  it('follows the error outcome of a broken node when the flow wires it', async () => {
    const r = await runOne(() => undefined as unknown as NodeResult, { done: 'failure', error: 'success' });
    expect(r.status).toBe('success');
    expect(r.trace[0]).toMatchObject({ outcome: 'error' });
  });
});
