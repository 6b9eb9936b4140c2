const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)?$/i;
const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/**
 * A size such as "16kb" in bytes (units b, kb, mb; 1 kb = 1024 bytes, as body-parser reads
 * it), or undefined when the text is not such a size.
 *
 * @example
 * parseByteSize('16kb'); // 16384
 */
export function parseByteSize(text: string): number | undefined {
  const match = SIZE.exec(text);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] as number));
}
