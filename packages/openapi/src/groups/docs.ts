import { operation, pathParam, pathsOf } from '../builder.js';
import type { OpenApiGroup } from '../types.js';

/** The reference itself (docs.ts): `GET /openapi.json` and the `/docs` console. */
export function docsGroup(): OpenApiGroup {
  const tag = 'Reference';
  const page = (description: string) => ({ '200': { description, content: { 'text/html': { schema: { type: 'string' } } } } });
  const ops = [
    operation({
      method: 'get',
      path: '/openapi.json',
      id: 'openApiDocument',
      summary: 'This document (OpenAPI 3.1)',
      responses: {
        '200': {
          description: 'The document.',
          content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } } },
        },
      },
    }),
    operation({
      method: 'get',
      path: '/docs',
      id: 'docsConsole',
      summary: 'The rendered reference with a try-it console (browser)',
      tryIt: false,
      responses: page('Swagger UI, served from this server.'),
    }),
    operation({
      method: 'get',
      path: '/docs/oauth2-redirect.html',
      id: 'docsOAuthRedirect',
      summary: 'Where "Authorize" returns with the code (browser)',
      tryIt: false,
      responses: page('Hands the code to the console.'),
    }),
    operation({
      method: 'get',
      path: '/docs/assets/{name}',
      id: 'docsAsset',
      summary: "The console's scripts and styles",
      tryIt: false,
      parameters: [
        pathParam('name', 'swagger-ui-bundle.js, swagger-ui.css, oauth2-redirect.js, docs.js or docs.css', {
          enum: ['swagger-ui-bundle.js', 'swagger-ui.css', 'oauth2-redirect.js', 'docs.js', 'docs.css'],
        }),
      ],
      responses: {
        '200': {
          description: 'The file.',
          content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } },
        },
      },
    }),
  ];
  return { tag: { name: tag, description: 'This reference: the document and its console.' }, paths: pathsOf(tag, ops) };
}
