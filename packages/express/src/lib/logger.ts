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

function write(level: string, message: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), message, ...fields })}\n`);
}
