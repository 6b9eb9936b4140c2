import type { RequestHandler } from 'express';
import { invalidRequest } from '../../errors.js';
import { locals, params } from '../../lib/locals.js';
import { CLIENT_AUTH_PARAMETERS, STANDARD_AUTHORIZATION_PARAMETERS } from '../../lib/oauth-parameters.js';
import { printableName } from '../../lib/printable.js';

/**
 * Only standard authorization parameters, client authentication parameters and the client's
 * `allowed_pushed_parameters` are accepted (RFC 9126 §2.1 lets the server decide what it
 * takes); anything else is refused by name, so a typo never passes silently.
 */
export function checkParameterNames(): RequestHandler {
  return function checkParameterNames(_req, res, next) {
    const allowed = new Set(locals(res).client?.allowedPushedParameters ?? []);
    for (const name of Object.keys(params(res))) {
      if (STANDARD_AUTHORIZATION_PARAMETERS.has(name) || CLIENT_AUTH_PARAMETERS.has(name) || allowed.has(name)) continue;
      throw invalidRequest(`parameter "${printableName(name)}" is not accepted for this client`, { param: printableName(name) });
    }
    next();
  };
}
