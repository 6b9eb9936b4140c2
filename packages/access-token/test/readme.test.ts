import { readFileSync } from 'node:fs';
import { describe, it, expect } from '@jest/globals';
import * as accessToken from '@waymark/access-token';

/* The README is the reference: it names every export and every error code, and this test keeps it so. */
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const INDEX = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');

describe('README of @waymark/access-token', () => {
  it('names every export of the index (values and types)', () => {
    const names = [...INDEX.matchAll(/export (?:type )?\{([^}]+)\}/g)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()).filter(Boolean));
    expect(names).toEqual(expect.arrayContaining(Object.keys(accessToken)));
    // Named in code: `name`, `name(…)`, `name<…>`.
    for (const name of names) expect(README).toMatch(new RegExp('`' + name + '\\b'));
  });

  it('lists every error code', () => {
    for (const code of Object.keys(accessToken.ACCESS_TOKEN_ERRORS)) expect(README).toContain(`\`${code}\``);
    for (const reason of Object.keys(accessToken.ACCESS_TOKEN_REASONS)) expect(README).toContain(`\`${reason}\``);
  });
});
