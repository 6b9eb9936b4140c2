// The whole handoff story, one command (from the repository root):
//
//   npm run build && node examples/handoff/sso.mjs
//
// 1. Waymark on http://localhost:3000: the adapter (PAR, /authorize, the session-transfer flow)
//    and the OpenID Provider at /oidc (the login flow), one express app;
// 2. the profile web app on http://127.0.0.1:4000 (openid-client, its own client id);
// 3. then it plays the native app: signs alice in through Waymark's OpenID Provider (code +
//    PKCE, resource <issuer>/session-transfer), pushes that access token to Waymark's PAR
//    endpoint with openid-client, and prints the URL the app would open in the browser.
//
// Open that URL: Waymark turns the token into a session and redirects to the profile app,
// whose own OpenID Connect sign-in completes without a prompt and shows `alice`. Open
// http://127.0.0.1:4000/profile in a private window instead: the credentials page (alice /
// correct horse battery staple). Ports: PORT, PROFILE_PORT.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { createEngine, createMemoryStores } from '@waymark/core';
import { createWaymarkRouter } from '@waymark/express';
import { builtinNodes, FileUserStore, hashPassword } from '@waymark/nodes';
import { createOidcProvider } from '@waymark/oidc-provider';
import { startProfileApp } from './profile-app.mjs';
import { signInNatively } from './src/native-app.mjs';

const PORT = Number(process.env.PORT ?? 3000);
const PROFILE_PORT = Number(process.env.PROFILE_PORT ?? 4000);
const WAYMARK = `http://localhost:${PORT}`;
const NATIVE_APP = { clientId: 'mobile-app', redirectUri: 'com.example.app:/callback' };
const RESOURCE = `${WAYMARK}/session-transfer`;
const TRANSFER_CLIENT = 'session-transfer';
const PROFILE_CLIENT = { id: 'profile-app', secret: randomBytes(24).toString('base64url') };
const USER = { sub: 'alice', username: 'alice', password: 'correct horse battery staple' };
const json = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

/** The shipped session-transfer flow, with loopback http targets (its token issuer comes from VARIABLES). */
function sessionTransferFlow() {
  const flow = json('../../flows/session-transfer.json');
  for (const node of Object.values(flow.nodes)) if (node.type === 'redirect') node.config = { ...node.config, allowLoopbackHttp: true };
  return flow;
}

export async function main() {
  const profile = await startProfileApp({
    clientId: PROFILE_CLIENT.id,
    clientSecret: PROFILE_CLIENT.secret,
    host: '127.0.0.1',
    port: PROFILE_PORT,
  });

  const stores = createMemoryStores();
  const usersFile = join(mkdtempSync(join(tmpdir(), 'waymark-sso-')), 'users.json');
  writeFileSync(
    usersFile,
    JSON.stringify({ users: [{ sub: USER.sub, username: USER.username, passwordHash: await hashPassword(USER.password) }] }),
  );
  // The flow's variables: it trusts this demo's own provider, <issuer>/oidc, for the audience RESOURCE.
  const variables = { issuer: `${WAYMARK}/oidc`, audience: RESOURCE, jwksUri: `${WAYMARK}/oidc/jwks` };
  const engine = await createEngine({ nodes: builtinNodes, stores, variables, services: { users: new FileUserStore(usersFile) } });
  engine.load(json('../../flows/login.json'));
  engine.load(sessionTransferFlow());

  // Demo keys, made at start: a deployment loads its own (createOidcProvider refuses to start without).
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const op = createOidcProvider({
    issuer: `${WAYMARK}/oidc`,
    engine,
    stores,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'demo', alg: 'RS256', use: 'sig' }] },
    cookieKeys: [randomBytes(32).toString('base64url')],
    clients: [
      {
        client_id: NATIVE_APP.clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [NATIVE_APP.redirectUri],
        waymark: { flows: ['login'] },
      },
      {
        client_id: PROFILE_CLIENT.id,
        client_secret: PROFILE_CLIENT.secret,
        redirect_uris: [profile.redirectUri],
        post_logout_redirect_uris: [profile.postLogoutRedirectUri],
        waymark: { flows: ['login'] },
      },
    ],
    // RFC 8707: the native app's tokens for the handoff are JWTs for this audience, the flow's.
    resourceServers: { [RESOURCE]: { scopes: ['session_transfer'], clients: [NATIVE_APP.clientId], accessTokenTtl: 600 } },
  });
  const app = express();
  app.use(
    createWaymarkRouter({
      issuer: WAYMARK,
      stores,
      engine,
      clients: [
        {
          client_id: TRANSFER_CLIENT,
          name: 'Session transfer (app to web)',
          type: 'session-transfer',
          token_endpoint_auth_method: 'none',
          require_pushed_authorization_requests: true,
          allowed_flows: ['session-transfer'],
          redirect_targets: [`${profile.origin}/`],
          allowed_pushed_parameters: ['subject_token', 'target', 'ip'],
          allowed_scopes: ['session_transfer'],
        },
      ],
    }),
  );
  app.use(op.router);
  const server = app.listen(PORT, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  profile.setIssuer(op.issuer);

  // The native app: sign alice in at the provider, push her token (back channel), get a request_uri to open (front channel).
  const accessToken = await signInNatively({
    provider: op.issuer,
    ...NATIVE_APP,
    resource: RESOURCE,
    username: USER.username,
    password: USER.password,
    print: (line) => console.log(line),
  });
  const config = await oidc.discovery(new URL(WAYMARK), TRANSFER_CLIENT, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
    algorithm: 'oauth2',
  });
  const url = await oidc.buildAuthorizationUrlWithPAR(config, {
    response_type: 'code',
    scope: 'session_transfer',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    subject_token: accessToken,
    target: profile.profileUrl,
  });

  console.log(`Waymark            ${WAYMARK}  (OpenID Provider: ${op.discoveryUrl})`);
  console.log(`Profile web app    ${profile.origin}`);
  console.log('');
  console.log("The native app pushed alice's access token. Open this within 60 seconds, in the browser on this machine:");
  console.log(`  ${url.href}`);
  console.log('');
  console.log(`Without a handoff (a private window): ${profile.profileUrl} asks for ${USER.username} / ${USER.password}.`);
  console.log('Ctrl-C to stop.');
  return {
    url: url.href,
    profileUrl: profile.profileUrl,
    close: () => Promise.all([new Promise((r) => server.close(r)), profile.close()]),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
