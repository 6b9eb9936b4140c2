import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { WaymarkError } from '@waymark/sdk';
import { resolveHttpSettings, type HttpSettings } from './http-settings.js';
import { LIMIT_KEYS, resolveLimitSettings, type LimitSettings } from './limits-config.js';

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
  /** Proxies (IPs, CIDRs) whose X-Forwarded-For is believed. Default []. */
  trustedProxies?: string[];
  /** Services nodes use. `usersFile`: the users JSON of credentials.* nodes. */
  services?: { usersFile?: string };
  /** Reserved for the Redis stores (see stores.ts); not wired in yet. */
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
  trustedProxies: string[];
  services: { usersFile?: string };
  redis: unknown;
  /** The abuse limits: each undefined one keeps the adapter's (or the memory stores') default. */
  limits: LimitSettings;
  /** The HTTP server's timeouts, defaults applied. */
  http: HttpSettings;
  /** Folder relative paths and plugins resolve from. */
  baseDir: string;
}

const KEYS = [
  '$schema',
  'issuer',
  'host',
  'port',
  'flows',
  'clients',
  'clientsFile',
  'plugins',
  'secretKeys',
  'trustedProxies',
  'services',
  'redis',
  ...LIMIT_KEYS,
  'http',
];
const KEY = /^[A-Za-z0-9_-]{43}={0,1}$/;

/** ERR_CONFIG_INVALID naming the key and the fix. */
export function configError(key: string, fix: string): WaymarkError {
  return new WaymarkError('ERR_CONFIG_INVALID', `config "${key}": ${fix}`, { key });
}

function stringList(raw: Record<string, unknown>, key: string, fallback: string[]): string[] {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === ''))
    throw configError(key, 'must be an array of non-empty strings');
  return value as string[];
}

/**
 * Validates a configuration object and applies defaults. Relative paths resolve from
 * `baseDir`. `env` supplies WAYMARK_SECRET_KEYS when the config lists no keys.
 */
export function resolveServerConfig(
  input: unknown,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedServerConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw configError('/', 'the configuration must be a JSON object such as { "issuer": "http://localhost:3000", "clients": [...] }');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw))
    if (!KEYS.includes(key)) throw configError(key, `is not a setting; use one of ${KEYS.slice(1).join(', ')}`);
  if (typeof raw.issuer !== 'string' || !URL.canParse(raw.issuer))
    throw configError('issuer', 'is required: the absolute URL clients use, such as "http://localhost:3000"');
  const host = raw.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw configError('host', 'must be an interface name or address such as "127.0.0.1"');
  const port = raw.port ?? 3000;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw configError('port', 'must be an integer from 0 to 65535 (0 picks a free port)');
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  let clients: unknown[];
  if (raw.clients !== undefined && raw.clientsFile !== undefined)
    throw configError('clientsFile', 'give either "clients" or "clientsFile", not both');
  if (raw.clientsFile !== undefined) {
    if (typeof raw.clientsFile !== 'string') throw configError('clientsFile', 'must be a path to a JSON array of client configurations');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(at(raw.clientsFile), 'utf8'));
    } catch (error) {
      throw configError(
        'clientsFile',
        `cannot be read as JSON (${(error as Error).message.split('\n')[0]}); check the path, relative to the config file`,
      );
    }
    if (!Array.isArray(parsed)) throw configError('clientsFile', 'must hold a JSON array of client configurations');
    clients = parsed;
  } else {
    if (raw.clients === undefined) throw configError('clients', 'is required: list the OAuth clients (or name a "clientsFile")');
    if (!Array.isArray(raw.clients)) throw configError('clients', 'must be an array of client configurations');
    clients = raw.clients;
  }

  const fromEnv = (env.WAYMARK_SECRET_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const listed = stringList(raw, 'secretKeys', []);
  const secretKeys = listed.length > 0 ? listed : fromEnv;
  secretKeys.forEach((key, i) => {
    if (!KEY.test(key) || Buffer.from(key, 'base64url').length !== 32)
      throw configError(
        listed.length > 0 ? `secretKeys[${i}]` : 'WAYMARK_SECRET_KEYS',
        'each key must be 32 random bytes, base64url (node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))")',
      );
  });

  const services = raw.services ?? {};
  if (services === null || typeof services !== 'object' || Array.isArray(services))
    throw configError('services', 'must be an object such as { "usersFile": "users.json" }');
  for (const key of Object.keys(services))
    if (key !== 'usersFile') throw configError(`services.${key}`, 'is not a service setting; use "usersFile"');
  const usersFile = (services as { usersFile?: unknown }).usersFile;
  if (usersFile !== undefined && (typeof usersFile !== 'string' || usersFile === ''))
    throw configError('services.usersFile', 'must be a path to the users JSON file');

  return {
    issuer: raw.issuer,
    host,
    port,
    flows: stringList(raw, 'flows', ['flows']).map(at),
    clients,
    plugins: stringList(raw, 'plugins', []),
    secretKeys,
    trustedProxies: stringList(raw, 'trustedProxies', []),
    services: typeof usersFile === 'string' ? { usersFile: at(usersFile) } : {},
    redis: raw.redis,
    limits: resolveLimitSettings(raw),
    http: resolveHttpSettings(raw.http),
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
    throw configError('/', `${file} is not JSON (${(error as Error).message}); fix the syntax`);
  }
  return resolveServerConfig(parsed, dirname(resolve(file)), env);
}
