/**
 * The workspace's notebooks: each with its latest version, and — for owners and editors — "Add
 * notebook" (a file picker) and dropping `.ipynb` files on the page.
 */
import { type DragEvent, useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { latestNotebookVersions, listNotebooks } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { navigate, useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { addNotebookFile } from './add-notebook';
import './notebooks.css';

export function NotebooksPage({ session }: { session: WorkspaceSession }) {
  const read = useCallback((doc: Y.Doc) => ({ notebooks: listNotebooks(doc), latest: latestNotebookVersions(doc) }), []);
  const { notebooks, latest } = useDocValue(session.doc, read);
  const role = session.connection.role;
  const canAdd = role === 'owner' || role === 'editor';
  const ws = session.connection.workspaceId;
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [messages, setMessages] = useState<{ error: boolean; text: string }[]>([]);
  const [dragging, setDragging] = useState(false);
  // The reader's code (KaTeX, the diff, the virtual list), fetched while the list is read, so
  // opening a notebook does not wait for it.
  useEffect(() => void import('./notebook-page').catch(() => {}), []);

  const add = async (files: File[]) => {
    if (!canAdd || files.length === 0) return;
    setBusy(true);
    const out: { error: boolean; text: string }[] = [];
    let last: string | null = null;
    for (const file of files) {
      try {
        const added = await addNotebookFile(session, file);
        last = added.notebookId;
        const what = added.outcome === 'unchanged' ? `${file.name}: already the latest version (v${added.version})` : `${file.name}: added as v${added.version}`;
        out.push({ error: false, text: what }, ...added.notices.map((text) => ({ error: false, text: `${file.name}: ${text}` })));
      } catch (err) {
        out.push({ error: true, text: err instanceof Error ? err.message : String(err) });
      }
    }
    setBusy(false);
    setMessages(out);
    if (files.length === 1 && last && !out.some((m) => m.error)) navigate('w', ws, 'notebooks', last);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void add([...e.dataTransfer.files]);
  };

  return (
    <section
      aria-labelledby="notebooks-title"
      className={dragging ? 'nb-drop dragging' : 'nb-drop'}
      onDragOver={canAdd ? (e) => { e.preventDefault(); setDragging(true); } : undefined}
      onDragLeave={() => setDragging(false)}
      onDrop={canAdd ? onDrop : undefined}
    >
      <div className="page-header">
        <h2 id="notebooks-title">Notebooks</h2>
        {canAdd && (
          <>
            <button type="button" disabled={busy} onClick={() => input.current?.click()}>{busy ? 'Adding…' : 'Add notebook'}</button>
            <input ref={input} type="file" accept=".ipynb,application/x-ipynb+json" multiple hidden data-testid="notebook-file"
              onChange={(e) => { void add([...(e.target.files ?? [])]); e.target.value = ''; }} />
          </>
        )}
      </div>
      {!canAdd && <p className="muted">As a {role} you can read notebooks{role === 'commenter' ? ' and comment on their cells' : ''}.</p>}
      {messages.length > 0 && (
        <ul className="nb-messages" aria-live="polite">
          {messages.map((m, i) => <li key={i} className={m.error ? 'error' : 'muted'} role={m.error ? 'alert' : undefined}>{m.text}</li>)}
        </ul>
      )}
      {notebooks.length === 0 ? (
        <p className="empty">
          No notebooks yet.{' '}
          {canAdd ? 'Choose “Add notebook” or drop an .ipynb file here; from a script, run `driftdesk push notebook FILE`.' : 'When an owner or editor adds one, it shows up here.'}
        </p>
      ) : (
        <ul className="note-list" aria-label="Notebooks">
          {notebooks.map((n) => {
            const v = latest.get(n.id);
            return (
              <li key={n.id}>
                <a href={`#/w/${ws}/notebooks/${encodeURIComponent(n.id)}`}>{n.title}</a>
                <span className="muted small">
                  {n.path}{v && <> · v{v.version} · {v.cellCount} cells · added by {v.addedByName} <TimeAgo at={v.addedAt} /></>}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
