import type { Logger } from '@waymark/sdk';

/**
 * The logger, with the request's id on every line it writes: for the lines a request writes
 * besides its access-log line (an error it met, a refused redirect). Built on those paths only.
 */
export function requestLogger(logger: Logger, requestId: string | undefined): Logger {
  if (requestId === undefined) return logger;
  const add = (fields: Record<string, unknown> | undefined) => ({ requestId, ...fields });
  return {
    debug: (message, fields) => logger.debug(message, add(fields)),
    info: (message, fields) => logger.info(message, add(fields)),
    warn: (message, fields) => logger.warn(message, add(fields)),
    error: (message, fields) => logger.error(message, add(fields)),
  };
}
