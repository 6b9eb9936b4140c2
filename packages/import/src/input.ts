import { IMPORT_ERRORS, ImportError } from './errors.js';

/** One file of an export, as read by the caller (the CLI reads files and folders; the importer reads nothing itself). */
export interface ImportFile {
  /** The path as shown in messages (relative to what the user named). */
  path: string;
  text: string;
}

/** The largest export the importer reads, in bytes (all files together). */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface ImportOptions {
  /** Default DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /** The input as the user named it, for the report. */
  input?: string;
}

export function checkSize(files: readonly ImportFile[], maxBytes = DEFAULT_MAX_BYTES): void {
  let total = 0;
  for (const f of files) {
    total += Buffer.byteLength(f.text, 'utf8');
    if (total > maxBytes)
      throw new ImportError(
        IMPORT_ERRORS.ERR_IMPORT_TOO_LARGE,
        `${f.path}: the export is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, more than the importer reads: split it (one tree or flow per file) and import the parts`,
        { where: f.path, maxBytes },
      );
  }
}

/** Parses one JSON file, or throws ERR_IMPORT_PARSE naming the file, line and column. */
export function parseJson(file: ImportFile): unknown {
  const text = file.text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    let where = '';
    if (at) {
      const offset = Number(at[1]);
      const before = text.slice(0, offset).split('\n');
      where = ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    } else if (/end of (JSON )?input|Unterminated/i.test(message)) {
      where = ' at its end (the file looks truncated)';
    }
    throw new ImportError(
      IMPORT_ERRORS.ERR_IMPORT_PARSE,
      `${file.path}: not valid JSON${where}: ${message.split('\n')[0]}; export it again (the file may be truncated)`,
      { where: file.path },
    );
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
