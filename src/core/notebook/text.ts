/**
 * The words of a notebook for search: its cells' sources and its text outputs (not images or
 * HTML markup), bounded so a notebook with megabytes of printed logs does not swamp the index.
 */
import type { Notebook } from './model.ts';

/** Most characters of searchable text taken from one notebook. */
export const SEARCH_TEXT_LIMIT = 200_000;

/** Text to index for `notebook`: sources, stream text and plain-text results, up to `limit` characters. */
export function notebookSearchText(notebook: Pick<Notebook, 'cells'>, limit = SEARCH_TEXT_LIMIT): string {
  const parts: string[] = [];
  let size = 0;
  const take = (s: string) => {
    if (size >= limit || !s) return;
    const piece = s.slice(0, limit - size);
    parts.push(piece);
    size += piece.length + 1;
  };
  for (const cell of notebook.cells) {
    take(cell.source);
    for (const o of cell.outputs) {
      if (o.kind === 'stream') take(o.text.slice(0, 2000));
      else if (o.kind === 'error') take(`${o.ename}: ${o.evalue}`);
      else if (o.kind === 'display' && typeof o.data['text/plain'] === 'string') take((o.data['text/plain'] as string).slice(0, 2000));
    }
  }
  return parts.join('\n');
}

/** A cell's first non-empty line, shortened: how a cell is named in lists and thread headers. */
export function cellHeadline(source: string, max = 80): string {
  const line = source.split('\n').find((l) => l.trim() !== '')?.trim() ?? '(empty cell)';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** What a version record says of a parsed notebook (the doc's `notebookVersions` fields). */
export function summarizeNotebook(notebook: Notebook, excerptMax = 8000): { nbformat: string; cellCount: number; notes: string[]; excerpt: string } {
  return {
    nbformat: `${notebook.nbformat}.${notebook.nbformatMinor}`,
    cellCount: notebook.cells.length,
    notes: notebook.notes.slice(0, 10).map((n) => n.slice(0, 500)),
    excerpt: notebookSearchText(notebook, excerptMax),
  };
}
