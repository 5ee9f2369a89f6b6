// Lint keeps the layers honest (STYLE.md habits 1 and 2): where code may run is in its
// folder name, and these rules stop an import that would break it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto'], message: 'runtime-specific: not in this layer' };
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const layer = (names, message) => ({ group: names.flatMap((n) => [`**/${n}`, `**/${n}/**`]), message });

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'native/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', 'bin/driftdesk'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty-pattern': 'off',
    },
  },
  {
    // Series coefficients are kept digit for digit as published (Cephes, scipy), even where a
    // double cannot hold every digit: that makes them checkable against the source.
    files: ['src/core/drift/**/*.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: restrict(nodeBuiltins, { group: ['electron', 'react', 'react-dom', 'better-sqlite3', 'ws', '@duckdb/*', 'y-websocket'], message: 'src/core is pure' }, layer(['shared', 'node', 'main', 'preload', 'renderer', 'server', 'web-host', 'cli'], 'src/core depends on nothing else of ours')),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(nodeBuiltins, { group: ['electron', 'react', 'better-sqlite3', 'ws'], message: 'src/shared is the contract only' }, layer(['node', 'main', 'preload', 'renderer', 'server', 'web-host', 'cli'], 'shared sees core only')),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: restrict(nodeBuiltins, { group: ['electron', 'better-sqlite3', 'ws'], message: 'the renderer reaches Node only through HostApi' }, layer(['node', 'main', 'preload', 'server', 'web-host', 'cli'], 'the renderer sees core and shared only')),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict(layer(['core', 'node', 'main', 'renderer', 'server', 'web-host', 'cli'], 'the preload sees shared only')),
  },
  {
    files: ['src/node/**/*.ts', 'server/**/*.ts', 'src/web-host/**/*.ts'],
    rules: restrict({ group: ['electron'], message: 'no Electron outside src/main and src/preload' }, layer(['renderer', 'main', 'preload'], 'Node code does not reach into UI or Electron layers')),
  },
  {
    // Data engines (DuckDB reader, profiles, drift over files): core only, used by the server,
    // the host and the CLI alike.
    files: ['src/data/**/*.ts'],
    rules: restrict({ group: ['electron'], message: 'no Electron outside src/main and src/preload' }, layer(['node', 'main', 'preload', 'renderer', 'server', 'web-host', 'cli'], 'src/data sees core and shared only')),
  },
  {
    // The server sees core, shared and data: never the host (src/node), which embeds it.
    files: ['server/**/*.ts'],
    rules: restrict({ group: ['electron'], message: 'no Electron outside src/main and src/preload' }, layer(['node', 'renderer', 'main', 'preload', 'web-host', 'cli'], 'server/ sees core, shared and data only')),
  },
);
