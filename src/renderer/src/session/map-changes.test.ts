import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { changesTo } from './map-changes';

describe('changesTo', () => {
  it('grows with every change to the named maps, deep ones included, and not with others', () => {
    const doc = new Y.Doc();
    const incidents = doc.getMap<Y.Map<unknown>>('incidents');
    const before = changesTo(doc, ['incidents', 'comments']);
    const record = new Y.Map<unknown>();
    incidents.set('i1', record);
    const added = changesTo(doc, ['incidents', 'comments']);
    expect(added).toBeGreaterThan(before);
    record.set('title', 'Drift on age'); // inside a record: deep
    const renamed = changesTo(doc, ['incidents', 'comments']);
    expect(renamed).toBeGreaterThan(added);
    doc.getMap('runs').set('r1', { name: 'x' }); // another map
    expect(changesTo(doc, ['incidents', 'comments'])).toBe(renamed);
    doc.getMap('comments').set('c1', { body: 'hi' });
    expect(changesTo(doc, ['incidents', 'comments'])).toBeGreaterThan(renamed);
    // Counted per doc.
    expect(changesTo(new Y.Doc(), ['incidents'])).toBe(0);
  });
});
