import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Response } from 'supertest';
import { adminHarness, passwordLogin, SECRET, webClient, type AdminHarness } from './support.js';

describe('admin API: clients', () => {
  let h: AdminHarness;
  let auth: string;
  /** Every answer of the test, to scan for secrets. */
  let answers: Response[];
  beforeEach(async () => {
    h = await adminHarness();
    auth = `Bearer ${await h.token()}`;
    answers = [];
    await request(h.app).post('/admin/v1/flows').set('Authorization', auth).send(passwordLogin());
  });
  afterEach(() => h.close());

  const kept = async (res: Promise<Response>) => {
    const r = await res;
    answers.push(r);
    return r;
  };
  const get = (path: string) => kept(request(h.app).get(`/admin/v1${path}`).set('Authorization', auth));
  const send = (method: 'post' | 'put' | 'delete', path: string, body: object = {}, ifMatch?: string) => {
    const req = request(h.app)[method](`/admin/v1${path}`).set('Authorization', auth);
    return kept((ifMatch !== undefined ? req.set('If-Match', ifMatch) : req).send(body));
  };
  /** No answer ever carries a secret: neither in a body nor in a header. */
  const noSecretIn = (secrets: string[]) => {
    for (const r of answers) for (const s of secrets) expect(`${JSON.stringify(r.headers)}${r.text}`).not.toContain(s);
  };

  it('creates a client, never answers its secret, and says whether one is set and since when', async () => {
    const created = await send('post', '/clients', webClient());
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toMatchObject({
      client_id: 'web-app',
      enabled: true,
      has_secret: true,
      secret_set_at: expect.any(Number),
      revision: 1,
      updatedBy: 'alice',
    });
    expect(created.body.config).not.toHaveProperty('client_secret');
    expect((await h.stores.clients.get('web-app'))?.secret).toBe(SECRET);
    expect((await h.stores.clients.get('web-app'))?.config).not.toHaveProperty('client_secret');
    await get('/clients');
    await get('/clients/web-app');
    // A replacement without the secret keeps it.
    const { client_secret: _s, ...withoutSecret } = webClient({ name: 'Web app' });
    const replaced = await send('put', '/clients/web-app', withoutSecret, '"1"');
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ revision: 2, has_secret: true, config: { name: 'Web app' } });
    expect((await h.stores.clients.get('web-app'))?.secret).toBe(SECRET);
    // Its audit events name no secret either.
    expect(JSON.stringify(h.events)).not.toContain(SECRET);
    expect(h.events.map((e) => [e.action, e.target, e.outcome])).toEqual([
      ['flow.create', 'flow:password-login@1', 'success'],
      ['client.create', 'client:web-app', 'success'],
      ['client.update', 'client:web-app', 'success'],
    ]);
    noSecretIn([SECRET]);
  });

  it('refuses an unknown field with 400 naming it, as start-up does, and saves nothing', async () => {
    const res = await send('post', '/clients', webClient({ colour: 'red' }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_ADMIN_CLIENT_INVALID');
    expect(res.body.problems).toEqual([expect.objectContaining({ pointer: '/colour' })]);
    expect(res.body.problems[0].message).toMatch(/colour/);
    expect(await h.stores.clients.list()).toEqual([]);
  });

  it('checks the rules and the flows as start-up does: a short secret (without echoing it), a flow not in the store', async () => {
    const short = 'too-short-secret';
    const res = await send('post', '/clients', webClient({ client_secret: short }));
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ pointer: '/client_secret', message: expect.stringContaining('32') })]);
    const flows = await send('post', '/clients', webClient({ allowed_flows: ['password-login', 'nope'] }));
    expect(flows.status).toBe(400);
    expect(flows.body.problems).toEqual([expect.objectContaining({ pointer: '/allowed_flows/1' })]);
    const rules = await send('post', '/clients', webClient({ type: 'native' }));
    expect(rules.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/token_endpoint_auth_method' })]));
    noSecretIn([short, SECRET]);
  });

  it('rotates a secret: a generated one is answered once, a given one never', async () => {
    await send('post', '/clients', webClient());
    const rotated = await send('post', '/clients/web-app/secret', {}, '"1"');
    expect(rotated.status).toBe(200);
    const generated = rotated.body.client_secret as string;
    expect(generated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await h.stores.clients.get('web-app'))?.secret).toBe(generated);
    expect(rotated.body.revision).toBe(2);
    const after = await get('/clients/web-app');
    expect(after.text).not.toContain(generated);
    const chosen = 'an-operator-chosen-secret-of-40-characters';
    const given = await send('post', '/clients/web-app/secret', { client_secret: chosen });
    expect(given.status).toBe(200);
    expect(given.body).not.toHaveProperty('client_secret');
    expect((await h.stores.clients.get('web-app'))?.secret).toBe(chosen);
    // Only secret clients have one.
    await send('post', '/clients', {
      client_id: 'spa',
      type: 'spa',
      token_endpoint_auth_method: 'none',
      allowed_flows: ['password-login'],
    });
    expect((await send('post', '/clients/spa/secret', {})).status).toBe(400);
    answers = answers.filter((r) => r !== rotated);
    noSecretIn([SECRET, generated, chosen]);
  });

  it('enables, disables and deletes, compare-and-set on the revision: of two concurrent changes one gets 409', async () => {
    await send('post', '/clients', webClient());
    const [a, b] = await Promise.all([
      send('post', '/clients/web-app/disable', {}, '"1"'),
      send('put', '/clients/web-app', webClient({ name: 'B' }), '"1"'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body.code).toBe('ERR_ADMIN_CONFLICT');
    expect((await h.stores.clients.get('web-app'))?.revision).toBe(2);
    const disabled = await send('post', '/clients/web-app/disable', { expectedRevision: 2 });
    expect(disabled.body).toMatchObject({ enabled: false, revision: 3 });
    const enabled = await send('post', '/clients/web-app/enable', {});
    expect(enabled.body.enabled).toBe(true);
    expect((await send('delete', '/clients/web-app', {}, '"1"')).status).toBe(409);
    const deleted = await send('delete', '/clients/web-app', {}, '"4"');
    expect(deleted.status).toBe(204);
    expect((await get('/clients/web-app')).status).toBe(404);
    expect((await send('post', '/clients', webClient({ client_id: 'x' }))).status).toBe(201);
    expect((await send('post', '/clients', webClient({ client_id: 'x' }))).status).toBe(409);
    noSecretIn([SECRET]);
  });
});
