import { randomBytes } from 'node:crypto';
import type { JsonObject, Logger } from '@waymark/sdk';
import {
  errors,
  type Account,
  type BackchannelAuthenticationRequest,
  type Client,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';

/*
 * OpenID Connect Client-Initiated Backchannel Authentication (CIBA Core 1.0), through
 * oidc-provider's `ciba` feature. Waymark adds the two parts a deployment must supply:
 *
 * - **Finding the person** (`findSubject`): the request's `login_hint` → a subject, or nobody
 *   (`unknown_user_id`, CIBA §13).
 * - **Reaching the person** (`notify`): each accepted request gets an approval, a one-time link
 *   `<issuer>/ciba/<approvalId>` handed to the notifier. Whoever holds the link opens it and the
 *   client's Waymark flow runs as a journey (form pages, or the JSON callbacks an app drives: the
 *   push stand-in). The journey must identify the very person the request named; then the
 *   request is approved (`provider.backchannelResult` with a Grant of the requested scopes) and the
 *   client's next poll gets the tokens. A journey that fails, or
 *   identifies someone else, denies it (`access_denied`).
 *
 * The approval id is not the `auth_req_id` (the client's handle): the link goes to the person,
 * the handle stays with the client.
 */

/** One backchannel authentication request waiting for its person: what a notifier gets. */
export interface CibaApproval {
  /** The approval's id (random, 128 bits): the last segment of `url`. */
  approvalId: string;
  /** The one-time link the person opens to approve (a Waymark journey). */
  url: string;
  /** The subject the request names (from `login_hint`). */
  sub: string;
  clientId: string;
  clientName?: string;
  /** The scopes requested. */
  scope: string;
  /** CIBA §7.1 `binding_message`: shown on both devices, so the person can tell this request from another. */
  bindingMessage?: string;
  /** When the request expires (epoch seconds). */
  expiresAt: number;
}

/** Hands an approval to the person (a push, an e-mail, a chat message…). Throwing ends the request: the client gets 503 `temporarily_unavailable`. */
export type CibaNotifier = (approval: CibaApproval) => Promise<void> | void;

/** The functions of CIBA: who the `login_hint` is, and how the person is reached. */
export interface CibaHooks {
  /**
   * The subject a `login_hint` names (a username, an e-mail, a subject id), or undefined for
   * nobody: the request is then refused with `unknown_user_id` (CIBA §13). Required with the CIBA grant.
   */
  findSubject: (loginHint: string, clientId: string) => Promise<string | undefined> | string | undefined;
  /** Reaches the person with the approval link. Default: logs "ciba approval requested" at info with the link (development). */
  notify?: CibaNotifier;
}

/** The record of an approval: `oidc:CibaApproval:<approvalId>`, living as long as its request. */
export interface StoredApproval {
  authReqId: string;
  sub: string;
  clientId: string;
}

export const approvalKey = (approvalId: string) => `oidc:CibaApproval:${approvalId}`;

/** The notifier without one configured: the link goes to the log (development; anyone reading the log can start the journey, but only the named person can finish it). */
export function loggingNotifier(logger: Logger): CibaNotifier {
  return (approval) => {
    logger.info('ciba approval requested', {
      clientId: approval.clientId,
      sub: approval.sub,
      url: approval.url,
      ...(approval.bindingMessage !== undefined ? { bindingMessage: approval.bindingMessage } : {}),
    });
  };
}

// CIBA §7.1: a binding message is short and plain, to show on a small screen (oidc-provider's default rule).
const BINDING_MESSAGE = /^[a-zA-Z0-9-._+/!?# ]{1,64}$/;

/** RFC 6749 §4.1.2.1's `temporarily_unavailable` with 503: the notifier failed, the client may try again later. */
function unreachable(): Error {
  const error = new errors.OIDCProviderError(503, 'temporarily_unavailable') as InstanceType<typeof errors.OIDCProviderError> & {
    expose: boolean;
  };
  error.error_description = 'the person could not be reached; try again later';
  // oidc-provider hides the error of a 5xx as server_error unless it is exposed.
  error.expose = true;
  return error;
}

/** oidc-provider's `ciba` feature on the hooks; `approvalUrl` builds the link of an approval. */
export function cibaFeature(
  enabled: boolean,
  hooks: CibaHooks | undefined,
  deps: {
    kv: { set(key: string, value: JsonObject, ttl?: number): Promise<void>; delete(key: string): Promise<void> };
    approvalUrl: (id: string) => string;
    logger: Logger;
  },
): NonNullable<Configuration['features']>['ciba'] {
  if (!enabled || hooks === undefined) return { enabled: false };
  const notify = hooks.notify ?? loggingNotifier(deps.logger);
  return {
    enabled: true,
    // CIBA §5 poll mode. Ping is not offered: oidc-provider's notification call refuses loopback and
    // private addresses and needs https, so it could not be tested here end to end.
    deliveryModes: ['poll'],
    async processLoginHint(ctx: KoaContextWithOIDC, loginHint?: string) {
      if (loginHint === undefined || loginHint === '') return undefined;
      return (await hooks.findSubject(loginHint, ctx.oidc.client?.clientId ?? '')) || undefined;
    },
    // CIBA §7.1: a login_hint_token's format is the deployment's; Waymark defines none, so it names nobody.
    async processLoginHintToken() {
      throw new errors.InvalidRequest('login_hint_token is not supported; use login_hint');
    },
    async validateBindingMessage(_ctx: KoaContextWithOIDC, bindingMessage?: string) {
      if (bindingMessage !== undefined && !BINDING_MESSAGE.test(bindingMessage))
        throw new errors.InvalidBindingMessage('binding_message must be 1 to 64 letters, digits, spaces or -._+/!?#');
    },
    // request_context is free-form (CIBA §7.1); the approval journey can read it from its params.
    async validateRequestContext() {},
    // CIBA §7.1: user_code only where backchannel_user_code_parameter_supported, which this provider does not advertise.
    async verifyUserCode(_ctx: KoaContextWithOIDC, _account: Account, userCode?: string) {
      if (userCode !== undefined) throw new errors.InvalidRequest('user_code is not supported');
    },
    async triggerAuthenticationDevice(
      _ctx: KoaContextWithOIDC,
      request: BackchannelAuthenticationRequest,
      account: Account,
      client: Client,
    ) {
      const approvalId = randomBytes(16).toString('base64url');
      const expiresAt = request.exp ?? Math.floor(Date.now() / 1000) + (request.expiration ?? 600);
      const ttl = Math.max(1, expiresAt - Math.floor(Date.now() / 1000));
      const stored: StoredApproval = { authReqId: request.jti, sub: account.accountId, clientId: client.clientId };
      await deps.kv.set(approvalKey(approvalId), stored as unknown as JsonObject, ttl);
      const bindingMessage = (request.params as { binding_message?: unknown } | undefined)?.binding_message;
      await Promise.resolve()
        .then(() =>
          notify({
            approvalId,
            url: deps.approvalUrl(approvalId),
            sub: account.accountId,
            clientId: client.clientId,
            ...(client.clientName !== undefined ? { clientName: client.clientName } : {}),
            scope: request.scope ?? '',
            ...(typeof bindingMessage === 'string' ? { bindingMessage } : {}),
            expiresAt,
          }),
        )
        .catch(async (error: unknown) => {
          // Nobody can approve a request whose person was not reached: end it, and tell the client to retry later.
          deps.logger.error('ciba notifier failed', {
            clientId: client.clientId,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
          await deps.kv.delete(approvalKey(approvalId));
          Object.assign(request, { error: 'temporarily_unavailable', errorDescription: 'the person could not be reached' });
          await request.save();
          throw unreachable();
        });
    },
  };
}
