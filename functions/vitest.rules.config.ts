import { defineConfig } from 'vitest/config';

/** The rules suites alone (Firestore and Storage), for `npm run test:emulators` (needs those emulators). */
export default defineConfig({
  test: {
    include: ['src/rules/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
