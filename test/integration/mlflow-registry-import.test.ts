/**
 * `driftdesk import mlflow` brings MLflow's model registry in with the runs: `driftdesk` runs as a
 * child process against a real sync server on port 0, on copies of the real fixtures in a temp
 * folder. What lands in the workspace is checked against direct reads of the same files — SQL
 * queries of the mlflow.db, YAML reads of the file store's meta.yaml files — never against an
 * earlier output of ours. Older MLflow schemas are built from MLflow's own latest_schema.sql.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import * as Y from 'yjs';
import {
  type AliasEventRecord, CommandError, type ModelRecord, type ModelVersionRecord, type RunSummaryRecord,
  aliasHistory, currentAliases, listModelVersions, listModels, listRuns, moveAlias, parseRunDetail, protectedMoveAllowed,
} from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'test/fixtures/mlflow');
const DB = join(FIXTURES, 'PacktPublishing__Machine-Learning-Engineering-with-MLflow/Chapter09/psystock-inference-batch/mlflow_db');
const COUNTRY = join(FIXTURES, 'JortdeJong13__country-guess/mlruns');
const SCHEMA = join(FIXTURES, 'mlflow__mlflow/tests/resources/db/latest_schema.sql');
const MODEL = 'training-model-psystock';
/** The psystock run that logged the registered model (its artifact path is the version's source). */
const TRAIN_RUN = '62bf95320fe547b3810005854eaab26b';
/** Another active run of the same database, for a second version. */
const PIPELINE_RUN = 'ba4d19ec922947738b2a3c9b4c1267cc';

interface Run { code: number | null; stdout: string; stderr: string }
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

let dir: string;
let server: SyncServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-mlflow-registry-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const importArgs = (path: string, workspaceId: string, token: string, ...more: string[]) =>
  ['import', 'mlflow', path, '--server', server.url, '--workspace', workspaceId, '--token', token, ...more];

interface Snapshot {
  runs: RunSummaryRecord[];
  models: ModelRecord[];
  versions: Map<string, ModelVersionRecord[]>;
  history: Map<string, AliasEventRecord[]>;
  current: Map<string, Map<string, AliasEventRecord>>;
  protectedAllowed: (e: AliasEventRecord) => boolean;
  stateVector: Uint8Array;
}

/** What the server holds for the workspace, read through a fresh client. */
async function snapshot(workspaceId: string, token: string): Promise<Snapshot> {
  const client = connectClient(server.url, workspaceId, token);
  try {
    await synced(client.provider);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(client.doc));
    const models = listModels(doc);
    return {
      runs: listRuns(doc),
      models,
      versions: new Map(models.map((m) => [m.name, listModelVersions(doc, m.id)])),
      history: new Map(models.map((m) => [m.name, aliasHistory(doc, m.id)])),
      current: new Map(models.map((m) => [m.name, currentAliases(doc, m.id)])),
      protectedAllowed: (e) => protectedMoveAllowed(doc, e),
      stateVector: Y.encodeStateVector(doc),
    };
  } finally {
    client.dispose();
  }
}

/** The version a current alias points at, as its number. */
function aliasTargets(s: Snapshot, model: string): Record<string, number> {
  const versions = s.versions.get(model) ?? [];
  return Object.fromEntries([...(s.current.get(model) ?? new Map<string, AliasEventRecord>())].map(([alias, e]) => [alias, versions.find((v) => v.id === e.versionId)!.version]));
}

interface SqlVersion { name: string; version: number; description: string | null; current_stage: string; source: string; run_id: string | null; status: string | null }

/** The registry as MLflow's tables hold it, read with plain SQL. */
function sqlRegistry(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    const tagRows = (sql: string) => (db.prepare(sql).all() as { k: string; key: string; value: string }[]);
    const group = (rows: { k: string; key: string; value: string }[]) => rows.reduce<Record<string, Record<string, string>>>((acc, r) => ({ ...acc, [r.k]: { ...acc[r.k], [r.key]: r.value } }), {});
    return {
      models: db.prepare('SELECT name, description FROM registered_models ORDER BY name').all() as { name: string; description: string | null }[],
      versions: db.prepare(`SELECT name, version, description, current_stage, source, run_id, status FROM model_versions WHERE current_stage != 'Deleted_Internal' ORDER BY name, version`).all() as SqlVersion[],
      modelTags: tables.has('registered_model_tags') ? group(tagRows('SELECT name AS k, key, value FROM registered_model_tags')) : {},
      versionTags: tables.has('model_version_tags') ? group(tagRows(`SELECT name || '/' || version AS k, key, value FROM model_version_tags`)) : {},
      aliases: tables.has('registered_model_aliases') ? db.prepare('SELECT name, alias, version FROM registered_model_aliases ORDER BY name, alias').all() as { name: string; alias: string; version: number }[] : [],
      experimentTags: group(tagRows('SELECT CAST(experiment_id AS TEXT) AS k, key, value FROM experiment_tags')),
    };
  } finally {
    db.close();
  }
}

/** The run a version came from, as the store says: its run_id, or the run id in its artifact path. */
const runOf = (v: { run_id: string | null; source: string }) => (v.run_id || /([0-9a-f]{32})\/artifacts/.exec(v.source)?.[1]) ?? null;

function expectVersionsMatchSql(s: Snapshot, sql: ReturnType<typeof sqlRegistry>) {
  expect(s.models.map((m) => m.name).sort()).toEqual(sql.models.map((m) => m.name));
  for (const m of sql.models) {
    const model = s.models.find((x) => x.name === m.name)!;
    expect(model).toMatchObject({ description: m.description ?? '', source: `mlflow:${m.name}` });
    expect(model.tags ?? {}).toEqual(sql.modelTags[m.name] ?? {});
  }
  for (const v of sql.versions) {
    const ours = s.versions.get(v.name)!.find((x) => x.version === v.version)!;
    expect(ours, `${v.name} v${v.version}`).toBeDefined();
    expect(ours).toMatchObject({ description: v.description ?? '', artifactUri: v.source, source: `mlflow:${v.name}/versions/${v.version}` });
    expect(ours.status).toBe(v.status ?? undefined);
    expect(ours.tags ?? {}).toEqual(sql.versionTags[`${v.name}/${v.version}`] ?? {});
    const run = runOf(v);
    expect(ours.runId && s.runs.find((r) => r.id === ours.runId)?.source).toBe(run ? `mlflow:${run}` : undefined);
  }
  expect([...s.versions.values()].flat()).toHaveLength(sql.versions.length);
}

function copyDb(name: string): string {
  const file = join(dir, `${name}.db`);
  cpSync(DB, file);
  return file;
}

/**
 * A database in MLflow's schema, newer or older: latest_schema.sql with the tables and columns an
 * older MLflow lacked left out, filled with the fixture database's rows (the columns both have).
 */
function buildDb(name: string, leaveOut: { tables?: string[]; columns?: Record<string, string[]> }): string {
  const file = join(dir, `${name}.db`);
  const db = new Database(file);
  try {
    for (const statement of readFileSync(SCHEMA, 'utf8').split(/\n\s*\n/).map((s) => s.trim()).filter((s) => s.startsWith('CREATE TABLE'))) {
      const table = /^CREATE TABLE (\w+)/.exec(statement)![1]!;
      if (leaveOut.tables?.includes(table)) continue;
      const drop = leaveOut.columns?.[table] ?? [];
      const lines = statement.split('\n').filter((line) => !drop.some((c) => new RegExp(`^\\s*${c}\\s`).test(line)));
      db.exec(lines.join('\n'));
    }
    db.exec(`ATTACH DATABASE '${DB.replaceAll("'", "''")}' AS fixture`);
    const ours = (db.prepare(`SELECT name FROM main.sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    for (const table of ours) {
      const theirs = new Set((db.prepare(`PRAGMA fixture.table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
      const cols = (db.prepare(`PRAGMA main.table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => theirs.has(c));
      if (cols.length > 0) db.exec(`INSERT INTO main.${table} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM fixture.${table}`);
    }
    db.exec('DETACH DATABASE fixture');
  } finally {
    db.close();
  }
  return file;
}

describe('driftdesk import mlflow: the model registry', () => {
  it('brings an mlflow.db registry in as models, versions and a protected production alias (an owner\'s import), once', { timeout: 90_000 }, async () => {
    const ws = await server.store.createWorkspace('Psystock', 'Ada');
    const editor = await server.store.createMemberToken(ws.id, 'editor', 'Eve');
    const file = copyDb('psystock');
    const db = new Database(file);
    db.prepare('INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, 0)').run('team', 'pricing');
    db.prepare('INSERT INTO registered_model_tags (key, value, name) VALUES (?, ?, ?)').run('task', 'forecasting', MODEL);
    db.prepare('INSERT INTO model_version_tags (key, value, name, version) VALUES (?, ?, ?, 1)').run('validated', 'yes', MODEL);
    db.close();
    const sql = sqlRegistry(file);
    // What the fixture is: a Production version whose run_id is empty, registered from its run's artifact path.
    expect(sql.versions).toMatchObject([{ name: MODEL, version: 1, current_stage: 'Production', run_id: '' }]);
    expect(sql.versions[0]!.source).toContain(`/${TRAIN_RUN}/artifacts/`);

    // A viewer's import is refused with nothing written.
    const viewer = await server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const refused = await cli(importArgs(file, ws.id, viewer.token));
    expect(refused.code).toBe(1); // refused, not bad input (README: exit codes)
    expect(refused.stderr).toContain("Vic is a viewer: importing needs an editor's or owner's token; nothing was written");
    const commenter = await server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
    const byCommenter = await cli(importArgs(file, ws.id, commenter.token));
    expect(byCommenter.code).toBe(1);
    expect(byCommenter.stderr).toContain("Cleo is a commenter: importing needs an editor's or owner's token");
    const untouched = await snapshot(ws.id, ws.token);
    expect(untouched.runs).toHaveLength(0);
    expect(untouched.models).toHaveLength(0);

    // An editor's import brings runs, the model and its version, and leaves production to an owner.
    const byEditor = await cli(importArgs(file, ws.id, editor.token));
    expect(byEditor.stderr).toBe('');
    expect(byEditor.code).toBe(0);
    expect(byEditor.stdout).toContain('imported 4, updated 0, unchanged 0, skipped deleted 8');
    expect(byEditor.stdout).toContain('models: 1 created, 0 updated, 0 unchanged');
    expect(byEditor.stdout).toContain('versions: 1 created, 0 updated, 0 unchanged');
    expect(byEditor.stdout).toContain("aliases: 0 moved (marked as imported from MLflow), 0 as MLflow has them already, 1 left for an owner's import");
    expect(byEditor.stdout).toContain(`${MODEL}: MLflow has v1 as stage Production, but production was not moved: only an owner's token imports moves of production`);
    const partial = await snapshot(ws.id, ws.token);
    expect(partial.models).toMatchObject([{ name: MODEL, createdById: editor.memberId, createdByName: 'Eve' }]);
    expect(partial.current.get(MODEL)!.size).toBe(0);

    const first = await cli(importArgs(file, ws.id, ws.token));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('imported 0, updated 0, unchanged 4, skipped deleted 8');
    expect(first.stdout).toContain('models: 0 created, 0 updated, 1 unchanged');
    expect(first.stdout).toContain('versions: 0 created, 0 updated, 1 unchanged');
    expect(first.stdout).toContain(`move alias ${MODEL}: production → v1  (MLflow stage Production)`);

    const s = await snapshot(ws.id, ws.token);
    expectVersionsMatchSql(s, sql);
    expect(s.versions.get(MODEL)![0]!.runId).toBe(s.runs.find((r) => r.source === `mlflow:${TRAIN_RUN}`)!.id);
    expect(aliasTargets(s, MODEL)).toEqual({ production: 1 });
    const [event] = s.history.get(MODEL)!;
    expect(event).toMatchObject({ alias: 'production', source: 'mlflow', byName: 'Ada', byId: ws.memberId });
    expect(event!.override?.reason).toContain('imported from MLflow (stage Production there; MLflow does not record who moved it)');
    expect(s.protectedAllowed(event!)).toBe(true);

    // Experiment tags ride in each run's detail blob, as read from experiment_tags.
    const run = s.runs.find((r) => r.source === `mlflow:${TRAIN_RUN}`)!;
    const blob = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${run.detailBlob}`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(parseRunDetail(await blob.json()).experimentTags).toEqual(sql.experimentTags['0']);

    // Importing the same store again changes nothing.
    const again = await cli(importArgs(file, ws.id, ws.token));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('imported 0, updated 0, unchanged 4');
    expect(again.stdout).toContain('models: 0 created, 0 updated, 1 unchanged');
    expect(again.stdout).toContain('versions: 0 created, 0 updated, 1 unchanged');
    expect(again.stdout).toContain('aliases: 0 moved');
    const s2 = await snapshot(ws.id, ws.token);
    expect(s2.models).toHaveLength(1);
    expect(s2.versions.get(MODEL)).toHaveLength(1);
    expect(s2.history.get(MODEL)).toHaveLength(1);

    // In Driftdesk, production now follows the handoff rule: an editor cannot just move it.
    const client = connectClient(server.url, ws.id, editor.token);
    try {
      await synced(client.provider);
      const model = listModels(client.doc)[0]!;
      const v1 = listModelVersions(client.doc, model.id)[0]!;
      expect(() => moveAlias(client.doc, { modelId: model.id, alias: 'production', versionId: null }, { actor: { id: editor.memberId, name: 'Eve' }, now: () => Date.now(), newId: () => 'x1' }))
        .toThrow(CommandError);
      expect(() => moveAlias(client.doc, { modelId: model.id, alias: 'production', versionId: v1.id, overrideReason: 'because' }, { actor: { id: editor.memberId, name: 'Eve' }, now: () => Date.now(), newId: () => 'x2' }))
        .toThrow('only owners can override production');
    } finally {
      client.dispose();
    }
  });

  it('a stage changed in MLflow comes in as one new alias move by "MLflow import"; --dry-run lists it and writes nothing', { timeout: 90_000 }, async () => {
    const ws = await server.store.createWorkspace('Stage change', 'Ada');
    const file = copyDb('stage-change');
    const db = new Database(file);
    // A second version, registered from another run with run_id set (the usual way), in no stage yet.
    db.prepare(`INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, status, status_message, run_link)
                VALUES (?, 2, 1619980000000, 1619980000000, 'retrained', NULL, 'None', ?, ?, 'READY', NULL, '')`).run(MODEL, `runs:/${PIPELINE_RUN}/model`, PIPELINE_RUN);
    db.close();
    const first = await cli(importArgs(file, ws.id, ws.token));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('versions: 2 created');
    const before = await snapshot(ws.id, ws.token);
    expectVersionsMatchSql(before, sqlRegistry(file));
    expect(aliasTargets(before, MODEL)).toEqual({ production: 1 });

    // In MLflow, v2 is moved to Production without archiving v1: MLflow's latest Production is v2.
    const change = new Database(file);
    change.prepare(`UPDATE model_versions SET current_stage = 'Production', last_updated_time = 1619990000000 WHERE name = ? AND version = 2`).run(MODEL);
    change.close();

    const dry = await cli(importArgs(file, ws.id, ws.token, '--dry-run'));
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run (nothing written): would import 0, update 0, leave 4 unchanged');
    expect(dry.stdout).toContain('aliases: 1 would move');
    expect(dry.stdout).toContain(`would move alias ${MODEL}: production → v2  (MLflow stage Production)`);
    const afterDry = await snapshot(ws.id, ws.token);
    expect(afterDry.stateVector).toEqual(before.stateVector);
    expect(afterDry.history.get(MODEL)).toHaveLength(1);

    const second = await cli(importArgs(file, ws.id, ws.token));
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('aliases: 1 moved');
    const after = await snapshot(ws.id, ws.token);
    const history = after.history.get(MODEL)!;
    expect(history).toHaveLength(2);
    expect(history[0]!.id).toBe(before.history.get(MODEL)![0]!.id);
    const v2 = after.versions.get(MODEL)!.find((v) => v.version === 2)!;
    expect(history[1]).toMatchObject({ alias: 'production', versionId: v2.id, source: 'mlflow', byName: 'Ada', byId: ws.memberId });
    expect(aliasTargets(after, MODEL)).toEqual({ production: 2 });
    expect(after.models).toHaveLength(1);
    expect(after.versions.get(MODEL)).toHaveLength(2);
  });

  it('reads an older schema (no aliases table, no tag tables, no run_link or storage_location) and aliases from the newest', { timeout: 90_000 }, async () => {
    const older = buildDb('mlflow-1.4', { tables: ['registered_model_aliases', 'registered_model_tags', 'model_version_tags'], columns: { model_versions: ['run_link', 'storage_location'], runs: ['name'] } });
    const cols = (table: string) => {
      const db = new Database(older, { readonly: true });
      try {
        return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      } finally {
        db.close();
      }
    };
    expect(cols('model_versions')).not.toContain('run_link');
    expect(cols('registered_model_aliases')).toEqual([]);
    const ws = await server.store.createWorkspace('Older', 'Ada');
    const old = await cli(importArgs(older, ws.id, ws.token));
    expect(old.stderr).toBe('');
    expect(old.code).toBe(0);
    const s = await snapshot(ws.id, ws.token);
    expectVersionsMatchSql(s, sqlRegistry(older));
    expect(aliasTargets(s, MODEL)).toEqual({ production: 1 });

    const newest = buildDb('mlflow-latest', {});
    const db = new Database(newest);
    db.prepare('INSERT INTO registered_model_aliases (alias, version, name) VALUES (?, 1, ?)').run('champion', MODEL);
    db.close();
    const sql = sqlRegistry(newest);
    expect(sql.aliases).toEqual([{ name: MODEL, alias: 'champion', version: 1 }]);
    const ws2 = await server.store.createWorkspace('Newest', 'Ada');
    const latest = await cli(importArgs(newest, ws2.id, ws2.token));
    expect(latest.code).toBe(0);
    const s2 = await snapshot(ws2.id, ws2.token);
    expectVersionsMatchSql(s2, sql);
    expect(aliasTargets(s2, MODEL)).toEqual({ production: 1, ...Object.fromEntries(sql.aliases.map((a) => [a.alias, a.version])) });
    expect(s2.history.get(MODEL)!.every((e) => e.source === 'mlflow' && e.byName === 'Ada')).toBe(true);
  });

  it('reads a file store\'s models/ folder, and imports a version whose run was deleted without a run link', { timeout: 90_000 }, async () => {
    const store = join(dir, 'country', 'mlruns');
    cpSync(COUNTRY, store, { recursive: true });
    const deletedRun = '0bfb6c1fe2c14d78b6e0b4b8146270de';
    const runMeta = join(store, '465006048865488539', deletedRun, 'meta.yaml');
    writeFileSync(runMeta, readFileSync(runMeta, 'utf8').replace('lifecycle_stage: active', 'lifecycle_stage: deleted'));
    expect(readFileSync(runMeta, 'utf8')).toContain('lifecycle_stage: deleted');
    mkdirSync(join(store, '0', 'tags'));
    writeFileSync(join(store, '0', 'tags', 'team'), 'geo');

    const offline = await cli(['import', 'mlflow', store, '--dry-run']);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('would import 1, update 0, leave 0 unchanged, skipping 1 deleted');

    const ws = await server.store.createWorkspace('Country', 'Ada');
    const res = await cli(importArgs(store, ws.id, ws.token));
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('imported 1, updated 0, unchanged 0, skipped deleted 1');
    expect(res.stdout).toContain(`note: triplet_model v1: its run ${deletedRun} is not in the workspace`);
    const s = await snapshot(ws.id, ws.token);

    const modelsDir = join(store, 'models');
    const names = readdirSync(modelsDir).sort();
    expect(s.models.map((m) => m.name).sort()).toEqual(names.map((n) => (parseYaml(readFileSync(join(modelsDir, n, 'meta.yaml'), 'utf8')) as { name: string }).name));
    for (const name of names) {
      const meta = parseYaml(readFileSync(join(modelsDir, name, 'meta.yaml'), 'utf8')) as { description: string; aliases: Record<string, string> };
      expect(s.models.find((m) => m.name === name)).toMatchObject({ description: meta.description, source: `mlflow:${name}` });
      const versionDirs = readdirSync(join(modelsDir, name)).filter((d) => d.startsWith('version-'));
      expect(s.versions.get(name)).toHaveLength(versionDirs.length);
      for (const d of versionDirs) {
        const v = parseYaml(readFileSync(join(modelsDir, name, d, 'meta.yaml'), 'utf8')) as { version: number; description: string; source: string; run_id: string; status: string; current_stage: string };
        const ours = s.versions.get(name)!.find((x) => x.version === v.version)!;
        expect(ours).toMatchObject({ description: v.description, artifactUri: v.source, status: v.status });
        const run = s.runs.find((r) => r.source === `mlflow:${v.run_id}`);
        // The deleted run is not imported, so its version has no link; the other links to its run.
        expect(ours.runId).toBe(v.run_id === deletedRun ? undefined : run!.id);
      }
      const aliasFiles = Object.fromEntries(readdirSync(join(modelsDir, name, 'aliases')).map((a) => [a, Number(readFileSync(join(modelsDir, name, 'aliases', a), 'utf8').trim())]));
      expect(aliasTargets(s, name)).toEqual(aliasFiles);
      expect(Object.fromEntries(Object.entries(meta.aliases).map(([a, n]) => [a, Number(n)]))).toEqual(aliasFiles);
    }
    expect(s.runs.map((r) => r.source)).toEqual(['mlflow:73a1c9a8038c4ad8bb32cf6ddfa937e7']);
    const blob = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${s.runs[0]!.detailBlob}`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(parseRunDetail(await blob.json()).experimentTags).toEqual({ team: readFileSync(join(store, '0', 'tags', 'team'), 'utf8') });
  });
});
