import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileTrustedProxies, isWellFormedRequestId, requestIdOf, type TrustedProxies } from '@waymark/http';

/** A real server that answers the id `requestIdOf` gives each request, under the trust list of the moment. */
let trusted: TrustedProxies = compileTrustedProxies([]);
let server: Server;
beforeAll(async () => {
  server = createServer((req, res) => res.end(requestIdOf(req, trusted)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function idFor(header: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: (server.address() as AddressInfo).port, headers: header === undefined ? {} : { 'X-Request-Id': header } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it('keeps a well-formed id from a trusted proxy', async () => {
    trusted = compileTrustedProxies(['127.0.0.1']);
    expect(await idFor('Root=1-67891233-abcdef012345678912345678')).toBe('Root=1-67891233-abcdef012345678912345678');
  });

  it('replaces an id from a peer that is not a trusted proxy with a fresh one', async () => {
    trusted = compileTrustedProxies(['10.0.0.0/8']);
    const id = await idFor('chosen-by-the-client');
    expect(id).toMatch(UUID);
  });

  it('replaces a malformed or oversized id even from a trusted proxy', async () => {
    trusted = compileTrustedProxies(['127.0.0.1']);
    expect(await idFor('has space')).toMatch(UUID);
    expect(await idFor('x'.repeat(129))).toMatch(UUID);
    expect(await idFor('"quoted"')).toMatch(UUID);
    expect(await idFor('x'.repeat(128))).toBe('x'.repeat(128));
  });

  it('makes a fresh id per request when none is sent', async () => {
    trusted = compileTrustedProxies([]);
    const [a, b] = [await idFor(undefined), await idFor(undefined)];
    expect(a).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('accepts ids of letters, digits and - _ . : + / = only', () => {
    expect(isWellFormedRequestId('6f1c2f2e-8b1e-4c6a-9d43-3c2f1a0b9e77')).toBe(true);
    expect(isWellFormedRequestId('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(true);
    for (const bad of ['', 'a\nb', 'a\u00e9', '<script>', "a'b", 'a;b']) expect(isWellFormedRequestId(bad)).toBe(false);
  });
});
