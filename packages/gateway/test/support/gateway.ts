import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type Gateway, type GatewayOptions } from '@waymark/gateway';

/** A gateway on a real HTTP server; `config` gets the server's URL as `publicUrl`. */
export interface RunningGateway {
  url: string;
  gateway: Gateway;
  close(): Promise<void>;
}

export async function startGateway(config: (publicUrl: string) => unknown, options: GatewayOptions = {}): Promise<RunningGateway> {
  const holder: { gateway?: Gateway } = {};
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') return holder.gateway?.metricsHandler(req, res);
    holder.gateway?.handle(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const running = createGateway(config(url), options);
  holder.gateway = running;
  return {
    url,
    gateway: running,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await running.close();
    },
  };
}
