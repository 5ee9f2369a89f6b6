/// <reference types="vite/client" />
/**
 * The Monaco the notes editor uses: the editor core from the local package plus the few
 * contributions a markdown note needs, bundled by Vite. Nothing is fetched from a CDN (the app
 * runs offline), and the full `monaco-editor` entry is not imported: it registers every
 * language and its workers, several megabytes a note never uses.
 *
 * Only this module and the modules that import it pull Monaco in, and only the lazily loaded
 * note page imports them, so Monaco loads when a note opens.
 *
 * Monaco's modules evaluate in several tasks, not one: the core first, then the contributions
 * in a few groups, each after a turn of the event loop (top-level await; importers wait for the
 * whole). Evaluated at once, the first note of a session was one task of 130–175 ms (V8
 * compiling what evaluation runs, bench:open's "while working" steps); in groups the longest is
 * ~60–90 ms. A contribution registers itself as it is evaluated, and the editor is created only
 * after this module has finished, so every one is in place before the first editor.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
// The exports map appends `.js` to every subpath, so CSS goes through the `esm/vs` alias.
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css';

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

// Markdown needs no language worker; the editor worker (diffs, word ranges) is the only one,
// bundled as a file of the app (CSP worker-src 'self').
window.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** A turn of the event loop: what was evaluated so far ends its task. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
await turn();
// Cursor movement, selection, typing commands: the editor is unusable without them.
await import('monaco-editor/editor/browser/coreCommands');
await turn();
await import('monaco-editor/editor/contrib/clipboard/browser/clipboard');
await import('monaco-editor/editor/contrib/contextmenu/browser/contextmenu');
await import('monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo');
await turn();
await import('monaco-editor/features/find/register');
await turn();
await import('monaco-editor/editor/contrib/linesOperations/browser/linesOperations');
await import('monaco-editor/editor/contrib/multicursor/browser/multicursor');
await import('monaco-editor/editor/contrib/wordOperations/browser/wordOperations');
// Ctrl+M makes Tab move focus out of the editor, so keyboard users are not trapped in it.
await import('monaco-editor/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode');
await turn();
// The suggest widget, for @mentions of members in the text (note-mention-completion.ts).
await import('monaco-editor/editor/contrib/suggest/browser/suggestController');
await turn();
// "Cannot edit in read-only editor" for commenters and viewers.
await import('monaco-editor/editor/contrib/readOnlyMessage/browser/contribution');
await import('monaco-editor/editor/common/standaloneStrings');
await import('monaco-editor/languages/definitions/markdown/register');

export { monaco };
