/**
 * A note's earlier versions: the server keeps snapshots of each note's doc (per-doc history,
 * issue 20), at most one per snapshot interval while the note changes. A member picks one and
 * reads its text; an owner or editor can put it back as a new change everyone sees — only the
 * part that differs is replaced, so comments anchored in the unchanged text stay where they are
 * (their anchors are Yjs relative positions, see note-anchors). A later snapshot undoes it.
 */
import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { NOTE_TEXT_KEY } from '../../../core/workspace';
import { type Snapshot, SnapshotList } from '../components/snapshot-list';
import type { WorkspaceSession } from '../session/workspace-session';

/**
 * Makes `text` read `target` with the fewest characters touched that a common prefix and suffix
 * give: the middle that differs is deleted and the target's middle inserted, in one transaction.
 * Returns how many characters were removed and added.
 */
export function replaceTextMinimally(text: Y.Text, target: string): { removed: number; added: number } {
  const current = text.toString();
  let start = 0;
  const max = Math.min(current.length, target.length);
  while (start < max && current.charCodeAt(start) === target.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && current.charCodeAt(current.length - 1 - end) === target.charCodeAt(target.length - 1 - end)) end++;
  // Never cut a surrogate pair in two: step back over a low surrogate at either cut.
  while (start > 0 && isLowSurrogate(current.charCodeAt(start))) start--;
  while (end > 0 && isLowSurrogate(current.charCodeAt(current.length - end))) end--;
  const removed = current.length - start - end;
  const inserted = target.slice(start, target.length - end);
  if (removed === 0 && inserted.length === 0) return { removed: 0, added: 0 };
  text.doc!.transact(() => {
    if (removed > 0) text.delete(start, removed);
    if (inserted.length > 0) text.insert(start, inserted);
  });
  return { removed, added: inserted.length };
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

export function NoteHistory({ session, noteId, text, canEdit }: { session: WorkspaceSession; noteId: string; text: Y.Text | null; canEdit: boolean }) {
  const workspaceId = session.connection.workspaceId;
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<{ id: number; text: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    session.host.call('history.list', { workspaceId, noteId }).then(
      (r) => live && setSnapshots(r.snapshots),
      (e: Error) => live && setError(`Could not list this note’s versions: ${e.message}`),
    );
    return () => void (live = false);
  }, [session, workspaceId, noteId]);

  async function open(id: number) {
    setMessage(null);
    setError(null);
    try {
      const { state } = await session.host.call('history.get', { workspaceId, snapshotId: id, noteId });
      const doc = new Y.Doc();
      try {
        Y.applyUpdate(doc, state);
        setSelected({ id, text: doc.getText(NOTE_TEXT_KEY).toString() });
      } finally {
        doc.destroy();
      }
    } catch (e) {
      setError(`Could not read that version: ${(e as Error).message}`);
    }
  }

  function restore() {
    if (!selected || !text) return;
    const when = snapshots?.find((s) => s.id === selected.id);
    if (!window.confirm(`Put back the note as it was ${when ? new Date(when.createdAt).toLocaleString() : 'then'}? Everyone sees the change; a later version can undo it.`)) return;
    const { removed, added } = replaceTextMinimally(text, selected.text);
    setMessage(removed === 0 && added === 0 ? 'The note already reads like this version.' : `Put back: ${removed} characters removed, ${added} added.`);
  }

  async function copy() {
    if (!selected) return;
    try {
      await navigator.clipboard.writeText(selected.text);
      setMessage('Copied this version’s text.');
    } catch {
      setMessage('The clipboard refused; select the text below and copy it.');
    }
  }

  return (
    <section className="note-history" aria-labelledby="note-history-title">
      <h3 id="note-history-title">Earlier versions</h3>
      <p className="muted small">The server keeps a version of this note at most every 10 minutes while it changes.</p>
      {error && <p role="alert" className="error">{error}</p>}
      {snapshots === null && !error && <p className="muted" role="status">Loading…</p>}
      {snapshots?.length === 0 && <p className="empty">No earlier versions yet: the first one is kept with the next change to this note.</p>}
      {snapshots && snapshots.length > 0 && (
        <div className="history">
          <SnapshotList snapshots={snapshots} label="Versions of this note" selectedId={selected?.id} onOpen={(id) => void open(id)} />
          {selected && (
            <section aria-label="Selected version" data-snapshot-id={selected.id} className="card snapshot">
              <div className="note-history-actions">
                <button type="button" className="secondary" onClick={() => void copy()}>Copy text</button>
                {canEdit && <button type="button" onClick={restore} disabled={!text}>Put this version back</button>}
              </div>
              {selected.text === '' ? <p className="muted">The note was empty then.</p> : <pre className="note-history-text">{selected.text}</pre>}
            </section>
          )}
        </div>
      )}
      {message && <p role="status" className="ok">{message}</p>}
    </section>
  );
}
