import type { ErrorObject } from 'ajv/dist/2020.js';
import type { FlowProblem } from '../flow.js';
import { escapeToken } from './pointer.js';
import { didYouMean } from './suggest.js';

type SchemaNode = { description?: unknown; writeOnly?: unknown; properties?: Record<string, SchemaNode> };

function asSchema(value: unknown): SchemaNode | undefined {
  return value !== null && typeof value === 'object' ? (value as SchemaNode) : undefined;
}

/** A short rendering of a value for a message; long strings are cut (they may be anything). */
function show(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * What a message shows of the offending value. A schema marked `writeOnly` (JSON Schema's
 * annotation for a value that is written and never read back: passwords, keys, URLs that may
 * hold credentials) is never echoed, so a wrong secret cannot reach a log or a terminal.
 */
function shown(error: ErrorObject, parent: SchemaNode | undefined): string {
  return parent?.writeOnly === true ? 'the value (not shown: it is secret)' : show(error.data);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The keys a `not` schema of the form `{ required: [...] }` (and nothing else) forbids. */
function forbiddenKeys(schema: unknown): string[] {
  if (!isRecord(schema) || !Array.isArray(schema['required'])) return [];
  if (Object.keys(schema).some((k) => k !== 'required' && k !== 'description')) return [];
  return schema['required'].filter((k): k is string => typeof k === 'string');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function hint(schema: SchemaNode | undefined): string {
  const description = schema?.description;
  return typeof description === 'string' ? ` Expected: ${description}` : '';
}

/** What went wrong, how to fix it, and where (a pointer relative to the validated value). */
function describe(error: ErrorObject): { at: string; message: string } | undefined {
  const parent = asSchema(error.parentSchema);
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      return { at: `${at}/${escapeToken(missing)}`, message: `"${missing}" is missing: add it.${hint(parent?.properties?.[missing])}` };
    }
    case 'additionalProperties': {
      const extra = String(params['additionalProperty']);
      const known = Object.keys(parent?.properties ?? {});
      const allowed = known.length > 0 ? ` (allowed here: ${known.join(', ')})` : ' (no key is allowed here)';
      return {
        at: `${at}/${escapeToken(extra)}`,
        message: `unknown key "${extra}": remove it or fix its spelling${allowed}.${didYouMean(extra, known)}`,
      };
    }
    // The inner errors of `propertyNames` carry the offending name, those of `then`/`else` the
    // real problem; the outer one adds nothing (and would echo the value).
    case 'propertyNames':
    case 'if':
      return undefined;
    case 'not': {
      // `not: { required: [k] }` is how a schema forbids a key (under a condition, in `then`):
      // point at the key and say why, from the description of the schema that forbids it.
      const forbidden = forbiddenKeys(error.schema).filter((k) => isRecord(error.data) && Object.hasOwn(error.data, k));
      const why = typeof parent?.description === 'string' ? ` ${parent.description}` : '';
      if (forbidden.length > 0) {
        const key = forbidden[0] as string;
        return { at: `${at}/${escapeToken(key)}`, message: `"${key}" is not allowed here${why === '' ? ': remove it.' : `.${why}`}` };
      }
      return { at, message: `${shown(error, parent)} is not allowed here${why === '' ? ': change it so that it no longer matches the excluded form.' : `.${why}`}` };
    }
    case 'type':
      // A union (`type: ['string', 'object']`) reads "a string or an object".
      return {
        at,
        message: `${shown(error, parent)} must be ${String(params['type']).split(',').map(article).join(' or ')}.${hint(parent)}`,
      };
    case 'enum': {
      const allowed = Array.isArray(params['allowedValues']) ? params['allowedValues'].map(show).join(', ') : '';
      return { at, message: `${shown(error, parent)} is not allowed: use one of ${allowed}.${hint(parent)}` };
    }
    case 'const':
      return { at, message: `${shown(error, parent)} is not allowed: use ${show(params['allowedValue'])}.${hint(parent)}` };
    case 'pattern':
      return { at, message: `${shown(error, parent)} does not match ${String(params['pattern'])}.${hint(parent)}` };
    case 'format':
      return { at, message: `${shown(error, parent)} is not a valid ${String(params['format'])}.${hint(parent)}` };
    default:
      return { at, message: `${error.message ?? 'is invalid'} (got ${shown(error, parent)}).${hint(parent)}` };
  }
}

/**
 * Turns ajv errors (ajv `verbose` on) into flow problems. `base` is the pointer of the validated
 * value inside the flow document; `subject` prefixes each message (`config of ip.match` gives
 * `config of ip.match: "issuer" is missing: add it.`).
 */
export function ajvProblems(errors: readonly ErrorObject[] | null | undefined, code: string, base = '', subject = ''): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const error of errors ?? []) {
    const described = describe(error);
    if (described === undefined) continue;
    // An inner error of `propertyNames` points at the object; the name is the real place.
    const at = error.propertyName === undefined ? described.at : `${described.at}/${escapeToken(error.propertyName)}`;
    const message = error.propertyName === undefined ? described.message : `key ${described.message}`;
    problems.push({ code, pointer: base + at, message: subject === '' ? message : `${subject}: ${message}` });
  }
  return problems;
}
