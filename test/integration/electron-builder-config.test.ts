/**
 * build/electron-builder.yml, checked without building installers (that needs Electron
 * downloads, see README): loaded and validated by electron-builder's own loader and schema, the
 * fields a release needs, and every file it names present or produced by `npm run dist` first.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, path: string, extra: null): Promise<Config>;
  validateConfiguration(config: Config, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const root = process.cwd();
const load = () => getConfig(root, 'build/electron-builder.yml', null);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string; scripts: Record<string, string> };

describe('electron-builder config', () => {
  it("passes electron-builder's own schema, and the schema does reject a bad config", async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, mac: { ...config.mac, hardenedRuntime: 'yes' } }, new DebugLogger(false))).rejects.toThrow(/hardenedRuntime should be a boolean/);
    await expect(validateConfiguration({ ...config, appIdentifier: 'x' }, new DebugLogger(false))).rejects.toThrow(/appIdentifier/);
  });

  it('names the app, its link scheme and the installers for each OS', async () => {
    const c = await load();
    expect(c).toMatchObject({ appId: 'dev.driftdesk.app', productName: 'Driftdesk', directories: { output: 'dist', buildResources: 'build' } });
    expect(c.protocols).toEqual([{ name: 'Driftdesk link', schemes: ['driftdesk'] }]);
    expect(c.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Development' });
    expect(c.mac).toMatchObject({ target: [{ target: 'dmg', arch: ['universal'] }], hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
    expect(c.win).toMatchObject({ target: ['nsis'] });
    // Updates are opt-in at run time (src/main/auto-update.ts): nothing is published by a build.
    expect(c.publish).toBeNull();
    expect(c.npmRebuild).toBe(false);
    expect(c.electronFuses).toMatchObject({ runAsNode: true, grantFileProtocolExtraPrivileges: false, onlyLoadAppFromAsar: true });
  });

  it('refers only to files that exist, or that `npm run dist` builds before packaging', async () => {
    const c = await load();
    for (const file of [c.mac.icon, c.win.icon, c.mac.entitlements, c.mac.entitlementsInherit, 'build/icon.svg']) expect(existsSync(file), file).toBe(true);
    const linuxIcons = readdirSync(c.linux.icon as string);
    expect(linuxIcons).toEqual(expect.arrayContaining(['16x16.png', '32x32.png', '256x256.png', '512x512.png']));
    const built = ['out/**', 'native/electron/better_sqlite3.node'];
    // The loader normalises `files` into one filter set.
    const files = (c.files as { filter: string[] }[]).flatMap((f) => f.filter);
    expect(files).toContain('out/**');
    for (const entry of files) {
      if (entry.startsWith('!') || built.includes(entry)) continue;
      const literal = entry.split('/**')[0]!;
      expect(existsSync(literal), entry).toBe(true);
    }
    // What `dist` runs first produces the rest: the renderer/main/preload build and the Electron sqlite build.
    const steps = pkg.scripts.dist!.split('&&').map((s) => s.trim());
    expect(steps[0]).toBe('electron-vite build');
    expect(steps[1]).toBe('node scripts/rebuild-electron-sqlite.mjs');
    expect(steps.at(-1)).toBe('electron-builder --config build/electron-builder.yml');
    expect(pkg.main.startsWith('out/')).toBe(true);
    // Files the main process opens at run time travel with the app.
    for (const file of ['resources/demo-workspace.json', 'resources/badge-overlay.png', 'README.md', 'bin/driftdesk']) expect(existsSync(file), file).toBe(true);
    expect(c.asarUnpack).toContain('native/electron/**');
  });

  it('CI installs without trying to download Electron', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    const skip = ci.indexOf('export ELECTRON_SKIP_BINARY_DOWNLOAD=1');
    expect(skip).toBeGreaterThan(-1);
    expect(skip).toBeLessThan(ci.indexOf('npm ci --'));
  });
});
