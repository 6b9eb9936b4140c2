import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** PEM certificate and key. */
export interface Pems {
  cert: string;
  key: string;
}

const LOOPBACK_NAMES = [
  { type: 2 as const, value: 'localhost' },
  { type: 7 as const, ip: '127.0.0.1' },
];

/** A certificate authority, as an operator's private CA would be. */
export async function makeCa(): Promise<Pems> {
  const pems = await generate([{ name: 'commonName', value: 'Waymark Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A server certificate for localhost and 127.0.0.1: issued by `ca`, else self-signed. */
export async function makeLeaf(options: { ca?: Pems; notBefore?: Date; notAfter?: Date } = {}): Promise<Pems> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...(options.notBefore ? { notBeforeDate: options.notBefore } : {}),
    ...(options.notAfter ? { notAfterDate: options.notAfter } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: LOOPBACK_NAMES },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A fresh folder holding `files` (name → text). */
export function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-tls-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
