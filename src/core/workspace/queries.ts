/**
 * Reads over a workspace doc. Every record is parsed: a doc is written by other clients, and a
 * record that does not fit the schema is left out of the result instead of reaching the UI.
 */
import * as Y from 'yjs';
import {
  type CommentRecord,
  DOC_KEYS,
  type IncidentRecord,
  type MemberRecord,
  type NoteRecord,
  type RunSummaryRecord,
  type WorkspaceMeta,
  commentSchema,
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

/** Members, owners first, then by name. */
export function listMembers(doc: Y.Doc): MemberRecord[] {
  const order = { owner: 0, editor: 1, commenter: 2, viewer: 3 } as const;
  return parseAll(doc.getMap(DOC_KEYS.members), (v) => memberSchema.safeParse(v)).sort(
    (a, b) => order[a.role] - order[b.role] || a.name.localeCompare(b.name),
  );
}

/** Incidents, newest first. */
export function listIncidents(doc: Y.Doc): IncidentRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.incidents), (v) => incidentSchema.safeParse(toPlain(v))).sort(
    (a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id),
  );
}

export function getIncident(doc: Y.Doc, id: string): IncidentRecord | undefined {
  const value = doc.getMap(DOC_KEYS.incidents).get(id);
  if (value === undefined) return undefined;
  const parsed = incidentSchema.safeParse(toPlain(value));
  return parsed.success ? parsed.data : undefined;
}

/** Comments on one incident, oldest first (a thread reads top to bottom). */
export function listComments(doc: Y.Doc, incidentId: string): CommentRecord[] {
  return listCommentsOn(doc, 'incident', incidentId);
}

/** Comments on any target, oldest first. */
export function listCommentsOn(doc: Y.Doc, kind: CommentRecord['target']['kind'], id: string): CommentRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.comments), (v) => commentSchema.safeParse(v))
    .filter((c) => c.target.kind === kind && c.target.id === id)
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** Number of comments per incident id. */
export function countCommentsByIncident(doc: Y.Doc): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of parseAll(doc.getMap(DOC_KEYS.comments), (v) => commentSchema.safeParse(v))) {
    if (c.target.kind === 'incident') counts.set(c.target.id, (counts.get(c.target.id) ?? 0) + 1);
  }
  return counts;
}

/** Comments that @mention this member, newest first (their inbox). */
export function listMentionsOf(doc: Y.Doc, memberId: string): CommentRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.comments), (v) => commentSchema.safeParse(v))
    .filter((c) => c.mentions?.includes(memberId))
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

/** Runs, newest first. */
export function listRuns(doc: Y.Doc): RunSummaryRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.runs), (v) => runSummarySchema.safeParse(v)).sort(
    (a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id),
  );
}

/** Notes, most recently changed first. */
export function listNotes(doc: Y.Doc): NoteRecord[] {
  return parseAll(doc.getMap(DOC_KEYS.notes), (v) => noteSchema.safeParse(v)).sort(
    (a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id),
  );
}

function toPlain(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}

function parseAll<T>(map: Y.Map<unknown>, parse: (v: unknown) => { success: true; data: T } | { success: false }): T[] {
  const out: T[] = [];
  for (const value of map.values()) {
    const parsed = parse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
