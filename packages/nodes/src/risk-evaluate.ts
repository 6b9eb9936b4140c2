import { defineNode, normalizeIp, type NodeContext } from '@waymark/sdk';
import { httpSchema, localSchema, providerSchema, requireHttpWhenChosen, resolveProvider, riskUserId } from './risk/config.js';
import { newDeviceId, parseDeviceId } from './risk/device.js';
import { evaluationToState, type RiskEvaluation, type RiskInput } from './risk/provider.js';

const LEVEL_OUTCOMES = ['low', 'medium', 'high'] as const;
const FIXED_OUTCOMES = ['exceed', ...LEVEL_OUTCOMES, 'error', 'clientError'];

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    provider: providerSchema,
    userFrom: { type: 'string', minLength: 1, default: 'sub', description: 'State key holding the user id; falls back to "username"' },
    scoreThreshold: { type: 'number', default: 300, description: 'A score above this goes to "exceed", before anything else (AIC default 300)' },
    recommendedActions: {
      type: 'array',
      items: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,63}$' },
      uniqueItems: true,
      default: [],
      description: 'Recommended actions that get their own outcome (lower-case): BOT_MITIGATION → bot_mitigation',
    },
    deviceCookie: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', default: '__Host-waymark-device' },
        maxAgeDays: { type: 'integer', minimum: 1, maximum: 400, default: 400, description: 'Browsers cap cookie lifetime at 400 days' },
      },
    },
    local: localSchema,
    http: httpSchema,
  },
  ...requireHttpWhenChosen,
} as const;

/** The outcome name of a recommended action: `BOT_MITIGATION` → `bot_mitigation`. */
export function actionOutcome(action: string): string {
  return action.toLowerCase();
}

/** Reads the device cookie, issuing a fresh id (set on success) when it is absent or malformed. */
function deviceId(ctx: NodeContext, cookie: { name: string; maxAgeDays: number }): string {
  const existing = parseDeviceId(ctx.request.cookies[cookie.name]);
  if (existing !== undefined) return existing;
  const id = newDeviceId();
  ctx.effects.setCookie(cookie.name, id, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: cookie.maxAgeDays * 86_400 });
  return id;
}

/**
 * `risk.evaluate` — scores the login attempt with a {@link RiskProvider} and routes on the result,
 * like AIC's PingOne Protect Evaluation node. Precedence: `exceed` (score above
 * `scoreThreshold`) → the recommended action, when configured → the level. Writes
 * `state.risk = { id, provider, level, score, recommendedAction?, details, outcome }` (the
 * outcome it routed to), and removes any earlier `state.risk` first (so after `error` or
 * `clientError` there is none).
 *
 * @example
 * { "type": "risk.evaluate",
 *   "config": { "recommendedActions": ["BOT_MITIGATION"] },
 *   "outcomes": { "low": "createSession", "medium": "otp", "high": "otp", "exceed": "failure",
 *                 "bot_mitigation": "failure", "error": "otp", "clientError": "failure" } }
 */
export const riskEvaluate = defineNode({
  type: 'risk.evaluate',
  version: 1,
  description: 'Evaluates the risk of the login attempt (IP location, impossible travel, new device, bot, failures) and routes on level, action or score.',
  config,
  outcomes: (c) => [...new Set([...FIXED_OUTCOMES, ...c.recommendedActions.map(actionOutcome)])],
  async run(ctx, c) {
    // state.risk is this node's evaluation or nothing: after an error no earlier one is left for
    // a later risk.feedback to complete or a decision to read.
    delete ctx.state.risk;
    const userId = riskUserId(ctx.state, c.userFrom);
    if (userId === undefined) return { outcome: 'clientError', reason: 'no_user' };
    const ip = normalizeIp(ctx.ip);
    if (ip === undefined) return { outcome: 'clientError', reason: 'no_ip' };

    const device = deviceId(ctx, c.deviceCookie);
    // risk.feedback shares this namespace: it completes the evaluation with the same device.
    ctx.secrets.deviceId = device;
    const input: RiskInput = { ip, userId, deviceId: device };
    if (ctx.request.userAgent !== undefined) input.userAgent = ctx.request.userAgent;
    const hints = { ua: ctx.request.headers['sec-ch-ua'], platform: ctx.request.headers['sec-ch-ua-platform'] };
    if (hints.ua !== undefined || hints.platform !== undefined) input.clientHints = Object.fromEntries(Object.entries(hints).filter(([, v]) => v !== undefined));

    let evaluation: RiskEvaluation;
    let name: string;
    try {
      const { provider, name: providerName } = await resolveProvider(ctx, c);
      name = providerName;
      evaluation = await provider.evaluate(input, { signal: ctx.signal });
    } catch (error) {
      const code = errorCode(error);
      ctx.services.logger.warn('risk evaluation failed', { code });
      return { outcome: 'error', reason: code };
    }
    const outcome = route(evaluation, c);
    // The outcome too, so a node after a merge (risk.feedback, cookie.clear) can still branch on it.
    ctx.state.risk = { ...evaluationToState(evaluation, name), outcome };
    return outcome === 'exceed' ? { outcome, reason: 'score' } : outcome;
  },
});

/** AIC's precedence: score threshold → a configured recommended action → the level. */
function route(evaluation: RiskEvaluation, c: { scoreThreshold: number; recommendedActions: readonly string[] }): string {
  if (evaluation.score > c.scoreThreshold) return 'exceed';
  const action = evaluation.recommendedAction;
  if (action !== undefined && c.recommendedActions.includes(action)) return actionOutcome(action);
  return LEVEL_OUTCOMES[['LOW', 'MEDIUM', 'HIGH'].indexOf(evaluation.level)] ?? 'high';
}

/** A stable, secret-free code for a failure: the error's `code` when it has one. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : 'unknown';
}
