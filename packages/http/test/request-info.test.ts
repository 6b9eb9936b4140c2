import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { requestInfoOf } from '@waymark/http';
import type { RequestInfo } from '@waymark/sdk';

describe('requestInfoOf (a real node:http server)', () => {
  let server: Server;
  let seen: RequestInfo | undefined;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen = requestInfoOf(req, '203.0.113.9');
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives the engine the IP, lower-case headers, parsed cookies and the user agent, frozen, without credentials', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          agent: false,
          headers: { 'User-Agent': 'test-agent', 'X-Custom': 'v', Cookie: 'a=1; b=2', Authorization: 'Bearer secret-token' },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(seen?.ip).toBe('203.0.113.9');
    expect(seen?.userAgent).toBe('test-agent');
    expect(seen?.headers['x-custom']).toBe('v');
    expect(seen?.cookies).toEqual({ a: '1', b: '2' });
    expect(seen?.headers['cookie']).toBeUndefined();
    expect(seen?.headers['authorization']).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain('secret-token');
    expect(Object.isFrozen(seen?.headers)).toBe(true);
    expect(Object.isFrozen(seen?.cookies)).toBe(true);
  });
});
