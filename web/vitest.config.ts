import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
