import type { Configuration, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { esc, page } from './lib/pages.js';

/*
 * RFC 8628 device authorization, through oidc-provider's `deviceFlow` feature:
 *
 * 1. The device posts to `<issuer>/device/auth` and shows the person `user_code` and
 *    `verification_uri` (`<issuer>/device`), or `verification_uri_complete` as a QR code.
 * 2. The person opens the verification URI, types the code (this page), and confirms that the
 *    device shows the same code (the confirm page; RFC 8628 §5.4: the person must be able to tell
 *    a phished code from their own device's).
 * 3. oidc-provider then needs a login, which is an ordinary interaction: the client's Waymark flow
 *    runs as a journey (`interactions.ts`), exactly as for a browser sign-in.
 * 4. The device polls the token endpoint with `device_code` (`authorization_pending`,
 *    `slow_down`, `expired_token`, `access_denied`: RFC 8628 §3.5, all oidc-provider's).
 *
 * The pages are Waymark's (the adapter's layout and stylesheet); oidc-provider's own XSRF secret
 * (kept in its session) protects both forms.
 */

/** The XSRF secret oidc-provider keeps in its session for the device forms. */
function xsrfOf(ctx: KoaContextWithOIDC): string {
  const state = ctx.oidc.session?.state as { secret?: unknown } | undefined;
  return typeof state?.secret === 'string' ? state.secret : '';
}

/** Why the code page is shown again: a wrong, expired or used code, an aborted sign-in. */
function messageFor(err: (Error & { userCode?: string }) | undefined): { text: string; role: 'alert' | 'status' } {
  if (!err) return { text: 'Enter the code your device shows.', role: 'status' };
  switch (err.name) {
    case 'NoCodeError':
    case 'NotFoundError':
      return { text: 'That code is not valid. Check the code your device shows and try again.', role: 'alert' };
    case 'ExpiredError':
      return { text: 'That code has expired. Start again on your device to get a new one.', role: 'alert' };
    case 'AlreadyUsedError':
      return { text: 'That code has already been used. Start again on your device to get a new one.', role: 'alert' };
    case 'AbortedError':
      return { text: 'The sign-in was cancelled. Your device was not connected.', role: 'alert' };
    default:
      return { text: 'The code could not be checked. Try again.', role: 'alert' };
  }
}

async function userCodeInputSource(ctx: KoaContextWithOIDC, _form: string, _out?: ErrorOut, err?: Error): Promise<void> {
  const message = messageFor(err as (Error & { userCode?: string }) | undefined);
  const action = ctx.oidc.urlFor('code_verification');
  const typed = (err as { userCode?: unknown } | undefined)?.userCode;
  ctx.type = 'html';
  ctx.body = page(
    'Connect a device',
    `<p role="${message.role}"${message.role === 'alert' ? ' class="error"' : ''}>${esc(message.text)}</p>
<form method="post" action="${esc(action)}">
<input type="hidden" name="xsrf" value="${esc(xsrfOf(ctx))}">
<label for="user_code">Code shown on your device</label>
<input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required value="${typeof typed === 'string' ? esc(typed) : ''}">
<button type="submit">Continue</button>
</form>`,
  );
}

async function userCodeConfirmSource(
  ctx: KoaContextWithOIDC,
  _form: string,
  client: { clientId: string; clientName?: string | undefined },
  _deviceInfo: unknown,
  userCode: string,
): Promise<void> {
  const action = ctx.oidc.urlFor('code_verification');
  const name = client.clientName ?? client.clientId;
  const hidden = `<input type="hidden" name="xsrf" value="${esc(xsrfOf(ctx))}"><input type="hidden" name="user_code" value="${esc(userCode)}">`;
  ctx.type = 'html';
  ctx.body = page(
    'Connect a device',
    `<p><strong>${esc(name)}</strong> asks to sign in on a device showing this code:</p>
<p><code id="user-code">${esc(userCode)}</code></p>
<p>Continue only if your device shows exactly this code.</p>
<form method="post" action="${esc(action)}">${hidden}<input type="hidden" name="confirm" value="yes"><button type="submit">Continue</button></form>
<form method="post" action="${esc(action)}">${hidden}<input type="hidden" name="abort" value="yes"><button type="submit">Cancel</button></form>`,
  );
}

async function successSource(ctx: KoaContextWithOIDC): Promise<void> {
  const client = ctx.oidc.client;
  ctx.type = 'html';
  ctx.body = page(
    'Device connected',
    `<p role="status">You are signed in on ${esc(client?.clientName ?? client?.clientId ?? 'your device')}. You can close this page.</p>`,
  );
}

/** oidc-provider's `deviceFlow` feature with Waymark's pages. */
export function deviceFlowFeature(enabled: boolean): NonNullable<Configuration['features']>['deviceFlow'] {
  return {
    enabled,
    // RFC 8628 §6.1: base-20 consonants (no vowels, so no words), 8 characters ≈ 34.5 bits, shown as XXXX-XXXX.
    charset: 'base-20',
    mask: '****-****',
    userCodeInputSource,
    userCodeConfirmSource,
    successSource,
  };
}
