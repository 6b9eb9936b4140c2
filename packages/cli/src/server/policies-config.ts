import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigInvalidError, type ConfigProblem } from '@waymark/core';
import type { PolicyRouterOptions } from '@waymark/express';
import { jwtSubjectResolver, type JwtSubjectResolver } from '@waymark/policy';
import type { Clock } from '@waymark/sdk';

/**
 * The `policies` section of the serve configuration: transactional authorization on the
 * adapter (`POST /policies/evaluate`, the step-up pages and JSON), from a policies file or inline.
 *
 * @example
 * "policies": { "file": "policies.json" }
 * "policies": { "config": { "policySets": [...] }, "jwt": { "audience": "https://api.example.com/" } }
 */
export interface PolicySettings {
  /** A JSON file of the policy configuration (`{ policySets, transactionTtlSeconds? }`), relative to the config file… */
  file?: string;
  /** …or the policy configuration inline. Exactly one of the two. */
  config?: unknown;
  /**
   * Bearer JWT subjects (`subject.jwt`): whose tokens are believed. Default, with `oidc`: tokens
   * of Waymark's own provider for any of its resource servers; without `oidc`: none. `false`: none.
   */
  jwt?: false | { issuer?: string; audience?: string | string[]; jwksUri?: string };
  /** Step-up journeys one transaction may start. Default 3. */
  maxStepUpsPerTransaction?: number;
}

/** The JSON Schema of the `policies` key (the policy configuration itself is @waymark/policy's, pointers under /policies). */
export const policySettingsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'transactional authorization: { "file": "policies.json" } or { "config": { "policySets": [...] } }, optionally "jwt"',
  properties: {
    file: { type: 'string', minLength: 1, description: 'a JSON file of the policy configuration, relative to this file' },
    config: { type: 'object', description: 'the policy configuration inline: { "policySets": [...], "transactionTtlSeconds"?: 300 }' },
    jwt: {
      description:
        'whose bearer JWTs name a subject: false, or { "issuer", "audience", "jwksUri" } (issuer and jwksUri default to the "oidc" provider). Default: the oidc provider\'s tokens for its resource servers',
      type: ['boolean', 'object'],
      if: { type: 'boolean' },
      then: { const: false, description: 'false: no JWT subjects' },
      else: {
        additionalProperties: false,
        required: ['audience'],
        properties: {
          issuer: { type: 'string', format: 'uri', description: 'the tokens\' issuer. Default: the "oidc" provider' },
          audience: {
            description: 'the audience (one of) the tokens must name',
            oneOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            ],
          },
          jwksUri: {
            type: 'string',
            format: 'uri',
            pattern: '^https?://',
            description: 'the issuer\'s JWKS URL. Default: the "oidc" provider\'s keys, in process',
          },
        },
      },
    },
    maxStepUpsPerTransaction: {
      type: 'integer',
      minimum: 1,
      default: 3,
      description: 'step-up journeys one transaction may start. Default 3',
    },
  },
  oneOf: [{ required: ['file'] }, { required: ['config'] }],
} as const;

/** What only a whole configuration can say about `policies` (once its shape is right). */
export function policyProblems(settings: PolicySettings | undefined, oidc: boolean): ConfigProblem[] {
  if (settings === undefined || settings.jwt === undefined || settings.jwt === false || oidc) return [];
  const missing = (['issuer', 'jwksUri'] as const).filter((key) => settings.jwt !== false && settings.jwt?.[key] === undefined);
  return missing.map((key) => ({
    code: 'ERR_CONFIG_INVALID',
    pointer: `/policies/jwt/${key}`,
    message: `is required without an "oidc" provider: name the token issuer's ${key === 'issuer' ? 'issuer identifier' : 'JWKS URL'}`,
  }));
}

/** The provider the subjects' tokens default to: its issuer, public keys and resource servers. */
export interface OwnIssuer {
  issuer: string;
  jwks: { keys: object[] };
  audiences: string[];
}

function readPolicies(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigInvalidError('config', [
      {
        code: 'ERR_CONFIG_INVALID',
        pointer: '/policies/file',
        message: `cannot be read as JSON (${(error as Error).message.split('\n')[0]}); check the path, relative to the config file`,
      },
    ]);
  }
}

/**
 * The router's `policies` option for the resolved settings: the policy JSON (read from `file`
 * or inline) and the JWT subject resolver (@waymark/policy `jwtSubjectResolver`), which trusts
 * Waymark's own provider unless told otherwise. Returns the option and a line for the start-up log.
 */
export function policyRouterOptions(
  settings: PolicySettings,
  baseDir: string,
  own: OwnIssuer | undefined,
  clock: Clock,
): { options: PolicyRouterOptions; description: string } {
  const config =
    settings.file !== undefined
      ? readPolicies(isAbsolute(settings.file) ? settings.file : resolve(baseDir, settings.file))
      : settings.config;
  let resolveJwt: JwtSubjectResolver | undefined;
  let description = 'JWT subjects: none';
  const jwt = settings.jwt;
  if (jwt !== false) {
    const issuer = jwt?.issuer ?? own?.issuer;
    const audience = jwt?.audience ?? (own !== undefined && own.audiences.length > 0 ? own.audiences : undefined);
    if (issuer !== undefined && audience !== undefined) {
      // The own provider's keys are handed over in process: no request to ourselves, whatever the host and port.
      const keys =
        jwt?.jwksUri !== undefined ? { jwksUri: jwt.jwksUri } : own !== undefined && issuer === own.issuer ? { jwks: own.jwks } : undefined;
      if (keys !== undefined) {
        resolveJwt = jwtSubjectResolver({ issuer, audience, ...keys, clock } as Parameters<typeof jwtSubjectResolver>[0]);
        description = `JWT subjects: tokens of ${issuer} for ${[audience].flat().join(', ')}`;
      }
    }
  }
  const options: PolicyRouterOptions = {
    config,
    ...(resolveJwt !== undefined ? { resolveJwt } : {}),
    ...(settings.maxStepUpsPerTransaction !== undefined ? { maxStepUpsPerTransaction: settings.maxStepUpsPerTransaction } : {}),
  };
  return { options, description };
}

/** Policy configuration problems (from @waymark/policy, pointers from its root) placed under `/policies/config` or named on `/policies/file`. */
export function placePolicyProblems(error: ConfigInvalidError, settings: PolicySettings): ConfigInvalidError {
  const base = settings.file !== undefined ? '/policies/file' : '/policies/config';
  return new ConfigInvalidError(
    'config',
    error.problems.map((p) => ({
      ...p,
      pointer: `${base}${p.pointer.startsWith('/policies') ? p.pointer.replace(/^\/policies(\/config)?/, '') : p.pointer}`,
    })),
  );
}
