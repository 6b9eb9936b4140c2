import { describe, expect, it } from '@jest/globals';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { sequence } from '../src/lib/sequence.js';

function appWith(steps: RequestHandler[]) {
  const app = express();
  const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => void res.status(500).json({ error: err.message });
  const after: RequestHandler = (_req, res) => void res.json({ reached: 'after' });
  app.get('/x', sequence(steps), after, onError);
  app.get('/x', (_req, res) => void res.json({ reached: 'next route' }));
  return app;
}

describe('sequence: named steps as one express handler', () => {
  it('runs the steps in order, then the next handler', async () => {
    const seen: string[] = [];
    const step = (name: string): RequestHandler => (_req, _res, next) => (seen.push(name), next());
    const res = await request(appWith([step('a'), step('b'), async (_req, _res, next) => (await Promise.resolve(), seen.push('c'), next())])).get('/x');
    expect(res.body).toEqual({ reached: 'after' });
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('a throw, a rejection or next(err) skips the rest and reaches the error handler', async () => {
    const never: RequestHandler = () => {
      throw new Error('must not run');
    };
    for (const failing of [
      (() => {
        throw new Error('thrown');
      }) as RequestHandler,
      (async () => {
        throw new Error('rejected');
      }) as RequestHandler,
      ((_req, _res, next) => next(new Error('passed'))) as RequestHandler,
    ]) {
      const res = await request(appWith([failing, never])).get('/x');
      expect(res.status).toBe(500);
      expect(['thrown', 'rejected', 'passed']).toContain(res.body.error);
    }
  });

  it("next('route') goes to the next route, as in express", async () => {
    const res = await request(appWith([(_req, _res, next) => next('route')])).get('/x');
    expect(res.body).toEqual({ reached: 'next route' });
  });

  it('a step that answers ends the request', async () => {
    const res = await request(appWith([(_req, res) => void res.status(201).json({ reached: 'step' })])).get('/x');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ reached: 'step' });
  });
});
