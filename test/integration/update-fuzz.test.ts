/**
 * A structure-aware fuzzer of Yjs updates against a real server (its HTTP doc API, which judges
 * updates exactly as a socket does): valid updates from real edits, then mutated at the struct
 * level — truncated, bit-flipped, zero lengths, GC and Skip structs, clocks and references beyond
 * what the server has, delete ranges over unknown clocks, another client's id. Every answer must
 * be an answer (200, 400 or 403, never a crash), and after every accepted update the invariant
 * holds: a fresh client applies the stored state, with nothing pending, and re-encodes it.
 * Seeded, so a failing case can be replayed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_KEYS, NOTE_TEXT_KEY, addComment, createIncident, noteDocName, updateIncident } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { decodeToRuns, encodeUpdateV1 } from '../../server/update-encode.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';
import { prng } from '../helpers/prng.ts';

let dataDir: string;
let server: SyncServer;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-fuzz-'));
  server = await startSyncServer({ port: 0, dataDir });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Mutation = (runs: Map<number, Y.AbstractStruct[]>, ds: Map<number, { clock: number; len: number }[]>, pick: (n: number) => number, server: Y.Doc) => Uint8Array | null;
const endOf = (run: Y.AbstractStruct[]) => run[run.length - 1]!.id.clock + run[run.length - 1]!.length;
const anyRun = (runs: Map<number, Y.AbstractStruct[]>, pick: (n: number) => number) => [...runs][pick(runs.size)];
const anyItem = (runs: Map<number, Y.AbstractStruct[]>, pick: (n: number) => number) => {
  const items = [...runs.values()].flat().filter((s): s is Y.Item => s instanceof Y.Item);
  return items.length ? items[pick(items.length)]! : null;
};
const beyond = (serverDoc: Y.Doc, client: number, pick: (n: number) => number) => Y.createID(client, Y.getState(serverDoc.store, client) + 1000 + pick(1000));

/** Each mutation, and whether the server must always refuse what it makes. */
const MUTATIONS: Record<string, { mutate: Mutation; alwaysRefused: boolean }> = {
  zeroLengthGcAtEnd: { alwaysRefused: true, mutate: (runs, ds, pick) => {
    const [c, run] = anyRun(runs, pick)!;
    runs.set(c, [...run, new Y.GC(Y.createID(c, endOf(run)), 0)]);
    return encodeUpdateV1(runs, ds);
  } },
  zeroLengthGcInside: { alwaysRefused: true, mutate: (runs, ds, pick) => {
    const [c, run] = anyRun(runs, pick)!;
    const at = pick(run.length);
    runs.set(c, [...run.slice(0, at), new Y.GC(Y.createID(c, run[at]!.id.clock), 0), ...run.slice(at)]);
    return encodeUpdateV1(runs, ds);
  } },
  zeroLengthItem: { alwaysRefused: true, mutate: (runs, ds, pick) => {
    const [c, run] = anyRun(runs, pick)!;
    runs.set(c, [...run, new Y.Item(Y.createID(c, endOf(run)), null, null, null, null, NOTE_TEXT_KEY as never, null, new Y.ContentString(''))]);
    return encodeUpdateV1(runs, ds);
  } },
  skip: { alwaysRefused: true, mutate: (runs, ds, pick) => {
    const [c, run] = anyRun(runs, pick)!;
    const at = pick(run.length);
    run[at] = new Y.Skip(run[at]!.id, run[at]!.length);
    runs.set(c, run);
    return encodeUpdateV1(runs, ds);
  } },
  gcInsteadOfItem: { alwaysRefused: false, mutate: (runs, ds, pick) => {
    const [c, run] = anyRun(runs, pick)!;
    const at = pick(run.length);
    run[at] = new Y.GC(run[at]!.id, run[at]!.length);
    runs.set(c, run);
    return encodeUpdateV1(runs, ds);
  } },
  gapAtStart: { alwaysRefused: true, mutate: (runs, ds, pick) => {
    const [, run] = anyRun(runs, pick)!;
    run[0]!.id.clock += 1 + pick(50);
    return encodeUpdateV1(runs, ds);
  } },
  originBeyond: { alwaysRefused: false, mutate: (runs, ds, pick, serverDoc) => {
    const item = anyItem(runs, pick);
    if (!item) return null;
    item.origin = beyond(serverDoc, pick(2) ? item.id.client : 77, pick);
    return encodeUpdateV1(runs, ds);
  } },
  rightOriginBeyond: { alwaysRefused: false, mutate: (runs, ds, pick, serverDoc) => {
    const item = anyItem(runs, pick);
    if (!item) return null;
    item.rightOrigin = beyond(serverDoc, 77, pick);
    return encodeUpdateV1(runs, ds);
  } },
  parentIsAnyId: { alwaysRefused: false, mutate: (runs, ds, pick, serverDoc) => {
    const item = anyItem(runs, pick);
    if (!item) return null;
    const known = [...serverDoc.store.clients.values()].flat();
    item.origin = null;
    item.rightOrigin = null;
    item.parentSub = pick(2) ? 'k' : null;
    item.parent = known.length && pick(2) ? known[pick(known.length)]!.id : beyond(serverDoc, 77, pick);
    return encodeUpdateV1(runs, ds);
  } },
  deleteBeyond: { alwaysRefused: true, mutate: (runs, ds, pick, serverDoc) => {
    const client = pick(2) ? [...runs.keys()][0]! : 77;
    const from = Math.max(Y.getState(serverDoc.store, client), runs.has(client) ? endOf(runs.get(client)!) : 0) + pick(20);
    ds.set(client, [...(ds.get(client) ?? []), { clock: from, len: 1 + pick(100) }]);
    return encodeUpdateV1(runs, ds);
  } },
  zeroLengthDelete: { alwaysRefused: true, mutate: (runs, ds, pick) => {
    ds.set([...runs.keys()][0]!, [{ clock: pick(3), len: 0 }]);
    return encodeUpdateV1(runs, ds);
  } },
  deleteKnown: { alwaysRefused: false, mutate: (runs, ds, pick, serverDoc) => {
    const clients = [...serverDoc.store.clients.keys()];
    if (!clients.length) return null;
    const c = clients[pick(clients.length)]!;
    const state = Y.getState(serverDoc.store, c);
    const from = pick(state);
    ds.set(c, [{ clock: from, len: 1 + pick(Math.max(1, state - from)) }]);
    return encodeUpdateV1(runs, ds);
  } },
  anotherClientsId: { alwaysRefused: false, mutate: (runs, ds, pick, serverDoc) => {
    const clients = [...serverDoc.store.clients.keys()];
    const [c, run] = anyRun(runs, pick)!;
    const target = clients.length ? clients[pick(clients.length)]! : 5;
    runs.delete(c);
    for (const s of run) s.id.client = target;
    const start = Y.getState(serverDoc.store, target);
    let clock = start;
    for (const s of run) { s.id.clock = clock; clock += s.length; }
    runs.set(target, run);
    return encodeUpdateV1(runs, ds);
  } },
};

/** Byte-level damage on top of struct-level: a truncated or bit-flipped update. */
function damage(update: Uint8Array, pick: (n: number) => number): Uint8Array {
  if (pick(2)) return update.slice(0, 1 + pick(Math.max(1, update.length - 1)));
  const out = update.slice();
  for (let k = 0; k < 1 + pick(3); k++) out[pick(out.length)] = pick(256);
  return out;
}

describe('update fuzzer', () => {
  it('keeps every stored doc readable through 1,200 mutated updates (note text and workspace records)', { timeout: 120_000 }, async () => {
    const ws = server.store.createWorkspace('Fuzz', 'Ada');
    const rand = prng(20261207);
    const pick = (n: number) => Math.floor(rand() * n);
    const note = noteDocName(ws.id, 'fuzz');
    const actor = { actor: { id: ws.memberId, name: 'Ada' }, now: Date.now, newId: () => `r${pick(1e9)}` };
    const counts = new Map<string, { sent: number; refused: number }>();
    let accepted = 0;

    for (const docName of [note, ws.id]) {
      let writer = new Y.Doc();
      let serverDoc = new Y.Doc();
      const push = (update: Uint8Array) => fetch(`${server.url}/api/v1/workspaces/${ws.id}/docs/${docName}/updates`, { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(update) });
      /** The invariant, read from the store as a fresh client would; also resyncs the writer. */
      /** After a refusal nothing changed on the server: the writer starts again from what it has. */
      const resync = () => {
        writer = new Y.Doc();
        Y.applyUpdate(writer, Y.encodeStateAsUpdate(serverDoc));
      };
      const checkStored = async () => {
        await server.flushed();
        const fresh = new Y.Doc();
        Y.applyUpdate(fresh, await server.store.loadDoc(docName));
        expect(fresh.store.pendingStructs).toBeNull();
        expect(fresh.store.pendingDs).toBeNull();
        Y.applyUpdate(new Y.Doc(), Y.encodeStateAsUpdate(fresh));
        serverDoc = fresh;
        writer = new Y.Doc();
        Y.applyUpdate(writer, Y.encodeStateAsUpdate(fresh));
      };
      const edit = (doc: Y.Doc) => {
        if (docName === note) {
          const text = doc.getText(NOTE_TEXT_KEY);
          const r = pick(3);
          if (r === 0 || text.length < 5) text.insert(pick(text.length + 1), 'word '.repeat(1 + pick(5)));
          else if (r === 1) text.delete(pick(text.length - 1), 1 + pick(4));
          else text.format(pick(text.length - 1), 1 + pick(3), { bold: true });
        } else {
          const incidents = [...doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).keys()];
          const r = pick(3);
          if (r === 0 || incidents.length === 0) createIncident(doc, { title: `i${pick(1000)}`, severity: 'low' }, actor);
          else if (r === 1) updateIncident(doc, { incidentId: incidents[pick(incidents.length)]!, severity: (['low', 'high'] as const)[pick(2)] }, actor);
          else addComment(doc, { target: { kind: 'incident', id: incidents[pick(incidents.length)]! }, body: 'c' }, actor);
        }
      };

      for (let i = 0; i < 600; i++) {
        const sv = Y.encodeStateVector(serverDoc);
        edit(writer);
        const valid = Y.encodeStateAsUpdate(writer, sv);
        const names = Object.keys(MUTATIONS);
        const name = i % 5 === 0 ? 'none' : i % 7 === 0 ? 'bytes' : names[pick(names.length)]!;
        let update: Uint8Array | null = valid;
        if (name === 'bytes') update = damage(valid, pick);
        else if (name !== 'none') {
          const { runs, ds } = decodeToRuns(valid);
          try {
            update = MUTATIONS[name]!.mutate(runs, ds, pick, serverDoc);
          } catch {
            update = null; // a struct the encoder cannot write: not a case
          }
        }
        if (!update) {
          resync();
          continue;
        }
        const res = await push(update);
        expect([200, 400, 403]).toContain(res.status);
        await res.arrayBuffer();
        const c = counts.get(name) ?? { sent: 0, refused: 0 };
        c.sent++;
        if (res.status !== 200) c.refused++;
        counts.set(name, c);
        if (res.status === 200) accepted++;
        if (name === 'none') expect(res.status).toBe(200);
        if (res.status === 200 || i % 50 === 0) await checkStored();
        else resync();
      }
    }
    const total = [...counts.values()].reduce((n, c) => n + c.sent, 0);
    // Most of the 1,200 cases reach the server; the rest are mutations the encoder cannot write,
    // and how many depends on the Yjs client ids, which are random (999 was seen once): 900 is
    // the floor that still means "the fuzzer fuzzed".
    expect(total).toBeGreaterThanOrEqual(900);
    expect(accepted).toBeGreaterThan(200);
    for (const [name, { alwaysRefused }] of Object.entries(MUTATIONS)) {
      const c = counts.get(name);
      expect(c?.sent ?? 0, `${name} was tried`).toBeGreaterThan(10);
      if (alwaysRefused) expect(c!.refused, `${name} is always refused`).toBe(c!.sent);
    }
    // And a real client syncs both docs from the server.
    for (const docName of [note, ws.id]) {
      const reader = connectClient(server.url, docName, ws.token);
      await synced(reader.provider);
      Y.applyUpdate(new Y.Doc(), Y.encodeStateAsUpdate(reader.doc));
      expect(reader.doc.store.pendingStructs).toBeNull();
      reader.dispose();
    }
  });
});
