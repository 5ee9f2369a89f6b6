/**
 * Merging a doc's update log into one state parses every struct of it: on a workspace of a few
 * years that is tens of milliseconds of the event loop, longer than a normal write. A backup
 * taken while serving merges on a worker thread instead (one per archive), so the server's own
 * work never waits behind it (`npm run bench:backup`).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';

// Plain CommonJS, so the worker needs no TypeScript loader; Yjs is resolved from here.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Y = require(workerData.yjs);
parentPort.on('message', ({ id, updates }) => {
  try {
    const merged = Y.mergeUpdates(updates);
    parentPort.postMessage({ id, merged }, [merged.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

export interface Merger {
  merge(updates: Uint8Array[]): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function offThreadMerger(): Merger {
  let worker: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, { resolve: (u: Uint8Array) => void; reject: (e: Error) => void }>();
  const start = () => {
    const w = new Worker(WORKER, { eval: true, workerData: { yjs: createRequire(import.meta.url).resolve('yjs') } });
    w.on('message', (m: { id: number; merged?: Uint8Array; error?: string }) => {
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error !== undefined || !m.merged) p?.reject(new Error(`merging a doc's updates failed: ${m.error}`));
      else p?.resolve(m.merged);
    });
    w.on('error', (err) => {
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
      worker = null;
    });
    w.unref();
    return w;
  };
  return {
    merge(updates) {
      // One update needs no merge; a few small ones are cheaper here than a round trip.
      if (updates.length <= 1) return Promise.resolve(updates[0] ?? new Uint8Array(0));
      if (updates.reduce((n, u) => n + u.byteLength, 0) < 256 * 1024) return Promise.resolve(Y.mergeUpdates(updates));
      worker ??= start();
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker!.postMessage({ id, updates });
      });
    },
    async close() {
      await worker?.terminate();
      worker = null;
    },
  };
}
