/**
 * Key layout. Every key is `<prefix>{<id>}:<kind>`: the braces are a Redis Cluster hash tag,
 * so everything stored under one id hashes to one slot (one shard), and every script touches
 * exactly one key. Each key is a small hash (see lib/scripts.ts for its fields).
 *
 *   waymark:{<request id>}:par        pushed authorization request
 *   waymark:{<journey id>}:journey    persisted journey
 *   waymark:{<session id>}:session    session
 *   waymark:{<transaction id>}:tx     transactional-authorization decision
 *   waymark:{<counter key>}:counter   counter window
 *   waymark:{<kv key>}:kv             key-value document
 */
export type KeyKind = 'par' | 'journey' | 'session' | 'tx' | 'counter' | 'kv';

export function keyFor(prefix: string, kind: KeyKind, id: string): string {
  return `${prefix}{${id}}:${kind}`;
}
