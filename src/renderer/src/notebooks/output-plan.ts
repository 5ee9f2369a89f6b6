/**
 * How one notebook output is shown, decided without the DOM (so it is unit-tested): the richest
 * MIME type the page can show safely, in Jupyter's order of preference, and what to do with
 * outputs too large to draw at once.
 *
 * Safety comes from the form, not from filtering alone:
 * - images (PNG, JPEG, GIF, and SVG) are `<img src="data:…">`: an image never runs script,
 *   SVG `onload` included, and the CSP allows `data:` images only;
 * - HTML (pandas tables) is sanitised by DOMPurify before it is added (notebook-html.ts);
 * - JavaScript, widgets and anything else executable are never shown: the plain-text
 *   alternative is, with a note.
 */
import { type NotebookOutput, RASTER_MIMES } from '../../../core/notebook';

/** An output with its content (a `deferred` one is fetched first: lazy-output.tsx). */
export type FullOutput = Exclude<NotebookOutput, { kind: 'deferred' }>;

/** Images bigger than this (base64 characters) wait for a click: a 20 MB plot would stall scrolling. */
export const IMAGE_INLINE_LIMIT = 8 * 1024 * 1024;
/** Text outputs longer than this show their start and a "show all" (a training log can be megabytes). */
export const TEXT_INLINE_LIMIT = 100_000;
/** HTML outputs longer than this are sanitised only on request. */
export const HTML_INLINE_LIMIT = 2 * 1024 * 1024;

export type OutputPlan =
  | { kind: 'stream'; name: string; text: string; truncated: boolean }
  | { kind: 'error'; ename: string; evalue: string; traceback: string; truncated: boolean }
  | { kind: 'image'; mime: string; src: string; bytes: number; deferred: boolean }
  | { kind: 'html'; html: string; deferred: boolean }
  | { kind: 'markdown'; source: string }
  | { kind: 'latex'; source: string }
  | { kind: 'json'; text: string; truncated: boolean }
  | { kind: 'text'; text: string; truncated: boolean; note?: string };

/** MIME types that would need script to show: never run, said so. */
const EXECUTABLE = ['application/javascript', 'text/javascript', 'application/vnd.jupyter.widget-view+json', 'application/vnd.bokehjs_exec.v0+json', 'application/vnd.holoviews_exec.v0+json'];

/** The plan for one output (see the file header). */
export function planOutput(output: FullOutput): OutputPlan {
  if (output.kind === 'stream') {
    const [text, truncated] = cap(output.text);
    return { kind: 'stream', name: output.name, text, truncated };
  }
  if (output.kind === 'error') {
    const [traceback, truncated] = cap(output.traceback.join('\n'));
    return { kind: 'error', ename: output.ename, evalue: output.evalue, traceback, truncated };
  }
  const data = output.data;
  const str = (mime: string) => (typeof data[mime] === 'string' ? (data[mime] as string) : undefined);
  for (const mime of RASTER_MIMES) {
    const b64 = str(mime);
    if (b64 !== undefined) {
      const clean = b64.replace(/\s+/g, '');
      if (/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return { kind: 'image', mime, src: `data:${mime};base64,${clean}`, bytes: clean.length, deferred: clean.length > IMAGE_INLINE_LIMIT };
    }
  }
  const svg = str('image/svg+xml');
  if (svg !== undefined) {
    // As an image: whatever script or handler the SVG holds cannot run.
    const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    return { kind: 'image', mime: 'image/svg+xml', src, bytes: svg.length, deferred: svg.length > IMAGE_INLINE_LIMIT };
  }
  const html = str('text/html');
  if (html !== undefined) return { kind: 'html', html, deferred: html.length > HTML_INLINE_LIMIT };
  const md = str('text/markdown');
  if (md !== undefined) return { kind: 'markdown', source: md };
  const latex = str('text/latex');
  if (latex !== undefined) return { kind: 'latex', source: latex };
  const json = Object.keys(data).find((m) => m === 'application/json' || (m.endsWith('+json') && !EXECUTABLE.includes(m)));
  if (json !== undefined) {
    const [text, truncated] = cap(JSON.stringify(data[json], null, 2) ?? 'null');
    return { kind: 'json', text, truncated };
  }
  const plain = str('text/plain');
  const hidden = Object.keys(data).filter((m) => EXECUTABLE.includes(m));
  const note = hidden.length > 0 ? `${hidden.join(', ')} output is not run here (scripts from notebooks never run)` : undefined;
  const [text, truncated] = cap(plain ?? '');
  return { kind: 'text', text, truncated, ...(note ? { note } : plain === undefined ? { note: `no output Driftdesk can show (${Object.keys(data).join(', ') || 'empty'})` } : {}) };
}

function cap(text: string): [string, boolean] {
  return text.length > TEXT_INLINE_LIMIT ? [text.slice(0, TEXT_INLINE_LIMIT), true] : [text, false];
}

/** A rough height (px) of a cell before it is drawn, so the scrollbar is about right. */
export function estimateCellHeight(source: string, outputs: readonly NotebookOutput[]): number {
  let h = 48 + 19 * Math.min(400, source.split('\n').length);
  for (const o of outputs) {
    if (o.kind === 'stream') h += 19 * Math.min(60, o.text.split('\n').length);
    else if (o.kind === 'error') h += 19 * Math.min(60, o.traceback.join('\n').split('\n').length);
    else if (o.kind === 'deferred') h += o.of !== 'display' ? 19 * Math.min(60, o.lines) : o.mimes.some((m) => m.startsWith('image/')) ? 300 : o.mimes.includes('text/html') ? 200 : 40;
    else h += 'image/png' in o.data || 'image/jpeg' in o.data || 'image/svg+xml' in o.data ? 300 : 'text/html' in o.data ? 200 : 40;
  }
  return h;
}
