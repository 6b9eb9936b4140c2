import { BlockList, isIP } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import maxmind, { type Reader, type Response } from 'maxmind';
import { normalizeIp } from '@waymark/sdk';
import { countryCentroid } from './centroids.js';

/** Where an IP is, at country level. */
export interface GeoLocation {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** The country's centroid (see centroids.ts), when the table knows the country. */
  lat?: number;
  lon?: number;
}

interface CountryRecord {
  country_code?: string;
}

/* Addresses that locate nowhere: private, loopback, link-local, CGNAT, documentation and other
 * special-purpose ranges (RFC 6890). The shipped database answers some of them (it puts
 * 192.168.1.1 and 203.0.113.7 in AU), so they are filtered before any lookup. */
const special = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) special.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) special.addSubnet(net, prefix, 'ipv6');

/** True for addresses that have no geographic location (private, loopback, documentation…). */
export function isSpecialAddress(ip: string): boolean {
  const text = normalizeIp(ip);
  if (text === undefined) return true;
  return special.check(text, isIP(text) === 4 ? 'ipv4' : 'ipv6');
}

function defaultDatabasePath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json')), 'geo-whois-asn-country.mmdb');
}

/* One reader per database file for the whole process, opened on first use (load ~20 ms,
 * +36 MB), never per request. */
const readers = new Map<string, Promise<Reader<Response>>>();

function reader(path: string | undefined): Promise<Reader<Response>> {
  const file = path ?? defaultDatabasePath();
  let r = readers.get(file);
  if (!r) {
    r = maxmind.open<Response>(file);
    // A failed open is not cached: the operator may fix the file and the next lookup retries.
    r.catch(() => readers.delete(file));
    readers.set(file, r);
  }
  return r;
}

/**
 * Locates an IP at country level with the shipped CC0 `geo-whois-asn-country` database, or an
 * operator-supplied mmdb file of the same shape (`{ country_code }`). Special-purpose addresses
 * and addresses the database does not know give undefined: no location, not an error.
 *
 * @example
 * await locateIp('217.160.0.1'); // { country: 'DE', lat: 51.2, lon: 10.4 }
 * await locateIp('10.0.0.1');    // undefined
 */
export async function locateIp(ip: string, databasePath?: string): Promise<GeoLocation | undefined> {
  if (isSpecialAddress(ip)) return undefined;
  const text = normalizeIp(ip);
  if (text === undefined) return undefined;
  // The reader is typed for MaxMind's own shapes; this database's records are `{ country_code }`.
  const record = (await reader(databasePath)).get(text) as CountryRecord | null;
  const country = record?.country_code;
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) return undefined;
  const centroid = countryCentroid(country);
  return centroid ? { country, lat: centroid[0], lon: centroid[1] } : { country };
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km (haversine, mean Earth radius). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
