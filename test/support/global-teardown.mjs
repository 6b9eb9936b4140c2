// Jest globalTeardown: scans what the run's Waymark code produced (secret-scan.ts) for the
// suite's secrets and for tokens, then removes the run's temporary folder (see global-setup.mjs).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { leakIn } from './suite-secrets.mjs';

/** Every leak in the run's tapped records, as "file (source): what". */
export function scanRun(run) {
  const dir = join(run, 'secret-scan');
  if (!existsSync(dir)) return [];
  const leaks = [];
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      const record = JSON.parse(line);
      const leak = leakIn(record.text);
      if (leak) leaks.push(`${record.file} (${record.source}): ${leak} in ${record.text.slice(0, 300)}`);
    }
  }
  return leaks;
}

export default function globalTeardown() {
  const run = process.env.WAYMARK_TEST_TMPDIR;
  if (!run || !/waymark-test-run-/.test(run)) return;
  const leaks = scanRun(run);
  rmSync(run, { recursive: true, force: true, maxRetries: 3 });
  if (leaks.length > 0)
    throw new Error(
      `secret scan: ${leaks.length} audit event(s), journey record(s) or log line(s) carry a secret or a token:\n${leaks.slice(0, 50).join('\n')}`,
    );
}
