/**
 * scripts/rebuild-electron-sqlite.mjs without the network: --dry-run stages a copy of
 * better-sqlite3 (sources, not the Node build) and reports the plan; the Node build is untouched
 * and the stage is removed. The build itself needs Electron's headers (see README).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

it('plans a build for the installed Electron into native/electron, leaving the Node build alone', () => {
  const nodeBuild = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  const before = statSync(nodeBuild).mtimeMs;
  const run = spawnSync(process.execPath, ['scripts/rebuild-electron-sqlite.mjs', '--dry-run', '--arch', 'arm64'], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const plan = JSON.parse(run.stdout) as Record<string, unknown>;
  const electron = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string };
  expect(plan).toMatchObject({ electronVersion: electron.version, betterSqlite3: '12.11.1', arch: 'arm64', output: 'native/electron/better_sqlite3.node', staged: true });
  expect(existsSync(plan.stage as string)).toBe(false);
  expect(statSync(nodeBuild).mtimeMs).toBe(before);
});
