// Walks remember-me with risk (flows/remember-me.json) through the JSON journey API against a
// running Waymark (npm start with WAYMARK_SECRET_REMEMBER_ME_KEY set: the cookie key):
//
//   node scripts/walk/remember-me.mjs
//
// 1. A browser with no cookie: username and password, the risk is LOW, the persistent cookie
//    __Host-waymark-remember is set.
// 2. The same browser again: the cookie is valid and the risk LOW: signed in, no password asked.
// 3. The same cookie from a bot user agent: BOT_MITIGATION: the cookie is removed, the risk is
//    shown and the password asked again; the login proceeds without a new cookie.
import { ALICE, Browser, FIREFOX, ISSUER, connectTo, runScript } from './lib.mjs';

const REMEMBER = '__Host-waymark-remember';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** One journey: the callbacks answered (alice's credentials, messages acknowledged). */
async function visit(browser) {
  const seen = { askedPassword: false, messages: [], set: [], cleared: [] };
  const post = async (path, body) => {
    const res = await browser.request(connectTo(`${ISSUER}${path}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    seen.set.push(...res.cookieChanges.set);
    seen.cleared.push(...res.cookieChanges.cleared);
    return { status: res.status, body: await res.json() };
  };
  let step = await post('/journeys/remember-me', { client_id: 'web-app' });
  for (let turn = 0; step.status === 200 && step.body.callbacks; turn++) {
    if (turn > 10) throw new Error('too many steps');
    const callbacks = step.body.callbacks.map((cb) => {
      if (cb.type === 'TextOutputCallback') seen.messages.push(String(cb.output.find((o) => o.name === 'message')?.value));
      if (cb.type === 'PasswordCallback') seen.askedPassword = true;
      const value = cb.type === 'NameCallback' ? ALICE.username : cb.type === 'PasswordCallback' ? ALICE.password : undefined;
      return value === undefined ? cb : { ...cb, input: cb.input.map((f) => ({ ...f, value })) };
    });
    step = await post(`/journeys/${step.body.journeyId}/continue`, { callbacks });
  }
  return { ...seen, status: step.body?.status ?? `HTTP ${step.status}` };
}

runScript(async (print) => {
  const browser = new Browser(FIREFOX);
  const first = await visit(browser);
  print(`1. no cookie: password asked ${first.askedPassword}, ${first.status}, set ${[...new Set(first.set)].join(', ') || 'nothing'}`);
  if (first.status !== 'success' || !first.askedPassword) throw new Error('the first sign-in did not succeed with the password');
  if (!browser.cookies.has(REMEMBER))
    throw new Error(`${REMEMBER} was not set: start the server with WAYMARK_SECRET_REMEMBER_ME_KEY (32 random bytes, base64url)`);

  const second = await visit(browser);
  print(`2. remembered, risk LOW: password asked ${second.askedPassword}, ${second.status}`);
  if (second.status !== 'success' || second.askedPassword) throw new Error('the remembered browser was not signed in silently');

  browser.userAgent = BOT;
  const third = await visit(browser);
  print(
    `3. same cookie, bot user agent: cleared ${[...new Set(third.cleared)].join(', ') || 'nothing'}; shown: ${third.messages[0] ?? '(none)'}`,
  );
  print(`   password asked ${third.askedPassword}, ${third.status}, remembered again: ${browser.cookies.has(REMEMBER)}`);
  if (!third.cleared.includes(REMEMBER) || !third.askedPassword || browser.cookies.has(REMEMBER))
    throw new Error('the risky visit kept the cookie');
  print('remember-me: ok');
});
