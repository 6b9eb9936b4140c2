import { readFileSync } from 'node:fs';
import { describe, it, expect } from '@jest/globals';
import * as policy from '@waymark/policy';

/* The README is the reference: it names every export and every error code, and this test keeps it so. */
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const INDEX = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');

describe('README of @waymark/policy', () => {
  it('names every export of the index (values and types)', () => {
    const names = [...INDEX.matchAll(/export (?:type )?\{([^}]+)\}/g)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()).filter(Boolean));
    expect(names).toEqual(expect.arrayContaining(Object.keys(policy)));
    // Named in code: `name`, `name(…)`.
    for (const name of names) expect(README).toMatch(new RegExp('`' + name + '\\b'));
  });

  it('lists every error code', () => {
    for (const code of Object.keys(policy.POLICY_ERRORS)) expect(README).toContain(`\`${code}\``);
  });
});
