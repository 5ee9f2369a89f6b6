// Lint keeps the layers honest (STYLE.md habits 1 and 2): where code may run is in its
// folder name, and these rules stop an import that would break it.
import { dirname, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto'], message: 'runtime-specific: not in this layer' };
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

// Which of our folders each folder MAY import, besides its own files (STYLE.md habit 2:
// core <- shared <- data <- server <- host (src/node) <- {main, web-host, cli}; the renderer
// sees core and shared, the preload shared only). It is an allow-list, as VS Code's
// code-layering rule is: whatever is not granted here is refused, and a folder missing from the
// table may import nothing of ours until someone decides what it may use. '.' is the files at
// the top of the repository (the tool configs).
const core = ['src/core'];
const shared = [...core, 'src/shared'];
const data = [...shared, 'src/data'];
const server = [...data, 'server'];
const host = [...server, 'src/node'];
const LAYERS = {
  'src/core': [],
  'src/shared': core,
  'src/data': shared,
  server: data,
  'src/node': server,
  'src/main': host,
  'src/web-host': host,
  // `driftdesk web` (and `start` without Electron) serves the browser-mode app: the CLI starts the web host.
  'src/cli': [...host, 'src/web-host'],
  'src/renderer': shared,
  'src/preload': ['src/shared'],
  // Cross-process tests drive every layer.
  test: [...host, 'src/main', 'src/web-host', 'src/cli', 'src/renderer', 'src/preload'],
  // bench:monitor times the page's chart series (pure code under src/renderer) on a long history.
  bench: [...host, 'test/helpers', 'src/renderer'],
  scripts: [],
  bin: ['src/cli'],
  '.': ['test/e2e'],
};
// Unit tests beside the code (habit 9) may also use the shared test helpers and fixtures.
const TEST_GRANTS = ['test/helpers', 'test/fixtures'];
const ROOT = dirname(fileURLToPath(import.meta.url));

const toPosix = (p) => p.split(sep).join(posix.sep);
const inside = (path, folder) => folder === '.' ? !path.includes('/') : path === folder || path.startsWith(`${folder}/`);
/** The table entry a repository path belongs to, or, for a folder not in the table, its name. */
function folderOf(path) {
  const known = Object.keys(LAYERS).find((folder) => inside(path, folder));
  if (known) return { folder: known, grants: LAYERS[known] };
  const parts = path.split('/');
  return { folder: parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts[0], grants: undefined };
}

const layersPlugin = {
  rules: {
    'allowed-imports': {
      meta: {
        type: 'problem',
        docs: { description: 'a folder imports only the folders the LAYERS table in eslint.config.js grants it' },
        schema: [],
        messages: {
          refused: '{{from}} may not import {{to}} (it may import: {{granted}}); the LAYERS table in eslint.config.js says which folder sees which',
          unlisted: '{{from}} is not in the LAYERS table in eslint.config.js, so it may import nothing of ours: add it with the folders it may use',
          outside: '{{spec}} points outside the repository',
        },
      },
      create(context) {
        const file = toPosix(relative(ROOT, context.filename));
        const { folder, grants } = folderOf(file);
        const allowed = grants && [folder, ...grants, ...(/\.test\.tsx?$/.test(file) ? TEST_GRANTS : [])];
        function check(node, source) {
          // Only relative specifiers name our files: packages are the business of no-restricted-imports.
          if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
          const target = toPosix(relative(ROOT, resolve(dirname(context.filename), source.value)));
          if (target.startsWith('../')) return context.report({ node: source, messageId: 'outside', data: { spec: source.value } });
          if (!allowed) return context.report({ node: source, messageId: 'unlisted', data: { from: folder } });
          if (allowed.some((g) => inside(target, g))) return;
          const to = folderOf(target).folder;
          context.report({ node: source, messageId: 'refused', data: { from: folder, to: to === '.' ? target : to, granted: grants.length ? grants.join(', ') : 'nothing of ours' } });
        }
        return {
          ImportDeclaration: (node) => check(node, node.source),
          ExportNamedDeclaration: (node) => check(node, node.source),
          ExportAllDeclaration: (node) => check(node, node.source),
          ImportExpression: (node) => check(node, node.source),
          // `import('../x.ts').T` in a type position.
          TSImportType: (node) => check(node, node.argument?.literal ?? node.source),
        };
      },
    },
  },
};

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
    files: ['**/*.{js,mjs,cjs,ts,tsx}', 'bin/driftdesk'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/allowed-imports': 'error' },
  },
  // Which packages a layer may use; which of our folders it may import is the LAYERS table.
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: restrict(nodeBuiltins, { group: ['electron', 'react', 'react-dom', 'better-sqlite3', 'ws', '@duckdb/*', 'y-websocket'], message: 'src/core is pure' }),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(nodeBuiltins, { group: ['electron', 'react', 'better-sqlite3', 'ws'], message: 'src/shared is the contract only' }),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: restrict(nodeBuiltins, { group: ['electron', 'better-sqlite3', 'ws'], message: 'the renderer reaches Node only through HostApi' }),
  },
  {
    // Data engines (DuckDB reader, profiles, MLflow/GTO/DVC/environment readers), the server, the
    // host and the browser-mode host run in plain Node.
    files: ['src/data/**/*.ts', 'server/**/*.ts', 'src/node/**/*.ts', 'src/web-host/**/*.ts'],
    rules: restrict({ group: ['electron'], message: 'no Electron outside src/main and src/preload' }),
  },
);
