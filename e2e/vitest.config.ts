import { defineConfig } from 'vitest/config';
import './support/node20-polyfills.js';

/**
 * Browser tests: the real local stack (Auth emulator + embedded runtime
 * serving web/dist) driven by Debian's chromium through playwright-core.
 * One file, run in order: the journeys build on each other like a real tenant.
 */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // The UI answers after a callable round trip; on a loaded CI machine that can take seconds.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    reporters: ['default'],
  },
});
