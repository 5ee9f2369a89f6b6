import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DOC_KEYS,
  NOTE_TEXT_KEY,
  type RunSummaryRecord,
  addComment,
  addDatasetVersion,
  createIncident,
  createModel,
  createNote,
  deleteNote,
  noteDocName,
  registerModelVersion,
  renameNote,
  restoreWorkspace,
  threadDocName,
  updateIncident,
} from '../core/workspace/index.ts';
import { entityLocation, hashOf } from '../shared/deep-link.ts';
import { LocalCache } from './local-cache.ts';
import { SearchIndex } from './search-index.ts';
import { CANDIDATES, SearchStore } from './search-store.ts';

const open: { cache: LocalCache; index: SearchIndex }[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const { cache, index } of open.splice(0)) {
    index.dispose();
    cache.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-search-'));
  dirs.push(dir);
  return join(dir, 'cache.sqlite');
}

function start(file = tempFile(), warn: (m: string) => void = (m) => { throw new Error(m); }) {
  const cache = new LocalCache({ file });
  const index = new SearchIndex(cache, { noteDelayMs: 5, warn });
  open.push({ cache, index });
  return { file, cache, index };
}

let n = 0;
const ctx = { actor: { id: 'm1', name: 'Ada' }, now: () => 1_700_000_000_000 + ++n, newId: () => `e${++n}` };

/** A doc whose updates are saved the way the host's `cache.append` handler saves them. */
function savedDoc(cache: LocalCache, index: SearchIndex, docId: string) {
  const doc = new Y.Doc();
  doc.on('update', (u: Uint8Array) => {
    cache.appendUpdates(docId, [u]);
    index.afterAppend(docId, [u]);
  });
  return doc;
}

function run(id: string, name: string, extra: Partial<RunSummaryRecord> = {}): RunSummaryRecord {
  return {
    id, name, experiment: 'churn-xgb', status: 'finished', startedAt: 1, source: `mlflow:${id}`,
    params: { learning_rate: '0.05', max_depth: '6' }, metrics: { auc: 0.91 }, createdAt: 1, ...extra,
  };
}

const titles = (index: SearchIndex, ws: string, text: string) => index.query(ws, text).map((h) => h.title);

describe('SearchIndex', () => {
  it('finds incidents, comments, runs, dataset versions and notes, with plain-text snippets', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    const incident = createIncident(doc, { title: 'PSI on income above threshold', severity: 'high', description: 'The income column drifted after the pipeline change on Monday.' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'Upstream renamed the income bucket labels.' }, ctx);
    doc.getMap(DOC_KEYS.runs).set('r1', run('r1', 'xgboost baseline'));
    addDatasetVersion(doc, { dataset: 'transactions', fileName: 'tx-2026-11.parquet', format: 'parquet', md5: 'a'.repeat(32), size: 10, rows: 5, columns: 3, profileBlob: 'b'.repeat(64) }, ctx);
    const note = createNote(doc, { title: 'Retraining plan' }, ctx);
    const noteDoc = savedDoc(cache, index, noteDocName('ws1', note.id));
    noteDoc.getText(NOTE_TEXT_KEY).insert(0, 'Retrain weekly on the last 90 days of transactions.');
    index.flush();

    const hits = index.query('ws1', 'income');
    expect(hits.map((h) => h.kind)).toEqual(['incident', 'comment']);
    expect(hits[0]).toMatchObject({ id: incident.id, title: 'PSI on income above threshold' });
    expect(hits[0]!.titleSegments).toEqual([{ text: 'PSI on ', match: false }, { text: 'income', match: true }, { text: ' above threshold', match: false }]);
    expect(hits[0]!.snippet.filter((s) => s.match).map((s) => s.text)).toEqual(['income']);
    expect(hits[1]).toMatchObject({ title: 'Comment by Ada', target: { kind: 'incident', id: incident.id, title: 'PSI on income above threshold' } });

    expect(index.query('ws1', 'xgboost')).toMatchObject([{ kind: 'run', id: 'r1', title: 'xgboost baseline' }]);
    expect(index.query('ws1', 'learning_rate')).toMatchObject([{ kind: 'run', id: 'r1' }]);
    expect(index.query('ws1', 'parquet').map((h) => h.kind)).toEqual(['datasetVersion']);
    expect(index.query('ws1', 'transactions').map((h) => h.kind).sort()).toEqual(['datasetVersion', 'note']);
    expect(index.query('ws1', 'weekly')).toMatchObject([{ kind: 'note', id: note.id, title: 'Retraining plan' }]);
  });

  it('finds models, model versions and handoffs, and comments on versions and handoffs, each opening its page', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    const model = createModel(doc, { name: 'churn-classifier', description: 'Predicts which subscribers cancel next month.' }, ctx);
    const version = registerModelVersion(doc, { modelId: model.id, label: 'winter-retrain', description: 'Retrained on the holiday season.' }, ctx);
    doc.getMap(DOC_KEYS.handoffs).set('h1', {
      id: 'h1', modelId: model.id, versionId: version.id, stage: 'to-ml-engineering', fromRole: 'data-scientist', toRole: 'ml-engineer',
      message: 'Calibration checked against the October cohort.', checklist: [], requestedById: 'm1', requestedByName: 'Ada', at: 1,
    });
    addComment(doc, { target: { kind: 'modelVersion', id: version.id }, body: 'Latency budget is fine for the batch scorer.' }, ctx);
    addComment(doc, { target: { kind: 'handoff', id: 'h1' }, body: 'Please attach the feature importance plot.' }, ctx);
    index.flush();

    expect(index.query('ws1', 'subscribers')).toMatchObject([{ kind: 'model', id: model.id, title: 'churn-classifier' }]);
    expect(index.query('ws1', 'winter')).toMatchObject([{ kind: 'modelVersion', id: version.id, title: 'churn-classifier v1 winter-retrain' }]);
    expect(index.query('ws1', 'churn-classifier v1').map((h) => h.kind)).toContain('modelVersion');
    expect(index.query('ws1', 'calibration')).toMatchObject([{ kind: 'handoff', id: 'h1', title: 'Handoff of churn-classifier v1 to ml-engineer' }]);
    expect(index.query('ws1', 'latency')).toMatchObject([{ kind: 'comment', target: { kind: 'modelVersion', id: version.id, title: 'churn-classifier v1 winter-retrain' } }]);
    expect(index.query('ws1', 'importance')).toMatchObject([{ kind: 'comment', target: { kind: 'handoff', id: 'h1' } }]);
    expect(hashOf(entityLocation('ws1', 'modelVersion', version.id))).toBe(`#/w/ws1/model-versions/${version.id}`);
    expect(hashOf(entityLocation('ws1', 'handoff', 'h1'))).toBe('#/w/ws1/handoffs/h1');
    expect(hashOf(entityLocation('ws1', 'model', model.id))).toBe(`#/w/ws1/models/${model.id}`);
  });

  it('ranks a match in the title above one in the text', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    createIncident(doc, { title: 'Latency spike', severity: 'low', description: 'Not drift: the feature store was slow, nothing about labels.' }, ctx);
    createIncident(doc, { title: 'Label drift in churn', severity: 'high' }, ctx);
    expect(titles(index, 'ws1', 'label')).toEqual(['Label drift in churn', 'Latency spike']);
  });

  it('stays in step: edits, renames and deletions show at once, and deleted entities are gone', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    const a = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    const before = Y.encodeStateAsUpdate(doc);
    createIncident(doc, { title: 'Missing batch from Tuesday', severity: 'low' }, ctx);
    const note = createNote(doc, { title: 'Onboarding checklist' }, ctx);
    addComment(doc, { target: { kind: 'note', id: note.id }, body: 'Add the kubeconfig step' }, ctx);
    expect(titles(index, 'ws1', 'age')).toEqual(['Drift on age']);

    updateIncident(doc, { incidentId: a.id, title: 'Drift on income' }, ctx);
    expect(titles(index, 'ws1', 'age ')).toEqual([]);
    expect(titles(index, 'ws1', 'income')).toEqual(['Drift on income']);
    renameNote(doc, { noteId: note.id, title: 'Runbook' }, ctx);
    expect(titles(index, 'ws1', 'onboarding')).toEqual([]);
    expect(index.query('ws1', 'kubeconfig')[0]!.target).toEqual({ kind: 'note', id: note.id, title: 'Runbook' });

    // A note's deletion takes its comments out of the results too: there is nothing to open.
    deleteNote(doc, { noteId: note.id }, ctx);
    expect(titles(index, 'ws1', 'runbook')).toEqual([]);
    expect(titles(index, 'ws1', 'kubeconfig')).toEqual([]);

    // Restoring an older snapshot removes the later incident.
    const snapshot = new Y.Doc();
    Y.applyUpdate(snapshot, before);
    restoreWorkspace(doc, snapshot);
    expect(titles(index, 'ws1', 'batch')).toEqual([]);
  });

  it('re-indexes a note text debounced, and finds the latest text only', async () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    const note = createNote(doc, { title: 'Weekly sync' }, ctx);
    const text = savedDoc(cache, index, noteDocName('ws1', note.id)).getText(NOTE_TEXT_KEY);
    text.insert(0, 'Discussed the calibration of the fraud model');
    await new Promise((r) => setTimeout(r, 50));
    expect(titles(index, 'ws1', 'calibration')).toEqual(['Weekly sync']);
    text.delete(0, text.length);
    text.insert(0, 'Moved to the monitoring backlog');
    index.flush();
    expect(titles(index, 'ws1', 'calibration')).toEqual([]);
    expect(titles(index, 'ws1', 'backlog')).toEqual(['Weekly sync']);
  });

  it('finds comments in cached conversation docs, and keeps a comment the split moved out of the workspace doc', () => {
    const { file, cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    const target = { kind: 'incident' as const, id: incident.id };
    const old = addComment(doc, { target, body: 'The vendor changed the labelling rubric' }, ctx);
    const conversation = savedDoc(cache, index, threadDocName('ws1', target));
    addComment(doc, { target, body: 'Recalibrated the isotonic mapping' }, ctx, conversation);
    index.flush();
    expect(index.query('ws1', 'isotonic')[0]).toMatchObject({ kind: 'comment', target: { kind: 'incident', id: incident.id, title: 'Drift on age' } });
    // The server's split: the comment lands in the conversation doc, then leaves the workspace doc.
    conversation.getMap(DOC_KEYS.comments).set(old.id, old);
    doc.getMap(DOC_KEYS.comments).delete(old.id);
    index.flush();
    expect(index.query('ws1', 'rubric').map((h) => h.id)).toEqual([old.id]);
    // A comment removed from both is gone.
    doc.getMap(DOC_KEYS.comments).set('gone', { ...old, id: 'gone', body: 'ephemeral words' });
    index.flush();
    expect(index.query('ws1', 'ephemeral')).toHaveLength(1);
    doc.getMap(DOC_KEYS.comments).delete('gone');
    index.flush();
    expect(index.query('ws1', 'ephemeral')).toHaveLength(0);
    // A full rebuild (a restart with the index behind) keeps what the conversation doc holds.
    index.dispose();
    cache.close();
    open.splice(0);
    const again = start(file);
    new SearchStore(again.cache.sqlite).markPending('ws1');
    again.index.ensureIndexed('ws1');
    expect(again.index.query('ws1', 'rubric').map((h) => h.id)).toEqual([old.id]);
    expect(again.index.query('ws1', 'isotonic')).toHaveLength(1);
  });

  it('indexes a note whose text arrived before its registry entry', () => {
    const { cache, index } = start();
    const text = savedDoc(cache, index, noteDocName('ws1', 'n1')).getText(NOTE_TEXT_KEY);
    text.insert(0, 'hyperparameter sweep results');
    index.flush();
    const doc = savedDoc(cache, index, 'ws1');
    doc.getMap(DOC_KEYS.notes).set('n1', { id: 'n1', title: 'Sweep', createdAt: 1, createdBy: 'm1', createdByName: 'Ada', updatedAt: 1 });
    expect(titles(index, 'ws1', 'hyperparameter')).toEqual(['Sweep']);
  });

  it('is diacritics- and case-insensitive, and the last word is a prefix', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    createIncident(doc, { title: 'Café Zürich naïve forecasts', severity: 'low' }, ctx);
    createIncident(doc, { title: 'resume pipeline', severity: 'low' }, ctx);
    for (const q of ['cafe', 'CAFÉ', 'zurich', 'Zürich', 'naive', 'naïve forecasts']) expect(titles(index, 'ws1', q), q).toEqual(['Café Zürich naïve forecasts']);
    expect(titles(index, 'ws1', 'résumé')).toEqual(['resume pipeline']);
    expect(titles(index, 'ws1', 'zur')).toEqual(['Café Zürich naïve forecasts']);
    expect(titles(index, 'ws1', 'forecasts pip')).toEqual([]);
    expect(titles(index, 'ws1', 'pip')).toEqual(['resume pipeline']);
    // A trailing space means the word is finished: no prefix.
    expect(titles(index, 'ws1', 'pip ')).toEqual([]);
  });

  it('takes hostile query text literally and never throws', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    createIncident(doc, { title: 'NEAR the threshold: AND/OR "quoted" (paren) a-b', severity: 'low', description: '<img src=x onerror=alert(1)>' }, ctx);
    const hostile = [
      '"', '""', '"unbalanced', '*', '**', 'a*b', ':', 'title:', 'title:near', '-', '-near', '(', ')', '(near', 'NEAR(a b, 2)',
      'NEAR', 'AND', 'OR', 'NOT', 'near AND', 'OR near', 'NOT near', '^near', '{title body}: near', '+', "'", '\\', '\u0000',
      'near\u0001\u0002', '%', '_', ';DROP TABLE search_docs;--', '"near" OR "x"', '*'.repeat(5000), 'near '.repeat(300),
    ];
    for (const q of hostile) expect(() => index.query('ws1', q), JSON.stringify(q.slice(0, 40))).not.toThrow();
    for (const q of ['near', 'NEAR', 'and', 'OR', 'quoted', '"quoted"', 'paren)', '(paren', 'a-b', 'threshold:', 'NEAR(the']) {
      expect(titles(index, 'ws1', q), q).toHaveLength(1);
    }
    // Markup in the text comes back as the same characters, inside plain segments.
    const [hit] = index.query('ws1', 'onerror');
    expect(hit!.snippet.map((s) => s.text).join('')).toBe('<img src=x onerror=alert(1)>');
    expect(hit!.snippet.find((s) => s.match)).toEqual({ text: 'onerror', match: true });
    expect(index.query('ws1', '')).toEqual([]);
    expect(index.query('ws1', '  !?* ')).toEqual([]);
  });

  it('keeps workspaces apart', () => {
    const { cache, index } = start();
    createIncident(savedDoc(cache, index, 'ws1'), { title: 'Shared word alpha', severity: 'low' }, ctx);
    createIncident(savedDoc(cache, index, 'ws2'), { title: 'Shared word beta', severity: 'low' }, ctx);
    expect(titles(index, 'ws1', 'shared')).toEqual(['Shared word alpha']);
    expect(titles(index, 'ws2', 'shared')).toEqual(['Shared word beta']);
  });

  it('survives a restart, and catches up on updates saved while it was not indexing', async () => {
    const warnings: string[] = [];
    const { file, cache, index } = start(tempFile(), (m) => warnings.push(m));
    const doc = savedDoc(cache, index, 'ws1');
    createIncident(doc, { title: 'Drift on tenure', severity: 'high' }, ctx);
    const gone = createIncident(doc, { title: 'Seasonality alert', severity: 'low' }, ctx);
    const note = createNote(doc, { title: 'Plan' }, ctx);
    expect(titles(index, 'ws1', 'seasonality')).toEqual(['Seasonality alert']);

    // Saved to the cache, and the host gone before it indexed them (a deletion-only update included).
    createIncident(doc, { title: 'Drift on geography', severity: 'low' }, ctx);
    doc.getMap(DOC_KEYS.incidents).delete(gone.id);
    const noteDoc = savedDoc(cache, index, noteDocName('ws1', note.id));
    noteDoc.getText(NOTE_TEXT_KEY).insert(0, 'quarterly review');
    open.splice(0);
    cache.close();
    await new Promise((r) => setTimeout(r, 30)); // the queued work runs on a closed cache and only warns
    expect(warnings.join('\n')).toMatch(/could not index ws1 /);
    expect(warnings.join('\n')).toMatch(/could not index ws1:note:/);

    const again = start(file);
    expect(titles(again.index, 'ws1', 'tenure')).toEqual(['Drift on tenure']);
    expect(titles(again.index, 'ws1', 'geography')).toEqual(['Drift on geography']);
    expect(titles(again.index, 'ws1', 'seasonality')).toEqual([]);
    expect(titles(again.index, 'ws1', 'quarterly')).toEqual(['Plan']);
  });

  it('rebuilds a large workspace in slices, and an edit made meanwhile is not overwritten', async () => {
    const { cache, index } = start();
    const doc = new Y.Doc();
    const ids = doc.transact(() => Array.from({ length: 1000 }, (_, i) => createIncident(doc, { title: `Old title ${i}`, severity: 'low' }, ctx).id));
    cache.appendUpdates('ws1', [Y.encodeStateAsUpdate(doc)]); // saved before search existed
    index.afterLoad('ws1', cache.loadDoc('ws1'));
    const indexed = () => cache.sqlite.prepare("SELECT count(*) FROM search_docs WHERE workspace_id = 'ws1'").pluck().get() as number;
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(indexed()).toBeGreaterThan(0);
    expect(indexed()).toBeLessThan(1000); // the host is free between slices
    const window = new Y.Doc();
    Y.applyUpdate(window, cache.loadDoc('ws1')!);
    window.on('update', (u: Uint8Array) => {
      cache.appendUpdates('ws1', [u]);
      index.afterAppend('ws1', [u]);
    });
    updateIncident(window, { incidentId: ids[999]!, title: 'New title' }, ctx);
    await new Promise((r) => setTimeout(r, 20));
    expect(titles(index, 'ws1', 'new title')).toEqual(['New title']);
    expect(indexed()).toBe(1000);
    expect(index.query('ws1', 'old title', 100)).toHaveLength(100);
    expect(cache.sqlite.prepare('SELECT count(*) FROM search_pending').pluck().get()).toBe(0);
  });

  it('answers with FTS5 index lookups and a LIMIT, not a scan', () => {
    const { cache } = start();
    const [floor, rank, marks] = new SearchStore(cache.sqlite).querySql.map((sql) => ({
      sql,
      plan: (cache.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ match: '"any"*', ws: 'ws1', floor: 0, limit: 20, lo: 1, hi: 9, ids: '[1,9]' }) as { detail: string }[])
        .map((p) => p.detail)
        .join('\n'),
    }));
    for (const { sql, plan } of [floor!, rank!]) {
      expect(plan).toMatch(/^SCAN search_fts VIRTUAL TABLE INDEX \d+:M/); // the MATCH drives the query
      expect(plan).toMatch(/SEARCH d USING INTEGER PRIMARY KEY/);
      expect(plan).not.toMatch(/SCAN (d|t|search_docs)\b/);
      expect(sql).toMatch(/LIMIT/);
    }
    // Snippets: one MATCH over the rowid range of the hits only.
    expect(marks!.plan).toMatch(/^SCAN search_fts VIRTUAL TABLE INDEX \d+:M\d*></);
  });

  it('ranks only the most recent matches of a very common word, and still ranks them', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    doc.transact(() => {
      for (let i = 0; i < CANDIDATES + 50; i++) doc.getMap(DOC_KEYS.runs).set(`r${i}`, run(`r${i}`, `sweep ${i}`, { experiment: 'sweep' }));
    });
    doc.getMap(DOC_KEYS.runs).set('best', run('best', 'sweep sweep sweep', { experiment: 'sweep' }));
    const hits = index.query('ws1', 'sweep', 5);
    expect(hits).toHaveLength(5);
    expect(hits[0]!.id).toBe('best');
  });

  it('follows a window\'s doc from its load: only touched entities are rewritten', () => {
    const { cache, index } = start();
    const doc = savedDoc(cache, index, 'ws1');
    createIncident(doc, { title: 'Alpha drift', severity: 'low' }, ctx);
    const beta = createIncident(doc, { title: 'Beta drift', severity: 'low' }, ctx);
    index.flush();
    index.dispose(); // a new host process: the window loads, then saves
    const host = new SearchIndex(cache, { warn: (m) => { throw new Error(m); } });
    open.push({ cache, index: host });
    host.afterLoad('ws1', cache.loadDoc('ws1'));
    host.flush();
    // A row this host has no reason to touch keeps what it has (nothing was rebuilt).
    cache.sqlite.prepare("UPDATE search_docs SET title = 'Alpha drift tampered' WHERE title = 'Alpha drift'").run();
    const window = new Y.Doc();
    Y.applyUpdate(window, cache.loadDoc('ws1')!);
    window.on('update', (u: Uint8Array) => {
      cache.appendUpdates('ws1', [u]);
      host.afterAppend('ws1', [u]);
    });
    updateIncident(window, { incidentId: beta.id, title: 'Beta recovered' }, ctx);
    expect(titles(host, 'ws1', 'tampered')).toEqual(['Alpha drift']);
    expect(titles(host, 'ws1', 'recovered')).toEqual(['Beta recovered']);
    expect(cache.sqlite.prepare('SELECT count(*) FROM search_pending').pluck().get()).toBe(0);
  });
});
