import { createHash, randomBytes } from 'node:crypto';
import UAParser from 'ua-parser-js';

/** A device id is 16 random bytes, base64url: 22 characters. Anything else in the cookie is ignored. */
const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/;

/** A fresh, unguessable device id for the device cookie. */
export function newDeviceId(): string {
  return randomBytes(16).toString('base64url');
}

/** The device id from a cookie value, when it has the shape this server issues. */
export function parseDeviceId(value: string | undefined): string | undefined {
  return value !== undefined && DEVICE_ID.test(value) ? value : undefined;
}

/** What is stored about a device: never the id itself (it is a bearer value), only its hash. */
export function hashDeviceId(id: string): string {
  return createHash('sha256').update(`waymark-device:${id}`).digest('base64url');
}

/* `sec-ch-ua` lists brands with versions and a GREASE brand that changes between releases
 * ("Not-A.Brand", "Not/A)Brand"): keep the real brand names only, sorted. */
function brands(secChUa: string | undefined): string[] {
  if (!secChUa) return [];
  const names: string[] = [];
  for (const m of secChUa.matchAll(/"([^"]{1,64})"\s*;\s*v="[^"]*"/g)) {
    const name = m[1];
    if (name !== undefined && !/not.?a.?brand/i.test(name)) names.push(name);
  }
  return names.sort();
}

/**
 * A coarse fingerprint of the client: browser family, OS, device type and client hints (brands
 * without versions, platform). Versions are left out so a browser update is not a new device.
 * On its own it is too coarse to identify a device (risk-notes); it backs up the device cookie.
 *
 * @example
 * deviceFingerprint('Mozilla/5.0 (Macintosh; …) Chrome/124.0.0.0 Safari/537.36', { platform: '"macOS"' });
 */
export function deviceFingerprint(userAgent: string | undefined, hints: { ua?: string; platform?: string } = {}): string {
  const ua = new UAParser(userAgent ?? '').getResult();
  const parts = [
    ua.browser.name ?? '',
    ua.os.name ?? '',
    ua.device.type ?? 'desktop',
    brands(hints.ua).join(','),
    (hints.platform ?? '').replace(/"/g, '').trim(),
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}
