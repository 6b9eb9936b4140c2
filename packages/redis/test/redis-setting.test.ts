import { describe, it, expect } from '@jest/globals';
import { ConfigInvalidError, compileConfigSchema } from '@waymark/core';
import { parseRedisSetting, redactRedisUrl, redisLocation, redisSettingSchema } from '@waymark/redis';

/* The Redis setting a host reads from its configuration: one schema, one error shape
 * (ERR_CONFIG_INVALID, the JSON pointer, the fix), no credential in any message. */

function problemsOf(raw: unknown, at = '/redis'): { pointer: string; message: string }[] {
  try {
    parseRedisSetting(raw, { at, subject: 'config' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).code).toBe('ERR_CONFIG_INVALID');
    return (error as ConfigInvalidError).problems.map(({ pointer, message }) => ({ pointer, message }));
  }
  throw new Error(`parseRedisSetting accepted ${JSON.stringify(raw)}`);
}

describe('parseRedisSetting', () => {
  it('reads a URL, { url, prefix }, a Cluster and Sentinel, with the defaults filled in', () => {
    expect(parseRedisSetting('rediss://u:p@10.0.0.5:6380/2', { source: 'WAYMARK_REDIS_URL' })).toEqual({
      kind: 'url',
      url: 'rediss://u:p@10.0.0.5:6380/2',
      prefix: 'waymark:',
      source: 'WAYMARK_REDIS_URL',
    });
    expect(parseRedisSetting({ url: 'redis://127.0.0.1:6379', prefix: 'app:' })).toMatchObject({ kind: 'url', prefix: 'app:' });
    expect(parseRedisSetting({ cluster: ['redis://10.0.0.1:7000', '10.0.0.2', { host: '::1' }, '[::1]:7002'], password: 'pw' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
        { host: '::1', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      password: 'pw',
      prefix: 'waymark:',
      source: 'the Redis setting',
    });
    expect(
      parseRedisSetting({ sentinels: ['10.0.0.1', { host: '10.0.0.2', port: 5000 }], name: 'mymaster', sentinelPassword: 's' }),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 5000 },
      ],
      name: 'mymaster',
      db: 0,
      sentinelPassword: 's',
      prefix: 'waymark:',
      source: 'the Redis setting',
    });
  });

  it('never changes the object it was given (defaults go into a copy)', () => {
    const setting = { sentinels: [{ host: '10.0.0.1' }], name: 'mymaster' };
    parseRedisSetting(setting);
    expect(setting).toEqual({ sentinels: [{ host: '10.0.0.1' }], name: 'mymaster' });
  });

  it('names the pointer and the fix of each malformed setting (ERR_CONFIG_INVALID)', () => {
    const bad: [unknown, string, RegExp][] = [
      ['http://127.0.0.1:6379', '/redis', /Expected: a Redis URL, redis:\/\//],
      [{ url: 'redis://127.0.0.1:6379', cluster: ['127.0.0.1:7000'] }, '/redis/cluster', /exactly one of "url", "cluster" or "sentinels"/],
      [{ url: 'redis://127.0.0.1:6379', prefix: 'a{b}:' }, '/redis/prefix', /no \{ or \}/],
      [{ url: 'redis://127.0.0.1:6379', ttl: 5 }, '/redis/ttl', /takes url, prefix/],
      [{ prefix: 'x:' }, '/redis/url', /exactly one of "url", "cluster" or "sentinels"/],
      [{ cluster: [] }, '/redis/cluster', /fewer than 1 items.*Expected: the Cluster nodes/],
      [{ cluster: ['redis://user:pw@10.0.0.1:6379'] }, '/redis/cluster/0', /without credentials \(put the password in "password"/],
      [{ cluster: ['10.0.0.1:99999'] }, '/redis/cluster/0', /use a port from 1 to 65535/],
      [{ sentinels: ['10.0.0.1:26379'] }, '/redis/name', /"name" is missing: add it\. Expected: the master name/],
      [{ sentinels: [{ port: 26379 }], name: 'mymaster' }, '/redis/sentinels/0/host', /"host" is missing/],
      [{ sentinels: ['10.0.0.1'], name: 'm', db: -1 }, '/redis/db', /Expected: the database number/],
      [42, '/redis', /must be a string or an object/],
    ];
    for (const [raw, pointer, fix] of bad) {
      const problems = problemsOf(raw);
      expect({ raw, pointers: problems.map((p) => p.pointer) }).toEqual({ raw, pointers: expect.arrayContaining([pointer]) });
      expect({ raw, message: problems.find((p) => p.pointer === pointer)?.message }).toEqual({ raw, message: expect.stringMatching(fix) });
    }
  });

  it('reports every problem at once, each on its own line with its pointer', () => {
    let message = '';
    try {
      parseRedisSetting(
        { cluster: ['10.0.0.1:6379', 7], prefix: '{x}', pasword: 'typo' },
        { at: '/redis', subject: 'waymark.config.json' },
      );
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('waymark.config.json is invalid (3 problems):');
    expect(
      lines
        .slice(1)
        .map((l) => l.trim().split(':')[0])
        .sort(),
    ).toEqual(['/redis/cluster/1', '/redis/pasword', '/redis/prefix']);
  });

  it('never shows a password or a URL with credentials in a message', () => {
    const messages = [
      ...problemsOf('http://admin:hunter2-secret@10.0.0.1:6379'),
      ...problemsOf({ url: 'ftp://admin:hunter2-secret@10.0.0.1' }),
      ...problemsOf({ cluster: ['redis://admin:hunter2-secret@10.0.0.1:6379'] }),
      ...problemsOf({ sentinels: ['10.0.0.1'], name: 'm', password: 12345, sentinelPassword: ['hunter2-secret'] }),
    ]
      .map((p) => p.message)
      .join('\n');
    expect(messages).not.toMatch(/hunter2|admin|12345/);
    expect(messages).toContain('not shown');
  });

  it('is the schema a host embeds in its own configuration schema', () => {
    const host = compileConfigSchema<{ redis?: unknown }>(
      { type: 'object', properties: { redis: redisSettingSchema }, additionalProperties: false },
      'host config',
    );
    expect(host.problems({ redis: { sentinels: ['10.0.0.1'] } })).toEqual([
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', pointer: '/redis/name' }),
    ]);
  });
});

describe('redactRedisUrl and redisLocation', () => {
  it('remove the user name, the password and the query', () => {
    expect(redactRedisUrl('rediss://admin:pw@10.0.0.1:6380/3?password=pw')).toBe('rediss://10.0.0.1:6380/3');
    expect(redactRedisUrl('not a url :// pw')).toBe('(unparseable Redis URL)');
  });

  it('say where a topology points, without credentials', () => {
    expect(redisLocation(parseRedisSetting('redis://u:pw@127.0.0.1:6379/1'))).toBe('redis://127.0.0.1:6379/1');
    expect(redisLocation(parseRedisSetting({ cluster: ['10.0.0.1:7000', '[::1]:7001'], password: 'pw' }))).toBe(
      'cluster 10.0.0.1:7000,[::1]:7001',
    );
    expect(redisLocation(parseRedisSetting({ sentinels: ['10.0.0.1'], name: 'mymaster', password: 'pw' }))).toBe(
      'sentinel mymaster via 10.0.0.1:26379',
    );
  });
});
