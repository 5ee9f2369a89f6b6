/**
 * Background threads yield the cores to the server's event loop. Linux gives each thread its own
 * nice value, and a thread starts with its creator's; a worker that lowers itself from its own
 * first line has by then run Node's bootstrap and its `require`s (20–50 ms of CPU) at the
 * server's priority. So the starter lowers it: the thread exists once `new Worker` returns, and it
 * is the one id in `/proc/self/task` that was not there before. Only when exactly one id is new,
 * so no other thread is ever touched. Elsewhere than Linux, or if refused, nothing changes.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { Worker } from 'node:worker_threads';

/** Ten steps below the calling thread (a server started with `nice` is at 10 already), at most 19. */
export function backgroundNice(): number {
  return Math.min(19, getPriority() + 10);
}

function threadIds(): Set<number> | undefined {
  try {
    return new Set(readdirSync('/proc/self/task').map(Number));
  } catch {
    return undefined;
  }
}

/** Makes a worker with `make` and sets its thread's nice value to `nice` before it runs much. */
export function startLowered(make: () => Worker, nice: number = backgroundNice()): Worker {
  const before = threadIds();
  const worker = make();
  const after = before && threadIds();
  if (!before || !after) return worker;
  const added = [...after].filter((tid) => !before.has(tid));
  if (added.length === 1) {
    try {
      setPriority(added[0]!, nice);
    } catch {
      // Refused (lowering needs no privilege, but a sandbox may forbid it): it runs at the server's priority.
    }
  }
  return worker;
}
