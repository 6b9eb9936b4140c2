import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { ConfigInvalidError, compileConfigSchema, createAuditor, createMemoryStores, logAuditSink } from '@waymark/core';
import { DEFAULTS } from '@waymark/express';
import { connectRedis, createRedisRateLimiters, createRedisStores } from '@waymark/redis';
import type { Logger } from '@waymark/sdk';
import { readGatewayFile, serveGateway, type ServeGateway } from './gateway-config.js';

/*
 * `waymark gateway --config <file>`: the gateway as its own process, beside Waymark (the way
 * PingGateway runs beside the identity service). The file:
 *
 *   { "host"?: "127.0.0.1", "port"?: 8080, "redis"?: "redis://…", "prefix"?: "waymark:",
 *     "gateway": { "publicUrl", "routes": [...], "policies"?, "stepUpUrl"? } }
 *
 * With "redis", the rate limits are shared with every other gateway process and the step-up
 * transactions live where the Waymark server's step-up pages find them (same Redis, same
 * prefix). The file is followed: a changed `gateway` section is served within a second.
 */

interface ProcessFile {
  host?: string;
  port?: number;
  redis?: string;
  prefix?: string;
  gateway: unknown;
}

const processSchema = compileConfigSchema<ProcessFile>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['gateway'],
    properties: {
      host: { type: 'string', minLength: 1, description: 'the address to listen on. Default 127.0.0.1' },
      port: { type: 'integer', minimum: 0, maximum: 65535, description: 'the TCP port. Default 8080' },
      redis: {
        type: 'string',
        pattern: '^rediss?://',
        description: 'a Redis URL: limits and step-up transactions shared with Waymark and other gateways',
      },
      prefix: { type: 'string', pattern: '^[^{}]*$', description: "the Redis key prefix (the Waymark server's). Default waymark:" },
      gateway: { type: 'object', description: 'the gateway configuration: { "publicUrl", "routes": [...], "policies"?, "stepUpUrl"? }' },
    },
  },
  'gateway file',
);

export interface GatewayProcess {
  url: string;
  gateway: ServeGateway;
  close(): Promise<void>;
}

/** Starts the gateway process a file describes. Bad configuration: ERR_CONFIG_INVALID naming the key, nothing listening. */
export async function startGatewayProcess(
  file: string,
  options: { port?: number; logger?: Logger; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<GatewayProcess> {
  const logger = options.logger ?? (DEFAULTS.logger as Logger);
  const first = readGatewayFile(file, '');
  const problems = processSchema.problems(first);
  if (problems.length > 0) throw new ConfigInvalidError(file, problems);
  const settings = first as ProcessFile;
  const redis = settings.redis ? await connectRedis(settings.redis) : undefined;
  const prefix = settings.prefix;
  const stores = redis ? createRedisStores({ redis, ...(prefix ? { prefix } : {}) }) : createMemoryStores();
  let gateway: ServeGateway;
  try {
    gateway = serveGateway({
      // The process file is what is followed; its `gateway` section is the configuration.
      settings: { file },
      baseDir: dirname(resolve(file)),
      defaults: { publicUrl: '' },
      pointer: '',
      logger,
      audit: createAuditor([logAuditSink(logger)]),
      stores,
      ...(redis ? { rateLimiters: createRedisRateLimiters({ redis, ...(prefix ? { prefix } : {}) }) } : {}),
      section: 'gateway',
    });
  } catch (error) {
    redis?.disconnect();
    throw error;
  }
  const server: Server = createServer(
    gateway.wrap((req, res) => {
      if (req.url === '/metrics' && req.method === 'GET') return gateway.gateway.metricsHandler(req, res);
      res.statusCode = 404;
      res.setHeader('Content-Type', 'application/json');
      res.end('{"error":"not_found"}');
    }),
  );
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? settings.port ?? 8080, settings.host ?? '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    gateway,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await gateway.close();
      redis?.disconnect();
    },
  };
}
