import { hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigInvalidError,
  createEngine,
  MemoryAuditStore,
  MemoryJourneyLogStore,
  systemClock,
  type CompiledFlow,
  type Engine,
} from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { userStoreOf } from './users-config.js';
import type { Clock, Logger } from '@waymark/sdk';
import { createWaymarkApp, createWaymarkRouter, DEFAULTS, type WaymarkRouter } from '@waymark/express';
import { CliError } from '../errors.js';
import type { JsonWebKeySet } from '@waymark/access-token';
import { withAdmin } from './admin-config.js';
import { serveGateway, serveGatewayDefaults, type ServeGateway } from './gateway-config.js';
import { withStudio } from './studio-config.js';
import { withOpenApiDocs } from './openapi-docs.js';
import { configError, resolveServerConfig, type ResolvedServerConfig, type ServerConfig } from './config.js';
import { createHttpServer } from './http-settings.js';
import { describeMode, productionProblems, productionRefused, type ServerMode } from './mode.js';
import { serviceProblems } from './service-checks.js';
import { createConfiguredProvider, fetchWithOwnJwks, providerMetadataAlias, publicJwks, type CibaUserLookup } from './oidc-config.js';
import { placePolicyProblems, policyRouterOptions } from './policies-config.js';
import { createStoresFromConfig } from './stores.js';
import { describeTls, loadTls } from './tls.js';
import { auditOf, createServerControl, type ServerControl } from './audit-config.js';
import { liveControlPlane, startLive, type ControlPlane, type LiveControl } from './live/index.js';

/** A running server. */
export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:3000` (the real port when `port` was 0); `https://` with `tls`. */
  url: string;
  /** development or production. */
  mode: ServerMode;
  /** With `tls`: the certificate it presents (PEM), for a client to trust a self-signed one. */
  certificate?: string;
  /** The issuer it serves. */
  issuer: string;
  /** The OpenID Provider's issuer (`<issuer>/oidc`), when the config has an `oidc` section. */
  oidcIssuer?: string;
  engine: Engine;
  router: WaymarkRouter;
  /**
   * The control plane: where flows and clients live at run time (live/control-plane.ts; an admin
   * API saves through `flows`/`clients` after validating, and `live` makes every change served
   * within a second in every process), and the audit store and journey log (the `audit` key).
   */
  control: ControlPlane & ServerControl;
  /** Follows the control plane; `live.reloadFiles()` reads the flow files again (what SIGHUP does). */
  live: LiveControl;
  /** The gateway of the `gateway` section (its routes, and `follower.check()`, what the file poll does); absent without one. */
  gateway?: ServeGateway;
  /** Stops listening, ends open connections and releases the stores. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Folder relative paths in a config object resolve from. Default process.cwd(). */
  baseDir?: string;
  /** Default: JSON lines on stderr (the adapter's logger). */
  logger?: Logger;
  clock?: Clock;
  /** Start-up lines for people (`stores: memory (single process)`, the URL). Default: none. */
  print?: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
}

function isResolved(config: ServerConfig | ResolvedServerConfig): config is ResolvedServerConfig {
  return typeof (config as ResolvedServerConfig).baseDir === 'string';
}

/* Several processes must agree on the CSRF key of the pages; derive it from the sealing key when there is one. */
function csrfKeyFrom(secretKeys: readonly string[]): Buffer | undefined {
  const first = secretKeys[0];
  if (first === undefined) return undefined;
  return Buffer.from(hkdfSync('sha256', Buffer.from(first, 'base64url'), 'waymark', 'waymark csrf key v1', 32));
}

/** The environment variable that holds the named secret `name` (`remember-me-key` → `WAYMARK_SECRET_REMEMBER_ME_KEY`). */
export function secretEnvName(name: string): string {
  return `WAYMARK_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Named secrets (cookie keys, API tokens) that flows reference by `secretName` are read from the
 * environment, never from the config file or a flow, so no key is ever committed.
 */
function environmentSecretSource(
  env: Readonly<Record<string, string | undefined>>,
  generated: ReadonlyMap<string, string> = new Map(),
): { get(name: string): string | undefined } {
  return Object.freeze({ get: (name: string) => env[secretEnvName(name)] || generated.get(name) });
}

/**
 * Development only: the persistent-cookie keys the flows name (`cookie.persistent.*` nodes'
 * `keys[].secretName`) that the environment does not set, each given 32 random bytes for this
 * process, so `npm start` remembers devices without a setup step. Never in production, and never
 * for other secrets (an introspection secret made up here would only fail later).
 */
function developmentCookieKeys(flows: readonly CompiledFlow[], env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const generated = new Map<string, string>();
  for (const compiled of flows)
    for (const node of Object.values(compiled.flow.nodes)) {
      if (!node.type.startsWith('cookie.persistent.')) continue;
      const keys = (node.config as { keys?: { secretName?: unknown }[] } | undefined)?.keys ?? [];
      for (const key of keys)
        if (typeof key.secretName === 'string' && !env[secretEnvName(key.secretName)] && !generated.has(key.secretName))
          generated.set(key.secretName, randomBytes(32).toString('base64url'));
    }
  return generated;
}

function loadFlows(engine: Engine, paths: readonly string[]): void {
  paths.forEach((path, i) => {
    let directory: boolean;
    try {
      directory = statSync(path).isDirectory();
    } catch {
      throw configError(`/flows/${i}`, `${path} does not exist; name a folder of flow JSON files or a flow file`);
    }
    if (directory) {
      engine.loadDirectory(path);
      return;
    }
    let flow: unknown;
    try {
      flow = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw configError(`/flows/${i}`, `${path} is not JSON (${(error as Error).message.split('\n')[0]})`);
    }
    engine.load(flow, path);
  });
}

/** Builds the router; problems of the policy configuration are named where they are in the serve config. */
function routerWithPolicies(settings: ResolvedServerConfig['policies'], build: () => WaymarkRouter): WaymarkRouter {
  try {
    return build();
  } catch (error) {
    if (settings !== undefined && error instanceof ConfigInvalidError && /polic/i.test(error.message.split(':')[0] ?? ''))
      throw placePolicyProblems(error, settings);
    throw error;
  }
}

/** A port that cannot be bound becomes a coded error naming the port and the fix (exit 2), not a stack. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new CliError(
      'ERR_SERVE_PORT_IN_USE',
      `port ${port} on ${host} is already in use; stop the other process or choose another port (--port <port>, PORT=<port> or "port" in the config)`,
      { port },
    );
  if (error.code === 'EACCES')
    return new CliError(
      'ERR_SERVE_PORT_IN_USE',
      `port ${port} on ${host} is not allowed for this user; choose a port above 1023 (--port <port>, PORT=<port> or "port" in the config)`,
      { port },
    );
  if (error.code === 'EADDRNOTAVAIL')
    return new CliError('ERR_SERVE_PORT_IN_USE', `host ${host} is not an address of this machine; fix "host" in the config`, {
      port,
      host,
    });
  return error;
}

/**
 * Starts Waymark on its own: validates the configuration (ERR_CONFIG_INVALID names the key and
 * the fix), builds the stores (memory unless configured otherwise), the engine with the
 * built-in nodes and the configured plugins, loads the flows, mounts the adapter and listens.
 *
 * @example
 * const server = await startServer({ issuer: 'http://localhost:3000', port: 0, flows: ['flows'], clients });
 * console.log(server.url);
 * await server.close();
 */
export async function startServer(config: ServerConfig | ResolvedServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const resolved = isResolved(config) ? config : resolveServerConfig(config, options.baseDir ?? process.cwd(), options.env ?? process.env);
  const logger = options.logger ?? DEFAULTS.logger;
  const print = options.print ?? (() => undefined);
  const env = options.env ?? process.env;
  // Certificate problems stop start-up before any store is connected.
  const tls = await loadTls(resolved.tls, options.clock?.now() ?? Date.now());
  const mode = resolved.mode ?? 'development';
  const serverStores = await createStoresFromConfig(resolved, options.clock, env);
  const { stores, description, rateLimiters, redis, close: closeStores } = serverStores;
  // A resolved config from before the `audit` key gets its defaults.
  const auditSettings = resolved.audit ?? auditOf(undefined);
  const recorded = createServerControl(auditSettings, redis, options.clock);
  const control = Object.assign(liveControlPlane(resolved, serverStores), recorded);
  let live: LiveControl | undefined;
  let gateway: ServeGateway | undefined;
  try {
    // Filled after the flows are loaded (development only, see developmentCookieKeys).
    const generatedKeys = new Map<string, string>();
    const services: Record<string, unknown> = { secretSource: environmentSecretSource(env, generatedKeys) };
    const users = userStoreOf(resolved.services, redis);
    if (users) services.users = users;
    const oidc = resolved.oidc;
    const ownKeys = oidc ? publicJwks(oidc.jwks) : undefined;
    if (oidc && description.startsWith('redis') && (oidc.generatedKeys || oidc.generatedCookieKeys))
      throw configError(
        oidc.generatedKeys ? '/oidc/jwksFile' : '/oidc/cookieKeys',
        `is required with Redis stores: every process must sign the provider's ${oidc.generatedKeys ? 'tokens with the same keys (a private JWK set file)' : 'cookies with the same keys (or WAYMARK_OIDC_COOKIE_KEYS)'}`,
      );
    const engine = await createEngine({
      nodes: builtinNodes,
      plugins: resolved.plugins,
      cwd: resolved.baseDir,
      stores,
      logger,
      services,
      flowStore: control.flows,
      variables: resolved.variables,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(resolved.secretKeys.length > 0 ? { secretKeys: resolved.secretKeys } : {}),
      // Flows that trust Waymark's own provider read its keys in process (oidc-config.ts).
      ...(oidc && ownKeys ? { fetch: fetchWithOwnJwks(oidc.issuer, ownKeys) } : {}),
    });
    loadFlows(engine, resolved.flows);
    // Before the router: every problem of the services and of production mode is reported together, not the router's first.
    const flows = engine.flowIds().map((id) => engine.flow(id) as CompiledFlow);
    if (mode === 'development') for (const [name, key] of developmentCookieKeys(flows, env)) generatedKeys.set(name, key);
    const secretSource = environmentSecretSource(env);
    const unmet = serviceProblems({
      usersFile: resolved.services.usersFile,
      hasUserStore: users !== undefined,
      flows,
      secret: (name) => secretSource.get(name) !== undefined,
      secretVariable: secretEnvName,
    });
    if (unmet.length > 0) throw new ConfigInvalidError('config', unmet);
    if (mode === 'production') {
      const refused = productionProblems({
        issuer: resolved.issuer,
        secretKeys: resolved.secretKeys,
        clients: resolved.clients,
        flows,
        tls,
        notifierWired: false,
        admin: resolved.admin,
        oidc: resolved.oidc,
      });
      if (refused.length > 0) throw productionRefused(refused);
    }
    const policies = resolved.policies
      ? policyRouterOptions(
          resolved.policies,
          resolved.baseDir,
          oidc && ownKeys ? { issuer: oidc.issuer, jwks: ownKeys, audiences: Object.keys(oidc.resourceServers) } : undefined,
          options.clock ?? systemClock,
        )
      : undefined;
    const csrfKey = csrfKeyFrom(resolved.secretKeys);
    const router = routerWithPolicies(resolved.policies, () =>
      createWaymarkRouter({
        issuer: resolved.issuer,
        clients: resolved.clients,
        stores,
        engine,
        logger,
        trustedProxies: resolved.trustedProxies,
        rateLimiters,
        ...(resolved.limits.parRateLimit !== undefined ? { parRateLimit: resolved.limits.parRateLimit } : {}),
        ...(resolved.limits.journeyStartRateLimit !== undefined ? { journeyStartRateLimit: resolved.limits.journeyStartRateLimit } : {}),
        ...(resolved.limits.authFailureRateLimit !== undefined ? { authFailureRateLimit: resolved.limits.authFailureRateLimit } : {}),
        ...(resolved.logClientIp !== undefined ? { logClientIp: resolved.logClientIp } : {}),
        ...(resolved.hsts !== undefined ? { hsts: resolved.hsts } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(csrfKey ? { csrfKey } : {}),
        ...(policies ? { policies: policies.options } : {}),
        ...(control.audit || auditSettings.log
          ? { audit: { ...(control.audit ? { store: control.audit } : {}), log: auditSettings.log } }
          : {}),
        ...(recorded.journeyLog ? { journeyLog: recorded.journeyLog } : {}),
      }),
    );
    const loaded = new Set(engine.flowIds());
    for (const client of router.clients.all())
      for (const flow of client.allowedFlows)
        if (!loaded.has(flow))
          throw configError(
            '/clients',
            `client "${client.clientId}" allows flow "${flow}", which no configured flow file defines; add it to "flows" or fix allowed_flows`,
          );
    // The provider after the adapter's routes (its hot paths first), before the 404.
    const provider = oidc
      ? createConfiguredProvider(oidc, {
          engine,
          stores,
          clientStore: control.clients,
          clientIds: router.clients.all().map((c) => c.clientId),
          logger,
          trustedProxies: resolved.trustedProxies,
          audit: router.audit,
          users: services.users as CibaUserLookup | undefined,
        })
      : undefined;
    // The admin API in front of the adapter's app when the config has an `admin` section.
    const admin = await withAdmin(createWaymarkApp(router, provider ? [provider.router, providerMetadataAlias(provider)] : []), {
      settings: resolved.admin,
      issuer: resolved.issuer,
      mode,
      engine,
      router,
      clients: resolved.clients,
      trustedProxies: resolved.trustedProxies,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
      // The stores the live control plane follows, and the audit trail the adapter writes.
      control: {
        flows: control.flows,
        clients: control.clients,
        audit: control.audit ?? new MemoryAuditStore(),
        journeyLog: control.journeyLog ?? new MemoryJourneyLogStore(options.clock ?? systemClock),
      },
      ...(router.audit ? { auditSink: router.audit } : {}),
      ...(oidc && ownKeys ? { own: { issuer: oidc.issuer, jwks: ownKeys as unknown as JsonWebKeySet } } : {}),
    });
    // The studio at /studio beside the admin API (studio-config.ts); GET /openapi.json and /docs in front of it all (openapi-docs.ts).
    const app = withOpenApiDocs(
      withStudio(admin, { issuer: resolved.issuer, admin: resolved.admin, oidc, clients: resolved.clients }),
      resolved,
    );
    live = await startLive({ config: resolved, engine, router, control, logger, clock: options.clock ?? { now: () => Date.now() }, env });
    // The gateway's routes answer first (gateway-config.ts); the same audit, limits, stores and metrics as the adapter.
    gateway = resolved.gateway
      ? serveGateway({
          settings: resolved.gateway,
          baseDir: resolved.baseDir,
          defaults: serveGatewayDefaults(resolved.issuer, oidc?.issuer),
          clock: options.clock,
          logger,
          audit: router.audit,
          rateLimiters,
          stores,
          metrics: router.metrics,
          fetch: oidc && ownKeys ? fetchWithOwnJwks(oidc.issuer, ownKeys) : undefined,
          env,
        })
      : undefined;
    // Node's server with the configured timeouts (http-settings.ts), not app.listen's defaults.
    const server: Server = createHttpServer(gateway ? gateway.wrap(app) : app, resolved.http, tls);
    await new Promise<void>((resolveListen, reject) => {
      const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, resolved.host, resolved.port));
      server.once('error', failed);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', failed);
        resolveListen();
      });
    });
    const { port } = server.address() as AddressInfo;
    const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    print(describeMode(mode, resolved.modeSource ?? 'default', env));
    if (tls) print(describeTls(tls));
    print(`stores: ${description}`);
    if (resolved.secretKeys.length === 0)
      print('secret keys: random per process (set secretKeys or WAYMARK_SECRET_KEYS to share journeys between processes)');
    print(`flows: ${engine.flowIds().sort().join(', ')}`);
    if (oidc) {
      print(`openid provider: ${oidc.issuer} (${browserClients(router.clients.all())})`);
      if (oidc.generatedKeys)
        print('openid provider signing keys: generated for this process, development only (set oidc.jwksFile to a private JWK set)');
      if (oidc.generatedCookieKeys)
        print('openid provider cookie keys: random per process (set oidc.cookieKeys or WAYMARK_OIDC_COOKIE_KEYS)');
    }
    if (policies) print(`policies: POST /policies/evaluate (${policies.description})`);
    if (gateway) print(gateway.description);
    for (const name of [...generatedKeys.keys()].sort())
      print(
        `cookie key ${name}: random per process, development only (set ${secretEnvName(name)} to keep remembered devices across restarts)`,
      );
    print(control.description);
    print(`waymark listening on ${url} (issuer ${resolved.issuer})`);
    logger.info('listening', { url, issuer: resolved.issuer, stores: description });
    let closed: Promise<void> | undefined;
    return {
      url,
      mode,
      ...(tls ? { certificate: tls.cert } : {}),
      issuer: resolved.issuer,
      ...(oidc ? { oidcIssuer: oidc.issuer } : {}),
      engine,
      router,
      control,
      live: live as LiveControl,
      ...(gateway ? { gateway } : {}),
      close() {
        closed ??= (live as LiveControl)
          .close()
          .then(
            () =>
              new Promise<void>((done) => {
                server.close(() => done());
                server.closeAllConnections();
              }),
          )
          .then(() => gateway?.close())
          .then(() => control.close())
          .then(closeStores);
        return closed;
      },
    };
  } catch (error) {
    await gateway?.close();
    await live?.close();
    await control.close();
    await closeStores();
    throw error;
  }
}

/** The clients of the registry that sign people in through the provider (a browser grant), for the start-up line. */
function browserClients(clients: readonly { clientId: string; grantTypes: readonly string[] }[]): string {
  const ids = clients
    .filter((c) => c.grantTypes.includes('authorization_code') || c.grantTypes.includes('implicit'))
    .map((c) => c.clientId);
  return `clients of the registry with a browser grant: ${ids.join(', ') || 'none'}`;
}
