import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } } },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    resolve: {
      // y-monaco imports `monaco-editor/esm/vs/...`, a path the package's exports map no longer
      // offers: point it at the files, so y-monaco and our editor share one Monaco instance.
      alias: [{ find: /^monaco-editor\/esm\/vs\//, replacement: `${resolve(__dirname, 'node_modules/monaco-editor/esm/vs')}/` }],
    },
    build: {
      minify: true,
      // Fonts (KaTeX's) stay files: inlined as data: URLs they would need `font-src data:` in the CSP.
      assetsInlineLimit: (file: string) => (/\.(woff2?|ttf|otf)$/i.test(file) ? false : undefined),
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
