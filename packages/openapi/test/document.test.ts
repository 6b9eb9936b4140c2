import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { clientConfigSchema } from '@waymark/express';
import { ERROR_ANSWERS } from '@waymark/http';
import { adapterGroup, gatewayGroup, OpenApiRegistry, studioGroup, waymarkOpenApiDocument, type OpenApiDocument } from '@waymark/openapi';

/** Every `$ref` of the document resolves to a place in it (JSON pointer, RFC 6901). */
function unresolvedRefs(document: unknown): string[] {
  const missing: string[] = [];
  const at = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>(
        (node, token) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined),
        document,
      );
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && (!value.startsWith('#/') || at(value) === undefined)) missing.push(value);
        walk(value);
      }
  };
  walk(document);
  return missing;
}

async function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown; unresolved: string[] }> {
  const result = await new Validator().validate(structuredClone(document) as never);
  return { ...result, unresolved: unresolvedRefs(document) };
}

const full = (): OpenApiDocument =>
  waymarkOpenApiDocument({
    issuer: 'http://localhost:3000',
    policies: true,
    admin: { clientConfigSchema },
    oidcIssuer: 'http://localhost:3000/oidc',
    // Every provider route (device flow, CIBA, introspection), the studio and each gateway route kind.
    oidcGrants: { deviceFlow: true, ciba: true, introspection: true },
    groups: [
      studioGroup(),
      gatewayGroup([
        { kind: 'mcp', name: 'bank', path: '/mcp/bank' },
        { kind: 'api', name: 'payments', path: '/api/payments' },
        { kind: 'web', name: 'app', path: '/app' },
      ]),
    ],
  });

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (the official 3.1 schema, through @seriousme/openapi-schema-validator), and every $ref resolves', async () => {
    expect(await validate(full())).toEqual({ valid: true, unresolved: [] });
    expect(new Validator().version).toBeUndefined();
  });

  it('a malformed document or a broken reference fails (the test above can fail)', async () => {
    const document = full();
    (document.paths['/par']!.post!.responses['201'] as { content: Record<string, { schema: unknown }> }).content[
      'application/json'
    ]!.schema = {
      $ref: '#/components/schemas/NoSuchSchema',
    };
    expect((await validate(document)).unresolved).toEqual(['#/components/schemas/NoSuchSchema']);
    const noResponses = full();
    (noResponses.paths['/par']!.post as { responses?: unknown }).responses = 'none';
    expect((await validate(noResponses)).valid).toBe(false);
  });

  it('describes every route group the server mounts, and only those', () => {
    const bare = waymarkOpenApiDocument({ issuer: 'http://localhost:3000' });
    expect(Object.keys(bare.paths).some((p) => p.startsWith('/admin'))).toBe(false);
    expect(Object.keys(bare.paths).some((p) => p.startsWith('/policies'))).toBe(false);
    const paths = Object.keys(full().paths);
    expect(paths).toEqual(expect.arrayContaining(['/par', '/journeys/{flow}', '/policies/evaluate', '/admin/v1/flows', '/oidc/token']));
    expect(full().servers).toEqual([{ url: 'http://localhost:3000', description: 'this server' }]);
  });

  it('every operation has examples in curl, JavaScript and Python, and an operationId', () => {
    for (const [path, item] of Object.entries(full().paths))
      for (const [method, op] of Object.entries(item)) {
        const o = op as { operationId: string; 'x-codeSamples': { label: string; source: string }[] };
        expect(`${method} ${path} ${o.operationId}`).toMatch(/^\w+ \S+ \w+$/);
        expect(o['x-codeSamples'].map((s) => s.label)).toEqual(['curl', 'JavaScript', 'Python']);
        for (const sample of o['x-codeSamples']) expect(sample.source).toContain(path.replace(/\{[^}]+\}/g, (m) => m));
      }
  });

  it("error answers are those of @waymark/http's table: status, OAuth error and code", () => {
    const responses = full().paths['/admin/v1/flows']!.post!.responses as unknown as Record<
      string,
      { content: Record<string, { schema: { allOf: [unknown, { properties: { error: { enum: string[] }; code: { enum: string[] } } }] } }> }
    >;
    const conflict = responses['409']!.content['application/json']!.schema.allOf[1].properties;
    expect(conflict.code.enum).toEqual(['ERR_ADMIN_CONFLICT']);
    expect(conflict.error.enum).toEqual([ERROR_ANSWERS.ERR_ADMIN_CONFLICT!.error]);
    expect(responses['500']!.content['application/json']!.schema.allOf[1].properties.code.enum).toEqual(['ERR_INTERNAL']);
  });

  it('a code not in the table is refused when the document is built', () => {
    expect(() => adapterGroup().paths).not.toThrow();
    expect(() => new OpenApiRegistry().add(adapterGroup()).add(adapterGroup()).build({ serverUrl: 'http://localhost:3000' })).toThrow(
      /described by two groups/,
    );
  });

  it('embeds the schemas the code validates with (flow, client, policy evaluate), not copies', async () => {
    const { flowSchema } = await import('@waymark/core');
    const schemas = full().components.schemas!;
    expect(Object.keys(schemas.Flow!.properties as object)).toEqual(Object.keys(flowSchema.properties));
    expect(schemas.ClientConfig!.required).toEqual(clientConfigSchema.required);
    expect((schemas.Flow!.properties as Record<string, { $ref?: string }>).limits!.$ref).toBe('#/components/schemas/Flow/$defs/limits');
  });
});
