import type { ImportFile, ImportOptions } from '../input.js';
import type { ImportResult } from '../aic/import.js';

export interface DavinciImportOptions extends ImportOptions {
  /** Subflow exports (--subflow), imported as flows of their own. */
  subflows?: readonly ImportFile[];
}

export function importDavinci(_file: ImportFile, _options: DavinciImportOptions = {}): ImportResult {
  throw new Error('not yet');
}
