// Jest globalTeardown: removes the run's temporary folder (see global-setup.mjs).
import { rmSync } from 'node:fs';

export default function globalTeardown() {
  const run = process.env.WAYMARK_TEST_TMPDIR;
  if (run && /waymark-test-run-/.test(run)) rmSync(run, { recursive: true, force: true, maxRetries: 3 });
}
