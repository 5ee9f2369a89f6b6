import { useEffect, useReducer, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { recordNoteMentions, touchNote } from '../../../core/workspace';
import type { DocHandle, WorkspaceSession } from '../session/workspace-session';
import { type RemoteCursor, remoteCursorCss, remoteCursorsFrom } from './remote-cursors';

/**
 * Opens a doc of the workspace (a note's) for as long as the component shows it; the session
 * shares one live doc among everyone who opened it and closes it after the last release.
 * Re-renders when the handle reports a change (sync state).
 */
export function useOpenDoc(session: WorkspaceSession, docName: string | null): DocHandle | null {
  const [handle, setHandle] = useState<DocHandle | null>(null);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!docName) return;
    const opened = session.openDoc(docName);
    setHandle(opened);
    const unsubscribe = opened.subscribe(bump);
    return () => {
      unsubscribe();
      opened.release();
      setHandle(null);
    };
  }, [session, docName]);
  return handle;
}

/** Re-renders the caller whenever `text` changes. */
export function useTextVersion(text: Y.Text | null): number {
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!text) return;
    const onChange = () => bump();
    text.observe(onChange);
    return () => text.unobserve(onChange);
  }, [text]);
  return version;
}

/**
 * Everyone else in the note (from its awareness), and the page-wide style sheet that colours
 * and names their cursors. The sheet is a constructed CSSStyleSheet: it needs no `<style>`
 * element (so nothing here relies on the CSP allowing inline styles) and goes with the page.
 */
export function useRemoteCursors(awareness: Awareness | null): RemoteCursor[] {
  const [people, setPeople] = useState<RemoteCursor[]>([]);
  useEffect(() => {
    if (!awareness) return;
    const sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    let lastCss = '';
    const update = () => {
      const next = remoteCursorsFrom(awareness.getStates() as Map<number, Record<string, unknown>>, awareness.clientID);
      const css = remoteCursorCss(next);
      if (css !== lastCss) sheet.replaceSync((lastCss = css));
      setPeople((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    };
    update();
    awareness.on('change', update);
    return () => {
      awareness.off('change', update);
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }, [awareness]);
  return people;
}

/** How often, at most, a note's typing moves its `updatedAt` in the workspace registry. */
const TOUCH_EVERY_MS = 15_000;

/**
 * Keeps the note's "last changed" current while this person types, without a registry write
 * per keystroke (`touchNote` replaces the whole record, see notes.ts): the first edit writes
 * at once, later ones at most every 15 s, and the last one is written on leaving.
 */
export function useTouchOnEdit(session: WorkspaceSession, noteId: string, doc: Y.Doc | null, enabled: boolean): void {
  const pending = useRef(false);
  useEffect(() => {
    if (!doc || !enabled) return;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const touch = () => {
      timer = null;
      pending.current = false;
      last = Date.now();
      try {
        touchNote(session.doc, { noteId }, session.commandContext());
      } catch {
        // The note was deleted meanwhile: nothing to keep current.
      }
    };
    const onUpdate = (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      if (!transaction.local) return; // from the cache or a teammate: their client touches
      pending.current = true;
      const wait = last + TOUCH_EVERY_MS - Date.now();
      if (wait <= 0) touch();
      else timer ??= setTimeout(touch, wait);
    };
    doc.on('update', onUpdate);
    return () => {
      doc.off('update', onUpdate);
      if (timer) clearTimeout(timer);
      if (pending.current) touch();
    };
  }, [session, noteId, doc, enabled]);
}

/** Typing "@Bo" on the way to "@Bob" should not notify a Bo: wait for a pause. */
const MENTION_PAUSE_MS = 1500;

/**
 * Records who this person @mentions in the note (the inbox reads those records from the
 * workspace doc, so nobody has to open every note to find their mentions). Runs after a pause
 * in this person's own typing, and once more on leaving; edits from others are theirs to record.
 */
export function useRecordMentions(session: WorkspaceSession, noteId: string, text: Y.Text | null, enabled: boolean): void {
  useEffect(() => {
    if (!text || !enabled) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const record = () => {
      timer = null;
      try {
        recordNoteMentions(session.doc, { noteId, text: text.toString() }, session.commandContext());
      } catch {
        // A note past the size limit for mention scanning: its mentions are not recorded.
      }
    };
    const onChange = (_event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (!transaction.local) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(record, MENTION_PAUSE_MS);
    };
    text.observe(onChange);
    return () => {
      text.unobserve(onChange);
      if (timer) {
        clearTimeout(timer);
        record();
      }
    };
  }, [session, noteId, text, enabled]);
}
