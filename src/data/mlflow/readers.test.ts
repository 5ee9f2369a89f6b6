/**
 * The MLflow readers on real stores (test/fixtures/mlflow, see its SOURCES.md) and on damaged
 * copies of them: each damage must stop the read with an error naming the file.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { reproChecklist } from '../../core/repro/index.ts';
import { ENV_FILE_MAX_BYTES, readFileStore } from './file-store.ts';
import { readMlflowStore } from './read-store.ts';
import { parseRunDetail } from '../../core/workspace/index.ts';
import { runDetail } from './run-detail.ts';
import { readSqliteStore } from './sqlite-store.ts';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/mlflow');
const COUNTRY = join(FIXTURES, 'JortdeJong13__country-guess/mlruns');
const PACKT = join(FIXTURES, 'PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns');
const DB = join(FIXTURES, 'PacktPublishing__Machine-Learning-Engineering-with-MLflow/Chapter09/psystock-inference-batch/mlflow_db');
const OWL = '73a1c9a8038c4ad8bb32cf6ddfa937e7';

const tmp = mkdtempSync(join(tmpdir(), 'driftdesk-mlflow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let copies = 0;
/** A writable copy of the country-guess store to damage. */
function copyStore(): string {
  const dir = join(tmp, `copy${++copies}`, 'mlruns');
  cpSync(COUNTRY, dir, { recursive: true });
  return dir;
}

describe('readFileStore on real mlruns/ trees', () => {
  it('reads both experiments of country-guess, with the params, metric series, tags and artifacts of a run', () => {
    const store = readFileStore(COUNTRY);
    expect(store).toMatchObject({ kind: 'file-store', skippedDeleted: 0 });
    expect(store.runs.map((r) => [r.experiment, r.name]).sort()).toEqual([['Default', 'entertaining-owl-269'], ['triplet', 'crawling-gnu-274']]);
    const owl = store.runs.find((r) => r.runId === OWL)!;
    expect(owl).toMatchObject({ status: 'finished', startTime: 1745052528171, endTime: 1745052790183, experimentId: '0' });
    expect(owl.params).toMatchObject({ learning_rate: '0.006062179392646305', shape: '128', embedding_model: 'CustomEmbeddingModel' });
    expect(Object.keys(owl.params)).toHaveLength(9);
    expect(owl.metrics['loss']).toHaveLength(12);
    expect(owl.metrics['loss']![0]).toEqual({ timestamp: 1745052545623, value: 0.06411232778595553, step: 0 });
    expect(owl.tags['mlflow.user']).toBe('jortdejong');
    expect(owl.artifacts).toContainEqual({ path: 'model/MLmodel', bytes: 533 });
    expect(owl.artifacts!.map((a) => a.path)).toContain('model/data/pickle_module_info.txt');
    // The summary keeps the tags a runs list filters by, not MLflow's bookkeeping.
    expect(runDetail(owl).summary.tags).toEqual({ 'mlflow.user': 'jortdejong' });
  });

  it('reads the PyTorch Lightning autolog runs and picks the highest step as the headline value', () => {
    const store = readMlflowStore(join(PACKT, '..')); // a folder holding mlruns/ works too
    expect(store.runs).toHaveLength(2);
    for (const run of store.runs) {
      expect(Object.keys(run.params)).toHaveLength(12);
      const { summary } = runDetail(run);
      const points = run.metrics['val_accuracy']!;
      const last = [...points].sort((a, b) => b.step - a.step || b.timestamp - a.timestamp)[0]!;
      expect(summary.metrics['val_accuracy']).toBe(last.value);
      expect(summary.source).toBe(`mlflow:${run.runId}`);
    }
  });

  it('makes the same detail blob from the same run, so a re-import is recognised as unchanged', () => {
    const a = runDetail(readFileStore(COUNTRY).runs[0]!);
    const b = runDetail(readFileStore(COUNTRY).runs[0]!);
    expect(a.sha256).toBe(b.sha256);
    expect(a.summary.detailBlob).toBe(a.sha256);
    const blob = JSON.parse(new TextDecoder().decode(a.blob));
    // The one run-detail format every importer writes; parsing it back checks every field.
    expect(parseRunDetail(blob)).toMatchObject({ kind: 'driftdesk-run', source: a.summary.source });
    expect(Array.isArray(blob.artifacts)).toBe(true);
  });
});

describe('environment files among the artifacts', () => {
  it("keeps the country-guess model's MLmodel, conda.yaml, python_env.yaml and requirements.txt as text in the detail", () => {
    const owl = readFileStore(COUNTRY).runs.find((r) => r.runId === OWL)!;
    const detail = parseRunDetail(JSON.parse(new TextDecoder().decode(runDetail(owl).blob)));
    expect(detail.environment.map((f) => [f.kind, f.path])).toEqual([
      ['mlmodel', 'model/MLmodel'], ['conda', 'model/conda.yaml'], ['python_env', 'model/python_env.yaml'], ['pip', 'model/requirements.txt'],
    ]);
    expect(detail.environment.find((f) => f.kind === 'pip')!.text).toContain('torch==2.5.1');
    // The checklist reads them: captured, pinned, Python 3.12.8.
    const env = reproChecklist(detail).items.find((i) => i.id === 'environment')!;
    expect(env).toMatchObject({ status: 'pass', earned: 30 });
    expect(env.detail).toContain('Python 3.12.8');
  });

  it('leaves out a file over the size cap or with NUL bytes; the other run still has its own', () => {
    const root = copyStore();
    const model = join(root, '0', OWL, 'artifacts', 'model');
    writeFileSync(join(model, 'requirements.txt'), `${'numpy==1.26.0\n'.repeat(ENV_FILE_MAX_BYTES / 14 + 1)}`);
    writeFileSync(join(model, 'conda.yaml'), 'name: x\0binary');
    const owl = readFileStore(root).runs.find((r) => r.runId === OWL)!;
    expect(owl.environment!.map((f) => f.path)).toEqual(['model/MLmodel', 'model/python_env.yaml']);
    const gnu = readFileStore(root).runs.find((r) => r.runId !== OWL)!;
    expect(gnu.environment!.map((f) => f.path)).toEqual(['model/MLmodel', 'model/conda.yaml', 'model/python_env.yaml', 'model/requirements.txt']);
    // The SQLite backend holds no artifacts, so no environment either.
    expect(readSqliteStore(DB).runs.every((r) => r.environment === undefined)).toBe(true);
  });

  it('a symbolic link named MLmodel stops the import like any link', () => {
    const root = copyStore();
    const link = join(root, '0', OWL, 'artifacts', 'other', 'MLmodel');
    mkdirSync(dirname(link));
    symlinkSync('/etc/hostname', link);
    expect(() => readFileStore(root)).toThrow(`${link}: is a symbolic link`);
  });
});

describe('readSqliteStore on a real mlflow.db', () => {
  const store = readSqliteStore(DB);
  it('reads the active runs and skips (and counts) the deleted ones', () => {
    expect(store.kind).toBe('sqlite');
    expect(store.runs).toHaveLength(4);
    expect(store.skippedDeleted).toBe(8);
    expect(store.runs.map((r) => r.runId)).not.toContain('820af31363914beb93809dc03e68d2f5');
  });
  it('keeps the nested runs\' parent tag, params and metric points', () => {
    const child = store.runs.find((r) => r.runId === '62bf95320fe547b3810005854eaab26b')!;
    expect(child).toMatchObject({ name: 'train_model', status: 'finished', experiment: 'Default', artifacts: null });
    expect(child.tags['mlflow.parentRunId']).toBe('ba4d19ec922947738b2a3c9b4c1267cc');
    expect(child.params).toEqual({ early_stopping_rounds: 'None', maximize: 'None', num_boost_round: '10', verbose_eval: 'True' });
    const evaluated = store.runs.find((r) => r.runId === 'ac4f8245b6cd45f489870ae25b2268dc')!;
    expect(evaluated.tags['mlflow.parentRunId']).toBe('ba4d19ec922947738b2a3c9b4c1267cc');
    expect(evaluated.metrics['accuracy_score']).toEqual([{ timestamp: 1619976576364, value: 0.5384615384615384, step: 0 }]);
  });
});

describe('bad input names the file', () => {
  it('a corrupt meta.yaml', () => {
    const root = copyStore();
    const meta = join(root, '0', OWL, 'meta.yaml');
    writeFileSync(meta, 'run_id: [unclosed\nstatus: 3\n');
    expect(() => readFileStore(root)).toThrow(`${meta}: not valid YAML`);
  });

  it('a meta.yaml whose run_id points elsewhere (../)', () => {
    const root = copyStore();
    const meta = join(root, '0', OWL, 'meta.yaml');
    writeFileSync(meta, `run_id: ../465006048865488539/${OWL}\nstatus: 3\nstart_time: 1\n`);
    expect(() => readFileStore(root)).toThrow(`${meta}: run_id "../465006048865488539/${OWL}" does not match its folder ${OWL}`);
  });

  it('a metric line that does not parse, with its line number', () => {
    const root = copyStore();
    const loss = join(root, '0', OWL, 'metrics', 'loss');
    writeFileSync(loss, '1745052545623 0.06 0\n1745052565010 0.03 1\nnot a metric line\n');
    expect(() => readFileStore(root)).toThrow(`${loss}, line 3: expected "timestamp value step"`);
  });

  it('reads nan and inf as MLflow writes them, and an old two-field line as step 0', () => {
    const root = copyStore();
    writeFileSync(join(root, '0', OWL, 'metrics', 'loss'), '10 nan 0\n20 inf 1\n30 0.5\n');
    const run = readFileStore(root).runs.find((r) => r.runId === OWL)!;
    expect(run.metrics['loss']).toEqual([{ timestamp: 10, value: Number.NaN, step: 0 }, { timestamp: 20, value: Infinity, step: 1 }, { timestamp: 30, value: 0.5, step: 0 }]);
  });

  it('a symbolic link in the artifacts, even one pointing inside the store', () => {
    const root = copyStore();
    const link = join(root, '0', OWL, 'artifacts', 'passwd');
    symlinkSync('/etc/passwd', link);
    expect(() => readFileStore(root)).toThrow(`${link}: is a symbolic link`);
  });

  it('a symbolic link as a param file', () => {
    const root = copyStore();
    const link = join(root, '0', OWL, 'params', 'stolen');
    symlinkSync(join(root, '0', 'meta.yaml'), link);
    expect(() => readFileStore(root)).toThrow(`${link}: is a symbolic link`);
  });

  it('a file that is not SQLite, an SQLite file without MLflow\'s tables, a missing file', () => {
    const junk = join(tmp, 'junk.db');
    writeFileSync(junk, 'this is not a database, just text that is long enough to not be empty'.repeat(20));
    expect(() => readSqliteStore(junk)).toThrow(`${junk}: cannot read as an MLflow database`);
    const other = join(tmp, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (id INTEGER)');
    db.close();
    expect(() => readSqliteStore(other)).toThrow(`${other}: not an MLflow tracking database (no experiments, runs, params, metrics, tags tables)`);
    expect(() => readMlflowStore(join(tmp, 'missing.db'))).toThrow(`${join(tmp, 'missing.db')}: no such file or folder`);
  });
});
