import * as client from 'openid-client';
import type { Clock } from '@waymark/sdk';
import type { StepUpCiba } from '../config/types.js';
import { GatewayError } from '../errors.js';

/*
 * Step-up approved out of band through OpenID Connect CIBA (Client-Initiated Backchannel
 * Authentication Core 1.0, poll mode): an agent cannot click through a page, so when a tool call
 * needs the person's approval the gateway asks the provider to reach the person (CIBA Core §7.1,
 * `login_hint` = the caller's subject, `binding_message` naming the call). The person approves
 * on their own device (Waymark's provider runs the CIBA client's journey at the link it sends).
 * When the agent retries with the transaction id, the gateway polls the token endpoint once
 * (§10.1); tokens for the same subject mean approved, and the transaction is authenticated.
 */

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

export type CibaStatus = 'approved' | 'pending' | 'denied' | 'unknown';

export interface CibaApprover {
  /** Asks the provider to reach `sub` for the approval of transaction `txId` (the call named by `what`). */
  request(txId: string, sub: string, what: string): Promise<void>;
  /** Polls the provider once for transaction `txId` of `sub`: approved (tokens for `sub`), pending, denied, or unknown (no request). */
  check(txId: string, sub: string): Promise<CibaStatus>;
}

interface Pending {
  authReqId: string;
  sub: string;
  expiresAt: number;
}

/** RFC 6749 §5.2 / CIBA Core §11 error code of a token endpoint answer, if any. */
function oauthError(error: unknown): string | undefined {
  const e = error as { error?: unknown; cause?: { error?: unknown } };
  return typeof e.error === 'string' ? e.error : typeof e.cause?.error === 'string' ? e.cause.error : undefined;
}

/** CIBA Core §7.1.1: binding_message is short plain text shown on both devices. */
function bindingMessage(what: string, txId: string): string {
  return `Approve ${what.replace(/[^A-Za-z0-9 _.-]/g, '').slice(0, 40)} ${txId.slice(0, 8)}`.trim();
}

export function cibaApprover(
  settings: StepUpCiba,
  options: { clock: Clock; env: Readonly<Record<string, string | undefined>>; fetch?: typeof fetch },
): CibaApprover {
  const secret = settings.clientSecret ?? (settings.clientSecretEnv !== undefined ? options.env[settings.clientSecretEnv] : undefined);
  if (!secret)
    throw new GatewayError(
      'ERR_GATEWAY_MEDIATION',
      `stepUpCiba: the environment variable ${settings.clientSecretEnv ?? '(none)'} is not set; set it to the CIBA client's secret`,
    );
  const token = new URL(settings.tokenEndpoint);
  const config = new client.Configuration(
    {
      // The ID token's `iss` is checked against it (OIDC Core §3.1.3.7).
      issuer: settings.issuer ?? token.origin,
      token_endpoint: token.href,
      backchannel_authentication_endpoint: new URL(settings.backchannelEndpoint).href,
    },
    settings.clientId,
    undefined,
    client.ClientSecretBasic(secret),
  );
  if (token.protocol === 'http:') client.allowInsecureRequests(config);
  if (options.fetch) config[client.customFetch] = options.fetch as never;
  const pending = new Map<string, Pending>();
  // Concurrent retries of one transaction share one poll (an auth_req_id is redeemed once).
  const polling = new Map<string, Promise<CibaStatus>>();

  return {
    async request(txId, sub, what) {
      let started: client.BackchannelAuthenticationResponse;
      try {
        started = await client.initiateBackchannelAuthentication(config, {
          scope: settings.scope ?? 'openid',
          login_hint: sub,
          binding_message: bindingMessage(what, txId),
        });
      } catch (error) {
        throw new GatewayError('ERR_GATEWAY_MEDIATION', `the CIBA request at ${settings.backchannelEndpoint} failed`, {}, { cause: error });
      }
      const now = options.clock.now();
      for (const [id, p] of pending) if (p.expiresAt <= now) pending.delete(id);
      pending.set(txId, { authReqId: started.auth_req_id, sub, expiresAt: now + started.expires_in * 1000 });
    },
    check(txId, sub) {
      let running = polling.get(txId);
      if (!running) {
        running = poll(txId, sub).finally(() => polling.delete(txId));
        polling.set(txId, running);
      }
      return running;
    },
  };

  async function poll(txId: string, sub: string): Promise<CibaStatus> {
    {
      const request = pending.get(txId);
      if (!request || request.sub !== sub) return 'unknown';
      try {
        // CIBA Core §10.1: one poll of the token endpoint with the auth_req_id.
        const tokens = await client.genericGrantRequest(config, CIBA_GRANT, { auth_req_id: request.authReqId });
        pending.delete(txId);
        // The person who approved must be the caller (the ID token's sub, CIBA Core §10.1.1).
        return tokens.claims()?.sub === sub ? 'approved' : 'denied';
      } catch (error) {
        const code = oauthError(error);
        // CIBA Core §11: still waiting for the person.
        if (code === 'authorization_pending' || code === 'slow_down') return 'pending';
        pending.delete(txId);
        if (code === 'access_denied' || code === 'expired_token') return 'denied';
        throw new GatewayError('ERR_GATEWAY_MEDIATION', `the CIBA poll at ${settings.tokenEndpoint} failed`, {}, { cause: error });
      }
    }
  }
}
