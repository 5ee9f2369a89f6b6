/**
 * From what a person typed to an FTS5 MATCH expression, and from FTS5's marked-up snippets to
 * plain text segments.
 *
 * Typed text is never passed to FTS5 as syntax: every word becomes a quoted string (inner quotes
 * doubled), which FTS5 reads literally and runs through the tokenizer, so `"`, `*`, `:`, `-`,
 * parentheses, `NEAR`, `AND`, `OR` and `NOT` are just characters. Words are ANDed; the last one
 * is a prefix (`"dri"*`) unless the text ends in a space, so results follow as-you-type.
 * See https://sqlite.org/fts5.html#full_text_query_syntax.
 */
import type { TextSegment } from '../shared/host-contract.ts';

/** Longest query we pass on; past this a person is pasting, not searching. */
const MAX_WORDS = 16;
const MAX_WORD_LENGTH = 100;

// Control characters cannot be typed and would collide with the snippet markers below.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Start and end of a match in a snippet: characters no indexed text contains (see `plainText`). */
export const MATCH_OPEN = '\u0001';
export const MATCH_CLOSE = '\u0002';

/** Text as the index stores it: no control characters, so the snippet markers are unambiguous. */
export function plainText(text: string, maxLength = 100_000): string {
  return text.replace(CONTROL, ' ').slice(0, maxLength);
}

/**
 * The MATCH expression for a person's query, or null when it has nothing to search for (empty,
 * or only punctuation).
 */
export function ftsQuery(text: string): string | null {
  const clean = plainText(text, 2000).normalize('NFC');
  // A word with no letter or digit tokenizes to nothing, and an empty phrase matches nothing.
  const words = clean.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  const prefixLast = !/\s$/.test(clean);
  return words
    .map((w, i) => `"${w.slice(0, MAX_WORD_LENGTH).replaceAll('"', '""')}"${prefixLast && i === words.length - 1 ? '*' : ''}`)
    .join(' ');
}

/** Splits FTS5 `snippet()`/`highlight()` output made with MATCH_OPEN/MATCH_CLOSE into segments. */
export function segments(marked: string): TextSegment[] {
  const out: TextSegment[] = [];
  let match = false;
  let text = '';
  const push = () => {
    if (text) out.push({ text, match });
    text = '';
  };
  for (const ch of marked) {
    if (ch === MATCH_OPEN || ch === MATCH_CLOSE) {
      push();
      match = ch === MATCH_OPEN;
    } else text += ch;
  }
  push();
  return out;
}
