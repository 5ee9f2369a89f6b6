/**
 * Reads an `.ipynb` file (bytes) into a Notebook. nbformat 4 is read as it is (4.0–4.5: cell ids
 * from 4.5); nbformat 3 (one worksheet, `input`/`prompt_number`, `pyout`/`pyerr`, heading cells)
 * is converted the way nbformat's own v3→v4 conversion does, with a note saying so.
 *
 * A notebook comes from anyone, so every field is checked before it is used, and an error says
 * which file, what is wrong and where (a line and column for broken JSON, a JSON path such as
 * `cells[3].outputs[0]` for a wrong shape). Unknown fields are ignored, as Jupyter does.
 */
import type { CellKind, Notebook, NotebookCell, NotebookOutput } from './model.ts';

// src/core has no DOM or Node types; TextDecoder exists in both runtimes.
declare const TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(input: Uint8Array): string };

/** Why a file is not a notebook Driftdesk can read. `code` is for programs, the message for people. */
export class NotebookParseError extends Error {
  override readonly name = 'NotebookParseError';
  constructor(
    readonly file: string,
    readonly code: 'not_utf8' | 'not_json' | 'bad_shape' | 'unsupported_version',
    readonly what: string,
    readonly where: string,
  ) {
    super(`${file}${where ? `, ${where}` : ''}: ${what}`);
  }
}

type Json = Record<string, unknown>;

/**
 * Parses a notebook file. `file` names it in errors. Throws NotebookParseError when the bytes are
 * not UTF-8, not JSON, or not shaped like nbformat 3 or 4.
 */
export function parseNotebook(bytes: Uint8Array, file: string): Notebook {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NotebookParseError(file, 'not_utf8', 'not UTF-8 text (is it a notebook?)', '');
  }
  return parseNotebookText(text, file);
}

/** As parseNotebook, from text already decoded. */
export function parseNotebookText(text: string, file: string): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new NotebookParseError(file, 'not_json', `not valid JSON (${jsonReason(err)})`, jsonWhere(text, err));
  }
  const r = new Reader(file);
  const root = r.object(json, '');
  const major = root.nbformat;
  if (typeof major !== 'number') throw r.fail('bad_shape', 'no "nbformat" number: not a Jupyter notebook', 'nbformat');
  if (major === 4) return readV4(r, root);
  if (major === 3) return readV3(r, root);
  throw r.fail('unsupported_version', `nbformat ${major} is not supported (only 3 and 4)`, 'nbformat');
}

class Reader {
  constructor(readonly file: string) {}
  fail(code: NotebookParseError['code'], what: string, where: string): NotebookParseError {
    return new NotebookParseError(this.file, code, what, where);
  }
  object(v: unknown, where: string): Json {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw this.fail('bad_shape', `expected an object, found ${typeName(v)}`, where || '(top level)');
    return v as Json;
  }
  optObject(v: unknown, where: string): Json {
    return v === undefined ? {} : this.object(v, where);
  }
  array(v: unknown, where: string): unknown[] {
    if (!Array.isArray(v)) throw this.fail('bad_shape', `expected a list, found ${typeName(v)}`, where);
    return v;
  }
  /** nbformat's multiline string: a string, or a list of strings joined as they are. */
  text(v: unknown, where: string, optional = false): string {
    if (v === undefined && optional) return '';
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.join('');
    throw this.fail('bad_shape', `expected text (a string or a list of strings), found ${typeName(v)}`, where);
  }
  count(v: unknown, where: string): number | null {
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw this.fail('bad_shape', `expected an execution count (a whole number or null), found ${typeName(v)}`, where);
  }
}

function readV4(r: Reader, root: Json): Notebook {
  const minor = typeof root.nbformat_minor === 'number' ? root.nbformat_minor : 0;
  const metadata = r.optObject(root.metadata, 'metadata');
  const cells = r.array(root.cells, 'cells').map((c, i) => readCellV4(r, c, `cells[${i}]`));
  const notes: string[] = [];
  const withoutId = cells.filter((c) => c.id === null).length;
  if (withoutId > 0) notes.push(`${withoutId} of ${cells.length} cells have no id (nbformat before 4.5): comments follow them by content`);
  return { nbformat: 4, nbformatMinor: minor, language: language(metadata), metadata, cells, notes };
}

function readCellV4(r: Reader, raw: unknown, at: string): NotebookCell {
  const c = r.object(raw, at);
  const kind = c.cell_type;
  if (kind !== 'code' && kind !== 'markdown' && kind !== 'raw') throw r.fail('bad_shape', `unknown cell_type ${JSON.stringify(kind)} (expected code, markdown or raw)`, `${at}.cell_type`);
  const id = c.id === undefined || c.id === null ? null : c.id;
  if (id !== null && (typeof id !== 'string' || id.length === 0 || id.length > 64)) throw r.fail('bad_shape', 'a cell id must be text of 1 to 64 characters', `${at}.id`);
  const cell: NotebookCell = {
    id,
    kind,
    source: r.text(c.source, `${at}.source`),
    executionCount: kind === 'code' ? r.count(c.execution_count, `${at}.execution_count`) : null,
    outputs: kind === 'code' ? r.array(c.outputs ?? [], `${at}.outputs`).map((o, j) => readOutputV4(r, o, `${at}.outputs[${j}]`)) : [],
    metadata: r.optObject(c.metadata, `${at}.metadata`),
    attachments: readAttachments(r, c.attachments, `${at}.attachments`),
  };
  return cell;
}

function readOutputV4(r: Reader, raw: unknown, at: string): NotebookOutput {
  const o = r.object(raw, at);
  switch (o.output_type) {
    case 'stream':
      return { kind: 'stream', name: typeof o.name === 'string' ? o.name : 'stdout', text: r.text(o.text, `${at}.text`) };
    case 'error':
      return {
        kind: 'error',
        ename: typeof o.ename === 'string' ? o.ename : 'Error',
        evalue: typeof o.evalue === 'string' ? o.evalue : '',
        traceback: r.array(o.traceback ?? [], `${at}.traceback`).map((t, k) => r.text(t, `${at}.traceback[${k}]`)),
      };
    case 'display_data':
    case 'execute_result':
      return {
        kind: 'display',
        data: readMimeBundle(r, o.data, `${at}.data`),
        executionCount: o.output_type === 'execute_result' ? r.count(o.execution_count, `${at}.execution_count`) : null,
        result: o.output_type === 'execute_result',
      };
    default:
      throw r.fail('bad_shape', `unknown output_type ${JSON.stringify(o.output_type)} (expected stream, error, display_data or execute_result)`, `${at}.output_type`);
  }
}

/** JSON MIME types hold JSON as it is; every other type holds (multiline) text. */
function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

function readMimeBundle(r: Reader, raw: unknown, at: string): Record<string, unknown> {
  const bundle = r.optObject(raw, at);
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) out[mime] = isJsonMime(mime) ? value : r.text(value, `${at}["${mime}"]`);
  return out;
}

function readAttachments(r: Reader, raw: unknown, at: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, bundle] of Object.entries(r.optObject(raw, at))) {
    const b = r.object(bundle, `${at}["${name}"]`);
    out[name] = Object.fromEntries(Object.entries(b).map(([mime, v]) => [mime, r.text(v, `${at}["${name}"]["${mime}"]`)]));
  }
  return out;
}

/** nbformat 3 output keys → MIME types (nbformat/v4/convert.py's `_mime_map`). */
const V3_MIME: Record<string, string> = {
  text: 'text/plain', html: 'text/html', svg: 'image/svg+xml', png: 'image/png', jpeg: 'image/jpeg',
  latex: 'text/latex', json: 'application/json', javascript: 'application/javascript', markdown: 'text/markdown',
};

function readV3(r: Reader, root: Json): Notebook {
  const metadata = r.optObject(root.metadata, 'metadata');
  const sheets = r.array(root.worksheets ?? [], 'worksheets');
  const cells: NotebookCell[] = [];
  sheets.forEach((s, w) => {
    const sheet = r.object(s, `worksheets[${w}]`);
    r.array(sheet.cells ?? [], `worksheets[${w}].cells`).forEach((c, i) => cells.push(readCellV3(r, c, `worksheets[${w}].cells[${i}]`)));
  });
  const notes = [`nbformat 3 file, read by converting it to nbformat 4 (as \`jupyter nbconvert --to notebook\` would); cells have no ids, so comments follow them by content`];
  if (sheets.length > 1) notes.push(`its ${sheets.length} worksheets are shown one after another`);
  return { nbformat: 3, nbformatMinor: typeof root.nbformat_minor === 'number' ? root.nbformat_minor : 0, language: language(metadata), metadata, cells, notes };
}

function readCellV3(r: Reader, raw: unknown, at: string): NotebookCell {
  const c = r.object(raw, at);
  const metadata = r.optObject(c.metadata, `${at}.metadata`);
  const base = { id: null, executionCount: null, outputs: [] as NotebookOutput[], metadata, attachments: {} };
  switch (c.cell_type) {
    case 'code':
      return {
        ...base,
        kind: 'code',
        source: r.text(c.input, `${at}.input`, true),
        executionCount: r.count(c.prompt_number, `${at}.prompt_number`),
        outputs: r.array(c.outputs ?? [], `${at}.outputs`).map((o, j) => readOutputV3(r, o, `${at}.outputs[${j}]`)),
      };
    case 'heading': {
      const level = typeof c.level === 'number' && c.level >= 1 && c.level <= 6 ? c.level : 1;
      return { ...base, kind: 'markdown', source: `${'#'.repeat(level)} ${r.text(c.source, `${at}.source`, true).replace(/\n/g, ' ')}` };
    }
    case 'markdown':
    case 'raw':
      return { ...base, kind: c.cell_type as CellKind, source: r.text(c.source, `${at}.source`, true) };
    default:
      throw r.fail('bad_shape', `unknown cell_type ${JSON.stringify(c.cell_type)} (expected code, markdown, heading or raw)`, `${at}.cell_type`);
  }
}

function readOutputV3(r: Reader, raw: unknown, at: string): NotebookOutput {
  const o = r.object(raw, at);
  switch (o.output_type) {
    case 'stream':
      return { kind: 'stream', name: typeof o.stream === 'string' ? o.stream : 'stdout', text: r.text(o.text, `${at}.text`, true) };
    case 'pyerr':
      return {
        kind: 'error', ename: typeof o.ename === 'string' ? o.ename : 'Error', evalue: typeof o.evalue === 'string' ? o.evalue : '',
        traceback: r.array(o.traceback ?? [], `${at}.traceback`).map((t, k) => r.text(t, `${at}.traceback[${k}]`)),
      };
    case 'pyout':
    case 'display_data': {
      const data: Record<string, unknown> = {};
      for (const [key, mime] of Object.entries(V3_MIME)) {
        if (o[key] !== undefined) data[mime] = isJsonMime(mime) ? o[key] : r.text(o[key], `${at}.${key}`);
      }
      const result = o.output_type === 'pyout';
      return { kind: 'display', data, executionCount: result ? r.count(o.prompt_number, `${at}.prompt_number`) : null, result };
    }
    default:
      throw r.fail('bad_shape', `unknown output_type ${JSON.stringify(o.output_type)} (expected stream, pyerr, pyout or display_data)`, `${at}.output_type`);
  }
}

function language(metadata: Json): string {
  const info = metadata.language_info as Json | undefined;
  const spec = metadata.kernelspec as Json | undefined;
  const name = (info && typeof info.name === 'string' && info.name) || (spec && typeof spec.language === 'string' && spec.language) || 'python';
  return name.toLowerCase().slice(0, 40);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v === undefined) return 'nothing';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

function jsonReason(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '').slice(0, 200);
}

/** "line L, column C" from the position V8 puts in a JSON.parse message (Node 20+). */
function jsonWhere(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  const pos = m ? Number(m[1]) : /Unexpected end/.test(String(err)) ? text.length : -1;
  if (pos < 0) return '';
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `line ${line}, column ${pos - before.lastIndexOf('\n')}`;
}
