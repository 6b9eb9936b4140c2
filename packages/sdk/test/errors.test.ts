import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type * as sdk from '@waymark/sdk';
import { WaymarkError } from '@waymark/sdk';

/*
 * Two copies of @waymark/sdk in one process (a plugin installed with its own node_modules, a
 * bundler that duplicated the package): the second copy is the SDK's source copied to a temp
 * folder and imported from there, so it is a distinct module with a distinct WaymarkError class.
 */
type Sdk = typeof sdk;
let copyDir: string;
let other: Sdk;

beforeAll(async () => {
  copyDir = mkdtempSync(join(tmpdir(), 'waymark-sdk-copy-'));
  cpSync(fileURLToPath(new URL('../src/', import.meta.url)), copyDir, { recursive: true });
  other = (await import(join(copyDir, 'index.ts'))) as Sdk;
});
afterAll(() => rmSync(copyDir, { recursive: true, force: true }));

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('WaymarkError across two copies of the SDK', () => {
  it('loads a second, distinct copy of the class', () => {
    expect(other.WaymarkError).not.toBe(WaymarkError);
    expect(Object.getPrototypeOf(new other.WaymarkError('ERR_X', 'x'))).not.toBe(WaymarkError.prototype);
  });

  it('an error of the other copy is instanceof this WaymarkError, and the other way round', () => {
    const theirs = thrownBy(() => other.defineNode({} as never));
    expect((theirs as { code?: string }).code).toBe('ERR_NODE_DEFINITION');
    expect(theirs instanceof WaymarkError).toBe(true);
    expect(new WaymarkError('ERR_X', 'x') instanceof other.WaymarkError).toBe(true);
  });

  it('a subclass built on the other copy is instanceof this WaymarkError and of its own class', () => {
    class TheirError extends other.WaymarkError {}
    const error = new TheirError('ERR_THEIRS', 'theirs');
    expect(error instanceof WaymarkError).toBe(true);
    expect(error instanceof other.WaymarkError).toBe(true);
    expect(error instanceof TheirError).toBe(true);
    expect(error instanceof Error).toBe(true);
  });

  it('a subclass matches only its own instances, whatever copy the base came from', () => {
    class TheirError extends other.WaymarkError {}
    class OurError extends WaymarkError {}
    class OurOtherError extends WaymarkError {}
    expect(new WaymarkError('ERR_X', 'x') instanceof OurError).toBe(false);
    expect(new other.WaymarkError('ERR_X', 'x') instanceof OurError).toBe(false);
    expect(new TheirError('ERR_X', 'x') instanceof OurError).toBe(false);
    expect(new OurError('ERR_X', 'x') instanceof TheirError).toBe(false);
    expect(new OurOtherError('ERR_X', 'x') instanceof OurError).toBe(false);
    expect(new OurError('ERR_X', 'x') instanceof OurError).toBe(true);
  });

  it('nothing without the brand matches: plain errors, look-alikes, primitives, hostile proxies (without throwing)', () => {
    const plain = Object.assign(new Error('x'), { code: 'ERR_X', details: {} });
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    );
    for (const value of [plain, { code: 'ERR_X', name: 'WaymarkError' }, null, undefined, 'ERR_X', 42, hostile])
      expect(value instanceof WaymarkError).toBe(false);
  });

  it('keeps the brand off the instance: not an own property, not serialised', () => {
    const error = new WaymarkError('ERR_X', 'x', { field: 'a' });
    expect(Reflect.ownKeys(error)).not.toContain(Symbol.for('waymark.error'));
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'WaymarkError', code: 'ERR_X', details: { field: 'a' } });
  });
});
