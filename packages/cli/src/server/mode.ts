import type { CompiledFlow, ConfigProblem } from '@waymark/core';
import { CliError } from '../errors.js';
import type { TlsCredentials } from './tls.js';

/**
 * How a server runs. `development` (the default) accepts what a laptop needs: random per-process
 * keys, the shipped demo clients, one-time codes in the log, a plain-http issuer, a self-signed
 * certificate. `production` refuses each of them at start-up (ERR_PRODUCTION_REFUSED, every
 * problem at once, each with its fix).
 */
export type ServerMode = 'development' | 'production';

/** Where the mode came from, for the start-up line. */
export type ModeSource = 'config' | 'NODE_ENV' | 'default';

/** The JSON Schema of the config's `"mode"` key. */
export const modeSchema = {
  enum: ['development', 'production'],
  description:
    '"development" or "production" (refuses random keys, demo clients, the console one-time-code notifier, a non-loopback http issuer and a self-signed certificate). Default: "production" when NODE_ENV=production, else "development"; the key wins over NODE_ENV',
} as const;

/**
 * The mode: the config's `"mode"` when set (the reviewed file says what it is for), else
 * `production` when `NODE_ENV=production`, else `development`.
 *
 * @example
 * modeOf(undefined, { NODE_ENV: 'production' }); // { mode: 'production', source: 'NODE_ENV' }
 */
export function modeOf(
  configured: ServerMode | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { mode: ServerMode; source: ModeSource } {
  if (configured !== undefined) return { mode: configured, source: 'config' };
  if (env.NODE_ENV === 'production') return { mode: 'production', source: 'NODE_ENV' };
  return { mode: 'development', source: 'default' };
}

/** The start-up line naming the mode and why. */
export function describeMode(mode: ServerMode, source: ModeSource, env: Readonly<Record<string, string | undefined>>): string {
  const why =
    source === 'config'
      ? `the config's "mode"${env.NODE_ENV !== undefined && (env.NODE_ENV === 'production') !== (mode === 'production') ? `; NODE_ENV=${env.NODE_ENV} is not used` : ''}`
      : source === 'NODE_ENV'
        ? 'NODE_ENV=production'
        : 'the default; set "mode" or NODE_ENV=production for production';
  return `mode: ${mode} (${why})`;
}

/** What the production rules look at: the configuration as resolved, the loaded flows, the certificate. */
export interface ProductionContext {
  issuer: string;
  /** The sealing keys after WAYMARK_SECRET_KEYS; empty means a random key per process. */
  secretKeys: readonly string[];
  /** The client configurations as written (inline or from clientsFile). */
  clients: readonly unknown[];
  /** The latest version of every loaded flow. */
  flows: readonly CompiledFlow[];
  /** Undefined: plain http. */
  tls: TlsCredentials | undefined;
  /** True when the host wires `services.notifier` (then otp.challenge never builds the console one). */
  notifierWired: boolean;
  /** The admin section, when there is one: writes in production need `allowWritesInProduction`. */
  admin?: { writes?: boolean; allowWritesInProduction?: boolean } | undefined;
  /** The OpenID Provider's keys, when it is mounted: generated per process is development only. */
  oidc?: { generatedKeys: boolean; generatedCookieKeys: boolean; grants?: { ciba?: boolean } | undefined } | undefined;
}

/** One production rule: the problems it finds, each with the pointer of the place and the fix. */
export type ProductionRule = (context: ProductionContext) => ConfigProblem[];

const refused = (pointer: string, message: string): ConfigProblem => ({ code: 'ERR_PRODUCTION_REFUSED', pointer, message });

/** Random per-process keys: journeys die with the process and no second process can open them. */
const fixedSecretKeys: ProductionRule = ({ secretKeys }) =>
  secretKeys.length > 0
    ? []
    : [
        refused(
          '/secretKeys',
          `is empty and WAYMARK_SECRET_KEYS is not set, so journeys would be sealed with a random key per process: set WAYMARK_SECRET_KEYS (or "secretKeys") to 32 random bytes, base64url (node -e "console.log(crypto.randomBytes(32).toString('base64url'))"), the same in every process`,
        ),
      ];

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The clients the shipped waymark.config.json marks `"demo": true`: public, with loopback targets. */
const noDemoClients: ProductionRule = ({ clients }) =>
  clients.flatMap((raw, i) => {
    const client = (raw ?? {}) as { client_id?: unknown; demo?: unknown };
    return client.demo === true
      ? [
          refused(
            `/clients/${i}/demo`,
            `client "${String(client.client_id)}" is a demo client ("demo": true): remove it and register your own clients (or run in development mode)`,
          ),
        ]
      : [];
  });

/** A plain-http issuer anywhere but this machine: tokens and codes would cross a network in clear. */
const secureIssuer: ProductionRule = ({ issuer }) => {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return [];
  }
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname)
    ? [
        refused(
          '/issuer',
          `"${issuer}" is plain http on another machine than this one: use the https URL clients reach (RFC 8414 §2: the issuer uses the https scheme)`,
        ),
      ]
    : [];
};

/** A self-signed certificate: no client trusts it unless told to, which teaches users to click through. */
const trustedCertificate: ProductionRule = ({ tls }) => {
  if (tls === undefined || !tls.selfSigned) return [];
  return [
    refused(
      '/tls',
      tls.source === 'generated'
        ? 'is "self-signed", a development certificate: give { "cert": "cert.pem", "key": "key.pem" } issued by a certificate authority clients trust, or terminate TLS at a proxy and remove "tls"'
        : 'names a self-signed certificate: use one issued by a certificate authority clients trust, or terminate TLS at a proxy and remove "tls"',
    ),
  ];
};

/**
 * otp.challenge builds its notifier from the node config when the host wires none
 * (`notifierOf` in @waymark/nodes): mode "code" with the default `notifier.type` "console"
 * writes every one-time code to the log. Its own `allowConsoleInProduction` is the one way past.
 */
const noConsoleNotifier: ProductionRule = ({ flows, notifierWired }) => {
  if (notifierWired) return [];
  const problems: ConfigProblem[] = [];
  for (const flow of flows)
    for (const node of flow.nodes.values()) {
      if (node.type.type !== 'otp.challenge') continue;
      const config = node.config as { mode?: string; notifier?: { type?: string; allowConsoleInProduction?: boolean } };
      if (config.mode !== 'code' || config.notifier?.type !== 'console' || config.notifier.allowConsoleInProduction === true) continue;
      problems.push(
        refused(
          '/flows',
          `flow "${flow.id}" node "${node.id}" (otp.challenge) sends one-time codes through the console notifier, which writes them to the log: set its config "notifier" to { "type": "webhook", "url": "https://…" }`,
        ),
      );
    }
  return problems;
};

/**
 * Every rule production mode applies, in the order problems are listed. A new rule (the admin
 * API's writes, say) is one more function here.
 */
/** Admin writes in production only when asked for twice: `writes` and `allowWritesInProduction`. */
function adminWritesAllowed(context: ProductionContext): ConfigProblem[] {
  const admin = context.admin;
  if (!admin?.writes || admin.allowWritesInProduction) return [];
  return [
    {
      code: 'ERR_PRODUCTION_REFUSED',
      pointer: '/admin/writes',
      message:
        'admin writes are refused in production unless "allowWritesInProduction": true is also set in "admin"; set it, or make the admin API read-only ("writes": false)',
    },
  ];
}

/** The provider's signing and cookie keys must be the same after a restart and in every process. */
function fixedProviderKeys(context: ProductionContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (context.oidc?.generatedKeys)
    problems.push({
      code: 'ERR_PRODUCTION_REFUSED',
      pointer: '/oidc/jwksFile',
      message: "the provider's signing keys are generated per process; name a private JWK set file in oidc.jwksFile",
    });
  if (context.oidc?.generatedCookieKeys)
    problems.push({
      code: 'ERR_PRODUCTION_REFUSED',
      pointer: '/oidc/cookieKeys',
      message: "the provider's cookie keys are random per process; set oidc.cookieKeys or WAYMARK_OIDC_COOKIE_KEYS",
    });
  return problems;
}

/** `waymark serve` reaches CIBA's person by writing the approval link to the log: development only. */
function noLoggedCibaLinks(context: ProductionContext): ConfigProblem[] {
  if (context.oidc?.grants?.ciba !== true) return [];
  return [
    {
      code: 'ERR_PRODUCTION_REFUSED',
      pointer: '/oidc/grants/ciba',
      message:
        'serve writes CIBA approval links to the log (development only); in production embed createOidcProvider with a ciba.notify that reaches the person, or switch grants.ciba off',
    },
  ];
}

export const PRODUCTION_RULES: readonly ProductionRule[] = [
  noLoggedCibaLinks,
  adminWritesAllowed,
  fixedProviderKeys,
  fixedSecretKeys,
  noDemoClients,
  noConsoleNotifier,
  secureIssuer,
  trustedCertificate,
];

/** Every production problem of a server about to start; `[]` when it may start. */
export function productionProblems(context: ProductionContext, rules: readonly ProductionRule[] = PRODUCTION_RULES): ConfigProblem[] {
  return rules.flatMap((rule) => rule(context));
}

/** ERR_PRODUCTION_REFUSED listing every problem, one line each: its pointer and the fix. */
export function productionRefused(problems: readonly ConfigProblem[]): CliError {
  const lines = problems.map((p) => `  ${p.pointer}: ${p.message}`).join('\n');
  return new CliError(
    'ERR_PRODUCTION_REFUSED',
    `production mode refuses to start (${problems.length} problem${problems.length === 1 ? '' : 's'}; fix each, or set "mode": "development" for a development server):\n${lines}`,
    { problems },
  );
}
