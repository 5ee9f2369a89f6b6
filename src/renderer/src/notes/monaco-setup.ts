/// <reference types="vite/client" />
/**
 * The Monaco the notes editor uses: the editor core from the local package plus the few
 * contributions a markdown note needs, bundled by Vite. Nothing is fetched from a CDN (the app
 * runs offline), and the full `monaco-editor` entry is not imported: it registers every
 * language and its workers, several megabytes a note never uses.
 *
 * Only this module and the modules that import it pull Monaco in, and only the lazily loaded
 * note page imports them, so Monaco loads when a note opens.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
// Cursor movement, selection, typing commands: the editor is unusable without them.
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
import 'monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo';
import 'monaco-editor/features/find/register';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
import 'monaco-editor/editor/contrib/multicursor/browser/multicursor';
import 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations';
// Ctrl+M makes Tab move focus out of the editor, so keyboard users are not trapped in it.
import 'monaco-editor/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode';
// The suggest widget, for @mentions of members in the text (note-mention-completion.ts).
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
// "Cannot edit in read-only editor" for commenters and viewers.
import 'monaco-editor/editor/contrib/readOnlyMessage/browser/contribution';
import 'monaco-editor/editor/common/standaloneStrings';
// The exports map appends `.js` to every subpath, so CSS goes through the `esm/vs` alias.
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-editor/languages/definitions/markdown/register';

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

// Markdown needs no language worker; the editor worker (diffs, word ranges) is the only one,
// bundled as a file of the app (CSP worker-src 'self').
window.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
