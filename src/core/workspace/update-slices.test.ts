import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UpdateSliceError, sliceUpdate } from './update-slices.ts';
import { deleteOnlyUpdate, expectNothingPending, expectSameDoc, units, varString, varUint, writeDocs } from '../../../test/helpers/slice-docs.ts';
import { prng } from '../../../test/helpers/prng.ts';
describe('sliceUpdate', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  for (const gc of [true, false]) {
    it(`slices a snapshot (encodeStateAsUpdate, gc ${gc ? 'on' : 'off'}) into slices that each apply fully, for ${seeds.length} seeds`, () => {
      let sliceCount = 0;
      for (const seed of seeds) {
        const { all } = writeDocs(seed, gc);
        const update = Y.encodeStateAsUpdate(all);
        for (const maxBytes of [64, 300]) {
          const slices = sliceUpdate(update, maxBytes);
          expect(slices.length, `seed ${seed}`).toBeGreaterThan(1);
          sliceCount += slices.length;
          expectSameDoc(update, slices, gc);
        }
      }
      expect(sliceCount).toBeGreaterThan(seeds.length * 4);
    });

    it(`slices a Y.mergeUpdates of every client's updates (gc ${gc ? 'on' : 'off'}), for ${seeds.length} seeds`, () => {
      for (const seed of seeds) {
        const { updates } = writeDocs(seed * 7919, gc);
        const update = Y.mergeUpdates(updates);
        for (const maxBytes of [64, 300]) {
          const slices = sliceUpdate(update, maxBytes);
          expect(slices.length, `seed ${seed}`).toBeGreaterThan(1);
          expectSameDoc(update, slices, gc);
        }
      }
    });
  }

  it('returns [update] when the update holds a live formatting mark, and slices it when its marks are all deleted', () => {
    let whole = 0;
    let sliced = 0;
    for (const gc of [true, false]) {
      for (const seed of seeds.slice(0, 20)) {
        const written = writeDocs(seed * 31, gc, { formatting: true });
        for (const update of [Y.encodeStateAsUpdate(written.all), Y.mergeUpdates(written.updates)]) {
          const { structs, ds } = Y.decodeUpdate(update);
          const live = structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentFormat && !Y.isDeleted(ds, s.id));
          const slices = sliceUpdate(update, 64);
          if (live) {
            expect(slices).toHaveLength(1);
            expect(slices[0]).toBe(update);
            whole++;
          } else {
            expect(slices.length).toBeGreaterThan(1);
            expectSameDoc(update, slices, gc);
            sliced++;
          }
        }
      }
    }
    expect(whole).toBeGreaterThan(0);
    // a text whose marks were all deleted (gc off keeps them as deleted ContentFormat items)
    const d = new Y.Doc({ gc: false });
    const t = d.getText('t');
    t.insert(0, 'plain text that stays, ');
    t.insert(5, 'bold words', { bold: true });
    t.insert(0, 'red', { color: '#f00' });
    t.delete(0, 3);
    t.delete(5, 10); // the bold words: their marks are cleaned up, so every mark is deleted
    t.insert(4, ' and more text after the marks are gone');
    const update = Y.encodeStateAsUpdate(d);
    const decoded = Y.decodeUpdate(update);
    const marks = decoded.structs.filter((s) => s instanceof Y.Item && s.content instanceof Y.ContentFormat);
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((s) => Y.isDeleted(decoded.ds, s.id))).toBe(true);
    const slices = sliceUpdate(update, 40);
    expect(slices.length).toBeGreaterThan(1);
    expectSameDoc(update, slices, false);
    sliced += slices.length > 1 ? 1 : 0;
    expect(sliced).toBeGreaterThan(0);
  });

  it('keeps every slice within maxBytes unless it holds a single struct', () => {
    for (const seed of seeds.slice(0, 10)) {
      const update = Y.encodeStateAsUpdate(writeDocs(seed, true).all);
      for (const maxBytes of [40, 64, 300, 1000]) {
        const slices = sliceUpdate(update, maxBytes);
        for (const slice of slices) {
          if (slice.length <= maxBytes) continue;
          const structs = Y.decodeUpdate(slice).structs;
          expect(structs.length, `seed ${seed}, maxBytes ${maxBytes}: a ${slice.length}-byte slice`).toBe(1);
        }
        // and the slices are not needlessly small: together at most ~2x the update's bytes
        const total = slices.reduce((n, s) => n + s.length, 0);
        if (maxBytes >= 300) expect(total).toBeLessThan(update.length * 2);
      }
    }
  });

  it('returns an update of at most maxBytes as it is', () => {
    const update = Y.encodeStateAsUpdate(writeDocs(3, true, { steps: 10 }).all);
    const slices = sliceUpdate(update, update.length);
    expect(slices).toHaveLength(1);
    expect(slices[0]).toBe(update);
  });

  it('returns [update] for an update that needs structs it does not hold, and that update then goes pending as before', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, 'hello world, this is long enough to slice');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const before = Y.encodeStateVector(b);
    const t = b.getText('t');
    for (let i = 0; i < 20; i++) t.insert(5 + i, `${i}`);
    b.getMap('m').set('k', 'v');
    const diff = Y.encodeStateAsUpdate(b, before); // its items' origins are a's items
    const slices = sliceUpdate(diff, 16);
    expect(slices).toEqual([diff]);
    expect(slices[0]).toBe(diff);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, diff);
    expect(fresh.store.pendingStructs).not.toBeNull();
  });

  it('returns [update] for a merge of updates with a gap between them (a Skip struct)', () => {
    const d = new Y.Doc();
    const updates: Uint8Array[] = [];
    d.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 6; i++) d.getArray('a').insert(0, [`item ${i} with some text`]);
    const gappy = Y.mergeUpdates([updates[0]!, updates[1]!, updates[4]!, updates[5]!]);
    expect(Y.decodeUpdate(gappy).structs.some((s) => s instanceof Y.Skip)).toBe(true);
    expect(sliceUpdate(gappy, 20)).toEqual([gappy]);
    // without the gap it slices
    const whole = Y.mergeUpdates(updates);
    const slices = sliceUpdate(whole, 40);
    expect(slices.length).toBeGreaterThan(1);
    expectSameDoc(whole, slices, true);
  });

  it('puts deletes of items the update does not hold into the last slice', () => {
    const d = new Y.Doc();
    const arr = d.getArray<string>('a');
    for (let i = 0; i < 30; i++) arr.insert(0, [`entry ${i}`]); // at 0, so Yjs cannot merge them into one struct
    const update = Y.encodeStateAsUpdate(d);
    // and a delete of clocks 1000..1004 of a client that wrote nothing here
    const withDelete = Y.mergeUpdates([update, deleteOnlyUpdate(4242, 1000, 5)]);
    const slices = sliceUpdate(withDelete, 100);
    expect(slices.length).toBeGreaterThan(1);
    const doc = new Y.Doc();
    slices.slice(0, -1).forEach((s) => {
      Y.applyUpdate(doc, s);
      expectNothingPending(doc, 'before the last slice');
    });
    Y.applyUpdate(doc, slices.at(-1)!);
    expect(doc.store.pendingDs).not.toBeNull();
    const whole = new Y.Doc();
    Y.applyUpdate(whole, withDelete);
    expect(doc.store.pendingDs).toEqual(whole.store.pendingDs);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(Y.encodeStateAsUpdate(whole));
  });

  it('reads ContentJSON (legacy) items and a trailing Skip', () => {
    const client = 7;
    const structs: number[][] = [];
    // item 0: root 'a', JSON ['{"x":1}', '"s"'] (clocks 0-1); then 30 items after it, each one JSON value
    structs.push([2, ...varUint(1), ...varString('a'), ...varUint(2), ...varString('{"x":1}'), ...varString('"s"')]);
    for (let i = 0; i < 30; i++) structs.push([0x80 | 2, ...varUint(client), ...varUint(1 + i), ...varUint(1), ...varString(i % 3 === 0 ? 'undefined' : JSON.stringify({ i }))]);
    const body = structs.flat();
    const update = Uint8Array.from([...varUint(1), ...varUint(structs.length + 1), ...varUint(client), ...varUint(0), ...body, 10, ...varUint(5), ...varUint(0)]);
    const whole = new Y.Doc();
    Y.applyUpdate(whole, update);
    expectNothingPending(whole, 'the hand-written update');
    expect(whole.getArray('a').length).toBe(32);
    const slices = sliceUpdate(update, 40);
    expect(slices.length).toBeGreaterThan(3);
    expectSameDoc(update, slices, true);
  });

  it('counts strings in UTF-16 units as Yjs does: a leading BOM, astral characters; malformed UTF-8 comes back whole', () => {
    const d = new Y.Doc();
    const t = d.getText('t');
    t.insert(0, '\ufeffstarts with a BOM, then 😀😀 and 日本語');
    for (let i = 0; i < 12; i++) t.insert(t.length - i * 2, `[${i}]`);
    const update = Y.encodeStateAsUpdate(d);
    const slices = sliceUpdate(update, 48);
    expect(slices.length).toBeGreaterThan(2);
    expectSameDoc(update, slices, true);

    // one client, a root-level string item whose bytes are not UTF-8, then one after it
    const bad = Uint8Array.from([1, 2, ...varUint(9), 0, 4, 1, ...varString('t'), 2, 0xff, 0xfe, 0x84, ...varUint(9), ...varUint(1), ...varString('ok'), 0]);
    expect(() => Y.applyUpdate(new Y.Doc(), bad)).toThrow();
    expect(sliceUpdate(bad, 8)).toEqual([bad]);
  });

  it('throws an UpdateSliceError that says where a malformed update breaks', () => {
    const update = Y.encodeStateAsUpdate(writeDocs(5, true).all);
    const cut = update.subarray(0, Math.floor(update.length / 2));
    expect(() => sliceUpdate(cut, 64)).toThrow(UpdateSliceError);
    expect(() => sliceUpdate(cut, 64)).toThrow(/^Yjs update, byte \d+: .*(end of the update)/);
    expect(() => sliceUpdate(update, 0)).toThrow(RangeError);
  });

  it('never hangs or loses anything on corrupted updates: either an UpdateSliceError, or slices that give what Y.applyUpdate gives', () => {
    const rand = prng(99);
    const base = Y.encodeStateAsUpdate(writeDocs(11, true).all);
    let compared = 0;
    for (let n = 0; n < 300; n++) {
      const bad = Uint8Array.from(base);
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      let slices: Uint8Array[];
      try {
        slices = sliceUpdate(bad, 200);
      } catch (e) {
        expect(e).toBeInstanceOf(UpdateSliceError);
        continue;
      }
      let whole: Y.Doc;
      try {
        whole = new Y.Doc();
        Y.applyUpdate(whole, bad);
      } catch {
        continue; // Yjs itself cannot read it; the slices may fail too
      }
      if (slices.length === 1) {
        expect(slices[0]).toBe(bad);
        continue;
      }
      if (whole.store.pendingStructs || whole.store.pendingDs) continue;
      const sliced = new Y.Doc();
      for (const s of slices) Y.applyUpdate(sliced, s);
      expect(units(sliced)).toEqual(units(whole));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});

