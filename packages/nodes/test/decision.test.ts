import { describe, it, expect } from '@jest/globals';
import { decision } from '@waymark/nodes';
import { runNode } from '@waymark/testing';

const decide = (when: unknown, options: Parameters<typeof runNode>[1] = {}) =>
  runNode(decision, { config: { rules: [{ when, outcome: 'yes' }], default: 'no' }, ...options });

/** The JSON pointers a config is refused at when the flow loads (ERR_FLOW_CONFIG of this type), or 'accepted'. */
async function refusedAt(type: string, run: () => Promise<unknown>): Promise<string[] | 'accepted'> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    expect(error).toMatchObject({ code: 'ERR_FLOW_CONFIG', details: { type } });
    return [...new Set((error as { details: { problems: { pointer: string }[] } }).details.problems.map((p) => p.pointer))].sort();
  }
}

describe('decision', () => {
  it('declares the rule outcomes and the default as its outcomes', () => {
    const outcomes = decision.outcomes as (c: unknown) => readonly string[];
    expect(outcomes({ rules: [{ when: { exists: 'state.a' }, outcome: 'a' }, { when: { exists: 'state.b' }, outcome: 'a' }], default: 'z' })).toEqual(['a', 'z']);
  });

  it('takes the first matching rule, in order', async () => {
    const r = await runNode(decision, {
      config: { rules: [{ when: { exists: 'state.x' }, outcome: 'first' }, { when: { exists: 'state.x' }, outcome: 'second' }], default: 'none' },
      state: { x: 1 },
    });
    expect(r).toMatchObject({ outcome: 'first', reason: 'rule:0' });
  });

  it('falls back to the default outcome', async () => {
    expect(await decide({ exists: 'state.missing' })).toMatchObject({ outcome: 'no', reason: 'default' });
  });

  it('equals compares state values, including nested paths', async () => {
    expect((await decide({ equals: ['state.risk.level', 'LOW'] }, { state: { risk: { level: 'LOW' } } })).outcome).toBe('yes');
    expect((await decide({ equals: ['state.risk.level', 'LOW'] }, { state: { risk: { level: 'HIGH' } } })).outcome).toBe('no');
  });

  it('in checks membership', async () => {
    expect((await decide({ in: ['params.acr_values', ['mfa', 'strong']] }, { params: { acr_values: 'mfa' } })).outcome).toBe('yes');
    expect((await decide({ in: ['params.acr_values', ['mfa']] }, { params: { acr_values: 'basic' } })).outcome).toBe('no');
  });

  it('exists is false for missing and null values', async () => {
    expect((await decide({ exists: 'state.a' }, { state: { a: null } })).outcome).toBe('no');
    expect((await decide({ exists: 'state.a' }, { state: { a: false } })).outcome).toBe('yes');
  });

  it('matches reads request headers', async () => {
    const when = { matches: ['request.headers.user-agent', '^Mozilla/5\\.0 .*Android'] };
    expect((await decide(when, { request: { headers: { 'User-Agent': 'Mozilla/5.0 (Linux; Android 14)' } } })).outcome).toBe('yes');
    expect((await decide(when, { request: { headers: { 'User-Agent': 'curl/8' } } })).outcome).toBe('no');
  });

  it('cidr matches IPv4, IPv4-mapped and IPv6 request IPs', async () => {
    const when = { cidr: ['request.ip', ['10.0.0.0/8', '2001:db8::/32']] };
    expect((await decide(when, { request: { ip: '10.1.2.3' } })).outcome).toBe('yes');
    expect((await decide(when, { request: { ip: '::ffff:10.1.2.3' } })).outcome).toBe('yes');
    expect((await decide(when, { request: { ip: '2001:db8:ffff::1' } })).outcome).toBe('yes');
    expect((await decide(when, { request: { ip: '11.0.0.1' } })).outcome).toBe('no');
  });

  it('cidr reads par.ip', async () => {
    const r = await decide({ cidr: ['par.ip', '203.0.113.0/24'] }, { par: { clientId: 'c', ip: '203.0.113.9', params: {} } });
    expect(r.outcome).toBe('yes');
  });

  it('compares numbers (and numeric strings) with gt/gte/lt/lte', async () => {
    expect((await decide({ gt: ['state.score', 50] }, { state: { score: 51 } })).outcome).toBe('yes');
    expect((await decide({ gt: ['state.score', 50] }, { state: { score: 50 } })).outcome).toBe('no');
    expect((await decide({ gte: ['state.score', 50] }, { state: { score: 50 } })).outcome).toBe('yes');
    expect((await decide({ lt: ['params.max_age', 60] }, { params: { max_age: '30' } })).outcome).toBe('yes');
    expect((await decide({ lte: ['state.score', 10] }, { state: { score: 'ten' } })).outcome).toBe('no');
  });

  it('combines with all, any and not', async () => {
    const when = { all: [{ exists: 'state.sub' }, { any: [{ equals: ['state.level', 'LOW'] }, { equals: ['state.level', 'MEDIUM'] }] }, { not: { equals: ['state.blocked', true] } }] };
    expect((await decide(when, { state: { sub: 'a', level: 'MEDIUM' } })).outcome).toBe('yes');
    expect((await decide(when, { state: { sub: 'a', level: 'MEDIUM', blocked: true } })).outcome).toBe('no');
    expect((await decide(when, { state: { sub: 'a', level: 'HIGH' } })).outcome).toBe('no');
  });

  it('cannot reach secrets, and never copies one into state, its reason or its logs', async () => {
    const when = { any: [{ equals: ['state.password', 'hunter2'] }, { exists: 'state.password' }, { exists: 'journey.secrets' }] };
    const r = await decide(when, { state: { sub: 'alice' }, secrets: { password: 'hunter2' } });
    expect(r.outcome).toBe('no');
    expect(r.state).toEqual({ sub: 'alice' });
    expect(JSON.stringify([r.state, r.reason, r.logs, r.effects])).not.toContain('hunter2');
    expect(r.secrets).toEqual({ password: 'hunter2' });
  });

  it('cannot walk the prototype chain', async () => {
    expect((await decide({ exists: 'state.constructor' }, { state: {} })).outcome).toBe('no');
    expect((await decide({ exists: 'state.__proto__' }, { state: {} })).outcome).toBe('no');
  });

  it('refuses catastrophic regexes (nested quantifiers, quantified alternation, backreferences) at flow load', async () => {
    for (const pattern of ['^(a+)+$', '(a*)*b', '^(a|aa)+$', '(x)\\1']) {
      expect(await refusedAt('decision', () => decide({ matches: ['state.s', pattern] }, { state: { s: 'aaaa' } }))).toEqual(['/rules/0/when/matches/1']);
    }
  });

  it('still accepts ordinary patterns with groups and alternations', async () => {
    expect((await decide({ matches: ['state.s', '^(foo|bar)-[0-9]+$'] }, { state: { s: 'bar-42' } })).outcome).toBe('yes');
  });

  it('refuses over-long patterns and unknown refs at flow load', async () => {
    expect(await refusedAt('decision', () => decide({ matches: ['state.s', 'a'.repeat(200)] }))).toBe('accepted');
    expect(await refusedAt('decision', () => decide({ matches: ['state.s', 'a'.repeat(201)] }))).toEqual(['/rules/0/when/matches/1']);
    expect(await refusedAt('decision', () => decide({ exists: 'secrets.password' }))).toEqual(['/rules/0/when/exists']);
    expect(await refusedAt('decision', () => decide({ equals: ['state.a', 1], exists: 'state.b' }))).toEqual(['/rules/0/when']);
  });

  it('does not match an over-long subject', async () => {
    expect((await decide({ matches: ['state.s', 'a'] }, { state: { s: 'a'.repeat(5000) } })).outcome).toBe('no');
  });

  it('refuses a bad CIDR', async () => {
    const r = await decide({ cidr: ['request.ip', '10.0.0.0/33'] });
    expect(r.outcome).toBe('error');
  });
});
