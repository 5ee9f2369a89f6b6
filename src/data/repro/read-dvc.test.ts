// readDvcRepo on copies of the real DVC fixtures (test/fixtures/dvc) in temp folders; the parsers
// it uses are src/core/repro/dvc.ts, tested beside it.
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DvcReadError, dvcRepoDataVersions, readDvcRepo } from './read-dvc.ts';
import { fixturePath, readFixture } from '../../../test/helpers/fixtures.ts';

const fixtureDir = (p: string) => fixturePath(`dvc/${p}`);
const fixture = (p: string) => readFixture(`dvc/${p}`);

describe('readDvcRepo', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
  });
  const copyOf = (p: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-dvc-'));
    temps.push(dir);
    cpSync(fixtureDir(p), dir, { recursive: true });
    return dir;
  };

  it('finds every .dvc file and dvc.lock and the config of a real repository', async () => {
    const repo = await readDvcRepo(fixtureDir('iterative__vscode-dvc/demo'));
    expect(repo.files.map((f) => f.file)).toEqual(['data/MNIST/raw.dvc']);
    expect(repo.locks.map((l) => l.file)).toEqual(['dvc.lock']);
    expect(repo.config?.defaultRemote).toBe('storage');
    expect(dvcRepoDataVersions(repo)).toHaveLength(6);
    const template = dvcRepoDataVersions(await readDvcRepo(fixtureDir('khuyentran1401__data-science-template')));
    expect(template.map((r) => `${r.path}@${r.remote}`)).toEqual(['data/final@ocelot', 'data/intermediate@ocelot', 'image@ocelot']);
  });

  it('does not follow a symlinked .dvc file or folder out of the repository', async () => {
    const dir = copyOf('iterative__vscode-dvc/demo');
    const outside = mkdtempSync(join(tmpdir(), 'dd-dvc-outside-'));
    temps.push(outside);
    writeFileSync(join(outside, 'secret.dvc'), 'outs:\n- path: secret\n  md5: 2a592caac70651d359b2331ff674beec\n');
    symlinkSync(join(outside, 'secret.dvc'), join(dir, 'linked.dvc'));
    symlinkSync(outside, join(dir, 'linked-dir'));
    const repo = await readDvcRepo(dir);
    expect(repo.files.map((f) => f.file)).toEqual(['data/MNIST/raw.dvc']);
  });

  it('refuses a symlinked .dvc/config, and a folder without DVC records', async () => {
    const dir = copyOf('iterative__vscode-dvc/demo');
    rmSync(join(dir, '.dvc/config'));
    symlinkSync('/etc/hostname', join(dir, '.dvc/config'));
    await expect(readDvcRepo(dir)).rejects.toThrow(new DvcReadError('.dvc/config: is or passes through a symlink; not followed'));
    const empty = mkdtempSync(join(tmpdir(), 'dd-dvc-empty-'));
    temps.push(empty);
    await expect(readDvcRepo(empty)).rejects.toThrow(/no \.dvc files and no dvc\.lock/);
  });

  it('reports a damaged dvc.lock with its path and line, and reads nothing else', async () => {
    const dir = copyOf('khuyentran1401__data-science-template');
    writeFileSync(join(dir, 'dvc.lock'), fixture('khuyentran1401__data-science-template/dvc.lock').replace('md5: 413f47291554e937fffcac2027faada6', 'md5: 413f4729'));
    await expect(readDvcRepo(dir)).rejects.toThrow('dvc.lock, line 6: config/main.yaml: md5 "413f4729" is not 32 hex digits');
  });
});
