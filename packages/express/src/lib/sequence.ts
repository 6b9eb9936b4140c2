import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs named steps one after the other as ONE express handler: the endpoint keeps its readable
 * list of steps, and express walks one layer instead of one per step (each layer costs a
 * dispatch, a path check and a closure per request). The semantics are express 5's own: a step
 * that throws, or returns a promise that rejects, passes the error on; `next(err)` skips the
 * remaining steps and hands the error to the router's error handlers; `next('route')` and
 * `next('router')` are handed to the router unchanged; after the last step, `next()` goes on to
 * the route's next handler.
 *
 * @example
 * router.post('/par', sequence([headers, ...parSteps(ctx)]));
 */
export function sequence(steps: readonly RequestHandler[]): RequestHandler {
  const list = Object.freeze([...steps]);
  return function sequence(req: Request, res: Response, done: NextFunction): void {
    let i = 0;
    let finished = false;
    const end = (err?: unknown) => {
      if (finished) return;
      finished = true;
      done(err);
    };
    const next = (err?: unknown): void => {
      if (finished) return;
      if (err) {
        end(err);
        return;
      }
      const step = list[i++];
      if (step === undefined) {
        end();
        return;
      }
      try {
        const ret = step(req, res, next as NextFunction) as unknown;
        if (ret !== null && typeof ret === 'object' && typeof (ret as Promise<unknown>).then === 'function')
          (ret as Promise<unknown>).then(undefined, (error: unknown) => end(error || new Error('Rejected promise')));
      } catch (error) {
        end(error);
      }
    };
    next();
  };
}
