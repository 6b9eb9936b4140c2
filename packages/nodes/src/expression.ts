import { WaymarkError, defineNode, type NodeConfigProblem } from '@waymark/sdk';
import { NODES_ERRORS } from './errors.js';
import { compileExpression, holds, isExpressionError, MAX_EXPRESSION_LENGTH, type Expr } from './lib/expression-language.js';
import { refRoots } from './lib/refs.js';

const OUTCOME = '^[A-Za-z][A-Za-z0-9_-]*$';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules', 'default'],
  properties: {
    /** Checked in order; the first rule whose `when` holds picks the outcome. */
    rules: {
      type: 'array',
      maxItems: 100,
      description: 'Ordered rules [{ when: "<expression>", outcome: name }].',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['when', 'outcome'],
        properties: {
          when: {
            type: 'string',
            minLength: 1,
            maxLength: MAX_EXPRESSION_LENGTH,
            description: 'An expression over state, params, par, client, journey and request.',
          },
          outcome: { type: 'string', pattern: OUTCOME },
        },
      },
    },
    /** The outcome when no rule holds. */
    default: { type: 'string', pattern: OUTCOME, description: 'Outcome when no rule matches.' },
  },
} as const;

type Rules = readonly { when: string; outcome: string }[];

/** Each rule's problem, at `/rules/<i>/when`, with the column and the fix. */
function check(config: { rules: Rules }): NodeConfigProblem[] {
  const problems: NodeConfigProblem[] = [];
  config.rules.forEach((rule, i) => {
    const result = compileExpression(rule.when);
    if (isExpressionError(result))
      problems.push({
        code: NODES_ERRORS.ERR_EXPRESSION,
        pointer: `/rules/${i}/when`,
        message: `expression at column ${result.column}: ${result.message}.`,
      });
  });
  return problems;
}

const compiled = new WeakMap<object, Expr[]>();

/** Compiles a rules list once; the engine keeps the config object for the flow version's life. */
function compileRules(rules: Rules): Expr[] {
  let exprs = compiled.get(rules);
  if (!exprs) {
    exprs = rules.map((rule, i) => {
      const result = compileExpression(rule.when);
      // Flow load refused it already (`check`); reached only when a config skipped the load.
      if (isExpressionError(result))
        throw new WaymarkError(NODES_ERRORS.ERR_EXPRESSION, `expression: rules/${i}/when at column ${result.column}: ${result.message}`, {
          pointer: `/rules/${i}/when`,
          column: result.column,
        });
      return result;
    });
    compiled.set(rules, exprs);
  }
  return exprs;
}

/**
 * `expression` — `decision` with its conditions written as short expressions, the target the
 * importers give the simple scripted decisions of AIC and DaVinci: ordered rules, the first whose
 * `when` holds names the outcome, else `default`. The language (see the package README) reads
 * `state`, `params`, `par`, `client`, `journey` and `request` (never secrets) with `==`, `!=`,
 * `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`, `??`, `in`, `.length`, `.startsWith()`, `.endsWith()`,
 * `.includes()`, `.matches()` (a bounded regex) and `exists()`; a missing value is null.
 * Expressions are parsed and checked at flow load (a bad one is `ERR_EXPRESSION` at
 * `/nodes/<id>/config/rules/<i>/when`, with the column), evaluated without `eval` or `node:vm`.
 *
 * Outcomes: the rules' outcomes and `default` (reason `rule:<index>` or `default`).
 *
 * @example
 * { "type": "expression",
 *   "config": { "rules": [{ "when": "state.mail.endsWith(\"@example.com\")", "outcome": "staff" }], "default": "guest" },
 *   "outcomes": { "staff": "success", "guest": "mfa" } }
 */
export const expression = defineNode({
  type: 'expression',
  version: 1,
  description: 'Picks an outcome by ordered rules written as safe expressions over state, request and parameters.',
  config: schema,
  outcomes: (config) => [...new Set([...config.rules.map((r) => r.outcome), config.default])],
  check,
  run(ctx, config) {
    const exprs = compileRules(config.rules);
    const roots = refRoots(ctx);
    for (let i = 0; i < exprs.length; i++) {
      const rule = config.rules[i];
      const expr = exprs[i];
      if (rule && expr && holds(expr, roots)) return { outcome: rule.outcome, reason: `rule:${i}` };
    }
    return { outcome: config.default, reason: 'default' };
  },
});
