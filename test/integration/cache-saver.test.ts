/**
 * A window's saves to the local cache (src/renderer/src/session/cache-saver.ts) against the real
 * host handlers and LocalCache, through the contract's dispatcher, over an ordered channel with
 * latency (as IPC and the web host's socket are: in order, answered later). What is checked is
 * what lands in the SQLite file: batches in order and each once, a page's close sending what
 * waits in one message with its lists, and those lists kept only at the version the window expected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { CacheSaver } from '../../src/renderer/src/session/cache-saver.ts';
import { type HostApi, type HostHandlers, dispatchHostCall } from '../../src/shared/host-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-saver-'));
const cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
const handlers: HostHandlers = createHostHandlers({
  cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null,
  info: { mode: 'web', version: 'test', dataDir: dir },
});
afterAll(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The host over a channel that delivers in order, each call a few ms after the one before; `fail` makes the next N calls fail in transit. */
function channel(latencyMs = 5) {
  let line: Promise<unknown> = Promise.resolve();
  const sent: string[] = [];
  const state = { fail: 0 };
  const host: HostApi = {
    call: ((ch: string, req: unknown) => {
      sent.push(ch);
      const reply = line.then(() => new Promise((r) => setTimeout(r, latencyMs))).then(async () => {
        if (state.fail > 0) {
          state.fail -= 1;
          throw new Error('the host went away');
        }
        const r = await dispatchHostCall(handlers, ch, req, { id: 'window-1' });
        if (r.kind === 'error') throw new Error(r.message);
        return r.value;
      });
      line = reply.catch(() => {});
      return reply;
    }) as HostApi['call'],
    on: () => () => {},
  };
  return { host, sent, state };
}

/** Updates of a doc, one per edit. */
function edits(n: number, from = 0): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = from; i < from + n; i++) doc.getMap('incidents').set(`i${i}`, `incident ${i}`);
  return out;
}
const rows = (docId: string) => (cache.sqlite.prepare('SELECT count(*) AS n FROM doc_updates WHERE doc_id = ?').get(docId) as { n: number }).n;
const keys = (docId: string) => {
  const doc = new Y.Doc();
  for (const u of cache.loadDocUpdates(docId)) Y.applyUpdate(doc, u);
  return [...doc.getMap('incidents').keys()].sort();
};

describe('CacheSaver', () => {
  it('saves batches in order, says when each is in, and keeps a failed one for the next try', async () => {
    const { host, state } = channel();
    let changes = 0;
    const saver = new CacheSaver(host, 'ws_order', () => changes++);
    saver.cacheVersion = 0;
    let saved = 0;
    saver.onSaved(() => saved++);
    for (const update of edits(3)) saver.add({ update, local: true });
    expect(saver.pending).toBe(3);
    expect(saver.idle).toBe(false);
    await saver.flush();
    expect(saver.idle).toBe(true);
    expect(saver.cacheVersion).toBe(1);
    expect(saved).toBe(1);
    expect(rows('ws_order')).toBe(3);

    // The channel drops the next call: the batch waits, the person is told, nothing is lost.
    state.fail = 1;
    for (const update of edits(2, 3)) saver.add({ update, local: true });
    await saver.flush();
    expect(saver.saveError).toBe('Could not save to this device: the host went away');
    expect(saver.pending).toBe(2);
    expect(rows('ws_order')).toBe(3);
    await saver.flush();
    expect(saver.saveError).toBeNull();
    expect(saver.pending).toBe(0);
    expect(keys('ws_order')).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
    expect(changes).toBeGreaterThan(0);
  });

  it("a page's close sends what waits behind a save in flight at once, each update once, with the lists kept at the version it makes", async () => {
    const { host, sent } = channel(20);
    const saver = new CacheSaver(host, 'ws_close', () => {});
    saver.cacheVersion = 0;
    const [a, b, c] = [edits(2, 0), edits(2, 2), edits(1, 4)];
    for (const update of a) saver.add({ update, local: true });
    const first = saver.flush();
    await new Promise((r) => setTimeout(r, 1)); // on the wire, not answered (the channel takes 20 ms)
    for (const update of b) saver.add({ update, local: true });
    const second = saver.flush(); // queued behind it, not sent
    for (const update of c) saver.add({ update, local: true }); // not yet handed over
    let drawnFor = -1;
    saver.closing((version) => {
      drawnFor = version;
      return [{ list: 'incidents', json: '{"rows":5}' }];
    });
    // Two appends on the wire: the one in flight, then the close's, holding the other two batches.
    expect(sent).toEqual(['cache.append', 'cache.append']);
    expect(drawnFor).toBe(2);
    await Promise.all([first, second]);
    await saver.flush();
    expect(sent).toEqual(['cache.append', 'cache.append']);
    expect(rows('ws_close')).toBe(5);
    expect(keys('ws_close')).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
    expect(cache.docVersion('ws_close')).toBe(2);
    expect(cache.loadPreview('ws_close', 'incidents')).toBe('{"rows":5}');
    expect(saver.cacheVersion).toBe(2);
  });

  it("a close's lists are dropped when another window saved in between, and kept with nothing to send", async () => {
    const { host, sent } = channel();
    const saver = new CacheSaver(host, 'ws_other', () => {});
    saver.cacheVersion = 0;
    for (const update of edits(1)) saver.add({ update, local: true });
    await saver.flush();
    expect(saver.cacheVersion).toBe(1);
    // Another window appends: this one's doc may lack it.
    cache.appendUpdates('ws_other', edits(1, 7));
    for (const update of edits(1, 1)) saver.add({ update, local: true });
    saver.closing(() => [{ list: 'incidents', json: '{"stale":true}' }]);
    await saver.flush();
    expect(keys('ws_other')).toEqual(['i0', 'i1', 'i7']);
    expect(cache.loadPreview('ws_other', 'incidents')).toBeNull();

    // Nothing waiting: the lists alone, at the version the window knows.
    const at = saver.cacheVersion!;
    expect(at).toBe(cache.docVersion('ws_other'));
    saver.closing((version) => [{ list: 'incidents', json: `{"at":${version}}` }]);
    await saver.flush();
    await new Promise((r) => setTimeout(r, 30));
    expect(sent.at(-1)).toBe('cache.savePreview');
    expect(cache.loadPreview('ws_other', 'incidents')).toBe(`{"at":${at}}`);
  });
});
