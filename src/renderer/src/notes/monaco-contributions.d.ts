// Monaco's contribution modules, imported for their side effects (monaco-setup.ts): they export
// nothing the app uses, and the package ships no declarations for these subpaths.
declare module 'monaco-editor/editor/browser/coreCommands';
declare module 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
declare module 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
declare module 'monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo';
declare module 'monaco-editor/features/find/register';
declare module 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
declare module 'monaco-editor/editor/contrib/multicursor/browser/multicursor';
declare module 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations';
declare module 'monaco-editor/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode';
declare module 'monaco-editor/editor/contrib/suggest/browser/suggestController';
declare module 'monaco-editor/editor/contrib/readOnlyMessage/browser/contribution';
declare module 'monaco-editor/editor/common/standaloneStrings';
declare module 'monaco-editor/languages/definitions/markdown/register';
