/*
 * The reference cannot drift from the code: in the test suites of the adapter, the policies and
 * the admin API, every response a supertest request receives is checked against the OpenAPI
 * document of @waymark/openapi (jest `setupFilesAfterEnv`). A documented operation answering a
 * status it does not list, a content type it does not list, or a JSON body its schema refuses
 * fails the test that made the request, naming the operation and the mismatch.
 *
 * Requests to paths the document does not describe (a test's own host routes) are not checked
 * here: packages/openapi/test/routes.test.ts walks the routers and fails on any route without a
 * description.
 */
import { beforeAll, expect } from '@jest/globals';
import type { ReceivedResponse } from '@waymark/openapi';

const CHECKED = /[\\/]packages[\\/](express|admin|policy)[\\/]test[\\/]/;

type Assert = (
  this: { method: string; url: string },
  err: unknown,
  res: ReceivedResponse | undefined,
  fn: (err: unknown, res: unknown) => void,
) => unknown;

if (CHECKED.test(expect.getState().testPath ?? '')) {
  // Loaded only for the suites it checks, before their own hooks: every other test file starts
  // without the adapter, the document builder and its validator (this runs before each of ~200 files).
  beforeAll(async () => {
    // One after another: jest's ESM loader fails two concurrent imports that share a module
    // ("request for './html.js' is not in cache") when the test file imports neither first.
    // supertest's Test (CommonJS): the very class every `request(app)` of the test file builds.
    const { default: Test } = await import('supertest/lib/test.js');
    const { clientConfigSchema } = await import('@waymark/express');
    const { responseChecker, waymarkOpenApiDocument } = await import('@waymark/openapi');
    const check = responseChecker(
      waymarkOpenApiDocument({
        issuer: 'http://localhost:3000',
        policies: true,
        admin: { clientConfigSchema },
        oidcIssuer: 'http://localhost:3000/oidc',
      }),
    );
    const proto = (Test as unknown as { prototype: { assert: Assert } }).prototype;
    const original = proto.assert;
    proto.assert = function checked(err, res, fn) {
      // The stand-alone app's own 404 (createWaymarkApp: `{ error: "not_found" }`) means no route answered: a test
      // mounting the router under another path asked for one that is not there; nothing documented answered.
      const unrouted = res?.status === 404 && (res.body as { error?: unknown } | undefined)?.error === 'not_found';
      const problem = res && !unrouted ? check(this.method, this.url, res) : undefined;
      if (problem === undefined) return original.call(this, err, res, fn);
      return fn(new Error(`OpenAPI drift: ${problem}`), res);
    };
  });
}
