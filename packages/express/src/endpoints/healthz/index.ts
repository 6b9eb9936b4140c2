import type { RequestHandler } from 'express';
import { WaymarkError } from '@waymark/sdk';
import type { RouterContext } from '../../options.js';

const PROBE = 'waymark:healthz-probe';

/* One cheap read per store; a probe id that is never written. */
function probes(ctx: RouterContext): Array<[string, () => Promise<unknown>]> {
  const s = ctx.stores;
  return [
    ['journeys', () => s.journeys.get(PROBE)],
    ['pushedRequests', () => s.pushedRequests.take(PROBE)],
    ['sessions', () => s.sessions.get(PROBE)],
    ['transactions', () => s.transactions.get(PROBE)],
    ['counters', () => s.counters.get(PROBE)],
    ['kv', () => s.kv.get(PROBE)],
  ];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaymarkError('ERR_STORE_UNAVAILABLE', 'store timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `GET /healthz`: 200 `{ status: "ok" }` when every store answers a cheap read, else 503
 * `{ status: "unavailable", error, store }` naming the first store that failed (its code, not
 * its message, which may hold a connection string).
 */
export function healthzEndpoint(ctx: RouterContext): RequestHandler {
  return async function healthz(_req, res) {
    res.setHeader('Cache-Control', 'no-store');
    const results = await Promise.allSettled(probes(ctx).map(async ([name, probe]) => withTimeout(probe(), ctx.healthCheckTimeoutMs).then(() => name)));
    const names = probes(ctx).map(([name]) => name);
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed === -1) {
      res.status(200).json({ status: 'ok' });
      return;
    }
    const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
    const code = reason instanceof WaymarkError ? reason.code : 'ERR_STORE_UNAVAILABLE';
    ctx.logger.warn('health check failed', { store: names[failed], code });
    res.status(503).json({ status: 'unavailable', error: code, store: names[failed] });
  };
}
