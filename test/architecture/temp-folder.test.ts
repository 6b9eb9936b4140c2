import { tmpdir } from 'node:os';
import { describe, expect, it } from '@jest/globals';

describe('test runs and temporary folders', () => {
  it('put every temporary file of the run under one folder that globalTeardown removes', () => {
    const run = process.env.WAYMARK_TEST_TMPDIR;
    expect(run).toMatch(/waymark-test-run-[A-Za-z0-9]+$/);
    // os.tmpdir() (what every test and spawned server uses) is that folder.
    expect(tmpdir()).toBe(run);
  });
});
