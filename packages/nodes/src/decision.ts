import { WaymarkError, defineNode, inCidr, parseCidr, parseIp, type CidrBlock } from '@waymark/sdk';
import { NODES_ERRORS } from './errors.js';
import { REF_SCHEMA, resolver } from './lib/refs.js';
import { MAX_PATTERN, MAX_SUBJECT, UNSAFE_PATTERN, safeRegex } from './lib/safe-regex.js';

const OUTCOME = '^[A-Za-z][A-Za-z0-9_-]*$';
const MAX_DEPTH = 16;

const ref = REF_SCHEMA;
const pair = (second: object) => ({ type: 'array', prefixItems: [ref, second], minItems: 2, maxItems: 2 }) as const;
const cond = { $ref: '#/$defs/condition' } as const;
const number = pair({ type: 'number' });

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules', 'default'],
  properties: {
    /** Checked in order; the first rule whose `when` holds picks the outcome. */
    rules: {
      type: 'array',
      maxItems: 100,
      description: 'Ordered rules [{ when: condition, outcome: name }].',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['when', 'outcome'],
        properties: { when: cond, outcome: { type: 'string', pattern: OUTCOME } },
      },
    },
    /** The outcome when no rule holds. */
    default: { type: 'string', pattern: OUTCOME, description: 'Outcome when no rule matches.' },
  },
  $defs: {
    condition: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        all: { type: 'array', minItems: 1, maxItems: 50, items: cond },
        any: { type: 'array', minItems: 1, maxItems: 50, items: cond },
        not: cond,
        equals: pair({}),
        in: pair({ type: 'array', maxItems: 100 }),
        exists: ref,
        matches: pair({ type: 'string', maxLength: MAX_PATTERN, format: 'regex', not: UNSAFE_PATTERN }),
        cidr: pair({ oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string' } }] }),
        gt: number,
        gte: number,
        lt: number,
        lte: number,
      },
    },
  },
} as const;

/** A compiled condition: a predicate over the values a ref names. */
type Predicate = (resolve: (ref: string) => unknown) => boolean;
type Condition = Record<string, unknown>;

function configError(message: string): never {
  throw new WaymarkError(NODES_ERRORS.ERR_DECISION_CONFIG, `decision: ${message}`, {});
}

function compileRegex(pattern: string): RegExp {
  const re = safeRegex(pattern);
  return re instanceof RegExp ? re : configError(re.error);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/.test(value)) return Number(value);
  return undefined;
}

function operands(c: Condition, op: string): [string, unknown] {
  const v = c[op];
  if (!Array.isArray(v) || typeof v[0] !== 'string') configError(`"${op}" takes [ref, value]`);
  return [v[0] as string, v[1]];
}

function compile(c: unknown, depth: number): Predicate {
  if (depth > MAX_DEPTH) configError(`conditions nest deeper than ${MAX_DEPTH}`);
  if (c === null || typeof c !== 'object' || Array.isArray(c)) configError('a condition is an object with one operator');
  const cnd = c as Condition;
  const [op, ...extra] = Object.keys(cnd);
  if (op === undefined || extra.length > 0) configError('a condition has exactly one operator');
  const compare = (test: (a: number, b: number) => boolean): Predicate => {
    const [r, n] = operands(cnd, op);
    if (typeof n !== 'number') configError(`"${op}" compares with a number`);
    return (get) => {
      const v = toNumber(get(r));
      return v !== undefined && test(v, n);
    };
  };
  switch (op) {
    case 'all':
    case 'any': {
      const parts = (Array.isArray(cnd[op]) ? (cnd[op] as unknown[]) : configError(`"${op}" takes a list`)).map((p) => compile(p, depth + 1));
      return op === 'all' ? (get) => parts.every((p) => p(get)) : (get) => parts.some((p) => p(get));
    }
    case 'not': {
      const inner = compile(cnd.not, depth + 1);
      return (get) => !inner(get);
    }
    case 'equals': {
      const [r, value] = operands(cnd, op);
      return (get) => jsonEqual(get(r), value);
    }
    case 'in': {
      const [r, values] = operands(cnd, op);
      if (!Array.isArray(values)) configError('"in" takes [ref, [values]]');
      return (get) => {
        const v = get(r);
        return values.some((x) => jsonEqual(v, x));
      };
    }
    case 'exists': {
      const r = cnd.exists;
      if (typeof r !== 'string') configError('"exists" takes a ref');
      return (get) => {
        const v = get(r);
        return v !== undefined && v !== null;
      };
    }
    case 'matches': {
      const [r, pattern] = operands(cnd, op);
      const re = compileRegex(String(pattern));
      return (get) => {
        const v = get(r);
        return typeof v === 'string' && v.length <= MAX_SUBJECT && re.test(v);
      };
    }
    case 'cidr': {
      const [r, spec] = operands(cnd, op);
      const blocks: CidrBlock[] = (Array.isArray(spec) ? spec : [spec]).map(
        (s) => (typeof s === 'string' ? parseCidr(s) : undefined) ?? configError(`${JSON.stringify(s)} is not a CIDR block`),
      );
      return (get) => {
        const ip = parseIp(get(r));
        return ip !== undefined && blocks.some((b) => inCidr(ip, b));
      };
    }
    case 'gt':
      return compare((a, b) => a > b);
    case 'gte':
      return compare((a, b) => a >= b);
    case 'lt':
      return compare((a, b) => a < b);
    case 'lte':
      return compare((a, b) => a <= b);
    default:
      return configError(`unknown operator "${op}"`);
  }
}

type Rules = { when?: unknown; outcome: string }[];
const compiled = new WeakMap<object, Predicate[]>();

/** Compiles a rules list once; the engine keeps the config object for the flow version's life. */
function compileRules(rules: Rules): Predicate[] {
  let predicates = compiled.get(rules);
  if (!predicates) {
    predicates = rules.map((r) => compile(r.when, 0));
    compiled.set(rules, predicates);
  }
  return predicates;
}

/**
 * `decision` — declarative branching, no scripts: ordered rules over the journey's state,
 * the request, the parameters and the pushed request; the first rule that holds names the
 * outcome, else `default`. Conditions: `all`, `any`, `not`, `equals`, `in`, `exists`,
 * `matches` (a bounded regex), `cidr`, `gt`/`gte`/`lt`/`lte`. Refs: `state.<path>`,
 * `request.ip`, `request.userAgent`, `request.headers.<name>`, `request.cookies.<name>`,
 * `params.<name>`, `par.ip`, `par.clientId`, `par.params.<name>`, `client.clientId`,
 * `journey.<field>`; never secrets.
 *
 * Outcomes: the rules' outcomes and `default`, as configured (reason `rule:<index>` or `default`).
 *
 * @example
 * { "type": "decision",
 *   "config": { "rules": [{ "when": { "cidr": ["request.ip", "10.0.0.0/8"] }, "outcome": "internal" }], "default": "external" },
 *   "outcomes": { "internal": "success", "external": "mfa" } }
 */
export const decision = defineNode({
  type: 'decision',
  version: 1,
  description: 'Picks an outcome by ordered declarative rules over state, request and parameters.',
  config: schema,
  outcomes: (config) => [...new Set([...config.rules.map((r) => r.outcome), config.default])],
  run(ctx, config) {
    const predicates = compileRules(config.rules);
    const get = resolver(ctx);
    for (let i = 0; i < predicates.length; i++) {
      const rule = config.rules[i];
      if (rule && predicates[i]?.(get)) return { outcome: rule.outcome, reason: `rule:${i}` };
    }
    return { outcome: config.default, reason: 'default' };
  },
});
