import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FlowProblem } from '@waymark/core';
import { CliError } from './errors.js';

/** Reads a file named on the command line, relative to `cwd`; a failure is ERR_CLI_FILE. */
export async function readArgumentFile(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new CliError('ERR_CLI_FILE', `cannot read ${file} (${reason}): check the path (relative paths start at ${cwd})`, { file });
  }
}

/** `file: /pointer CODE message`, one problem per line; the root pointer prints as `/`. */
export function formatProblem(file: string, problem: FlowProblem): string {
  return `${file}: ${problem.pointer || '/'} ${problem.code} ${problem.message}\n`;
}
