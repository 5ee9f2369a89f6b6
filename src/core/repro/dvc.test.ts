// The DVC parsers on the real DVC fixtures (test/fixtures/dvc), read by a test helper; the reader
// that walks a repository is src/data/repro/read-dvc.ts.
import { describe, expect, it } from 'vitest';
import { DvcParseError, dvcDataVersions, parseDvcConfig, parseDvcFile, parseDvcLock } from './index.ts';
import { readFixture } from '../../../test/helpers/fixtures.ts';

const fixture = (p: string) => readFixture(`dvc/${p}`);
const errorOf = (f: () => unknown): DvcParseError => {
  try {
    f();
  } catch (err) {
    if (err instanceof DvcParseError) return err;
    throw err;
  }
  throw new Error('parsed');
};

describe('DVC parsers on real files', () => {
  it('reads a .dvc file: the out path is relative to the file, a .dir hash is a folder', () => {
    const f = parseDvcFile(fixture('iterative__vscode-dvc/demo/data/MNIST/raw.dvc'), 'data/MNIST/raw.dvc');
    expect(f.outs).toEqual([
      { path: 'data/MNIST/raw', hash: '8c257df187855c681f88bde92d721ccd.dir', hashKind: 'md5', isDir: true, size: 66544770, nfiles: 8, file: 'data/MNIST/raw.dvc', line: 2 },
    ]);
    expect(f.importedFrom).toBeUndefined();
  });

  it('reads both dvc.lock files: stages, deps and outs with md5, size and nfiles', () => {
    const demo = parseDvcLock(fixture('iterative__vscode-dvc/demo/dvc.lock'));
    expect(demo.stages.map((s) => s.name)).toEqual(['train']);
    expect(demo.stages[0]!.cmd).toBe('python train.py');
    expect(demo.stages[0]!.deps.map((d) => d.path)).toEqual(['data/MNIST', 'train.py']);
    expect(demo.stages[0]!.outs.map((o) => `${o.path}:${o.hash}`)).toEqual([
      'misclassified.jpg:5edd7dd13144d95ef72e270570d9d338',
      'model.pt:38126781764ca9fb04496ca2c2173056',
      'predictions.json:0aa0e279e904572c28c1203ebfa41b29',
      'training_metrics:5abc8d18d6b57bd513acf95e55e2755a.dir',
      'training_metrics.json:2a592caac70651d359b2331ff674beec',
    ]);
    const template = parseDvcLock(fixture('khuyentran1401__data-science-template/dvc.lock'), 'dvc.lock');
    expect(template.stages.map((s) => s.name)).toEqual(['process_data', 'segment']);
    expect(template.stages[1]!.outs.find((o) => o.path === 'data/final')).toMatchObject({ isDir: true, nfiles: 2, size: 868954, line: 43 });
  });

  it('reads .dvc/config: the default remote and each remote URL', () => {
    expect(parseDvcConfig(fixture('iterative__vscode-dvc/demo/.dvc/config'))).toEqual({
      defaultRemote: 'storage', remotes: { storage: { url: 'https://remote.dvc.org/mnist-vscode' } },
    });
    const t = parseDvcConfig(fixture('khuyentran1401__data-science-template/.dvc/config'));
    expect(t.defaultRemote).toBe('ocelot');
    expect(Object.keys(t.remotes)).toEqual(['ocelot', 'origin']);
  });

  it('turns outs into dvc data-version refs, one per path, with the default remote', () => {
    const refs = dvcDataVersions({
      files: [parseDvcFile(fixture('iterative__vscode-dvc/demo/data/MNIST/raw.dvc'), 'data/MNIST/raw.dvc')],
      lock: parseDvcLock(fixture('iterative__vscode-dvc/demo/dvc.lock')),
      config: parseDvcConfig(fixture('iterative__vscode-dvc/demo/.dvc/config')),
    });
    expect(refs.map((r) => r.path)).toEqual(['data/MNIST/raw', 'misclassified.jpg', 'model.pt', 'predictions.json', 'training_metrics', 'training_metrics.json']);
    expect(refs[0]).toEqual({ name: 'data/MNIST/raw', hash: '8c257df187855c681f88bde92d721ccd.dir', kind: 'dvc', path: 'data/MNIST/raw', remote: 'storage' });
    // train.py is a dep nothing in DVC produces: git tracks it and the commit pins it.
    expect(refs.some((r) => r.path === 'train.py')).toBe(false);
  });

  it('reads DVC 3 entries (hash: md5) and dvc import records', () => {
    const f = parseDvcFile(
      'md5: 1c7ae5c2c7d3a5a8d6e2f5b7a8c9d0e1\nfrozen: true\ndeps:\n- path: data/raw.csv\n  repo:\n    url: https://github.com/iterative/dataset-registry\n    rev_lock: f31f5c4cdae787b4bdeb97a717687d44667d9e62\nouts:\n- md5: 2a592caac70651d359b2331ff674beec\n  size: 69\n  hash: md5\n  path: raw.csv\n',
      'data/raw.csv.dvc',
    );
    expect(f.outs[0]).toMatchObject({ path: 'data/raw.csv', hashKind: 'md5', hash: '2a592caac70651d359b2331ff674beec' });
    expect(f.importedFrom).toEqual({ url: 'https://github.com/iterative/dataset-registry', rev: 'f31f5c4cdae787b4bdeb97a717687d44667d9e62' });
  });

  it('names the file and line of what it cannot read', () => {
    expect(errorOf(() => parseDvcFile('outs:\n- path: ../../etc/passwd\n  md5: 2a592caac70651d359b2331ff674beec\n', 'data/x.dvc')).message).toBe(
      'data/x.dvc, line 2: ../../etc/passwd: leaves the repository (..)',
    );
    expect(errorOf(() => parseDvcFile('outs:\n- path: /etc/passwd\n  md5: 2a592caac70651d359b2331ff674beec\n', 'x.dvc')).message).toMatch(/^x\.dvc, line 2: \/etc\/passwd: an absolute path/);
    expect(errorOf(() => parseDvcFile('outs:\n- path: a\n  md5: nothex\n', 'a.dvc')).message).toBe('a.dvc, line 2: a: md5 "nothex" is not 32 hex digits');
    expect(errorOf(() => parseDvcFile('outs:\n- path: a\n', 'a.dvc')).message).toMatch(/line 2: a: no md5, etag or checksum/);
    expect(errorOf(() => parseDvcLock('schema: "2.0"\nstages:\n  train: [\n')).message).toMatch(/^dvc\.lock, line \d+: not valid YAML/);
    expect(errorOf(() => parseDvcLock("schema: '3.0'\nstages: {}\n")).message).toMatch(/schema '3\.0'/);
    expect(errorOf(() => parseDvcConfig('[core]\nthis is not ini\n')).message).toBe('.dvc/config, line 2: expected "key = value" or a [section], found "this is not ini"');
  });
});
