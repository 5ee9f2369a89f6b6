/**
 * One cell as it was run: `In [n]`, the source (markdown rendered with math, code highlighted),
 * and its outputs (notebook-output.tsx). Comment buttons start a thread on the cell, on the
 * words selected in its source, or on one output.
 */
import { memo, useEffect, useRef } from 'react';
import { type NotebookCell, cellHeadline } from '../../../core/notebook';
import type { NotebookAnchor } from '../../../core/workspace';
import { highlight } from './highlight';
import { renderNotebookMarkdown } from './notebook-html';
import { NotebookOutputView } from './notebook-output';

/** How long after a code cell is drawn its highlighting starts (it must not hold up the first paint). */
const HIGHLIGHT_DELAY_MS = 150;

export type PendingAnchor = Omit<NotebookAnchor, 'versionId' | 'version'>;

export interface CellProps {
  cell: NotebookCell;
  index: number;
  language: string;
  /** Threads on this cell (in the version shown). */
  threads: number;
  canComment: boolean;
  focused: boolean;
  onComment: (anchor: PendingAnchor) => void;
  onShowThreads: (index: number) => void;
}

export const NotebookCellView = memo(function NotebookCellView({ cell, index, language, threads, canComment, focused, onComment, onShowThreads }: CellProps) {
  const sourceRef = useRef<HTMLDivElement>(null);
  const base = { cellIndex: index, cellId: cell.id };

  const commentOnCell = () => {
    const quote = selectionIn(sourceRef.current, cell.source);
    onComment(quote ? { ...base, part: 'source', quote } : { ...base, part: 'cell' });
  };

  return (
    <article className={`nb-cell nb-${cell.kind}${focused ? ' focused' : ''}`} aria-label={`Cell ${index + 1}: ${cellHeadline(cell.source, 60)}`} data-testid="notebook-cell" data-cell-index={index} data-cell-id={cell.id ?? undefined}>
      <div className="nb-gutter" aria-hidden={cell.kind !== 'code'}>
        {cell.kind === 'code' && <span className="nb-prompt">In [{cell.executionCount ?? ' '}]:</span>}
      </div>
      <div className="nb-body">
        <div className="nb-tools">
          {threads > 0 && (
            <button type="button" className="link small" onClick={() => onShowThreads(index)} data-testid="cell-thread-count">
              {threads} {threads === 1 ? 'thread' : 'threads'}
            </button>
          )}
          {canComment && (
            // mousedown would clear the selection the comment is about.
            <button type="button" className="secondary small-button" onMouseDown={(e) => e.preventDefault()} onClick={commentOnCell} title="Comment on this cell, or on the words selected in it">
              Comment
            </button>
          )}
        </div>
        <div ref={sourceRef} className="nb-source">
          {cell.kind === 'markdown' ? <Markdown source={cell.source} attachments={cell.attachments} /> : cell.kind === 'code' ? <Code source={cell.source} language={language} /> : <pre className="nb-raw">{cell.source}</pre>}
        </div>
        {cell.outputs.length > 0 && (
          <div className="nb-outputs">
            {cell.outputs.map((o, k) => (
              <div key={k} className="nb-output" data-testid="notebook-output" data-output-index={k}>
                <div className="nb-gutter">{(o.kind === 'display' || o.kind === 'deferred') && o.result && <span className="nb-prompt out">Out[{o.executionCount ?? ' '}]:</span>}</div>
                <div className="nb-output-body">
                  <NotebookOutputView output={o} />
                  {canComment && (
                    <button type="button" className="link small nb-output-comment" onClick={() => onComment({ ...base, part: 'output', outputIndex: k })}>
                      Comment on this output
                    </button>
                  )}
                </div>
              </div>
            ))}
          </div>
        )}
      </div>
    </article>
  );
});

function Markdown({ source, attachments }: { source: string; attachments: NotebookCell['attachments'] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.replaceChildren(renderNotebookMarkdown(source, attachments));
  }, [source, attachments]);
  return <div ref={ref} className="markdown" />;
}

function Code({ source, language }: { source: string; language: string }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) return;
    el.textContent = source;
    // After the cells are on screen: the first highlight loads Monaco (megabytes of script to compile).
    const timer = setTimeout(() => {
      highlight(source, language)
        .then((fragment) => {
          if (!cancelled && fragment) el.replaceChildren(fragment);
        })
        .catch(() => {}); // plain text stays: highlighting is a nicety
    }, HIGHLIGHT_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [source, language]);
  return (
    <pre className="nb-code">
      <code ref={ref}>{source}</code>
    </pre>
  );
}

/**
 * The selected words when the selection lies inside `root`: their text and where they are in
 * the source (found by text: a rendered markdown cell's text is not its source).
 */
function selectionIn(root: HTMLElement | null, source: string): NotebookAnchor['quote'] | undefined {
  const selection = window.getSelection();
  if (!root || !selection || selection.isCollapsed || selection.rangeCount === 0) return undefined;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return undefined;
  const text = selection.toString().slice(0, 2000);
  if (text.trim() === '') return undefined;
  // Offset in the code as shown: the text before the selection inside the source element.
  const before = document.createRange();
  before.selectNodeContents(root);
  before.setEnd(range.startContainer, range.startOffset);
  const guess = before.toString().length;
  const start = source.startsWith(text, guess) ? guess : Math.max(0, source.indexOf(text));
  return { start, end: start + text.length, text };
}
