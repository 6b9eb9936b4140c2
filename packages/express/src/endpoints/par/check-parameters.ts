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
  // Each client's extra names as a Set, built on its first request (clients are fixed once loaded).
  const extras = new WeakMap<readonly string[], ReadonlySet<string>>();
  return function checkParameterNames(_req, res, next) {
    const names = locals(res).client?.allowedPushedParameters ?? [];
    let allowed = extras.get(names);
    if (!allowed) {
      allowed = new Set(names);
      if (Object.isFrozen(names)) extras.set(names, allowed);
    }
    for (const name of Object.keys(params(res))) {
      if (STANDARD_AUTHORIZATION_PARAMETERS.has(name) || CLIENT_AUTH_PARAMETERS.has(name) || allowed.has(name)) continue;
      throw invalidRequest(`parameter "${printableName(name)}" is not accepted for this client`, { param: printableName(name) });
    }
    next();
  };
}
