import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startServer, type RunningServer } from '@waymark/cli';
import type { Logger } from '@waymark/sdk';

export const root = new URL('../../../', import.meta.url).pathname;
export const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
export const ISSUER = 'http://localhost:3000';
export const PASSWORD = 'correct horse battery staple';
export const PAYMENTS_SECRET = 'payments-api-secret-of-at-least-32-characters';
export const NEW_CLIENT_SECRET = 'a-new-client-secret-of-at-least-32-characters-x';
export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** A Waymark server as `waymark serve` runs it: the shipped remember-me flow, a public web app, a confidential API client, the admin API. */
export async function startWaymark(
  admin: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<RunningServer> {
  // A copy of the flow in a folder of its own: the file-backed flow store writes saved versions beside it.
  const folder = mkdtempSync(join(process.env.WAYMARK_TEST_TMPDIR ?? tmpdir(), 'mcp-flows-'));
  copyFileSync(join(root, 'flows/remember-me.json'), join(folder, 'remember-me.json'));
  return startServer(
    {
      issuer: ISSUER,
      port: 0,
      host: '127.0.0.1',
      flows: [join(folder, 'remember-me.json')],
      clients: [
        {
          client_id: 'web-app',
          type: 'web',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://localhost:4000/callback'],
          pkce: 'S256_REQUIRED',
          allowed_flows: ['remember-me'],
        },
        {
          client_id: 'payments-api',
          type: 'service',
          token_endpoint_auth_method: 'client_secret_basic',
          client_secret: PAYMENTS_SECRET,
          allowed_flows: ['remember-me'],
        },
      ],
      services: { usersFile: join(root, 'flows/fixtures/users.json') },
      admin,
      ...extra,
    } as never,
    { logger: silent, env },
  );
}

/** Every tool result of a session, as text: what the secrets scan reads. */
export class Transcript {
  readonly texts: string[] = [];
  constructor(readonly client: Client) {}

  /** Calls a tool; returns its JSON (or the error text with isError). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a tool's JSON, which the assertions walk freely
  async call(name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; json: any; text: string }> {
    const result = (await this.client.callTool({ name, arguments: args })) as {
      isError?: boolean;
      content: { type: string; text: string }[];
    };
    const text = result.content.map((c) => c.text).join('\n');
    this.texts.push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { isError: result.isError === true, json, text };
  }

  /** Asserts no tool result of the session contained any of the secrets. */
  expectNoSecrets(secrets: readonly string[]): void {
    const all = this.texts.join('\n');
    for (const secret of secrets)
      expect(all.includes(secret) ? `a tool result holds the secret ${secret.slice(0, 6)}…` : 'clean').toBe('clean');
  }
}

/** The agent's draft of a remember-me variant: one outcome of evaluateLogin ("exceed") left unwired, on purpose. */
export function rememberMeDraft(): Record<string, unknown> {
  const keys = [{ kid: 'remember-me-1', secretName: 'remember-me-key' }];
  return {
    id: 'remember-me',
    description:
      'Remember the device unless risk is high: a remembered device with LOW risk signs in silently; anything else forgets it and asks the password.',
    start: 'checkCookie',
    nodes: {
      checkCookie: {
        type: 'cookie.persistent.check',
        config: { keys },
        outcomes: { valid: 'evaluateRemembered', missing: 'collect', invalid: 'collect' },
      },
      evaluateRemembered: {
        type: 'risk.evaluate',
        outcomes: {
          low: 'signInRemembered',
          medium: 'forgetCookie',
          high: 'forgetCookie',
          exceed: 'forgetCookie',
          error: 'forgetCookie',
          clientError: 'failure',
        },
      },
      signInRemembered: { type: 'session.create', outcomes: { created: 'success', conflict: 'failure' } },
      forgetCookie: { type: 'cookie.clear', outcomes: { done: 'collect' } },
      collect: { type: 'credentials.collect', outcomes: { collected: 'verify' } },
      verify: {
        type: 'credentials.verify',
        config: { maxAttempts: 5 },
        outcomes: { valid: 'evaluateLogin', invalid: 'failure', locked: 'failure' },
      },
      evaluateLogin: {
        type: 'risk.evaluate',
        outcomes: { low: 'rememberDevice', medium: 'createSession', high: 'createSession', error: 'createSession', clientError: 'failure' },
      },
      rememberDevice: { type: 'cookie.persistent.set', config: { keys }, outcomes: { done: 'createSession', error: 'createSession' } },
      createSession: { type: 'session.create', config: { amr: ['pwd'] }, outcomes: { created: 'success', conflict: 'failure' } },
    },
  };
}

/** A real journey through the adapter's JSON journey API, as a browser-less client: alice signs in. */
export async function realJourney(url: string): Promise<{ status: string; journeyId: string }> {
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': FIREFOX };
  let res = await fetch(`${url}/journeys/remember-me`, { method: 'POST', headers, body: JSON.stringify({ client_id: 'web-app' }) });
  let body = (await res.json()) as {
    journeyId?: string;
    status?: string;
    callbacks?: { type: string; input: { name: string; value: unknown }[] }[];
  };
  const journeyId = body.journeyId!;
  for (let i = 0; body.callbacks && i < 10; i++) {
    const callbacks = body.callbacks.map((c) => ({
      ...c,
      input: c.input.map((f, j) =>
        j > 0 ? f : { ...f, value: c.type === 'NameCallback' ? 'alice' : c.type === 'PasswordCallback' ? PASSWORD : f.value },
      ),
    }));
    res = await fetch(`${url}/journeys/${journeyId}/continue`, { method: 'POST', headers, body: JSON.stringify({ callbacks }) });
    body = (await res.json()) as typeof body;
  }
  return { status: body.status ?? 'suspended', journeyId };
}
