import type { Request } from 'express';
import { badRequest } from '../errors.js';

/** Reads the query parameters of a list route; every malformed one is a 400 naming it. */
export class QueryReader {
  readonly #query: Record<string, unknown>;
  readonly #allowed: ReadonlySet<string>;

  constructor(req: Request, allowed: readonly string[]) {
    this.#query = req.query as Record<string, unknown>;
    this.#allowed = new Set(allowed);
    for (const name of Object.keys(this.#query))
      if (!this.#allowed.has(name)) throw badRequest(name, `is not a query parameter of this route; use ${allowed.join(', ')}`);
  }

  /** A single text value, at most 256 characters. */
  text(name: string): string | undefined {
    const value = this.#query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '' || value.length > 256) throw badRequest(name, 'must be given once, 1 to 256 characters');
    return value;
  }

  /** One of `values`. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.text(name);
    if (value !== undefined && !(values as readonly string[]).includes(value))
      throw badRequest(name, `must be one of ${values.join(', ')}`);
    return value as T | undefined;
  }

  /** A time: epoch milliseconds, or an RFC 3339 date-time such as 2026-01-31T12:00:00Z. */
  time(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const ms = /^\d{1,15}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) throw badRequest(name, 'must be epoch milliseconds or an RFC 3339 date-time such as 2026-01-31T12:00:00Z');
    return ms;
  }

  /** The page size, 1 to 1000. */
  limit(): number | undefined {
    const value = this.text('limit');
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d{1,4}$/.test(value) || n < 1 || n > 1000) throw badRequest('limit', 'must be a whole number from 1 to 1000');
    return n;
  }
}

/** Leaves out the keys whose value is undefined (stores take absent, not undefined, filters). */
export function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
