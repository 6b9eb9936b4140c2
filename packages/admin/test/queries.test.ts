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
