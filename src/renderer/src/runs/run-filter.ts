/**
 * The runs table's filter bar: a small query language close to MLflow's search syntax, so
 * people who know `metrics.rmse < 0.8 and params.model = "tree"` can type that, and shorter:
 *
 *   lr > 0.01            a bare name is a metric, else a param, else a tag any run has
 *   status = failed      attributes: name, status, experiment, source
 *   tags.team = vision   prefixes pick the kind: params. / metrics. / tags. / attributes.
 *   name ~ resnet        ~ is "contains" (case-insensitive)
 *   resnet               words without an operator search run names and experiments
 *   metrics.`val loss` < 1   quotes (", ' or `) for names or values with spaces
 *
 * Conditions are ANDed ("and" between them is optional). The parser never throws: what it cannot
 * read becomes a problem with its offset, and the conditions it could read still apply.
 */
import { RUN_STATUSES, type RunSummaryRecord } from '../../../core/workspace';

export type FilterField =
  | { kind: 'attribute'; name: 'name' | 'status' | 'experiment' | 'source' }
  | { kind: 'param'; key: string }
  | { kind: 'metric'; key: string }
  | { kind: 'tag'; key: string };

export const FILTER_OPS = ['>=', '<=', '!=', '=', '>', '<', '~'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export type FilterClause =
  | { kind: 'compare'; field: FilterField; op: FilterOp; value: string }
  | { kind: 'text'; text: string };

export interface FilterProblem {
  /** Offset in the typed text where the problem starts. */
  at: number;
  message: string;
}

export interface ParsedFilter {
  clauses: FilterClause[];
  problems: FilterProblem[];
}

/** The names runs have, so a bare name can be told apart (and a typo explained). */
export interface FilterVocabulary {
  params: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
  tags: ReadonlySet<string>;
}

const ATTRIBUTES = ['name', 'status', 'experiment', 'source'] as const;
const PREFIXES: Record<string, 'param' | 'metric' | 'tag' | 'attribute'> = {
  'params.': 'param', 'param.': 'param', 'metrics.': 'metric', 'metric.': 'metric',
  'tags.': 'tag', 'tag.': 'tag', 'attributes.': 'attribute', 'attribute.': 'attribute',
};
const QUOTES = new Set(['"', "'", '`']);
const OP_CHARS = new Set(['=', '!', '<', '>', '~']);

/** Reads `text` into conditions; never throws (see the file header). */
export function parseRunFilter(text: string, vocab: FilterVocabulary): ParsedFilter {
  const clauses: FilterClause[] = [];
  const problems: FilterProblem[] = [];
  const s = new Scanner(text);
  while (s.skipSpace()) {
    const start = s.pos;
    if (OP_CHARS.has(s.peek())) {
      const op = s.readRun(OP_CHARS);
      problems.push({ at: start, message: `"${op}" needs a name before it, as in lr > 0.01` });
      s.skipSpace();
      s.readWord(); // skip its value
      continue;
    }
    const word = s.readWord();
    if (word.problem) {
      problems.push({ at: start, message: word.problem });
      continue;
    }
    s.skipSpace();
    const opAt = s.pos;
    const opText = s.readRun(OP_CHARS);
    const op = (FILTER_OPS as readonly string[]).includes(opText) ? (opText as FilterOp) : null;
    if (op === null && opText !== '') {
      problems.push({ at: opAt, message: `"${opText}" is not an operator; use one of ${FILTER_OPS.join(' ')}` });
      s.skipSpace();
      s.readWord();
      continue;
    }
    if (op === null) {
      s.pos = opAt;
      const lower = word.text.toLowerCase();
      if (!word.quoted && lower === 'and') continue;
      if (!word.quoted && lower === 'or') {
        problems.push({ at: start, message: 'only AND is supported: every condition must hold (use two filters to see either)' });
        continue;
      }
      clauses.push({ kind: 'text', text: word.text });
      continue;
    }
    s.skipSpace();
    const valueAt = s.pos;
    const value = s.atEnd() ? null : s.readWord();
    if (value === null || value.text === '' && !value.quoted) {
      problems.push({ at: valueAt, message: `${word.text} ${op}: a value is missing after "${op}"` });
      continue;
    }
    if (value.problem) {
      problems.push({ at: valueAt, message: value.problem });
      continue;
    }
    const field = resolveField(word.text, vocab);
    if (field.kind === 'problem') {
      problems.push({ at: start, message: field.message });
      continue;
    }
    const wrong = checkClause(field, op, value.text);
    if (wrong) problems.push({ at: start, message: `${word.text} ${op} ${value.text}: ${wrong}` });
    else clauses.push({ kind: 'compare', field, op, value: field.kind === 'attribute' && field.name === 'status' ? value.text.toLowerCase() : value.text });
  }
  return { clauses, problems };
}

function resolveField(name: string, vocab: FilterVocabulary): FilterField | { kind: 'problem'; message: string } {
  const prefix = Object.keys(PREFIXES).find((p) => name.toLowerCase().startsWith(p));
  if (prefix) {
    const key = name.slice(prefix.length);
    const kind = PREFIXES[prefix]!;
    if (key === '') return { kind: 'problem', message: `"${name}" needs a name after the dot, as in ${prefix}lr` };
    if (kind !== 'attribute') return { kind, key };
    const attr = ATTRIBUTES.find((a) => a === key.toLowerCase());
    return attr ? { kind: 'attribute', name: attr } : { kind: 'problem', message: `"${key}" is not an attribute; attributes are ${ATTRIBUTES.join(', ')}` };
  }
  const attr = ATTRIBUTES.find((a) => a === name.toLowerCase());
  // A metric or param literally called "name" or "status" still needs its prefix.
  if (attr) return { kind: 'attribute', name: attr };
  if (vocab.metrics.has(name)) return { kind: 'metric', key: name };
  if (vocab.params.has(name)) return { kind: 'param', key: name };
  if (vocab.tags.has(name)) return { kind: 'tag', key: name };
  const near = closest(name, [...vocab.metrics, ...vocab.params, ...vocab.tags, ...ATTRIBUTES]);
  return {
    kind: 'problem',
    message: `no run has a metric, param or tag "${name}"${near ? ` — did you mean ${near}?` : ''} (write params.${name} to filter on it anyway)`,
  };
}

function checkClause(field: FilterField, op: FilterOp, value: string): string | null {
  if (field.kind === 'metric') {
    if (op === '~') return 'metrics are numbers; use =, !=, <, <=, > or >=';
    if (!isNumber(value)) return `metric values are numbers and "${value}" is not one`;
  }
  if ((field.kind === 'attribute' || field.kind === 'tag') && !['=', '!=', '~'].includes(op)) {
    return `${field.kind === 'tag' ? 'tags' : field.name} can be compared with =, != or ~ (contains)`;
  }
  if (field.kind === 'attribute' && field.name === 'status' && op !== '~' && !(RUN_STATUSES as readonly string[]).includes(value.toLowerCase())) {
    return `a status is one of ${RUN_STATUSES.join(', ')}`;
  }
  return null;
}

/** Whether `run` meets every clause. A run without the named param, metric or tag never matches. */
export function matchesRunFilter(run: RunSummaryRecord, clauses: readonly FilterClause[]): boolean {
  return clauses.every((c) => (c.kind === 'text' ? matchesText(run, c.text) : matchesCompare(run, c)));
}

function matchesText(run: RunSummaryRecord, text: string): boolean {
  const needle = text.toLowerCase();
  return run.name.toLowerCase().includes(needle) || run.experiment.toLowerCase().includes(needle);
}

function matchesCompare(run: RunSummaryRecord, c: Extract<FilterClause, { kind: 'compare' }>): boolean {
  const f = c.field;
  const actual = f.kind === 'attribute' ? run[f.name] : f.kind === 'metric' ? run.metrics[f.key] : f.kind === 'param' ? run.params[f.key] : run.tags?.[f.key];
  if (actual === undefined) return false;
  if (c.op === '~') return String(actual).toLowerCase().includes(c.value.toLowerCase());
  const numeric = typeof actual === 'number' || (isNumber(actual) && isNumber(c.value));
  const order = numeric ? Math.sign(Number(actual) - Number(c.value)) : f.kind === 'attribute' && f.name === 'status' ? (actual === c.value ? 0 : 1) : compareText(String(actual), c.value);
  switch (c.op) {
    case '=': return order === 0;
    case '!=': return order !== 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
  }
}

const compareText = (a: string, b: string) => Math.sign(a.localeCompare(b, undefined, { numeric: true }));

export function isNumber(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

/** The name within edit distance 2 of `name`, if one is clearly closest. */
function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  /** Skips whitespace; false at the end. */
  skipSpace(): boolean {
    while (/\s/.test(this.peek()) && !this.atEnd()) this.pos++;
    return !this.atEnd();
  }
  readRun(chars: Set<string>): string {
    const start = this.pos;
    while (!this.atEnd() && chars.has(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** A name or value: bare characters and quoted parts, up to a space or an operator. */
  readWord(): { text: string; quoted: boolean; problem?: string } {
    let out = '';
    let quoted = false;
    while (!this.atEnd() && !/\s/.test(this.peek()) && !OP_CHARS.has(this.peek())) {
      const ch = this.peek();
      if (QUOTES.has(ch)) {
        const end = this.text.indexOf(ch, this.pos + 1);
        if (end < 0) {
          const problem = `the quote ${ch} at ${this.pos + 1} is not closed`;
          this.pos = this.text.length;
          return { text: out, quoted: true, problem };
        }
        out += this.text.slice(this.pos + 1, end);
        quoted = true;
        this.pos = end + 1;
      } else {
        out += ch;
        this.pos++;
      }
    }
    return { text: out, quoted };
  }
}
