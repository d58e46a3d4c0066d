import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const functionsSrc = fileURLToPath(new URL('../functions/src', import.meta.url));

// The SPA imports the server's wire schemas and pure engine directly, so forms
// validate exactly like the callables do. Those files use NodeNext-style `.js`
// suffixes on `.ts` sources, which Vite resolves for TypeScript importers.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@crm\/api$/, replacement: `${functionsSrc}/api/schemas.ts` },
      { find: /^@crm\/api\/(.*)$/, replacement: `${functionsSrc}/api/$1` },
      { find: /^@crm\/engine\/(.*)$/, replacement: `${functionsSrc}/engine/$1` },
    ],
  },
  server: {
    // `npm run dev` talks to a running `npm start` stack for runtime.json and callables.
    proxy: {
      '/__crm': process.env.CRM_DEV_BACKEND ?? 'http://127.0.0.1:4000',
    },
  },
  build: {
    // The host-OS stand-in page is built only for the browser tests.
    ...(process.env.CRM_EMBED_DEMO === '1'
      ? { rollupOptions: { input: { main: fileURLToPath(new URL('index.html', import.meta.url)), embedDemo: fileURLToPath(new URL('embed-demo.html', import.meta.url)) } } }
      : {}),
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
});
