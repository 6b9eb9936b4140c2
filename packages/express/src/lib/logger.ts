import type { Logger } from '@waymark/sdk';

/**
 * The default logger: one JSON line per event on stderr, `info` and above. Fields are the
 * caller's responsibility: the adapter never passes a parameter value, a secret or a token.
 */
export const jsonLogger: Logger = {
  debug: () => undefined,
  info: (message, fields) => write('info', message, fields),
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};

const RESERVED = new Set(['level', 'time', 'message']);
let lastMs = NaN;
let lastIso = '';

/** The ISO time, formatted once per millisecond (a busy server logs several lines per ms). */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/**
 * The line is exactly `JSON.stringify({ level, time, message, ...fields })`, built field by field:
 * no merged object per line (one is written per request). Fields that would override the first
 * three keys take the plain path, which gives the same text.
 */
function write(level: string, message: string, fields: Record<string, unknown> = {}): void {
  const keys = Object.keys(fields);
  let line = `{"level":${JSON.stringify(level)},"time":"${isoNow()}","message":${JSON.stringify(message)}`;
  for (const key of keys) {
    if (RESERVED.has(key)) {
      line = JSON.stringify({ level, time: isoNow(), message, ...fields });
      process.stderr.write(`${line}\n`);
      return;
    }
    const value = JSON.stringify(fields[key], undefined);
    if (value !== undefined) line += `,${JSON.stringify(key)}:${value}`;
  }
  process.stderr.write(`${line}}\n`);
}
