import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigInvalidError, type ConfigProblem } from '@waymark/core';

/**
 * The config's `"tls"` key: HTTPS with a certificate and key from files (PEM, paths relative to
 * the config file), or `"self-signed"`, a development certificate for localhost, 127.0.0.1 and
 * ::1 made at start-up (refused in production). Absent: plain http (behind a proxy that
 * terminates TLS, or on a development machine).
 */
export type TlsSetting = { cert: string; key: string } | 'self-signed';

/** The JSON Schema of the config's `"tls"` key. */
export const tlsSettingSchema = {
  description:
    'HTTPS: { "cert": "cert.pem", "key": "key.pem" } (PEM files, relative to this file) or "self-signed" (a development certificate for localhost, 127.0.0.1 and ::1, made at start-up). Default: plain http',
  type: ['string', 'object'],
  if: { type: 'string' },
  then: { const: 'self-signed', description: '"self-signed", or an object { "cert": "cert.pem", "key": "key.pem" }' },
  else: {
    additionalProperties: false,
    required: ['cert', 'key'],
    properties: {
      cert: { type: 'string', minLength: 1, description: 'the PEM certificate file (the chain, leaf first), relative to this file' },
      key: { type: 'string', minLength: 1, description: 'the PEM private key file of the certificate, relative to this file' },
    },
  },
} as const;

/** What the server listens with. */
export interface TlsCredentials {
  /** PEM: the certificate chain, leaf first. */
  cert: string;
  /** PEM: the private key. Never logged. */
  key: string;
  /** The leaf certificate, parsed. */
  certificate: X509Certificate;
  /** True when the leaf signs itself: the "self-signed" setting, or such a file. */
  selfSigned: boolean;
  /** Where it came from: the files, or made at start-up. */
  source: 'files' | 'generated';
}

/** The names a development certificate covers: the loopback names and addresses. */
export const SELF_SIGNED_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/** Validity of a development certificate: a day is longer than any development run needs a process. */
const SELF_SIGNED_DAYS = 1;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

function firstLine(error: unknown): string {
  return (error as Error).message.split('\n')[0] ?? String(error);
}

function isSelfSigned(certificate: X509Certificate): boolean {
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

/**
 * Reads and checks the certificate and key files: both readable, PEM, the key the certificate's,
 * the certificate valid now. Every problem at once (ERR_CONFIG_INVALID naming `/tls/cert` or
 * `/tls/key` and the fix).
 */
function fromFiles(setting: { cert: string; key: string }, now: number, subject: string): TlsCredentials {
  const problems: ConfigProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ code: 'ERR_CONFIG_INVALID', pointer, message });
  const read = (pointer: string, path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      problem(
        pointer,
        `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? firstLine(error)}): check the path, relative to the config file`,
      );
      return undefined;
    }
  };
  const certText = read('/tls/cert', setting.cert);
  const keyText = read('/tls/key', setting.key);
  let certificate: X509Certificate | undefined;
  if (certText !== undefined) {
    try {
      if (!PEM_CERTIFICATE.test(certText)) throw new Error('no "-----BEGIN CERTIFICATE-----" block');
      certificate = new X509Certificate(certText);
    } catch (error) {
      problem(
        '/tls/cert',
        `${setting.cert} is not a PEM certificate (${firstLine(error)}): name the certificate file, "-----BEGIN CERTIFICATE-----", leaf first`,
      );
    }
  }
  let key: KeyObject | undefined;
  if (keyText !== undefined) {
    try {
      if (!PEM_PRIVATE_KEY.test(keyText)) throw new Error('no "-----BEGIN PRIVATE KEY-----" block');
      key = createPrivateKey(keyText);
    } catch (error) {
      problem(
        '/tls/key',
        `${setting.key} is not an unencrypted PEM private key (${firstLine(error)}): name the key file of the certificate (openssl pkey -in key.pem -out plain.pem removes a passphrase)`,
      );
    }
  }
  if (certificate !== undefined && key !== undefined && !certificate.checkPrivateKey(key))
    problem(
      '/tls/key',
      `${setting.key} is not the private key of the certificate in ${setting.cert}: name the key the certificate was issued for`,
    );
  if (certificate !== undefined) {
    if (Date.parse(certificate.validTo) <= now)
      problem('/tls/cert', `${setting.cert} expired on ${new Date(certificate.validTo).toISOString()}: renew the certificate`);
    else if (Date.parse(certificate.validFrom) > now)
      problem(
        '/tls/cert',
        `${setting.cert} is not valid before ${new Date(certificate.validFrom).toISOString()}: check the machine's clock or the certificate`,
      );
  }
  if (problems.length > 0 || certificate === undefined || certText === undefined || keyText === undefined)
    throw new ConfigInvalidError(subject, problems);
  return { cert: certText, key: keyText, certificate, selfSigned: isSelfSigned(certificate), source: 'files' };
}

/**
 * A development certificate for the loopback names, made with `selfsigned` (Node can make keys
 * but not certificates): EC P-256, SHA-256, server authentication only, valid for a day.
 * Imported on demand, so a server without it never loads the library.
 */
async function generated(now: number): Promise<TlsCredentials> {
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date(now - 60_000); // a minute back: clocks of client and server differ
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(now + SELF_SIGNED_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      // RFC 6125 §6.4.4: clients match the host against the subjectAltName, never the CN.
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private, certificate: new X509Certificate(pems.cert), selfSigned: true, source: 'generated' };
}

/**
 * The credentials of a `tls` setting (paths already absolute), or undefined for plain http.
 * Files are checked (ERR_CONFIG_INVALID naming `/tls/cert` or `/tls/key` and the fix);
 * `"self-signed"` makes a development certificate.
 *
 * @example
 * const tls = await loadTls({ cert: '/etc/waymark/cert.pem', key: '/etc/waymark/key.pem' });
 */
export async function loadTls(
  setting: TlsSetting | undefined,
  now: number = Date.now(),
  subject = 'config',
): Promise<TlsCredentials | undefined> {
  if (setting === undefined) return undefined;
  if (setting === 'self-signed') return generated(now);
  return fromFiles(setting, now, subject);
}

/** One start-up line: what the server presents, never the key. */
export function describeTls(tls: TlsCredentials): string {
  const fingerprint = tls.certificate.fingerprint256;
  if (tls.source === 'generated')
    return `tls: self-signed development certificate for ${SELF_SIGNED_NAMES.join(', ')} (SHA-256 ${fingerprint}); browsers and clients will not trust it unless told to`;
  return `tls: ${tls.certificate.subject.replace(/\n/g, ', ')}${tls.selfSigned ? ' (self-signed)' : ''}, valid until ${new Date(tls.certificate.validTo).toISOString()} (SHA-256 ${fingerprint})`;
}
