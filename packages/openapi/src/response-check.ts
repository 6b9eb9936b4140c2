import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { OpenApiDocument, OpenApiOperation } from './types.js';

/** A response as a test client received it. */
export interface ReceivedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (supertest's `body`). */
  body: unknown;
  text?: string;
}

const DOCUMENT_ID = 'https://waymark.dev/openapi.json';
const pointer = (...tokens: string[]) => tokens.map((t) => encodeURIComponent(t.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/**
 * Checks responses against a document: the operation of the method and path, the status it
 * lists (or `default`), the content type, and a JSON body against the response schema (ajv,
 * draft 2020-12, the document's own dialect). For tests, so the reference cannot drift.
 *
 * @example
 * const check = responseChecker(document);
 * check('POST', '/par', { status: 201, headers, body }); // undefined, or what does not conform
 */
export function responseChecker(document: OpenApiDocument): (method: string, url: string, res: ReceivedResponse) => string | undefined {
  const routes: { method: string; template: string; pattern: RegExp; params: number }[] = [];
  for (const [template, item] of Object.entries(document.paths))
    for (const method of Object.keys(item))
      routes.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      });
  // Fewer path parameters first: `/flows/validate` before `/flows/{id}`.
  routes.sort((a, b) => a.params - b.params);
  // OpenAPI's own keywords (`paths`, `example`…) are not JSON Schema keywords: not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS (see @waymark/core's ajv.ts).
  formats.default(ajv);
  ajv.addSchema({ ...(document as unknown as Record<string, unknown>), $id: DOCUMENT_ID });

  return function check(method, url, res) {
    const path = new URL(url, 'http://localhost').pathname;
    const route = routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
    if (!route) return undefined;
    const op = (document.paths[route.template] as Record<string, OpenApiOperation>)[route.method.toLowerCase()]!;
    const name = `${route.method} ${route.template} (${op.operationId})`;
    const status = String(res.status);
    const key = op.responses[status] ? status : op.responses.default ? 'default' : undefined;
    if (key === undefined)
      return `${name} answered ${status}, which the document does not list (it lists ${Object.keys(op.responses).join(', ')})`;
    const content = (op.responses[key]! as { content?: Record<string, { schema?: unknown }> }).content;
    const header = res.headers['content-type'];
    const type = ((Array.isArray(header) ? header[0] : header) ?? '').split(';')[0]!.trim().toLowerCase();
    if (!content || type === '' || (res.text ?? '') === '') return undefined;
    if (!(type in content))
      return `${name} answered ${status} as ${type}, which the document does not list (it lists ${Object.keys(content).join(', ')})`;
    if (type !== 'application/json' || !content[type]!.schema) return undefined;
    const ref = `${DOCUMENT_ID}#/${pointer('paths', route.template, route.method.toLowerCase(), 'responses', key, 'content', type, 'schema')}`;
    const validate = ajv.getSchema(ref);
    if (!validate) return `${name}: the schema at ${ref} does not resolve`;
    if (validate(res.body)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 6)
      .map(
        (e) =>
          `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`,
      )
      .join('; ');
    return `${name} answered ${status} with a body the document refuses: ${errors}; body ${JSON.stringify(res.body).slice(0, 400)}`;
  };
}
