import { WaymarkError } from '@waymark/sdk';

/** Every code the CLI itself raises. A published code is never reused. */
export const CLI_ERRORS = {
  /** The first argument names no command. */
  ERR_CLI_UNKNOWN_COMMAND: 'ERR_CLI_UNKNOWN_COMMAND',
  /** Unknown flag, missing or extra argument. */
  ERR_CLI_USAGE: 'ERR_CLI_USAGE',
  /** A file named on the command line could not be read. */
  ERR_CLI_FILE: 'ERR_CLI_FILE',
  /** `run`: the user pressed Ctrl-C while a hidden answer (a password) was being typed. */
  ERR_CLI_CANCELLED: 'ERR_CLI_CANCELLED',
  /** `new-node`: the target folder exists and is not empty; nothing was written. */
  ERR_CLI_TARGET_EXISTS: 'ERR_CLI_TARGET_EXISTS',
  /** The CLI is run from a clone before `npm run build` (raised by the committed bin shim). */
  ERR_CLI_NOT_BUILT: 'ERR_CLI_NOT_BUILT',
  /** `serve`: the port is taken by another process (or not allowed); names the port and the fix. */
  ERR_SERVE_PORT_IN_USE: 'ERR_SERVE_PORT_IN_USE',
  /** `serve` in production mode: something only a development server may have (random keys, demo clients, the console one-time-code notifier, a plain-http issuer, a self-signed certificate); every problem listed with its fix. */
  ERR_PRODUCTION_REFUSED: 'ERR_PRODUCTION_REFUSED',
  /** `run`: the flow needs a service (a users file, a named secret) the command was not given; names the node and the flag that gives it. */
  ERR_CLI_SERVICE_MISSING: 'ERR_CLI_SERVICE_MISSING',
  /** `serve`: a flow file holds a version the flow store already has, with other content; versions are immutable: raise `version`. */
  ERR_SERVE_FLOW_VERSION_EXISTS: 'ERR_SERVE_FLOW_VERSION_EXISTS',
  /** `serve`: a flow file holds a version below the latest saved one that the store does not have; raise `version` above the latest. */
  ERR_SERVE_FLOW_VERSION_STALE: 'ERR_SERVE_FLOW_VERSION_STALE',
  /** `serve`: a flow id the file flow store cannot use as a file name (the flow schema's kebab-case is required). */
  ERR_SERVE_FLOW_ID: 'ERR_SERVE_FLOW_ID',
  /** `studio <folder>`: an API request whose Host is not the local studio's own loopback name (a rebound DNS name); answered 403. */
  ERR_STUDIO_HOST: 'ERR_STUDIO_HOST',
  /** `studio <folder>`: an API request without `X-Waymark-Studio: 1` (not sent by the studio page: a cross-site request); answered 403. */
  ERR_STUDIO_HEADER: 'ERR_STUDIO_HEADER',
} as const;

/** A failure that ends a command with exit code 2 and a one-line coded message. */
export class CliError extends WaymarkError {
  constructor(code: keyof typeof CLI_ERRORS, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'CliError';
  }
}
