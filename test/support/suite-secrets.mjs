// The secrets the test suite uses (fixture passwords, client secrets, TOTP seeds, the shipped
// demo secret), and the scan that looks for them and for tokens in what the suite produced.
// Used by secret-scan.ts (the tap in every test file) and global-teardown.mjs (the scan at the
// end of every run): no audit event, journey record or log line of the whole suite may carry one
// (issue #14: "a test scans every audit event and log line the whole suite produces").

/** Secrets the suite's fixtures and tests hand to Waymark. Add a test's new secret here. */
export const SUITE_SECRETS = Object.freeze([
  'correct horse battery staple',
  'pw-7Hq2-never-printed',
  '!!_SeCu4E@Pa55w04D$',
  '!!_Adm1nSeCu4E@Pa55w04D$',
  'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  'a-very-long-client-secret-of-at-least-32-chars',
  'profile-app-secret-0123456789abcdef',
  'a-configured-secret-of-at-least-32-characters',
  'sécret:with/special+chars&more-than-32-characters',
  'web-app-secret-that-is-long-enough-0123456789',
  'payments-pep-secret-long-enough-0123456789',
  'S3cret-value-that-is-at-least-32-characters-long',
  'payments-api-demo-secret-of-at-least-32-chars',
  'hunter2-vault-secret',
  'evil-own-secret-7f3a',
]);

/* A compact JWS or JWE (RFC 7515 §7.1, RFC 7516 §7.1): a token, whatever issued it. */
const TOKEN = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/**
 * What a captured record leaks, if anything: the secret it contains, or "a token".
 * @param {string} text
 * @returns {string | undefined}
 */
export function leakIn(text) {
  for (const secret of SUITE_SECRETS) if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))) return secret;
  const token = TOKEN.exec(text);
  return token ? `a token (${token[0].slice(0, 16)}…)` : undefined;
}
