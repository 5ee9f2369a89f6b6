import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NOTE_TEXT_KEY, createNoteAnchor, resolveNoteAnchor } from './index.ts';
import type { NoteAnchor } from './index.ts';

const SENTENCE = 'the quick brown fox jumps';

/** Two replicas of one note doc that start from the same state (one sentence typed on `a`). */
function replicas(initial = SENTENCE) {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.getText(NOTE_TEXT_KEY).insert(0, initial);
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  return { a, b, ta: a.getText(NOTE_TEXT_KEY), tb: b.getText(NOTE_TEXT_KEY) };
}

/** What each replica changed since `before`, to deliver in a chosen order. */
function changesSince(doc: Y.Doc, before: Uint8Array): Uint8Array {
  return Y.encodeStateAsUpdate(doc, before);
}

function quoted(text: Y.Text, anchor: NoteAnchor): string | null {
  const at = resolveNoteAnchor(text, anchor);
  return at && text.toString().slice(at.index, at.index + at.length);
}

/** An anchor as it comes back out of the workspace doc: JSON, made on the other replica. */
function roundTrip(anchor: NoteAnchor): NoteAnchor {
  return JSON.parse(JSON.stringify(anchor)) as NoteAnchor;
}

describe('note anchors', () => {
  it('anchors a range and resolves it on another replica', () => {
    const { ta, tb } = replicas();
    const anchor = createNoteAnchor(ta, SENTENCE.indexOf('brown'), 'brown'.length);
    expect(anchor.quote).toBe('brown');
    expect(resolveNoteAnchor(tb, roundTrip(anchor))).toEqual({ index: 10, length: 5 });
  });

  // Each case: `a` anchors "brown" while `b` concurrently edits; the edits are merged in both
  // orders (a's first, then b's; and b's first), and every replica must agree on the words.
  it.each([
    {
      name: 'insert before the words',
      edit: (t: Y.Text) => t.insert(0, 'Note: '),
      expected: 'brown',
    },
    {
      name: 'insert right at the start and right at the end (stays outside)',
      edit: (t: Y.Text) => {
        t.insert(SENTENCE.indexOf('brown') + 5, ' and red');
        t.insert(SENTENCE.indexOf('brown'), 'dark ');
      },
      expected: 'brown',
    },
    {
      name: 'insert inside the words (the range grows)',
      edit: (t: Y.Text) => t.insert(SENTENCE.indexOf('brown') + 3, '-ish-'),
      expected: 'bro-ish-wn',
    },
    {
      name: 'delete around the words',
      edit: (t: Y.Text) => {
        t.delete(SENTENCE.indexOf(' fox'), ' fox jumps'.length);
        t.delete(0, 'the quick '.length);
      },
      expected: 'brown',
    },
    {
      name: 'delete the first letters of the words',
      edit: (t: Y.Text) => t.delete(SENTENCE.indexOf('brown'), 2),
      expected: 'own',
    },
    {
      name: 'delete all of the words',
      edit: (t: Y.Text) => t.delete(SENTENCE.indexOf('brown'), 'brown'.length),
      expected: null,
    },
  ])('follows the words under a concurrent edit: $name', ({ edit, expected }) => {
    const { a, b, ta, tb } = replicas();
    const initial = Y.encodeStateAsUpdate(a);
    const base = Y.encodeStateVector(a);
    const anchor = roundTrip(createNoteAnchor(ta, SENTENCE.indexOf('brown'), 5));
    // a edits too, away from the words, so both sides really change concurrently.
    ta.insert(ta.length, ' over the dog');
    edit(tb);
    const fromA = changesSince(a, base);
    const fromB = changesSince(b, base);

    const aFirst = new Y.Doc();
    const bFirst = new Y.Doc();
    for (const update of [initial, fromA, fromB]) Y.applyUpdate(aFirst, update);
    for (const update of [initial, fromB, fromA]) Y.applyUpdate(bFirst, update);
    Y.applyUpdate(a, fromB);
    Y.applyUpdate(b, fromA);

    for (const doc of [a, b, aFirst, bFirst]) {
      const text = doc.getText(NOTE_TEXT_KEY);
      expect(text.toString()).toBe(ta.toString());
      expect(quoted(text, anchor)).toBe(expected);
    }
  });

  it('keeps what a concurrent insert put inside words that were deleted', () => {
    const { a, b, ta, tb } = replicas();
    const anchor = createNoteAnchor(ta, SENTENCE.indexOf('brown'), 5);
    ta.insert(SENTENCE.indexOf('brown') + 3, 'X');
    tb.delete(SENTENCE.indexOf('brown'), 5);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(tb.toString()).toBe('the quick X fox jumps');
    expect(quoted(tb, anchor)).toBe('X');
  });

  it('follows the words across later edits on one replica, and after an undo brings them back', () => {
    const doc = new Y.Doc();
    const text = doc.getText(NOTE_TEXT_KEY);
    text.insert(0, SENTENCE);
    const undo = new Y.UndoManager(text, { captureTimeout: 0 });
    const anchor = createNoteAnchor(text, 4, 5); // "quick"
    text.insert(0, '# Title\n\n');
    expect(quoted(text, anchor)).toBe('quick');
    text.delete(text.toString().indexOf('quick'), 5);
    expect(quoted(text, anchor)).toBeNull();
    undo.undo();
    expect(quoted(text, anchor)).toBe('quick');
  });

  it('reads the same in three windows through delete, undo and redo in one of them', () => {
    const wins = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    const a = wins[0]!;
    a.getText(NOTE_TEXT_KEY).insert(0, 'intro: ' + SENTENCE + ' — quick again later');
    const sync = () => {
      for (const from of wins) for (const to of wins) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
    };
    sync();
    const ta = a.getText(NOTE_TEXT_KEY);
    const undo = new Y.UndoManager(ta, { captureTimeout: 0 });
    const anchor = createNoteAnchor(ta, ta.toString().indexOf('quick'), 5);
    const everywhere = () => wins.map((d) => {
      const t = d.getText(NOTE_TEXT_KEY);
      const at = resolveNoteAnchor(t, anchor);
      return at && `${at.index}:${t.toString().slice(at.index, at.index + at.length)}`;
    });
    const first = ta.toString().indexOf('quick');
    ta.delete(first - 4, 15); // "the quick brown"
    sync();
    // Gone in every window, except that the same word later in the text is the nearest match.
    expect(new Set(everywhere()).size).toBe(1);
    expect(everywhere()[0]).toMatch(/:quick$/);
    undo.undo();
    sync();
    expect(everywhere()).toEqual([`${first}:quick`, `${first}:quick`, `${first}:quick`]);
    undo.redo();
    sync();
    expect(new Set(everywhere()).size).toBe(1);
  });

  it('resolves to null when the words have not arrived yet, belong to another text, or the anchor is malformed', () => {
    const { ta } = replicas();
    const anchor = createNoteAnchor(ta, 0, 3);
    const stranger = new Y.Doc().getText(NOTE_TEXT_KEY);
    expect(resolveNoteAnchor(stranger, anchor)).toBeNull();
    expect(resolveNoteAnchor(ta.doc!.getText('other'), anchor)).toBeNull();
    expect(resolveNoteAnchor(ta, { start: { item: { client: 'x', clock: 'y' } }, end: {} })).toBeNull();
    expect(resolveNoteAnchor(ta, { start: anchor.end, end: anchor.start })).toBeNull();
  });

  it('refuses an empty range or one outside the text, and cuts long quotes', () => {
    const { ta } = replicas();
    expect(() => createNoteAnchor(ta, 3, 0)).toThrow(RangeError);
    expect(() => createNoteAnchor(ta, -1, 2)).toThrow(RangeError);
    expect(() => createNoteAnchor(ta, 20, 10)).toThrow(RangeError);
    const long = new Y.Doc().getText(NOTE_TEXT_KEY);
    long.insert(0, 'a'.repeat(5000));
    const anchor = createNoteAnchor(long, 0, 5000);
    expect(anchor.quote).toHaveLength(2000);
    expect(anchor.quote.endsWith('…')).toBe(true);
    expect(resolveNoteAnchor(long, anchor)).toEqual({ index: 0, length: 5000 });
  });
});
