/**
 * Anchors: a range of a note's Y.Text that stays on the same words while people edit around
 * and inside it, concurrently or not.
 *
 * An index would drift the moment someone types above the range, so an anchor holds two
 * Y.RelativePositions instead (Yjs docs, "Relative Positions"): each names a character by its
 * CRDT item id, which every replica shares and no edit renumbers.
 * - `start` names the range's first character (assoc 0: it sticks to the character on its
 *   right), so text typed just before the range stays outside it.
 * - `end` names the range's last character (assoc -1: it sticks to the character on its left),
 *   so text typed just after the range stays outside it too.
 * Text typed inside the range grows it. When a named character is deleted, Yjs resolves the
 * position to where that character was; once every character of the range is gone, start and
 * end meet and the anchor resolves to null ("the text was removed").
 *
 * Undo is the exception that must read the same in every window: Yjs' UndoManager puts deleted
 * words back as new characters and links the old ones to them (`Item.redone`) only in the window
 * that undid; Yjs follows that link by default, so that window re-anchored while the others said
 * "removed". So positions are resolved without following it, everywhere, and when the range is
 * gone the anchor looks for its quote in the text, nearest to where the words were: the words an
 * undo restored are found again, by every window alike.
 */
import * as Y from 'yjs';
import type { NoteAnchor } from './schema.ts';

/** Longest quote kept on an anchor (the schema allows 2000 characters). */
const MAX_QUOTE = 2000;

/**
 * Makes an anchor for `length` characters of `text` from `index` (both in UTF-16 code units,
 * as Monaco offsets and `Y.Text` indices are). `quote` is that text as it reads now, cut to
 * 2000 characters with "…", for when the words are later deleted.
 * Throws a RangeError for an empty range or one outside the text.
 */
export function createNoteAnchor(text: Y.Text, index: number, length: number): NoteAnchor {
  if (!Number.isInteger(index) || !Number.isInteger(length) || index < 0 || length < 1 || index + length > text.length) {
    throw new RangeError(`createNoteAnchor: range ${index}+${length} is not inside a text of ${text.length} characters`);
  }
  const start = Y.createRelativePositionFromTypeIndex(text, index, 0);
  const end = Y.createRelativePositionFromTypeIndex(text, index + length, -1);
  const words = text.toString().slice(index, index + length);
  return {
    start: Y.relativePositionToJSON(start) as Record<string, unknown>,
    end: Y.relativePositionToJSON(end) as Record<string, unknown>,
    quote: words.length > MAX_QUOTE ? `${words.slice(0, MAX_QUOTE - 1)}…` : words,
  };
}

/** Where an anchor's words are now. */
export interface ResolvedAnchor {
  /** UTF-16 offset of the first character, in the text as it is now. */
  index: number;
  /** Number of UTF-16 code units, at least 1. */
  length: number;
}

/**
 * Finds where an anchor's words are in `text` now: their index and length, or null when all
 * of them were deleted, when the anchor names characters this replica has not received yet,
 * or when it belongs to another text (anchors come from other clients; a bad one is not an
 * error, just nowhere).
 */
export function resolveNoteAnchor(text: Y.Text, anchor: Pick<NoteAnchor, 'start' | 'end'> & { quote?: string }): ResolvedAnchor | null {
  const doc = text.doc;
  if (!doc) return null;
  const start = absolute(anchor.start, doc, text);
  const end = absolute(anchor.end, doc, text);
  if (start !== null && end !== null && end > start) return { index: start, length: end - start };
  if (start === null || !anchor.quote) return null;
  return nearestQuote(text.toString(), anchor.quote, start);
}

/** The occurrence of `quote` in `content` nearest to `near` (ties: the earlier), or null. */
function nearestQuote(content: string, quote: string, near: number): ResolvedAnchor | null {
  let best: number | null = null;
  for (let at = content.indexOf(quote); at >= 0; at = content.indexOf(quote, at + 1)) {
    if (best === null || Math.abs(at - near) < Math.abs(best - near)) best = at;
  }
  return best === null ? null : { index: best, length: quote.length };
}

function absolute(json: Record<string, unknown>, doc: Y.Doc, text: Y.Text): number | null {
  try {
    // false: do not follow `redone` links, which only the window that undid has (see the header).
    const position = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc, false);
    return position !== null && position.type === text ? position.index : null;
  } catch {
    // A malformed position from another client (wrong field types) throws inside Yjs.
    return null;
  }
}
