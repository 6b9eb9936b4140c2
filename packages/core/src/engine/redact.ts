import type { LiveJourney } from './live-journey.js';

/** A loggable line for whatever a node threw; a hostile value (no prototype, a throwing toString) must not throw here. */
export function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return `a thrown ${typeof error} that cannot be shown`;
  }
}

/** Removes every secret value and pushed parameter value from a string bound for a log. */
export function redact(text: string, live: LiveJourney): string {
  let out = text;
  const values = [
    ...Object.values(live.secrets).flatMap((s) => Object.values(s)),
    ...Object.values(live.params),
    ...Object.values(live.par?.params ?? {}),
  ];
  for (const v of values) if (typeof v === 'string' && v.length >= 6) out = out.split(v).join('[redacted]');
  return out;
}
