import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { compileConfigSchema, ConfigInvalidError, VARIABLE_NAME, type ConfigSchema } from '@waymark/core';
import { redisSettingSchema } from '@waymark/redis';
import { WaymarkError } from '@waymark/sdk';
import { adminSettingsSchema, type AdminSettings } from './admin-config.js';
import { httpProblems, httpSettingsSchema, type HttpSettings } from './http-settings.js';
import { limitProblems, limitsOf, limitsSchemaProperties, type LimitSettings } from './limits-config.js';
import { modeOf, modeSchema, type ModeSource, type ServerMode } from './mode.js';
import { tlsSettingSchema, type TlsSetting } from './tls.js';
import { oidcSettingsSchema, resolveOidcSettings, type OidcSettings, type ResolvedOidcSettings } from './oidc-config.js';
import { policyProblems, policySettingsSchema, type PolicySettings } from './policies-config.js';
import { gatewaySettingsSchema, type GatewaySettings } from './gateway-config.js';
import { auditOf, auditSchemaProperties, type AuditSettings, type ResolvedAuditSettings } from './audit-config.js';
import { userStoreSetting, type UserStoreKind } from './users-config.js';

/**
 * The `waymark serve` configuration file (JSON). Relative paths resolve from the file's folder.
 *
 * @example
 * {
 *   "issuer": "http://localhost:3000", "host": "127.0.0.1", "port": 3000,
 *   "flows": ["flows"], "clients": [{ "client_id": "web-app", ... }],
 *   "plugins": [], "secretKeys": [], "trustedProxies": [], "services": { "usersFile": "users.json" }
 * }
 */
export interface ServerConfig {
  /** The issuer identifier (RFC 8414): https, or http for localhost. Required. */
  issuer: string;
  /** Interface to listen on. Default 127.0.0.1: nothing outside this machine reaches a development server. */
  host?: string;
  /** TCP port. Default 3000; 0 picks a free port (tests). */
  port?: number;
  /** Flow folders (every *.json) and files. Default ["flows"]. */
  flows?: string[];
  /** Client configurations (see @waymark/express ClientConfig)… */
  clients?: unknown[];
  /** …or a JSON file holding that array. Exactly one of the two. */
  clientsFile?: string;
  /** Node type plugin packages, resolved from the config's folder. Default []. */
  plugins?: string[];
  /** Keys (32 bytes, base64url) sealing persisted journey secrets; also WAYMARK_SECRET_KEYS (comma-separated). Default: a random key per process. */
  secretKeys?: string[];
  /** Per-environment values flows reference as `{ "$var": "<name>" }`; also WAYMARK_VAR_<name>, which wins. */
  variables?: Record<string, string | number | boolean>;
  /** Proxies (IPs, CIDRs) whose X-Forwarded-For is believed. Default []. */
  trustedProxies?: string[];
  /** Services nodes use. `usersFile`: the users JSON of credentials.* nodes; `userStore`: file, memory or redis (users-config.ts). */
  services?: { usersFile?: string; userStore?: UserStoreKind };
  /** Where the Redis stores live (see @waymark/redis `RedisSetting`); absent: WAYMARK_REDIS_URL, else memory stores. */
  redis?: unknown;
  /** The PAR budget (RFC 9126 §2.3): `{ max, clientMax?, windowSeconds }` (max per public client and source IP, clientMax per client), or `false` for none. Default { max: 60, clientMax: 6000, windowSeconds: 60 }. */
  parRateLimit?: LimitSettings['parRateLimit'];
  /** Journey starts, counted as PAR is. Default { max: 60, clientMax: 6000, windowSeconds: 60 }. */
  journeyStartRateLimit?: LimitSettings['journeyStartRateLimit'];
  /** Failed client authentications per client and source IP. Default { max: 20, windowSeconds: 600 }. */
  authFailureRateLimit?: LimitSettings['authFailureRateLimit'];
  /** Live journeys one process holds with memory stores; past it new journeys get 503. Default 20000. */
  maxLiveJourneys?: number;
  /** Node HTTP server settings (ms): headersTimeout, requestTimeout, keepAliveTimeout, maxRequestsPerSocket. Defaults in http-settings.ts. */
  http?: Partial<HttpSettings>;
  /** How the access log writes client IPs: "full" (default), "truncated" (IPv4 /24, IPv6 /48), "hashed" or "none". */
  logClientIp?: 'full' | 'truncated' | 'hashed' | 'none';
  /** Strict-Transport-Security: { maxAgeSeconds?, includeSubDomains?, preload? } or false. Default: a year when the issuer is https. */
  hsts?: { maxAgeSeconds?: number; includeSubDomains?: boolean; preload?: boolean } | false;
  /** HTTPS: `{ cert, key }` PEM files (relative to the config file) or "self-signed" (development). Default: plain http. See tls.ts. */
  tls?: TlsSetting;
  /** "development" or "production" (refuses what only development may have; see mode.ts). Default: production when NODE_ENV=production, else development. */
  mode?: ServerMode;
  /** An OpenID Provider mounted beside the adapter at `<issuer>/oidc` (oidc-config.ts). Default: none. */
  oidc?: OidcSettings;
  /** Transactional authorization: `POST /policies/evaluate` and the step-up (policies-config.ts). Default: off. */
  policies?: PolicySettings;
  /** The audit trail and the journey log (audit-config.ts). Default: both kept, bounded, in memory (Redis with `redis`). */
  audit?: AuditSettings;
  /** The admin API at /admin/v1 (see admin-config.ts). Absent: none. */
  admin?: AdminSettings;
  /** The gateway in front of MCP servers and APIs (gateway-config.ts). Absent: none. */
  gateway?: GatewaySettings;
}

/** A configuration after validation: defaults applied, paths absolute. */
export interface ResolvedServerConfig {
  issuer: string;
  host: string;
  port: number;
  flows: string[];
  clients: unknown[];
  plugins: string[];
  secretKeys: string[];
  /** The flows' variables: the config's, overridden by WAYMARK_VAR_<name> from the environment. */
  variables: Record<string, string | number | boolean>;
  trustedProxies: string[];
  services: { usersFile?: string; userStore?: UserStoreKind };
  redis: unknown;
  /** The abuse limits, the adapter's defaults filled in; `maxLiveJourneys` undefined keeps the memory stores' default. */
  limits: LimitSettings;
  /** The HTTP server's timeouts, defaults applied. */
  http: HttpSettings;
  /** The access log's client IPs; undefined keeps the adapter's default (full). */
  logClientIp?: ServerConfig['logClientIp'];
  /** Strict-Transport-Security; undefined keeps the adapter's default (on for an https issuer). */
  hsts?: ServerConfig['hsts'];
  /** HTTPS, paths absolute; undefined: plain http. */
  tls?: TlsSetting;
  /** development or production; undefined (a hand-made config) is development. */
  mode?: ServerMode;
  /** Where `mode` came from, for the start-up line. */
  modeSource?: ModeSource;
  /** The OpenID Provider: its issuer, clients and keys (generated per process when no file is named). */
  oidc?: ResolvedOidcSettings;
  /** The policies section as written (read when the server starts). */
  policies?: PolicySettings;
  /** The audit trail and the journey log, defaults filled in. */
  audit: ResolvedAuditSettings;
  /** The admin API's settings; undefined: no admin API. */
  admin?: AdminSettings;
  /** The gateway section as written (read when the server starts). */
  gateway?: GatewaySettings;
  /** Folder relative paths and plugins resolve from. */
  baseDir: string;
}

const nonEmpty = (description: string) => ({ type: 'string', minLength: 1, description });

/** One sealing key; writeOnly: a wrong key is never echoed in an error. */
const SECRET_KEY = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{43}=?$',
  writeOnly: true,
  description: `32 random bytes, base64url (node -e "console.log(crypto.randomBytes(32).toString('base64url'))")`,
};

const CLIENTS = {
  type: 'array',
  description: 'the OAuth client configurations (see @waymark/express ClientConfig), or name a "clientsFile"',
};

/**
 * The JSON Schema (draft 2020-12) of {@link ServerConfig}: every key, its default and what it
 * is for. `resolveServerConfig` checks with it, so every problem of a file is reported at once
 * as ERR_CONFIG_INVALID with its JSON pointer and the fix.
 */
export const serverConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer'],
  properties: {
    $schema: { type: 'string', description: 'the JSON Schema of this file, for editors' },
    issuer: {
      type: 'string',
      format: 'uri',
      description: 'the issuer identifier (RFC 8414): the absolute URL clients use, such as "http://localhost:3000"',
    },
    host: {
      type: 'string',
      minLength: 1,
      default: '127.0.0.1',
      description:
        'the interface to listen on, such as "127.0.0.1" (the default: nothing outside this machine reaches a development server)',
    },
    port: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: 3000,
      description: 'the TCP port, 0 to 65535 (0 picks a free port). Default 3000',
    },
    flows: {
      type: 'array',
      items: nonEmpty('a flow folder (every *.json in it) or a flow file, relative to this file'),
      default: ['flows'],
      description: 'flow folders and files, relative to this file. Default ["flows"]',
    },
    clients: CLIENTS,
    clientsFile: nonEmpty('a JSON file holding the array of client configurations, relative to this file'),
    plugins: {
      type: 'array',
      items: nonEmpty('a node type plugin package name'),
      default: [],
      description: "node type plugin packages, resolved from this file's folder. Default []",
    },
    secretKeys: {
      type: 'array',
      items: SECRET_KEY,
      default: [],
      description:
        'keys sealing persisted journey secrets, the first seals and all open (also WAYMARK_SECRET_KEYS, comma-separated). Default: a random key per process',
    },
    variables: {
      type: 'object',
      propertyNames: { pattern: VARIABLE_NAME.source },
      additionalProperties: {
        anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }, { type: 'boolean' }],
        description: 'a non-empty string, a number or a boolean (never a secret: secrets are named secrets)',
      },
      default: {},
      description:
        'per-environment values flows reference as { "$var": "<name>" } (an issuer, an audience, a JWKS URL): one flow file for every environment; WAYMARK_VAR_<name> in the environment overrides. Default {}',
    },
    trustedProxies: {
      type: 'array',
      items: nonEmpty('an IP address or CIDR range, such as "10.0.0.0/8"'),
      default: [],
      description: 'proxies whose X-Forwarded-For is believed. Default []',
    },
    services: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { usersFile: nonEmpty('the users JSON file of the credentials.* nodes, relative to this file'), userStore: userStoreSetting },
      description: 'services nodes use, such as { "usersFile": "users.json" } or { "userStore": "redis" }',
    },
    redis: redisSettingSchema,
    tls: tlsSettingSchema,
    mode: modeSchema,
    ...limitsSchemaProperties,
    ...auditSchemaProperties,
    http: httpSettingsSchema,
    logClientIp: {
      enum: ['full', 'truncated', 'hashed', 'none'],
      description: 'how the access log writes client IPs: "full" (default), "truncated" (IPv4 /24, IPv6 /48), "hashed" or "none"',
    },
    hsts: {
      description:
        'Strict-Transport-Security (RFC 6797): false, or { "maxAgeSeconds": 31536000, "includeSubDomains": false, "preload": false }. Default: one year when the issuer is https',
      type: ['boolean', 'object'],
      if: { type: 'boolean' },
      then: { const: false, description: 'false turns the header off' },
      else: {
        additionalProperties: false,
        properties: {
          maxAgeSeconds: { type: 'integer', minimum: 0, description: 'max-age in seconds, 0 or more' },
          includeSubDomains: { type: 'boolean', description: 'true adds includeSubDomains' },
          preload: { type: 'boolean', description: 'true adds preload' },
        },
      },
    },
    oidc: oidcSettingsSchema,
    policies: policySettingsSchema,
    admin: adminSettingsSchema,
    gateway: gatewaySettingsSchema,
  },
  // One of the two ways to give clients.
  if: { required: ['clientsFile'] },
  // The description only (for the fix): the type is checked once, above.
  else: { required: ['clients'], properties: { clients: { description: CLIENTS.description } } },
} as const;

/** The environment variables a configuration reads, checked like the file (pointer `/WAYMARK_SECRET_KEYS/0`). */
const environmentSchema = {
  type: 'object',
  properties: { WAYMARK_SECRET_KEYS: { type: 'array', items: SECRET_KEY, description: 'comma-separated sealing keys' } },
};

let compiled: { config: ConfigSchema<ServerConfig>; environment: ConfigSchema<unknown> } | undefined;

function schemas(): NonNullable<typeof compiled> {
  compiled ??= {
    config: compileConfigSchema<ServerConfig>(serverConfigSchema, 'config'),
    environment: compileConfigSchema<unknown>(environmentSchema, 'environment'),
  };
  return compiled;
}

/** ERR_CONFIG_INVALID for one problem: the JSON pointer of the offending place and the fix. */
export function configError(pointer: string, fix: string, subject = 'config'): ConfigInvalidError {
  return new ConfigInvalidError(subject, [{ code: 'ERR_CONFIG_INVALID', pointer, message: fix }]);
}

/** Plain objects and arrays copied, so that filling in defaults never changes the caller's value. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  return value;
}

/**
 * Validates a configuration object against {@link serverConfigSchema} and applies defaults.
 * Relative paths resolve from `baseDir`. `env` supplies WAYMARK_SECRET_KEYS when the config lists
 * no keys. Every problem is reported at once (ERR_CONFIG_INVALID, one line per problem with its
 * JSON pointer); `subject` names the configuration in the message (the file, when there is one).
 */
export function resolveServerConfig(
  input: unknown,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  subject = 'config',
): ResolvedServerConfig {
  const raw = copy(input);
  const problems = schemas().config.problems(raw);
  const config = raw as ServerConfig & { services: { usersFile?: string; userStore?: UserStoreKind }; http: HttpSettings };
  // What the schema cannot say, checked once the shape is right.
  if (problems.length === 0) {
    if (config.clients !== undefined && config.clientsFile !== undefined)
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: '/clientsFile',
        message: 'give either "clients" or "clientsFile", not both: remove one',
      });
    problems.push(...limitProblems(config), ...httpProblems(config.http), ...policyProblems(config.policies, config.oidc !== undefined));
  }
  if (problems.length > 0) throw new ConfigInvalidError(subject, problems);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  let clients: unknown[];
  if (config.clientsFile !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(at(config.clientsFile), 'utf8'));
    } catch (error) {
      throw configError(
        '/clientsFile',
        `cannot be read as JSON (${(error as Error).message.split('\n')[0]}); check the path, relative to the config file`,
        subject,
      );
    }
    if (!Array.isArray(parsed)) throw configError('/clientsFile', 'must hold a JSON array of client configurations', subject);
    clients = parsed;
  } else {
    clients = config.clients ?? [];
  }

  let secretKeys = config.secretKeys ?? [];
  if (secretKeys.length === 0) {
    secretKeys = (env.WAYMARK_SECRET_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    schemas().environment.assert({ WAYMARK_SECRET_KEYS: secretKeys });
  }

  // Flow variables: the file's, then WAYMARK_VAR_<name> from the environment (the deployment's value wins).
  const variables: Record<string, string | number | boolean> = { ...(config.variables ?? {}) };
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('WAYMARK_VAR_') || value === undefined) continue;
    const name = key.slice('WAYMARK_VAR_'.length);
    if (!VARIABLE_NAME.test(name) || value === '')
      throw configError(
        `/${key}`,
        'a flow variable from the environment is WAYMARK_VAR_<name>=<non-empty value>, the name a letter then letters, digits, "_", "." or "-"',
        'environment',
      );
    variables[name] = value;
  }

  const { mode, source: modeSource } = modeOf(config.mode, env);
  return {
    issuer: config.issuer,
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 3000,
    flows: (config.flows ?? ['flows']).map(at),
    clients,
    plugins: config.plugins ?? [],
    secretKeys,
    variables,
    trustedProxies: config.trustedProxies ?? [],
    services: {
      ...(config.services.usersFile !== undefined ? { usersFile: at(config.services.usersFile) } : {}),
      ...(config.services.userStore !== undefined ? { userStore: config.services.userStore } : {}),
    },
    redis: config.redis,
    ...(config.logClientIp !== undefined ? { logClientIp: config.logClientIp } : {}),
    ...(config.hsts !== undefined ? { hsts: config.hsts } : {}),
    ...(config.tls !== undefined
      ? { tls: config.tls === 'self-signed' ? config.tls : { cert: at(config.tls.cert), key: at(config.tls.key) } }
      : {}),
    mode,
    modeSource,
    ...(config.oidc !== undefined ? { oidc: resolveOidcSettings(config.oidc, config.issuer, baseDir, env) } : {}),
    ...(config.policies !== undefined ? { policies: config.policies } : {}),
    ...(config.admin !== undefined ? { admin: config.admin } : {}),
    ...(config.gateway !== undefined ? { gateway: config.gateway } : {}),
    limits: limitsOf(config),
    audit: auditOf(config.audit),
    http: config.http,
    baseDir,
  };
}

/** Reads and validates a configuration file; relative paths resolve from its folder. */
export function loadServerConfig(file: string, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedServerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new WaymarkError('ERR_CLI_FILE', `cannot read the config file ${file}; check the path given to --config`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw configError('', `not JSON (${(error as Error).message}); fix the syntax`, file);
  }
  return resolveServerConfig(parsed, dirname(resolve(file)), env, file);
}
