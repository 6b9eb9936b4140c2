// Loopback listen/close helpers shared by the demo's servers.
import { createServer } from 'node:http';

/** Listens on 127.0.0.1:<port> (0 = any free port); resolves with the bound port. */
export function listen(server, port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; stop what runs there or pick other ports (see README)`) : error,
      ),
    );
    server.listen(port, host, () => resolve(server.address().port));
  });
}

/** Closes a server and its idle keep-alive connections. */
export function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A free port on 127.0.0.1, for a server whose URL must be known before it starts. */
export async function freePort() {
  const probe = createServer();
  const port = await listen(probe, 0);
  await closeServer(probe);
  return port;
}
