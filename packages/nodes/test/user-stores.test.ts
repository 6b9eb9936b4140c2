import * as jest from '@jest/globals';
import { describe, it, expect } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileUserStore, MemoryUserStore, parseUsersFile } from '@waymark/nodes';
import { userStoreConformance } from '@waymark/testing';

userStoreConformance('memory', async () => ({ store: new MemoryUserStore(), cleanup: async () => {} }), jest);

async function usersFile(users: unknown[] = []): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'waymark-user-store-'));
  const path = join(dir, 'users.json');
  await writeFile(path, JSON.stringify({ users }));
  return { dir, path };
}

// Two instances over one file stand for two parts of one process (services.users and a node's usersFile).
userStoreConformance(
  'file',
  async () => {
    const { dir, path } = await usersFile();
    return { store: new FileUserStore(path), peers: [new FileUserStore(path)], cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  jest,
);

describe('MemoryUserStore', () => {
  it('starts with the given users and refuses one listed twice', async () => {
    const store = new MemoryUserStore([{ sub: 'u-1', username: 'alice', attributes: {} }]);
    expect((await store.findByUsername('ALICE'))?.sub).toBe('u-1');
    expect(
      () =>
        new MemoryUserStore([
          { sub: 'u-1', username: 'a', attributes: {} },
          { sub: 'u-2', username: 'A', attributes: {} },
        ]),
    ).toThrow(/appears twice/);
  });
});

describe('FileUserStore writes', () => {
  it('replaces the file atomically: valid JSON after every write, no temporary file left', async () => {
    const { dir, path } = await usersFile();
    try {
      const store = new FileUserStore(path);
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.create({ username: `user${i}`, attributes: { i } })));
      expect(await readdir(dir)).toEqual(['users.json']);
      const users = parseUsersFile(await readFile(path, 'utf8'), path);
      expect(users.map((u) => u.username).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `user${i}`).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the file afresh before each write: an edit by hand is kept', async () => {
    const { dir, path } = await usersFile([{ sub: 'u-1', username: 'alice', attributes: {} }]);
    try {
      const store = new FileUserStore(path);
      expect(await store.findByUsername('bob')).toBeUndefined();
      await writeFile(
        path,
        JSON.stringify({
          users: [
            { sub: 'u-1', username: 'alice', attributes: {} },
            { sub: 'u-2', username: 'bob', attributes: {} },
          ],
        }),
      );
      expect(await store.create({ username: 'BOB' })).toBeUndefined();
      await store.setLocked('u-2', true);
      expect((await store.findByUsername('bob'))?.locked).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails a write on a broken file with ERR_USERS_FILE and leaves the file as it was', async () => {
    const { dir, path } = await usersFile();
    try {
      await writeFile(path, '{ "users": [');
      const store = new FileUserStore(path);
      await expect(store.create({ username: 'x' })).rejects.toMatchObject({ code: 'ERR_USERS_FILE' });
      expect(await readFile(path, 'utf8')).toBe('{ "users": [');
      // The queue goes on after a failure.
      await writeFile(path, '{ "users": [] }');
      expect(await store.create({ username: 'x' })).toMatchObject({ username: 'x' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('checks the new fields of a users file, naming the entry', () => {
    const entry = (extra: object) => JSON.stringify({ users: [{ sub: 'u', username: 'a', ...extra }] });
    expect(parseUsersFile(entry({ locked: true, loginCount: 3, lastLoginAt: 5 }))[0]).toMatchObject({
      locked: true,
      loginCount: 3,
      lastLoginAt: 5,
    });
    expect(parseUsersFile(entry({}))[0]!.passwordHash).toBeUndefined();
    expect(() => parseUsersFile(entry({ locked: 'yes' }))).toThrow(
      expect.objectContaining({ code: 'ERR_USERS_FILE', details: expect.objectContaining({ pointer: '/users/0/locked' }) }),
    );
    expect(() => parseUsersFile(entry({ loginCount: -1 }))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ pointer: '/users/0/loginCount' }) }),
    );
    expect(() => parseUsersFile(entry({ lastLoginAt: 'today' }))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ pointer: '/users/0/lastLoginAt' }) }),
    );
    expect(() => parseUsersFile(entry({ passwordHash: 'plain' }))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ pointer: '/users/0/passwordHash' }) }),
    );
  });
});
