import { afterEach, beforeEach, describe, it } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { storeConformance, testClock } from '@waymark/testing';

storeConformance(
  'memory',
  async () => {
    const clock = testClock();
    return { stores: createMemoryStores(clock), clock, cleanup: async () => {} };
  },
  { describe, it, beforeEach, afterEach },
);
