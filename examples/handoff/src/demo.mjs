// Starts the three servers of the demo and pushes handoffs. demo.mjs (the command) and
// test/demo.test.ts (which keeps the README's command true) both use this.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@waymark/cli';
import { freePort } from './listen.mjs';
import { pushHandoff } from './native-app.mjs';
import { startTokenIssuer } from './token-issuer.mjs';
import { startWebApp } from './web-app.mjs';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The ports waymark.config.json and flows/ are written for. */
export const DEFAULT_PORTS = Object.freeze({ waymark: 3000, tokenIssuer: 3001, webApp: 4000 });
/** The native app, as the token issuer knows it (the token's client_id). */
export const NATIVE_APP = 'mobile-app';
/** Waymark's session-transfer client, which the app pushes as. */
export const TRANSFER_CLIENT = 'session-transfer';

/**
 * The example's waymark.config.json and flows with the origins moved to `ports` (the files are
 * written for DEFAULT_PORTS; the test runs on free ports). Writes the flows to `dir`.
 */
function configFor(ports, dir) {
  const moves = [
    [`http://localhost:${DEFAULT_PORTS.waymark}`, `http://localhost:${ports.waymark}`],
    [`http://127.0.0.1:${DEFAULT_PORTS.tokenIssuer}`, `http://127.0.0.1:${ports.tokenIssuer}`],
    [`http://localhost:${DEFAULT_PORTS.webApp}`, `http://localhost:${ports.webApp}`],
  ];
  const move = (text) => moves.reduce((t, [from, to]) => t.split(from).join(to), text);
  const flows = join(dir, 'flows');
  mkdirSync(flows);
  for (const file of readdirSync(join(EXAMPLE, 'flows')).filter((f) => f.endsWith('.json')))
    writeFileSync(join(flows, file), move(readFileSync(join(EXAMPLE, 'flows', file), 'utf8')));
  const config = JSON.parse(move(readFileSync(join(EXAMPLE, 'waymark.config.json'), 'utf8')));
  return { ...config, port: ports.waymark, flows: [flows] };
}

/**
 * Starts the token issuer stand-in, the web app and Waymark (in this process, memory stores).
 * `ports` default to DEFAULT_PORTS; pass 0 for any free port. `print` gets Waymark's start-up lines; `logger` replaces its JSON access log (tests pass a silent one).
 */
export async function startDemo(ports = DEFAULT_PORTS, { print, logger } = {}) {
  const waymarkPort = ports.waymark === 0 ? await freePort() : ports.waymark;
  const audience = `http://localhost:${waymarkPort}/session-transfer`;
  const started = [];
  const dir = mkdtempSync(join(tmpdir(), 'waymark-handoff-demo-'));
  try {
    const tokenIssuer = await startTokenIssuer({ port: ports.tokenIssuer, audience, clientId: NATIVE_APP });
    started.push(tokenIssuer);
    const webApp = await startWebApp({ port: ports.webApp });
    started.push(webApp);
    const config = configFor({ waymark: waymarkPort, tokenIssuer: tokenIssuer.port, webApp: webApp.port }, dir);
    const waymark = await startServer(config, { print, ...(logger ? { logger } : {}) });
    started.push(waymark);
    return {
      issuer: config.issuer,
      webApp,
      tokenIssuer,
      /** The app signs `sub` in natively (stand-in) and pushes a handoff to the profile page; resolves with the URL to open. */
      async handoff(sub, print) {
        const accessToken = await tokenIssuer.mint(sub);
        print?.(`native app: signed in as ${sub} natively; holds an access token issued to ${NATIVE_APP} by ${tokenIssuer.issuer}`);
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
