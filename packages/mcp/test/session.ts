import { expect } from '@jest/globals';
import type { RunningServer } from '@waymark/cli';
import { PASSWORD, PAYMENTS_SECRET, realJourney, rememberMeDraft, type Transcript } from './support.js';

/** Who the session runs as, and the secret of the confidential client the server has. */
export interface SessionFacts {
  sub: string;
  paymentsSecret?: string;
}

const login = { NameCallback: 'alice', PasswordCallback: PASSWORD };
const alice = [{ username: 'alice', password: PASSWORD, sub: 'user-alice' }];

/**
 * The scripted agent session of issue 18: build a remember-me variant from nothing, fix the
 * validation error from the problems list, simulate the remembered and the risky paths, save
 * with confirm, activate; a real journey runs the new version; find it in the audit trail and
 * read its trace.
 */
export async function agentSession(t: Transcript, server: RunningServer, facts: SessionFacts): Promise<void> {
  // Browse the catalog cheaply, then read the types it will use in full.
  const catalog = await t.call('list_node_types');
  expect(catalog.json.nodeTypes).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'credentials.verify', outcomes: ['valid', 'invalid', 'locked'] })]),
  );
  expect(catalog.json.nodeTypes[0].config).toBeUndefined(); // summary: no schemas
  const risk = await t.call('get_node_type', { type: 'risk.evaluate' });
  expect(risk.json.config.properties.scoreThreshold).toBeDefined();
  const existing = await t.call('get_flow', { flowId: 'remember-me' });
  expect(existing.json).toMatchObject({ id: 'remember-me', version: 2, active: true });
  expect(existing.json.nodeTypes['cookie.persistent.check'].outcomes).toEqual(['valid', 'missing', 'invalid']);

  // The draft leaves one outcome unwired: the problems list names it and says the fix.
  const draft = rememberMeDraft();
  const checked = await t.call('validate_flow', { flow: draft });
  expect(checked.json.valid).toBe(false);
  const problem = checked.json.problems.find((p: { pointer: string }) => p.pointer.startsWith('/nodes/evaluateLogin/outcomes'));
  expect(problem).toMatchObject({ code: 'ERR_FLOW_UNWIRED_OUTCOME' });
  expect(problem.message).toMatch(/exceed/);
  // Saving the invalid draft, even with confirm, is refused with the same problems; nothing is saved.
  const refused = await t.call('save_flow', { flow: draft, confirm: true });
  expect(refused.isError).toBe(true);
  expect(refused.text).toMatch(/ERR_MCP_ARGUMENT: argument "flow": the flow is invalid/);
  expect(refused.text).toContain('/nodes/evaluateLogin/outcomes');
  // The fix, from the problem: wire "exceed".
  const nodes = draft.nodes as Record<string, { outcomes: Record<string, string> }>;
  nodes.evaluateLogin!.outcomes.exceed = 'createSession';
  expect((await t.call('validate_flow', { flow: draft })).json).toEqual({ valid: true, problems: [] });

  // Simulate: sign in (LOW: the device is remembered), come back (remembered: no password), come back risky (HIGH: forgotten, password asked).
  const simulated = await t.call('simulate_flow', {
    flow: draft,
    users: alice,
    visits: [{ answers: [login], risk: { level: 'LOW' } }, { risk: { level: 'LOW' } }, { risk: { level: 'HIGH' }, answers: [login] }],
  });
  expect(simulated.isError).toBe(false);
  const [first, remembered, risky] = simulated.json.visits;
  const path = (v: { trace: { node: string; outcome: string }[] }) => v.trace.map((s) => `${s.node}:${s.outcome}`);
  expect(first.status).toBe('success');
  expect(path(first)).toContain('rememberDevice:done');
  expect(remembered.status).toBe('success');
  expect(path(remembered)).toEqual(['checkCookie:valid', 'evaluateRemembered:low', 'signInRemembered:created']);
  expect(remembered.asked).toEqual([]);
  expect(risky.status).toBe('success');
  expect(path(risky)).toEqual(
    expect.arrayContaining(['evaluateRemembered:high', 'forgetCookie:done', 'verify:valid', 'evaluateLogin:high']),
  );
  expect(risky.cookiesCleared).toContain('__Host-waymark-remember');
  expect(risky.asked[0].callbacks.map((c: { type: string }) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);

  // Save: a dry run first (nothing saved), then with confirm (saved, not active).
  const dry = await t.call('save_flow', { flow: draft });
  expect(dry.json).toMatchObject({ dryRun: true, version: 3, creates: false, activates: false });
  expect(dry.json.diff.nodesRemoved).toContain('explainRisk');
  expect((await t.call('list_flows')).json.flows).toEqual(
    expect.arrayContaining([expect.objectContaining({ id: 'remember-me', latestVersion: 2 })]),
  );
  const saved = await t.call('save_flow', { flow: draft, confirm: true, expectedVersion: 2 });
  expect(saved.json).toMatchObject({ saved: true, version: 3, active: false, activeVersion: 2 });
  const diff = await t.call('diff_flow_versions', { flowId: 'remember-me', from: 2, to: 3 });
  expect(diff.json.nodesAdded).toEqual([]);
  expect(diff.json.nodesRemoved).toEqual(expect.arrayContaining(['explainRisk', 'showHighRisk']));
  const activated = await t.call('activate_flow_version', { flowId: 'remember-me', version: 3 });
  expect(activated.json).toMatchObject({ id: 'remember-me', activeVersion: 3 });

  // A real journey through the adapter runs the new version.
  await server.live.syncFlows();
  const journey = await realJourney(server.url);
  expect(journey.status).toBe('success');

  // The session finds it in the audit trail and reads its trace.
  const events = await t.call('query_audit_events', { type: 'journey.ended', subject: 'user-alice' });
  const ended = events.json.events.find((e: { journeyId?: string }) => e.journeyId === journey.journeyId);
  expect(ended).toMatchObject({ flow: 'remember-me@3', outcome: 'success' });
  const journeys = await t.call('query_journeys', { flowId: 'remember-me', status: 'success' });
  expect(journeys.json.journeys.map((j: { journeyId?: string; id?: string }) => j.journeyId ?? j.id)).toContain(journey.journeyId);
  const trace = await t.call('get_journey_trace', { journeyId: journey.journeyId });
  expect(trace.json.trace.map((s: { node: string }) => s.node)).toEqual(
    expect.arrayContaining(['checkCookie', 'verify', 'evaluateLogin', 'createSession']),
  );
  expect(trace.json.trace.map((s: { node: string }) => s.node)).not.toContain('explainRisk'); // v2's node: v3 ran
  const funnel = await t.call('get_flow_funnel', { flowId: 'remember-me', version: 3 });
  expect(funnel.json.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ node: 'verify', reached: 1 })]));

  // Every change of the session is in the audit trail as the admin, with the session id.
  const changes = await t.call('query_audit_events', { type: 'admin.change' });
  const mine = changes.json.events.filter((e: { action: string; outcome: string }) => e.outcome === 'success');
  expect(mine.map((e: { action: string; target: string }) => `${e.action} ${e.target}`)).toEqual([
    'flow.update flow:remember-me@3',
    'flow.activate flow:remember-me@3',
  ]);
  const sessions = new Set(mine.map((e: { sessionId: string }) => e.sessionId));
  expect([...sessions]).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  // The session's reads are in the trail too, under the same session id.
  const reads = await t.call('query_audit_events', { type: 'admin.access', limit: 1000 });
  expect(reads.json.events.filter((e: { sessionId?: string }) => sessions.has(e.sessionId)).length).toBeGreaterThan(10);
  expect(mine[0].requestId).toBe(saved.json.transactionId);
  expect(mine[0].sub).toBe(facts.sub);

  // Clients: read, create (with a secret), never shown.
  const clients = await t.call('list_clients');
  expect(clients.json.clients).toEqual(expect.arrayContaining([expect.objectContaining({ client_id: 'payments-api', has_secret: true })]));
  expect((await t.call('get_client', { clientId: 'payments-api' })).text).not.toContain(facts.paymentsSecret ?? PAYMENTS_SECRET);
}
