import { createHash } from 'node:crypto';
import type { Script } from './scripts.js';

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/*
 * The audit stream (KEYS[1]). Entry ids are `<ms>-<seq>` with <ms> the event's time on the
 * injected clock, raised to the last entry's when a process's clock is behind (stream ids only
 * grow); the event keeps its own `time`. ARGV: capacity, min time kept, then time and JSON of
 * each event to append, in order (one event or a batch: one round trip either way).
 * MAXLEN ~ caps the count, MINID ~ drops entries past the retention time; both trim whole
 * stream nodes (cheap), so a few more than `capacity` may stay, never fewer.
 */
export const AUDIT_APPEND = script(
  'audit-append',
  `local last = 0
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if top[1] then last = tonumber(string.match(top[1][1], '^(%d+)')) or 0 end
for i = 3, #ARGV, 2 do
  local t = tonumber(ARGV[i])
  if last > t then t = last end
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], string.format('%d', t) .. '-*', 'v', ARGV[i + 1])
  last = t
end
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2])
return (#ARGV - 2) / 2`,
);

/*
 * The journey log: KEYS[1] a hash id → JSON, KEYS[2] a sorted set id by update sequence,
 * KEYS[3] a sorted set of finished ids by the time they expire, KEYS[4] the sequence counter.
 * ARGV: now, capacity, then id, JSON and expiry (0 for a live journey) of each record, in order
 * (one or a batch: one round trip either way). Replaces each record, then drops what expired and
 * the least recently updated past the capacity. Returns the last record's sequence.
 */
export const JOURNEY_RECORD = script(
  'journey-record',
  `local seq = 0
for i = 3, #ARGV, 3 do
  seq = redis.call('INCR', KEYS[4])
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], seq, ARGV[i])
  if tonumber(ARGV[i + 2]) > 0 then redis.call('ZADD', KEYS[3], ARGV[i + 2], ARGV[i]) else redis.call('ZREM', KEYS[3], ARGV[i]) end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
end
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[2])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  for _, id in ipairs(old) do
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
  end
end
return seq`,
);

/* KEYS as JOURNEY_RECORD's first two. ARGV: after (exclusive sequence), count. Returns seq, JSON pairs in update order. */
export const JOURNEY_PAGE = script(
  'journey-page',
  `local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #ids, 2 do
  out[#out + 1] = ids[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[1], ids[i]) or ''
end
return out`,
);
