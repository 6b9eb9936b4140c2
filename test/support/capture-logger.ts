import type { Logger } from '@waymark/sdk';
import { tap } from './secret-scan.js';

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps every line, so a test can assert what was (and was not) logged. */
export function captureLogger(): Logger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    // Every captured line is also scanned for the suite's secrets at the end of the run (secret-scan.ts).
    tap(`log ${level}`, JSON.stringify({ message, fields }));
    lines.push({ level, message, fields });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), text: () => JSON.stringify(lines) };
}
