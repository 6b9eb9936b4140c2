export { requireTransaction, TRANSACTION_ID_HEADER } from './require-transaction.js';
export type { RequireTransactionOptions } from './require-transaction.js';
export { remotePolicyDecisionPoint } from './remote-pdp.js';
export type { RemotePdpOptions } from './remote-pdp.js';
