import type { Logger } from '@waymark/sdk';

/**
 * The default logger: one JSON line per event on stderr, `info` and above. Fields are the
 * caller's responsibility: the adapter never passes a parameter value, a secret or a token.
 *
 * Lines are written once per event-loop turn, all of that turn's lines in one write (a busy
 * server logs an access line per request; one write per line was a system call each). `warn`
 * and `error` lines, and the process exiting, write everything pending at once, in order.
 */
export const jsonLogger: Logger = {
  debug: () => undefined,
  info: (message, fields) => queue(line('info', message, fields)),
  warn: (message, fields) => writeNow(line('warn', message, fields)),
  error: (message, fields) => writeNow(line('error', message, fields)),
};

/** Pending lines past this many characters are written at once rather than at the end of the turn. */
const MAX_PENDING = 64 * 1024;
let pending = '';
let scheduled = false;

function flush(): void {
  scheduled = false;
  if (pending === '') return;
  const text = pending;
  pending = '';
  process.stderr.write(text);
}

function queue(text: string): void {
  pending += text;
  if (pending.length >= MAX_PENDING) flush();
  else if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

function writeNow(text: string): void {
  pending += text;
  flush();
}

// Whatever is pending when the process exits (process.exit, an uncaught exception) is written.
process.once('exit', flush);

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
 * The line is exactly `JSON.stringify({ level, time, message, ...fields })` and a newline:
 * fields that would override the first three keys take the merged path, which gives the same
 * text; otherwise the fields are stringified as they are, with no merged object per line.
 */
function line(level: string, message: string, fields: Record<string, unknown> = {}): string {
  const head = `{"level":"${level}","time":"${isoNow()}","message":${JSON.stringify(message)}`;
  for (const key in fields) if (RESERVED.has(key)) return `${JSON.stringify({ level, time: isoNow(), message, ...fields })}\n`;
  const rest = JSON.stringify(fields);
  return rest === '{}' ? `${head}}\n` : `${head},${rest.slice(1)}\n`;
}
