import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/** The ajv instance type this package compiles with. */
export type Ajv = Ajv2020;

/**
 * A draft 2020-12 ajv with formats, reporting every error (`allErrors`) and filling in
 * `default`s. Strict about schema keywords, so a typo in a node type's config schema
 * (`"requried"`) fails at flow load instead of silently accepting anything.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv2020({
    allErrors: true,
    useDefaults: true,
    verbose: true,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
  });
  // ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose
  // `default` is the plugin again; go through `.default` so tsc and node agree.
  formats.default(ajv);
  return ajv;
}
