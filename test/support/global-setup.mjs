// Jest globalSetup: every test run gets one temporary folder of its own, and everything the
// tests (and the servers they spawn: waymark serve, redis-server) create under os.tmpdir() lands
// in it. Workers and child processes inherit TMPDIR from here; global-teardown.mjs removes the
// folder, so a run leaves nothing behind in the machine's /tmp.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup() {
  const outer = tmpdir();
  const run = mkdtempSync(join(outer, 'waymark-test-run-'));
  process.env.WAYMARK_TEST_TMPDIR = run;
  process.env.TMPDIR = run;
}
