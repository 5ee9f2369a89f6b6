/**
 * The registry readers on damaged copies of the real stores (test/fixtures/mlflow): deleted
 * versions are left out as MLflow's UI leaves them out, and bad files stop the read with an
 * error naming the file. (What they read from intact stores is checked against SQL and YAML reads
 * in test/integration/mlflow-registry-import.test.ts.)
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileStore } from './file-store.ts';
import { readSqliteStore } from './sqlite-store.ts';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/mlflow');
const COUNTRY = join(FIXTURES, 'JortdeJong13__country-guess/mlruns');
const DB = join(FIXTURES, 'PacktPublishing__Machine-Learning-Engineering-with-MLflow/Chapter09/psystock-inference-batch/mlflow_db');

const tmp = mkdtempSync(join(tmpdir(), 'driftdesk-mlflow-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let copies = 0;
function copyStore(): string {
  const dir = join(tmp, `copy${++copies}`, 'mlruns');
  cpSync(COUNTRY, dir, { recursive: true });
  return dir;
}

describe('file store registry', () => {
  it('leaves out a version MLflow marked deleted (stage Deleted_Internal)', () => {
    const root = copyStore();
    const meta = join(root, 'models', 'default', 'version-1', 'meta.yaml');
    writeFileSync(meta, 'version: 1\nname: default\ncurrent_stage: Deleted_Internal\nsource: ""\nrun_id: ""\n');
    const models = readFileStore(root).models;
    expect(models.find((m) => m.name === 'default')!.versions).toEqual([]);
    expect(models.find((m) => m.name === 'triplet_model')!.versions.map((v) => v.version)).toEqual([1]);
  });

  it('a model whose meta.yaml names another model, a version whose meta.yaml names another number, an alias that is not a number', () => {
    let root = copyStore();
    const modelMeta = join(root, 'models', 'default', 'meta.yaml');
    writeFileSync(modelMeta, 'name: ../../etc\n');
    expect(() => readFileStore(root)).toThrow(`${modelMeta}: name "../../etc" does not match its folder default`);
    root = copyStore();
    const versionMeta = join(root, 'models', 'default', 'version-1', 'meta.yaml');
    writeFileSync(versionMeta, 'version: 2\nname: default\n');
    expect(() => readFileStore(root)).toThrow(`${versionMeta}: version "2" does not match its folder version-1`);
    root = copyStore();
    const alias = join(root, 'models', 'triplet_model', 'aliases', 'champion');
    writeFileSync(alias, 'latest');
    expect(() => readFileStore(root)).toThrow(`${alias}: expected a version number, found "latest"`);
  });

  it('a symbolic link among a version\'s tags', () => {
    const root = copyStore();
    const link = join(root, 'models', 'default', 'version-1', 'tags');
    symlinkSync('/etc', link);
    expect(() => readFileStore(root)).toThrow(`${link}: is a symbolic link`);
  });
});

describe('mlflow.db registry', () => {
  it('leaves out deleted versions, and a database from before the registry has none', () => {
    const file = join(tmp, 'deleted.db');
    cpSync(DB, file);
    const db = new Database(file);
    db.prepare(`UPDATE model_versions SET current_stage = 'Deleted_Internal'`).run();
    db.close();
    expect(readSqliteStore(file).models).toMatchObject([{ name: 'training-model-psystock', versions: [] }]);

    const old = join(tmp, 'before-registry.db');
    cpSync(DB, old);
    const o = new Database(old);
    o.exec('DROP TABLE model_version_tags; DROP TABLE registered_model_tags; DROP TABLE model_versions; DROP TABLE registered_models; DROP TABLE experiment_tags');
    o.close();
    const store = readSqliteStore(old);
    expect(store.models).toEqual([]);
    expect(store.runs).toHaveLength(4);
    expect(store.runs.every((r) => Object.keys(r.experimentTags).length === 0)).toBe(true);
  });

  it('a model_versions table without a version column is not MLflow\'s, and says so', () => {
    const file = join(tmp, 'odd.db');
    cpSync(DB, file);
    const db = new Database(file);
    db.exec('DROP TABLE model_version_tags; ALTER TABLE model_versions RENAME TO mv_old; CREATE TABLE model_versions (name TEXT)');
    db.close();
    expect(() => readSqliteStore(file)).toThrow(`${file}: table model_versions has no version column; not a registry MLflow wrote`);
  });
});
