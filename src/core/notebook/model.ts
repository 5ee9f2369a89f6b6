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
    }
  /**
   * A large output left out of a notebook's light form (light.ts): what it is, how big, and its
   * fingerprint, by which the reader fetches it when its cell is drawn. Equal content has an
   * equal fingerprint, so comparing versions needs no fetch.
   */
  | {
      kind: 'deferred';
      of: 'stream' | 'error' | 'display';
      /** sha256 (hex) of the output's content, execution count aside. */
      fingerprint: string;
      /** Characters of content (a base64 image's length, a stream's text). */
      chars: number;
      /** A display output's MIME types (sorted); a stream's name; an error's ename. */
      mimes: string[];
      /** Lines of text (streams, tracebacks), for a height before it is drawn. */
      lines: number;
      executionCount: number | null;
      result: boolean;
    };

/** Image types drawn as images, in Jupyter's order of preference (first found wins). */
export const RASTER_MIMES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

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
