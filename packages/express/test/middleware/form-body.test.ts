import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { byteLimit } from '../../src/middleware/form-body.js';
import { form, mobilePar, testApp } from '../support/app.js';

const FORM = 'application/x-www-form-urlencoded';

/** Listens on loopback; resolves with the port and a close function. */
async function listen(app: express.Express): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POSTs `chunks` to /par with chunked transfer coding (no Content-Length); resolves with status and body. */
function postChunked(port: number, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/par', headers: { 'content-type': FORM } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('form bodies (PAR, continue, step-up)', () => {
  it('reads a chunked body (no Content-Length) and answers 201', async () => {
    const { app } = testApp();
    const server = await listen(app);
    try {
      const body = form(mobilePar());
      const res = await postChunked(server.port, [body.slice(0, 40), body.slice(40)]);
      expect(res.status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('answers 413 when a chunked body passes the limit, although no Content-Length announced it', async () => {
    const { app } = testApp({ bodyLimit: 1024 });
    const server = await listen(app);
    try {
      const res = await postChunked(server.port, [form(mobilePar()), `&state=${'x'.repeat(600)}`, 'x'.repeat(600)]);
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', error_description: 'the request body is too large: at most 1024 bytes' });
    } finally {
      await server.close();
    }
  });

  it('accepts charset=utf-8 and decodes percent-escaped UTF-8', async () => {
    const { app, stores } = testApp();
    const res = await request(app)
      .post('/par')
      .set('Content-Type', `${FORM}; charset=UTF-8`)
      .send(form(mobilePar({ state: 'zürich ✓' })));
    expect(res.status).toBe(201);
    const id = (res.body.request_uri as string).split(':').pop() as string;
    expect((await stores.pushedRequests.take(id))?.params['state']).toBe('zürich ✓');
  });

  it('refuses a compressed body with 400 naming Content-Encoding', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Content-Type', FORM).set('Content-Encoding', 'deflate').send(form(mobilePar()));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/Content-Encoding/);
  });

  it('answers a clear 400 (not a hang) when the host app parsed the body before the router', async () => {
    const host = express();
    host.use(express.urlencoded({ extended: false }));
    host.use('/', testApp().router);
    const res = await request(host).post('/par').type('form').send(form(mobilePar()));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/mount the Waymark router before it/);
  });

  it('survives a client that disconnects in the middle of the body, and keeps serving', async () => {
    const { app } = testApp();
    const server = await listen(app);
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/par', headers: { 'content-type': FORM, 'content-length': '5000' } });
        req.on('error', () => resolve());
        req.write('client_id=mobile-app&');
        setImmediate(() => req.destroy());
      });
      const next = await postChunked(server.port, [form(mobilePar())]);
      expect(next.status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('reads body limits as body-parser does (1 kb = 1024 bytes) and refuses nonsense', () => {
    expect(byteLimit(2048)).toBe(2048);
    expect(byteLimit('16kb')).toBe(16 * 1024);
    expect(byteLimit('1.5 KB')).toBe(1536);
    expect(byteLimit('2mb')).toBe(2 * 1024 * 1024);
    expect(byteLimit('300')).toBe(300);
    expect(() => byteLimit('3 furlongs')).toThrow(new RangeError('"3 furlongs" is not a size such as "16kb"'));
  });
});
