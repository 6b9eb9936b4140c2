/**
 * @waymark/nodes — the built-in node types, one file each.
 */
import type { NodeType } from '@waymark/sdk';
import { cookieClear } from './cookie-clear.js';
import { cookiePersistentCheck } from './cookie-persistent-check.js';
import { cookiePersistentSet } from './cookie-persistent-set.js';
import { ipMatch } from './ip-match.js';
import { redirect } from './redirect.js';
import { sessionCheck } from './session-check.js';
import { sessionCreate } from './session-create.js';

export { cookieClear } from './cookie-clear.js';
export { cookiePersistentCheck } from './cookie-persistent-check.js';
export { cookiePersistentSet } from './cookie-persistent-set.js';
export { ipMatch } from './ip-match.js';
export { redirect } from './redirect.js';
export { sessionCheck } from './session-check.js';
export { sessionCreate } from './session-create.js';

/** Every built-in node type, for `NodeRegistry` and the CLI. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node config types vary per node
export const builtinNodes: NodeType<any>[] = [
  cookieClear,
  cookiePersistentCheck,
  cookiePersistentSet,
  ipMatch,
  redirect,
  sessionCheck,
  sessionCreate,
];
