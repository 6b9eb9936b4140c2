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

/**
 * The control plane (flows, clients) under one hash tag, `<prefix>{control}:<kind>`: the keys
 * one change touches live on one Cluster shard, so one Lua script changes them atomically.
 *
 *   waymark:{control}:flows              hash  flow id → FlowEntry JSON
 *   waymark:{control}:flow-versions      hash  <id>@<version> → FlowVersionRecord JSON
 *   waymark:{control}:flows-revision     counter, incremented by every flow change
 *   waymark:{control}:clients            hash  client id → ClientRecord JSON (without revision)
 *   waymark:{control}:client-revisions   hash  client id → revision
 *   waymark:{control}:clients-revision   counter, incremented by every client change
 */
export type ControlKind = 'flows' | 'flow-versions' | 'flows-revision' | 'clients' | 'client-revisions' | 'clients-revision';

export function controlKey(prefix: string, kind: ControlKind): string {
  return `${prefix}{control}:${kind}`;
}

/** The pub/sub channel a change of the flows or the clients is published on (the new revision). */
export function controlChannel(prefix: string, store: 'flows' | 'clients'): string {
  return `${prefix}control:${store}`;
}
