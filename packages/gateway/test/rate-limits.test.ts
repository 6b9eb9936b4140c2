import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisRateLimiters } from '@waymark/redis';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { startMcpServer, type TestMcpServer } from './support/mcp-server.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

/* Two gateways, each with its own Redis connection, on one redis-server: one budget per tool and per subject. */
describe('rate limits across two gateways on one redis-server', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  let as: TestAuthServer;
  let upstream: TestMcpServer;
  const gateways: RunningGateway[] = [];
  const prefix = `gw-rl-${Date.now()}:`;

  beforeAll(async () => {
    redis = await startRedisServer();
    as = await startAuthServer({});
    upstream = await startMcpServer();
    // Both gateways must answer for the same resource: one publicUrl (as behind one load balancer).
    const publicUrl = 'https://gateway.example';
    for (let i = 0; i < 2; i += 1) {
      const client = await connectRedis(redis.url);
      clients.push(client);
      gateways.push(
        await startGateway(
          () => ({
            publicUrl,
            routes: [
              {
                kind: 'mcp',
                name: 'bank',
                path: '/mcp/bank',
                upstream: upstream.url,
                token: { issuer: as.issuer, jwksUri: as.jwksUri },
                rateLimits: [
                  { per: 'subject', max: 3, windowSeconds: 60, tool: 'get_balance' },
                  { per: 'client', max: 50, windowSeconds: 60 },
                ],
              },
            ],
          }),
          { rateLimiters: createRedisRateLimiters({ redis: client, prefix }) },
        ),
      );
    }
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    for (const c of clients) c.disconnect();
    await upstream.close();
    await as.close();
    await redis.dispose();
  });

  const call = async (gateway: RunningGateway, sub: string, tool = 'get_balance') => {
    const token = await as.sign({ sub, client_id: 'agent', aud: 'https://gateway.example/mcp/bank' });
    const res = await fetch(`${gateway.url}/mcp/bank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: tool, arguments: tool === 'get_balance' ? { account: 'a' } : {} },
      }),
    });
    await res.text();
    return res;
  };

  it('spends one budget per subject and tool whichever gateway answers; 429 with Retry-After past it', async () => {
    const [a, b] = gateways as [RunningGateway, RunningGateway];
    expect((await call(a, 'alice')).status).toBe(200);
    expect((await call(b, 'alice')).status).toBe(200);
    expect((await call(a, 'alice')).status).toBe(200);
    const refused = await call(b, 'alice');
    expect(refused.status).toBe(429);
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Another subject, and another tool of the same subject, have their own budgets.
    expect((await call(a, 'bob')).status).toBe(200);
    expect((await call(b, 'alice', 'count_never')).status).not.toBe(429);
  });
});
