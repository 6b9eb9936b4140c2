import { describe, it, expect } from '@jest/globals';
import { NodeRegistry, validateFlow } from '@waymark/core';
import { checkExpression, expression } from '@waymark/nodes';
import { runNode, testNodeConfigs } from '@waymark/testing';

type Options = Parameters<typeof runNode>[1];

/** Whether `when` holds for this step (the node's outcome is `yes` or `no`). */
async function holds(when: string, options: Options = {}): Promise<boolean> {
  const r = await runNode(expression, { config: { rules: [{ when, outcome: 'yes' }], default: 'no' }, ...options });
  return r.outcome === 'yes';
}

const state = {
  mail: 'alice@example.com',
  count: 3,
  countText: '7',
  level: 'gold',
  empty: '',
  nothing: null,
  flag: true,
  tags: ['a', 'b'],
  profile: { 'given-name': 'Alice', age: 30 },
};

describe('expression: outcomes', () => {
  it('declares the rule outcomes and the default', () => {
    const outcomes = expression.outcomes as (c: unknown) => readonly string[];
    expect(
      outcomes({
        rules: [
          { when: 'true', outcome: 'a' },
          { when: 'false', outcome: 'a' },
        ],
        default: 'z',
      }),
    ).toEqual(['a', 'z']);
  });

  it('takes the first rule that holds, in order (reason rule:<i>)', async () => {
    const r = await runNode(expression, {
      config: {
        rules: [
          { when: 'state.count > 5', outcome: 'many' },
          { when: 'state.count > 1', outcome: 'some' },
          { when: 'true', outcome: 'any' },
        ],
        default: 'none',
      },
      state,
    });
    expect(r).toMatchObject({ outcome: 'some', reason: 'rule:1' });
  });

  it('falls back to the default (reason default)', async () => {
    const r = await runNode(expression, { config: { rules: [{ when: 'state.count > 5', outcome: 'many' }], default: 'few' }, state });
    expect(r).toMatchObject({ outcome: 'few', reason: 'default' });
  });
});

describe('expression: the operators', () => {
  it.each([
    ['state.level == "gold"', true],
    ['state.level == "silver"', false],
    ['state.level != "silver"', true],
    ['state.level === "gold"', true],
    ['state.level !== "gold"', false],
    ['state.count == 3', true],
    ['state.count == "3"', false], // equality is strict: a string is not a number
    ['state.tags == ["a", "b"]', true],
    ['state.count < 4', true],
    ['state.count <= 3', true],
    ['state.count > 3', false],
    ['state.count >= 3', true],
    ['state.countText > 5', true], // a numeric string compares as a number
    ['state.level < "silver"', true], // two strings compare as text
    ['state.level > 3', false], // a mismatch is neither smaller nor greater
    ['state.count > 1 && state.level == "gold"', true],
    ['state.count > 5 && state.level == "gold"', false],
    ['state.count > 5 || state.level == "gold"', true],
    ['state.count > 5 || state.level == "x"', false],
    ['!state.flag', false],
    ['!(state.count > 5)', true],
    ['state.count > -1', true],
    ['(state.nothing ?? "fallback") == "fallback"', true],
    ['state.level in ["gold", "platinum"]', true],
    ['state.level in ["silver"]', false],
    ['"b" in state.tags', true],
    ['"lic" in state.mail', true],
    ['"age" in state.profile', true],
    ['"constructor" in state.profile', false],
    ['state.count in [1, 2, 3]', true],
  ])('%s → %s', async (when, expected) => {
    expect(await holds(when, { state })).toBe(expected);
  });
});

describe('expression: strings, lists and functions', () => {
  it.each([
    ['state.mail.startsWith("alice@")', true],
    ['state.mail.startsWith("bob@")', false],
    ['state.mail.endsWith("@example.com")', true],
    ['state.mail.endsWith("@example.org")', false],
    ['state.mail.includes("@")', true],
    ['state.mail.contains("example")', true],
    ['state.mail.contains("nope")', false],
    ['state.tags.includes("a")', true],
    ['state.tags.contains("z")', false],
    ['state.mail.matches("^[a-z]+@example\\\\.com$")', true],
    ['state.mail.matches("^[0-9]+$")', false],
    ['state.mail.toUpperCase() == "ALICE@EXAMPLE.COM"', true],
    ['" Alice ".trim().toLowerCase() == "alice"', true],
    ['state.mail.length == 17', true],
    ['state.tags.length > 1', true],
    ['state.profile["given-name"] == "Alice"', true],
    ['state.tags[1] == "b"', true],
    ['exists(state.mail)', true],
    ['exists(state.nothing)', false],
    ['empty(state.empty) && empty(state.missing) && !empty(state.tags)', true],
    ['number(state.countText) == 7', true],
    ['string(state.count) == "3"', true],
    ['state.count.startsWith("3")', false], // a method on the wrong type is false, never an error
  ])('%s → %s', async (when, expected) => {
    expect(await holds(when, { state })).toBe(expected);
  });
});

describe('expression: missing values are null', () => {
  it.each([
    ['state.missing == null', true],
    ['state.missing == undefined', true],
    ['state.missing.deeper.still == null', true],
    ['state.nothing == null', true],
    ['state.mail != null', true],
    ['state.missing > 1', false],
    ['state.missing < 1', false],
    ['state.missing.startsWith("a")', false],
    ['state.missing.length == null', true],
    ['!state.missing', true],
    ['state.missing in ["a"]', false],
    ['params.acr_values == null', true],
    ['client.clientId == null', true],
    ['par.ip == null', true],
  ])('%s → %s', async (when, expected) => {
    expect(await holds(when, { state })).toBe(expected);
  });
});

describe('expression: the roots', () => {
  it('reads params, par, client, journey and request (ip, userAgent, headers, cookies)', async () => {
    const options: Options = {
      params: { acr_values: 'mfa' },
      par: { clientId: 'app', ip: '10.0.0.1', params: { target: 'https://x.example/' } },
      client: { clientId: 'app', redirectTargets: [], redirectUris: [] },
      request: { ip: '10.0.0.1', userAgent: 'Mozilla/5.0 (Android)', headers: { 'X-Tenant': 'acme' }, cookies: { seen: '1' } },
    };
    expect(await holds('params.acr_values == "mfa"', options)).toBe(true);
    expect(await holds('par.ip == request.ip && par.params.target.startsWith("https://")', options)).toBe(true);
    expect(await holds('client.clientId == "app"', options)).toBe(true);
    expect(await holds('journey.flowId != null && journey.nodeId != null', options)).toBe(true);
    expect(await holds('request.userAgent.contains("Android") && request.headers["x-tenant"] == "acme"', options)).toBe(true);
    expect(await holds('request.cookies.seen == "1"', options)).toBe(true);
  });

  it('never reaches secrets: "secrets" is an unknown name', async () => {
    await expect(holds('secrets.password != null', { secrets: { password: 'x' } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
    expect(checkExpression('secrets.password != null')?.message).toMatch(/unknown name "secrets"/);
  });
});

describe('expression: prototype access is refused at load', () => {
  it.each([
    'state.__proto__',
    'state.__proto__.polluted == null',
    'state.constructor',
    'state.constructor.constructor("return process")()',
    'state["constructor"]',
    'state.mail.constructor == null',
    'state.prototype != null',
    'constructor',
    '__proto__ == null',
  ])('%s', (when) => {
    expect(checkExpression(when)?.message).toMatch(/"(__proto__|constructor|prototype)" is refused/);
  });

  it('and a state that holds such keys gives nothing of the host', async () => {
    const polluted = JSON.parse('{"__proto__": {"x": 1}, "a": {}}') as Record<string, unknown>;
    expect(await holds('state.a.x == null', { state: polluted as never })).toBe(true);
    expect(
      await holds('state.a.hasOwnProperty == null && state.a.toString == null && state.mail.length == null', { state: { a: {} } }),
    ).toBe(true);
  });
});

describe('expression: what the language refuses, with the column', () => {
  it.each([
    ['state.a ==', /syntax error/, 11],
    ['state.a == "open', /syntax error/, undefined],
    ['state.a = 1', /syntax error|not supported/, undefined],
    ['state.a + 1 > 2', /operator "\+" is not supported/, 9],
    ['state.count * 2 > 2', /operator "\*" is not supported/, 13],
    ['~state.a', /operator "~" is not supported/, 1],
    ['state.a ? 1 : 2', /give each case its own rule/, 9],
    ['state.a, state.b', /one condition/, 1],
    ['this.x', /"this" is not reachable/, 1],
    ['process.exit()', /unknown method "exit"|unknown name "process"/, undefined],
    ['globalThis.x', /unknown name "globalThis"/, 1],
    ['eval("1")', /unknown function "eval"/, 1],
    ['state.mail.replace("a", "b") == ""', /unknown method "replace"/, 12],
    ['state.mail.startsWith()', /takes 1 argument/, undefined],
    ['exists()', /takes 1 argument/, 1],
    ['state.mail.matches(state.pattern)', /quoted pattern/, undefined],
    ['state.mail.matches("(a+)+$")', /backtrack catastrophically/, undefined],
    ['state.mail.matches("[")', /not a valid regular expression/, undefined],
    ['state.tags[state.i] == 1', /quoted name or a whole number/, 11],
    ['state?.a', /optional chaining/, undefined],
    ['state.a == /x/', /regular-expression literals|syntax error/, undefined],
    ['', /empty/, 1],
    ['   ', /empty/, 1],
  ])('%s', (when, message, column) => {
    const problem = checkExpression(when);
    expect(problem?.message).toMatch(message);
    if (column !== undefined) expect(problem?.column).toBe(column);
  });

  it('refuses huge expressions: over the length, the nesting or the size limit', () => {
    expect(checkExpression(`state.a == "${'x'.repeat(1000)}"`)?.message).toMatch(/longer than 1000/);
    expect(checkExpression(`${'('.repeat(30)}state.a${')'.repeat(30)}`)).toMatchObject({
      message: expect.stringMatching(/nests deeper/),
      column: 25,
    });
    expect(checkExpression(`${'!'.repeat(70)}state.a`)?.message).toMatch(/nests deeper than 64/);
    expect(checkExpression(`${'!'.repeat(990)}state.a`)?.message).toMatch(/nests deeper than 64/);
    expect(checkExpression(Array.from({ length: 40 }, () => 'state.a').join('||'))).toBeUndefined(); // a long chain is fine
    const group = `(${Array.from({ length: 9 }, () => 'state.a').join('||')})`;
    expect(checkExpression(Array.from({ length: 8 }, () => group).join('&&'))?.message).toMatch(/more than 200 parts/);
    expect(checkExpression(`state.a in [${Array.from({ length: 101 }, (_, i) => i).join(',')}]`)?.message).toMatch(/more than 100 items/);
    // A deeply nested input of the right length never overflows the stack: refused before parsing.
    expect(checkExpression('['.repeat(999))?.message).toMatch(/nests deeper/);
  });

  it('accepts what it documents', () => {
    for (const when of [
      'state.mail != null && state.mail.endsWith("@example.com")',
      "state.level in ['gold', 'platinum'] || params.acr_values == 'mfa'",
      'exists(state.sub) && !empty(state.tags) && state.tags.length <= 10',
      'request.ip.startsWith("10.") && request.userAgent.matches("^Mozilla/")',
    ])
      expect(checkExpression(when)).toBeUndefined();
  });
});

function registry(): NodeRegistry {
  const r = new NodeRegistry();
  r.register(expression as never);
  return r;
}

describe('expression at flow load', () => {
  it('a bad expression is ERR_EXPRESSION at /nodes/<id>/config/rules/<i>/when, with the column and the fix', () => {
    const flow = {
      id: 'f',
      version: 1,
      description: 'A test flow.',
      start: 'route',
      nodes: {
        route: {
          type: 'expression',
          config: {
            rules: [
              { when: 'state.ok == true', outcome: 'fine' },
              { when: 'state.__proto__ != null', outcome: 'bad' },
              { when: 'state.a +', outcome: 'worse' },
            ],
            default: 'other',
          },
          outcomes: { fine: 'success', bad: 'failure', worse: 'failure', other: 'failure' },
        },
      },
    };
    const result = validateFlow(flow, registry());
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['ERR_EXPRESSION', '/nodes/route/config/rules/1/when'],
      ['ERR_EXPRESSION', '/nodes/route/config/rules/2/when'],
    ]);
    expect(problems[0]?.message).toBe(
      'expression at column 7: "__proto__" is refused: it would reach JavaScript\'s object machinery, not your data; name a field of the data instead.',
    );
    expect(problems[1]?.message).toMatch(/^expression at column 10: syntax error/);
  });

  it('a good flow loads and each outcome is wired as declared', () => {
    const flow = {
      id: 'f',
      version: 1,
      description: 'A test flow.',
      start: 'route',
      nodes: {
        route: {
          type: 'expression',
          config: { rules: [{ when: 'state.mail.endsWith("@example.com")', outcome: 'staff' }], default: 'guest' },
          outcomes: { staff: 'success', guest: 'failure' },
        },
      },
    };
    expect(validateFlow(flow, registry()).ok).toBe(true);
  });
});

testNodeConfigs(expression, {
  valid: [
    { rules: [], default: 'none' },
    { rules: [{ when: 'state.a == 1', outcome: 'one' }], default: 'other' },
  ],
  invalid: [
    { name: 'no default', config: { rules: [] }, pointer: '/default' },
    {
      name: 'a condition object (that is decision)',
      config: { rules: [{ when: { exists: 'state.a' }, outcome: 'a' }], default: 'b' },
      pointer: '/rules/0/when',
    },
    { name: 'an empty when', config: { rules: [{ when: '', outcome: 'a' }], default: 'b' }, pointer: '/rules/0/when' },
    { name: 'a bad outcome name', config: { rules: [{ when: 'true', outcome: '1st' }], default: 'b' }, pointer: '/rules/0/outcome' },
    {
      name: 'a syntax error',
      config: { rules: [{ when: 'state.a ==', outcome: 'a' }], default: 'b' },
      pointer: '/rules/0/when',
      message: /column 11: syntax error/,
    },
    {
      name: 'prototype access',
      config: { rules: [{ when: 'state.constructor', outcome: 'a' }], default: 'b' },
      pointer: '/rules/0/when',
      message: /"constructor" is refused/,
    },
    { name: 'too long', config: { rules: [{ when: 'x'.repeat(1001), outcome: 'a' }], default: 'b' }, pointer: '/rules/0/when' },
  ],
});
