import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Dev server only: where `/config.json`, `/api` and `/oidc` live (the embedded local stack from `npm start`).
 * @default 'http://localhost:4000'
 */
const backend = process.env['PROMPTPULSE_WEB_BACKEND'] ?? 'http://localhost:4000';

// Paths are anchored to this file, so `vite build --config web/vite.config.ts` works from the repo root.
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: 'router', test: /node_modules[\\/]react-router[\\/]/, priority: 2 },
            // recharts and its d3/redux helpers: only the lazily loaded chart pages need them.
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|@reduxjs|redux|react-redux|immer|reselect|decimal\.js-light|es-toolkit|eventemitter3|internmap|tiny-invariant|use-sync-external-store)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: Number(process.env['PROMPTPULSE_WEB_PORT'] ?? 5173),
    strictPort: true,
    // The SPA imports shared/contracts and shared/domain from outside web/.
    fs: { allow: [repoRoot] },
    proxy: {
      '/config.json': { target: backend, changeOrigin: true },
      '/api': { target: backend, changeOrigin: true },
    },
  },
});
