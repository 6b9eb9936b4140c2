import type { RequestHandler } from 'express';
import { locals } from '../../lib/locals.js';
import { clientIp } from '../../middleware/client-ip.js';
import { noStore } from '../../middleware/security-headers.js';
import type { RouterContext } from '../../options.js';
import { parseEvaluateRequest, type PolicyDecisionPoint } from '@waymark/policy';
import { authenticateServiceClient } from './authenticate-service.js';
import { readJsonBody, requireJson } from './json-body.js';

/** Answers the decisions: a JSON array, one per resource, as AIC does. */
function decide(pdp: PolicyDecisionPoint): RequestHandler {
  return async function decide(req, res) {
    const request = parseEvaluateRequest(req.body as unknown);
    const state = locals(res);
    res
      .status(200)
      .json(
        await pdp.evaluate(request, {
          requestId: state.requestId,
          client_id: state.client?.clientId,
          ip: state.clientIp,
          userAgent: req.headers['user-agent'],
        }),
      );
  };
}

/**
 * `POST /policies/evaluate` — AIC's `/json/policies?_action=evaluate`, read top to bottom.
 */
export function evaluateSteps(ctx: RouterContext, pdp: PolicyDecisionPoint): RequestHandler[] {
  return [
    noStore(), //                        decisions are single use: never cached by an intermediary
    clientIp(ctx), //                    for the access log and future risk signals
    authenticateServiceClient(ctx), //   the PEP is a service client (client_secret_basic)
    requireJson(), //                    application/json only
    ...readJsonBody(ctx.bodyLimit), //   413 past the body limit (the rest never read), 400 when malformed
    decide(pdp), //                      200 [{ resource, actions, attributes, advices, ttl }]
  ];
}
