import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract, CONTRACT_INDEXES } from '../contract/store-contract.js';
import { MemoryStore } from './memory-store.js';

describeStoreContract('MemoryStore', async () => {
  const store = new MemoryStore({ indexes: CONTRACT_INDEXES, onListenerError: () => undefined });
  return { store, cleanup: () => store.close() };
});

describeStoreContract('MemoryStore on disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'memory-store-contract-'));
  const store = new MemoryStore({ indexes: CONTRACT_INDEXES, onListenerError: () => undefined, filePath: join(dir, 'store.sqlite') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
