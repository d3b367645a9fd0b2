// Builds the agent console into console/dist, served by the API process at /sms
// (src/api/console-assets.ts). Everything the page needs is bundled: no CDN.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/sms/',
  plugins: [preact()],
  resolve: {
    // The reply box judges a body with the very module the API and the workflow use.
    alias: { '@shared': fileURLToPath(new URL('../src/shared', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The page's CSP allows scripts from 'self' only; Vite's preload polyfill would be inlined.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    // `npx vite console` during development: the API (npm start) answers /api.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
