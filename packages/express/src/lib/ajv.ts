import AjvModule from 'ajv';

/*
 * The one place that touches ajv. `@waymark/express` is written for ajv 8, but until its
 * package.json declares `ajv` (see README, "Dependencies"), Node resolves the hoisted copy,
 * which may be ajv 6. Both expose `new Ajv(options).compile(schema)`; they differ in the
 * option that makes error paths JSON pointers (v6 `jsonPointers`, v8 always) and in the
 * error field (v6 `dataPath`, v8 `instancePath`). This wrapper hides both, and the schemas it
 * compiles stick to draft-07 keywords that mean the same in either.
 */

/** One schema violation, with a JSON pointer into the validated value. */
export interface SchemaViolation {
  pointer: string;
  keyword: string;
  params: Readonly<Record<string, unknown>>;
  message: string;
}

export type CompiledSchema = (value: unknown) => SchemaViolation[];

interface AjvErrorLike {
  keyword: string;
  instancePath?: string;
  dataPath?: string;
  params: Record<string, unknown>;
  message?: string;
}
interface ValidateLike {
  (value: unknown): boolean;
  errors?: AjvErrorLike[] | null;
}
type AjvConstructor = new (options: Record<string, unknown>) => { compile(schema: object): ValidateLike };

const moduleValue = AjvModule as unknown as AjvConstructor & { default?: AjvConstructor };
const isAjv8 = typeof moduleValue.default === 'function';
const Ajv: AjvConstructor = moduleValue.default ?? moduleValue;
const ajv = new Ajv(isAjv8 ? { allErrors: true, useDefaults: true, strict: true } : { allErrors: true, useDefaults: true, jsonPointers: true });

/**
 * Compiles a schema once; the returned function validates (applying `default`s in place) and
 * lists every violation.
 */
export function compileSchema(schema: object): CompiledSchema {
  const validate = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => ({
      pointer: e.instancePath ?? e.dataPath ?? '',
      keyword: e.keyword,
      params: e.params,
      message: e.message ?? 'is invalid',
    }));
  };
}
