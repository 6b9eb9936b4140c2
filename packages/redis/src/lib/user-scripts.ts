import { createHash } from 'node:crypto';
import type { Script } from './scripts.js';

/*
 * The user directory's scripts (see user-store.ts for the key layout). Each declares its three
 * keys, all under the `{users}` hash tag. Records are JSON strings Lua never decodes (numbers
 * keep their precision); the attribute index holds, per `<name>=<JSON value>`, a JSON array of
 * subs (strings only, which cjson round-trips), removed when it empties (cjson would encode an
 * empty array as {}).
 */

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

const INDEX = `
local function unindex(field, sub)
  local raw = redis.call('HGET', KEYS[3], field)
  if not raw then return end
  local kept = {}
  for _, s in ipairs(cjson.decode(raw)) do if s ~= sub then table.insert(kept, s) end end
  if #kept == 0 then redis.call('HDEL', KEYS[3], field) else redis.call('HSET', KEYS[3], field, cjson.encode(kept)) end
end
local function index(field, sub)
  local raw = redis.call('HGET', KEYS[3], field)
  local list = raw and cjson.decode(raw) or {}
  for _, s in ipairs(list) do if s == sub then return end end
  table.insert(list, sub)
  redis.call('HSET', KEYS[3], field, cjson.encode(list))
end
`;

/**
 * KEYS: records, names, index. ARGV: sub, normalised username, record JSON, index fields…
 * 1 created, 0 refused (the username or the sub is taken).
 */
export const USER_CREATE = script(
  'user-create',
  `${INDEX}
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 or redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
for i = 4, #ARGV do index(ARGV[i], ARGV[1]) end
return 1`,
);

/**
 * Compare-and-set of one record. KEYS: records, names, index. ARGV: sub, the record JSON as
 * read, the new record JSON, the number of old index fields, the old fields…, the new fields…
 * 1 replaced, 0 changed since it was read, -1 unknown sub.
 */
export const USER_REPLACE = script(
  'user-replace',
  `${INDEX}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return -1 end
if current ~= ARGV[2] then return 0 end
local old = tonumber(ARGV[4])
for i = 5, 4 + old do unindex(ARGV[i], ARGV[1]) end
for i = 5 + old, #ARGV do index(ARGV[i], ARGV[1]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`,
);
