/**
 * Which better-sqlite3 binary to load. `npm install` builds it for Node (tests, CLI, server);
 * the desktop app needs one built against Electron's ABI, kept beside it in
 * `native/electron/better_sqlite3.node` (scripts/rebuild-electron-sqlite.mjs) and handed to
 * `new Database(file, { nativeBinding })`, so neither build overwrites the other.
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the Electron build lives, relative to the app's root (the repo, or app.asar when packaged). */
export const ELECTRON_SQLITE_BINDING = 'native/electron/better_sqlite3.node';

export type SqliteBinding = { kind: 'node' } | { kind: 'electron'; path: string } | { kind: 'missing'; message: string };

/**
 * The binary for this process: Node's own build outside Electron; inside Electron (main, or its
 * Node via ELECTRON_RUN_AS_NODE) the Electron build under `appRoot`, read from app.asar.unpacked
 * when packaged (a .node file cannot be loaded from inside an asar archive); `missing` with what
 * to do when that file is not there.
 */
export function chooseSqliteBinding({ electronVersion, appRoot, exists }: { electronVersion: string | undefined; appRoot: string; exists: (path: string) => boolean }): SqliteBinding {
  if (!electronVersion) return { kind: 'node' };
  const path = join(appRoot, ELECTRON_SQLITE_BINDING).replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
  if (exists(path)) return { kind: 'electron', path };
  return {
    kind: 'missing',
    message:
      `better-sqlite3 is not built for Electron ${electronVersion}: no ${path}. ` +
      'Run "npm run rebuild:electron" (it needs network access to download Electron\'s headers), then start the app again.',
  };
}

/** The `nativeBinding` option for `new Database` in this process; throws the `missing` message. */
export function sqliteNativeBinding(appRoot = defaultAppRoot()): string | undefined {
  const binding = chooseSqliteBinding({ electronVersion: process.versions.electron, appRoot, exists: existsSync });
  if (binding.kind === 'missing') throw new Error(binding.message);
  return binding.kind === 'electron' ? binding.path : undefined;
}

/** Two folders up from this module: the repo root from src/node/, and from out/main/ once bundled. */
function defaultAppRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}
