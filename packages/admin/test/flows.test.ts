import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { NodeRegistry, validateFlowJson } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { adminHarness, passwordLogin, READ, type AdminHarness } from './support.js';

describe('admin API: flows', () => {
  let h: AdminHarness;
  let auth: string;
  beforeEach(async () => {
    h = await adminHarness();
    auth = `Bearer ${await h.token()}`;
  });
  afterEach(() => h.close());

  const create = (body: unknown) =>
    request(h.app)
      .post('/admin/v1/flows')
      .set('Authorization', auth)
      .send(body as object);
  const update = (id: string, body: unknown, ifMatch?: string) => {
    const req = request(h.app).put(`/admin/v1/flows/${id}`).set('Authorization', auth);
    return (ifMatch !== undefined ? req.set('If-Match', ifMatch) : req).send(body as object);
  };

  it('creates a flow, lists it and answers its versions and the active one', async () => {
    const created = await create(passwordLogin());
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe('/admin/v1/flows/password-login/versions/1');
    expect(created.body).toMatchObject({ id: 'password-login', versions: [1], activeVersion: 1, latestVersion: 1, updatedBy: 'alice' });

    const list = await request(h.app).get('/admin/v1/flows').set('Authorization', auth);
    expect(list.body.flows).toEqual([
      expect.objectContaining({ id: 'password-login', versions: [1], activeVersion: 1, updatedBy: 'alice', updatedAt: expect.any(Number) }),
    ]);
    const active = await request(h.app).get('/admin/v1/flows/password-login/versions/active').set('Authorization', auth);
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ id: 'password-login', version: 1, active: true, savedBy: 'alice' });
    expect(active.body.flow.nodes.collect.type).toBe('credentials.collect');
    const missing = await request(h.app).get('/admin/v1/flows/password-login/versions/7').set('Authorization', auth);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ERR_ADMIN_NOT_FOUND');
    expect((await request(h.app).get('/admin/v1/flows/nope').set('Authorization', auth)).status).toBe(404);
  });

  it('checks flow.run calls against the flow store: a missing flow is refused (nothing saved), a saved one is fine, a call back is recursion', async () => {
    const child = (calls?: string) => ({
      id: 'check-step',
      description: 'a subflow',
      start: calls ? 'back' : 'check',
      nodes: calls
        ? { back: { type: 'flow.run', config: { flow: calls }, outcomes: { success: 'success', failure: 'failure' } } }
        : { check: { type: 'session.check', outcomes: { active: 'success', none: 'failure' } } },
    });
    const parent = {
      id: 'calls-a-step',
      description: 'runs check-step',
      start: 'step',
      nodes: { step: { type: 'flow.run', config: { flow: 'check-step' }, outcomes: { success: 'success', failure: 'failure' } } },
    };
    const early = await create(parent);
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('ERR_ADMIN_FLOW_INVALID');
    expect(early.body.problems).toEqual([
      expect.objectContaining({ code: 'ERR_FLOW_SUBFLOW_NOT_FOUND', pointer: '/nodes/step/config/flow' }),
    ]);
    expect((await request(h.app).get('/admin/v1/flows/calls-a-step').set('Authorization', auth)).status).toBe(404);

    expect((await create(child())).status).toBe(201);
    expect((await create(parent)).status).toBe(201);
    // check-step v2 would call calls-a-step, which calls check-step: a cycle, refused before anything is saved.
    const cycle = await update('check-step', { ...child('calls-a-step'), version: 2 });
    expect(cycle.status).toBe(400);
    expect(cycle.body.problems).toEqual([expect.objectContaining({ code: 'ERR_FLOW_RECURSION' })]);
    const valid = await request(h.app)
      .post('/admin/v1/flows/validate')
      .set('Authorization', auth)
      .send({ ...child('calls-a-step'), version: 2 });
    expect(valid.body).toMatchObject({ valid: false, problems: [expect.objectContaining({ code: 'ERR_FLOW_RECURSION' })] });
  });

  it('validates a body with the problems `waymark validate` reports (code, pointer, message), saving nothing', async () => {
    const broken = passwordLogin();
    (broken.nodes as Record<string, { type: string }>).verify!.type = 'credentials.verfy';
    const text = `${JSON.stringify(broken).slice(0, -1)},"start":"collect"}`; // a duplicate key too
    const res = await request(h.app)
      .post('/admin/v1/flows/validate')
      .set('Authorization', `Bearer ${await h.token(READ)}`)
      .set('Content-Type', 'application/json')
      .send(text);
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    const expected = validateFlowJson(text, registryOf());
    expect(expected.ok).toBe(false);
    expect(res.body.problems).toEqual(expected.ok ? [] : expected.problems);
    expect(res.body.problems.map((p: { code: string }) => p.code)).toEqual(
      expect.arrayContaining(['ERR_FLOW_UNKNOWN_TYPE', 'ERR_FLOW_DUPLICATE_KEY']),
    );
    const ok = await request(h.app).post('/admin/v1/flows/validate').set('Authorization', auth).send(passwordLogin());
    expect(ok.body).toEqual({ valid: true, problems: [] });
    expect(await h.stores.flows.list()).toEqual([]);
  });

  it("validates a flow's variable references with the engine's variables", async () => {
    const withVar = passwordLogin();
    (withVar.nodes as Record<string, { config: Record<string, unknown> }>).verify!.config = { maxAttempts: { $var: 'maxAttempts' } };
    const bare = await request(h.app).post('/admin/v1/flows/validate').set('Authorization', auth).send(withVar);
    expect(bare.body.problems).toEqual([
      expect.objectContaining({ code: 'ERR_FLOW_VARIABLE', pointer: '/nodes/verify/config/maxAttempts' }),
    ]);
    const v = await adminHarness({ variables: { maxAttempts: 3 } });
    try {
      const ok = await request(v.app)
        .post('/admin/v1/flows/validate')
        .set('Authorization', `Bearer ${await v.token(READ)}`)
        .send(withVar);
      expect(ok.body).toEqual({ valid: true, problems: [] });
    } finally {
      await v.close();
    }
  });

  it('refuses an invalid flow with 400 and its problems, saves nothing, and audits the refusal', async () => {
    const broken = passwordLogin();
    (broken.nodes as Record<string, { outcomes: Record<string, string> }>).collect!.outcomes = { collected: 'nowhere' };
    const res = await create(broken);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_ADMIN_FLOW_INVALID');
    expect(res.body.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'ERR_FLOW_UNKNOWN_TARGET', pointer: '/nodes/collect/outcomes/collected' })]),
    );
    expect(await h.stores.flows.list()).toEqual([]);
    expect(h.events).toEqual([
      expect.objectContaining({
        type: 'admin.change',
        action: 'flow.create',
        outcome: 'refused',
        code: 'ERR_ADMIN_FLOW_INVALID',
        actor: 'alice (client admin-console)',
      }),
    ]);

    // An invalid new version leaves the saved one as it was.
    await create(passwordLogin());
    const worse = await update('password-login', { ...passwordLogin(), version: 2, start: 'absent' });
    expect(worse.status).toBe(400);
    expect((await h.stores.flows.entry('password-login'))?.versions).toEqual([1]);
  });

  it('saves new versions (the next one when left out), keeps the earlier ones, and audits each change with its target', async () => {
    await create(passwordLogin());
    const { version: _v, ...withoutVersion } = passwordLogin();
    const second = await update('password-login', { ...withoutVersion, description: 'second' }, '"1"');
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ versions: [1, 2], activeVersion: 2, version: 2 });
    const first = await request(h.app).get('/admin/v1/flows/password-login/versions/1').set('Authorization', auth);
    expect(first.body).toMatchObject({ version: 1, active: false });
    expect(first.body.flow.description).toBe('Username and password against the file user store.');
    expect(h.events.map((e) => [e.action, e.target, e.outcome])).toEqual([
      ['flow.create', 'flow:password-login@1', 'success'],
      ['flow.update', 'flow:password-login@2', 'success'],
    ]);
    // A version that exists already: 409.
    const stale = await update('password-login', { ...passwordLogin(), version: 2 });
    expect(stale.status).toBe(409);
    // The id in the body must be the one in the path.
    const other = await update('password-login', { ...passwordLogin(), id: 'other', version: 3 });
    expect(other.status).toBe(400);
    expect(other.body.error_description).toContain('id');
  });

  it('of two concurrent updates from the same read, one wins and the other gets 409 (If-Match or expectedVersion)', async () => {
    await create(passwordLogin());
    const a = { ...passwordLogin(), version: undefined, description: 'writer A' };
    const b = { ...passwordLogin(), version: undefined, description: 'writer B', expectedVersion: 1 };
    const [ra, rb] = await Promise.all([update('password-login', a, '"1"'), update('password-login', b)]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(loser.body.code).toBe('ERR_ADMIN_CONFLICT');
    expect((await h.stores.flows.entry('password-login'))?.versions).toEqual([1, 2]);
    const saved = await h.stores.flows.getVersion('password-login', 2);
    expect(saved?.flow).not.toHaveProperty('expectedVersion');
    // If-Match naming an old version is a conflict too, and a malformed one a 400.
    expect((await update('password-login', a, '"1"')).status).toBe(409);
    expect((await update('password-login', a, 'W/"2"')).status).toBe(400);
  });

  it('activates a version and rolls back to the one before, compare-and-set on the active version', async () => {
    await create(passwordLogin());
    await update('password-login', { ...passwordLogin(), version: 2 });
    await update('password-login', { ...passwordLogin(), version: 3 });
    const rolled = await request(h.app).post('/admin/v1/flows/password-login/rollback').set('Authorization', auth).send({});
    expect(rolled.status).toBe(200);
    expect(rolled.body.activeVersion).toBe(2);
    const activated = await request(h.app)
      .post('/admin/v1/flows/password-login/versions/3/activate')
      .set('Authorization', auth)
      .send({ expectedActiveVersion: 2 });
    expect(activated.body.activeVersion).toBe(3);
    const lost = await request(h.app)
      .post('/admin/v1/flows/password-login/versions/1/activate')
      .set('Authorization', auth)
      .send({ expectedActiveVersion: 2 });
    expect(lost.status).toBe(409);
    const missing = await request(h.app).post('/admin/v1/flows/password-login/versions/9/activate').set('Authorization', auth).send({});
    expect(missing.status).toBe(404);
    expect(
      h.events.filter((e) => e.action !== 'flow.create' && e.action !== 'flow.update').map((e) => [e.action, e.target, e.outcome]),
    ).toEqual([
      ['flow.rollback', 'flow:password-login@2', 'success'],
      ['flow.activate', 'flow:password-login@3', 'success'],
      ['flow.activate', 'flow:password-login@1', 'refused'],
      ['flow.activate', 'flow:password-login@9', 'refused'],
    ]);
  });

  it('refuses a second create of the same id and a body that is not a flow', async () => {
    await create(passwordLogin());
    expect((await create(passwordLogin())).status).toBe(409);
    const notJson = await request(h.app)
      .post('/admin/v1/flows')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"id": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('ERR_ADMIN_FLOW_INVALID');
    const tooBig = await request(h.app)
      .post('/admin/v1/flows')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(`"${'x'.repeat(300 * 1024)}"`);
    expect(tooBig.status).toBe(413);
    expect(tooBig.text).not.toContain('at ');
  });
});

function registryOf(): NodeRegistry {
  const registry = new NodeRegistry();
  registry.registerAll(builtinNodes, 'builtin');
  return registry;
}
