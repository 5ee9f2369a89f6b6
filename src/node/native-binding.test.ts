import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCache } from './local-cache.ts';
import { chooseSqliteBinding, sqliteNativeBinding } from './native-binding.ts';

describe('better-sqlite3 binary chooser', () => {
  const never = () => false;
  const always = () => true;

  it("uses Node's own build outside Electron", () => {
    expect(chooseSqliteBinding({ electronVersion: undefined, appRoot: '/repo', exists: always })).toEqual({ kind: 'node' });
  });

  it("uses the Electron build beside it inside Electron, unpacked from the asar when packaged", () => {
    expect(chooseSqliteBinding({ electronVersion: '45.5.0', appRoot: '/repo', exists: always })).toEqual({ kind: 'electron', path: '/repo/native/electron/better_sqlite3.node' });
    const seen: string[] = [];
    const packaged = chooseSqliteBinding({ electronVersion: '45.5.0', appRoot: '/opt/Driftdesk/resources/app.asar', exists: (p) => (seen.push(p), true) });
    expect(packaged).toEqual({ kind: 'electron', path: '/opt/Driftdesk/resources/app.asar.unpacked/native/electron/better_sqlite3.node' });
    expect(seen).toEqual(['/opt/Driftdesk/resources/app.asar.unpacked/native/electron/better_sqlite3.node']);
  });

  it('says what to run when the Electron build is missing', () => {
    const got = chooseSqliteBinding({ electronVersion: '45.5.0', appRoot: '/repo', exists: never });
    expect(got).toEqual({ kind: 'missing', message: expect.stringContaining('no /repo/native/electron/better_sqlite3.node. Run "npm run rebuild:electron"') });
  });

  it('in this Node process picks the Node build, and a real cache opens with it', () => {
    expect(process.versions.electron).toBeUndefined();
    expect(sqliteNativeBinding('/nonexistent')).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-binding-'));
    try {
      const cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
      expect(cache.listConnections()).toEqual([]);
      cache.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
