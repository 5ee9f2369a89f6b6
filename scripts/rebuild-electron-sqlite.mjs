#!/usr/bin/env node
// `npm run rebuild:electron`: builds better-sqlite3 against Electron's ABI into
// native/electron/better_sqlite3.node, beside (never over) the Node build in node_modules that
// the tests, the CLI and the server use. The app picks it at run time (src/node/native-binding.ts).
//
// How: a copy of the installed better-sqlite3 package is staged in a temp folder and rebuilt
// there with @electron/rebuild (which downloads Electron's headers, or a prebuilt binary, so it
// needs network access); only the resulting .node file is kept.
//
//   node scripts/rebuild-electron-sqlite.mjs [--arch x64|arm64|universal] [--dry-run]
//
// `universal` (macOS, for the universal dmg; the default there) builds x64 and arm64 and joins them with lipo.
//
// --dry-run stages the copy and prints the plan as JSON without building (no network).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// macOS defaults to universal: the dmg is universal (build/electron-builder.yml), and `npm run dist` runs this first.
const defaultArch = process.platform === 'darwin' ? 'universal' : process.arch;
const { values } = parseArgs({ options: { arch: { type: 'string', default: defaultArch }, 'dry-run': { type: 'boolean', default: false } } });
if (!['x64', 'arm64', 'ia32', 'armv7l', 'universal'].includes(values.arch)) {
  console.error(`rebuild:electron: --arch must be x64, arm64, ia32, armv7l or universal (macOS), not ${values.arch}`);
  process.exit(2);
}

const pkg = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
const electronVersion = pkg('electron').version;
const sqliteVersion = pkg('better-sqlite3').version;
const outDir = join(root, 'native', 'electron');
const output = join(outDir, 'better_sqlite3.node');

const stage = mkdtempSync(join(tmpdir(), 'driftdesk-electron-sqlite-'));
try {
  const staged = join(stage, 'node_modules', 'better-sqlite3');
  // The sources and binding.gyp, not the Node build (build/) that must stay as it is.
  cpSync(join(root, 'node_modules', 'better-sqlite3'), staged, { recursive: true, filter: (src) => !relative(join(root, 'node_modules', 'better-sqlite3'), src).startsWith('build') });
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'driftdesk-electron-sqlite-stage', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }));
  const plan = { electronVersion, betterSqlite3: sqliteVersion, arch: values.arch, platform: process.platform, stage, output: relative(root, output), staged: existsSync(join(staged, 'binding.gyp')) && !existsSync(join(staged, 'build')) };
  if (values['dry-run']) console.log(JSON.stringify(plan));
  else await build(staged);
} catch (err) {
  console.error(`rebuild:electron failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error('It needs network access to download Electron\'s headers (https://www.electronjs.org/headers) and a C++ toolchain (python3, make, g++; Xcode CLT on macOS; VS Build Tools on Windows).');
  process.exitCode = 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}

async function build(staged) {
  const { rebuild } = await import('@electron/rebuild');
  const archs = values.arch === 'universal' ? ['x64', 'arm64'] : [values.arch];
  if (values.arch === 'universal' && process.platform !== 'darwin') throw new Error('--arch universal is for macOS (it needs lipo)');
  const builds = [];
  for (const arch of archs) {
    console.log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${arch}) …`);
    await rebuild({ buildPath: stage, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true });
    const built = join(staged, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) throw new Error(`@electron/rebuild finished but ${built} is missing`);
    const kept = join(stage, `better_sqlite3-${arch}.node`);
    cpSync(built, kept);
    builds.push(kept);
  }
  mkdirSync(outDir, { recursive: true });
  if (builds.length === 1) cpSync(builds[0], output);
  else {
    const lipo = spawnSync('lipo', ['-create', ...builds, '-output', output], { stdio: 'inherit' });
    if (lipo.status !== 0) throw new Error('lipo -create failed');
  }
  writeFileSync(join(outDir, 'build-info.json'), `${JSON.stringify({ electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: values.arch, builtAt: new Date().toISOString() }, null, 2)}\n`);
  console.log(`wrote ${relative(root, output)}; the Node build in node_modules is unchanged.`);
}
