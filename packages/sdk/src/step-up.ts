/**
 * The journey-state key that marks a step-up inside the user's existing session. A caller that
 * runs a journey to raise a live session (the step-up of a transactional-authorization advice)
 * starts it with `state: { [STEP_UP_STATE]: true, … }` and returns no cookie to the browser; a
 * node that would create a session must then raise the session the request names in place
 * (its authentication time, `acr`, `amr`) or refuse, never replace it: a new session's cookie
 * would never reach the browser and the old session would be gone. `session.create` honours it.
 *
 * @example
 * engine.start('transactional-stepup', { request, state: { sub: tx.sub, [STEP_UP_STATE]: true }, meta: { txId: tx.id } });
 * // in a node:
 * if (ctx.state[STEP_UP_STATE] === true) return raiseInPlace();
 */
export const STEP_UP_STATE = 'waymark.stepUp';
