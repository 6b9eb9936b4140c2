import { z } from 'zod';
import { object, text } from '../lib/args.js';
import { defineTool, type ToolSpec } from '../lib/tool.js';

const clientId = () => text('give a client id (list_clients lists them)').describe('The OAuth client id.');
const clientArg = () =>
  object('give the client configuration as a JSON object, as in the "clients" of the serve config').describe(
    'The client configuration (client_id, type, token_endpoint_auth_method, redirect_uris, allowed_flows, …). A client_secret given here is saved and never answered.',
  );

export const clientTools: ToolSpec[] = [
  defineTool({
    name: 'list_clients',
    collection: 'clients',
    title: 'List clients',
    description: 'Every OAuth client: configuration, enabled, whether it has a secret (never the secret), revision.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {},
    async run(_a, { admin }) {
      return (await admin.get('/clients')).body;
    },
  }),
  defineTool({
    name: 'get_client',
    collection: 'clients',
    title: 'Get a client',
    description: 'One OAuth client (never its secret).',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: { clientId: clientId() },
    async run({ clientId: id }, { admin }) {
      return (await admin.get(`/clients/${encodeURIComponent(id)}`)).body;
    },
  }),
  defineTool({
    name: 'create_client',
    collection: 'clients',
    title: 'Create a client',
    description: 'Registers a new OAuth client, checked exactly as at start-up (every flow in allowed_flows must exist).',
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    input: { client: clientArg() },
    async run({ client }, ctx) {
      await ctx.guardWrite();
      const { body, transactionId } = await ctx.admin.call<Record<string, unknown>>('POST', '/clients', { body: client });
      return { ...body, transactionId };
    },
  }),
  defineTool({
    name: 'update_client',
    collection: 'clients',
    title: 'Update a client',
    description:
      'Replaces a client’s configuration (its secret is kept unless client_secret is given). Read it first with get_client and send the whole configuration back, changed.',
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    input: {
      clientId: clientId(),
      client: clientArg(),
      expectedRevision: z
        .number({ error: 'give the revision you read (get_client)' })
        .int()
        .optional()
        .describe('Optimistic concurrency: the revision you read.'),
    },
    async run({ clientId: id, client, expectedRevision }, ctx) {
      await ctx.guardWrite();
      const { body, transactionId } = await ctx.admin.call<Record<string, unknown>>('PUT', `/clients/${encodeURIComponent(id)}`, {
        body: { client_id: id, ...client },
        ...(expectedRevision !== undefined ? { ifMatch: expectedRevision } : {}),
      });
      return { ...body, transactionId };
    },
  }),
  ...(['enable', 'disable'] as const).map((verb) =>
    defineTool({
      name: `${verb}_client`,
      collection: 'clients',
      title: `${verb === 'enable' ? 'Enable' : 'Disable'} a client`,
      description:
        verb === 'enable' ? 'Enables a disabled client.' : 'Disables a client: it is refused everywhere as an unknown one until enabled.',
      write: true,
      annotations: { readOnlyHint: false, destructiveHint: verb === 'disable', idempotentHint: true, openWorldHint: false },
      input: { clientId: clientId() },
      async run({ clientId: id }, ctx) {
        await ctx.guardWrite();
        const { body, transactionId } = await ctx.admin.call<Record<string, unknown>>(
          'POST',
          `/clients/${encodeURIComponent(id)}/${verb}`,
          { body: {} },
        );
        return { ...body, transactionId };
      },
    }),
  ),
];
