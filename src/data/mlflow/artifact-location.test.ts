/**
 * Where an mlflow.db run's artifacts are (artifact-location.ts), on real folders in a temp
 * directory: every URI form MLflow writes, and hostile ones that try to leave the artifact root.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveArtifactDir } from './artifact-location.ts';

let top: string;
let base: string;
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'driftdesk-artifact-location-'));
  base = join(top, 'tracking');
  for (const d of ['mlruns/0/r1/artifacts', 'mlartifacts/0/r2/artifacts', 'my runs/0/r3/artifacts']) mkdirSync(join(base, d), { recursive: true });
  mkdirSync(join(top, 'outside/0/r4/artifacts'), { recursive: true });
  // Links inside the root that lead out of it: as the last step, and half-way.
  symlinkSync(join(top, 'outside/0/r4/artifacts'), join(base, 'mlruns/0/r4-link'));
  symlinkSync(join(top, 'outside'), join(base, 'via'));
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('resolveArtifactDir', () => {
  it('reads the local forms MLflow writes: file: URIs, absolute and relative paths, mlflow-artifacts:', () => {
    const r1 = join(base, 'mlruns/0/r1/artifacts');
    expect(resolveArtifactDir(`file://${r1}`, base, base)).toEqual({ kind: 'local', dir: r1 });
    expect(resolveArtifactDir(`file://localhost${r1}`, base, base)).toEqual({ kind: 'local', dir: r1 });
    expect(resolveArtifactDir(r1, base, base)).toEqual({ kind: 'local', dir: r1 });
    expect(resolveArtifactDir('./mlruns/0/r1/artifacts', base, base)).toEqual({ kind: 'local', dir: r1 });
    expect(resolveArtifactDir('mlruns/0/r1/artifacts', base, base)).toEqual({ kind: 'local', dir: r1 });
    expect(resolveArtifactDir('mlflow-artifacts:/0/r2/artifacts', base, base)).toEqual({ kind: 'local', dir: join(base, 'mlartifacts/0/r2/artifacts') });
    expect(resolveArtifactDir('mlflow-artifacts://tracking.example:5000/0/r2/artifacts', base, base)).toEqual({ kind: 'local', dir: join(base, 'mlartifacts/0/r2/artifacts') });
    // Percent-escapes in a file: URI (a space in a folder name).
    expect(resolveArtifactDir(`file://${base.replace(/ /g, '%20')}/my%20runs/0/r3/artifacts`, base, base)).toEqual({ kind: 'local', dir: join(base, 'my runs/0/r3/artifacts') });
  });

  it('says artifacts in a cloud store, on another host or on Windows are not on this machine', () => {
    for (const uri of ['s3://bucket/0/r1/artifacts', 'gs://b/x', 'wasbs://c@acct.blob.core.windows.net/x', 'dbfs:/databricks/mlflow/0/r1/artifacts', 'https://example.com/x', 'file://fileserver/share/mlruns/0/r1/artifacts', 'C:\\Users\\ada\\mlruns\\0\\r1\\artifacts']) {
      const place = resolveArtifactDir(uri, base, base);
      expect(place.kind, uri).toBe('elsewhere');
      expect((place as { why: string }).why).toMatch(/not on this machine|on another machine/);
    }
  });

  it('refuses a location outside the artifact root, by an absolute path or by ..', () => {
    const out = join(top, 'outside/0/r4/artifacts');
    for (const uri of [out, `file://${out}`, '../outside/0/r4/artifacts', './mlruns/../../outside/0/r4/artifacts', 'mlflow-artifacts:/../../outside/0/r4/artifacts', '/etc']) {
      const place = resolveArtifactDir(uri, base, base);
      expect(place.kind, uri).toBe('refused');
      expect((place as { why: string }).why, uri).toContain('outside the artifact root');
    }
    // A wider root the person names takes it in.
    expect(resolveArtifactDir(out, base, top)).toEqual({ kind: 'local', dir: out });
  });

  it('refuses a symbolic link on the way, whether it is the folder itself or a folder above it', () => {
    expect(resolveArtifactDir('./mlruns/0/r4-link', base, base)).toEqual({ kind: 'refused', why: expect.stringContaining(`${join(base, 'mlruns/0/r4-link')} is a symbolic link`) });
    expect(resolveArtifactDir('./via/0/r4/artifacts', base, base)).toEqual({ kind: 'refused', why: expect.stringContaining(`${join(base, 'via')} is a symbolic link`) });
  });

  it('says a local folder that was not copied along is missing, and an empty location too', () => {
    expect(resolveArtifactDir('./mlruns/0/gone/artifacts', base, base)).toEqual({ kind: 'missing', why: `its artifacts folder ${join(base, 'mlruns/0/gone/artifacts')} is not on this machine` });
    expect(resolveArtifactDir('', base, base).kind).toBe('missing');
  });
});
