// Walks the admin API against a running Waymark (npm start):
//
//   node scripts/walk/admin.mjs
//
// 1. A person (alice, the demo user) signs in at Waymark's own OpenID Provider with the public
//    client waymark-admin (authorization code + PKCE, openid-client) and asks for an access
//    token for the admin API (RFC 8707 resource http://localhost:3000/admin) with the scopes
//    waymark:admin:read and waymark:admin:write.
// 2. GET /admin/v1/flows with that bearer token (RFC 6750): the flows and their active versions.
// 3. GET /admin/v1/audit-events?type=journey.ended: the sign-in of step 1 is in the audit trail.
// 4. The same list without a token: 401 with WWW-Authenticate: Bearer.
// The shipped config lets any user of the demo users file administer: it is a development demo.
// In production, admin writes also need "allowWritesInProduction" and your own issuer and clients.
import { ADMIN_APP, ADMIN_AUDIENCE, connectTo, ISSUER, runScript, signIn } from './lib.mjs';

async function getJson(path, token) {
  const res = await fetch(connectTo(`${ISSUER}${path}`), {
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

runScript(async (print) => {
  const tokens = await signIn(print, { ...ADMIN_APP, scope: 'openid waymark:admin:read waymark:admin:write', resource: ADMIN_AUDIENCE });
  const flows = await getJson('/admin/v1/flows', tokens.access_token);
  if (flows.status !== 200) throw new Error(`GET /admin/v1/flows answered ${flows.status}: ${JSON.stringify(flows.body)}`);
  const list = flows.body.flows ?? flows.body;
  print(`GET /admin/v1/flows → 200: ${list.map((f) => `${f.id}@${f.activeVersion}`).join(', ')}`);
  const audit = await getJson('/admin/v1/audit-events?type=journey.ended&outcome=success', tokens.access_token);
  if (audit.status !== 200) throw new Error(`GET /admin/v1/audit answered ${audit.status}: ${JSON.stringify(audit.body)}`);
  const mine = audit.body.events.filter((e) => e.sub === tokens.claims()?.sub);
  print(`GET /admin/v1/audit-events?type=journey.ended&outcome=success → 200: ${mine.length} sign-in(s) of ${tokens.claims()?.sub}`);
  if (mine.length === 0) throw new Error('the sign-in is not in the audit trail');
  const anonymous = await getJson('/admin/v1/flows');
  print(`GET /admin/v1/flows without a token → ${anonymous.status}, WWW-Authenticate: ${anonymous.headers.get('www-authenticate')}`);
  if (anonymous.status !== 401) throw new Error('an anonymous request was not refused');
  print('admin: ok');
});
