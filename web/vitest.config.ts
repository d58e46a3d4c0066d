import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
// Vitest 5's reporter needs Map.groupBy (Node 21+): without it a failing test crashes the reporter on Node 20.
import '../e2e/support/node20-polyfills.js';

const functionsSrc = fileURLToPath(new URL('../functions/src', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@crm\/api$/, replacement: `${functionsSrc}/api/schemas.ts` },
      { find: /^@crm\/api\/(.*)$/, replacement: `${functionsSrc}/api/$1` },
      { find: /^@crm\/engine\/(.*)$/, replacement: `${functionsSrc}/engine/$1` },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
