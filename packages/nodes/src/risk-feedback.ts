import { defineNode, normalizeIp } from '@waymark/sdk';
import { httpSchema, localSchema, providerSchema, requireHttpWhenChosen, resolveProvider, riskUserId } from './risk/config.js';
import type { RiskInput } from './risk/provider.js';
import { errorCode } from './risk-evaluate.js';

const config = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: { enum: ['SUCCESS', 'FAILED'], description: 'How the attempt ended: place one node on the success path, one on the failure path' },
    provider: providerSchema,
    userFrom: { type: 'string', minLength: 1, default: 'sub', description: 'State key holding the user id; falls back to "username"' },
    local: localSchema,
    http: httpSchema,
  },
  ...requireHttpWhenChosen,
} as const;

/**
 * `risk.feedback` — completes the evaluation in `state.risk` with `SUCCESS` or `FAILED`, so
 * the provider learns (PingOne Protect's completion; the local provider stores the last
 * successful location, adds the device to the user's known devices and resets or counts
 * failures). Give it the same `provider` / `local` / `http` config as the `risk.evaluate` node.
 *
 * @example
 * { "type": "risk.feedback", "config": { "status": "SUCCESS" }, "outcomes": { "done": "createSession", "error": "createSession" } }
 */
export const riskFeedback = defineNode({
  type: 'risk.feedback',
  version: 1,
  description: 'Reports how a risk-evaluated login ended (SUCCESS or FAILED) so the risk engine learns devices, locations and failures.',
  config,
  outcomes: ['done', 'error'],
  async run(ctx, c) {
    const risk = ctx.state.risk;
    const id = typeof risk === 'object' && risk !== null && !Array.isArray(risk) ? risk.id : undefined;
    const userId = riskUserId(ctx.state, c.userFrom);
    if (typeof id !== 'string' || userId === undefined) return { outcome: 'error', reason: 'no_evaluation' };
    const input: RiskInput = { ip: normalizeIp(ctx.ip) ?? ctx.ip, userId };
    if (ctx.request.userAgent !== undefined) input.userAgent = ctx.request.userAgent;
    if (ctx.secrets.deviceId !== undefined) input.deviceId = ctx.secrets.deviceId;
    try {
      const { provider } = await resolveProvider(ctx, c);
      await provider.complete(id, c.status, input, { signal: ctx.signal });
    } catch (error) {
      const code = errorCode(error);
      ctx.services.logger.warn('risk completion failed', { code });
      return { outcome: 'error', reason: code };
    }
    return 'done';
  },
});
