/**
 * Adding a notebook from the app (file picker or drop): the host reads the file, keeps it and
 * uploads it as a blob (`notebooks.store`); the version is then recorded in the workspace doc by
 * the named command, as the CLI's push does on the server. The file name is the path, so the
 * same file added again becomes its next version.
 */
import { NOTEBOOK_EXCERPT_MAX, addNotebookVersion } from '../../../core/workspace';
import type { WorkspaceSession } from '../session/workspace-session';

export interface AddedNotebook {
  notebookId: string;
  version: number;
  outcome: 'created' | 'versioned' | 'unchanged';
  /** Said to the person: how it was read, and whether the server has the file yet. */
  notices: string[];
}

/** Adds `file` as a version of the notebook at `path` (default: its file name). */
export async function addNotebookFile(session: WorkspaceSession, file: File, path = file.name): Promise<AddedNotebook> {
  if (!/\.ipynb$/i.test(file.name)) throw new Error(`${file.name}: not a Jupyter notebook (.ipynb)`);
  const data = new Uint8Array(await file.arrayBuffer());
  const stored = await session.host.call('notebooks.store', { workspaceId: session.connection.workspaceId, fileName: file.name, data });
  const result = addNotebookVersion(
    session.doc,
    { path, blob: stored.sha256, size: stored.size, nbformat: stored.nbformat, cellCount: stored.cellCount, notes: stored.notes, excerpt: stored.excerpt.slice(0, NOTEBOOK_EXCERPT_MAX) },
    session.commandContext(),
  );
  const notices = [...stored.notes];
  if (stored.uploadError) notices.push(`The file is kept on this device; others see it once it reaches the server (${stored.uploadError}).`);
  return { notebookId: result.notebook.id, version: result.version.version, outcome: result.outcome, notices };
}
