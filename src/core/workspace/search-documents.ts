/**
 * What full-text search sees of a workspace doc: one flat, plain-text document per searchable
 * entity (incident, comment, run, dataset version, note, model, model version, handoff), and
 * which of them a doc change
 * touched. The host's search index (src/node/search-index.ts) stores these in SQLite FTS5;
 * keeping the extraction here keeps it pure and next to the schema it reads.
 *
 * A note's text lives in its own doc (`noteDocName`), so a note's document here has an empty
 * body; the index fills it from the note doc.
 */
import * as Y from 'yjs';
import { latestNotebookVersions } from './notebooks.ts';
import { type CommentTarget, DOC_KEYS, commentSchema, datasetVersionSchema, handoffSchema, incidentSchema, modelSchema, modelVersionSchema, noteSchema, notebookSchema, runSummarySchema } from './schema.ts';

export const SEARCH_KINDS = ['incident', 'comment', 'run', 'datasetVersion', 'note', 'model', 'modelVersion', 'handoff', 'notebook'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** One searchable entity as plain text. */
export interface SearchDocument {
  kind: SearchKind;
  id: string;
  /** What a result list shows as its name (not searched for comments: "Comment by Ada" would match every comment). */
  label: string;
  /** Searched, weighted highest. */
  title: string;
  /** Searched: the entity's prose (description, comment text, note text). */
  body: string;
  /** Searched, weighted lowest: who, status, experiment, params and such. */
  extra: string;
  /** For a comment: what it hangs off. */
  target?: { kind: CommentTarget['kind']; id: string };
}

const REGISTRIES: Record<SearchKind, string> = {
  incident: DOC_KEYS.incidents,
  comment: DOC_KEYS.comments,
  run: DOC_KEYS.runs,
  datasetVersion: DOC_KEYS.datasetVersions,
  note: DOC_KEYS.notes,
  model: DOC_KEYS.models,
  modelVersion: DOC_KEYS.modelVersions,
  handoff: DOC_KEYS.handoffs,
  notebook: DOC_KEYS.notebooks,
};

/**
 * The search document of one entity, or undefined when the doc has no such entity or its record
 * does not parse (either way it must not be found by search).
 */
export function readSearchDocument(doc: Y.Doc, kind: SearchKind, id: string): SearchDocument | undefined {
  const raw = doc.getMap(REGISTRIES[kind]).get(id);
  if (raw === undefined) return undefined;
  const value = raw instanceof Y.AbstractType ? raw.toJSON() : raw;
  switch (kind) {
    case 'incident': {
      const p = incidentSchema.safeParse(value);
      if (!p.success) return undefined;
      const i = p.data;
      return { kind, id, label: i.title, title: i.title, body: i.description, extra: join(i.severity, i.status, i.createdByName) };
    }
    case 'comment': {
      const p = commentSchema.safeParse(value);
      if (!p.success) return undefined;
      const c = p.data;
      const quote = c.target.kind === 'note' ? c.target.anchor?.quote : c.target.kind === 'notebook' ? c.target.anchor?.quote?.text : undefined;
      return {
        kind, id, label: `Comment by ${c.authorName || 'someone'}`, title: '', body: c.body, extra: join(c.authorName, quote),
        target: { kind: c.target.kind, id: c.target.id },
      };
    }
    case 'run': {
      const p = runSummarySchema.safeParse(value);
      if (!p.success) return undefined;
      const r = p.data;
      // Params and metric names read as `key=value`, so "lr 0.01" and "auc" both find the run.
      const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`);
      return { kind, id, label: r.name, title: r.name, body: join(...params, ...Object.keys(r.metrics)), extra: join(r.experiment, r.status, r.source) };
    }
    case 'datasetVersion': {
      const p = datasetVersionSchema.safeParse(value);
      if (!p.success) return undefined;
      const v = p.data;
      return { kind, id, label: `${v.dataset} · ${v.fileName}`, title: join(v.dataset, v.fileName), body: '', extra: join(v.format, v.addedByName) };
    }
    case 'note': {
      const p = noteSchema.safeParse(value);
      if (!p.success) return undefined;
      return { kind, id, label: p.data.title, title: p.data.title, body: '', extra: p.data.createdByName };
    }
    case 'model': {
      const p = modelSchema.safeParse(value);
      if (!p.success) return undefined;
      const m = p.data;
      return { kind, id, label: m.name, title: m.name, body: m.description, extra: join(m.createdByName, m.source) };
    }
    case 'modelVersion': {
      const p = modelVersionSchema.safeParse(value);
      if (!p.success) return undefined;
      const v = p.data;
      // A version is found by its model's name and its number ("churn v3"); names do not change.
      const name = join(modelName(doc, v.modelId), `v${v.version}`, v.label);
      return { kind, id, label: name, title: name, body: v.description, extra: join(v.createdByName, v.source) };
    }
    case 'notebook': {
      const p = notebookSchema.safeParse(value);
      if (!p.success) return undefined;
      const n = p.data;
      // The latest version's excerpt: what the notebook says now (older versions are in the blobs).
      const latest = latestNotebookVersions(doc).get(id);
      return { kind, id, label: n.title, title: join(n.title, n.path), body: latest?.excerpt ?? '', extra: join(n.createdByName, latest?.addedByName) };
    }
    case 'handoff': {
      const p = handoffSchema.safeParse(value);
      if (!p.success) return undefined;
      const h = p.data;
      const version = modelVersionSchema.safeParse(doc.getMap(DOC_KEYS.modelVersions).get(h.versionId));
      const what = join(modelName(doc, h.modelId), version.success ? `v${version.data.version}` : undefined);
      return { kind, id, label: `Handoff of ${what || 'a model version'} to ${h.toRole}`, title: join(what, 'handoff'), body: h.message, extra: join(h.requestedByName, h.stage, h.fromRole, h.toRole) };
    }
  }
}

function modelName(doc: Y.Doc, modelId: string): string | undefined {
  const m = modelSchema.safeParse(doc.getMap(DOC_KEYS.models).get(modelId));
  return m.success ? m.data.name : undefined;
}

/** Name of the top-level Y.Map that holds entities of this kind. */
export function registryOf(kind: SearchKind): string {
  return REGISTRIES[kind];
}

/**
 * Calls `onChange(kind, id)` for every entity a transaction on `doc` added, changed or deleted
 * (an incident's field edit inside its nested map included), synchronously inside the
 * transaction's observers. Returns the unsubscribe.
 */
export function watchSearchDocuments(doc: Y.Doc, onChange: (kind: SearchKind, id: string) => void): () => void {
  const offs = SEARCH_KINDS.map((kind) => {
    const map = doc.getMap(REGISTRIES[kind]);
    const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
      for (const event of events) {
        // A change inside an incident's nested map arrives with the incident id as its path.
        const [first] = event.path;
        if (typeof first === 'string') onChange(kind, first);
        else if (event instanceof Y.YMapEvent) for (const key of event.keysChanged) onChange(kind, key);
      }
    };
    map.observeDeep(observer);
    return () => map.unobserveDeep(observer);
  });
  // A notebook's searchable text is its latest version's excerpt: a new version changes it.
  const versions = doc.getMap(DOC_KEYS.notebookVersions);
  const onVersion = (event: Y.YMapEvent<unknown>) => {
    for (const key of event.keysChanged) {
      const v = versions.get(key) as { notebookId?: unknown } | undefined;
      if (v && typeof v.notebookId === 'string') onChange('notebook', v.notebookId);
    }
  };
  versions.observe(onVersion);
  offs.push(() => versions.unobserve(onVersion));
  return () => offs.forEach((off) => off());
}

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ');
