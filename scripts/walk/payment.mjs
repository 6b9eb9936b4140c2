// Walks transactional authorization (the REST sequence of Ping's "Securing High-Risk Actions")
// against a running Waymark (npm start):
//
//   node scripts/walk/payment.mjs
//
// 1. alice signs in through the journey JSON API (the login flow, client web-app): her session
//    id is the article's SSO token.
// 2. The payment API (the service client payments-api, client_secret_basic) asks
//    POST /policies/evaluate for POST https://api.bankingexample.com:443/makepayment: no
//    decision yet, the advice TransactionConditionAdvice carries a transaction id.
// 3. The step-up journey (flows/transactional-stepup.json) runs for that transaction:
//    POST /policies/transactions/:txId/stepup, then …/stepup/continue with alice's TOTP code.
// 4. The evaluation again, with environment.TxId: POST allowed, once.
// 5. The same evaluation once more: denied, a new advice (the transaction was used).
import { generateTotp } from '@waymark/nodes';
import { ALICE, postJson, runScript } from './lib.mjs';

const RESOURCE = 'https://api.bankingexample.com:443/makepayment';
const PEP = { id: 'payments-api', secret: 'payments-api-demo-secret-of-at-least-32-chars' };
const basic = `Basic ${Buffer.from(`${encodeURIComponent(PEP.id)}:${encodeURIComponent(PEP.secret)}`).toString('base64')}`;

const evaluate = (subject, environment = {}) =>
  postJson(
    '/policies/evaluate',
    { resources: [RESOURCE], application: 'transactionalAuthZ', subject, environment },
    { authorization: basic },
  );

runScript(async (print) => {
  const step = await postJson('/journeys/login', { client_id: 'web-app' });
  const filled = step.body.callbacks.map((cb) => ({
    ...cb,
    input: cb.input.map((f) => ({ ...f, value: cb.type === 'NameCallback' ? ALICE.username : ALICE.password })),
  }));
  const login = await postJson(`/journeys/${step.body.journeyId}/continue`, { callbacks: filled });
  if (login.body?.status !== 'success' || !login.body.sessionId) throw new Error(`sign-in failed: HTTP ${login.status}`);
  const ssoToken = login.body.sessionId;
  print(`1. alice signed in (POST /journeys/login): SSO token ${ssoToken.slice(0, 8)}…`);

  const first = await evaluate({ ssoToken });
  const txId = first.body?.[0]?.advices?.TransactionConditionAdvice?.[0];
  if (first.status !== 200 || first.body[0].actions.POST === true || !txId)
    throw new Error(`evaluate answered ${first.status} ${JSON.stringify(first.body)}`);
  print(`2. POST /policies/evaluate → actions ${JSON.stringify(first.body[0].actions)}, TransactionConditionAdvice ${txId.slice(0, 8)}…`);

  const started = await postJson(`/policies/transactions/${txId}/stepup`, { ssoToken });
  if (started.status !== 200) throw new Error(`step-up start answered ${started.status} ${JSON.stringify(started.body)}`);
  const code = await generateTotp({ secret: ALICE.totpSecret, epoch: Math.floor(Date.now() / 1000) });
  const callbacks = started.body.callbacks.map((cb) =>
    cb.type === 'TextInputCallback' ? { ...cb, input: cb.input.map((f) => ({ ...f, value: code })) } : cb,
  );
  const done = await postJson(`/policies/transactions/${txId}/stepup/continue`, { ssoToken, journeyId: started.body.journeyId, callbacks });
  if (done.body?.status !== 'success') throw new Error(`step-up answered ${done.status} ${JSON.stringify(done.body)}`);
  print(`3. step-up journey (${started.body.callbacks.map((cb) => cb.type).join(', ')}) answered with the TOTP code → ${done.body.status}`);

  const allowed = await evaluate({ ssoToken }, { TxId: [txId] });
  if (allowed.body?.[0]?.actions?.POST !== true) throw new Error(`the re-evaluation did not allow: ${JSON.stringify(allowed.body)}`);
  print(`4. POST /policies/evaluate with TxId → ${JSON.stringify(allowed.body[0])}`);

  const replay = await evaluate({ ssoToken }, { TxId: [txId] });
  const fresh = replay.body?.[0]?.advices?.TransactionConditionAdvice?.[0];
  if (replay.body?.[0]?.actions?.POST === true || !fresh || fresh === txId)
    throw new Error(`the used transaction allowed again: ${JSON.stringify(replay.body)}`);
  print(`5. the same TxId again → actions ${JSON.stringify(replay.body[0].actions)}, a new advice ${fresh.slice(0, 8)}… (allowed once)`);
  print('payment: ok');
});
