/**
 * Restoring a workspace to a history snapshot, as a new change: the live doc's registries
 * are edited until they equal the snapshot's, so the restore syncs (and can itself be undone
 * by restoring a later snapshot) like any other edit. Members and the workspace's meta are
 * the server's, and stay as they are.
 *
 * The model registry (team roles, models, versions, alias moves, handoffs and their decisions)
 * is an audit trail and is never rolled back; so what it refers to stays too: the runs its
 * versions came from, and the comments on model versions and handoffs with their reactions and
 * resolutions.
 */
import * as Y from 'yjs';
import { DOC_KEYS, INCIDENT_EVENTS_KEY } from './schema.ts';

/**
 * Registries whose entries are plain records. A note's text is its own doc, with its own
 * history; the registry entry is restored here.
 */
const RECORD_MAPS = [
  DOC_KEYS.comments, DOC_KEYS.reactions, DOC_KEYS.threadResolutions, DOC_KEYS.runs, DOC_KEYS.notes, DOC_KEYS.noteMentions,
  DOC_KEYS.datasetVersions, DOC_KEYS.datasetComparisons, DOC_KEYS.monitors,
  DOC_KEYS.runAnnotations,
];
/** Per record map, the live entries the registry refers to (kept as they are by a restore). */
function registryReferences(doc: Y.Doc): Map<string, (key: string, value: unknown) => boolean> {
  const runIds = new Set<string>();
  for (const v of doc.getMap<{ runId?: unknown }>(DOC_KEYS.modelVersions).values()) if (typeof v?.runId === 'string') runIds.add(v.runId);
  const commentIds = new Set<string>();
  for (const [id, v] of doc.getMap<{ target?: { kind?: unknown } }>(DOC_KEYS.comments).entries()) {
    if (v?.target?.kind === 'modelVersion' || v?.target?.kind === 'handoff') commentIds.add(id);
  }
  const onKeptComment = (_key: string, value: unknown) => commentIds.has(String((value as { commentId?: unknown } | undefined)?.commentId));
  return new Map<string, (key: string, value: unknown) => boolean>([
    [DOC_KEYS.runs, (key) => runIds.has(key)],
    [DOC_KEYS.comments, (key) => commentIds.has(key)],
    [DOC_KEYS.reactions, onKeptComment],
    [DOC_KEYS.threadResolutions, onKeptComment],
  ]);
}

const CONVERSATION_MAPS = new Set<string>([DOC_KEYS.comments, DOC_KEYS.reactions, DOC_KEYS.threadResolutions]);

/** Registries whose entries are nested Y.Maps (field-level merge). */
const NESTED_MAPS = [DOC_KEYS.incidents];

export interface RestoreSummary {
  added: number;
  removed: number;
  changed: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Makes `doc` hold what `snapshot` holds, in one transaction. Returns what it changed. */
export function restoreWorkspace(doc: Y.Doc, snapshot: Y.Doc): RestoreSummary {
  const summary: RestoreSummary = { added: 0, removed: 0, changed: 0 };
  const kept = registryReferences(doc);
  // A split workspace's conversations live in their own docs with their own history: a restore
  // of the workspace doc leaves the records still waiting in its old maps alone, rather than
  // bring back (from a snapshot taken before the split) copies of what was moved.
  const split = doc.getMap(DOC_KEYS.meta).get('conversations') === 'threads';
  // Likewise incidents' timelines once they live in conversation docs (`meta.timelines`): the
  // incident's fields are restored, its `events` left as they are.
  const timelines = doc.getMap(DOC_KEYS.meta).get('timelines') === 'threads';
  const restored = (f: string) => !(timelines && f === INCIDENT_EVENTS_KEY);
  doc.transact(() => {
    for (const name of RECORD_MAPS) {
      if (split && CONVERSATION_MAPS.has(name)) continue;
      const live = doc.getMap<unknown>(name);
      const past = snapshot.getMap<unknown>(name);
      const keep = kept.get(name);
      for (const key of [...live.keys()]) if (!past.has(key) && !keep?.(key, live.get(key))) { live.delete(key); summary.removed++; }
      for (const [key, value] of past.entries()) {
        if (live.has(key) && keep?.(key, live.get(key))) continue;
        if (!live.has(key)) { live.set(key, value); summary.added++; }
        else if (!same(live.get(key), value)) { live.set(key, value); summary.changed++; }
      }
    }
    for (const name of NESTED_MAPS) {
      const live = doc.getMap<unknown>(name);
      const past = snapshot.getMap<unknown>(name);
      for (const key of [...live.keys()]) if (!past.has(key)) { live.delete(key); summary.removed++; }
      for (const [key, value] of past.entries()) {
        if (!(value instanceof Y.Map)) continue;
        const current = live.get(key);
        if (!(current instanceof Y.Map)) {
          const entry = new Y.Map<unknown>();
          for (const [f, v] of value.entries()) if (restored(f)) entry.set(f, copyField(v));
          live.set(key, entry);
          summary.added++;
          continue;
        }
        let changed = false;
        for (const f of [...current.keys()]) if (restored(f) && !value.has(f)) { current.delete(f); changed = true; }
        for (const [f, v] of value.entries()) {
          if (!restored(f)) continue;
          if (same(toPlain(current.get(f)), toPlain(v)) && current.get(f) instanceof Y.Array === v instanceof Y.Array) continue;
          current.set(f, copyField(v));
          changed = true;
        }
        if (changed) summary.changed++;
      }
    }
  });
  return summary;
}

/** A field of a nested entry, fit to insert into the live doc: an incident's event log stays a Y.Array. */
function copyField(value: unknown): unknown {
  if (value instanceof Y.Array) {
    const copy = new Y.Array<unknown>();
    copy.push(value.toArray().map((item) => (item instanceof Y.AbstractType ? item.toJSON() : item)));
    return copy;
  }
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}

function toPlain(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}
