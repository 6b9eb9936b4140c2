import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
// @ts-expect-error: plain JavaScript modules of the test harness, without declarations.
import { scanRun } from './global-teardown.mjs';
// @ts-expect-error: as above.
import { leakIn, SUITE_SECRETS } from './suite-secrets.mjs';

describe('the end-of-run secret scan', () => {
  it('finds a suite secret, in plain or JSON-escaped form, and a compact JWT, and nothing in a clean line', () => {
    expect(leakIn('{"reason":"bad password correct horse battery staple"}')).toBe('correct horse battery staple');
    expect(leakIn(JSON.stringify({ secret: 'sécret:with/special+chars&more-than-32-characters' }))).toBe(
      'sécret:with/special+chars&more-than-32-characters',
    );
    expect(leakIn('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWhlcmU')).toMatch(/^a token/);
    expect(leakIn('{"type":"journey.ended","outcome":"success","sub":"alice","requestId":"req-1"}')).toBeUndefined();
    expect(SUITE_SECRETS.length).toBeGreaterThan(10);
  });

  it("reports every tapped record that leaks, naming the test file and the record's source", () => {
    const run = mkdtempSync(join(tmpdir(), 'waymark-scan-'));
    try {
      mkdirSync(join(run, 'secret-scan'));
      const line = (text: string, source: string) => JSON.stringify({ file: '/x/a.test.ts', source, text });
      writeFileSync(
        join(run, 'secret-scan', '1.jsonl'),
        `${line('{"outcome":"success"}', 'audit event')}\n${line('password correct horse battery staple', 'log info')}\n`,
      );
      expect(scanRun(run)).toEqual(['/x/a.test.ts (log info): correct horse battery staple in password correct horse battery staple']);
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  });
});
