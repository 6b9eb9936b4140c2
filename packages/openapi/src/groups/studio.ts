import { json, operation, pathParam, pathsOf } from '../builder.js';
import type { OpenApiGroup } from '../types.js';

/**
 * The studio (@waymark/studio's handler, which `waymark serve` mounts at `/studio` beside the
 * admin API): its page, the page's own routes and its `config.json`. The built scripts and
 * styles are static assets, listed as intentionally undocumented (`UNDOCUMENTED_ROUTES`).
 */
export function studioGroup(path = '/studio'): OpenApiGroup {
  const tag = 'Studio';
  const base = path.replace(/\/+$/, '');
  const page = (description: string) => ({ '200': { description, content: { 'text/html': { schema: { type: 'string' } } } } });
  const ops = [
    operation({
      method: 'get',
      path: base,
      id: 'studioRoot',
      summary: 'The studio without its trailing slash (browser)',
      tryIt: false,
      responses: {
        '308': {
          description: "To `/studio/`, so the page's relative asset URLs resolve.",
          headers: { Location: { schema: { type: 'string' } } },
        },
      },
    }),
    operation({
      method: 'get',
      path: `${base}/`,
      id: 'studioPage',
      summary: 'The studio: the flow editor on the admin API (browser; strict CSP)',
      tryIt: false,
      responses: {
        ...page('The page.'),
        '503': { description: 'The page is not built (`npm run build`).', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    }),
    operation({
      method: 'get',
      path: `${base}/config.json`,
      id: 'studioConfig',
      summary: 'What the page reads at start: the admin API and how to sign in (or why sign-in is not configured)',
      responses: {
        '200': {
          description: "The page's configuration.",
          content: json({
            type: 'object',
            required: ['mode', 'adminApi'],
            properties: {
              mode: { enum: ['server', 'local'] },
              adminApi: { type: 'string' },
              signIn: {
                type: 'object',
                properties: {
                  issuer: { type: 'string' },
                  clientId: { type: 'string' },
                  redirectUri: { type: 'string' },
                  resource: { type: 'string' },
                  scope: { type: 'string' },
                },
              },
              signInHelp: { type: 'string' },
              folder: { type: 'string' },
            },
          }),
        },
      },
    }),
    operation({
      method: 'get',
      path: `${base}/{page}`,
      id: 'studioPageRoute',
      summary: "The page's own routes, such as `/studio/callback` (the sign-in's redirect URI): the page (browser)",
      parameters: [pathParam('page', 'a route of the page: any path without a file extension', { type: 'string' }, 'callback')],
      tryIt: false,
      responses: page('The page, which reads its route.'),
    }),
  ];
  return {
    tag: { name: tag, description: 'The studio: a page that edits, validates and activates flows through the admin API.' },
    paths: pathsOf(tag, ops),
  };
}
