import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { AIC_MAPPERS, importAic, IMPORT_ERRORS, statsOf, summarize, type ImportFile } from '../src/index.js';
import { AIC_FILES, AIC_FOLDERS, FIXTURES, file, folder, problemsOf } from './helpers.js';

const S = '70e691a5-1e33-4ac3-a356-e7b6d60d92e0';
const F = 'e301438c-0bd0-429c-ab0c-66126501069a';

/** A one-node tree: `type` with `config`, its outcomes wired to success (first) and failure (the rest). */
function oneNode(type: string, outcomes: string[], config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ImportFile {
  const id = 'd0000000-0000-4000-8000-000000000001';
  const connections = Object.fromEntries(outcomes.map((o, i) => [o, i === 0 ? S : F]));
  return {
    path: `${type}.journey.json`,
    text: JSON.stringify({
      tree: {
        _id: `T ${type}`,
        entryNodeId: id,
        noSession: true,
        nodes: { [id]: { nodeType: type, displayName: `My ${type}`, connections, x: 10, y: 20 } },
      },
      nodes: { [id]: { _id: id, _type: { _id: type }, _outcomes: outcomes.map((o) => ({ id: o, displayName: o })), ...config } },
      ...extra,
    }),
  };
}

describe('AIC fixtures', () => {
  const all = [
    ...AIC_FILES.map((f) => [f, [file(join(FIXTURES, 'aic', f))]] as const),
    ...AIC_FOLDERS.map((d) => [d, folder(join(FIXTURES, d))] as const),
  ];

  it.each(all)('%s imports into flows that validate (with the placeholder plugin), with $schema, provenance and layout', (_name, files) => {
    const { flows, report } = importAic(files);
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      expect(problemsOf(flow, report)).toEqual([]);
      expect(flow.$schema).toBe('https://waymark.dev/schema/flow.schema.json');
      for (const node of Object.values(flow.nodes)) expect(node.description).toMatch(/source id|Added by the importer/);
    }
    expect(flows.some((f) => f.layout && Object.keys(f.layout.nodes).length > 0)).toBe(true);
    // Every source node of the report says what became of it.
    for (const n of report.nodes) expect(n.reason.length).toBeGreaterThan(0);
    expect(report.reportVersion).toBe(1);
  });

  it('maps at least 80% of the fixture set to real node types (the README quotes the number)', () => {
    const nodes = all.flatMap(([, files]) => importAic(files).report.nodes);
    const stats = statsOf(nodes);
    expect(stats.share).toBeGreaterThanOrEqual(0.8);
  });

  it('Login: the username/password page becomes credentials.collect, the inner tree a flow.run, Success a session.create', () => {
    const { flows } = importAic([file(join(FIXTURES, 'aic/Login.journey.json'))]);
    const flow = flows[0]!;
    expect(flow.id).toBe('login');
    expect(flow.nodes[flow.start]).toMatchObject({ type: 'credentials.collect', outcomes: { collected: 'identityStoreDecision' } });
    expect(flow.nodes.identityStoreDecision).toMatchObject({
      type: 'credentials.verify',
      outcomes: { valid: 'incrementLoginCount', invalid: 'retryLimitDecision', locked: 'failure' },
    });
    expect(flow.nodes.innerTreeEvaluator).toMatchObject({
      type: 'flow.run',
      config: { flow: 'progressive-profile', state: 'shared' },
      outcomes: { success: 'createSession', failure: 'failure' },
    });
    expect(flow.nodes.createSession).toMatchObject({ type: 'session.create', outcomes: { created: 'success', conflict: 'failure' } });
    expect(flow.layout!.nodes.identityStoreDecision).toEqual({ x: 352, y: 40.015625 });
  });

  it('Registration: a page of input steps keeps its mappable children and holds a placeholder for KBA', () => {
    const { flows, report } = importAic([file(join(FIXTURES, 'aic/Registration.journey.json'))]);
    const page = Object.values(flows[0]!.nodes).find((n) => n.type === 'page')!;
    const types = (page.config!.nodes as { type: string }[]).map((n) => n.type);
    expect(types).toEqual(['credentials.username', 'attributes.collect', 'credentials.password', 'import.placeholder', 'terms.accept']);
    expect(report.nodes.find((n) => n.sourceType === 'KbaCreateNode')).toMatchObject({ status: 'placeholder' });
    expect(report.nodes.find((n) => n.sourceType === 'EmailSuspendNode')).toMatchObject({
      status: 'placeholder',
      suggestion: expect.stringContaining('e-mail'),
    });
  });

  it('HmacOneTimePassword: the OTP generator, e-mail sender and collector decision become one otp.challenge', () => {
    const { flows, report } = importAic([file(join(FIXTURES, 'aic/HmacOneTimePassword.journey.json'))]);
    const flow = flows[0]!;
    expect(flow.nodes.dataStoreDecision!.outcomes.valid).toBe('oneTimePassword');
    expect(flow.nodes.oneTimePassword).toMatchObject({
      type: 'otp.challenge',
      config: { mode: 'code', code: { length: 8, ttlSeconds: 300, recipientFrom: 'mail' } },
      outcomes: { success: 'createSession', failure: 'failure', expired: 'failure', locked: 'failure' },
    });
    expect(
      report.nodes
        .filter((n) => n.mappedTo === 'otp.challenge')
        .map((n) => n.sourceType)
        .sort(),
    ).toEqual(['OneTimePasswordCollectorDecisionNode', 'OneTimePasswordGeneratorNode', 'OneTimePasswordSmtpSenderNode']);
  });

  it('an OTP chain the journey re-enters half-way (a retry loop to the collector) stays placeholders', () => {
    const tree = JSON.parse(file(join(FIXTURES, 'aic/HmacOneTimePassword.journey.json')).text);
    const t = tree.trees.HmacOneTimePassword.tree;
    // The collector's "false" goes back to the collector itself: a second way in.
    t.nodes['3c59dc04-8e88-3024-bbe8-079a5c74d079'].connections.false = '3c59dc04-8e88-3024-bbe8-079a5c74d079';
    const { report } = importAic([{ path: 'loop.json', text: JSON.stringify(tree) }]);
    expect(report.nodes.find((n) => n.sourceType === 'OneTimePasswordGeneratorNode')).toMatchObject({
      status: 'placeholder',
      suggestion: expect.stringContaining('otp.challenge'),
    });
  });

  it('Amster folder: ESVs and inline keys become secret names, inline ones flagged for rotation, never literals', () => {
    const { flows, report } = importAic(folder(join(FIXTURES, 'aic-amster')));
    const text = JSON.stringify(flows);
    expect(text).not.toContain('qOjcIdvnC3uqF6wLqXvL8gR0xY7yX1z2Q3w4E5r6T7s=');
    expect(text).not.toContain('&{esv');
    expect(flows[0]!.nodes.persistentCookieDecision!.config).toMatchObject({
      keys: [{ kid: 'imported', secretName: 'esv-remember-me-hmac-key' }],
      idleSeconds: 18000,
    });
    expect(report.secrets).toEqual([
      { name: 'esv-remember-me-hmac-key', source: 'esv', where: expect.stringContaining('hmacSigningKey'), rotate: false },
      { name: 'set-persistent-cookie-hmac-key', source: 'inline', where: expect.stringContaining('hmacSigningKey'), rotate: true },
    ]);
    expect(JSON.stringify(report)).not.toContain('qOjcIdvnC3uqF6wLqXvL8gR0xY7yX1z2Q3w4E5r6T7s=');
    expect(summarize(report)).toContain('ROTATE');
  });

  it('scripts: simple decisions become expression rules, others placeholders with the script kept in the report', () => {
    const { flows, report } = importAic(folder(join(FIXTURES, 'aic-scripts')));
    const flow = flows[0]!;
    expect(flow.nodes.checkUsername).toMatchObject({
      type: 'expression',
      config: { rules: [{ when: 'state.username != null && state.username != ""', outcome: 'true' }], default: 'false' },
    });
    expect(flow.nodes.checkTier).toMatchObject({
      type: 'expression',
      config: {
        rules: [
          { when: 'state.tier == "gold" || state.tier == "platinum"', outcome: 'premium' },
          { when: 'params.mode.startsWith("admin")', outcome: 'admin' },
        ],
        default: 'standard',
      },
    });
    expect(flow.nodes.setFrontChannelStatus).toMatchObject({ type: 'import.placeholder', outcomes: { true: 'success' } });
    const kept = report.nodes.find((n) => n.displayName === 'Set Front Channel Status')!;
    expect(kept.script).toMatchObject({
      recognised: false,
      name: 'Set Front Channel Status',
      text: expect.stringContaining('httpClient.send'),
    });
    expect(report.notes).toContainEqual({ flow: 'tiered-access', message: expect.stringContaining('noSession') });
  });
});

describe('AIC mapping table (every rule)', () => {
  const cases: [string, string[], Record<string, unknown>, string, Record<string, string>][] = [
    ['UsernameCollectorNode', ['outcome'], {}, 'credentials.username', { collected: 'success' }],
    ['ValidatedUsernameNode', ['outcome'], {}, 'credentials.username', { collected: 'success' }],
    ['PasswordCollectorNode', ['outcome'], {}, 'credentials.password', { collected: 'success' }],
    ['ValidatedPasswordNode', ['outcome'], {}, 'credentials.password', { collected: 'success' }],
    ['DataStoreDecisionNode', ['true', 'false'], {}, 'credentials.verify', { valid: 'success', invalid: 'failure', locked: 'failure' }],
    [
      'IdentityStoreDecisionNode',
      ['TRUE', 'FALSE', 'LOCKED'],
      {},
      'credentials.verify',
      { valid: 'success', invalid: 'failure', locked: 'failure' },
    ],
    [
      'LdapDecisionNode',
      ['TRUE', 'FALSE', 'LOCKED'],
      {},
      'credentials.verify',
      { valid: 'success', invalid: 'failure', locked: 'failure' },
    ],
    ['IdentifyExistingUserNode', ['true', 'false'], { identifier: 'mail' }, 'user.identify', { found: 'success', notFound: 'failure' }],
    [
      'AttributeCollectorNode',
      ['outcome'],
      { attributesToCollect: ['mail'], required: true },
      'attributes.collect',
      { collected: 'success' },
    ],
    ['AcceptTermsAndConditionsNode', ['outcome'], {}, 'terms.accept', { accepted: 'success', declined: 'failure' }],
    ['CreateObjectNode', ['CREATED', 'FAILURE'], {}, 'user.create', { created: 'success', conflict: 'failure' }],
    ['PatchObjectNode', ['PATCHED', 'FAILURE'], {}, 'user.update', { updated: 'success', notFound: 'failure' }],
    ['IncrementLoginCountNode', ['outcome'], {}, 'login.count', { done: 'success' }],
    ['RetryLimitDecisionNode', ['Retry', 'Reject'], { retryLimit: 5 }, 'retry.limit', { retry: 'success', reject: 'failure' }],
    ['AccountLockoutNode', ['outcome'], { lockAction: 'LOCK' }, 'account.lockout', { done: 'success' }],
    ['InnerTreeEvaluatorNode', ['true', 'false'], { tree: 'Other Tree' }, 'flow.run', { success: 'success', failure: 'failure' }],
    ['MessageNode', ['true', 'false'], { message: { en: 'Continue?' } }, 'message', { true: 'success', false: 'failure' }],
    [
      'ChoiceCollectorNode',
      ['Red', 'Blue'],
      { choices: ['Red', 'Blue'], prompt: 'Colour?' },
      'message',
      { Red: 'success', Blue: 'failure' },
    ],
    ['SetPersistentCookieNode', ['outcome'], { maxLife: 2, hmacSigningKey: '&{esv.k}' }, 'cookie.persistent.set', { done: 'success' }],
    [
      'PersistentCookieDecisionNode',
      ['true', 'false'],
      { idleTimeout: 1, hmacSigningKey: { $string: '&{esv.k}' } },
      'cookie.persistent.check',
      { valid: 'success', missing: 'failure', invalid: 'failure' },
    ],
    ['EmailSuspendNode', ['outcome'], {}, 'import.placeholder', { outcome: 'success' }],
  ];

  it('covers every mapper of the table', () => {
    const tested = new Set(cases.map((c) => c[0]));
    expect(Object.keys(AIC_MAPPERS).filter((t) => t !== 'ScriptedDecisionNode' && !tested.has(t))).toEqual([]);
  });

  it.each(cases)('%s → %s', (type, outcomes, config, expected, wiring) => {
    const { flows, report } = importAic([oneNode(type, outcomes, config)]);
    const flow = flows[0]!;
    const node = flow.nodes[flow.start]!;
    expect(node.type).toBe(expected);
    expect(node.outcomes).toEqual(wiring);
    expect(node.description).toContain('d0000000-0000-4000-8000-000000000001');
    expect(node.description).toContain(type);
    expect(report.nodes[0]).toMatchObject({
      sourceType: type,
      status: expected === 'import.placeholder' ? 'placeholder' : 'mapped',
      mappedTo: expected,
    });
    expect(problemsOf(flow, report)).toEqual([]);
  });

  it('units: maxLife hours become maxLifeSeconds; ESVs in either shape become secret names', () => {
    const { flows } = importAic([
      oneNode('SetPersistentCookieNode', ['outcome'], { maxLife: 2, hmacSigningKey: { $string: '&{esv.cookie.key}' } }),
    ]);
    expect(flows[0]!.nodes[flows[0]!.start]!.config).toEqual({
      keys: [{ kid: 'imported', secretName: 'esv-cookie-key' }],
      maxLifeSeconds: 7200,
    });
  });

  it('a placeholder keeps every source outcome (names Waymark refuses are renamed) and the report names it', () => {
    const { flows, report } = importAic([oneNode('ZeroPageLoginNode', ['true', 'false', 'Script Error'])]);
    const node = flows[0]!.nodes[flows[0]!.start]!;
    expect(node).toMatchObject({ type: 'import.placeholder', outcomes: { true: 'success', false: 'failure', scriptError: 'failure' } });
    expect(node.config).toMatchObject({ source: { format: 'aic', type: 'ZeroPageLoginNode' }, outcomes: ['true', 'false', 'scriptError'] });
    expect(report.nodes[0]).toMatchObject({ status: 'placeholder', suggestion: expect.stringContaining('headers') });
  });

  it('an unconnected outcome goes to failure, said in the report; an unreachable node is dropped, said in the report', () => {
    const id = 'd0000000-0000-4000-8000-000000000001';
    const orphan = 'd0000000-0000-4000-8000-000000000002';
    const text = JSON.stringify({
      tree: {
        _id: 'T',
        entryNodeId: id,
        noSession: true,
        nodes: {
          [id]: { nodeType: 'DataStoreDecisionNode', connections: { true: S } },
          [orphan]: { nodeType: 'IncrementLoginCountNode', connections: { outcome: S } },
        },
      },
      nodes: {
        [id]: { _type: { _id: 'DataStoreDecisionNode' }, _outcomes: [{ id: 'true' }, { id: 'false' }] },
        [orphan]: { _type: { _id: 'IncrementLoginCountNode' } },
      },
    });
    const { flows, report } = importAic([{ path: 't.json', text }]);
    expect(flows[0]!.nodes[flows[0]!.start]!.outcomes).toEqual({ valid: 'success', invalid: 'failure', locked: 'failure' });
    expect(report.nodes[0]!.notes).toContainEqual(expect.stringContaining('"false" was not connected'));
    expect(report.nodes[1]).toMatchObject({ status: 'dropped', reason: expect.stringContaining('nothing in the flow reaches it') });
    expect(Object.keys(flows[0]!.nodes)).toHaveLength(1);
  });
});

describe('AIC bad input: coded errors naming the place', () => {
  const codeOf = (files: ImportFile[], options = {}) => {
    try {
      importAic(files, options);
    } catch (error) {
      return { code: (error as { code?: string }).code, message: (error as Error).message };
    }
    return undefined;
  };

  it('truncated JSON → ERR_IMPORT_PARSE naming the file and saying it looks truncated', () => {
    const text = file(join(FIXTURES, 'aic/Login.journey.json')).text;
    expect(codeOf([{ path: 'Login.journey.json', text: text.slice(0, 500) }])).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_PARSE,
      message: expect.stringMatching(/^Login\.journey\.json: not valid JSON.*(truncated|line)/),
    });
  });

  it('an unknown format → ERR_IMPORT_FORMAT naming what was found', () => {
    expect(codeOf([{ path: 'x.json', text: '{"flows": []}' }])).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_FORMAT,
      message: expect.stringContaining('"flows"'),
    });
    expect(codeOf([{ path: 'x.json', text: '[1]' }])?.code).toBe(IMPORT_ERRORS.ERR_IMPORT_FORMAT);
  });

  it('a tree referencing a missing node → ERR_IMPORT_MISSING_NODE naming the tree and the node', () => {
    const one = JSON.parse(oneNode('IncrementLoginCountNode', ['outcome']).text);
    one.tree.nodes['d0000000-0000-4000-8000-000000000001'].connections.outcome = 'ffffffff-0000-4000-8000-000000000009';
    expect(codeOf([{ path: 'm.json', text: JSON.stringify(one) }])).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_MISSING_NODE,
      message: expect.stringMatching(/m\.json: tree "T IncrementLoginCountNode": .*ffffffff-0000-4000-8000-000000000009/),
    });
  });

  it('recursion between inner trees → ERR_IMPORT_RECURSION naming the chain', () => {
    const a = JSON.parse(oneNode('InnerTreeEvaluatorNode', ['true', 'false'], { tree: 'B' }).text);
    a.tree._id = 'A';
    const b = JSON.parse(oneNode('InnerTreeEvaluatorNode', ['true', 'false'], { tree: 'A' }).text);
    b.tree._id = 'B';
    expect(codeOf([{ path: 'multi.json', text: JSON.stringify({ trees: { A: a, B: b } }) }])).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_RECURSION,
      message: expect.stringContaining('A → B → A'),
    });
  });

  it('a 50 MB file → ERR_IMPORT_TOO_LARGE naming the file and the limit', () => {
    const big = `{"tree": {}, "pad": "${'x'.repeat(50 * 1024 * 1024)}"}`;
    expect(codeOf([{ path: 'big.json', text: big }])).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_TOO_LARGE,
      message: expect.stringContaining('big.json: the export is larger than 20 MB'),
    });
  });
});
