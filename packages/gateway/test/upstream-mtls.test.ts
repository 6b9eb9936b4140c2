import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'selfsigned';
import { createGateway } from '@waymark/gateway';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

/*
 * Upstream mutual TLS (`upstreamTls`): a real local https upstream that requires a client
 * certificate of its CA (requestCert + rejectUnauthorized). The gateway presents its certificate
 * and the call goes through; a route without it is refused in the handshake (502); bad options
 * are ERR_CONFIG_INVALID naming the option.
 */

interface Pems {
  cert: string;
  key: string;
}

async function issue(cn: string, options: { ca?: Pems; usage: 'ca' | 'server' | 'client' }): Promise<Pems> {
  const extensions =
    options.usage === 'ca'
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'extKeyUsage', ...(options.usage === 'server' ? { serverAuth: true } : { clientAuth: true }) },
          ...(options.usage === 'server'
            ? [
                {
                  name: 'subjectAltName',
                  altNames: [
                    { type: 2 as const, value: 'localhost' },
                    { type: 7 as const, ip: '127.0.0.1' },
                  ],
                },
              ]
            : []),
        ];
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions,
    ...(options.ca ? { ca: options.ca } : {}),
  } as never);
  return { cert: pems.cert, key: pems.private };
}

let as: TestAuthServer;
let upstream: Server;
let upstreamUrl: string;
let files: { cert: string; key: string; ca: string; otherCert: string; otherKey: string };
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  as = await startAuthServer({});
  const ca = await issue('Waymark Test CA', { usage: 'ca' });
  const other = await issue('Another CA', { usage: 'ca' });
  const server = await issue('localhost', { ca, usage: 'server' });
  const client = await issue('waymark-gateway', { ca, usage: 'client' });
  const stranger = await issue('waymark-gateway', { ca: other, usage: 'client' });
  const dir = mkdtempSync(join(process.env.WAYMARK_TEST_TMPDIR ?? tmpdir(), 'gateway-mtls-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    return join(dir, name);
  };
  files = {
    cert: write('gateway.crt', client.cert),
    key: write('gateway.key', client.key),
    ca: write('ca.crt', ca.cert),
    otherCert: write('stranger.crt', stranger.cert),
    otherKey: write('stranger.key', stranger.key),
  };
  // The upstream: only clients with a certificate of its CA (RFC 8446 §4.3.2 CertificateRequest).
  upstream = createServer({ ...server, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, clientCertificate: peer.subject?.CN ?? null }));
  });
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
  upstreamUrl = `https://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  for (const g of gateways) await g.close();
  upstream.closeAllConnections();
  await new Promise((done) => upstream.close(done));
  await as.close();
});

const route = (name: string, upstreamTls?: Record<string, string>) => ({
  kind: 'api',
  name,
  path: `/api/${name}`,
  upstream: upstreamUrl,
  token: { issuer: as.issuer, jwksUri: as.jwksUri },
  ...(upstreamTls ? { upstreamTls } : {}),
});

async function call(gw: RunningGateway, name: string): Promise<Response> {
  const token = await as.sign({ sub: 'alice', client_id: 'agent', aud: `${gw.url}/api/${name}` });
  return fetch(`${gw.url}/api/${name}/accounts`, { headers: { authorization: `Bearer ${token}` } });
}

describe('an upstream that requires a client certificate (upstreamTls)', () => {
  it("presents the gateway's certificate: the call goes through; without it, or with another CA's, the handshake is refused (502)", async () => {
    const gw = await startGateway((publicUrl) => ({
      publicUrl,
      routes: [
        route('mtls', { certFile: files.cert, keyFile: files.key, caFile: files.ca }),
        route('plain'),
        route('stranger', { certFile: files.otherCert, keyFile: files.otherKey, caFile: files.ca }),
      ],
    }));
    gateways.push(gw);
    const ok = await call(gw, 'mtls');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ path: '/v1/accounts', clientCertificate: 'waymark-gateway' });
    // No client certificate: the upstream's TLS refuses the connection (and the system CAs do not know its server certificate either).
    expect((await call(gw, 'plain')).status).toBe(502);
    // A certificate of a CA the upstream does not trust: refused.
    expect((await call(gw, 'stranger')).status).toBe(502);
  });

  it('bad options are ERR_CONFIG_INVALID naming the option: an unreadable file, an http upstream', () => {
    const base = { publicUrl: 'https://gw.example' };
    expect(() => createGateway({ ...base, routes: [route('mtls', { certFile: '/nonexistent/gateway.crt', keyFile: files.key })] })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        problems: [expect.objectContaining({ pointer: '/routes/mtls/upstreamTls/certFile', message: expect.stringContaining('ENOENT') })],
      }),
    );
    expect(() =>
      createGateway({
        ...base,
        routes: [{ ...route('mtls', { certFile: files.cert, keyFile: files.key }), upstream: 'http://127.0.0.1:9/v1' }],
      }),
    ).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', problems: [expect.objectContaining({ pointer: '/routes/mtls/upstream' })] }),
    );
    // The schema: a certificate without its key is refused before anything is read.
    expect(() => createGateway({ ...base, routes: [route('mtls', { certFile: files.cert })] })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});
