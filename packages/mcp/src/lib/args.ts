import { z } from 'zod';

/*
 * Argument schemas whose every error says the fix: the SDK answers a bad argument as a tool
 * error "<message> at <argument>", so each message is the fix.
 */

/** A non-empty string; `fix` says what to give. */
export const text = (fix: string) => z.string({ error: fix }).min(1, { error: fix });

/** A flow id. */
export const flowId = () => text('give a flow id, such as "login" (list_flows lists them)').describe('The flow id, such as "login".');

/** A flow version: a whole number, "active" or "latest". */
export const version = (what: string) =>
  z
    .union([z.number().int().positive(), z.enum(['active', 'latest'])], { error: 'give a version number (1, 2, …), "active" or "latest"' })
    .describe(what);

/** A time: epoch milliseconds or an RFC 3339 date-time. */
export const time = (what: string) =>
  z
    .union([z.number().int().nonnegative(), z.string().datetime({ offset: true })], {
      error: 'give an RFC 3339 date-time such as "2026-12-03T21:00:00Z", or epoch milliseconds',
    })
    .optional()
    .describe(what);

/** A JSON object (a flow, a client configuration). */
export const object = (fix: string) => z.record(z.string(), z.unknown(), { error: fix });

/** `confirm: true` makes a change; anything else is a dry run. */
export const confirm = () =>
  z
    .boolean({ error: 'give true to save, or leave it out for a dry run' })
    .optional()
    .describe('true saves; left out (the default), nothing is saved and the tool answers what it would do (a dry run).');
