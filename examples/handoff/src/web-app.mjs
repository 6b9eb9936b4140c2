// The web app the handoff ends at (Acme's "Manage my profile"). It only reports whether the
// Waymark session cookie arrived — never its value.
//
// Why the cookie arrives here at all: cookies are scoped by host, not by port (RFC 6265 §8.5).
// Waymark (localhost:3000) sets `__Host-waymark-session` for host `localhost`, so the browser
// also sends it to localhost:4000. That is a shortcut of this local demo. In production the
// web app is on its own domain, never sees Waymark's cookie, and signs the user in with its own
// OpenID Connect request to Waymark, which finds its session and answers without a prompt (SSO).
import { createServer } from 'node:http';
import { closeServer, listen } from './listen.mjs';

export const SESSION_COOKIE = '__Host-waymark-session';

function hasSession(cookieHeader = '') {
  return cookieHeader.split(';').some((part) => {
    const [name, ...value] = part.split('=');
    return name.trim() === SESSION_COOKIE && value.join('=').trim() !== '';
  });
}

/** Starts the web app on 127.0.0.1:<port>; its origin is http://localhost:<port>. */
export async function startWebApp({ port = 4000 } = {}) {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url, 'http://localhost').pathname !== '/profile') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const session = hasSession(req.headers.cookie);
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        '<!doctype html><meta charset="utf-8"><title>Acme: manage my profile</title>' +
          '<h1>Manage my profile</h1>' +
          `<p id="session">session: ${session ? 'present' : 'absent'}</p>` +
          `<p>${session ? 'You arrived from the app already signed in: no password asked.' : 'No Waymark session: the handoff did not happen (or was refused).'}</p>`,
      );
  });
  const bound = await listen(server, port);
  return {
    origin: `http://localhost:${bound}`,
    profileUrl: `http://localhost:${bound}/profile`,
    port: bound,
    close: () => closeServer(server),
  };
}
