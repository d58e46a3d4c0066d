import { defineConfig } from 'vitest/config';

/** The rules suite alone, for `npm run test:emulators` (needs the Firestore emulator). */
export default defineConfig({
  test: {
    include: ['src/rules/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
