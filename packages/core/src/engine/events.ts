import type { Logger } from '@waymark/sdk';
import type { JourneyEvent } from '../journey.js';

/** The engine's journey event listeners. A listener that throws is logged and never stops a journey. */
export class JourneyEvents {
  readonly #listeners: ((event: JourneyEvent) => void)[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** True when someone listens: the engine builds no event object otherwise (hot path). */
  get listening(): boolean {
    return this.#listeners.length > 0;
  }

  /** Subscribes; returns the unsubscribe function. */
  on(listener: (event: JourneyEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i !== -1) this.#listeners.splice(i, 1);
    };
  }

  emit(event: JourneyEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.error('journey event listener threw', { event: event.type, error: String(error) });
      }
    }
  }
}
