/**
 * `driftdesk env diff A B [--json]` as a child process on the real fixtures in
 * test/fixtures/envs: exit codes (0 same, 1 different, 2 bad input naming file and line), the
 * JSON shape, and the table. The CLI starts cost ~1 s of CPU each, so the runs start in
 * beforeAll two at a time (two cores) and the tests read their results.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENVS = 'test/fixtures/envs';
const PYFUNC = `${ENVS}/mlflow__mlflow/tests/resources/pyfunc_models`;
const PACKT_MLMODEL = `${ENVS}/PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns/1/34e6c900bbec484aa32ca9a4827a0c85/artifacts/model/MLmodel`;
const COUNTRY = `${ENVS}/JortdeJong13__country-guess/mlruns/0/73a1c9a8038c4ad8bb32cf6ddfa937e7/artifacts/model`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/driftdesk', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-env-cli-'));
const tmp = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

let runs: Record<string, Run>;

beforeAll(async () => {
  const broken = tmp('requirements.txt', 'numpy==1.26.4\n# pinned for the GPU image\ntorch=2.1.0\n');
  const brokenConda = tmp('environment.yml', 'name: x\ndependencies:\n  - numpy\n  - pip:\n    - scipy\n   - bad\n');
  const jobs: Record<string, string[]> = {
    pyfunc: ['env', 'diff', `${PYFUNC}/2.7.1`, `${PYFUNC}/2.8.1`, '--json'],
    freeze: ['env', 'diff', `${ENVS}/pip-freeze-local.txt`, `${ENVS}/pip-freeze-system-python3.txt`],
    torch: ['env', 'diff', PACKT_MLMODEL, COUNTRY, '--json'],
    same: ['env', 'diff', `${PYFUNC}/2.8.1/requirements.txt`, `${PYFUNC}/2.8.1`],
    broken: ['env', 'diff', broken, `${ENVS}/pip-freeze-local.txt`],
    brokenConda: ['env', 'diff', `${ENVS}/pip-freeze-local.txt`, brokenConda, '--json'],
    missing: ['env', 'diff', `${ENVS}/no-such-file.txt`, `${ENVS}/pip-freeze-local.txt`],
    notModel: ['env', 'diff', ENVS, `${ENVS}/pip-freeze-local.txt`],
    oneArg: ['env', 'diff', `${ENVS}/pip-freeze-local.txt`],
  };
  const queue = Object.entries(jobs);
  runs = {};
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) runs[job[0]] = await cli(job[1]);
  };
  await Promise.all([worker(), worker()]);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('driftdesk env diff', () => {
  it('MLflow pyfunc 2.7.1 vs 2.8.1 (folders), --json: exit 1, Python and mlflow minor upgrades', () => {
    const { code, stdout, stderr } = runs.pyfunc!;
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.a).toEqual({
      path: `${PYFUNC}/2.7.1`, kind: 'mlmodel', python: '3.9.13', packages: 2, notes: [],
      files: ['MLmodel', 'python_env.yaml', 'requirements.txt', 'conda.yaml'].map((f) => `${PYFUNC}/2.7.1/${f}`),
    });
    expect(out).toMatchObject({ same: false, python: { from: '3.9.13', to: '3.11.12', level: 'minor', direction: 'upgrade' } });
    expect(out.counts).toEqual({ added: 0, removed: 0, changed: 1, major: 0, minor: 1, patch: 0, other: 0 });
    expect(out.changes).toEqual([
      {
        kind: 'changed', name: 'mlflow', key: 'mlflow', ml: true, what: 'version', level: 'minor', direction: 'upgrade',
        from: { source: 'pip', spec: '==2.7.1', origin: { kind: 'index' }, extras: [], version: '2.7.1' },
        to: { source: 'pip', spec: '==2.8.1', origin: { kind: 'index' }, extras: [], version: '2.8.1' },
      },
    ]);
  });

  it('an MLmodel file vs a model folder: torch 1.13 → 2.5 is the first change', () => {
    const { code, stdout } = runs.torch!;
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.a).toMatchObject({ kind: 'mlmodel', python: '3.8.10', packages: 16 });
    expect(out.changes[0]).toMatchObject({ key: 'torch', level: 'major', direction: 'upgrade', from: { version: '1.13.1' }, to: { version: '2.5.1' } });
    expect(out.counts).toMatchObject({ changed: 3, major: 3, added: 5, removed: 13 });
  });

  it('the two real pip freeze outputs: a table grouped by class, ML packages first and marked', () => {
    const { code, stdout } = runs.freeze!;
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`A: ${ENVS}/pip-freeze-local.txt (requirements, 101 packages)`);
    expect(lines.filter((l) => /^[A-Z]+ \(\d+\)$/.test(l))).toEqual(['MAJOR (16)', 'MINOR (18)', 'PATCH (2)', 'ADDED (108)', 'REMOVED (63)']);
    const major = lines.indexOf('MAJOR (16)');
    expect(lines[major + 1]).toMatch(/^ {2}~ numpy \* +2\.4\.6 +→ 1\.24\.2 +downgrade$/);
    expect(stdout).toMatch(/\n {2}~ pluggy +1\.6\.0 +→ 1\.0\.0\+repack +downgrade\n/);
    expect(lines.at(-2)).toBe('36 changed (16 major, 18 minor, 2 patch, 0 other), 108 added, 63 removed; * = ML framework or runtime, listed first');
  });

  it('exit 0 when they agree: a model folder and its own requirements.txt (Python known on one side only)', () => {
    expect(runs.same).toMatchObject({ code: 0, stderr: '' });
    expect(runs.same!.stdout).toContain('Python  (not recorded) → 3.11.12\n');
    expect(runs.same!.stdout).toContain('\nSame environment.\n');
  });

  it('exit 2 with the file and line of a line pip would refuse, or a YAML error', () => {
    expect(runs.broken!.code).toBe(2);
    expect(runs.broken!.stdout).toBe('');
    expect(runs.broken!.stderr.trim()).toBe(
      `driftdesk: ${join(dir, 'requirements.txt')}, line 3: cannot read "torch=2.1.0": expected a version specifier such as ==1.0 or >=2, found "=2.1.0"`,
    );
    expect(runs.brokenConda!.code).toBe(2);
    expect(runs.brokenConda!.stderr.trim()).toMatch(new RegExp(`^driftdesk: ${join(dir, 'environment.yml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line \\d: not valid YAML: `));
  });

  it('exit 2 for a missing file, a folder without MLmodel, and a missing argument', () => {
    expect(runs.missing).toMatchObject({ code: 2, stderr: `driftdesk: ${ENVS}/no-such-file.txt: no such file or folder\n` });
    expect(runs.notModel).toMatchObject({ code: 2, stderr: `driftdesk: ${ENVS}: a folder must be an MLflow model folder (with an MLmodel file)\n` });
    expect(runs.oneArg!.code).toBe(2);
    expect(runs.oneArg!.stderr).toContain('env diff needs two environments, A and B, got 1 argument(s)');
  });
});
