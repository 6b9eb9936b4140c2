import {
  callbacks,
  defineNode,
  inputValue,
  outputValue,
  WaymarkError,
  type Callback,
  type JsonObject,
  type JsonPrimitive,
} from '@waymark/sdk';
import { UNSAFE_PATTERN } from './lib/safe-regex.js';
import { getStatePath, setStatePath, STATE_PATH_SCHEMA } from './lib/user-steps.js';
import { NODES_ERRORS } from './errors.js';

/** Bounds any string answer, whatever `maxLength` says. */
const MAX_STRING = 4096;

const attribute = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      // AIC/IDM names a nested attribute with slashes ("preferences/marketing"): kept as one key.
      pattern: '^[A-Za-z][A-Za-z0-9_-]*(/[A-Za-z][A-Za-z0-9_-]*)*$',
      not: { enum: ['__proto__', 'constructor', 'prototype'] },
      description: 'The attribute: "mail", "givenName", or a nested one as AIC names it, "preferences/marketing"',
    },
    type: {
      enum: ['string', 'number', 'boolean'],
      description: 'Which callback asks for it (String/Number/BooleanAttributeInputCallback)',
    },
    prompt: { type: 'string', minLength: 1, maxLength: 200, description: 'What the user reads; default the name' },
    required: { type: 'boolean', default: false, description: 'An empty answer is refused (REQUIRED)' },
    pattern: {
      type: 'string',
      maxLength: 200,
      format: 'regex',
      not: UNSAFE_PATTERN,
      description: 'Strings: a regular expression the whole value must match',
    },
    minLength: { type: 'integer', minimum: 0, maximum: MAX_STRING },
    maxLength: { type: 'integer', minimum: 1, maximum: MAX_STRING },
    minimum: { type: 'number', description: 'Numbers: the smallest accepted' },
    maximum: { type: 'number', description: 'Numbers: the largest accepted' },
  },
} as const;

const config = {
  type: 'object',
  additionalProperties: false,
  required: ['attributes'],
  properties: {
    attributes: { type: 'array', minItems: 1, maxItems: 50, items: attribute, description: 'The attributes to ask for, in order' },
    target: {
      ...STATE_PATH_SCHEMA,
      default: 'attributes',
      description: 'The state object the answers are merged into (user.create and user.update read it)',
    },
  },
} as const;

type Attribute = {
  name: string;
  type: 'string' | 'number' | 'boolean';
  prompt?: string;
  required: boolean;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

/* AIC's policy names, so that clients written for AIC show the reasons they know. */
const policy = (policyRequirement: string, params?: JsonObject) =>
  JSON.stringify(params ? { policyRequirement, params } : { policyRequirement });

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    patterns.set(pattern, re);
  }
  return re;
}

function policies(a: Attribute): JsonObject {
  const p: JsonObject = {};
  for (const k of ['pattern', 'minLength', 'maxLength', 'minimum', 'maximum'] as const) if (a[k] !== undefined) p[k] = a[k];
  return p;
}

/** The answer as the attribute's type, and the policies it fails ([] when none). */
function check(a: Attribute, raw: unknown): { value: JsonPrimitive | undefined; failed: string[] } {
  const empty = raw === undefined || raw === null || raw === '';
  if (empty) return { value: undefined, failed: a.required ? [policy('REQUIRED')] : [] };
  if (a.type === 'boolean') {
    const value = raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : undefined;
    if (value === undefined) return { value, failed: [policy('VALID_TYPE', { validTypes: ['boolean'] })] };
    // A required boolean is a consent: it must be given (AIC: "true" to go on).
    return { value, failed: a.required && !value ? [policy('REQUIRED')] : [] };
  }
  if (a.type === 'number') {
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' && raw.length <= 40 ? Number(raw) : NaN;
    if (!Number.isFinite(value)) return { value: undefined, failed: [policy('VALID_TYPE', { validTypes: ['number'] })] };
    const failed: string[] = [];
    if (a.minimum !== undefined && value < a.minimum) failed.push(policy('MINIMUM_NUMBER_VALUE', { minimum: a.minimum }));
    if (a.maximum !== undefined && value > a.maximum) failed.push(policy('MAXIMUM_NUMBER_VALUE', { maximum: a.maximum }));
    return { value, failed };
  }
  if (typeof raw !== 'string') return { value: undefined, failed: [policy('VALID_TYPE', { validTypes: ['string'] })] };
  const value = raw.trim();
  if (value === '') return { value: undefined, failed: a.required ? [policy('REQUIRED')] : [] };
  const failed: string[] = [];
  const max = Math.min(a.maxLength ?? MAX_STRING, MAX_STRING);
  if (a.minLength !== undefined && value.length < a.minLength) failed.push(policy('MIN_LENGTH', { minLength: a.minLength }));
  if (value.length > max) failed.push(policy('MAX_LENGTH', { maxLength: max }));
  else if (a.pattern !== undefined && !regex(a.pattern).test(value)) failed.push(policy('MATCH_REGEXP', { regexp: a.pattern }));
  return { value, failed };
}

function ask(a: Attribute, value: JsonPrimitive | undefined, failedPolicies: string[] = []): Callback {
  const options = { required: a.required, policies: policies(a), failedPolicies };
  const prompt = a.prompt ?? a.name;
  if (a.type === 'number')
    return callbacks.numberAttribute(a.name, prompt, { ...options, value: typeof value === 'number' ? value : null });
  if (a.type === 'boolean') return callbacks.booleanAttribute(a.name, prompt, { ...options, value: value === true });
  return callbacks.stringAttribute(a.name, prompt, { ...options, value: typeof value === 'string' ? value : '' });
}

/**
 * `attributes.collect` — asks for profile attributes (AIC's Attribute Collector) with the
 * String/Number/BooleanAttributeInputCallback, checks each answer against its policies
 * (`required`, `pattern`, `minLength`, `maxLength`, `minimum`, `maximum`) and asks again,
 * answers kept, with AIC's `failedPolicies` on the refused ones. Accepted answers are merged
 * into the state object at `target` (`state.attributes`), where `user.create` and
 * `user.update` read them; answers already there are offered as the values. Never ask for a
 * secret with it: state is traced.
 *
 * @example
 * { "type": "attributes.collect",
 *   "config": { "attributes": [ { "name": "mail", "type": "string", "prompt": "Email", "required": true, "pattern": "[^@]+@[^@]+" } ] },
 *   "outcomes": { "collected": "terms" } }
 */
export const attributesCollect = defineNode({
  type: 'attributes.collect',
  version: 1,
  description: 'Asks for profile attributes with policy checks and keeps them in state (default state.attributes).',
  callbacks: ['StringAttributeInputCallback', 'NumberAttributeInputCallback', 'BooleanAttributeInputCallback'],
  config,
  outcomes: ['collected'],
  run(ctx, c) {
    const list = c.attributes as Attribute[];
    const current = getStatePath(ctx.state, c.target);
    if (current !== undefined && (current === null || typeof current !== 'object' || Array.isArray(current)))
      throw new WaymarkError(NODES_ERRORS.ERR_NODE_STATE, `attributes.collect: state "${c.target}" is not an object; change "target"`, {
        key: c.target,
      });
    const known = (current ?? {}) as JsonObject;
    if (ctx.callbacks === undefined) return ctx.suspend(list.map((a) => ask(a, known[a.name] as JsonPrimitive | undefined)));
    const asked = ctx.callbacks.filter((cb) => cb.type.endsWith('AttributeInputCallback'));
    const results = list.map((a, i) => {
      const cb = asked.find((x) => outputValue(x, 'name') === a.name) ?? asked[i];
      return { a, ...check(a, inputValue(cb)) };
    });
    if (results.some((r) => r.failed.length > 0)) return ctx.suspend(results.map((r) => ask(r.a, r.value, r.failed)));
    const merged: JsonObject = { ...known };
    for (const r of results) if (r.value !== undefined) merged[r.a.name] = r.value;
    setStatePath(ctx.state, c.target, merged);
    return 'collected';
  },
});
