import { readFileSync } from 'node:fs';
import express, { type Express } from 'express';
import { createMemoryControlStores, NodeRegistry, engineNodes } from '@waymark/core';
import { clientConfigProblems } from '@waymark/express';
import { builtinNodes } from '@waymark/nodes';
import type { AuditEvent, AuditSink, ControlStores } from '@waymark/sdk';
import { createAdminRouter, type AdminRouterOptions } from '@waymark/admin';
import { startTokenIssuer, type TokenIssuer } from '../../../test/support/servers.js';

export const ISSUER = 'http://127.0.0.1:3999';
export const AUDIENCE = `${ISSUER}/admin`;
export const READ = 'waymark:admin:read';
export const WRITE = 'waymark:admin:write';
export const BOTH = `${READ} ${WRITE}`;

/** The shipped password-login flow, as a body to send. */
export function passwordLogin(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../../../flows/password-login.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** A confidential web client with a secret. */
export const SECRET = 'S3cret-value-that-is-at-least-32-characters-long';
export function webClient(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: 'web-app',
    type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: SECRET,
    redirect_uris: ['https://app.example.com/callback'],
    allowed_flows: ['password-login'],
    ...overrides,
  };
}

export interface AdminHarness {
  app: Express;
  stores: ControlStores;
  issuer: TokenIssuer;
  /** Every audit event the router wrote. */
  events: AuditEvent[];
  /** A token for the admin audience with the scopes given (default read and write). */
  token(scope?: string, options?: { sub?: string; audience?: string; expiresIn?: number; foreignKey?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** The admin router on an express app, real memory control stores, the built-in node types, a real token issuer. */
export async function adminHarness(options: Partial<AdminRouterOptions> = {}): Promise<AdminHarness> {
  const issuer = await startTokenIssuer({ audience: AUDIENCE, clientId: 'admin-console', scope: BOTH });
  const stores = createMemoryControlStores();
  const registry = new NodeRegistry();
  registry.registerAll(engineNodes, 'builtin');
  registry.registerAll(builtinNodes, 'builtin');
  const events: AuditEvent[] = [];
  const sink: AuditSink = { write: (e) => void events.push(e) };
  const app = express();
  app.use(
    '/admin/v1',
    createAdminRouter({
      issuer: ISSUER,
      trustedIssuers: [{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }],
      stores,
      registry,
      validateClient: clientConfigProblems,
      writes: true,
      mode: 'development',
      auditSink: sink,
      inlineNodesPackage: { name: '@waymark/nodes', version: '0.1.0' },
      ...options,
    }),
  );
  return {
    app,
    stores,
    issuer,
    events,
    token: (scope = BOTH, o = {}) => issuer.mint({ scope, ...o }),
    close: () => issuer.close(),
  };
}
