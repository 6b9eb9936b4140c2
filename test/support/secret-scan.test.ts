import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { RedisAuditStore, RedisJourneyLogStore } from '@waymark/redis';
import type { Redis } from 'ioredis';
import { pendingTaps } from './secret-scan.js';
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

describe('the taps', () => {
  const tapped = (source: string, needle: string) => pendingTaps().some((r) => r.source === source && r.text.includes(needle));

  it('record what the Redis audit store and journey log are given, before Redis is asked', async () => {
    // A client that is not connected: the stores refuse at once (fail fast), after the tap.
    const redis = { status: 'end' } as unknown as Redis;
    const audit = new RedisAuditStore({ redis, prefix: 'scan:' });
    const journeys = new RedisJourneyLogStore({ redis, prefix: 'scan:' });
    await expect(
      audit.append({ id: 'e1', time: 1, type: 'par.accepted', outcome: 'accepted', requestId: 'tap-audit-1' }),
    ).rejects.toThrow();
    await expect(
      journeys.record({ id: 'tap-journey-1', flowId: 'login', flowVersion: 1, status: 'live', startedAt: 1, updatedAt: 1, trace: [] }),
    ).rejects.toThrow();
    expect(tapped('redis audit event', 'tap-audit-1')).toBe(true);
    expect(tapped('redis journey record', 'tap-journey-1')).toBe(true);
  });

  it("record what a child process prints on a piped stdout and stderr, with the test file's name", async () => {
    const child = spawn(process.execPath, ['-e', "console.log('tap-child-out'); console.error('tap-child-err')"], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await once(child, 'close');
    expect(out).toContain('tap-child-out'); // the test's own reader still gets everything
    expect(tapped('child stdout', 'tap-child-out')).toBe(true);
    expect(tapped('child stderr', 'tap-child-err')).toBe(true);
    expect(pendingTaps().find((r) => r.source === 'child stdout')?.file).toMatch(/secret-scan\.test\.ts$/);
  });
});
