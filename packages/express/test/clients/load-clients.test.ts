import { describe, expect, it } from '@jest/globals';
import { ClientConfigError, createWaymarkRouter, loadClients, type ClientConfig } from '@waymark/express';
import { createMemoryStores } from '@waymark/core';
import { SECRET, clients } from '../support/app.js';


function problemsOf(input: unknown): ClientConfigError['problems'] {
  try {
    loadClients(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ClientConfigError);
    expect((error as ClientConfigError).code).toBe('ERR_CLIENT_CONFIG');
    return (error as ClientConfigError).problems;
  }
  throw new Error('expected ERR_CLIENT_CONFIG');
}

const base = clients.mobile as ClientConfig;
const secretClient = clients.web as ClientConfig;
const { publicJwk, privateJwk } = {
  publicJwk: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
  privateJwk: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' },
};
const jwtClient: ClientConfig = {
  client_id: 'agent',
  type: 'ai-agent',
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [publicJwk] },
  redirect_uris: ['https://agent.example.com/cb'],
  allowed_flows: ['agent'],
};

describe('loadClients — valid configurations', () => {
  it('applies the defaults: PAR not required, 60 s reference timeout, S256_REQUIRED, first flow as default', () => {
    const [client] = loadClients([base]);
    expect(client).toMatchObject({
      clientId: 'mobile-app',
      isPublic: true,
      requirePushedAuthorizationRequests: false,
      parReferenceTimeout: 60,
      pkce: 'S256_REQUIRED',
      defaultFlow: 'login',
      allowedPushedParameters: [],
      // A client asks for no scope unless it lists it (PingOne's selected scopes).
      allowedScopes: [],
    });
    expect(loadClients([{ ...base, allowed_scopes: ['openid', 'session_transfer'] }])[0]?.allowedScopes).toEqual(['openid', 'session_transfer']);
  });

  it('accepts every shipped fixture and a private_key_jwt client, and leaves the input untouched', () => {
    const input = [...Object.values(clients), jwtClient];
    const before = JSON.stringify(input);
    expect(loadClients(input)).toHaveLength(5);
    expect(JSON.stringify(input)).toBe(before);
  });
});

type Case = [name: string, config: unknown, field: string, says: RegExp];

const invalid: Case[] = [
  ['a missing client_id', { ...base, client_id: undefined }, '/client_id', /"client_id" is missing: add it/],
  ['an unknown field', { ...base, redirect_uri: 'x' }, '/redirect_uri', /unknown key "redirect_uri": remove it or fix its spelling.*Did you mean "redirect_uris"/],
  ['an unknown type', { ...base, type: 'robot' }, '/type', /"robot" is not allowed: use one of "native", "web"/],
  ['an unknown auth method', { ...base, token_endpoint_auth_method: 'tls_client_auth' }, '/token_endpoint_auth_method', /is not allowed: use one of "none", "client_secret_basic"/],
  ['a client_id with a colon', { ...base, client_id: 'a:b' }, '/client_id', /printable ASCII/],
  ['a client_id with a space', { ...base, client_id: 'a b' }, '/client_id', /printable ASCII/],
  ['par_reference_timeout of 0', { ...base, par_reference_timeout: 0 }, '/par_reference_timeout', /1 to 600/],
  ['par_reference_timeout of 601', { ...base, par_reference_timeout: 601 }, '/par_reference_timeout', /1 to 600/],
  ['a fractional par_reference_timeout', { ...base, par_reference_timeout: 1.5 }, '/par_reference_timeout', /integer/],
  ['an unknown pkce value', { ...base, pkce: 'S256' }, '/pkce', /"S256" is not allowed: use one of "OPTIONAL", "REQUIRED", "S256_REQUIRED"/],
  ['no allowed_flows', { ...base, allowed_flows: [] }, '/allowed_flows', /at least one/],
  ['a duplicated flow', { ...base, allowed_flows: ['a', 'a'] }, '/allowed_flows', /duplicate items.*each listed once/],
  ['a bad flow id', { ...base, allowed_flows: ['bad flow'] }, '/allowed_flows/0', /flow id/],
  ['require PAR as a string', { ...base, require_pushed_authorization_requests: 'yes' }, '/require_pushed_authorization_requests', /boolean/],
  ['a public client with a secret', { ...base, client_secret: SECRET }, '/client_secret', /public client.*no secret/],
  ['a public client with PKCE OPTIONAL', { ...base, pkce: 'OPTIONAL' }, '/pkce', /RFC 9700/],
  ['a secret client without a secret', { ...secretClient, client_secret: undefined }, '/client_secret', /needs client_secret/],
  ['a short secret', { ...secretClient, client_secret: 'short' }, '/client_secret', /at least 32/],
  ['a secret client with keys', { ...secretClient, jwks: { keys: [publicJwk] } }, '/jwks', /remove the keys/],
  ['a private_key_jwt client without keys', { ...jwtClient, jwks: undefined }, '/jwks', /exactly one of jwks/],
  ['a private_key_jwt client with both jwks and jwks_uri', { ...jwtClient, jwks_uri: 'https://agent.example.com/jwks' }, '/jwks', /exactly one/],
  ['a private key in jwks', { ...jwtClient, jwks: { keys: [privateJwk] } }, '/jwks/keys/0', /public key only/],
  ['a symmetric key in jwks', { ...jwtClient, jwks: { keys: [{ kty: 'oct', k: 'abc' }] } }, '/jwks/keys/0', /symmetric/],
  ['an http jwks_uri', { ...jwtClient, jwks: undefined, jwks_uri: 'http://agent.example.com/jwks' }, '/jwks_uri', /https/],
  ['a private_key_jwt client with a secret', { ...jwtClient, client_secret: SECRET }, '/client_secret', /remove client_secret/],
  ['signing algs on a secret client', { ...secretClient, token_endpoint_auth_signing_alg_values: ['ES256'] }, '/token_endpoint_auth_signing_alg_values', /private_key_jwt/],
  ['HS256 as a signing alg', { ...jwtClient, token_endpoint_auth_signing_alg_values: ['HS256'] }, '/token_endpoint_auth_signing_alg_values/0', /"HS256" is not allowed: use one of "RS256"/],
  ['a native client with a secret method', { ...base, token_endpoint_auth_method: 'client_secret_post', client_secret: SECRET }, '/token_endpoint_auth_method', /cannot keep a secret/],
  ['a service client without authentication', { ...base, type: 'service', redirect_uris: undefined }, '/token_endpoint_auth_method', /must authenticate/],
  ['a relative redirect_uri', { ...base, redirect_uris: ['/callback'] }, '/redirect_uris/0', /absolute URL/],
  ['a redirect_uri with a fragment', { ...secretClient, redirect_uris: ['https://app.example.com/cb#x'] }, '/redirect_uris/0', /fragment/],
  ['an http redirect_uri on a public host', { ...secretClient, redirect_uris: ['http://app.example.com/cb'] }, '/redirect_uris/0', /use https/],
  ['a custom scheme for a web client', { ...secretClient, redirect_uris: ['com.example.app:/cb'] }, '/redirect_uris/0', /use https/],
  ['a duplicated redirect_uri', { ...base, redirect_uris: ['com.example.app:/cb', 'com.example.app:/cb'] }, '/redirect_uris', /duplicate items.*each listed once/],
  ['a pattern with a wildcard in the domain', { ...secretClient, redirect_uri_patterns: ['https://app.*.com/cb'] }, '/redirect_uri_patterns/0', /left-most label/],
  ['a pattern on a bare TLD', { ...secretClient, redirect_uri_patterns: ['https://*.com/cb'] }, '/redirect_uri_patterns/0', /two labels/],
  ['a pattern with a wildcard in the query', { ...secretClient, redirect_uri_patterns: ['https://app.example.com/cb?x=*'] }, '/redirect_uri_patterns/0', /query/],
  ['an http pattern', { ...secretClient, redirect_uri_patterns: ['http://*.example.com/cb'] }, '/redirect_uri_patterns/0', /https/],
  ['a regex as a pattern', { ...secretClient, redirect_uri_patterns: ['^https://.*\\.example\\.com/cb$'] }, '/redirect_uri_patterns/0', /absolute https URL/],
  ['a redirect target with a query', { ...base, redirect_targets: ['https://profile.example.com/?next=1'] }, '/redirect_targets/0', /no user info, query/],
  ['a relative redirect target', { ...base, redirect_targets: ['/profile'] }, '/redirect_targets/0', /absolute https/],
  ['pushing a standard parameter name', { ...base, allowed_pushed_parameters: ['scope'] }, '/allowed_pushed_parameters/0', /always allowed/],
  ['pushing request_uri', { ...base, allowed_pushed_parameters: ['request_uri'] }, '/allowed_pushed_parameters/0', /never be pushed/],
  ['pushing client_secret', { ...base, allowed_pushed_parameters: ['client_secret'] }, '/allowed_pushed_parameters/0', /never be pushed/],
  ['pushing a token without requiring PAR', { ...base, allowed_pushed_parameters: ['subject_token'] }, '/require_pushed_authorization_requests', /never travels in a URL/],
  ['an upper-case pushed parameter', { ...base, allowed_pushed_parameters: ['Target'] }, '/allowed_pushed_parameters/0', /lower-case/],
  ['a scope with a space', { ...base, allowed_scopes: ['openid profile'] }, '/allowed_scopes/0', /scope token \(RFC 6749 §3\.3/],
  ['a duplicated scope', { ...base, allowed_scopes: ['openid', 'openid'] }, '/allowed_scopes', /each listed once/],
  ['a CORS origin with a path', { ...base, cors_origins: ['https://app.example.com/'] }, '/cors_origins/0', /bare origin/],
  ['a non-object entry', 'mobile-app', '/', /must be an object/],
];

describe('loadClients — invalid configurations fail with ERR_CLIENT_CONFIG naming the field and the fix', () => {
  it.each(invalid)('rejects %s', (_name, config, field, says) => {
    const problems = problemsOf([config]);
    const problem = problems.find((p) => p.field === field);
    expect(problem).toBeDefined();
    expect(problem!.index).toBe(0);
    expect(problem!.message).toMatch(says);
  });

  it('names the client index and id in the message', () => {
    expect(() => loadClients([base, { ...secretClient, client_secret: undefined }])).toThrow(/clients\[1\] \("web-app"\) \/client_secret: .*needs client_secret/);
  });

  it('reports every problem of every client at once', () => {
    const problems = problemsOf([{ ...base, pkce: 'OPTIONAL' }, { ...secretClient, client_secret: 'short', type: 'robot' }]);
    expect(problems.map((p) => `${p.index}${p.field}`).sort()).toEqual(['0/pkce', '1/client_secret', '1/type']);
  });

  it('rejects a duplicated client_id, naming the first', () => {
    const problems = problemsOf([base, base]);
    expect(problems).toEqual([expect.objectContaining({ index: 1, field: '/client_id', message: expect.stringContaining('clients[0]') })]);
  });

  it('never quotes a client_secret in a message, however it is wrong', () => {
    for (const secret of ['short-secret-value', 'x'.repeat(600)]) {
      const problem = problemsOf([{ ...secretClient, client_secret: secret }]).find((p) => p.field === '/client_secret');
      expect(problem?.message).toMatch(/at least 32 random characters/);
      expect(problem?.message).not.toContain(secret.slice(0, 10));
    }
  });

  it('gives every problem a pointer into the clients array and the first one as details.key (the shape of every configuration)', () => {
    let caught: ClientConfigError | undefined;
    try {
      loadClients([base, { ...secretClient, client_secret: undefined }]);
    } catch (error) {
      caught = error as ClientConfigError;
    }
    expect(caught?.problems).toEqual([expect.objectContaining({ index: 1, field: '/client_secret', pointer: '/1/client_secret', code: 'ERR_CLIENT_CONFIG' })]);
    expect(caught?.details['key']).toBe('/1/client_secret');
  });

  it('rejects clients that are not an array', () => {
    expect(problemsOf({ clients: [] })[0]!.message).toMatch(/array/);
  });

  it('fails createWaymarkRouter at start-up', () => {
    const start = () => createWaymarkRouter({ issuer: 'https://login.example.com', clients: [{ ...base, type: 'robot' }], stores: createMemoryStores() });
    expect(start).toThrow(ClientConfigError);
    expect(start).toThrow(/clients\[0\] \("mobile-app"\) \/type: .*"session-transfer"/);
  });
});
