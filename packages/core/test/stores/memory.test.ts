import { createMemoryStores } from '@waymark/core';
import { manualClock, storeConformance } from './conformance.js';

storeConformance('memory', async () => {
  const clock = manualClock();
  return { stores: createMemoryStores(clock), clock, cleanup: async () => {} };
});
