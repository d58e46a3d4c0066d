import { describeStoreContract, CONTRACT_INDEXES } from '../contract/store-contract.js';
import { MemoryStore } from './memory-store.js';

describeStoreContract('MemoryStore', async () => {
  const store = new MemoryStore({ indexes: CONTRACT_INDEXES, onListenerError: () => undefined });
  return { store, cleanup: () => store.close() };
});
