import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * What the Redis tests send Waymark over HTTP: the session-transfer handoff (PAR, then
 * authorize) and the password-login journey through the JSON API, with the clients and flows
 * they need. Plain fetch; every answer is returned whole so a test can assert on it.
 */

export const TRANSFER_CLIENT = 'session-transfer';
export const WEB_CLIENT = 'web-app';
export const TARGET = 'http://localhost:4000/profile';
export const SESSION_COOKIE = '__Host-waymark-session';
/** flows/fixtures/users.json */
export const USERS_FILE = new URL('../../../flows/fixtures/users.json', import.meta.url).pathname;
export const PASSWORD = 'correct horse battery staple';

export const clients = [
  {
    client_id: TRANSFER_CLIENT,
    type: 'session-transfer',
    token_endpoint_auth_method: 'none',
    require_pushed_authorization_requests: true,
    allowed_flows: ['session-transfer'],
    redirect_targets: ['http://localhost:4000/'],
    allowed_pushed_parameters: ['subject_token', 'target', 'ip'],
    allowed_scopes: ['session_transfer'],
  },
  {
    client_id: WEB_CLIENT,
    type: 'web',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://localhost:4000/callback'],
    pkce: 'S256_REQUIRED',
    allowed_flows: ['password-login'],
    redirect_targets: ['http://localhost:4000/'],
  },
];

/** The shipped flows/password-login.json (it suspends at its first node, credentials.collect). */
export function passwordLoginFlow(): unknown {
  return JSON.parse(readFileSync(new URL('../../../flows/password-login.json', import.meta.url), 'utf8'));
}

export interface Answer {
  status: number;
  body: string;
  location: string | null;
  cookies: string[];
}

async function answer(response: Response): Promise<Answer> {
  return {
    status: response.status,
    body: await response.text(),
    location: response.headers.get('location'),
    cookies: response.headers.getSetCookie(),
  };
}

/** True when the answer sets the session cookie with a value. */
export function setsSession(a: Answer): boolean {
  return a.cookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`));
}

/** POST /par as the session-transfer client, as the native app does. */
export async function push(base: string, subjectToken: string): Promise<Answer> {
  const verifier = randomBytes(32).toString('base64url');
  return answer(
    await fetch(`${base}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: TRANSFER_CLIENT,
        response_type: 'code',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        subject_token: subjectToken,
        target: TARGET,
      }),
    }),
  );
}

/** The request_uri of a 201 PAR answer. */
export function requestUriOf(par: Answer): string {
  if (par.status !== 201) throw new Error(`PAR answered ${par.status}: ${par.body.slice(0, 300)}`);
  return (JSON.parse(par.body) as { request_uri: string }).request_uri;
}

/** GET /authorize with the pushed request, as the browser does (redirects not followed). */
export async function authorize(base: string, requestUri: string): Promise<Answer> {
  return answer(
    await fetch(`${base}/authorize?${new URLSearchParams({ client_id: TRANSFER_CLIENT, request_uri: requestUri })}`, {
      redirect: 'manual',
    }),
  );
}

/** POST /journeys/password-login as the web client. */
export async function startLogin(base: string): Promise<Answer> {
  return answer(
    await fetch(`${base}/journeys/password-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: WEB_CLIENT }),
    }),
  );
}

interface Step {
  journeyId: string;
  callbacks: { type: string; input: { name: string; value: unknown }[] }[];
}

/** The suspended step of a 200 journey answer, its callbacks answered with alice's credentials. */
export function credentialsFor(started: Answer, password = PASSWORD): { journeyId: string; body: string } {
  if (started.status !== 200) throw new Error(`the journey start answered ${started.status}: ${started.body.slice(0, 300)}`);
  const step = JSON.parse(started.body) as Step;
  for (const callback of step.callbacks) {
    const input = callback.input[0];
    if (!input) continue;
    if (callback.type === 'NameCallback') input.value = 'alice';
    if (callback.type === 'PasswordCallback') input.value = password;
  }
  return { journeyId: step.journeyId, body: JSON.stringify({ callbacks: step.callbacks }) };
}

/** POST /journeys/:id/continue with a prepared body. */
export async function continueJourney(base: string, journeyId: string, body: string): Promise<Answer> {
  return answer(
    await fetch(`${base}/journeys/${journeyId}/continue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
  );
}

/** GET /healthz. */
export async function healthz(base: string): Promise<Answer> {
  return answer(await fetch(`${base}/healthz`));
}

/** Polls until `check` holds, at most `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A stack trace line as node prints it. */
export const STACK_LINE = /\n\s+at .+\(.+:\d+:\d+\)/;
