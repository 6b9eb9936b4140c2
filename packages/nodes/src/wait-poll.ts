import { callbacks, defineNode } from '@waymark/sdk';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    waitMs: {
      type: 'integer',
      minimum: 100,
      maximum: 3_600_000,
      default: 5000,
      description: 'How long the user waits, in ms from the first visit.',
    },
    message: { type: 'string', minLength: 1, maxLength: 500, default: 'Please wait…', description: 'Shown while the user waits.' },
  },
} as const;

/**
 * `wait.poll` — makes the user (or the client) wait: suspends with a PollingWaitCallback until
 * `waitMs` have passed since the node was first reached, by the injected clock, then ends in
 * `done`. A submit that comes early is asked to wait again, for what is left. The start time
 * is kept in the `wait` secret namespace under the node's id (sealed, out of state and traces)
 * and dropped when the wait is over.
 *
 * @example
 * { "type": "wait.poll", "config": { "waitMs": 5000, "message": "Approve the sign-in on your phone." }, "outcomes": { "done": "check" } }
 */
export const waitPoll = defineNode({
  type: 'wait.poll',
  version: 1,
  description: 'Makes the user wait a given time (a PollingWaitCallback), then continues.',
  callbacks: ['PollingWaitCallback'],
  config,
  outcomes: ['done'],
  run(ctx, c) {
    const key = `since:${ctx.journey.nodeId}`;
    const now = ctx.services.clock.now();
    const since = Number(ctx.secrets[key]);
    if (ctx.secrets[key] === undefined || !Number.isFinite(since)) {
      ctx.secrets[key] = String(now);
      return ctx.suspend([callbacks.pollingWait(c.waitMs, c.message)]);
    }
    const left = since + c.waitMs - now;
    if (left > 0) return ctx.suspend([callbacks.pollingWait(left, c.message)]);
    delete ctx.secrets[key];
    return 'done';
  },
});
