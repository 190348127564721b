import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is built into console/dist and served by the Nest app at `/`.
// In development (`npx vite --config console/vite.config.ts`) API calls are
// proxied to a locally running backend.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': process.env.LATCHKEY_API ?? 'http://127.0.0.1:3000',
    },
  },
});
