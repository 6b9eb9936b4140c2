import type { JSONWebKeySet } from 'jose';
import type { Clock } from '@waymark/sdk';
import { ACCESS_TOKEN_DEFAULTS } from './defaults.js';
import { AccessTokenConfigError, type AccessTokenConfigProblem } from './errors.js';

/** A `fetch` as the validator calls it (the engine's `services.fetch`, a test spy, `globalThis.fetch`). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A JSON Web Key Set (RFC 7517 §5), as jose types it. */
export type JsonWebKeySet = JSONWebKeySet;

/** The asymmetric JWS algorithms a validator may pin (RFC 7518 §3, RFC 8037 §3.1). */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** How the introspection client authenticates to the endpoint (RFC 7662 §2.1, RFC 6749 §2.3.1). */
export type IntrospectionAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** The introspection endpoint and its client (RFC 7662), for opaque access tokens. */
export interface IntrospectionOptions {
  /** `https://as.example/introspect`; plain http only to a loopback host (development). */
  endpoint: string;
  clientId: string;
  /** Default `client_secret_basic`. */
  authMethod?: IntrospectionAuthMethod;
  /** Required unless `authMethod` is `none`. A secret: never logged, never in an error. */
  clientSecret?: string;
  /** Accepted `token_type` values of an active answer, when it names one. Default `['Bearer']`. */
  tokenTypes?: string[];
}

/**
 * The options of {@link createAccessTokenValidator}. Give exactly one key source: `jwksUri` or
 * `jwks` (JWT access tokens, RFC 9068), or `introspection` (opaque tokens, RFC 7662).
 */
export interface AccessTokenValidatorOptions {
  /** Expected `iss`; also the issuer the introspection endpoint speaks for. */
  issuer: string;
  /** Expected `aud` (any one of them). Required for JWTs; checked when set with introspection. */
  audience?: string | string[];
  /** The issuer's JWKS URL: one cached key set per URL for the process (see README, "Key set cache"). */
  jwksUri?: string;
  /** An inline JWKS instead of `jwksUri`. */
  jwks?: JsonWebKeySet;
  /** Opaque tokens: ask the authorization server (RFC 7662). */
  introspection?: IntrospectionOptions;
  /** Pinned JWS algorithms, asymmetric only. Default `RS256, ES256, PS256, EdDSA`. */
  algorithms?: readonly string[];
  /** Accepted `typ` headers, `application/` prefix optional. Default `at+jwt`. */
  types?: readonly string[];
  /** Clock skew tolerated on `exp`, `nbf`, `iat`. Default 30 s. */
  clockToleranceSeconds?: number;
  /** Refuse tokens issued longer ago than this (needs `iat`). Default: no limit. */
  maxAgeSeconds?: number;
  /** Longest token accepted, in characters. Default 8192. */
  maxTokenLength?: number;
  /** Minimum seconds between two key-set refetches caused by an unknown `kid`. Default 30. */
  jwksCooldownSeconds?: number;
  /** Seconds a fetched key set is used before it is fetched again. Default 600. */
  jwksCacheMaxAgeSeconds?: number;
  /** HTTP timeout of a key-set or introspection request. Default 5000 ms. */
  timeoutMs?: number;
  /** The clock `exp`, `nbf` and `iat` are judged by. Default the system clock. */
  clock?: Clock;
  /** The fetch used for the key set and the introspection endpoint. Default `globalThis.fetch`. */
  fetch?: FetchLike;
}

/** The options checked, with every default filled in. */
export interface ResolvedOptions {
  readonly mode: 'jwt' | 'introspection';
  readonly issuer: string;
  readonly audience: readonly string[] | undefined;
  readonly jwksUri: string | undefined;
  readonly jwks: JsonWebKeySet | undefined;
  readonly introspection: Readonly<Required<Omit<IntrospectionOptions, 'clientSecret'>> & { clientSecret: string | undefined }> | undefined;
  readonly algorithms: readonly string[];
  readonly types: readonly string[];
  readonly clockToleranceSeconds: number;
  readonly maxAgeSeconds: number | undefined;
  readonly maxTokenLength: number;
  readonly jwksCooldownSeconds: number;
  readonly jwksCacheMaxAgeSeconds: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly fetch: FetchLike;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const AUTH_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post', 'none'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isText);

/** Checks the options, every problem at once; throws {@link AccessTokenConfigError} naming each. */
export function resolveOptions(options: AccessTokenValidatorOptions): ResolvedOptions {
  const problems: AccessTokenConfigProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ code: 'ERR_CONFIG_INVALID', pointer, message });
  if (!isObject(options)) {
    problem('', 'pass an object { issuer, audience, jwksUri | jwks | introspection }');
    throw new AccessTokenConfigError(problems);
  }
  const o = options as AccessTokenValidatorOptions & Record<string, unknown>;
  function integer(key: string, min: number, max: number, fallback: number): number;
  function integer(key: string, min: number, max: number, fallback: undefined): number | undefined;
  function integer(key: string, min: number, max: number, fallback: number | undefined): number | undefined {
    const value = o[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      problem(`/${key}`, `must be an integer from ${min} to ${max}${fallback === undefined ? ' (or left out)' : ` (default ${fallback})`}`);
    return value as number;
  }

  if (!isText(o.issuer)) problem('/issuer', 'give the expected issuer ("iss"), such as "https://as.example"');
  const sources = (['jwksUri', 'jwks', 'introspection'] as const).filter((key) => o[key] !== undefined);
  if (sources.length !== 1)
    problem('', `give exactly one of "jwksUri" or "jwks" (JWT access tokens, RFC 9068) or "introspection" (opaque tokens, RFC 7662)${sources.length > 1 ? `; got ${sources.join(', ')}` : ''}`);
  const mode = o.introspection !== undefined && sources.length === 1 ? 'introspection' : 'jwt';

  let audience: string[] | undefined;
  if (o.audience !== undefined) {
    if (isText(o.audience)) audience = [o.audience];
    else if (isTextList(o.audience)) audience = [...o.audience];
    else problem('/audience', 'must be a non-empty string or a non-empty array of them');
  } else if (mode === 'jwt') problem('/audience', 'give the expected audience ("aud"): this service\'s identifier, such as "https://api.example"');

  if (o.jwksUri !== undefined && (!isText(o.jwksUri) || !URL.canParse(o.jwksUri) || !/^https?:$/.test(new URL(o.jwksUri).protocol)))
    problem('/jwksUri', 'must be an absolute http(s) URL of the issuer\'s JWKS');
  if (o.jwks !== undefined && (!isObject(o.jwks) || !Array.isArray(o.jwks.keys) || o.jwks.keys.length === 0 || !o.jwks.keys.every(isObject)))
    problem('/jwks', 'must be a JWKS { "keys": [ { ...a public JWK } ] } with at least one key');

  const algorithms = o.algorithms ?? ACCESS_TOKEN_DEFAULTS.algorithms;
  if (!Array.isArray(algorithms) || algorithms.length === 0) problem('/algorithms', 'list at least one asymmetric algorithm, such as ["RS256", "ES256"]');
  else
    algorithms.forEach((alg: unknown, i) => {
      if ((ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(alg)) return;
      // RFC 8725 §3.1 and §2.1: never accept `none`; an HMAC algorithm verified with the issuer's public key is the algorithm-confusion attack.
      const why = alg === 'none' ? 'unsigned tokens are never accepted' : typeof alg === 'string' && /^HS/i.test(alg) ? 'HMAC needs a shared secret, and with a public key set it is the algorithm-confusion attack' : 'it is not a supported asymmetric JWS algorithm';
      problem(`/algorithms/${i}`, `"${String(alg)}" is refused (${why}): list only ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    });
  const types = o.types ?? ACCESS_TOKEN_DEFAULTS.types;
  if (!isTextList(types)) problem('/types', 'list the accepted "typ" headers, such as ["at+jwt", "application/at+jwt"]');

  let introspection: ResolvedOptions['introspection'];
  if (o.introspection !== undefined) {
    const i = o.introspection as IntrospectionOptions & Record<string, unknown>;
    if (!isObject(i)) problem('/introspection', 'must be { endpoint, clientId, authMethod?, clientSecret? }');
    else {
      const authMethod = i.authMethod ?? ACCESS_TOKEN_DEFAULTS.authMethod;
      if (!isText(i.endpoint) || !URL.canParse(i.endpoint) || !/^https?:$/.test(new URL(i.endpoint).protocol)) problem('/introspection/endpoint', 'must be the absolute https URL of the introspection endpoint');
      // Tokens never cross a network in clear: plain http only to this machine (tests, development).
      else if (new URL(i.endpoint).protocol === 'http:' && !LOOPBACK.has(new URL(i.endpoint).hostname))
        problem('/introspection/endpoint', 'must be https (plain http is allowed for a loopback host only)');
      if (!isText(i.clientId)) problem('/introspection/clientId', 'give the client id Waymark introspects as');
      if (!AUTH_METHODS.includes(authMethod)) problem('/introspection/authMethod', `use one of ${AUTH_METHODS.join(', ')}`);
      else if (authMethod !== 'none' && !isText(i.clientSecret)) problem('/introspection/clientSecret', `give the secret of client "${String(i.clientId)}" (or use authMethod "none")`);
      const tokenTypes = i.tokenTypes ?? ACCESS_TOKEN_DEFAULTS.introspectionTokenTypes;
      if (!isTextList(tokenTypes)) problem('/introspection/tokenTypes', 'list the accepted token_type values, such as ["Bearer"]');
      introspection = Object.freeze({ endpoint: i.endpoint, clientId: i.clientId, authMethod, clientSecret: i.clientSecret, tokenTypes: [...(tokenTypes as string[])] });
    }
  }

  const clock = o.clock ?? { now: () => Date.now() };
  if (!isObject(clock) || typeof clock.now !== 'function') problem('/clock', 'must be a clock { now(): number } (milliseconds)');
  const fetchImpl = o.fetch ?? ((url: string, init: RequestInit) => globalThis.fetch(url, init));
  if (typeof fetchImpl !== 'function') problem('/fetch', 'must be a fetch function');

  const resolved: ResolvedOptions = {
    mode,
    issuer: o.issuer,
    audience,
    jwksUri: o.jwksUri,
    jwks: o.jwks,
    introspection,
    algorithms: Array.isArray(algorithms) ? [...algorithms] : [],
    types: isTextList(types) ? [...types] : [],
    clockToleranceSeconds: integer('clockToleranceSeconds', 0, 300, ACCESS_TOKEN_DEFAULTS.clockToleranceSeconds),
    maxAgeSeconds: integer('maxAgeSeconds', 1, 10 * 365 * 86400, undefined),
    maxTokenLength: integer('maxTokenLength', 1, 65536, ACCESS_TOKEN_DEFAULTS.maxTokenLength),
    jwksCooldownSeconds: integer('jwksCooldownSeconds', 0, 86400, ACCESS_TOKEN_DEFAULTS.jwksCooldownSeconds),
    jwksCacheMaxAgeSeconds: integer('jwksCacheMaxAgeSeconds', 0, 86400, ACCESS_TOKEN_DEFAULTS.jwksCacheMaxAgeSeconds),
    timeoutMs: integer('timeoutMs', 1, 120_000, ACCESS_TOKEN_DEFAULTS.timeoutMs),
    clock: clock as Clock,
    fetch: fetchImpl,
  };
  if (problems.length > 0) throw new AccessTokenConfigError(problems);
  return Object.freeze(resolved);
}
