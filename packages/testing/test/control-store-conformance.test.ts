import * as jest from '@jest/globals';
import { MemoryClientStore, MemoryFlowStore } from '@waymark/core';
import { clientStoreConformance, flowStoreConformance } from '@waymark/testing';

flowStoreConformance('memory', async () => ({ store: new MemoryFlowStore(), cleanup: async () => {} }), jest);
clientStoreConformance('memory', async () => ({ store: new MemoryClientStore(), cleanup: async () => {} }), jest);
