import { WaymarkError } from '@waymark/sdk';

/**
 * Every code the importer raises. A published code is never reused. Each error names the place
 * (file, tree or flow, node id) and the fix; the CLI prints it and writes nothing.
 */
export const IMPORT_ERRORS = {
  /** The export is not JSON (truncated, a stray character): names the file, line and column. */
  ERR_IMPORT_PARSE: 'ERR_IMPORT_PARSE',
  /** The input is JSON but no known export format (AIC platform-UI, frodo single/multi-tree, Amster, DaVinci): names what was found. */
  ERR_IMPORT_FORMAT: 'ERR_IMPORT_FORMAT',
  /** A tree or flow refers to a node that is not in the export (a connection, the entry node, a page child): names both. */
  ERR_IMPORT_MISSING_NODE: 'ERR_IMPORT_MISSING_NODE',
  /** Inner trees (or DaVinci subflows) call each other in a cycle: names the chain. */
  ERR_IMPORT_RECURSION: 'ERR_IMPORT_RECURSION',
  /** The export is larger than the importer reads (default 20 MB): names the file and the limit. */
  ERR_IMPORT_TOO_LARGE: 'ERR_IMPORT_TOO_LARGE',
  /** A journey reached an `import.placeholder` node: the source node was not mapped; replace the placeholder. */
  ERR_IMPORT_PLACEHOLDER: 'ERR_IMPORT_PLACEHOLDER',
} as const;

export type ImportErrorCode = keyof typeof IMPORT_ERRORS;

/** A coded importer error; `details.where` names the file, tree and node. */
export class ImportError extends WaymarkError {
  constructor(code: ImportErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'ImportError';
  }
}
