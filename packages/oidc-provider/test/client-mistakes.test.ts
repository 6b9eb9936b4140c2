import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Logger } from '@waymark/sdk';
import { Browser, startStack, webAppClient, WEB_APP, type Stack } from './support.js';

/*
 * Issue 13.6: a client's mistake at /oidc/* is a 400 with an OAuth error and a warning in the
 * log, never a 500. Raw node:http requests, because fetch will not send a broken Host.
 */

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

function capture(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push({ level, message, fields });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function raw(
  origin: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: init.method ?? 'GET', path, headers: init.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('/oidc/* answers client mistakes with 400 and a warning', () => {
  let stack: Stack;
  let config: oidc.Configuration;
  const logger = capture();

  beforeAll(async () => {
    stack = await startStack({ clients: [webAppClient(['login'])], extra: { logger } });
    config = await oidc.discovery(new URL(stack.issuer), WEB_APP.id, WEB_APP.secret, undefined, { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(() => stack.close());

  /** A browser at the credentials page of a fresh interaction: its path and Cookie header. */
  async function interaction(): Promise<{ path: string; cookie: string }> {
    const browser = new Browser();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB_APP.redirect,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const page = await browser.follow(url.href, WEB_APP.redirect);
    return { path: new URL(page.url).pathname, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  function warned(): Line[] {
    const lines = logger.lines.splice(0);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    return lines.filter((l) => l.level === 'warn');
  }

  it.each([
    ['an unsupported Content-Encoding (form)', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'br' }, 'a=b'],
    ['an unknown Content-Encoding (JSON)', { 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, '{}'],
    ['an unsupported charset (form)', { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' }, 'a=b'],
    ['an unsupported charset (JSON)', { 'content-type': 'application/json; charset=latin1' }, '{}'],
  ])('a POST to the interaction with %s', async (_name, headers, body) => {
    const { path, cookie } = await interaction();
    logger.lines.splice(0);
    const res = await raw(stack.origin, path, { method: 'POST', headers: { ...headers, cookie, accept: 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
    expect(warned()).toEqual([
      { level: 'warn', message: 'interaction refused', fields: expect.objectContaining({ status: 400, error: 'invalid_request' }) },
    ]);
  });

  it('a uid that is not valid percent-encoding, on GET and POST', async () => {
    const { cookie } = await interaction();
    logger.lines.splice(0);
    const page = await raw(stack.origin, '/oidc/interaction/%E0%A4%A', { headers: { cookie } });
    expect(page.status).toBe(400);
    expect(page.body).toContain('The sign-in request is not valid.');
    const json = await raw(stack.origin, '/oidc/interaction/%zz', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body)).toMatchObject({ error: 'invalid_request' });
    expect(warned().map((l) => l.message)).toEqual(['interaction refused', 'interaction refused']);
  });

  it.each([
    ['bad host', 'discovery', '/oidc/.well-known/openid-configuration'],
    ['a:b:c', 'discovery', '/oidc/.well-known/openid-configuration'],
    ['alice@evil.example', 'discovery', '/oidc/.well-known/openid-configuration'],
    ['example.com:99999', 'discovery', '/oidc/.well-known/openid-configuration'],
    ['x y', 'session end', '/oidc/session/end'],
    ['[::1', 'session end', '/oidc/session/end'],
    ['x y', 'the interaction', '/oidc/interaction/abc'],
  ])('an invalid Host %j at %s', async (host, _name, path) => {
    logger.lines.splice(0);
    const res = await raw(stack.origin, path, { headers: { host } });
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', error_description: 'the Host header is not a host name' });
    expect(warned()).toEqual([
      { level: 'warn', message: 'oidc request refused', fields: { path: expect.any(String), reason: 'invalid_host' } },
    ]);
  });

  it('keeps answering a valid Host (a name with a port, an IPv6 literal)', async () => {
    const named = await raw(stack.origin, '/oidc/.well-known/openid-configuration', { headers: { host: 'login.example.com:8443' } });
    expect(named.status).toBe(200);
    expect(JSON.parse(named.body).end_session_endpoint).toBe('http://login.example.com:8443/oidc/session/end');
    const v6 = await raw(stack.origin, '/oidc/.well-known/openid-configuration', { headers: { host: '[::1]:3000' } });
    expect(v6.status).toBe(200);
    expect(warned()).toEqual([]);
  });
});

describe('behind a trusted proxy (proxy: true)', () => {
  let stack: Stack;
  const logger = capture();
  beforeAll(async () => {
    stack = await startStack({ extra: { logger, proxy: true } });
  });
  afterAll(() => stack.close());

  it('refuses an invalid X-Forwarded-Host or X-Forwarded-Proto with 400, and uses valid ones', async () => {
    const host = await raw(stack.origin, '/oidc/.well-known/openid-configuration', {
      headers: { 'x-forwarded-host': 'a b, login.example.com' },
    });
    expect(host.status).toBe(400);
    expect(JSON.parse(host.body).error_description).toBe('the X-Forwarded-Host header is not a host name');
    const proto = await raw(stack.origin, '/oidc/session/end', {
      headers: { 'x-forwarded-host': 'login.example.com', 'x-forwarded-proto': 'gopher' },
    });
    expect(proto.status).toBe(400);
    expect(JSON.parse(proto.body).error_description).toBe('the X-Forwarded-Proto header is neither http nor https');
    const ok = await raw(stack.origin, '/oidc/.well-known/openid-configuration', {
      headers: { 'x-forwarded-host': 'login.example.com', 'x-forwarded-proto': 'https' },
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).issuer).toBe(stack.issuer);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
