import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The app is served by Quire from the jar's web/ folder: index.html (no-cache) and assets/ with
// content hashes in their names (cached forever). The dev server proxies the API and the
// WebSocket to a Quire on :8080, so `npm run dev` works beside `./quire serve`.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      // sharedb's client asks for Node's util only for inherits(); the browser gets the small package.
      { find: /^util$/, replacement: fileURLToPath(new URL('./src/shims/util.js', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'target/classes/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Quill, React and sharedb make one ~600 kB script (180 kB gzipped), loaded once and cached forever.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
