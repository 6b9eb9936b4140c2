import type { Services } from '@waymark/sdk';

/**
 * Reads a named secret from `services.secretSource` (the operator's secret resolver, shared
 * with `risk.*`). Undefined when no source is wired or it does not know the name. What it
 * returns is a secret: never log it, never put it in state or an error.
 */
export async function readNamedSecret(services: Services, name: string): Promise<string | undefined> {
  const source = (services as { secretSource?: unknown }).secretSource;
  if (source === null || typeof source !== 'object' || typeof (source as { get?: unknown }).get !== 'function') return undefined;
  const value: unknown = await (source as { get(name: string): unknown }).get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
