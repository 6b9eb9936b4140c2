import type { JSONWebKeySet } from 'jose';
import { ClientConfigError, type ClientConfigProblem } from '../errors.js';
import { compileSchema, type SchemaViolation } from '../lib/ajv.js';
import { compileRedirectUriPattern } from './redirect-uri.js';
import { checkClientRules } from './rules.js';
import { SIGNING_ALGORITHMS, clientConfigSchema } from './schema.js';
import type { Client, ClientConfig } from './types.js';

// Compiled once, at module load: start-up pays for it, requests never do.
const validateClientConfig = compileSchema(clientConfigSchema);

function fieldOf(v: SchemaViolation): string {
  const child = v.params['missingProperty'] ?? v.params['additionalProperty'];
  return typeof child === 'string' ? `${v.pointer}/${child}` : v.pointer || '/';
}

/* Schema violations in words that say the fix. */
function describe(v: SchemaViolation): string {
  const p = v.params;
  switch (v.keyword) {
    case 'required':
      return `is missing; add it`;
    case 'additionalProperties':
      return `is not a client setting; remove it or check its spelling`;
    case 'enum':
      return `must be one of ${(p['allowedValues'] as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    case 'type':
      return `must be of type ${String(p['type'])}`;
    case 'minimum':
    case 'maximum':
      return v.pointer.endsWith('par_reference_timeout') ? 'must be a whole number of seconds from 1 to 600' : v.message;
    case 'minLength':
      return v.pointer.endsWith('client_secret')
        ? 'is too short; use at least 32 random characters (openssl rand -base64 32)'
        : `must not be empty`;
    case 'maxLength':
      return `is too long (at most ${String(p['limit'])} characters)`;
    case 'pattern':
      if (v.pointer === '/client_id') return 'must be printable ASCII without spaces or ":"';
      if (v.pointer.startsWith('/allowed_flows')) return 'must be a flow id (letters, digits, ".", "_", "-")';
      if (v.pointer.startsWith('/allowed_pushed_parameters')) return 'must be a lower-case parameter name (a-z, 0-9, "_")';
      return v.message;
    case 'uniqueItems':
      return 'lists a value twice; remove the duplicate';
    case 'minItems':
      return 'must list at least one entry';
    default:
      return v.message;
  }
}

function resolve(config: ClientConfig): Client {
  const patterns = (config.redirect_uri_patterns ?? []).map((p) => compileRedirectUriPattern(p) as RegExp);
  const client: Client = {
    clientId: config.client_id,
    name: config.name,
    type: config.type,
    authMethod: config.token_endpoint_auth_method,
    isPublic: config.token_endpoint_auth_method === 'none',
    secret: config.client_secret,
    signingAlgorithms: Object.freeze([...(config.token_endpoint_auth_signing_alg_values ?? SIGNING_ALGORITHMS)]),
    jwks: config.jwks ? (structuredClone(config.jwks) as JSONWebKeySet) : undefined,
    jwksUri: config.jwks_uri !== undefined ? new URL(config.jwks_uri) : undefined,
    redirectUris: Object.freeze([...(config.redirect_uris ?? [])]),
    redirectUriPatterns: Object.freeze(patterns),
    requirePushedAuthorizationRequests: config.require_pushed_authorization_requests ?? false,
    parReferenceTimeout: config.par_reference_timeout ?? 60,
    pkce: config.pkce ?? 'S256_REQUIRED',
    allowedFlows: Object.freeze([...config.allowed_flows]),
    defaultFlow: config.allowed_flows[0] as string,
    redirectTargets: Object.freeze([...(config.redirect_targets ?? [])]),
    allowedPushedParameters: Object.freeze([...(config.allowed_pushed_parameters ?? [])]),
    corsOrigins: Object.freeze([...(config.cors_origins ?? [])]),
  };
  return Object.freeze(client);
}

/**
 * Validates client configurations (JSON, as read from a file) and resolves their defaults.
 * Every problem of every client is reported at once in one `ERR_CLIENT_CONFIG` error naming
 * the client index and id, the field and the fix. The input is not modified.
 *
 * @example
 * const clients = loadClients(JSON.parse(readFileSync('clients.json', 'utf8')));
 */
export function loadClients(input: unknown): Client[] {
  if (!Array.isArray(input)) {
    throw new ClientConfigError([{ index: -1, clientId: undefined, field: '/', message: 'clients must be an array of client configurations' }]);
  }
  const problems: ClientConfigProblem[] = [];
  const resolved: Client[] = [];
  const seen = new Map<string, number>();
  input.forEach((raw: unknown, index) => {
    const rawId = raw !== null && typeof raw === 'object' ? (raw as { client_id?: unknown }).client_id : undefined;
    const clientId = typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
    const report = (field: string, message: string) => problems.push({ index, clientId, field, message });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      report('/', 'must be an object such as { "client_id": ..., "type": ..., ... }');
      return;
    }
    // ajv applies defaults in place: validate a copy so the caller's JSON stays as written.
    const config = structuredClone(raw) as ClientConfig;
    const violations = validateClientConfig(config);
    for (const v of violations) report(fieldOf(v), describe(v));
    if (clientId !== undefined) {
      const first = seen.get(clientId);
      if (first !== undefined) report('/client_id', `duplicates the client_id of clients[${first}]; client ids must be unique`);
      else seen.set(clientId, index);
    }
    if (violations.length > 0) return;
    const ruleProblems = checkClientRules(config);
    for (const p of ruleProblems) report(p.field, p.message);
    if (ruleProblems.length === 0) resolved.push(resolve(config));
  });
  if (problems.length > 0) throw new ClientConfigError(problems);
  return resolved;
}
