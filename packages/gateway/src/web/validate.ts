import { compileConfigSchema, ConfigInvalidError, type ConfigProblem, type ConfigSchema } from '@waymark/core';
import { WEB_ROUTE_ERRORS } from './errors.js';
import { webRouteSchema, type WebRouteConfig } from './schema.js';
import { isPublicPathInside } from './public-paths.js';

let compiled: ConfigSchema<WebRouteConfig> | undefined;
/* Compiled once per process, on first use (fastify's habit: never per request). */
function schema(): ConfigSchema<WebRouteConfig> {
  compiled ??= compileConfigSchema<WebRouteConfig>(webRouteSchema, 'gateway web route');
  return compiled;
}

/** Headers the identity must not replace: HTTP's own, hop-by-hop (RFC 9110 §7.6.1), and the ones the gateway strips or forwards. */
const RESERVED_HEADERS = new Set([
  'host',
  'cookie',
  'authorization',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'origin',
  'referer',
  'forwarded',
]);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Loopback hosts may speak plain http (development, tests); anything else must be https. */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

function problem(pointer: string, message: string): ConfigProblem {
  return { code: WEB_ROUTE_ERRORS.ERR_GATEWAY_WEB_CONFIG, pointer, message };
}

/* What the schema cannot say: https outside loopback, cookie prefixes, public paths inside the route. */
function semanticProblems(config: WebRouteConfig, base: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const key of ['publicUrl', 'issuer', 'upstream', 'postLogoutRedirectUri'] as const) {
    const value = config[key];
    if (value === undefined || key === 'upstream') continue;
    const url = new URL(value);
    if (url.protocol === 'http:' && !isLoopbackUrl(url))
      out.push(
        problem(
          `${base}/${key}`,
          `"${value}" is plain http on a non-loopback host: use https (cookies and tokens must not cross the network in clear).`,
        ),
      );
  }
  const https = config.publicUrl.startsWith('https:');
  const cookie = config.session.cookieName;
  // RFC 6265bis §4.1.3: a __Secure-/__Host- cookie is refused by browsers unless set over https with Secure.
  if (cookie !== undefined && !https && /^__(Host|Secure)-/i.test(cookie))
    out.push(
      problem(
        `${base}/session/cookieName`,
        `"${cookie}" needs https (browsers drop __Host-/__Secure- cookies without Secure): pick a name without the prefix, or make publicUrl https.`,
      ),
    );
  if (RESERVED_HEADERS.has(config.identity.header.toLowerCase()) || /^(x-forwarded-|sec-|proxy-)/i.test(config.identity.header))
    out.push(
      problem(
        `${base}/identity/header`,
        `"${config.identity.header}" is a header HTTP, the proxy or the browser uses: pick a name of its own, such as "x-waymark-identity".`,
      ),
    );
  config.publicPaths.forEach((path, i) => {
    if (!isPublicPathInside(path, config.path))
      out.push(
        problem(
          `${base}/publicPaths/${i}`,
          `"${path}" is outside the route's path "${config.path}", so it would never match: start it with "${config.path}".`,
        ),
      );
  });
  return out;
}

/**
 * Every problem of a `web` route's config, each with a code and an RFC 6901 pointer under
 * `base` (so the gateway's config check can report `/gateway/routes/2/issuer`). Fills in the
 * defaults in place. `[]` when the config is valid.
 *
 * @example
 * webRouteProblems({ upstream: 'http://127.0.0.1:8080' }, '/gateway/routes/0');
 * // [{ code: 'ERR_CONFIG_INVALID', pointer: '/gateway/routes/0/publicUrl', message: '"publicUrl" is missing: add it. …' }, …]
 */
export function webRouteProblems(value: unknown, base = ''): ConfigProblem[] {
  const found = schema().problems(value, base);
  return found.length > 0 ? found : semanticProblems(value as WebRouteConfig, base);
}

/**
 * A `web` route's config with its defaults, or a `ConfigInvalidError` (`ERR_CONFIG_INVALID`,
 * `details.problems` with a pointer and the fix each).
 *
 * @example
 * const config = validateWebRouteConfig(JSON.parse(text)); // throws naming "/issuer" when it is missing
 */
export function validateWebRouteConfig(value: unknown): WebRouteConfig {
  const problems = webRouteProblems(value);
  if (problems.length > 0) throw new ConfigInvalidError('gateway web route', problems);
  return value as WebRouteConfig;
}
