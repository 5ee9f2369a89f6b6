/**
 * A notebook's light form: the whole notebook minus its large outputs, each replaced by a
 * `deferred` entry (model.ts) that says what it is, how big, and its content's fingerprint. A
 * reader gets this first — cells, sources, execution counts, small outputs — and fetches a large
 * output by its fingerprint only when its cell is drawn, so a notebook of 50 MB of plots opens
 * with a few hundred KB. Cell identity, thread placement and the diff work on the light form as
 * on the full one: outputs compare equal exactly when their content does (execution count
 * aside, as sameCell and the diff already ignore it).
 *
 * Pure: the hash function is passed in (sha256 in the host).
 */
import type { Notebook, NotebookOutput } from './model.ts';

/** Outputs with more characters of content than this are deferred. */
export const OUTPUT_INLINE_CHARS = 16 * 1024;

export interface LightNotebook {
  notebook: Notebook;
  /** fingerprint → the full output (execution count as in its first occurrence). */
  outputs: Map<string, Exclude<NotebookOutput, { kind: 'deferred' }>>;
}

/**
 * The light form of `nb` and its deferred outputs by fingerprint. `hash` maps text to a hex
 * digest (sha256); `limit` is the most characters an output may have and stay inline.
 */
export function lightenNotebook(nb: Notebook, hash: (text: string) => string, limit = OUTPUT_INLINE_CHARS): LightNotebook {
  const outputs: LightNotebook['outputs'] = new Map();
  const cells = nb.cells.map((cell) => {
    if (cell.outputs.length === 0) return cell;
    let changed = false;
    const light = cell.outputs.map((o): NotebookOutput => {
      if (o.kind === 'deferred') return o;
      const chars = contentChars(o);
      if (chars <= limit) return o;
      changed = true;
      const fingerprint = hash(outputContent(o));
      if (!outputs.has(fingerprint)) outputs.set(fingerprint, o);
      return {
        kind: 'deferred',
        of: o.kind,
        fingerprint,
        chars,
        mimes: o.kind === 'display' ? Object.keys(o.data).sort() : o.kind === 'stream' ? [o.name] : [o.ename],
        lines: o.kind === 'stream' ? lineCount(o.text) : o.kind === 'error' ? o.traceback.reduce((n, t) => n + lineCount(t), 0) : 0,
        executionCount: o.kind === 'display' ? o.executionCount : null,
        result: o.kind === 'display' && o.result,
      };
    });
    return changed ? { ...cell, outputs: light } : cell;
  });
  return { notebook: { ...nb, cells }, outputs };
}

/** Characters of an output's content (what makes it large). */
function contentChars(o: Exclude<NotebookOutput, { kind: 'deferred' }>): number {
  if (o.kind === 'stream') return o.text.length;
  if (o.kind === 'error') return o.ename.length + o.evalue.length + o.traceback.reduce((n, t) => n + t.length, 0);
  let n = 0;
  for (const v of Object.values(o.data)) n += typeof v === 'string' ? v.length : (JSON.stringify(v) ?? '').length;
  return n;
}

/** The text a fingerprint is taken of: the output's kind and content, keys sorted, no execution count. */
export function outputContent(o: Exclude<NotebookOutput, { kind: 'deferred' }>): string {
  if (o.kind === 'stream') return stable(['stream', o.name, o.text]);
  if (o.kind === 'error') return stable(['error', o.ename, o.evalue, o.traceback]);
  return stable(['display', o.result, o.data]);
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** JSON with object keys sorted, so the same content written in another key order is equal. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : val,
  );
}
