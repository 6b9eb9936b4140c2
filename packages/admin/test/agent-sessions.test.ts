import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { adminHarness, passwordLogin, READ, type AdminHarness } from './support.js';

/*
 * What an agent's MCP server needs from the admin API: its session id and transaction id land
 * in the audit trail (admin.change, and admin.access for its reads), and the server says its
 * mode before anything is changed.
 */

let h: AdminHarness;
beforeAll(async () => {
  h = await adminHarness();
});
afterAll(() => h.close());

describe('admin API: agent sessions', () => {
  it('records a read made in a session as admin.access, with the session id, the transaction id and the admin', async () => {
    const auth = `Bearer ${await h.token(READ, { sub: 'admin-bob' })}`;
    h.events.length = 0;
    const res = await request(h.app)
      .get('/admin/v1/flows')
      .set('Authorization', auth)
      .set('X-Waymark-Session-Id', 'mcp-session-1')
      .set('X-Request-Id', 'tx-1');
    expect(res.status).toBe(200);
    expect(h.events).toEqual([
      expect.objectContaining({
        type: 'admin.access',
        sessionId: 'mcp-session-1',
        requestId: 'tx-1',
        sub: 'admin-bob',
        action: 'GET /flows',
        outcome: 'success',
      }),
    ]);
    // A refused read is recorded too; a read without a session id (a console, a CI job) is not.
    await request(h.app).get('/admin/v1/flows/nope').set('Authorization', auth).set('X-Waymark-Session-Id', 'mcp-session-1');
    expect(h.events[1]).toMatchObject({ type: 'admin.access', outcome: 'refused', code: 'HTTP_404' });
    await request(h.app).get('/admin/v1/flows').set('Authorization', auth);
    expect(h.events).toHaveLength(2);
    // The audit query answers the session id.
    await h.stores.audit.append(h.events[0]!);
    const listed = await request(h.app).get('/admin/v1/audit-events?type=admin.access').set('Authorization', auth);
    expect(listed.body.events).toEqual([expect.objectContaining({ sessionId: 'mcp-session-1', requestId: 'tx-1' })]);
  });

  it('puts the session id into the admin.change of a change, and ignores a malformed one', async () => {
    const auth = `Bearer ${await h.token()}`;
    h.events.length = 0;
    const created = await request(h.app)
      .post('/admin/v1/flows')
      .set('Authorization', auth)
      .set('X-Waymark-Session-Id', 'mcp-session-2')
      .set('X-Request-Id', 'tx-2')
      .send(passwordLogin());
    expect(created.status).toBe(201);
    expect(h.events).toEqual([
      expect.objectContaining({ type: 'admin.change', action: 'flow.create', sessionId: 'mcp-session-2', requestId: 'tx-2' }),
    ]);
    await request(h.app).get('/admin/v1/flows').set('Authorization', auth).set('X-Waymark-Session-Id', 'bad id with spaces');
    expect(h.events).toHaveLength(1);
  });

  it('says its mode and whether changes are allowed (GET /server, read scope)', async () => {
    const res = await request(h.app)
      .get('/admin/v1/server')
      .set('Authorization', `Bearer ${await h.token(READ)}`);
    expect(res.body).toEqual({ mode: 'development', writes: true, allowWritesInProduction: false });
    const prod = await adminHarness({ mode: 'production', writes: false });
    const answer = await request(prod.app)
      .get('/admin/v1/server')
      .set('Authorization', `Bearer ${await prod.token(READ)}`);
    expect(answer.body).toEqual({ mode: 'production', writes: false, allowWritesInProduction: false });
    await prod.close();
  });
});
