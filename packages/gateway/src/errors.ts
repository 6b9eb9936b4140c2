import { WaymarkError } from '@waymark/sdk';

/**
 * Codes the gateway raises. A published code is never reused. A bad gateway configuration is
 * `ERR_CONFIG_INVALID` (`ConfigInvalidError` of `@waymark/core`), like every Waymark configuration.
 */
export const GATEWAY_ERRORS = {
  /** The upstream credential could not be obtained (the token exchange failed): the call is not forwarded (502). */
  ERR_GATEWAY_MEDIATION: 'ERR_GATEWAY_MEDIATION',
  /** The upstream could not be reached or broke off (502). */
  ERR_GATEWAY_UPSTREAM: 'ERR_GATEWAY_UPSTREAM',
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/**
 * An error of the gateway, with a stable code.
 *
 * @example
 * throw new GatewayError('ERR_GATEWAY_MEDIATION', 'token exchange at https://as.example/token answered 400');
 */
export class GatewayError extends WaymarkError {
  declare readonly code: GatewayErrorCode;
  constructor(code: GatewayErrorCode, message: string, details: Record<string, unknown> = {}, options: { cause?: unknown } = {}) {
    super(code, message, details, { cause: options.cause });
    this.name = 'GatewayError';
  }
}
