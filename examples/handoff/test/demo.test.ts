import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
// @ts-expect-error -- plain .mjs demo pieces, no declarations (the demo runs without a TypeScript step)
import { startDemo } from '../src/demo.mjs';

interface Demo {
  issuer: string;
  webApp: { origin: string; profileUrl: string };
  handoff(sub: string, print?: (line: string) => void): Promise<string>;
  close(): Promise<void>;
}

const SESSION_COOKIE = '__Host-waymark-session';

/** The `name=value` of the session cookie in a response, if any. */
function sessionCookie(response: Response): string | undefined {
  const line = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return line?.split(';')[0];
}

const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- config JSON

describe('examples/handoff configuration', () => {
  it("runs the shipped flows unchanged, with the token from Waymark's own OpenID Provider (no stand-in issuer)", () => {
    const config = readJson('../waymark.config.json');
    expect(config.flows).toEqual(['../../flows/session-transfer.json', '../../flows/login.json']);
    const shipped = readJson('../../../flows/session-transfer.json');
    const validate = shipped['nodes']['validateToken']['config'];
    // The one flow file reads its token issuer, audience and JWKS URL from variables ...
    expect(validate).toMatchObject({
      issuer: { $var: 'issuer' },
      audience: { $var: 'audience' },
      jwksUri: { $var: 'jwksUri' },
      allowedClients: ['mobile-app'],
    });
    // ... which this config sets to <issuer>/oidc for the audience <issuer>/session-transfer, the native app's tokens only.
    expect(config.variables).toEqual({
      issuer: `${config.issuer}${config.oidc.path}`,
      audience: `${config.issuer}/session-transfer`,
      jwksUri: `${config.issuer}${config.oidc.path}/jwks`,
    });
    expect(config.oidc.resourceServers[config.variables.audience]).toMatchObject({ scopes: ['session_transfer'], clients: ['mobile-app'] });
  });
});

describe('examples/handoff demo (what `npm run demo -w examples/handoff` runs)', () => {
  let demo: Demo;
  beforeAll(async () => {
    // Waymark's access log goes to a silent logger: the test asserts on answers, and JSON lines
    // would otherwise be mixed into jest's report.
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    demo = (await startDemo({ waymark: 0, tokenIssuer: 0, webApp: 0 }, { logger: silent })) as Demo;
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('prints an authorize URL that carries only client_id and request_uri, never the token', async () => {
    const lines: string[] = [];
    const url = new URL(await demo.handoff('alice', (line) => lines.push(line)));
    expect(lines.join('\n')).toContain(`native app: signing alice in at ${demo.issuer}/oidc`);
    expect(`${url.origin}${url.pathname}`).toBe(`${demo.issuer}/authorize`);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(lines.join('\n')).toMatch(/pushing the handoff to .*\/par/);
    expect(lines.join('\n')).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT in what the demo prints
  });

  it('following the printed URL answers 303 to the web app with the session cookie, and the web app sees the session', async () => {
    const url = await demo.handoff('alice');
    const authorize = await fetch(url, { redirect: 'manual' });
    expect(authorize.status).toBe(303);
    expect(authorize.headers.get('location')).toBe(demo.webApp.profileUrl);
    const cookie = sessionCookie(authorize);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
    expect(authorize.headers.getSetCookie().find((c) => c.startsWith(SESSION_COOKIE))).toMatch(/; *Secure/i);

    // Cookies are per host, not per port: the browser would send it to localhost:<web app port>.
    const profile = await fetch(demo.webApp.profileUrl, { headers: { cookie: cookie! } });
    expect(await profile.text()).toContain('session: present');
    const anonymous = await fetch(demo.webApp.profileUrl);
    expect(await anonymous.text()).toContain('session: absent');
  });

  it('the printed URL works once: following it again sets no session cookie', async () => {
    const url = await demo.handoff('alice');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    const replay = await fetch(url, { redirect: 'manual' });
    // RFC 9126 §4: a used request_uri is invalid; no redirect_uri is known, so a page (400) says so.
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect(sessionCookie(replay)).toBeUndefined();
    expect(await replay.text()).toContain('This sign-in link has expired or has been used already.');
    // The same refusal as JSON names the code.
    const asJson = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(asJson.status).toBe(400);
    expect(sessionCookie(asJson)).toBeUndefined();
    expect(await asJson.json()).toMatchObject({ error: 'invalid_request_uri', code: 'ERR_REQUEST_URI_INVALID' });
  });
});
