// The demo page: `npm run demo` (dev server), `npm run demo:build` (static site
// in demo/dist), `npm run demo:preview` (serves that build).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Cross-origin isolation lets the worker pace slow-motion runs with Atomics.wait
// instead of a busy loop; the page works without it (on any static host).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here('.'),
  // Relative asset URLs, so the built folder works from any path.
  base: './',
  // The library from source: edits to src/ show up in the page at once.
  resolve: {
    alias: [
      { find: /^steepest$/, replacement: here('../src/index.ts') },
      { find: /^steepest\/datasets$/, replacement: here('../src/datasets/index.ts') },
    ],
  },
  worker: { format: 'es' },
  server: { headers: isolation, fs: { allow: [here('..')] } },
  preview: { headers: isolation },
  build: { outDir: here('dist'), emptyOutDir: true, target: 'es2022' },
});
