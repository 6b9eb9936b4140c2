import { WaymarkError, type Logger } from '@waymark/sdk';
import { NODES_ERRORS } from '../errors.js';

/** A one-time code to deliver. `expiresAt` is epoch ms. */
export interface OtpMessage {
  to: string;
  code: string;
  /** What the code is for (`login`, `payment`…), so the message can say it. */
  purpose: string;
  expiresAt: number;
}

/**
 * Delivers one-time codes (email, SMS, push…). Wire one as `services.notifier`, or let
 * `otp.challenge` build a {@link ConsoleNotifier} or {@link WebhookNotifier} from its config.
 *
 * @example
 * const notifier: Notifier = { async send({ to, code }) { await mailer.send(to, `Your code: ${code}`); } };
 */
export interface Notifier {
  send(message: OtpMessage, options?: { signal?: AbortSignal }): Promise<void>;
}

declare module '@waymark/sdk' {
  interface Services {
    /** Delivers one-time codes for otp.challenge (mode "code"). */
    notifier?: Notifier;
  }
}

/**
 * DEVELOPMENT ONLY: "delivers" the code by writing it to the logger, code included. It refuses
 * (ERR_OTP_CONSOLE_NOTIFIER) when `NODE_ENV=production` unless `allowInProduction` is set —
 * a code in a production log is a bypass of the second factor.
 *
 * @example
 * const notifier = new ConsoleNotifier(logger); // prints "one-time code (development only)"
 */
export class ConsoleNotifier implements Notifier {
  readonly #logger: Logger;
  readonly #refuse: boolean;

  constructor(logger: Logger, options: { allowInProduction?: boolean; production?: boolean } = {}) {
    this.#logger = logger;
    const production = options.production ?? process.env.NODE_ENV === 'production';
    this.#refuse = production && options.allowInProduction !== true;
  }

  async send(message: OtpMessage): Promise<void> {
    if (this.#refuse) {
      throw new WaymarkError(
        NODES_ERRORS.ERR_OTP_CONSOLE_NOTIFIER,
        'the console notifier prints one-time codes and is refused in production: wire services.notifier or use the webhook notifier',
      );
    }
    this.#logger.warn('one-time code (development only: the console notifier prints codes)', {
      to: message.to,
      code: message.code,
      purpose: message.purpose,
      expiresAt: new Date(message.expiresAt).toISOString(),
    });
  }
}

export interface WebhookNotifierInit {
  url: string;
  fetch: typeof fetch;
  /** Extra headers, e.g. an authorization for the webhook receiver. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Delivers a code by POSTing JSON `{ to, code, purpose, expiresAt }` (expiresAt as ISO 8601)
 * to a URL, for a mailer or SMS gateway to pick up. Any non-2xx answer throws
 * `ERR_OTP_NOTIFY` (the message never carries the code).
 *
 * @example
 * const notifier = new WebhookNotifier({ url: 'https://notify.internal/otp', fetch });
 */
export class WebhookNotifier implements Notifier {
  readonly #init: WebhookNotifierInit;

  constructor(init: WebhookNotifierInit) {
    this.#init = init;
  }

  async send(message: OtpMessage, options: { signal?: AbortSignal } = {}): Promise<void> {
    const signals = [AbortSignal.timeout(this.#init.timeoutMs ?? 5000)];
    if (options.signal) signals.push(options.signal);
    let response: Response;
    try {
      response = await this.#init.fetch(this.#init.url, {
        method: 'POST',
        headers: { ...this.#init.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ to: message.to, code: message.code, purpose: message.purpose, expiresAt: new Date(message.expiresAt).toISOString() }),
        signal: AbortSignal.any(signals),
        redirect: 'error',
      });
    } catch (cause) {
      throw new WaymarkError(NODES_ERRORS.ERR_OTP_NOTIFY, `one-time code webhook unreachable (${new URL(this.#init.url).origin})`, {}, { cause });
    }
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) {
      throw new WaymarkError(NODES_ERRORS.ERR_OTP_NOTIFY, `one-time code webhook answered HTTP ${response.status}`, { status: response.status });
    }
  }
}
