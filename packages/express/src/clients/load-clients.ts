import type { JSONWebKeySet } from 'jose';
import { compileConfigSchema, type ConfigProblem } from '@waymark/core';
import { ClientConfigError, type ClientConfigProblem } from '../errors.js';
import { compileRedirectUriPattern } from './redirect-uri.js';
import { checkClientRules } from './rules.js';
import { SIGNING_ALGORITHMS, clientConfigSchema } from './schema.js';
import type { Client, ClientConfig } from './types.js';

// Compiled once, at module load, by core's configuration validator (the one every Waymark
// configuration goes through): start-up pays for it, requests never do.
const clientSchema = compileConfigSchema<ClientConfig>(clientConfigSchema, 'client');

/*
 * A schema problem in the client's words. Core's messages quote the offending value; a
 * client_secret's value is a secret, so its problems say what a secret must be instead.
 */
function messageOf(problem: ConfigProblem): string {
  if (problem.pointer === '/client_secret')
    return 'must be a string of 32 to 512 characters: use at least 32 random characters (openssl rand -base64 32)';
  return problem.message;
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
    allowedScopes: Object.freeze([...(config.allowed_scopes ?? [])]),
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
  const problems: Omit<ClientConfigProblem, 'pointer' | 'code'>[] = [];
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
    // The validator fills in defaults in place: validate a copy so the caller's JSON stays as written.
    const config = structuredClone(raw) as ClientConfig;
    const violations = clientSchema.problems(config);
    for (const v of violations) report(v.pointer || '/', messageOf(v));
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

/**
 * The problems of one client configuration, exactly as `loadClients` (start-up) finds them:
 * the field (a JSON pointer below the client) and the fix of each; none when it is valid. For
 * a control plane that checks a client before it saves it (the admin API).
 *
 * @example
 * clientConfigProblems({ client_id: 'web', type: 'web', token_endpoint_auth_method: 'none', allowed_flows: ['login'], colour: 'red' });
 * // [{ pointer: '/colour', message: '…' }, …]
 */
export function clientConfigProblems(config: unknown): { pointer: string; message: string }[] {
  try {
    loadClients([config]);
    return [];
  } catch (error) {
    if (!(error instanceof ClientConfigError)) throw error;
    return error.problems.map((p) => ({ pointer: p.field, message: p.message }));
  }
}
