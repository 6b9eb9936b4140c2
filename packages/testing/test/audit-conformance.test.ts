import * as jest from '@jest/globals';
import { MemoryAuditStore, MemoryJourneyLogStore } from '@waymark/core';
import { auditStoreConformance, journeyLogConformance, testClock } from '@waymark/testing';

auditStoreConformance(
  'memory',
  async ({ capacity, retentionSeconds }) => {
    const clock = testClock();
    return { store: new MemoryAuditStore({ capacity, retentionSeconds, clock }), clock, cleanup: async () => {} };
  },
  jest,
);

journeyLogConformance(
  'memory',
  async ({ capacity, retentionSeconds }) => {
    const clock = testClock();
    return { store: new MemoryJourneyLogStore(clock, { capacity, retentionSeconds }), clock, cleanup: async () => {} };
  },
  jest,
);
