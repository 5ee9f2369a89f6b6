import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { refusedText } from './refused-text';

/** The update `edit` makes on top of `base`, as a server that has only `base` would lack it. */
function lacking(base: Y.Doc, edit: (doc: Y.Doc) => void): { update: Uint8Array; doc: Y.Doc } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  edit(doc);
  return { update: Y.diffUpdate(Y.encodeStateAsUpdate(doc), Y.encodeStateVector(base)), doc };
}

describe('refusedText', () => {
  it('gives typed text as one line and map values with their keys', () => {
    const base = new Y.Doc();
    base.getText('body').insert(0, 'Hello');
    base.getMap('incident').set('severity', 'low');
    const { update, doc: edited } = lacking(base, (doc) => {
      const text = doc.getText('body');
      for (const ch of ' world') text.insert(text.length, ch);
      doc.getMap('incident').set('severity', 'high');
      doc.getMap('incident').set('updatedAt', 1_700_000_000_000);
      doc.getMap('comments').set('c1', { id: 'c1', body: 'The vendor changed the feed', authorId: 'm_cy', createdAt: 1 });
      const events = new Y.Array();
      doc.getMap('incident').set('events', events);
      events.push([{ kind: 'severity', id: 'e1', at: 1, byId: 'm_cy', byName: 'Cy', from: 'low', to: 'high' }]);
    });
    expect(refusedText(update, edited).split('\n').sort()).toEqual([' world', 'body: The vendor changed the feed', 'severity: high'].sort());
  });

  it('is empty for an update that only deletes', () => {
    const base = new Y.Doc();
    base.getText('body').insert(0, 'Hello');
    expect(refusedText(lacking(base, (doc) => doc.getText('body').delete(0, 2)).update)).toBe('');
  });
});
