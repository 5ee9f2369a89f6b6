import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { upsertMember } from '../workspace/commands.ts';
import { aliasHistory, createModel, currentAliases, findModelByName, listModelVersions, moveAlias, registerModelVersion } from '../workspace/models.ts';
import { applyMlflowImport } from './registry-apply.ts';
import { type MlflowRegisteredModel, driftdeskModelName, runIdFromSource, wantedAliases } from './registry-plan.ts';

const RUN = '62bf95320fe547b3810005854eaab26b';

function workspace() {
  const doc = new Y.Doc();
  upsertMember(doc, { id: 'm_own', name: 'Olga', role: 'owner', joinedAt: 1 });
  upsertMember(doc, { id: 'm_ed', name: 'Eddie', role: 'editor', joinedAt: 1 });
  let n = 0;
  const as = (id: string, name: string) => ({ actor: { id, name }, now: () => 1_000, newId: () => `id${++n}` });
  return { doc, owner: as('m_own', 'Olga'), editor: as('m_ed', 'Eddie') };
}

function model(stages: Record<number, string>, aliases: Record<string, number> = {}): MlflowRegisteredModel {
  return {
    name: 'churn', description: 'predicts churn', createdAt: 10, tags: { team: 'growth' }, aliases,
    versions: Object.entries(stages).map(([n, stage]) => ({
      version: Number(n), description: '', createdAt: 20 + Number(n), tags: {}, source: `runs:/${RUN}/model`, runId: RUN, status: 'READY', stage,
    })),
  };
}

describe('wantedAliases', () => {
  it('takes the highest version in a stage (MLflow\'s get_latest_versions), and lets an MLflow alias of the same name win, saying so', () => {
    const { aliases, notes } = wantedAliases(model({ 1: 'Production', 2: 'Production', 3: 'Staging', 4: 'None' }, { staging: 4, champion: 2 }));
    expect(Object.fromEntries([...aliases].map(([a, w]) => [a, w.version]))).toEqual({ production: 2, staging: 4, champion: 2 });
    expect(notes).toEqual(['churn: MLflow alias staging (v4) and stage Staging (v3) both map to staging; the alias wins']);
  });

  it('leaves out aliases Driftdesk cannot name and aliases of versions not in the store, with a note each', () => {
    const { aliases, notes } = wantedAliases(model({ 1: 'None' }, { 'has space': 1, gone: 7 }));
    expect(aliases.size).toBe(0);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('gone names version 7');
    expect(notes[1]).toContain('alias "has space" cannot be a Driftdesk alias');
  });
});

describe('names and sources', () => {
  it('maps MLflow model names Driftdesk does not allow', () => {
    expect(driftdeskModelName('training-model-psystock')).toBe('training-model-psystock');
    expect(driftdeskModelName('Fraud model (v2)')).toBe('Fraud-model-v2-');
    expect(driftdeskModelName('***')).toBeNull();
  });

  it('finds the run in runs:/ URIs and artifact paths, and nothing elsewhere', () => {
    expect(runIdFromSource(`runs:/${RUN}/model`)).toBe(RUN);
    expect(runIdFromSource(`/tmp/0/${RUN}/artifacts/model`)).toBe(RUN);
    expect(runIdFromSource(`s3://bucket/1/${RUN}/artifacts`)).toBe(RUN);
    expect(runIdFromSource(`models:/m-${RUN}`)).toBeNull();
    expect(runIdFromSource('/models/churn/1')).toBeNull();
  });
});

describe('applyMlflowImport', () => {
  it('keeps MLflow\'s version numbers, tags and times; production is moved by an owner\'s import, left for one by an editor\'s', () => {
    const { doc, owner, editor } = workspace();
    const byEditor = applyMlflowImport(doc, { runs: [], models: [model({ 1: 'Production', 3: 'None' })] }, editor);
    expect(byEditor.aliases).toEqual({ moved: 0, unchanged: 0, needOwner: 1 });
    expect(byEditor.versions.created).toBe(2);
    const m = findModelByName(doc, 'churn')!;
    expect(currentAliases(doc, m.id).size).toBe(0);
    expect(m).toMatchObject({ tags: { team: 'growth' }, createdAt: 10, createdById: 'm_ed', createdByName: 'Eddie' });
    expect(listModelVersions(doc, m.id).map((v) => [v.version, v.createdAt, v.artifactUri])).toEqual([[3, 23, `runs:/${RUN}/model`], [1, 21, `runs:/${RUN}/model`]]);
    // The run is not in the workspace: no link, and a note says why.
    expect(listModelVersions(doc, m.id).every((v) => v.runId === undefined)).toBe(true);
    expect(byEditor.notes.filter((n) => n.includes(`its run ${RUN} is not in the workspace`))).toHaveLength(2);

    const byOwner = applyMlflowImport(doc, { runs: [], models: [model({ 1: 'Production', 3: 'None' })] }, owner);
    expect(byOwner).toMatchObject({ versions: { created: 0, updated: 0, unchanged: 2 }, aliases: { moved: 1, unchanged: 0, needOwner: 0 } });
    const production = currentAliases(doc, m.id).get('production')!;
    expect(production).toMatchObject({ byId: 'm_own', byName: 'Olga', source: 'mlflow' });
    expect(production.versionId).toBe(listModelVersions(doc, m.id)[1]!.id);
  });

  it('a move made in Driftdesk since is not undone by importing the same MLflow state; a stage emptied in MLflow is removed', () => {
    const { doc, owner } = workspace();
    applyMlflowImport(doc, { runs: [], models: [model({ 1: 'Staging', 2: 'None' })] }, owner);
    const m = findModelByName(doc, 'churn')!;
    const [v2, v1] = listModelVersions(doc, m.id);
    moveAlias(doc, { modelId: m.id, alias: 'staging', versionId: v2!.id }, owner);
    const again = applyMlflowImport(doc, { runs: [], models: [model({ 1: 'Staging', 2: 'None' })] }, owner);
    expect(again.aliases).toEqual({ moved: 0, unchanged: 1, needOwner: 0 });
    expect(currentAliases(doc, m.id).get('staging')?.versionId).toBe(v2!.id);

    const emptied = applyMlflowImport(doc, { runs: [], models: [model({ 1: 'Archived', 2: 'None' })] }, owner);
    expect(emptied.changes.filter((c) => c.kind === 'alias').map((c) => c.text)).toEqual([
      'churn: archived → v1  (MLflow stage Archived)',
      'churn: staging removed  (MLflow has no version there any more)',
    ]);
    expect(currentAliases(doc, m.id).get('archived')?.versionId).toBe(v1!.id);
    expect(currentAliases(doc, m.id).has('staging')).toBe(false);
    expect(aliasHistory(doc, m.id).filter((e) => e.source === 'mlflow')).toHaveLength(3);
  });

  it('adopts a model of the same name made in Driftdesk without overwriting its description, and refuses a version number it already has', () => {
    const { doc, owner } = workspace();
    const mine = createModel(doc, { name: 'churn', description: 'ours' }, owner);
    registerModelVersion(doc, { modelId: mine.id }, owner);
    expect(() => applyMlflowImport(doc, { runs: [], models: [model({ 1: 'None' })] }, owner)).toThrow('churn v1: version: this model already has a version 1');
    const report = applyMlflowImport(doc, { runs: [], models: [model({ 2: 'None' })] }, owner);
    expect(report.models).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(findModelByName(doc, 'churn')!.description).toBe('ours');
    expect(listModelVersions(doc, mine.id).map((v) => v.version)).toEqual([2, 1]);
  });
});
