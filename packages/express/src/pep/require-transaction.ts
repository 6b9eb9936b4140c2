import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '@waymark/sdk';
import { PolicyError, TRANSACTION_ADVICE, type PolicyDecision, type PolicyEvaluator } from '@waymark/policy';
import { remotePolicyDecisionPoint } from './remote-pdp.js';

/** The header a client repeats the transaction id in when it retries after the step-up. */
export const TRANSACTION_ID_HEADER = 'x-transaction-id';

export interface RequireTransactionOptions {
  /** An in-process decision point (`createPolicyDecisionPoint`, or the router's `policies.pdp`) … */
  pdp?: PolicyEvaluator;
  /** … or the URL of a Waymark `POST /policies/evaluate`, with a service client's credentials. */
  evaluateUrl?: string;
  clientId?: string;
  clientSecret?: string;
  fetch?: typeof fetch;
  /** The protected resource's URL, as the policy names it. */
  resource: (req: Request) => string;
  /** The action; default the HTTP method. */
  action?: (req: Request) => string;
  /** The user's Waymark session id (AIC's SSO token), or undefined when not signed in. */
  subject: (req: Request) => string | undefined;
  /** The transaction id of a retry; default the `X-Transaction-Id` header. */
  transactionId?: (req: Request) => string | undefined;
  /** The policy set to evaluate against (AIC's `application`); default all. */
  application?: string;
  /** Where a browser completes the step-up, for the 401 body (`https://login.example.com/policies/transactions/<txId>/stepup`). */
  stepUpUrl?: (txId: string) => string;
  /** `realm` of the challenge. Default `waymark`. */
  realm?: string;
  logger?: Logger;
}

function pepConfig(message: string): PolicyError {
  return new PolicyError('ERR_PEP_CONFIG', `requireTransaction: ${message}`);
}

/* RFC 7235 §2.1 quoted-string: escape backslash and double quote. */
const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

function deny(res: Response, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).json(body);
}

/**
 * A policy enforcement point for a resource server: asks the decision point whether this
 * request may act on this resource. Without a completed transaction it answers 401 with an
 * RFC 9470 step-up challenge (`WWW-Authenticate: Bearer error="insufficient_user_authentication"`,
 * plus a `txid` parameter) and a JSON body with the advice; the client runs the step-up journey
 * for that txId and retries with `X-Transaction-Id: <txId>`, which passes exactly once.
 *
 * @example
 * app.post('/makepayment', requireTransaction({
 *   pdp, resource: () => 'https://api.bankingexample.com:443/makepayment',
 *   subject: (req) => req.get('x-session-id'),
 * }), (req, res) => res.json({ paid: true }));
 */
export function requireTransaction(options: RequireTransactionOptions): RequestHandler {
  if (options === null || typeof options !== 'object') throw pepConfig('pass { pdp | evaluateUrl+clientId+clientSecret, resource, subject }');
  if (typeof options.resource !== 'function') throw pepConfig('"resource" must be a function (req) => URL');
  if (typeof options.subject !== 'function') throw pepConfig('"subject" must be a function (req) => session id');
  let pdp: PolicyEvaluator;
  if (options.pdp) {
    if (options.evaluateUrl !== undefined) throw pepConfig('give "pdp" or "evaluateUrl", not both');
    pdp = options.pdp;
  } else {
    if (typeof options.evaluateUrl !== 'string' || !URL.canParse(options.evaluateUrl)) throw pepConfig('"evaluateUrl" must be an absolute URL (or give "pdp")');
    if (!options.clientId || !options.clientSecret) throw pepConfig('"clientId" and "clientSecret" of a service client are required with "evaluateUrl"');
    pdp = remotePolicyDecisionPoint({ evaluateUrl: options.evaluateUrl, clientId: options.clientId, clientSecret: options.clientSecret, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }
  const realm = options.realm ?? 'waymark';
  const actionOf = options.action ?? ((req: Request) => req.method);
  const txIdOf = options.transactionId ?? ((req: Request) => req.get(TRANSACTION_ID_HEADER));

  return async function requireTransaction(req, res, next) {
    const sessionId = options.subject(req);
    if (!sessionId) {
      // RFC 6750 §3.1: no credentials at all → a bare challenge, no error code.
      deny(res, 401, { error: 'unauthorized', error_description: 'sign in first' }, { 'WWW-Authenticate': `Bearer realm=${quoted(realm)}` });
      return;
    }
    const txId = txIdOf(req);
    const resource = options.resource(req);
    const action = actionOf(req);
    let decision: PolicyDecision | undefined;
    try {
      const decisions = await pdp.evaluate({
        resources: [resource],
        subject: { ssoToken: sessionId },
        ...(options.application ? { application: options.application } : {}),
        ...(txId ? { environment: { TxId: [txId.slice(0, 256)] } } : {}),
      });
      decision = decisions[0];
    } catch (error) {
      if (error instanceof PolicyError && error.code === 'ERR_TRANSACTION_RATE_LIMITED') {
        deny(res, 429, { error: 'temporarily_unavailable', error_description: error.message }, error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) });
        return;
      }
      options.logger?.error('policy decision failed; denying (fail closed)', { code: error instanceof PolicyError ? error.code : undefined, error: error instanceof Error ? error.message : String(error) });
      deny(res, 503, { error: 'temporarily_unavailable', error_description: 'no policy decision could be obtained; retry later' });
      return;
    }
    if (decision?.actions[action] === true) {
      // For the route (and its audit log): the decision that let this request through.
      (res.locals as { policyDecision?: PolicyDecision }).policyDecision = decision;
      next();
      return;
    }
    const advised = decision?.advices[TRANSACTION_ADVICE]?.[0];
    if (advised !== undefined) {
      const description = 'A step-up authentication is required to approve this transaction';
      // RFC 9470 §3: the challenge; the `txid` auth-param carries the advice to clients that read headers only.
      const challenge = `Bearer realm=${quoted(realm)}, error="insufficient_user_authentication", error_description=${quoted(description)}, txid=${quoted(advised)}`;
      deny(
        res,
        401,
        {
          error: 'insufficient_user_authentication',
          error_description: description,
          advices: decision!.advices,
          txId: advised,
          ...(options.stepUpUrl ? { stepup_uri: options.stepUpUrl(advised) } : {}),
        },
        { 'WWW-Authenticate': challenge },
      );
      return;
    }
    deny(res, 403, { error: 'access_denied', error_description: 'the policy does not allow this action on this resource' });
  };
}
