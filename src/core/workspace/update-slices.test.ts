import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UpdateSliceError, sliceUpdate } from './update-slices.ts';
import { prng } from '../../../test/helpers/prng.ts';


const WORDS = ['a', 'hello ', 'wörld', '日本語', '😀', 'x😀y', 'é', '\n', 'ok', 'drift 0.31 '];

interface Written {
  /** Every doc's own updates, as 'update' events gave them. */
  updates: Uint8Array[];
  /** A doc that has received everything. */
  all: Y.Doc;
}

/**
 * Several docs edit concurrently and exchange updates in a random order, so items depend on
 * other clients' items: maps with overwrites, arrays and texts edited in the middle, embeds,
 * formatting marks (if asked: see the formatting test), binary, nested types, XML, `any` values and a subdocument.
 */
function writeDocs(seed: number, gc: boolean, { steps = 120, formatting = false } = {}): Written {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number): number => Math.floor(rand() * n);
  const docs = Array.from({ length: 2 + int(4) }, () => new Y.Doc({ gc }));
  for (const d of docs) d.clientID = 1 + int(2 ** 32 - 1); // seeded, so a seed replays exactly
  const updates: Uint8Array[] = [];
  for (const d of docs) {
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') updates.push(u);
    });
  }
  const text = (): string => Array.from({ length: 1 + int(3) }, () => pick(WORDS)).join('');
  const anyValue = (depth = 0): unknown => {
    switch (int(depth > 1 ? 6 : 8)) {
      case 0:
        return text();
      case 1:
        return int(1000) - 500;
      case 2:
        return rand() * 1e6;
      case 3:
        return rand() < 0.5;
      case 4:
        return null;
      case 5:
        // lib0 writeAny: varint, float32 (0.5), float64 (2^40 + 0.25, above 31 bits), undefined
        return { note: text(), n: int(9), half: 0.5, big: 2 ** 40 + 0.25, gone: undefined };
      case 6:
        return { nested: [anyValue(depth + 1), { deep: anyValue(depth + 1) }], flag: true };
      default:
        return [anyValue(depth + 1), anyValue(depth + 1)];
    }
  };
  const value = (d: Y.Doc): unknown => {
    switch (int(12)) {
      case 0:
        return new Y.Map();
      case 1:
        return Y.Array.from([text(), int(5)]);
      case 2:
        return new Y.Text(text());
      case 3:
        return Uint8Array.from({ length: 1 + int(20) }, () => int(256));
      case 4:
        return rand() < 0.3 ? new Y.Doc({ guid: `sub-${d.clientID}-${int(1e9)}` }) : undefined;
      default:
        return anyValue();
    }
  };
  /** The doc's nested types, found from its roots (they are created by others too). */
  type Nested = Y.Map<unknown> | Y.Array<unknown> | Y.Text;
  const nested = (d: Y.Doc): Nested[] => {
    const found: Nested[] = [];
    const visit = (v: unknown): void => {
      if (v instanceof Y.Map) {
        found.push(v);
        v.forEach(visit);
      } else if (v instanceof Y.Array) {
        found.push(v);
        v.forEach(visit);
      } else if (v instanceof Y.Text) {
        found.push(v);
      }
    };
    d.getMap('m').forEach(visit);
    d.getArray('a').forEach(visit);
    return found;
  };
  const editText = (t: Y.Text): void => {
    const at = int(t.length + 1);
    switch (int(6)) {
      case 0:
      case 1:
        t.insert(at, text());
        break;
      case 2:
        if (formatting) t.insert(at, text(), rand() < 0.5 ? { bold: true } : { color: pick(['#f00', '#0f0']) });
        else t.insert(at, text());
        break;
      case 3:
        if (formatting) t.format(at, 1 + int(6), pick([{ bold: true }, { bold: null }, { italic: true }]));
        else t.insert(at, text());
        break;
      case 4:
        t.insertEmbed(at, { image: `img-${int(9)}.png` });
        break;
      default:
        if (t.length > 0) t.delete(int(t.length), 1 + int(5));
    }
  };
  const editArray = (a: Y.Array<unknown>, d: Y.Doc): void => {
    if (rand() < 0.3 && a.length > 0) {
      const at = int(a.length);
      a.delete(at, Math.min(a.length - at, 1 + int(3)));
    } else {
      const v = value(d);
      a.insert(int(a.length + 1), rand() < 0.5 ? [v === undefined ? null : v] : [text(), int(50), anyValue()]);
    }
  };
  const editMap = (m: Y.Map<unknown>, d: Y.Doc): void => {
    const key = `k${int(8)}`;
    if (rand() < 0.2) m.delete(key);
    else m.set(key, value(d));
  };
  const edit = (d: Y.Doc): void => {
    const op = int(10);
    if (op < 2) editMap(d.getMap('m'), d);
    else if (op < 4) editArray(d.getArray('a'), d);
    else if (op < 6) editText(d.getText('t'));
    else if (op < 7) {
      const x = d.getXmlFragment('x');
      if (rand() < 0.5 || x.length === 0) {
        const el = new Y.XmlElement(pick(['p', 'h1']));
        if (rand() < 0.2) d.getMap('m').set(`hook${int(3)}`, new Y.XmlHook('hook')); // type ref 5, with a name
        x.insert(int(x.length + 1), [el]);
        el.setAttribute('class', text());
        el.insert(0, [new Y.XmlText(text())]);
      } else {
        x.delete(int(x.length), 1);
      }
    } else {
      const ts = nested(d);
      if (ts.length === 0) return;
      const t = pick(ts);
      if (t instanceof Y.Text) editText(t);
      else if (t instanceof Y.Array) editArray(t, d);
      else if (t instanceof Y.Map) editMap(t, d);
    }
  };
  const sync = (from: Y.Doc, to: Y.Doc): void => {
    Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'remote');
  };
  for (let s = 0; s < steps; s++) {
    const d = pick(docs);
    if (rand() < 0.25) sync(pick(docs), d);
    else if (rand() < 0.3) d.transact(() => Array.from({ length: 1 + int(4) }, () => edit(d)));
    else edit(d);
  }
  const all = new Y.Doc({ gc });
  for (const d of docs) sync(d, all);
  return { updates, all };
}

/** What a doc shows and holds, in a form `toEqual` can compare. */
function content(doc: Y.Doc): unknown {
  const replacer = (_k: string, v: unknown): unknown => {
    if (v instanceof Y.Doc) return `doc:${v.guid}`;
    if (v instanceof Uint8Array) return ['bytes', ...v];
    if (v === undefined) return '<undefined>';
    return v;
  };
  const texts = (v: unknown): unknown[] => {
    const out: unknown[] = [];
    const visit = (x: unknown): void => {
      if (x instanceof Y.Text) out.push(x.toDelta());
      else if (x instanceof Y.Map) [...x.keys()].sort().forEach((k) => visit(x.get(k))); // a map's own order is when each key came
      else if (x instanceof Y.Array) x.forEach(visit);
    };
    visit(v);
    return out;
  };
  const m = doc.getMap('m');
  const a = doc.getArray('a');
  return JSON.parse(
    JSON.stringify(
      {
        m: m.toJSON(),
        a: a.toJSON(),
        t: doc.getText('t').toDelta(),
        x: doc.getXmlFragment('x').toString(),
        nestedTexts: [texts(m), texts(a)],
      },
      replacer,
    ),
  );
}

function expectNothingPending(doc: Y.Doc, where: string): void {
  expect(doc.store.pendingStructs, `${where}: structs pending`).toBeNull();
  expect(doc.store.pendingDs, `${where}: deletes pending`).toBeNull();
}

/**
 * Applies the slices one by one, checking after each that nothing is pending and that every
 * delete of the update whose items are already there has been applied; returns the doc.
 */
function applySlices(update: Uint8Array, slices: Uint8Array[], gc: boolean): Y.Doc {
  const doc = new Y.Doc({ gc });
  const wanted = Y.decodeUpdate(update).ds;
  slices.forEach((slice, s) => {
    Y.applyUpdate(doc, slice);
    expectNothingPending(doc, `after slice ${s + 1} of ${slices.length}`);
    const has = Y.createDeleteSetFromStructStore(doc.store);
    for (const [client, ranges] of wanted.clients) {
      const state = Y.getState(doc.store, client);
      for (const r of ranges) {
        for (let clock = r.clock; clock < Math.min(r.clock + r.len, state); clock++) {
          if (!Y.isDeleted(has, Y.createID(client, clock))) {
            throw new Error(`after slice ${s + 1}: ${client}:${clock} is there but not yet deleted`);
          }
        }
      }
    }
  });
  return doc;
}

/**
 * A doc's structs and delete set clock by clock: per ID its left and right origin, its parent
 * (where the struct names one), one unit of content and whether it is deleted. Two docs that
 * hold the same items cut into structs at different points (Yjs splits an item where an origin
 * or a delete range points into it, and merges neighbours after a transaction, so where the
 * cuts fall depends on the order of integration) give the same map.
 */
function units(doc: Y.Doc): Map<string, string> {
  const { structs, ds } = Y.decodeUpdate(Y.encodeStateAsUpdate(doc));
  const id = (x: Y.ID | null): string | null => (x ? `${x.client}:${x.clock}` : null);
  const out = new Map<string, string>();
  for (const st of structs) {
    for (let k = 0; k < st.length; k++) {
      const at = Y.createID(st.id.client, st.id.clock + k);
      const deleted = Y.isDeleted(ds, at);
      if (!(st instanceof Y.Item)) {
        out.set(id(at)!, JSON.stringify({ kind: st.constructor.name, deleted }));
        continue;
      }
      const c = st.content;
      let unit: unknown;
      if (c instanceof Y.ContentString) {
        unit = c.str[k];
        // Yjs writes each half of a surrogate pair it splits as U+FFFD (ContentString.splice), and
        // it does not split an item that is already deleted (DeleteSet.js readAndApplyDeleteSet):
        // so a deleted emoji is whole or two U+FFFD depending on whether it was deleted before a
        // delete range's edge reached it. Deleted text only; live text is compared by content().
        if (deleted && /[\ud800-\udfff]/.test(unit as string)) unit = '\ufffd';
      } else if (c instanceof Y.ContentFormat) unit = [c.key, c.value];
      else if (c instanceof Y.ContentDeleted) unit = 'deleted';
      else if (c instanceof Y.ContentType) unit = c.type.constructor.name;
      else if (c instanceof Y.ContentDoc) unit = c.doc?.guid;
      else if (c instanceof Y.ContentBinary) unit = [...c.content];
      else unit = (c.getContent() as unknown[])[k] ?? null;
      out.set(
        id(at)!,
        JSON.stringify({
          kind: c.constructor.name,
          origin: k === 0 ? id(st.origin) : id(Y.createID(st.id.client, st.id.clock + k - 1)),
          rightOrigin: id(st.rightOrigin),
          parent: k === 0 && !st.origin && !st.rightOrigin ? [st.parent instanceof Y.ID ? id(st.parent) : st.parent, st.parentSub] : null,
          unit: unit === undefined ? '<undefined>' : unit,
          deleted,
        }),
      );
    }
  }
  return out;
}

function expectSameDoc(update: Uint8Array, slices: Uint8Array[], gc: boolean): void {
  const whole = new Y.Doc({ gc });
  Y.applyUpdate(whole, update);
  const sliced = applySlices(update, slices, gc);
  expect(Y.encodeStateVector(sliced)).toEqual(Y.encodeStateVector(whole));
  expect(content(sliced)).toEqual(content(whole));
  expect(units(sliced)).toEqual(units(whole));
}

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

function varUint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push(0x80 | (n % 128));
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function varString(s: string): number[] {
  const bytes = new TextEncoder().encode(s);
  return [...varUint(bytes.length), ...bytes];
}

/** A v1 update with no structs and one delete range. */
function deleteOnlyUpdate(client: number, clock: number, len: number): Uint8Array {
  return Uint8Array.from([0, 1, ...varUint(client), 1, ...varUint(clock), ...varUint(len)]);
}
