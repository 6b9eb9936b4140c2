import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { jsonLogger } from '../../src/lib/logger.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('jsonLogger (the default logger)', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('writes the info lines of one event-loop turn in one write, in order, as JSON lines', async () => {
    await nextTurn(); // nothing pending from before
    const writes: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (writes.push(String(chunk)), true));
    jsonLogger.info('par', { client: 'a', status: 201 });
    jsonLogger.info('authorize', { client: 'a', flow: 'f', ms: 3, skipped: undefined });
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    const lines = (writes[0] as string).split('\n');
    expect(lines.pop()).toBe('');
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 'info', message: 'par', client: 'a', status: 201 });
    expect(second).toEqual({ level: 'info', time: expect.any(String), message: 'authorize', client: 'a', flow: 'f', ms: 3 });
    expect(Object.keys(second as object)).toEqual(['level', 'time', 'message', 'client', 'flow', 'ms']);
  });

  it('writes a warning or an error at once, after the info lines still pending', async () => {
    await nextTurn();
    const writes: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (writes.push(String(chunk)), true));
    jsonLogger.info('first');
    jsonLogger.error('broken', { code: 'ERR_X' });
    expect(writes).toHaveLength(1);
    const messages = (writes[0] as string).trim().split('\n').map((l) => (JSON.parse(l) as { message: string; level: string }));
    expect(messages.map((m) => `${m.level}:${m.message}`)).toEqual(['info:first', 'error:broken']);
  });

  it('gives fields named level, time or message the same text JSON.stringify of the merged object gives', async () => {
    await nextTurn();
    const writes: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (writes.push(String(chunk)), true));
    jsonLogger.warn('m', { message: 'override', x: 1 });
    expect(JSON.parse(writes[0] as string)).toEqual({ level: 'warn', time: expect.any(String), message: 'override', x: 1 });
  });
});
