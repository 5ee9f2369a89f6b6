/**
 * Applying a room's stored state without holding the event loop (issue 20). One
 * `Y.applyUpdate` of a three-year workspace doc (40+ MB) takes seconds, and a sync server
 * process serves many workspaces: during it, nobody else's message on that process is answered.
 * A state larger than twice `sliceBytes` is cut with `sliceUpdate`
 * (src/core/workspace/update-slices.ts: each slice integrates fully after the ones before it)
 * and applied one slice per macrotask, so I/O callbacks and other rooms' messages run between
 * slices. `sliceUpdate` itself still runs in one task: 0.2 s for 15 MB, 0.3–1.7 s for 45 MB on a
 * busy 2-core machine (bench/room-load.ts).
 *
 * Updates applied to the doc between slices (another process's, through fan-out) integrate as
 * always: one that needs a struct of a later slice waits in the doc's pending structs and is
 * integrated when that slice arrives, as it would if it came over the network.
 */
import * as Y from 'yjs';
import { sliceUpdateOrWhole } from '../src/core/workspace/update-slices.ts';

/**
 * Bytes of stored state applied per macrotask. At 256 KiB the longest slice of a 15 MB
 * workspace applied in 34–55 ms (bench/slices.ts); the host's cache slices are the same size.
 */
export const LOAD_SLICE_BYTES = 256 * 1024;

/**
 * Applies `state` to `doc` with `origin`: whole when it is at most `2 × sliceBytes` (or
 * `sliceBytes` is null), else in slices, one per macrotask. A state `sliceUpdate` cannot cut
 * (or cannot read) is applied whole, so `Y.applyUpdate` judges it as it always did. Throws what
 * `Y.applyUpdate` throws; the doc may then hold the slices before the failing one.
 */
export async function applyStoredState(doc: Y.Doc, state: Uint8Array, origin: unknown, sliceBytes: number | null): Promise<void> {
  if (sliceBytes === null || state.byteLength <= 2 * sliceBytes) {
    Y.applyUpdate(doc, state, origin);
    return;
  }
  const slices = sliceUpdateOrWhole(state, sliceBytes);
  // A yield before the first slice too: cutting took a task of its own.
  for (const slice of slices) {
    await new Promise((resolve) => setImmediate(resolve));
    Y.applyUpdate(doc, slice, origin);
  }
}
