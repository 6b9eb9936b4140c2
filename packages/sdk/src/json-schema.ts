/**
 * A small JSON Schema → TypeScript mapper, enough for node configs: objects with
 * `properties` / `required` / `default`, arrays, enums, consts, primitives, `oneOf`/`anyOf`.
 * Declare schemas `as const` so the literal types survive. Unknown shapes map to `unknown`,
 * never to `any`.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema, loosely typed: ajv in `@waymark/core` is the judge of its validity. */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type FromType<T, S> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { readonly items: infer I }
            ? FromSchema<I>[]
            : unknown[]
          : T extends 'object'
            ? FromObject<S>
            : unknown;

type RequiredKeys<S> = S extends { readonly required: readonly (infer R)[] } ? R & string : never;
type DefaultedKeys<P> = { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P];

type FromObject<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P as K extends RequiredKeys<S> | DefaultedKeys<P> ? K : never]: FromSchema<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> | DefaultedKeys<P> ? never : K]?: FromSchema<P[K]>;
      }
    >
  : { [key: string]: unknown };

/**
 * The TypeScript type of the values a JSON Schema accepts (after ajv applied its defaults:
 * properties with a `default` are present).
 *
 * @example
 * const schema = { type: 'object', properties: { n: { type: 'integer', default: 3 } } } as const;
 * type Config = FromSchema<typeof schema>; // { n: number }
 */
export type FromSchema<S> = S extends { readonly const: infer C }
  ? C
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly oneOf: readonly (infer O)[] }
      ? FromSchema<O>
      : S extends { readonly anyOf: readonly (infer O)[] }
        ? FromSchema<O>
        : S extends { readonly type: readonly (infer T)[] }
          ? FromType<T, S>
          : S extends { readonly type: infer T }
            ? FromType<T, S>
            : unknown;
