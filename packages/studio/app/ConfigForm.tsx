/*
 * Config forms generated from a node type's JSON Schema (draft 2020-12), rendered without Ajv
 * (no code compiled at run time: the page runs under script-src 'self'). Objects, strings,
 * enums, numbers, booleans, arrays of scalars and arrays of objects get inputs; anything the
 * generic renderer cannot draw (tuples, oneOf, free objects) gets a JSON box for that property;
 * the `decision` node's rules get their own widget. Validation is the server's (as you type).
 */
import { useEffect, useState } from 'react';
import type { JsonSchema } from './types';

type Json = unknown;
interface FieldProps {
  root: JsonSchema;
  schema: JsonSchema;
  value: Json;
  path: string[];
  label: string;
  required: boolean;
  onChange: (value: Json | undefined) => void;
  problems: ReadonlyMap<string, string>;
}

function resolve(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 8 && s.$ref?.startsWith('#/$defs/'); i++) s = root.$defs?.[s.$ref.slice(8)] ?? {};
  return s;
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? undefined : s.type);
const isScalar = (s: JsonSchema) => ['string', 'number', 'integer', 'boolean'].includes(typeOf(s) ?? '') || s.enum !== undefined;
const idOf = (path: string[]) => `cfg-${path.join('-')}`;

function Problem({ path, problems }: { path: string[]; problems: ReadonlyMap<string, string> }) {
  const message = problems.get(`/${path.join('/')}`);
  return message ? (
    <span className="field-problem" role="alert" id={`${idOf(path)}-problem`}>
      {message}
    </span>
  ) : null;
}

/** A JSON box for what the form cannot draw: applied when it parses, kept as typed when it does not. */
function JsonField({ value, path, label, onChange, problems }: FieldProps) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string>();
  useEffect(() => {
    setText((current) => {
      try {
        if (JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        /* typed text that does not parse yet stays */
      }
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    });
  }, [value]);
  return (
    <div className="field">
      <label htmlFor={idOf(path)}>{label} (JSON)</label>
      <textarea
        id={idOf(path)}
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') return (setError(undefined), onChange(undefined));
          try {
            onChange(JSON.parse(e.target.value));
            setError(undefined);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <span className="field-problem">not JSON: {error}</span>}
      <Problem path={path} problems={problems} />
    </div>
  );
}

function ScalarField(props: FieldProps) {
  const { root, value, path, label, required, onChange, problems } = props;
  const schema = resolve(root, props.schema);
  const id = idOf(path);
  const describedBy = problems.has(`/${path.join('/')}`) ? `${id}-problem` : undefined;
  const title = schema.description;
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => {
    if (typeof value === 'number' ? Number(text) !== value || text === '' : (value ?? '') !== text) setText(value === undefined ? '' : String(value));
  }, [value]);
  let input;
  if (schema.enum) {
    input = (
      <select id={id} value={value === undefined ? '' : JSON.stringify(value)} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value === '' ? undefined : JSON.parse(e.target.value))}>
        <option value="">{required ? '(choose)' : '(default)'}</option>
        {schema.enum.map((v) => (
          <option key={JSON.stringify(v)} value={JSON.stringify(v)}>
            {String(v)}
          </option>
        ))}
      </select>
    );
  } else if (typeOf(schema) === 'boolean') {
    input = <input id={id} type="checkbox" checked={value === true} aria-describedby={describedBy} onChange={(e) => onChange(e.target.checked)} />;
  } else if (typeOf(schema) === 'number' || typeOf(schema) === 'integer') {
    input = (
      <input
        id={id}
        type="number"
        value={text}
        placeholder={schema.default !== undefined ? `default ${String(schema.default)}` : ''}
        aria-describedby={describedBy}
        aria-invalid={describedBy !== undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === '') onChange(undefined);
          else if (!Number.isNaN(Number(e.target.value))) onChange(Number(e.target.value));
        }}
      />
    );
  } else {
    input = (
      <input
        id={id}
        type="text"
        value={text}
        placeholder={schema.default !== undefined ? `default ${String(schema.default)}` : ''}
        aria-describedby={describedBy}
        aria-invalid={describedBy !== undefined}
        onChange={(e) => {
          setText(e.target.value);
          onChange(e.target.value === '' ? undefined : e.target.value);
        }}
      />
    );
  }
  return (
    <div className="field" title={title}>
      <label htmlFor={id}>
        {label}
        {required ? ' *' : ''}
      </label>
      {input}
      <Problem path={path} problems={problems} />
    </div>
  );
}

function ObjectField(props: FieldProps) {
  const { root, value, path, label, onChange, problems } = props;
  const schema = resolve(root, props.schema);
  const object = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, Json>;
  const set = (key: string, v: Json | undefined) => {
    const next = { ...object };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(Object.keys(next).length === 0 && path.length > 0 ? undefined : next);
  };
  const known = Object.keys(schema.properties ?? {});
  const extra = Object.keys(object).filter((k) => !known.includes(k));
  return (
    <fieldset className="object-field">
      {path.length > 0 && <legend>{label}</legend>}
      {known.map((key) => (
        <Field
          key={key}
          root={root}
          schema={schema.properties![key]!}
          value={object[key]}
          path={[...path, key]}
          label={key}
          required={schema.required?.includes(key) ?? false}
          onChange={(v) => set(key, v)}
          problems={problems}
        />
      ))}
      {extra.map((key) => (
        <JsonField key={key} root={root} schema={{}} value={object[key]} path={[...path, key]} label={key} required={false} onChange={(v) => set(key, v)} problems={problems} />
      ))}
      <Problem path={path} problems={problems} />
    </fieldset>
  );
}

function ArrayField(props: FieldProps) {
  const { root, value, path, label, onChange, problems } = props;
  const schema = resolve(root, props.schema);
  const items = resolve(root, schema.items ?? {});
  const list = Array.isArray(value) ? value : [];
  if (isScalar(items) && !items.enum) {
    const id = idOf(path);
    return (
      <div className="field">
        <label htmlFor={id}>{label} (one per line)</label>
        <textarea
          id={id}
          rows={Math.max(2, list.length + 1)}
          value={list.join('\n')}
          onChange={(e) => {
            const lines = e.target.value.split('\n').filter((l) => l.trim() !== '');
            const typed = typeOf(items) === 'string' ? lines : lines.map(Number);
            onChange(typed.length === 0 ? undefined : typed);
          }}
        />
        <Problem path={path} problems={problems} />
      </div>
    );
  }
  if (typeOf(items) !== 'object' || !items.properties) return <JsonField {...props} />;
  return (
    <fieldset className="array-field">
      <legend>{label}</legend>
      {list.map((item, i) => (
        <div key={i} className="array-item">
          <ObjectField root={root} schema={items} value={item} path={[...path, String(i)]} label={`${label} ${i + 1}`} required={false} onChange={(v) => onChange(list.map((x, j) => (j === i ? (v ?? {}) : x)))} problems={problems} />
          <button type="button" onClick={() => onChange(list.filter((_, j) => j !== i))} aria-label={`remove ${label} ${i + 1}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...list, {}])}>
        Add {label}
      </button>
      <Problem path={path} problems={problems} />
    </fieldset>
  );
}

/** One property: the input its schema calls for. */
export function Field(props: FieldProps) {
  const schema = resolve(props.root, props.schema);
  if (isScalar(schema)) return <ScalarField {...props} />;
  if (typeOf(schema) === 'object' && schema.properties) return <ObjectField {...props} />;
  if (typeOf(schema) === 'array' && !schema.prefixItems) return <ArrayField {...props} />;
  return <JsonField {...props} />;
}

const PAIR_OPS = ['equals', 'in', 'matches', 'cidr', 'gt', 'gte', 'lt', 'lte'] as const;
const OPS = [...PAIR_OPS, 'exists', 'all', 'any', 'not'] as const;

/** The `decision` node's rules: outcome, operator, reference and value per rule (compound conditions as JSON). */
function DecisionRules({ value, onChange, path, problems }: { value: Json; onChange: (v: Json) => void; path: string[]; problems: ReadonlyMap<string, string> }) {
  const rules = (Array.isArray(value) ? value : []) as { when?: Record<string, Json>; outcome?: string }[];
  const setRule = (i: number, rule: (typeof rules)[number]) => onChange(rules.map((r, j) => (j === i ? rule : r)));
  return (
    <fieldset className="rules">
      <legend>rules (first match wins)</legend>
      {rules.map((rule, i) => {
        const op = Object.keys(rule.when ?? {})[0] ?? 'equals';
        const operand = rule.when?.[op];
        const pair = Array.isArray(operand) ? operand : [];
        const base = `rule-${i}`;
        return (
          <div className="rule" key={i} role="group" aria-label={`rule ${i + 1}`}>
            <label htmlFor={`${base}-op`}>rule {i + 1} operator</label>
            <select id={`${base}-op`} value={op} onChange={(e) => setRule(i, { ...rule, when: { [e.target.value]: e.target.value === 'exists' ? '' : ['all', 'any'].includes(e.target.value) ? [] : e.target.value === 'not' ? {} : ['', ''] } })}>
              {OPS.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
            {(PAIR_OPS as readonly string[]).includes(op) && (
              <>
                <label htmlFor={`${base}-ref`}>rule {i + 1} reference</label>
                <input id={`${base}-ref`} value={String(pair[0] ?? '')} placeholder="state.risk.level" onChange={(e) => setRule(i, { ...rule, when: { [op]: [e.target.value, pair[1] ?? ''] } })} />
                <label htmlFor={`${base}-value`}>rule {i + 1} value (JSON or text)</label>
                <input
                  id={`${base}-value`}
                  defaultValue={typeof pair[1] === 'string' ? pair[1] : JSON.stringify(pair[1] ?? '')}
                  onChange={(e) => {
                    let v: Json = e.target.value;
                    try {
                      v = JSON.parse(e.target.value);
                    } catch {
                      /* plain text */
                    }
                    setRule(i, { ...rule, when: { [op]: [pair[0] ?? '', v] } });
                  }}
                />
              </>
            )}
            {op === 'exists' && (
              <>
                <label htmlFor={`${base}-ref`}>rule {i + 1} reference</label>
                <input id={`${base}-ref`} value={String(operand ?? '')} onChange={(e) => setRule(i, { ...rule, when: { exists: e.target.value } })} />
              </>
            )}
            {['all', 'any', 'not'].includes(op) && (
              <JsonField root={{}} schema={{}} value={operand} path={[...path, String(i), 'when', op]} label={`rule ${i + 1} ${op}`} required onChange={(v) => setRule(i, { ...rule, when: { [op]: v } })} problems={problems} />
            )}
            <label htmlFor={`${base}-outcome`}>rule {i + 1} outcome</label>
            <input id={`${base}-outcome`} value={rule.outcome ?? ''} onChange={(e) => setRule(i, { ...rule, outcome: e.target.value })} />
            <button type="button" onClick={() => onChange(rules.filter((_, j) => j !== i))} aria-label={`remove rule ${i + 1}`}>
              Remove
            </button>
            <Problem path={[...path, String(i)]} problems={problems} />
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...rules, { when: { equals: ['state.', ''] }, outcome: '' }])}>
        Add rule
      </button>
      <Problem path={path} problems={problems} />
    </fieldset>
  );
}

/** The form of one node's `config`. `problems` maps config pointers (`/rules/0/outcome`) to messages. */
export function ConfigForm({ type, schema, value, onChange, problems }: { type: string; schema: JsonSchema; value: Record<string, Json> | undefined; onChange: (v: Record<string, Json> | undefined) => void; problems: ReadonlyMap<string, string> }) {
  const config = value ?? {};
  if (type === 'decision') {
    const rest = { ...schema, properties: { ...schema.properties } };
    delete rest.properties!.rules;
    return (
      <div className="config-form">
        <DecisionRules value={config.rules} path={['rules']} problems={problems} onChange={(rules) => onChange({ ...config, rules })} />
        <ObjectField root={schema} schema={rest} value={config} path={[]} label="config" required={false} problems={problems} onChange={(v) => onChange({ ...(v as object), rules: config.rules })} />
      </div>
    );
  }
  if (!schema.properties || Object.keys(schema.properties).length === 0)
    return <p className="muted">This node type has no settings.</p>;
  return (
    <div className="config-form">
      <ObjectField root={schema} schema={schema} value={config} path={[]} label="config" required={false} problems={problems} onChange={(v) => onChange(v as Record<string, Json> | undefined)} />
    </div>
  );
}
