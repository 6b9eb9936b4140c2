import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { FetchLike } from '../options.js';

/*
 * Remote key sets live at module level, one per URL and cache options, shared by every validator
 * of the process: jose caches the JWKS, refetches it on an unknown `kid` at most once per
 * cooldown, and when it is older than cacheMaxAge. A set per validator (or per request) would
 * fetch the JWKS for every journey that builds its own. The fetch is late-bound, so the caller's
 * fetch (the engine's `services.fetch`) is used even though the set outlives the caller.
 */

interface RemoteEntry {
  readonly set: JWTVerifyGetKey;
  fetch: FetchLike;
}

/** Bounded: a process talks to a handful of issuers; an unbounded map would grow with every distinct URL a flow names. */
const MAX_REMOTE_SETS = 256;
const remoteSets = new Map<string, RemoteEntry>();

export interface RemoteKeySetOptions {
  cooldownSeconds: number;
  cacheMaxAgeSeconds: number;
  timeoutMs: number;
}

/**
 * The shared key set of a JWKS URL. Returns a handle whose `use(fetch)` binds the fetch for the
 * next key lookup and returns the set.
 */
export function remoteKeySet(url: string, options: RemoteKeySetOptions): { use(fetch: FetchLike): JWTVerifyGetKey } {
  const key = JSON.stringify([url, options.cooldownSeconds, options.cacheMaxAgeSeconds, options.timeoutMs]);
  let entry = remoteSets.get(key);
  if (!entry) {
    const holder = { fetch: undefined as unknown as FetchLike } as { set: JWTVerifyGetKey; fetch: FetchLike };
    holder.set = createRemoteJWKSet(new URL(url), {
      cooldownDuration: options.cooldownSeconds * 1000,
      cacheMaxAge: options.cacheMaxAgeSeconds * 1000,
      timeoutDuration: options.timeoutMs,
      [customFetch]: (u: string, init: RequestInit) => holder.fetch(u, init),
    });
    if (remoteSets.size >= MAX_REMOTE_SETS) remoteSets.delete(remoteSets.keys().next().value as string);
    remoteSets.set(key, holder);
    entry = holder;
  }
  const found = entry;
  return {
    use(fetchImpl) {
      found.fetch = fetchImpl;
      return found.set;
    },
  };
}

/** The key set of an inline JWKS (no fetch). */
export function localKeySet(jwks: object): JWTVerifyGetKey {
  return createLocalJWKSet(jwks as JSONWebKeySet);
}
