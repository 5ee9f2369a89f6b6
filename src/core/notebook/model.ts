/**
 * The notebook as Driftdesk reads it: nbformat 4 (and 3, converted on read) normalised into
 * plain data, so the page, the diff and thread placement never see multiline-string arrays,
 * v3 worksheets or missing fields.
 */

/** One output of a code cell. `display` covers nbformat's `display_data` and `execute_result`. */
export type NotebookOutput =
  | { kind: 'stream'; name: string; text: string }
  | { kind: 'error'; ename: string; evalue: string; traceback: string[] }
  | {
      kind: 'display';
      /** MIME type → value: text for text types (joined), the parsed JSON for JSON types. */
      data: Record<string, unknown>;
      /** Set for an `execute_result` (the `Out[n]` of a cell). */
      executionCount: number | null;
      result: boolean;
    };

export type CellKind = 'code' | 'markdown' | 'raw';

export interface NotebookCell {
  /** nbformat 4.5 cell id; null in older files (identity then falls back to content). */
  id: string | null;
  kind: CellKind;
  source: string;
  executionCount: number | null;
  outputs: NotebookOutput[];
  metadata: Record<string, unknown>;
  /** Markdown attachments (`attachment:name` links): name → MIME type → base64. */
  attachments: Record<string, Record<string, string>>;
}

export interface Notebook {
  nbformat: number;
  nbformatMinor: number;
  /** The kernel's language (`python` when the file does not say), for highlighting. */
  language: string;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
  /** Things a reader should know about how the file was read (an nbformat 3 conversion, say). */
  notes: string[];
}
