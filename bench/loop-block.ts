/**
 * How long `work` takes and the longest the event loop was blocked meanwhile, seen by a 1 ms
 * ticker (`monitorEventLoopDelay`'s max reported 41 ms for a load the ticker saw block for
 * 187 ms, so it is not used). For bench/room-load.ts and bench/snapshot-stall.ts.
 */
export async function watchLoop<T>(work: () => Promise<T>, settleMs: number): Promise<{ value: T; ms: number; gapMaxMs: number }> {
  // Let the previous run's garbage and timers settle before watching.
  await new Promise((r) => setTimeout(r, settleMs));
  let last = performance.now();
  let gapMaxMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    gapMaxMs = Math.max(gapMaxMs, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  gapMaxMs = 0;
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  // The last stretch (the work's final task) shows up at the next tick.
  await new Promise((r) => setTimeout(r, 50));
  clearInterval(ticker);
  return { value, ms, gapMaxMs };
}
