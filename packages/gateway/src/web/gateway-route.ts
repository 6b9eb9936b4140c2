import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConfigProblem } from '@waymark/core';
import { ConfigInvalidError } from '@waymark/core';
import type { WebRouteConfig as WebRouteEntry } from '../config/types.js';
import type { GatewayEndpoint, GatewayRoute, GatewaySettings, RouteDeps } from '../lib/route.js';
import { ENDPOINTS } from './defaults.js';
import { createWebRoute, type WebRouteDeps } from './create-web-route.js';
import type { WebRouteConfig } from './schema.js';
import type { SigningJwk } from './identity.js';
import { webRouteProblems } from './validate.js';

/*
 * A `web` route inside the gateway's configuration: { "kind": "web", "name", "path", ...the web
 * route's own options }. Its secrets come from the environment, never from the file:
 *   sessionKeysEnv  (default WAYMARK_GATEWAY_SESSION_KEYS): comma-separated session-cookie keys, the first seals
 *   signingKeyEnv   (default WAYMARK_GATEWAY_SIGNING_JWK): the private JWK (JSON) that signs the identity header
 *   clientSecretEnv (optional): the client secret at the provider, for a confidential client
 */

const SECRET_OPTIONS = ['sessionKeysEnv', 'signingKeyEnv', 'clientSecretEnv'] as const;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The web route's own options of a gateway route entry: without kind, name and the secrets' variable names; publicUrl from the gateway. */
function ownOptions(entry: Record<string, unknown>, publicUrl: string | undefined): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry))
    if (key !== 'kind' && key !== 'name' && !(SECRET_OPTIONS as readonly string[]).includes(key)) options[key] = value;
  if (options.publicUrl === undefined && publicUrl !== undefined) options.publicUrl = publicUrl;
  return options;
}

/** The problems of a `web` route entry at `base` (such as `/routes/2`): its options, and the names of its secrets' variables. */
export function webRouteEntryProblems(entry: Record<string, unknown>, publicUrl: string | undefined, base: string): ConfigProblem[] {
  const problems = webRouteProblems(ownOptions(entry, publicUrl), base);
  for (const key of SECRET_OPTIONS) {
    const name = entry[key];
    if (name !== undefined && (typeof name !== 'string' || !ENV_NAME.test(name)))
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `${base}/${key}`,
        message: 'names an environment variable, such as "WAYMARK_GATEWAY_SESSION_KEYS"',
      });
  }
  return problems;
}

function secretsOf(entry: Record<string, unknown>, env: RouteDeps['env'], at: string): WebRouteDeps['keys'] {
  const sessionName = (entry.sessionKeysEnv as string | undefined) ?? 'WAYMARK_GATEWAY_SESSION_KEYS';
  const signingName = (entry.signingKeyEnv as string | undefined) ?? 'WAYMARK_GATEWAY_SIGNING_JWK';
  const secretName = entry.clientSecretEnv as string | undefined;
  const problems: ConfigProblem[] = [];
  const session = (env[sessionName] ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (session.length === 0)
    problems.push({
      code: 'ERR_CONFIG_INVALID',
      pointer: `${at}/sessionKeysEnv`,
      message: `set ${sessionName} to the session-cookie keys (comma-separated, each 32 random bytes, base64url)`,
    });
  let signing: SigningJwk | undefined;
  try {
    signing = JSON.parse(env[signingName] ?? '') as SigningJwk;
  } catch {
    problems.push({
      code: 'ERR_CONFIG_INVALID',
      pointer: `${at}/signingKeyEnv`,
      message: `set ${signingName} to the private JWK (JSON, with "kid" and "alg") that signs the identity header`,
    });
  }
  const clientSecret = secretName === undefined ? undefined : env[secretName];
  if (secretName !== undefined && !clientSecret)
    problems.push({
      code: 'ERR_CONFIG_INVALID',
      pointer: `${at}/clientSecretEnv`,
      message: `set ${secretName} to the route's client secret at the provider`,
    });
  if (problems.length > 0) throw new ConfigInvalidError('gateway web route secrets', problems);
  return { session, signing: signing!, ...(clientSecret ? { clientSecret } : {}) };
}

/** A web route's own endpoints (ENDPOINTS under its path), then every other path forwarded to the application. */
function webEndpoints(path: string): GatewayEndpoint[] {
  const base = path === '/' ? '' : path.replace(/\/+$/, '');
  return [
    { method: 'GET', path: `${base}${ENDPOINTS.callback}` },
    { method: 'GET', path: `${base}${ENDPOINTS.login}` },
    { method: 'GET', path: `${base}${ENDPOINTS.logout}` },
    { method: 'POST', path: `${base}${ENDPOINTS.logout}` },
    { method: 'GET', path: `${base}${ENDPOINTS.jwks}` },
    { method: 'ALL', path: `${base}/{forwarded}` },
  ];
}

/**
 * The gateway's `web` route factory (`GatewayOptions.webRoutes`, the default): the web route's
 * express router behind the gateway's route interface.
 */
export function webGatewayRoute(entry: WebRouteEntry, settings: GatewaySettings, deps: RouteDeps): GatewayRoute {
  const record = entry as unknown as Record<string, unknown>;
  const config = ownOptions(record, settings.publicUrl) as unknown as WebRouteConfig;
  const router = createWebRoute(config, {
    keys: secretsOf(record, deps.env, `/routes/${entry.name}`),
    clock: deps.clock,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.audit ? { auditor: deps.audit } : {}),
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(router);
  return {
    kind: 'web',
    name: entry.name,
    path: entry.path,
    endpoints: webEndpoints(entry.path),
    handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      return new Promise((resolve) => {
        res.once('close', () => resolve());
        app(req as express.Request, res as express.Response, () => {
          // Under the route's path but no handler of its own: the same 404 as Waymark's app answers.
          if (!res.headersSent) {
            res.statusCode = 404;
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ error: 'not_found', error_description: 'no such endpoint' }));
          }
        });
      });
    },
    async close() {},
  };
}
