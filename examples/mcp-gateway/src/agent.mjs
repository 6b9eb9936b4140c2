// The sample agent: discovers the gateway's protected resource metadata, signs the user in at
// Waymark's OpenID Provider (authorization code + PKCE, with the RFC 8707 resource), lists the
// bank's tools, calls one, steps up its scopes on a 403, and has a large transfer approved by
// the person out of band before its retry passes once.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { generateTotp } from '@waymark/nodes';

/** A cookie jar and manual redirects: the user agent of the sign-in (no person at a keyboard in a demo). */
export class Browser {
  cookies = new Map();
  async request(url, init = {}) {
    const headers = { ...(init.headers ?? {}), ...(this.cookies.size > 0 ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}) };
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/** The SDK's OAuth client provider for a pre-registered public client; the sign-in fills the login journey's callbacks. */
export class AgentAuth {
  constructor({ clientId, redirectUri, user, browser }) {
    Object.assign(this, { clientId, redirectUri, user, browser });
    this.saved = undefined;
    this.verifier = '';
    this.code = undefined;
    this.signIns = 0;
  }
  get redirectUrl() {
    return this.redirectUri;
  }
  get clientMetadata() {
    return { client_name: 'bank agent', redirect_uris: [this.redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return { client_id: this.clientId };
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens) {
    this.saved = tokens;
  }
  saveCodeVerifier(v) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  /** Follows the authorization request through the login journey (AIC-style JSON) to the redirect with the code. */
  async redirectToAuthorization(url) {
    this.signIns += 1;
    let current = new URL(url);
    let res = await this.browser.request(current.href);
    for (let hop = 0; hop < 20; hop++) {
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current);
        if (current.href.startsWith(this.redirectUri)) {
          this.code = current.searchParams.get('code') ?? undefined;
          return;
        }
        res = await this.browser.request(current.href, current.pathname.includes('/interaction/') ? { headers: { accept: 'application/json' } } : {});
        continue;
      }
      const step = res.status === 200 ? await res.json() : undefined;
      if (!step?.callbacks) throw new Error(`sign-in stopped at ${current.href} with ${res.status}`);
      for (const cb of step.callbacks)
        for (const field of cb.input ?? []) field.value = cb.type === 'NameCallback' ? this.user.username : cb.type === 'PasswordCallback' ? this.user.password : field.value;
      const done = await (await this.browser.request(current.href, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(step) })).json();
      if (done.status !== 'success') throw new Error(`sign-in failed: ${JSON.stringify(done)}`);
      current = new URL(done.redirect, current);
      res = await this.browser.request(current.href);
    }
    throw new Error('sign-in: too many redirects');
  }
}

/** Runs `call`; when the SDK sent the agent to sign in (a 401, or a 403 asking for more scopes), finishes the sign-in and runs it once more. */
async function signedIn(transport, auth, call) {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || auth.code === undefined) throw error;
    await transport.finishAuth(auth.code);
    auth.code = undefined;
    return call();
  }
}

const text = (result) => result.content.map((c) => c.text).join(' ');
const scopeOf = (auth) => JSON.parse(Buffer.from(auth.tokens().access_token.split('.')[1], 'base64url').toString()).scope;

/**
 * The agent's run against the gateway's MCP URL; `print` gets each line; `approve(txId, url)` is the person approving out of band.
 * Returns what happened, for the test.
 */
export async function runAgent({ mcpUrl, clientId, redirectUri, user, print, approve }) {
  const outcome = {};
  // 1. Discovery (MCP authorization / RFC 9728): a call without a token names the metadata.
  const bare = await fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":0,"method":"tools/list"}' });
  outcome.challenge = bare.headers.get('www-authenticate');
  print(`1. without a token: ${bare.status}, WWW-Authenticate: ${outcome.challenge}`);
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(outcome.challenge ?? '')?.[1];
  outcome.metadata = await (await fetch(metadataUrl)).json();
  print(`   protected resource metadata: ${JSON.stringify(outcome.metadata)}`);

  // 2. Sign in (the SDK discovers the authorization server, PKCE, resource indicator) and list the tools.
  const browser = new Browser();
  const auth = new AgentAuth({ clientId, redirectUri, user, browser });
  let transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: auth });
  const client = new Client({ name: 'bank-agent', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await transport.finishAuth(auth.code);
    auth.code = undefined;
    transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: auth });
    await client.connect(transport);
  }
  print(`2. signed in as ${user.username}; token scope "${scopeOf(auth)}"`);
  outcome.tools = (await client.listTools()).tools.map((t) => t.name);
  print(`   tools/list (filtered to what this token may call): ${outcome.tools.join(', ')}`);

  // 3. A call within the scopes.
  outcome.balance = text(await client.callTool({ name: 'get_balance', arguments: { account: 'acct-alice' } }));
  print(`3. get_balance: ${outcome.balance}`);

  // 4. A tool that needs bank:write: 403 insufficient_scope, the SDK signs in again for the union of scopes.
  const small = { from: 'acct-alice', to: 'acct-bob', amount: 250 };
  outcome.small = text(await signedIn(transport, auth, () => client.callTool({ name: 'transfer_funds', arguments: small })));
  outcome.steppedUpScope = scopeOf(auth);
  print(`4. transfer_funds 250: 403 insufficient_scope, signed in again, scope now "${outcome.steppedUpScope}": ${outcome.small}`);

  // 5. A large transfer: the gateway's policy wants the person's approval (URL elicitation, -32042).
  const large = { from: 'acct-alice', to: 'acct-bob', amount: 5000 };
  let elicitation;
  try {
    await client.callTool({ name: 'transfer_funds', arguments: large });
  } catch (error) {
    if (!(error instanceof McpError) || error.code !== -32042) throw error;
    elicitation = error.data.elicitations[0];
  }
  outcome.txId = elicitation.elicitationId;
  print(`5. transfer_funds 5000: approval needed at ${elicitation.url}`);
  await approve(outcome.txId, browser);
  print('   the person approved it (step-up journey: a TOTP code)');

  // 6. The retry carries the transaction id: allowed once.
  const withTx = { name: 'transfer_funds', arguments: large, _meta: { 'io.waymark/transactionId': outcome.txId } };
  outcome.large = text(await client.callTool(withTx));
  print(`6. retried with the transaction id: ${outcome.large}`);
  try {
    await client.callTool(withTx);
    outcome.replay = 'passed';
  } catch (error) {
    outcome.replay = error instanceof McpError ? error.code : String(error);
  }
  print(`7. the same retry again: ${outcome.replay === -32042 ? 'a new approval is needed (allowed once)' : outcome.replay}`);
  outcome.signIns = auth.signIns;
  await client.close();
  return outcome;
}

/** The person's approval out of band: the Waymark step-up (REST form of the approval page) with the user's Waymark session and a TOTP code. */
export function approver({ issuer, totpSecret, clock = { now: () => Date.now() } }) {
  return async (txId, browser) => {
    const ssoToken = browser.cookies.get('__Host-waymark-session');
    const post = async (path, body) => (await fetch(`${issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const started = await post(`/policies/transactions/${encodeURIComponent(txId)}/stepup`, { ssoToken });
    const code = await generateTotp({ secret: totpSecret, epoch: Math.floor(clock.now() / 1000) });
    const callbacks = started.callbacks.map((cb) => (cb.type === 'TextInputCallback' ? { ...cb, input: cb.input.map((f) => ({ ...f, value: code })) } : cb));
    const done = await post(`/policies/transactions/${encodeURIComponent(txId)}/stepup/continue`, { ssoToken, journeyId: started.journeyId, callbacks });
    if (done.status !== 'success') throw new Error(`approval failed: ${JSON.stringify(done)}`);
  };
}
