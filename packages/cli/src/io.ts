import type { NodeRegistry } from '@waymark/core';

/** Somewhere to write text: `process.stdout`, or a buffer in tests. */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * Everything a command touches outside its arguments, so tests run commands in-process.
 *
 * @example
 * const out: string[] = [];
 * const code = await main(['validate', 'flows/login.json'], { stdout: { write: (s) => out.push(s) }, stderr: process.stderr, cwd: process.cwd() });
 */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /**
   * Where `waymark run` reads answers from; default an empty stream. A stream with `isTTY` and
   * `setRawMode` (process.stdin on a terminal) gets passwords read without echo.
   */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /**
   * The environment commands read: `WAYMARK_SECRET_<NAME>` for `run` (default none), `PORT` for
   * `serve` (default process.env). bin.ts passes process.env.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths and plugin names resolve from here. */
  cwd: string;
  /** Builds the node registry from plugin names; defaults to `createCliRegistry`. */
  registry?: (pluginNames: readonly string[], cwd: string) => Promise<NodeRegistry>;
}

/** Exit codes of every command. */
export const EXIT = {
  /** Done, nothing wrong. */
  OK: 0,
  /** The command ran and found problems (an invalid flow). */
  PROBLEMS: 1,
  /** The command could not run as asked: unknown command or flag, missing argument, unreadable file, plugin load failure. */
  USAGE: 2,
} as const;
