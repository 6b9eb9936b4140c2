import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { loadServerConfig, resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { folderWith, makeCa, makeLeaf } from './support/certificates.js';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/*
 * "tls": real HTTPS servers, real TLS clients that trust exactly the certificate (or the CA)
 * the test names, and real certificate files.
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

/** GET over HTTPS trusting only `ca` (PEM); resolves with the status and body. */
function httpsGet(url: string, ca: string, servername?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, ...(servername ? { servername } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function codeOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('did not throw');
}

describe('serve: "tls": "self-signed"', () => {
  it('listens https with a development certificate for localhost, 127.0.0.1 and ::1, and prints the https URL', async () => {
    const lines: string[] = [];
    const server = await startServer({ ...base, tls: 'self-signed' }, { logger: silent, print: (l) => lines.push(l) });
    running.push(server);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(lines).toContain(`waymark listening on ${server.url} (issuer http://localhost:3000)`);
    expect(
      lines.some((l) => /^tls: self-signed development certificate for localhost, 127\.0\.0\.1, ::1 \(SHA-256 [0-9A-F:]+\)/.test(l)),
    ).toBe(true);
    const certificate = new X509Certificate(server.certificate!);
    expect(certificate.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(certificate.ca).toBe(false);
    // A real TLS handshake, the certificate trusted for this request only: by IP, then by name.
    const health = await httpsGet(`${server.url}/healthz`, server.certificate!);
    expect(health.status).toBe(200);
    const port = new URL(server.url).port;
    const byName = await httpsGet(`https://localhost:${port}/.well-known/oauth-authorization-server`, server.certificate!);
    expect(JSON.parse(byName.body)).toMatchObject({ issuer: 'http://localhost:3000' });
  });

  it('is refused by a client that was not told to trust it (a real certificate check)', async () => {
    const server = await startServer({ ...base, tls: 'self-signed' }, { logger: silent });
    running.push(server);
    const other = await makeLeaf();
    await expect(httpsGet(`${server.url}/healthz`, other.cert)).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/),
    });
  });

  it('keeps the configured http timeouts: a slow TLS client is cut off with 408 after headersTimeout', async () => {
    const server = await startServer(
      { ...base, tls: 'self-signed', http: { headersTimeout: 300, requestTimeout: 1000 } },
      { logger: silent },
    );
    running.push(server);
    const { port, hostname } = new URL(server.url);
    const talk = await new Promise<{ received: string; ms: number }>((resolve, reject) => {
      const started = Date.now();
      let received = '';
      let ticker: ReturnType<typeof setInterval> | undefined;
      const socket = connect({ host: hostname, port: Number(port), ca: server.certificate!, servername: 'localhost' }, () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
        ticker = setInterval(() => socket.writable && socket.write('X-Slow: still typing\r\n'), 50);
      });
      const giveUp = setTimeout(() => {
        clearInterval(ticker);
        socket.destroy();
        reject(new Error(`connection still open after 3 s; received ${JSON.stringify(received)}`));
      }, 3000);
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(ticker);
        clearTimeout(giveUp);
        resolve({ received, ms: Date.now() - started });
      });
    });
    expect(talk.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(talk.ms).toBeGreaterThanOrEqual(250);
    expect(talk.ms).toBeLessThan(2000);
  });
});

describe('serve: "tls": { "cert", "key" } files', () => {
  it('serves https with a CA-issued certificate read from files relative to the config file', async () => {
    const ca = await makeCa();
    const leaf = await makeLeaf({ ca });
    const dir = folderWith({ 'cert.pem': leaf.cert, 'key.pem': leaf.key });
    writeFileSync(join(dir, 'waymark.config.json'), JSON.stringify({ ...base, tls: { cert: 'cert.pem', key: 'key.pem' } }));
    const lines: string[] = [];
    const server = await startServer(loadServerConfig(join(dir, 'waymark.config.json'), {}), {
      logger: silent,
      print: (l) => lines.push(l),
    });
    running.push(server);
    expect(server.url).toMatch(/^https:\/\//);
    expect(lines.some((l) => l.startsWith('tls: CN=localhost, valid until ') && !l.includes('self-signed'))).toBe(true);
    // The client trusts the CA, not the leaf: the chain is checked for real.
    expect((await httpsGet(`${server.url}/healthz`, ca.cert)).status).toBe(200);
  });

  it('stops at start-up, naming /tls/cert and /tls/key and the fix, when the files are missing or not PEM (every problem at once)', async () => {
    const dir = folderWith({ 'key.pem': 'not a key' });
    const config = resolveServerConfig({ ...base, tls: { cert: 'missing.pem', key: 'key.pem' } }, dir, {});
    const failure = startServer(config, { logger: silent });
    await expect(failure).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    const message = ((await failure.catch((e: unknown) => e)) as Error).message;
    expect(message).toContain(
      `/tls/cert: ${join(dir, 'missing.pem')} cannot be read (ENOENT): check the path, relative to the config file`,
    );
    expect(message).toContain(`/tls/key: ${join(dir, 'key.pem')} is not an unencrypted PEM private key`);
  });

  it('stops at start-up when the certificate file holds no certificate', async () => {
    const leaf = await makeLeaf();
    const dir = folderWith({ 'cert.pem': leaf.key, 'key.pem': leaf.key });
    await expect(
      startServer(resolveServerConfig({ ...base, tls: { cert: 'cert.pem', key: 'key.pem' } }, dir, {}), { logger: silent }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.stringMatching(/^config: \/tls\/cert: .*cert\.pem is not a PEM certificate \(.*\): name the certificate file/),
    });
  });

  it("stops at start-up when the key is not the certificate's", async () => {
    const [one, two] = await Promise.all([makeLeaf(), makeLeaf()]);
    const dir = folderWith({ 'cert.pem': one.cert, 'key.pem': two.key });
    await expect(
      startServer(resolveServerConfig({ ...base, tls: { cert: 'cert.pem', key: 'key.pem' } }, dir, {}), { logger: silent }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.stringMatching(
        /^config: \/tls\/key: .*key\.pem is not the private key of the certificate in .*cert\.pem: name the key the certificate was issued for$/,
      ),
    });
  });

  it('stops at start-up when the certificate has expired (by the injected clock)', async () => {
    const leaf = await makeLeaf({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const dir = folderWith({ 'cert.pem': leaf.cert, 'key.pem': leaf.key });
    const config = resolveServerConfig({ ...base, tls: { cert: 'cert.pem', key: 'key.pem' } }, dir, {});
    await expect(startServer(config, { logger: silent, clock: { now: () => Date.parse('2022-06-01T00:00:00Z') } })).rejects.toMatchObject({
      message: expect.stringMatching(/\/tls\/cert: .*cert\.pem expired on 2021-01-01T00:00:00\.000Z: renew the certificate$/),
    });
    // The same files were fine while the certificate was valid.
    const server = await startServer(config, { logger: silent, clock: { now: () => Date.parse('2020-06-01T00:00:00Z') } });
    running.push(server);
    expect(server.url).toMatch(/^https:/);
  });

  it('refuses a "tls" that is neither "self-signed" nor { cert, key } (ERR_CONFIG_INVALID with the fix)', () => {
    expect(codeOf(() => resolveServerConfig({ ...base, tls: 'yes' }, root, {})).message).toMatch(
      /^config: \/tls: .*"self-signed", or an object \{ "cert": "cert\.pem", "key": "key\.pem" \}/,
    );
    expect(codeOf(() => resolveServerConfig({ ...base, tls: { cert: 'cert.pem' } }, root, {})).message).toMatch(
      /^config: \/tls\/key: "key" is missing/,
    );
  });
});
