import { useEffect, useRef } from 'react';
import type * as Y from 'yjs';
import { renderNoteMarkdown } from './markdown-preview';

/** Re-rendering on every keystroke of a long note would make typing lag; this is still "live". */
const RENDER_DELAY_MS = 120;

/**
 * The note's markdown, rendered and sanitized (see markdown-preview.ts), kept in step with the
 * Y.Text. The sanitized fragment is appended as nodes, never re-parsed from a string, so what
 * DOMPurify checked is exactly what the page holds.
 */
export function NotePreview({ text }: { text: Y.Text }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const render = () => {
      timer = null;
      const source = text.toString();
      if (source.trim() === '') {
        const hint = document.createElement('p');
        hint.className = 'muted';
        hint.textContent = 'Nothing to preview yet. Markdown written in the editor shows here as you type.';
        box.current?.replaceChildren(hint);
      } else {
        box.current?.replaceChildren(renderNoteMarkdown(source));
      }
    };
    const schedule = () => {
      timer ??= setTimeout(render, RENDER_DELAY_MS);
    };
    render();
    text.observe(schedule);
    return () => {
      text.unobserve(schedule);
      if (timer) clearTimeout(timer);
    };
  }, [text]);

  return <div ref={box} className="note-preview markdown" data-testid="note-preview" aria-label="Preview" role="region" tabIndex={0} />;
}
