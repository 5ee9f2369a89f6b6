/**
 * The structure gate, case by case, on updates crafted at the struct level (update-encode.ts),
 * and the repair of a stored doc that already holds a poisoned update.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docHealth, repairStoredDoc } from './doc-repair.ts';
import { decodeToRuns, encodeUpdateV1 } from './update-encode.ts';
import { checkUpdateStructure } from './update-structure.ts';

/** A room with one map entry, and a client's next edit to it (as the update it would send). */
function setup() {
  const room = new Y.Doc();
  room.getMap('m').set('a', 1);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room));
  const sv = Y.encodeStateVector(room);
  client.getMap('m').set('b', 2);
  client.getText('t').insert(0, 'hello');
  const edit = Y.encodeStateAsUpdate(client, sv);
  return { room, client, edit };
}

const reasonOf = (room: Y.Doc, update: Uint8Array) => {
  const v = checkUpdateStructure(room, update);
  return v.kind === 'bad' ? v.reason : 'ok';
};

describe('checkUpdateStructure', () => {
  it('accepts real edits, resends of what the room has, and empty updates', () => {
    const { room, edit } = setup();
    expect(reasonOf(room, edit)).toBe('ok');
    Y.applyUpdate(room, edit);
    const again = checkUpdateStructure(room, edit);
    expect(again).toMatchObject({ kind: 'ok', changes: false });
    expect(reasonOf(room, Y.encodeStateAsUpdate(new Y.Doc()))).toBe('ok');
  });

  it('accepts the GC structs a client\'s own garbage collection sends (children of a type it deleted)', () => {
    const room = new Y.Doc();
    const client = new Y.Doc();
    const sv = Y.encodeStateVector(room);
    const inner = new Y.Map<unknown>();
    client.getMap('incidents').set('i1', inner);
    inner.set('title', 'x');
    client.getMap('incidents').delete('i1');
    const update = Y.encodeStateAsUpdate(client, sv);
    expect(Y.decodeUpdate(update).structs.some((s) => s instanceof Y.GC)).toBe(true);
    expect(reasonOf(room, update)).toBe('ok');
  });

  it('refuses a zero-length struct next to a normal edit (the poison), and a Skip', () => {
    const { room, edit } = setup();
    const { runs, ds } = decodeToRuns(edit);
    const [client, run] = [...runs][0]!;
    const last = run[run.length - 1]!;
    const poisoned = new Map(runs).set(client, [...run, new Y.GC(Y.createID(client, last.id.clock + last.length), 0)]);
    expect(reasonOf(room, encodeUpdateV1(poisoned, ds))).toContain('length 0');
    const skipped = new Map(runs).set(client, [new Y.Skip(run[0]!.id, run[0]!.length), ...run.slice(1)]);
    expect(reasonOf(room, encodeUpdateV1(skipped, ds))).toContain('Skip');
  });

  it('refuses updates that depend on changes the room does not have', () => {
    const { room, client } = setup();
    const sv = Y.encodeStateVector(client);
    client.getText('t').insert(0, 'withheld ');
    const svWithheld = Y.encodeStateVector(client);
    client.getText('t').insert(0, 'depends ');
    const dependent = Y.encodeStateAsUpdate(client, svWithheld);
    expect(reasonOf(room, dependent)).toContain('does not have');
    void sv;
  });

  it('refuses origins, right origins and parents past what the room has, and a parent that is not a type', () => {
    const { room, edit } = setup();
    const mutate = (change: (item: Y.Item) => void) => {
      const { runs, ds } = decodeToRuns(edit);
      const item = [...runs.values()][0]!.find((s) => s instanceof Y.Item) as Y.Item;
      change(item);
      return reasonOf(room, encodeUpdateV1(runs, ds));
    };
    expect(mutate((i) => { i.origin = Y.createID(424242, 7); })).toContain('does not have');
    expect(mutate((i) => { i.origin = null; i.rightOrigin = Y.createID(424242, 0); })).toContain('does not have');
    expect(mutate((i) => { i.origin = null; i.rightOrigin = null; i.parent = Y.createID(424242, 0); })).toContain('does not have');
    // The room's first item is the number 1 in map m: not a type.
    const first = [...room.store.clients.values()][0]![0]!;
    expect(mutate((i) => { i.origin = null; i.rightOrigin = null; i.parent = first.id; })).toContain('not a type');
  });

  it('refuses deletes past what the room will have, and zero-length deletes', () => {
    const { room, edit } = setup();
    const { runs, ds } = decodeToRuns(edit);
    const client = [...runs.keys()][0]!;
    expect(reasonOf(room, encodeUpdateV1(runs, new Map(ds).set(client, [{ clock: 1000, len: 3 }])))).toContain('deletes changes');
    expect(reasonOf(room, encodeUpdateV1(runs, new Map(ds).set(client, [{ clock: 0, len: 0 }])))).toContain('length 0');
  });

  it('refuses a gap at the start of a client\'s run', () => {
    const { room, edit } = setup();
    const { runs, ds } = decodeToRuns(edit);
    const run = [...runs.values()][0]!;
    run[0]!.id.clock += 5;
    expect(reasonOf(room, encodeUpdateV1(runs, ds))).toContain('does not have');
  });
});

describe('repairStoredDoc', () => {
  it('drops the zero-length struct of a stored poisoned update and keeps everything else', () => {
    const { room, edit } = setup();
    const { runs, ds } = decodeToRuns(edit);
    const [client, run] = [...runs][0]!;
    const last = run[run.length - 1]!;
    runs.set(client, [...run, new Y.GC(Y.createID(client, last.id.clock + last.length), 0)]);
    const stored = Y.mergeUpdates([Y.encodeStateAsUpdate(room), encodeUpdateV1(runs, ds)]);
    // What every fresh client saw before: the doc it is sent does not apply.
    expect(() => {
      const d = new Y.Doc();
      Y.applyUpdate(d, stored);
      Y.applyUpdate(new Y.Doc(), Y.encodeStateAsUpdate(d));
    }).toThrow('Unexpected case');
    const repair = repairStoredDoc(stored);
    expect(repair.droppedStructs).toBe(1);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, repair.state);
    expect(docHealth(fresh).healthy).toBe(true);
    expect(fresh.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
    expect(fresh.getText('t').toString()).toBe('hello');
  });

  it('drops structs whose dependencies never came', () => {
    const { room, client } = setup();
    const sv = Y.encodeStateVector(client);
    client.getText('t').insert(0, 'withheld ');
    const svWithheld = Y.encodeStateVector(client);
    client.getText('t').insert(0, 'depends ');
    void sv;
    const stored = Y.mergeUpdates([Y.encodeStateAsUpdate(room), Y.encodeStateAsUpdate(client, svWithheld)]);
    const d = new Y.Doc();
    Y.applyUpdate(d, stored);
    expect(docHealth(d).pending).toBe(true);
    const repair = repairStoredDoc(stored);
    expect(repair.droppedPending).toBe(true);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, repair.state);
    expect(docHealth(fresh).healthy).toBe(true);
    expect(fresh.getMap('m').toJSON()).toEqual({ a: 1 });
  });
});
