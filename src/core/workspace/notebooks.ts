/**
 * Commands and queries over the notebooks registry (`DOC_KEYS.notebooks`, `notebookVersions`).
 * A notebook's file is a blob (sha256); the doc holds who pushed which bytes as which version.
 * A path is a notebook's identity: pushing the same path again adds the next version.
 *
 * Versions are append-only records. Two people pushing the same path at the same moment (two
 * offline peers, say) can both write "version 3": listNotebookVersions orders such twins by
 * time and id, so everyone sees one order, and both files are kept.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { listRuns } from './queries.ts';
import { DOC_KEYS, NOTEBOOK_EXCERPT_MAX, type NotebookRecord, type NotebookVersionRecord, notebookSchema, notebookVersionSchema } from './schema.ts';

const notebookId = z.string().min(1).max(128);

const addNotebookVersionInput = z.object({
  path: z.string().trim().min(1, 'a path is required').max(1000, 'a path is at most 1000 characters'),
  /** Used when the path is new; defaults to the file name without `.ipynb`. */
  title: z.string().trim().min(1).max(300).optional(),
  blob: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest'),
  size: z.number().int().nonnegative(),
  nbformat: z.string().max(20),
  cellCount: z.number().int().nonnegative(),
  notes: z.array(z.string().max(500)).max(10).optional(),
  excerpt: z.string().optional(),
  runId: z.string().min(1).max(128).optional(),
});
export type AddNotebookVersionInput = z.input<typeof addNotebookVersionInput>;

export interface AddNotebookVersionResult {
  notebook: NotebookRecord;
  version: NotebookVersionRecord;
  /** `unchanged`: the latest version already is these bytes, so nothing was added. */
  outcome: 'created' | 'versioned' | 'unchanged';
}

/**
 * Adds a version of the notebook at `path` (creating the notebook on first push). The caller has
 * stored the bytes as blob `blob` and parsed them (cellCount, nbformat, notes, excerpt). Pushing
 * the bytes the latest version already has adds nothing. A named run must exist; it is linked to
 * the notebook as well as to the version.
 */
export function addNotebookVersion(doc: Y.Doc, input: AddNotebookVersionInput, ctx: CommandContext): AddNotebookVersionResult {
  const data = parseInput('addNotebookVersion', addNotebookVersionInput, input);
  if (data.runId !== undefined && !doc.getMap(DOC_KEYS.runs).has(data.runId)) {
    throw new CommandError('addNotebookVersion', [{ path: 'runId', message: `no run ${data.runId}` }]);
  }
  const now = ctx.now();
  let notebook = listNotebooks(doc).find((n) => n.path === data.path);
  const outcome = notebook ? 'versioned' : 'created';
  let notebookChanged = !notebook;
  const versions = notebook ? listNotebookVersions(doc, notebook.id) : [];
  const latest = versions[versions.length - 1];
  if (notebook && latest && latest.blob === data.blob && (data.runId === undefined || notebook.runIds?.includes(data.runId))) {
    return { notebook, version: latest, outcome: 'unchanged' };
  }
  if (!notebook) {
    notebook = {
      id: ctx.newId(),
      title: data.title ?? defaultTitle(data.path),
      path: data.path,
      createdAt: now,
      createdBy: ctx.actor.id,
      createdByName: ctx.actor.name,
      ...(data.runId !== undefined ? { runIds: [data.runId] } : {}),
    };
  } else if (data.runId !== undefined && !notebook.runIds?.includes(data.runId)) {
    notebook = { ...notebook, runIds: [...(notebook.runIds ?? []), data.runId].slice(-100) };
    notebookChanged = true;
  }
  const version: NotebookVersionRecord = {
    id: ctx.newId(),
    notebookId: notebook.id,
    version: (latest?.version ?? 0) + 1,
    blob: data.blob,
    size: data.size,
    nbformat: data.nbformat,
    cellCount: data.cellCount,
    ...(data.notes && data.notes.length > 0 ? { notes: data.notes } : {}),
    ...(data.excerpt ? { excerpt: data.excerpt.slice(0, NOTEBOOK_EXCERPT_MAX) } : {}),
    ...(data.runId !== undefined ? { runId: data.runId } : {}),
    addedAt: now,
    addedBy: ctx.actor.id,
    addedByName: ctx.actor.name,
  };
  parseInput('addNotebookVersion', notebookSchema, notebook); // a bad id from ctx.newId must not reach the doc
  parseInput('addNotebookVersion', notebookVersionSchema, version);
  const nb = notebook;
  doc.transact(() => {
    // An unchanged notebook record is not rewritten: an editor's push must not touch what it need not.
    if (notebookChanged) doc.getMap(DOC_KEYS.notebooks).set(nb.id, nb);
    doc.getMap(DOC_KEYS.notebookVersions).set(version.id, version);
  });
  return { notebook: nb, version, outcome };
}

/** `notebooks/churn.ipynb` → `churn`. */
function defaultTitle(path: string): string {
  const name = path.split(/[\\/]/).pop() || path;
  return (name.replace(/\.ipynb$/i, '') || name).slice(0, 300);
}

const renameNotebookInput = z.object({ notebookId, title: z.string().trim().min(1, 'title is required').max(300, 'title is at most 300 characters') });

/** Gives a notebook a new title. */
export function renameNotebook(doc: Y.Doc, input: z.input<typeof renameNotebookInput>, ctx: Pick<CommandContext, 'now'>): NotebookRecord {
  void ctx;
  const data = parseInput('renameNotebook', renameNotebookInput, input);
  const existing = getNotebook(doc, data.notebookId);
  if (!existing) throw new CommandError('renameNotebook', [{ path: 'notebookId', message: `no notebook ${data.notebookId}` }]);
  if (existing.title === data.title) return existing;
  const record = { ...existing, title: data.title };
  doc.getMap(DOC_KEYS.notebooks).set(record.id, record);
  return record;
}

/** Every notebook whose record parses, most recently created first. */
export function listNotebooks(doc: Y.Doc): NotebookRecord[] {
  const out: NotebookRecord[] = [];
  for (const raw of doc.getMap(DOC_KEYS.notebooks).values()) {
    const p = notebookSchema.safeParse(raw);
    if (p.success) out.push(p.data);
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
}

export function getNotebook(doc: Y.Doc, id: string): NotebookRecord | undefined {
  const p = notebookSchema.safeParse(doc.getMap(DOC_KEYS.notebooks).get(id));
  return p.success ? p.data : undefined;
}

/** A notebook's versions, oldest first (by number, then time, then id: see the file header). */
export function listNotebookVersions(doc: Y.Doc, notebookId: string): NotebookVersionRecord[] {
  const out: NotebookVersionRecord[] = [];
  for (const raw of doc.getMap(DOC_KEYS.notebookVersions).values()) {
    const p = notebookVersionSchema.safeParse(raw);
    if (p.success && p.data.notebookId === notebookId) out.push(p.data);
  }
  return out.sort((a, b) => a.version - b.version || a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
}

/** The newest version of every notebook, by notebook id. */
export function latestNotebookVersions(doc: Y.Doc): Map<string, NotebookVersionRecord> {
  const out = new Map<string, NotebookVersionRecord>();
  for (const raw of doc.getMap(DOC_KEYS.notebookVersions).values()) {
    const p = notebookVersionSchema.safeParse(raw);
    if (!p.success) continue;
    const had = out.get(p.data.notebookId);
    if (!had || had.version < p.data.version || (had.version === p.data.version && (had.addedAt < p.data.addedAt || (had.addedAt === p.data.addedAt && had.id < p.data.id)))) out.set(p.data.notebookId, p.data);
  }
  return out;
}

/**
 * The run `--run` names: a run id, a run's source (`api:<clientRunId>`, `mlflow:<uuid>`), or a
 * run name that only one run has. Null with the reason when none or several match.
 */
export function resolveRunReference(doc: Y.Doc, ref: string): { id: string } | { error: string } {
  const runs = listRuns(doc);
  const exact = runs.find((r) => r.id === ref || r.source === ref);
  if (exact) return { id: exact.id };
  const named = runs.filter((r) => r.name === ref);
  if (named.length === 1) return { id: named[0]!.id };
  return { error: named.length === 0 ? `no run with id, source or name "${ref}"` : `${named.length} runs are named "${ref}"; give its id instead (${named.slice(0, 3).map((r) => r.id).join(', ')}…)` };
}
