import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { AuditEvent, JourneyRecord } from '@waymark/sdk';
import { adminHarness, READ, type AdminHarness } from './support.js';

/* Times within the journey log's retention: a minute ago, plus offsets. */
const T = Date.now() - 60_000;

const journey = (id: string, over: Partial<JourneyRecord> = {}): JourneyRecord => ({
  id,
  flowId: 'password-login',
  flowVersion: 1,
  status: 'success',
  client_id: 'web-app',
  sub: 'alice',
  requestId: `req-${id}`,
  startedAt: T + 1000,
  updatedAt: T + 2000,
  endedAt: T + 2000,
  trace: [
    { node: 'collect', type: 'credentials.collect', outcome: 'collected', ms: 1 },
    { node: 'verify', type: 'credentials.verify', outcome: 'valid', ms: 3 },
  ],
  ...over,
});

const event = (n: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  id: `e${n}`,
  time: 1000 + n,
  type: 'journey.ended',
  requestId: `req-${n}`,
  sub: n % 2 === 0 ? 'alice' : 'bob',
  client_id: 'web-app',
  outcome: n % 3 === 0 ? 'failure' : 'success',
  ...over,
});

describe('admin API: node types, journeys, audit events', () => {
  let h: AdminHarness;
  let auth: string;
  beforeAll(async () => {
    h = await adminHarness();
    auth = `Bearer ${await h.token(READ)}`;
    await h.stores.journeyLog.record(journey('j1'));
    await h.stores.journeyLog.record(
      journey('j2', {
        status: 'failure',
        code: 'ERR_JOURNEY_FAILED',
        sub: 'bob',
        startedAt: T + 5000,
        updatedAt: T + 6000,
        endedAt: T + 6000,
      }),
    );
    // A store that kept more than the contract names: the API answers the contract's fields only.
    await h.stores.journeyLog.record({ ...journey('j3', { status: 'live', endedAt: undefined }), password: 'hunter2' } as JourneyRecord);
    for (let n = 1; n <= 7; n++) await h.stores.audit.append(event(n));
  });
  afterAll(() => h.close());
  const get = (path: string) => request(h.app).get(`/admin/v1${path}`).set('Authorization', auth);

  it('lists the node types with config schema, outcomes, callbacks, package and version', async () => {
    const res = await get('/node-types');
    expect(res.status).toBe(200);
    const collect = res.body.nodeTypes.find((t: { type: string }) => t.type === 'credentials.collect');
    expect(collect).toMatchObject({
      type: 'credentials.collect',
      version: 1,
      description: expect.any(String),
      config: expect.objectContaining({ type: 'object' }),
      outcomes: ['collected'],
      implicitOutcomes: ['error', 'timeout'],
      callbacks: expect.arrayContaining(['NameCallback', 'PasswordCallback']),
      package: '@waymark/nodes',
      packageVersion: '0.1.0',
    });
    const one = await get('/node-types/credentials.collect');
    expect(one.body).toEqual(collect);
    expect((await get('/node-types/acme.nothing')).status).toBe(404);
  });

  it('queries journeys by flow, client, subject, status, code and time, and answers one with its trace', async () => {
    const failures = await get('/journeys?status=failure&code=ERR_JOURNEY_FAILED');
    expect(failures.body.journeys.map((j: { id: string }) => j.id)).toEqual(['j2']);
    expect(failures.body.journeys[0]).toMatchObject({ sub: 'bob', steps: 2 });
    expect((await get('/journeys?sub=alice&client_id=web-app&flow=password-login')).body.journeys.map((j: { id: string }) => j.id)).toEqual(
      ['j1', 'j3'],
    );
    expect((await get(`/journeys?from=${T + 5500}`)).body.journeys.map((j: { id: string }) => j.id)).toEqual(['j2']);
    expect((await get(`/journeys?to=${new Date(T + 4000).toISOString()}`)).body.journeys.map((j: { id: string }) => j.id)).toEqual([
      'j1',
      'j3',
    ]);
    const one = await get('/journeys/j3');
    expect(one.body).toMatchObject({ id: 'j3', status: 'live', trace: [{ node: 'collect' }, { node: 'verify' }] });
    expect(one.text).not.toContain('hunter2');
    expect((await get('/journeys/zzz')).status).toBe(404);
  });

  it('refuses a malformed query parameter naming it', async () => {
    for (const [query, field] of [
      ['status=done', 'status'],
      ['from=yesterday', 'from'],
      ['limit=0', 'limit'],
      ['colour=red', 'colour'],
    ]) {
      const res = await get(`/journeys?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'ERR_ADMIN_BAD_REQUEST' });
      expect(res.body.error_description.startsWith(`${field}:`)).toBe(true);
    }
  });

  it('queries audit events by type, subject, client, outcome, request id and time, a page at a time', async () => {
    const first = await get('/audit-events?limit=3');
    expect(first.body.events.map((e: AuditEvent) => e.id)).toEqual(['e1', 'e2', 'e3']);
    const second = await get(`/audit-events?limit=3&cursor=${first.body.next}`);
    expect(second.body.events.map((e: AuditEvent) => e.id)).toEqual(['e4', 'e5', 'e6']);
    const third = await get(`/audit-events?limit=3&cursor=${second.body.next}`);
    expect(third.body).toEqual({ events: [expect.objectContaining({ id: 'e7' })] });
    expect((await get('/audit-events?sub=alice&outcome=failure')).body.events.map((e: AuditEvent) => e.id)).toEqual(['e6']);
    expect((await get('/audit-events?request_id=req-4')).body.events.map((e: AuditEvent) => e.id)).toEqual(['e4']);
    expect(
      (await get('/audit-events?from=1003&to=1005&client_id=web-app&type=journey.ended')).body.events.map((e: AuditEvent) => e.id),
    ).toEqual(['e3', 'e4']);
    expect((await get('/audit-events?type=nonsense')).status).toBe(400);
  });
});

describe('admin API: a flow funnel from the journey log', () => {
  let h: AdminHarness;
  let auth: string;
  const step = (node: string, type: string, outcome: string, code?: string) => ({ node, type, outcome, ms: 1, ...(code ? { code } : {}) });
  beforeAll(async () => {
    h = await adminHarness();
    auth = `Bearer ${await h.token(READ)}`;
    const at = (n: number) => ({ startedAt: T + n, updatedAt: T + n, endedAt: T + n });
    await h.stores.journeyLog.record(
      journey('r1', {
        flowId: 'remember-me',
        ...at(1000),
        trace: [step('check', 'device.check', 'remembered'), step('go', 'redirect', 'done')],
      }),
    );
    await h.stores.journeyLog.record(
      journey('r2', {
        flowId: 'remember-me',
        flowVersion: 2,
        status: 'failure',
        ...at(2000),
        trace: [step('check', 'device.check', 'not_remembered'), step('risk', 'risk.evaluate', 'error', 'ERR_RISK_UNAVAILABLE')],
      }),
    );
    await h.stores.journeyLog.record(
      journey('r3', {
        flowId: 'remember-me',
        flowVersion: 2,
        ...at(3000),
        trace: [
          step('check', 'device.check', 'not_remembered'),
          step('otp', 'otp.verify', 'retry'),
          step('otp', 'otp.verify', 'valid'),
          step('go', 'redirect', 'done'),
        ],
      }),
    );
    await h.stores.journeyLog.record(journey('other', { ...at(1500) }));
  });
  afterAll(() => h.close());
  const get = (path: string) => request(h.app).get(`/admin/v1${path}`).set('Authorization', auth);

  it('counts per node the journeys that reached it and the outcomes taken, in first-reached order, for one flow only', async () => {
    const res = await get('/flows/remember-me/funnel');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      flowId: 'remember-me',
      journeys: 3,
      statuses: { live: 0, success: 2, failure: 1 },
      nodes: [
        { node: 'check', type: 'device.check', reached: 3, outcomes: { remembered: 1, not_remembered: 2 } },
        { node: 'go', type: 'redirect', reached: 2, outcomes: { done: 2 } },
        { node: 'risk', type: 'risk.evaluate', reached: 1, outcomes: { error: 1 }, codes: { ERR_RISK_UNAVAILABLE: 1 } },
        // Run twice in one journey: reached once, both outcomes counted.
        { node: 'otp', type: 'otp.verify', reached: 1, outcomes: { retry: 1, valid: 1 } },
      ],
      truncated: false,
    });
  });

  it('narrows the funnel to a time window and a flow version, and refuses a malformed version', async () => {
    const windowed = await get(`/flows/remember-me/funnel?from=${T + 1500}&version=2`);
    expect(windowed.body).toMatchObject({ journeys: 2, version: 2, from: T + 1500, statuses: { success: 1, failure: 1 } });
    expect(windowed.body.nodes.map((n: { node: string }) => n.node)).toEqual(['check', 'risk', 'otp', 'go']);
    expect((await get(`/flows/remember-me/funnel?to=${T + 1200}`)).body).toMatchObject({ journeys: 1 });
    const bad = await get('/flows/remember-me/funnel?version=two');
    expect(bad.status).toBe(400);
    expect(bad.body.error_description.startsWith('version:')).toBe(true);
    expect((await get('/flows/nothing-here/funnel')).body).toMatchObject({ journeys: 0, nodes: [] });
  });
});

describe('admin API: a journey with a subflow', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness();
  });
  afterAll(() => h.close());

  it('answers the flow.run step with the child trace nested under it, the contract fields only at every level', async () => {
    const inner = { node: 'collect', type: 'credentials.collect', outcome: 'collected', ms: 1, password: 'hunter2' };
    await h.stores.journeyLog.record(
      journey('sub1', {
        trace: [
          {
            node: 'signIn',
            type: 'flow.run',
            outcome: 'success',
            ms: 4,
            subflow: { flowId: 'sign-in', flowVersion: 2, trace: [inner], extra: 'dropped' },
          } as JourneyRecord['trace'][number],
        ],
      }),
    );
    const res = await request(h.app)
      .get('/admin/v1/journeys/sub1')
      .set('Authorization', `Bearer ${await h.token(READ)}`);
    expect(res.status).toBe(200);
    expect(res.body.trace).toEqual([
      {
        node: 'signIn',
        type: 'flow.run',
        outcome: 'success',
        ms: 4,
        subflow: { flowId: 'sign-in', flowVersion: 2, trace: [{ node: 'collect', type: 'credentials.collect', outcome: 'collected', ms: 1 }] },
      },
    ]);
  });
});
