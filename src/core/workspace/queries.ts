/**
 * Reads over a workspace doc. Every record is parsed: a doc is written by other clients, and a
 * record that does not fit the schema is left out of the result instead of reaching the UI.
 *
 * Records are parsed once per record, not once per read (`parseRecord`): views re-read on every
 * change of the doc, a workspace holds tens of thousands of records, and in the renderer zod
 * runs without its JIT (the CSP forbids eval), at 10–20 µs a comment. Records handed out
 * are shared between reads: never mutate them.
 */
import * as Y from 'yjs';
import type { z } from 'zod';
import {
  type CommentRecord,
  DOC_KEYS,
  type IncidentRecord,
  type MemberRecord,
  type NoteRecord,
  type RunSummaryRecord,
  type WorkspaceMeta,
  commentSchema,
  threadSummarySchema,
  incidentSchema,
  memberSchema,
  noteSchema,
  runSummarySchema,
  workspaceMetaSchema,
} from './schema.ts';

/** The workspace's meta record, or undefined before the doc has one (e.g. not yet synced). */
export function readWorkspaceMeta(doc: Y.Doc): WorkspaceMeta | undefined {
  const parsed = workspaceMetaSchema.safeParse(doc.getMap(DOC_KEYS.meta).toJSON());
  return parsed.success ? parsed.data : undefined;
}

/**
 * Whether the workspace's incident timelines live in conversation docs (`meta.timelines`, set by
 * the server's split): timeline writers then write into the incident's conversation doc.
 */
export function timelinesSplit(doc: Y.Doc): boolean {
  return doc.getMap(DOC_KEYS.meta).get('timelines') === 'threads';
}

/** Members, owners first, then by name. */
export function listMembers(doc: Y.Doc): MemberRecord[] {
  const order = { owner: 0, editor: 1, commenter: 2, viewer: 3 } as const;
  return parseAll(doc.getMap(DOC_KEYS.members), memberSchema).sort(
    (a, b) => order[a.role] - order[b.role] || a.name.localeCompare(b.name),
  );
}

/** Incidents, newest first. */
export function listIncidents(doc: Y.Doc): IncidentRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.incidents), incidentSchema).sort(
    (a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id),
  );
}

export function getIncident(doc: Y.Doc, id: string): IncidentRecord | undefined {
  const value = doc.getMap(DOC_KEYS.incidents).get(id);
  return value === undefined ? undefined : parseRecord(incidentSchema, value);
}

/** Comments on one incident, oldest first (a thread reads top to bottom). */
export function listComments(doc: Y.Doc, incidentId: string): CommentRecord[] {
  return listCommentsOn(doc, 'incident', incidentId);
}

/** Comments on any target, oldest first. */
export function listCommentsOn(doc: Y.Doc, kind: CommentRecord['target']['kind'], id: string): CommentRecord[] {
  return commentsWhere(doc, (raw) => {
    const target = raw.target as { kind?: unknown; id?: unknown } | undefined;
    return target?.kind === kind && target.id === id;
  }).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** Comment counts by incident id, as `countCommentsByIncident` hands them out (a Map fits too). */
export type CommentCounts = Pick<ReadonlyMap<string, number>, 'get'>;

/**
 * Number of comments per incident id (0 for none). Each incident's count is worked out when it
 * is first asked for: grouping the raw records by target is one cheap pass, parsing them is not
 * (0.3–0.5 s for 20,000 comments in the renderer, bench:open), and a list asks only for the
 * incidents it shows.
 */
export function countCommentsByIncident(doc: Y.Doc): CommentCounts {
  const byIncident = new Map<string, unknown[]>();
  for (const value of doc.getMap(DOC_KEYS.comments).values()) {
    const target = (value as { target?: { kind?: unknown; id?: unknown } } | null)?.target;
    if (target?.kind !== 'incident' || typeof target.id !== 'string') continue;
    const group = byIncident.get(target.id);
    if (group) group.push(value);
    else byIncident.set(target.id, [value]);
  }
  const counts = new Map<string, number>();
  // Conversations the server has moved into conversation docs are counted by their summary (a
  // record still in this doc is one the server has not moved yet, so the two add up).
  const summaries = doc.getMap(DOC_KEYS.threadSummaries);
  return {
    get(incidentId) {
      let n = counts.get(incidentId);
      if (n === undefined) {
        n = (byIncident.get(incidentId) ?? []).filter((v) => parseRecord(commentSchema, v) !== undefined).length;
        n += parseRecord(threadSummarySchema, summaries.get(`incident:${incidentId}`))?.count ?? 0;
        counts.set(incidentId, n);
      }
      return n;
    },
  };
}

/** Comments that @mention this member, newest first (their inbox). */
export function listMentionsOf(doc: Y.Doc, memberId: string): CommentRecord[] {
  return commentsWhere(doc, (raw) => Array.isArray(raw.mentions) && raw.mentions.includes(memberId)).sort(
    (a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id),
  );
}

/**
 * The comments whose raw record passes `keep`, parsed (those that do not parse are left out).
 * `keep` may look only at fields the schema passes through unchanged (`target`, `mentions`):
 * then a record it drops would not have matched after parsing either, and finding the dozen
 * comments of one incident does not parse the workspace's 20,000.
 */
function commentsWhere(doc: Y.Doc, keep: (raw: Record<string, unknown>) => boolean): CommentRecord[] {
  const out: CommentRecord[] = [];
  for (const value of doc.getMap(DOC_KEYS.comments).values()) {
    if (typeof value !== 'object' || value === null || !keep(value as Record<string, unknown>)) continue;
    const parsed = parseRecord(commentSchema, value);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** The order runs are listed in: newest first, then by id. */
export const newestRunFirst = (a: RunSummaryRecord, b: RunSummaryRecord): number => b.startedAt - a.startedAt || a.id.localeCompare(b.id);

/** Runs, newest first. */
export function listRuns(doc: Y.Doc): RunSummaryRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.runs), runSummarySchema).sort(newestRunFirst);
}

/**
 * listRuns, pausing whenever `budgetMs` has passed by `now()` while it collects (the sort is one
 * step): a workspace of years has 50,000 runs, and collecting them was a long task of its own.
 * The generator's return value is the list, equal to listRuns' at the time of the last step.
 */
export function* listRunsInSteps(doc: Y.Doc, now: () => number, budgetMs: number): Generator<void, RunSummaryRecord[], void> {
  const out: RunSummaryRecord[] = [];
  let start = now();
  for (const value of doc.getMap(DOC_KEYS.runs).values()) {
    const parsed = parseRecord(runSummarySchema, value);
    if (parsed !== undefined) out.push(parsed);
    if (now() - start > budgetMs) {
      yield;
      start = now();
    }
  }
  return out.sort(newestRunFirst);
}

/** Notes, most recently changed first. */
export function listNotes(doc: Y.Doc): NoteRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.notes), noteSchema).sort(
    (a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id),
  );
}

/**
 * What a record's schema sees: a plain record as it is; a Y.Map record (an incident) as its own
 * fields, without nested shared types — an incident's events are a Y.Array read by their own
 * query, and leaving them out keeps a growing timeline from being copied on every read.
 */
function toPlain(value: unknown): unknown {
  if (value instanceof Y.Map) {
    const fields: Record<string, unknown> = {};
    for (const [key, v] of value.entries()) if (!(v instanceof Y.AbstractType)) fields[key] = v;
    return fields;
  }
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}

/** What `parseRecord` found for each record, per schema (weakly held: gone with the record). */
const parsedRecords = new WeakMap<z.ZodType, WeakMap<object, { data: unknown; version?: unknown[] }>>();

/**
 * A record read from the doc, parsed with `schema`; undefined if it does not fit. Each record is
 * parsed once and the result remembered while the record stays as it is:
 * - a plain object (comment, run, note) never changes in place: Yjs hands back the same object
 *   for a key until the key is set again, and commands set a new object rather than mutate one;
 * - a Y.Map record (an incident) changes in place, but each of its keys is an Item that a
 *   write replaces and a delete marks deleted, so those Items say whether it changed.
 */
export function parseRecord<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const version = value instanceof Y.Map ? mapVersion(value) : undefined;
  if (typeof value !== 'object' || value === null || (value instanceof Y.AbstractType && !version)) {
    const parsed = schema.safeParse(toPlain(value));
    return parsed.success ? parsed.data : undefined;
  }
  let seen = parsedRecords.get(schema);
  if (!seen) parsedRecords.set(schema, (seen = new WeakMap()));
  let hit = seen.get(value);
  if (!hit || (version && !sameVersion(hit.version ?? [], version))) {
    const parsed = schema.safeParse(toPlain(value));
    hit = { data: parsed.success ? parsed.data : undefined, version };
    seen.set(value, hit);
  }
  return hit.data as T | undefined;
}

/**
 * The Items behind a Y.Map's keys and whether each is deleted. A nested shared type changes
 * without its Item, but `toPlain` leaves those out of the record, so this is the whole record.
 */
function mapVersion(map: Y.Map<unknown>): unknown[] {
  const version: unknown[] = [];
  for (const item of map._map.values()) version.push(item, item.deleted);
  return version;
}

function sameVersion(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The registries whose first parse is worth spreading out (the largest lists a workspace keeps). */
const WARMED: [key: string, schema: z.ZodType][] = [
  [DOC_KEYS.runs, runSummarySchema],
  [DOC_KEYS.incidents, incidentSchema],
];

/**
 * Parses the records of a workspace's largest registries (runs, incidents) ahead of the views
 * that list them, into parseRecord's cache, pausing whenever `budgetMs` has passed by `now()`:
 * a generator, so a caller can spread the first parse of 50,000 runs (~0.5 s in Chromium,
 * bench:open's three-year workspace) over many short tasks, after which a list's read is cache
 * hits. Each `yield` is a point to give the page back; the records are the same either way.
 */
export function* warmRecords(doc: Y.Doc, now: () => number, budgetMs: number): Generator<void, void, void> {
  let start = now();
  for (const [key, schema] of WARMED) {
    for (const value of doc.getMap(key).values()) {
      parseRecord(schema, value);
      if (now() - start > budgetMs) {
        yield;
        start = now();
      }
    }
  }
}

function parseAll<T>(map: Y.Map<unknown>, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  for (const value of map.values()) {
    const parsed = parseRecord(schema, value);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}
