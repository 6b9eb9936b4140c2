import { createInterface } from 'node:readline';
import { CliError } from './errors.js';

/** What `waymark run` reads answers from: process.stdin, or any stream in tests. */
export type AnswerInput = NodeJS.ReadableStream & {
  /** True for a terminal (a TTY); then `setRawMode` turns the terminal's echo off and on. */
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
};

/** Asks one question and resolves with the answer; `hidden` answers are not shown as typed. */
export type Ask = (prompt: string, options: { hidden: boolean }) => Promise<string>;

const ENDED = 'run: the input ended while the journey was waiting for an answer';

/**
 * Reads the answers of a journey from `input`, writing each prompt with `write`.
 *
 * - Not a terminal (a pipe, a file, a test stream): one line per answer, as typed; a hidden
 *   answer is read the same way (nothing echoes a pipe).
 * - A terminal: a visible answer is a line the terminal echoes and edits as usual; a hidden one
 *   (a password) is read with the terminal in raw mode, so nothing echoes what is typed. Enter
 *   ends it, Backspace removes the last character, Ctrl-C cancels (`ERR_CLI_CANCELLED`), Ctrl-D
 *   on an empty answer ends the input. The terminal is back in its normal mode afterwards,
 *   whatever happened.
 */
export function answerReader(input: AnswerInput, write: (s: string) => void): Ask {
  if (input.isTTY === true && typeof input.setRawMode === 'function') return terminalReader(input, write);
  const lines = createInterface({ input, terminal: false })[Symbol.asyncIterator]();
  return async (prompt) => {
    write(`${prompt}: `);
    const next = await lines.next();
    if (next.done) throw new CliError('ERR_CLI_USAGE', ENDED);
    return String(next.value);
  };
}

function terminalReader(input: AnswerInput, write: (s: string) => void): Ask {
  const setRaw = (raw: boolean) => void input.setRawMode?.(raw);
  let buffered = '';
  let ended = false;
  let wake: (() => void) | undefined;
  input.setEncoding?.('utf8');
  input.on('data', (chunk: string | Buffer) => {
    buffered += String(chunk);
    wake?.();
  });
  input.on('end', () => {
    ended = true;
    wake?.();
  });
  /** Waits for more input (or its end). */
  const more = () =>
    new Promise<void>((resolve) => {
      wake = () => {
        wake = undefined;
        resolve();
      };
    });

  async function visibleLine(): Promise<string> {
    for (;;) {
      const nl = buffered.indexOf('\n');
      if (nl !== -1) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        return line;
      }
      if (ended) throw new CliError('ERR_CLI_USAGE', ENDED);
      await more();
    }
  }

  async function hiddenLine(): Promise<string> {
    let answer = '';
    for (;;) {
      while (buffered.length > 0) {
        const ch = buffered[0] as string;
        buffered = buffered.slice(1);
        if (ch === '\r' || ch === '\n') {
          if (ch === '\r' && buffered.startsWith('\n')) buffered = buffered.slice(1);
          return answer;
        }
        if (ch === '\u0003') throw new CliError('ERR_CLI_CANCELLED', 'run: cancelled (Ctrl-C) while reading a hidden answer');
        if (ch === '\u0004') {
          if (answer === '') throw new CliError('ERR_CLI_USAGE', ENDED);
          continue;
        }
        if (ch === '\u007f' || ch === '\b') {
          answer = [...answer].slice(0, -1).join('');
          continue;
        }
        if (ch === '\u001b') {
          // An escape sequence (arrow keys, …): drop it, it is no part of a password.
          buffered = buffered.replace(/^\[[0-9;]*[A-Za-z~]|^O[A-Za-z]|^./s, '');
          continue;
        }
        if (ch >= ' ') answer += ch;
      }
      if (ended) throw new CliError('ERR_CLI_USAGE', ENDED);
      await more();
    }
  }

  return async (prompt, { hidden }) => {
    if (!hidden) {
      write(`${prompt}: `);
      return visibleLine();
    }
    // Echo off before the prompt shows: keys typed as soon as it appears must not echo.
    setRaw(true);
    write(`${prompt}: `);
    try {
      return await hiddenLine();
    } finally {
      setRaw(false);
      // The Enter was not echoed either: end the prompt's line.
      write('\n');
    }
  };
}
