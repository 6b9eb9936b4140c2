// Jest setupFilesAfterEnv: taps what every test file's Waymark code produces (the memory and
// Redis audit stores' events, the memory and Redis journey logs' records, the capture loggers'
// lines, what reaches stdout, stderr and the console, and what child processes a test starts
// print on their stdout and stderr, when piped) into the run's scan folder; global-teardown.mjs then scans it
// all for the suite's secrets and for tokens (suite-secrets.mjs). Records that a test writes on
// purpose to check a filter are marked with `scanExempt`.
import { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from '@jest/globals';
import { MemoryAuditStore, MemoryJourneyLogStore } from '../../packages/core/src/stores/memory/control-stores.js';
import { RedisAuditStore, RedisJourneyLogStore } from '../../packages/redis/src/control-stores.js';

const dir = process.env.WAYMARK_TEST_TMPDIR && join(process.env.WAYMARK_TEST_TMPDIR, 'secret-scan');
let buffer: string[] = [];
let exempt = 0;

/** Records a line for the end-of-run scan. */
export function tap(source: string, text: string): void {
  if (!dir || exempt > 0) return;
  buffer.push(JSON.stringify({ file: expect.getState().testPath ?? 'setup', source, text }));
}

/** The records tapped in this test file and not yet written out (for the scan's own test). */
export function pendingTaps(): readonly { file: string; source: string; text: string }[] {
  return buffer.map((line) => JSON.parse(line) as { file: string; source: string; text: string });
}

/** Runs `fn` without tapping: for the few records a test writes, secret included, to prove a filter drops it. */
export async function scanExempt<T>(fn: () => Promise<T>): Promise<T> {
  exempt++;
  try {
    return await fn();
  } finally {
    exempt--;
  }
}

if (dir) {
  mkdirSync(dir, { recursive: true });
  const text = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  const append = MemoryAuditStore.prototype.append;
  MemoryAuditStore.prototype.append = function (event) {
    tap('audit event', text(event));
    return append.call(this, event);
  };
  const record = MemoryJourneyLogStore.prototype.record;
  MemoryJourneyLogStore.prototype.record = function (journey) {
    tap('journey record', text(journey));
    return record.call(this, journey);
  };
  const appendRedis = RedisAuditStore.prototype.append;
  RedisAuditStore.prototype.append = function (event) {
    tap('redis audit event', text(event));
    return appendRedis.call(this, event);
  };
  const recordRedis = RedisJourneyLogStore.prototype.record;
  RedisJourneyLogStore.prototype.record = function (journey) {
    tap('redis journey record', text(journey));
    return recordRedis.call(this, journey);
  };
  // Every child process (spawn, fork, exec: all go through ChildProcess#spawn): what it prints on a piped stdout or stderr.
  // (`spawn` is on the prototype but not in @types/node's class.)
  const proto = ChildProcess.prototype as unknown as { spawn: (this: ChildProcess, ...args: unknown[]) => unknown };
  const spawnChild = proto.spawn;
  proto.spawn = function (this: ChildProcess, ...args: unknown[]) {
    const result = spawnChild.apply(this, args);
    const file = expect.getState().testPath ?? 'setup';
    const tapChild = (source: string) => (chunk: unknown) => {
      if (exempt === 0) buffer.push(JSON.stringify({ file, source, text: Buffer.isBuffer(chunk) ? chunk.toString('utf8') : text(chunk) }));
    };
    this.stdout?.on('data', tapChild('child stdout'));
    this.stderr?.on('data', tapChild('child stderr'));
    return result;
  };
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      tap(stream === process.stdout ? 'stdout' : 'stderr', Buffer.isBuffer(chunk) ? chunk.toString('utf8') : text(chunk));
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      tap(`console.${level}`, args.map(text).join(' '));
      original.apply(console, args);
    };
  }
  afterAll(() => {
    if (buffer.length === 0) return;
    appendFileSync(join(dir, `${process.pid}.jsonl`), `${buffer.join('\n')}\n`);
    buffer = [];
  });
}
