import { describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { testApp } from '../support/app.js';
import { journeyApp } from '../support/journeys.js';
import { PEP_AUTH, policyTestApp } from '../policies/support.js';

/*
 * A body streamed past the limit is answered 413 while the client is still sending, and the
 * server stops reading: it neither buffers the body nor reads it to its end (body-parser did
 * both before answering). Real sockets: a raw client streams 20 MB with chunked transfer
 * coding as fast as the server takes it, and stops at the first byte of the answer.
 */

const TOTAL = 20 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

interface Outcome {
  status: number;
  /** Bytes of body the client had handed to its socket when the answer came. */
  sent: number;
  /** Bytes the server read from its socket, over the whole connection. */
  serverRead: number;
  response: string;
}

async function streamPastLimit(app: Express, path: string, headers: Record<string, string>): Promise<Outcome> {
  const chunked = headers['content-length'] === undefined;
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const serverSockets: Socket[] = [];
  server.on('connection', (s) => serverSockets.push(s));
  const { port } = server.address() as AddressInfo;
  try {
    const { sent, response } = await new Promise<{ sent: number; response: string }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let sent = 0;
      let response = '';
      let answered = false;
      const timer = setTimeout(() => reject(new Error(`no answer after ${sent} bytes`)), 20_000);
      const finish = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ sent, response });
      };
      const pump = () => {
        while (!answered && sent < TOTAL) {
          sent += CHUNK.length;
          const frame = chunked ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]) : CHUNK;
          if (!socket.write(frame)) return; // wait for 'drain': the server is not reading
        }
        if (!answered && chunked) socket.write('0\r\n\r\n');
      };
      socket.on('drain', pump);
      socket.on('data', (data: Buffer) => {
        answered = true;
        response += data.toString('latin1');
        if (response.includes('\r\n\r\n') && /\r\n\r\n[\s\S]*\}/.test(response)) finish();
      });
      socket.on('error', () => (answered ? finish() : reject(new Error(`connection failed after ${sent} bytes, before any answer`))));
      socket.on('close', () => (answered ? finish() : undefined));
      socket.on('connect', () => {
        const head = Object.entries({ host: `127.0.0.1:${port}`, ...(chunked ? { 'transfer-encoding': 'chunked' } : {}), ...headers }).map(
          ([k, v]) => `${k}: ${v}\r\n`,
        );
        socket.write(`POST ${path} HTTP/1.1\r\n${head.join('')}\r\n`);
        pump();
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the server side close
    const serverRead = serverSockets.reduce((n, s) => n + s.bytesRead, 0);
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]), sent, serverRead, response };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function expectCutOff(outcome: Outcome): void {
  expect(outcome.status).toBe(413);
  expect(outcome.response).toMatch(/\r\nconnection: close\r\n/i);
  expect(outcome.response).toContain('the request body is too large');
  // The client was still sending: it never got near the end of its 20 MB.
  expect(outcome.sent).toBeLessThan(TOTAL / 2);
  // The server read a few socket buffers past the 16 KiB limit, not the body.
  expect(outcome.serverRead).toBeLessThan(512 * 1024);
}

describe('bodies past the limit: 413 while the client is still sending, the rest never read', () => {
  it('POST /journeys/:flow (JSON)', async () => {
    const { app } = await journeyApp();
    expectCutOff(await streamPastLimit(app, '/journeys/ask-login', { 'content-type': 'application/json' }));
  });

  it('POST /policies/evaluate (JSON)', async () => {
    const { app } = await policyTestApp();
    expectCutOff(await streamPastLimit(app, '/policies/evaluate', { 'content-type': 'application/json', authorization: PEP_AUTH }));
  });

  it('POST /par (form)', async () => {
    const { app } = testApp();
    expectCutOff(await streamPastLimit(app, '/par', { 'content-type': 'application/x-www-form-urlencoded' }));
  });

  it('a declared Content-Length past the limit is refused before any of the body is read', async () => {
    const { app } = await journeyApp();
    const outcome = await streamPastLimit(app, '/journeys/ask-login', {
      'content-type': 'application/json',
      'content-length': String(TOTAL),
    });
    expectCutOff(outcome);
  });

  it('a body within the limit still parses (chunked JSON)', async () => {
    const { app } = await journeyApp();
    const body = JSON.stringify({ client_id: 'spa-app' });
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/journeys/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(body.slice(0, 5)));
            controller.enqueue(new TextEncoder().encode(body.slice(5)));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
