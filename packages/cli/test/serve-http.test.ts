import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/*
 * `waymark serve` sets Node's connection timeouts instead of leaving its defaults (60 s for the
 * headers, 5 minutes for a request, checked every 30 s). Real sockets against a real server,
 * with the timeouts made short so that nothing waits long.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const client = {
  client_id: 'session-transfer',
  type: 'session-transfer',
  token_endpoint_auth_method: 'none',
  require_pushed_authorization_requests: true,
  allowed_flows: ['session-transfer'],
  redirect_targets: ['http://localhost:4000/'],
  allowed_pushed_parameters: ['subject_token', 'target'],
};
const base = { issuer: 'http://localhost:3000', port: 0, flows: [join(root, 'flows/session-transfer.json')], variables: SHIPPED_VARIABLES, clients: [client] };

interface Conversation {
  /** Everything the server sent. */
  received: string;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

/**
 * Connects, sends `first`, then `trickle` every 50 ms, until the server closes the connection
 * (or `giveUpMs` passes: the test then fails, the server never cut the client off).
 */
function converse(url: string, first: string, trickle: string | undefined, giveUpMs = 3000): Promise<Conversation> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let received = '';
    let ticker: ReturnType<typeof setInterval> | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(ticker);
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms; received: ${JSON.stringify(received)}`));
    }, giveUpMs);
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(ticker);
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => {
      socket.write(first);
      if (trickle !== undefined) ticker = setInterval(() => socket.writable && socket.write(trickle), 50);
    });
  });
}

describe('serve: HTTP connection timeouts', () => {
  it('cuts off a client that sends its headers slowly (slowloris) after headersTimeout, with 408', async () => {
    const server = await startServer({ ...base, http: { headersTimeout: 300, requestTimeout: 1000 } }, { logger: silent });
    running.push(server);
    const talk = await converse(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: still typing\r\n');
    expect(talk.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(talk.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(talk.closedAfterMs).toBeLessThan(2000);
  });

  it('cuts off a client that sends its body slowly after requestTimeout, with 408', async () => {
    const server = await startServer({ ...base, http: { headersTimeout: 300, requestTimeout: 600 } }, { logger: silent });
    running.push(server);
    const head =
      'POST /par HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n';
    const talk = await converse(server.url, head, 'a');
    expect(talk.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(talk.closedAfterMs).toBeGreaterThanOrEqual(550);
    expect(talk.closedAfterMs).toBeLessThan(2000);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    const server = await startServer({ ...base, http: { keepAliveTimeout: 200 } }, { logger: silent });
    running.push(server);
    const talk = await converse(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n', undefined);
    expect(talk.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(talk.received).toMatch(/\r\nKeep-Alive: timeout=0\r\n|\r\nKeep-Alive: timeout=\d+\r\n/i);
    expect(talk.closedAfterMs).toBeLessThan(2500);
  });

  it('ends a connection after maxRequestsPerSocket requests: the last answer says Connection: close, one more is refused', async () => {
    const server = await startServer({ ...base, http: { maxRequestsPerSocket: 2, keepAliveTimeout: 200 } }, { logger: silent });
    running.push(server);
    const thrice = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(3);
    const talk = await converse(server.url, thrice, undefined);
    const answers = talk.received.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.slice(9, 12))).toEqual(['200', '200', '503']);
    expect(answers[0]).toMatch(/\r\nKeep-Alive: timeout=0, max=2\r\n|\r\nConnection: keep-alive\r\n/i);
    expect(answers[1]).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('applies documented defaults: 10 s for headers, 30 s for a request, 5 s keep-alive, no request cap', () => {
    expect(resolveServerConfig({ issuer: 'http://localhost:3000', clients: [] }, root).http).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      maxRequestsPerSocket: 0,
    });
  });

  it.each([
    [{ headersTimeout: 0 }, '/http/headersTimeout'],
    [{ requestTimeout: 1.5 }, '/http/requestTimeout'],
    [{ keepAliveTimeout: -1 }, '/http/keepAliveTimeout'],
    [{ maxRequestsPerSocket: -1 }, '/http/maxRequestsPerSocket'],
    [{ headersTimeout: 40_000 }, '/http/headersTimeout'],
    [{ timeout: 5 }, '/http/timeout'],
    ['fast', '/http'],
  ])('refuses http %j with ERR_CONFIG_INVALID naming %s', (http, key) => {
    let error: { code?: string; message?: string } = {};
    try {
      resolveServerConfig({ issuer: 'http://localhost:3000', clients: [], http }, root);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    // The same shape as every config problem: the JSON pointer, then the fix.
    expect(error.message).toMatch(new RegExp(`^config: ${key}: `));
  });
});
