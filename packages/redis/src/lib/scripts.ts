import { createHash } from 'node:crypto';

/**
 * The Lua scripts behind every read-check-write, each one atomic on the server and one round
 * trip (EVALSHA). Every script touches only KEYS[1], so all of them run on Redis Cluster.
 *
 * Hash fields: v = the JSON value (opaque to Lua, never re-encoded, so numbers keep their
 * precision), e = expiry in epoch ms on the injected clock (absent: never), r = journey
 * revision, s = transaction status, sub/res/act = transaction binding, n = counter count.
 *
 * The injected clock is authoritative: callers pass its `now` (ARGV[1] where present) and a
 * script treats an entry whose e <= now as gone (and deletes it). The PEXPIRE set alongside is
 * only garbage collection for entries nobody reads again.
 */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** ARGV: px (0 = no expiry), then field/value pairs. Replaces the whole entry. */
export const SET = script(
  'set',
  `redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
local px = tonumber(ARGV[1])
if px > 0 then redis.call('PEXPIRE', KEYS[1], px) end
return 1`,
);

/** ARGV: now, then the fields to return. Nil when absent (first field missing) or expired. */
export const GET = script(
  'get',
  `local e = redis.call('HGET', KEYS[1], 'e')
if e and tonumber(e) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
local values = redis.call('HMGET', KEYS[1], unpack(ARGV, 2))
if not values[1] then return false end
return values`,
);

/** ARGV: now. Get-and-delete: returns v when live; deletes in every case. */
export const TAKE = script(
  'take',
  `local cur = redis.call('HMGET', KEYS[1], 'v', 'e')
if not cur[1] then return false end
redis.call('DEL', KEYS[1])
if cur[2] and tonumber(cur[2]) <= tonumber(ARGV[1]) then return false end
return cur[1]`,
);

/**
 * ARGV: now, expected revision ('' = create only), value, e, px.
 * Returns the new revision, or 0 when the expectation does not hold.
 */
export const CAS = script(
  'cas',
  `local cur = redis.call('HMGET', KEYS[1], 'r', 'e')
local rev = tonumber(cur[1])
if rev and cur[2] and tonumber(cur[2]) <= tonumber(ARGV[1]) then rev = nil end
if ARGV[2] == '' then
  if rev then return 0 end
elseif rev == nil or rev ~= tonumber(ARGV[2]) then
  return 0
end
local nextRev = (rev or 0) + 1
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'r', nextRev, 'e', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return nextRev`,
);

/** ARGV: now. pending → authenticated when live; 1 on success, 0 otherwise. */
export const MARK_AUTHENTICATED = script(
  'mark-authenticated',
  `local cur = redis.call('HMGET', KEYS[1], 's', 'e')
if not cur[1] then return 0 end
if tonumber(cur[2]) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return 0
end
if cur[1] ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 's', 'authenticated')
return 1`,
);

/**
 * ARGV: now, sub, resource, action. Deletes and returns v when the transaction is
 * authenticated, live and bound to exactly this sub/resource/action; otherwise leaves it.
 */
export const CONSUME = script(
  'consume',
  `local cur = redis.call('HMGET', KEYS[1], 'v', 's', 'e', 'sub', 'res', 'act')
if not cur[1] then return false end
if tonumber(cur[3]) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
if cur[2] ~= 'authenticated' or cur[4] ~= ARGV[2] or cur[5] ~= ARGV[3] or cur[6] ~= ARGV[4] then
  return false
end
redis.call('DEL', KEYS[1])
return cur[1]`,
);

/**
 * ARGV: now, e of a new window, px of a new window. Adds one inside the live window, or opens
 * a new window (count 1) when there is none; the window never slides.
 */
export const INCREMENT = script(
  'increment',
  `local cur = redis.call('HMGET', KEYS[1], 'n', 'e')
if cur[1] and tonumber(cur[2]) > tonumber(ARGV[1]) then
  return redis.call('HINCRBY', KEYS[1], 'n', 1)
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'n', 1, 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`,
);
