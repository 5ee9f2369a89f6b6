/**
 * The Monaco editor of one note, bound to the note doc's Y.Text by y-monaco: local typing goes
 * into the Y.Text, remote edits come back into the editor, and the awareness carries this
 * person's cursor to the others (their cursors are styled by `RemoteCursorStyles`).
 *
 * The page talks to the editor through `NoteEditorApi` (anchor the selection, show a comment's
 * range) so Monaco stays inside this module and the note page's chunk.
 */
import { useEffect, useRef } from 'react';
import { MonacoBinding } from 'y-monaco';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type NoteAnchor, createNoteAnchor, resolveNoteAnchor } from '../../../core/workspace';
import { monaco } from './monaco-setup';
import { type Mentionable, offerMentions } from './note-mention-completion';

export interface NoteEditorApi {
  /** An anchor on the current selection, or null when nothing is selected. */
  anchorSelection(): NoteAnchor | null;
  /** Selects and scrolls to an anchor's words; false when they were deleted. */
  reveal(anchor: NoteAnchor): boolean;
  focus(): void;
}

export interface AnchoredRange {
  id: string;
  anchor: NoteAnchor;
}

interface Props {
  text: Y.Text;
  awareness: Awareness;
  readOnly: boolean;
  /** Ranges that have comments; `activeId` is drawn stronger. */
  anchors: readonly AnchoredRange[];
  activeId: string | null;
  onReady: (api: NoteEditorApi | null) => void;
  onSelectionChange: (hasSelection: boolean) => void;
  /** Ctrl/Cmd+Alt+M in the editor, as in other editors with comments. */
  onCommentShortcut: () => void;
  /** Who "@" offers to mention in the text (the other members). */
  mentionables: readonly Mentionable[];
  /** Opened from the inbox: this person's name, whose first @mention is marked and scrolled to. */
  mentionOf?: string | null;
}

export function NoteEditor({ text, awareness, readOnly, anchors, activeId, onReady, onSelectionChange, onCommentShortcut, mentionables, mentionOf = null }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // Callbacks change every render; the editor is made once per note, so it reads them here.
  const latest = useRef({ onSelectionChange, onCommentShortcut, anchors, activeId, mentionables, mentionOf });
  latest.current = { onSelectionChange, onCommentShortcut, anchors, activeId, mentionables, mentionOf };
  const paint = useRef<() => void>(() => {});

  useEffect(() => {
    const model = monaco.editor.createModel(text.toString(), 'markdown');
    const editor = monaco.editor.create(host.current!, {
      model,
      readOnly,
      ariaLabel: readOnly ? 'Note text (read only)' : 'Note text',
      automaticLayout: true,
      wordWrap: 'on',
      minimap: { enabled: false },
      lineNumbers: 'off',
      folding: false,
      glyphMargin: false,
      renderLineHighlight: 'none',
      scrollBeyondLastLine: false,
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      overviewRulerBorder: false,
      // Room above the first line for the name label on a remote caret there.
      padding: { top: 20, bottom: 12 },
      fontSize: 14,
      lineHeight: 22,
      unicodeHighlight: { ambiguousCharacters: false },
    });
    editorRef.current = editor;
    const stopOffering = offerMentions(model, () => latest.current.mentionables);
    const binding = new MonacoBinding(text, model, new Set([editor]), awareness);
    // Monaco's own undo stack knows nothing of remote edits (y-monaco applies them outside it),
    // so undoing after a teammate typed could remove the wrong characters. Y.UndoManager undoes
    // only this person's own changes, wherever the others' edits have moved them.
    const undo = new Y.UndoManager(text, { trackedOrigins: new Set([binding]) });
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyZ, () => undo.undo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyZ, () => undo.redo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyY, () => undo.redo());
    const decorations = editor.createDecorationsCollection();
    // The note's text may arrive after the editor opens, so the mention is looked for on every
    // paint and scrolled to the first time it is found.
    let revealedMention = false;

    paint.current = () => {
      const { anchors: ranges, activeId: active, mentionOf: name } = latest.current;
      const next: monaco.editor.IModelDeltaDecoration[] = [];
      const mention = name ? mentionRange(model, name) : null;
      if (mention) {
        next.push({ range: mention, options: { inlineClassName: 'note-mention-focused', stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges } });
        if (!revealedMention) {
          revealedMention = true;
          editor.revealRangeInCenter(mention);
        }
      }
      for (const { id, anchor } of ranges) {
        const at = resolveNoteAnchor(text, anchor);
        if (!at) continue;
        const start = model.getPositionAt(at.index);
        const end = model.getPositionAt(at.index + at.length);
        next.push({
          range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
          // On the text itself (not an overlay), so the highlight is exactly the anchored words.
          options: { inlineClassName: id === active ? 'note-anchor note-anchor-active' : 'note-anchor', stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges },
        });
      }
      decorations.set(next);
    };
    const repaint = () => paint.current();
    text.observe(repaint);
    repaint();

    const selection = editor.onDidChangeCursorSelection((e) => latest.current.onSelectionChange(!e.selection.isEmpty()));
    editor.addAction({
      id: 'driftdesk.commentOnSelection',
      label: 'Comment on selection',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Alt | monaco.KeyCode.KeyM],
      contextMenuGroupId: 'navigation',
      run: () => latest.current.onCommentShortcut(),
    });

    onReady({
      anchorSelection() {
        const sel = editor.getSelection();
        if (!sel || sel.isEmpty()) return null;
        const start = model.getOffsetAt(sel.getStartPosition());
        const end = model.getOffsetAt(sel.getEndPosition());
        return createNoteAnchor(text, start, end - start);
      },
      reveal(anchor) {
        const at = resolveNoteAnchor(text, anchor);
        if (!at) return false;
        const start = model.getPositionAt(at.index);
        const end = model.getPositionAt(at.index + at.length);
        const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
        editor.revealRangeInCenterIfOutsideViewport(range);
        return true;
      },
      focus: () => editor.focus(),
    });

    return () => {
      onReady(null);
      stopOffering();
      text.unobserve(repaint);
      selection.dispose();
      undo.destroy();
      binding.destroy();
      editor.dispose();
      model.dispose();
      // Others would otherwise keep drawing this person's caret in a note they left.
      awareness.setLocalStateField('selection', null);
    };
    // `readOnly` is left out on purpose: the effect below applies it without re-creating the
    // editor, which would drop the undo history and flash the note.
  }, [text, awareness, onReady]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly, ariaLabel: readOnly ? 'Note text (read only)' : 'Note text' });
  }, [readOnly]);

  useEffect(() => paint.current(), [anchors, activeId, mentionOf]);

  return <div ref={host} className="note-editor" data-testid="note-editor" />;
}

/** Where "@name" first stands in the note as a whole word (any case), or null. */
function mentionRange(model: monaco.editor.ITextModel, name: string): monaco.Range | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`@${escaped}(?![\\p{L}\\p{N}_])`, 'iu').exec(model.getValue());
  if (!match) return null;
  const start = model.getPositionAt(match.index);
  const end = model.getPositionAt(match.index + match[0].length);
  return new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
}
