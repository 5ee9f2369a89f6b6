/**
 * A large output the notebook's light form left out (core light.ts), fetched from the host by its
 * fingerprint when its cell is drawn — the virtualized list draws only the cells in view, so a
 * plot far down the notebook travels only when someone scrolls to it. Until it arrives a
 * placeholder of about its height says what is coming; a raster image arrives as bytes and is
 * shown through a `blob:` URL (revoked when the cell leaves the screen). Very large images and
 * HTML still wait for a click, as drawn ones always did (output-plan.ts).
 *
 * Which version's file to ask comes from the context: the reader gives its version, the diff
 * gives each side its own.
 */
import { type ReactElement, createContext, useContext, useEffect, useState } from 'react';
import type { NotebookOutput } from '../../../core/notebook';
import type { NotebookOutputReply } from '../../../shared/host-contract';
import type { WorkspaceSession } from '../session/workspace-session';
import { HTML_INLINE_LIMIT, IMAGE_INLINE_LIMIT } from './output-plan';

type Deferred = Extract<NotebookOutput, { kind: 'deferred' }>;

/** The notebook file (content hash) the outputs below come from, and how to reach the host. */
export interface NotebookSourceValue {
  session: WorkspaceSession;
  blob: string;
  /** Names the version in errors. */
  name: string;
}
export const NotebookSource = createContext<NotebookSourceValue | null>(null);

/** Fetched outputs kept in the page (most recent last), bounded by their size. */
const fetched = new Map<string, { chars: number; reply: Promise<NotebookOutputReply> }>();
const FETCHED_CHARS = 128 * 1024 * 1024;

function fetchOutput(session: WorkspaceSession, blob: string, name: string, stub: Deferred): Promise<NotebookOutputReply> {
  const key = `${blob}:${stub.fingerprint}`;
  const hit = fetched.get(key);
  if (hit) {
    fetched.delete(key);
    fetched.set(key, hit);
    return hit.reply;
  }
  const reply = session.host.call('notebooks.output', { workspaceId: session.connection.workspaceId, sha256: blob, fingerprint: stub.fingerprint, name });
  reply.catch(() => fetched.delete(key));
  fetched.set(key, { chars: stub.chars, reply });
  let total = 0;
  for (const e of fetched.values()) total += e.chars;
  for (const [k, e] of fetched) {
    if (total <= FETCHED_CHARS || fetched.size <= 1) break;
    fetched.delete(k);
    total -= e.chars;
  }
  return reply;
}

const size = (chars: number) => (chars >= 1024 * 1024 ? `${(chars / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(chars / 1024))} KB`);

function describe(stub: Deferred): string {
  if (stub.of === 'stream') return 'output text';
  if (stub.of === 'error') return 'error output';
  const image = stub.mimes.find((m) => m.startsWith('image/'));
  return image ?? (stub.mimes.includes('text/html') ? 'HTML output' : 'output');
}

type State = { kind: 'waiting' } | { kind: 'loading' } | { kind: 'ready'; reply: NotebookOutputReply } | { kind: 'error'; message: string };

export function LazyOutput({ stub, render }: { stub: Deferred; render: (output: NotebookOutputReply['output']) => ReactElement }) {
  const source = useContext(NotebookSource);
  const image = stub.of === 'display' ? stub.mimes.find((m) => m.startsWith('image/')) : undefined;
  const html = stub.of === 'display' && !image && stub.mimes.includes('text/html');
  // As output-plan.ts always had it: a 20 MB plot or a huge table is drawn on request only.
  const onClick = (image !== undefined && stub.chars > IMAGE_INLINE_LIMIT) || (html && stub.chars > HTML_INLINE_LIMIT);
  const [state, setState] = useState<State>(onClick ? { kind: 'waiting' } : { kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (state.kind !== 'loading' || !source) return;
    let cancelled = false;
    fetchOutput(source.session, source.blob, source.name, stub)
      .then((reply) => {
        if (cancelled) return;
        performance.mark('notebook:output-loaded'); // for bench/notebook.ts
        setState({ kind: 'ready', reply });
      })
      .catch((err: Error) => !cancelled && setState({ kind: 'error', message: err.message }));
    return () => {
      cancelled = true;
    };
    // `state.kind` starts the fetch; the stub's fingerprint says which output.
  }, [state.kind, source, stub.fingerprint, attempt]);

  if (!source) return <p className="muted small">This output is not loaded here.</p>;
  if (state.kind === 'waiting') {
    return (
      <button type="button" className="secondary small-button" onClick={() => setState({ kind: 'loading' })}>
        {image ? `Show image (${image}, ${(stub.chars / 1024 / 1024).toFixed(1)} MB)` : `Show HTML output (${(stub.chars / 1024 / 1024).toFixed(1)} MB)`}
      </button>
    );
  }
  if (state.kind === 'loading') {
    const height = stub.of !== 'display' ? 19 * Math.min(60, stub.lines) : image ? 300 : html ? 200 : 40;
    return (
      <div className="nb-output-loading" role="status" data-testid="output-loading" style={{ minHeight: height }}>
        <progress aria-label={`Loading ${describe(stub)}`} />
        <span className="muted small">Loading {describe(stub)} ({size(stub.chars)})…</span>
      </div>
    );
  }
  if (state.kind === 'error') {
    return (
      <p role="alert" className="error small">
        Could not load this {describe(stub)}: {state.message}{' '}
        <button type="button" className="link small" onClick={() => { setAttempt((n) => n + 1); setState({ kind: 'loading' }); }}>Try again</button>
      </p>
    );
  }
  const { reply } = state;
  return reply.image ? <BlobImage mime={reply.image.mime} data={reply.image.data} /> : render(reply.output);
}

/** An image from bytes: a `blob:` URL for as long as it is on screen. */
function BlobImage({ mime, data }: { mime: string; data: Uint8Array }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const u = URL.createObjectURL(new Blob([data as BlobPart], { type: mime }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [mime, data]);
  return url ? <img className="nb-image" src={url} alt={`${mime} output`} decoding="async" /> : null;
}
