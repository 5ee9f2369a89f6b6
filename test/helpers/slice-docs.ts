/**
 * Docs written the way update-slices.test.ts needs them (several clients editing concurrently,
 * updates exchanged in a random order) and the checks it makes of a sliced update: applied slice
 * by slice, nothing pending, the same content as the whole. Moved out of the test file to keep
 * it under the house limit of 500 lines.
 */
import { expect } from 'vitest';
import * as Y from 'yjs';
import { prng } from './prng.ts';
const WORDS = ['a', 'hello ', 'wörld', '日本語', '😀', 'x😀y', 'é', '\n', 'ok', 'drift 0.31 '];

export interface Written {
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
export function writeDocs(seed: number, gc: boolean, { steps = 120, formatting = false } = {}): Written {
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

export function expectNothingPending(doc: Y.Doc, where: string): void {
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
export function units(doc: Y.Doc): Map<string, string> {
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

export function expectSameDoc(update: Uint8Array, slices: Uint8Array[], gc: boolean): void {
  const whole = new Y.Doc({ gc });
  Y.applyUpdate(whole, update);
  const sliced = applySlices(update, slices, gc);
  expect(Y.encodeStateVector(sliced)).toEqual(Y.encodeStateVector(whole));
  expect(content(sliced)).toEqual(content(whole));
  expect(units(sliced)).toEqual(units(whole));
}


export function varUint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push(0x80 | (n % 128));
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

export function varString(s: string): number[] {
  const bytes = new TextEncoder().encode(s);
  return [...varUint(bytes.length), ...bytes];
}

/** A v1 update with no structs and one delete range. */
export function deleteOnlyUpdate(client: number, clock: number, len: number): Uint8Array {
  return Uint8Array.from([0, 1, ...varUint(client), 1, ...varUint(clock), ...varUint(len)]);
}
