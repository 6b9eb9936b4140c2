/* eslint-disable @typescript-eslint/no-explicit-any -- the stand-ins hold node types of varied config types, as NodeType<any> (the registry takes any). */
/**
 * STAND-INS for the node types of /work/wt/CONTRACTS.md that are not on main yet (page, flow.run,
 * state.set, expression, the user-store steps). Schema-only where a test never runs them, with a
 * minimal run where the journey tests pass through them. DELETE this file after the merge of the
 * "subflow", "page", "state-expr" and "users" branches, and register the real types instead.
 */
import { callbacks, defineNode, inputValue, type NodeType } from '@waymark/sdk';

const OUTCOME = '^[A-Za-z][A-Za-z0-9_-]*$';
const open = { type: 'object' } as const;

const schemaOnly = (type: string, outcomes: readonly string[] | ((c: any) => readonly string[]), config: object = open): NodeType<any> =>
 
  defineNode({
    type,
    version: 1,
    description: `stand-in for ${type} (CONTRACTS.md)`,
    config: config as typeof open,
    outcomes: outcomes as readonly string[],
    run() {
      throw new Error(`${type}: stand-in without behaviour`);
    },
  }) as NodeType<any>;

export const standIns: NodeType<any>[] = [
 
  defineNode({
    type: 'flow.run',
    version: 1,
    description: 'stand-in: the child flow always succeeds',
    config: {
      type: 'object',
      required: ['flow'],
      properties: {
        flow: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' },
        version: { type: 'integer', minimum: 1 },
        state: { enum: ['isolated', 'shared'] },
        input: open,
        output: open,
      },
    } as const,
    outcomes: ['success', 'failure'],
    run: () => 'success',
  }) as NodeType<any>,
  // The page's outcomes are its last child's (CONTRACTS.md), computed here for the child types the importer puts in pages.
  schemaOnly(
    'page',
    (c: { nodes: { type: string; config?: { outcomes?: string[]; options?: ({ outcome: string } | string)[] } }[] }) => {
      const last = c.nodes[c.nodes.length - 1]!;
      if (last.type === 'import.placeholder') return last.config?.outcomes ?? [];
      if (last.type === 'terms.accept') return ['accepted', 'declined'];
      if (last.type === 'message')
        return last.config?.options?.length ? last.config.options.map((o) => (typeof o === 'string' ? o : o.outcome)) : ['shown'];
      return ['collected'];
    },
    {
      type: 'object',
      required: ['nodes'],
      properties: {
        header: { type: 'string' },
        description: { type: 'string' },
        stage: { type: 'string' },
        nodes: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['id', 'type'],
            properties: { id: { type: 'string' }, type: { type: 'string' }, config: open },
          },
        },
      },
    },
  ),
  schemaOnly('state.set', ['done'], {
    type: 'object',
    required: ['operations'],
    properties: { operations: { type: 'array', items: open } },
  }),
  schemaOnly(
    'expression',
    (c: { rules: { outcome: string }[]; default: string }) => [...new Set([...c.rules.map((r) => r.outcome), c.default])],
    {
      type: 'object',
      required: ['rules', 'default'],
      additionalProperties: false,
      properties: {
        rules: {
          type: 'array',
          items: {
            type: 'object',
            required: ['when', 'outcome'],
            properties: { when: { type: 'string', minLength: 1 }, outcome: { type: 'string', pattern: OUTCOME } },
          },
        },
        default: { type: 'string', pattern: OUTCOME },
      },
    },
  ),
  defineNode({
    type: 'credentials.username',
    version: 1,
    description: 'stand-in: NameCallback → state.username',
    outcomes: ['collected'],
    run(ctx) {
      if (ctx.callbacks === undefined) return ctx.suspend([callbacks.name('User Name')]);
      ctx.state.username = String(inputValue(ctx.callbacks.find((c) => c.type === 'NameCallback')) ?? '');
      return 'collected';
    },
  }) as NodeType<any>,
  defineNode({
    type: 'credentials.password',
    version: 1,
    description: 'stand-in: PasswordCallback → secrets.password (namespace credentials)',
    outcomes: ['collected'],
    run(ctx) {
      if (ctx.callbacks === undefined) return ctx.suspend([callbacks.password('Password')]);
      ctx.secrets.password = String(inputValue(ctx.callbacks.find((c) => c.type === 'PasswordCallback')) ?? '');
      return 'collected';
    },
  }) as NodeType<any>,
  schemaOnly('user.identify', ['found', 'notFound'], {
    type: 'object',
    properties: { attribute: { type: 'string' }, from: { type: 'string' } },
  }),
  schemaOnly('attributes.collect', ['collected'], {
    type: 'object',
    required: ['attributes'],
    properties: { attributes: { type: 'array', items: { type: 'object', required: ['name', 'type'] } }, target: { type: 'string' } },
  }),
  schemaOnly('terms.accept', ['accepted', 'declined'], {
    type: 'object',
    properties: { terms: { type: 'string' }, version: { type: 'string' } },
  }),
  schemaOnly('user.create', ['created', 'conflict'], {
    type: 'object',
    properties: { from: { type: 'string' }, username: { type: 'string' } },
  }),
  schemaOnly('user.update', ['updated', 'notFound'], { type: 'object', properties: { from: { type: 'string' }, sub: { type: 'string' } } }),
  defineNode({ type: 'login.count', version: 1, description: 'stand-in', outcomes: ['done'], run: () => 'done' }) as NodeType<any>,
  defineNode({
    type: 'retry.limit',
    version: 1,
    description: 'stand-in: counts in state',
    config: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, default: 3 }, key: { type: 'string' } } } as const,
    outcomes: ['retry', 'reject'],
    run(ctx, c) {
      const n = (typeof ctx.state.retries === 'number' ? ctx.state.retries : 0) + 1;
      ctx.state.retries = n;
      return n < (c.limit ?? 3) ? 'retry' : 'reject';
    },
  }) as NodeType<any>,
  defineNode({
    type: 'account.lockout',
    version: 1,
    description: 'stand-in',
    config: { type: 'object', properties: { lock: { type: 'boolean' } } } as const,
    outcomes: ['done'],
    run: () => 'done',
  }) as NodeType<any>,
];
