import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { NodeRegistry, validateFlow } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import {
  AUDIENCE,
  authorizeUrl,
  cookieSets,
  DEMO_AS,
  handoffApp,
  mintToken,
  plantPushedRequest,
  pushHandoff,
  pushRaw,
  serveJwks,
  sessionIdFrom,
  shippedFlow,
  signingKeys,
  SESSION_COOKIE,
  TARGET,
} from '../test/support/handoff-app.js';
import { SHIPPED_VARIABLES } from '../test/support/shipped-variables.js';

let jwks: Awaited<ReturnType<typeof serveJwks>>;

beforeAll(async () => {
  jwks = await serveJwks((await signingKeys()).jwk);
});
afterAll(async () => {
  await jwks.close();
});

describe('flows/session-transfer.json', () => {
  it('is a valid flow that names the published schema', () => {
    const registry = new NodeRegistry();
    registry.registerAll(builtinNodes, 'inline');
    const result = validateFlow(shippedFlow, registry, { variables: SHIPPED_VARIABLES });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(shippedFlow.$schema).toBe('../packages/core/schema/flow.schema.json');
  });

  it('reads the token issuer, audience and JWKS URL from variables: one file for every environment, refused at load where one is unset', () => {
    const registry = new NodeRegistry();
    registry.registerAll(builtinNodes, 'inline');
    const other = { issuer: 'https://as.prod.example', audience: 'https://waymark.prod.example/session-transfer', jwksUri: 'https://as.prod.example/jwks' };
    const prod = validateFlow(shippedFlow, registry, { variables: other });
    expect(prod.ok && prod.configs['validateToken']).toMatchObject(other);
    const { jwksUri: _unset, ...partial } = other;
    const missing = validateFlow(shippedFlow, registry, { variables: partial });
    expect(!missing.ok && missing.problems.map((p) => [p.code, p.pointer])).toEqual([['ERR_FLOW_VARIABLE', '/nodes/validateToken/config/jwksUri']]);
    expect(!missing.ok && missing.problems[0]?.message).toContain('WAYMARK_VAR_jwksUri');
  });

  it("validates the pushed subject_token against Waymark's own provider (issuer, audience, JWKS) and the native app as client", () => {
    const nodes = shippedFlow.nodes as Record<string, { type: string; config: Record<string, unknown>; outcomes: Record<string, string> }>;
    expect(nodes.validateToken?.config).toMatchObject({
      issuer: { $var: 'issuer' },
      audience: { $var: 'audience' },
      jwksUri: { $var: 'jwksUri' },
      allowedClients: ['mobile-app'],
      from: { pushed: 'subject_token' },
      singleUse: true,
    });
    // The shipped config's values: Waymark's own provider.
    expect(SHIPPED_VARIABLES).toEqual({ issuer: DEMO_AS, audience: AUDIENCE, jwksUri: `${DEMO_AS}/jwks` });
    // Every failure path ends in failure: no outcome skips a check.
    expect(nodes.validateToken?.outcomes).toEqual({ valid: 'matchIp', invalid: 'failure', error: 'failure' });
    // The target is checked before the session exists; the session is the last step.
    expect(nodes.matchIp?.outcomes).toEqual({ match: 'toTarget', mismatch: 'failure' });
    expect(nodes.toTarget?.outcomes).toEqual({ redirected: 'createSession', rejected: 'failure' });
    expect(nodes.createSession?.outcomes).toEqual({ created: 'success', conflict: 'failure' });
  });

  it('runs end to end through PAR and authorize: a real ES256 token becomes a session cookie and a 303 to the target', async () => {
    const { app, stores, clock } = await handoffApp(jwks.base);
    const token = await mintToken(clock);
    const requestUri = await pushHandoff(app, { subject_token: token, ip: '127.0.0.1' });
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(TARGET);
    const sets = cookieSets(res);
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; Secure; SameSite=Lax$`));
    const session = await stores.sessions.get(sessionIdFrom(res) as string);
    expect(session).toMatchObject({ sub: 'user-alice', clientId: 'session-transfer', amr: ['token'] });
    expect(jwks.hits()).toBeGreaterThanOrEqual(1);
  });

  it('accepts a token once: the same token pushed again is refused at PAR, with no second session (singleUse)', async () => {
    const { app, stores, clock } = await handoffApp(jwks.base);
    const token = await mintToken(clock);
    const first = await request(app).get(authorizeUrl(await pushHandoff(app, { subject_token: token, ip: '127.0.0.1' })));
    expect(first.status).toBe(303);
    expect(await stores.sessions.get(sessionIdFrom(first) as string)).toMatchObject({ sub: 'user-alice' });
    // The same token, pushed again as a new request: validateToken runs in the push phase, so the
    // replay is refused at PAR and no request_uri exists to redeem.
    const again = await pushRaw(app, { subject_token: token, ip: '127.0.0.1' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'invalid_request', error_description: 'the pushed request was refused by validateToken: replayed' });
    // A fresh token of the app works as before.
    const fresh = await request(app).get(authorizeUrl(await pushHandoff(app, { subject_token: await mintToken(clock), ip: '127.0.0.1' })));
    expect(fresh.status).toBe(303);
  });

  it('refuses a client-credentials token of the app (its subject is the client) at PAR, without a request_uri', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const res = await pushRaw(app, { subject_token: await mintToken(clock, { sub: 'mobile-app' }), ip: '127.0.0.1' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the pushed request was refused by validateToken: not_a_user' });
  });

  it('runs validateToken in the push phase: a token of another authorization server is refused at PAR, with no request_uri', async () => {
    const { app, clock } = await handoffApp(jwks.base);
    const res = await pushRaw(app, { subject_token: await mintToken(clock, { iss: 'https://evil.example' }) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the pushed request was refused by validateToken: issuer' });
  });

  it('refuses a target that is not allowlisted at PAR, and writes no session record when one reaches the flow anyway', async () => {
    const { app, stores, clock } = await handoffApp(jwks.base);
    expect((await pushRaw(app, { subject_token: await mintToken(clock), target: 'https://evil.example/profile' })).status).toBe(400);
    const written: unknown[] = [];
    const put = stores.sessions.put.bind(stores.sessions);
    stores.sessions.put = async (session) => {
      written.push(session);
      return put(session);
    };
    // Past the PAR check: the redirect node still refuses it, before any session exists.
    const requestUri = await plantPushedRequest(stores, clock, { subject_token: await mintToken(clock), target: 'https://evil.example/profile' });
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(403);
    expect(cookieSets(res)).toEqual([]);
    expect(written).toEqual([]);
  });

  it('fails without a cookie when a token of another authorization server reaches the flow without the push phase', async () => {
    const { app, clock, stores } = await handoffApp(jwks.base);
    const requestUri = await plantPushedRequest(stores, clock, { subject_token: await mintToken(clock, { iss: 'https://evil.example' }) });
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(403);
    expect(cookieSets(res)).toEqual([]);
  });
});
