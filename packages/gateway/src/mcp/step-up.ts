import { createHash } from 'node:crypto';
import {
  PolicyError,
  TRANSACTION_ADVICE,
  createPolicyDecisionPoint,
  type JwtSubjectResolver,
  type PolicyDecisionPoint,
} from '@waymark/policy';
import type { StepUpRule } from '../config/types.js';
import type { Caller } from '../lib/authenticate.js';
import type { RouteDeps } from '../lib/route.js';
import type { McpMessage } from './message.js';

/*
 * Transactional authorization per tool: a route's rule (`transfer_funds` with `/amount` above
 * 1000) sends a tool call to @waymark/policy's decision point. The resource decided is the
 * tool, with a hash of the call's arguments in its path, so an approved transaction allows
 * exactly this call (same tool, same arguments, same subject) exactly once: an approval for
 * 5 000 cannot carry a transfer of 50 000.
 */

export type StepUpOutcome =
  | { kind: 'not-needed' }
  | { kind: 'permit'; txId: string }
  | { kind: 'advice'; txId: string }
  | { kind: 'deny' }
  | { kind: 'rate-limited'; retryAfterSeconds: number | undefined }
  | { kind: 'unavailable' };

/** The number at a JSON pointer (RFC 6901) of the arguments, or undefined. */
function numberAt(args: unknown, pointer: string): number | undefined {
  let value: unknown = args;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** The resource a guarded call is decided on: `<route resource>/tools/<tool>/<sha256 of the arguments>`. */
export function callResource(resource: string, tool: string, args: unknown): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(args ?? null))
    .digest('hex');
  return `${resource}/tools/${encodeURIComponent(tool)}/${hash}`;
}

export interface StepUpGuard {
  readonly pdp: PolicyDecisionPoint;
  decide(
    message: McpMessage,
    caller: Caller,
    txId: string | undefined,
    context: { requestId?: string | undefined; ip?: string | undefined },
  ): Promise<StepUpOutcome>;
}

export function stepUpGuard(
  rules: readonly StepUpRule[],
  resource: string,
  policies: unknown,
  deps: RouteDeps,
  resolve: JwtSubjectResolver,
): StepUpGuard {
  if (deps.stores === undefined)
    throw new PolicyError('ERR_PEP_CONFIG', 'gateway: step-up rules need stores (the transactions live there)');
  const pdp = createPolicyDecisionPoint(policies, {
    stores: deps.stores,
    clock: deps.clock,
    rateLimiters: deps.rateLimiters,
    resolveJwt: resolve,
    ...(deps.audit ? { audit: deps.audit } : {}),
  });
  return {
    pdp,
    async decide(message, caller, txId, context) {
      if (message.method !== 'tools/call' || message.name === undefined) return { kind: 'not-needed' };
      const applies = rules.some((r) => r.tool === message.name && (numberAt(message.args, r.argument) ?? -Infinity) > r.above);
      if (!applies) return { kind: 'not-needed' };
      try {
        const [decision] = await pdp.evaluate(
          {
            resources: [callResource(resource, message.name, message.args)],
            subject: { jwt: caller.token },
            ...(txId ? { environment: { TxId: [txId.slice(0, 256)] } } : {}),
          },
          { requestId: context.requestId, client_id: caller.clientId, ip: context.ip },
        );
        if (decision?.actions.POST === true) return { kind: 'permit', txId: txId ?? '' };
        const advised = decision?.advices[TRANSACTION_ADVICE]?.[0];
        return advised !== undefined ? { kind: 'advice', txId: advised } : { kind: 'deny' };
      } catch (error) {
        if (error instanceof PolicyError && error.code === 'ERR_TRANSACTION_RATE_LIMITED')
          return { kind: 'rate-limited', retryAfterSeconds: error.retryAfterSeconds };
        deps.logger?.error('gateway: policy decision failed; refusing (fail closed)', {
          error: error instanceof Error ? error.message : String(error),
        });
        return { kind: 'unavailable' };
      }
    },
  };
}
