/**
 * A parameter name as it may appear in an error description or a log line: printable ASCII,
 * at most 64 characters. Names come from the caller; values are never shown at all.
 */
export function printableName(name: string): string {
  const clean = name.replace(/[^\x20-\x7E]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean;
}
