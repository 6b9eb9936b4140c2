// The article's REST sequence, step by step. `print` receives each line.
import { generateTotp } from '@waymark/nodes';
import { APP_CLIENT_ID, POLICY_USER } from './payments.mjs';

const RULE = '*********************';

async function post(url, { headers = {}, body } = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * Plays the sequence against a started payments server, all over HTTP: sign-in runs the
 * password-login journey through the journey JSON API (AIC /json/authenticate style).
 */
export async function runDemo({ baseUrl, clock = { now: () => Date.now() }, print = console.log }) {
  print(RULE);
  print(`Creating end-user SSO token for user: ${POLICY_USER.username} (POST /journeys/password-login)`);
  const step = await post(`${baseUrl}/journeys/password-login`, { body: { client_id: APP_CLIENT_ID } });
  const filled = step.body.callbacks.map((cb) => ({ ...cb, input: cb.input.map((f) => ({ ...f, value: cb.type === 'NameCallback' ? POLICY_USER.username : POLICY_USER.password })) }));
  const login = await post(`${baseUrl}/journeys/${step.body.journeyId}/continue`, { body: { callbacks: filled } });
  if (login.body?.status !== 'success' || !login.body.sessionId) throw new Error(`sign-in failed: HTTP ${login.status}`);
  const sso = login.body.sessionId;
  print(`End-user SSO token is: ${sso.slice(0, 10)}...`);

  print(RULE);
  print(`Calling the payment API: POST ${baseUrl}/makepayment`);
  const first = await post(`${baseUrl}/makepayment`, { headers: { 'x-session-id': sso } });
  print(`HTTP ${first.status}`);
  print(`WWW-Authenticate: ${first.headers.get('www-authenticate')}`);
  const txId = first.body.advices.TransactionConditionAdvice[0];
  print(`Transaction Condition Advice Id is: ${txId}`);

  print(RULE);
  print(`Calling the step-up endpoint with Transaction Condition Advice Id: ${txId} to get callbacks`);
  const started = await post(`${baseUrl}/policies/transactions/${txId}/stepup`, { body: { ssoToken: sso } });
  print(JSON.stringify(started.body.callbacks.map((cb) => cb.type)));

  print(RULE);
  print('Completing callbacks for submission (TOTP code from the enrolled authenticator)');
  const code = await generateTotp({ secret: POLICY_USER.totpSecret, epoch: Math.floor(clock.now() / 1000) });
  const callbacks = started.body.callbacks.map((cb) => (cb.type === 'TextInputCallback' ? { ...cb, input: cb.input.map((f) => ({ ...f, value: code })) } : cb));
  print('Completed callback payload:');
  print(JSON.stringify({ journeyId: `${started.body.journeyId.slice(0, 10)}...`, callbacks }, null, 2));

  print(RULE);
  print('Calling the step-up endpoint with the advice and completed callbacks');
  const done = await post(`${baseUrl}/policies/transactions/${txId}/stepup/continue`, { body: { ssoToken: sso, journeyId: started.body.journeyId, callbacks } });
  print(JSON.stringify(done.body, null, 2));

  print(RULE);
  print(`Finally, calling the payment API after the transactional step-up with Transaction Condition Advice Id of: ${txId}`);
  const paid = await post(`${baseUrl}/makepayment`, { headers: { 'x-session-id': sso, 'x-transaction-id': txId } });
  print(`HTTP ${paid.status}`);
  print(JSON.stringify(paid.body.decision, null, 2));

  print(RULE);
  print(`Replaying the same payment with Transaction Condition Advice Id of: ${txId}`);
  const replay = await post(`${baseUrl}/makepayment`, { headers: { 'x-session-id': sso, 'x-transaction-id': txId } });
  print(`HTTP ${replay.status}: ${replay.body.error} (new Transaction Condition Advice Id: ${replay.body.txId})`);
  print(RULE);
  return { txId, first, done, paid, replay };
}
