import { createHash } from 'node:crypto';
import type { Script } from './scripts.js';

/*
 * The control-plane scripts (see keys.ts for the layout). Each declares every key it touches,
 * all under the `{control}` hash tag, and ends a change with INCR of the revision counter and a
 * PUBLISH of the new revision, so a change and its notification are one atomic step. A refused
 * change touches nothing (the revision stays put). Flow entries are small JSON objects of
 * integers and strings that Lua's cjson decodes and encodes without loss (epoch ms have 13
 * digits, under cjson's 14 significant ones).
 */

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS: entries, versions, revision. ARGV: id, expected latest ('' = must not exist), version,
 * record JSON, activate ('1'/'0'), savedAt, savedBy, channel. 1 saved, 0 refused.
 */
export const FLOW_SAVE = script(
  'flow-save',
  `local raw = redis.call('HGET', KEYS[1], ARGV[1])
local version = tonumber(ARGV[3])
local entry
if raw then
  entry = cjson.decode(raw)
  local latest = entry.versions[#entry.versions]
  if ARGV[2] == '' or tonumber(ARGV[2]) ~= latest or version <= latest then return 0 end
  table.insert(entry.versions, version)
  if ARGV[5] == '1' then entry.activeVersion = version end
else
  if ARGV[2] ~= '' then return 0 end
  entry = { id = ARGV[1], versions = { version }, activeVersion = version }
end
entry.updatedAt = tonumber(ARGV[6])
entry.updatedBy = ARGV[7]
redis.call('HSET', KEYS[2], ARGV[1] .. '@' .. ARGV[3], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
redis.call('PUBLISH', ARGV[8], redis.call('INCR', KEYS[3]))
return 1`,
);

/** KEYS: entries, revision. ARGV: id, version, by, at, expected active ('' = any), channel. 1 done, 0 refused. */
export const FLOW_ACTIVATE = script(
  'flow-activate',
  `local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
local version = tonumber(ARGV[2])
local found = false
for _, v in ipairs(entry.versions) do if v == version then found = true end end
if not found then return 0 end
if ARGV[5] ~= '' and entry.activeVersion ~= tonumber(ARGV[5]) then return 0 end
entry.activeVersion = version
entry.updatedAt = tonumber(ARGV[4])
entry.updatedBy = ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
redis.call('PUBLISH', ARGV[6], redis.call('INCR', KEYS[2]))
return 1`,
);

/** KEYS: records, revisions. The two hashes, read at one instant. */
export const CLIENT_LIST = script('client-list', `return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]) }`);

/**
 * KEYS: records, revisions, revision. ARGV: client id, expected revision ('' = must not
 * exist), record JSON, channel. The new revision, or 0 when refused.
 */
export const CLIENT_PUT = script(
  'client-put',
  `local current = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
if ARGV[2] == '' then
  if current then return 0 end
elseif current == nil or current ~= tonumber(ARGV[2]) then
  return 0
end
local nextRevision = (current or 0) + 1
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], nextRevision)
redis.call('PUBLISH', ARGV[4], redis.call('INCR', KEYS[3]))
return nextRevision`,
);

/** KEYS: records, revisions, revision. ARGV: client id, expected revision ('' = any), channel. 1 deleted, 0 refused. */
export const CLIENT_DELETE = script(
  'client-delete',
  `local current = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
if current == nil then return 0 end
if ARGV[2] ~= '' and current ~= tonumber(ARGV[2]) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[3], redis.call('INCR', KEYS[3]))
return 1`,
);
