// Starts the demo's servers and pushes handoffs. demo.mjs (the command) and test/demo.test.ts
// (which keeps the README's command true) both use this.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@waymark/cli';
import { freePort } from './listen.mjs';
import { pushHandoff, signInNatively } from './native-app.mjs';
import { startWebApp } from './web-app.mjs';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The ports waymark.config.json and the shipped flows are written for. */
export const DEFAULT_PORTS = Object.freeze({ waymark: 3000, webApp: 4000 });
/** The native app: a public client of Waymark's OpenID Provider (the token's client_id). */
export const NATIVE_APP = Object.freeze({ clientId: 'mobile-app', redirectUri: 'com.example.app:/callback' });
/** Waymark's session-transfer client, which the app pushes as. */
export const TRANSFER_CLIENT = 'session-transfer';
/** The demo's one user (flows/fixtures/users.json of the repository). */
const USERS = { alice: 'correct horse battery staple' };

/**
 * The example's waymark.config.json with the origins moved to `ports` (the config and the
 * shipped flows it names are written for DEFAULT_PORTS; the test runs on free ports). Writes
 * the flows to `dir`; every path made absolute.
 */
function configFor(ports, dir) {
  const moves = [
    [`http://localhost:${DEFAULT_PORTS.waymark}`, `http://localhost:${ports.waymark}`],
    [`http://localhost:${DEFAULT_PORTS.webApp}`, `http://localhost:${ports.webApp}`],
  ];
  const move = (text) => moves.reduce((t, [from, to]) => t.split(from).join(to), text);
  const config = JSON.parse(move(readFileSync(join(EXAMPLE, 'waymark.config.json'), 'utf8')));
  const flows = join(dir, 'flows');
  mkdirSync(flows);
  for (const file of config.flows) writeFileSync(join(flows, basename(file)), move(readFileSync(resolve(EXAMPLE, file), 'utf8')));
  return {
    ...config,
    port: ports.waymark,
    flows: [flows],
    services: { ...config.services, usersFile: resolve(EXAMPLE, config.services.usersFile) },
  };
}

/**
 * Starts the web app and Waymark (the adapter and its OpenID Provider at /oidc, in this
 * process, memory stores). `ports` default to DEFAULT_PORTS; pass 0 for any free port. `print`
 * gets Waymark's start-up lines; `logger` replaces its JSON access log (tests pass a silent one).
 */
export async function startDemo(ports = DEFAULT_PORTS, { print, logger } = {}) {
  const waymarkPort = ports.waymark === 0 ? await freePort() : ports.waymark;
  const started = [];
  const dir = mkdtempSync(join(tmpdir(), 'waymark-handoff-demo-'));
  try {
    const webApp = await startWebApp({ port: ports.webApp });
    started.push(webApp);
    const config = configFor({ waymark: waymarkPort, webApp: webApp.port }, dir);
    const waymark = await startServer(config, { print, ...(logger ? { logger } : {}) });
    started.push(waymark);
    const provider = `${config.issuer}${config.oidc.path}`;
    const resource = `${config.issuer}/session-transfer`;
    return {
      issuer: config.issuer,
      provider,
      webApp,
      /**
       * The app signs `username` in through Waymark's OpenID Provider (its sign-in page played
       * here: the demo types the password) and pushes a handoff to the profile page with that
       * token; resolves with the URL to open.
       */
      async handoff(username, print) {
        const password = USERS[username];
        if (password === undefined) throw new Error(`the demo knows ${Object.keys(USERS).join(', ')} only`);
        const accessToken = await signInNatively({ provider, ...NATIVE_APP, resource, username, password, print });
        return pushHandoff({ issuer: config.issuer, clientId: TRANSFER_CLIENT, accessToken, target: webApp.profileUrl, print });
      },
      async close() {
        await Promise.all(started.map((s) => s.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
