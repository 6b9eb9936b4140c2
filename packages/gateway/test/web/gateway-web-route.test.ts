import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkGatewayConfig, createGateway } from '@waymark/gateway';
import { CLIENT, Jar, SESSION_KEYS, signInAtProvider, startHarness, type Harness } from './support.js';

/* A `web` route declared in the gateway's configuration ({ "kind": "web", ... }): checked with the
 * rest of the file, its secrets from the environment, served by createGateway like every route. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const entry = () => ({
  kind: 'web',
  name: 'app',
  path: '/app',
  upstream: h.upstream,
  issuer: h.issuer,
  clientId: CLIENT.id,
  clientSecretEnv: 'APP_CLIENT_SECRET',
  publicPaths: ['/app/static/'],
  postLogoutRedirectUri: `${h.gateway}/app`,
});
const env = () => ({
  WAYMARK_GATEWAY_SESSION_KEYS: SESSION_KEYS.join(','),
  WAYMARK_GATEWAY_SIGNING_JWK: JSON.stringify(h.signing),
  APP_CLIENT_SECRET: CLIENT.secret,
});

describe('gateway: web routes from the configuration', () => {
  it("checks a web route's own options with the gateway's file, each problem at its pointer", () => {
    const bad = { ...entry(), upstream: 'ftp://nowhere', clientSecretEnv: 'not a name' };
    expect(() => checkGatewayConfig({ publicUrl: h.gateway, routes: [bad] }, '/gateway')).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        problems: expect.arrayContaining([
          expect.objectContaining({ pointer: '/gateway/routes/0/upstream' }),
          expect.objectContaining({ pointer: '/gateway/routes/0/clientSecretEnv' }),
        ]),
      }),
    );
  });

  it('refuses to build a web route whose secrets are not in the environment, naming the variables', () => {
    expect(() => createGateway({ publicUrl: h.gateway, routes: [entry()] }, { env: {} })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        message: expect.stringMatching(/WAYMARK_GATEWAY_SESSION_KEYS[\s\S]*WAYMARK_GATEWAY_SIGNING_JWK[\s\S]*APP_CLIENT_SECRET/),
      }),
    );
  });

  it('signs a person in through the provider and forwards the page with the signed identity', async () => {
    const gateway = createGateway({ publicUrl: h.gateway, routes: [entry()] }, { env: env(), clock: h.clock });
    h.serve((req, res) => gateway.handle(req, res));
    try {
      const jar = new Jar();
      const page = await jar.follow(`${h.gateway}/app/page`, `${h.gateway}/app/_waymark/callback`);
      const end = await signInAtProvider(jar, page, `${h.gateway}/app/_waymark/callback`);
      const back = await jar.request(end.location!);
      expect(back.headers.get('location')).toBe('/app/page');
      await jar.request(`${h.gateway}/app/page`);
      expect(h.seen.at(-1)).toMatchObject({ path: '/app/page', identity: expect.objectContaining({ sub: 'user-alice' }) });
      // A public path passes without a session.
      expect((await fetch(`${h.gateway}/app/static/site.css`)).status).toBe(200);
    } finally {
      await gateway.close();
      h.route();
    }
  });
});
