/**
 * Where the machine's CPU went during a bench phase (Linux): the main thread's CPU time and
 * run-queue wait (`/proc/thread-self/schedstat`, ns), the process's other threads (process total
 * from `/proc/self/stat`, which keeps the time of threads that have ended, minus the main
 * thread), the part of those that ran at a lower priority than the main thread (a backup's reader
 * thread: its own nice value, sampled per thread every 50 ms), and every other process on the
 * machine (`/proc/stat` busy time minus this process). A pause ratio from a phase in which other
 * processes took a core's worth of CPU says little about what a backup did; these say which
 * phases were fair.
 * Elsewhere than Linux it reports nothing.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

export interface CpuAccount {
  /** Wall-clock length of the phase. */
  ms: number;
  mainCpuMs: number;
  mainWaitMs: number;
  /** The process's threads other than the main one, of which `lowPriorityMs` ran with a higher nice than the main thread. */
  otherThreadsMs: number;
  lowPriorityMs: number;
  /** CPU of another process accounted apart (a backup's reader process, or the bench's clients when the server runs in its own process), when given one. */
  childMs: number;
  /** CPU used by other processes on the machine, and the machine's capacity over the phase (cores × ms). */
  otherProcessesMs: number;
  capacityMs: number;
}

const read = (p: string) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
};
const TICK_MS = 10; // USER_HZ is 100 on every Linux build Node supports
const statFields = (text: string) => text.slice(text.lastIndexOf(')') + 2).split(' ');
const processTicks = () => {
  const f = statFields(read('/proc/self/stat'));
  return Number(f[11]) + Number(f[12]);
};
const machine = () => {
  const f = read('/proc/stat').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: f.reduce((a, b) => a + b, 0) - idle - (f[8] ?? 0) };
};
const mainSched = () => {
  const [cpu = 0, wait = 0] = read(`/proc/${process.pid}/task/${process.pid}/schedstat`).split(' ').map(Number);
  return { cpu, wait };
};

export interface CpuMeter {
  /** Starts a phase's account; the returned function ends it. */
  begin(): () => CpuAccount;
  stop(): void;
}

/** `child`: the process id of a long-lived process to account apart from "other processes" (a backup's reader process, or the bench's clients), if any. */
export function cpuMeter(child: () => number | undefined = () => undefined): CpuMeter | undefined {
  if (process.platform !== 'linux' || !existsSync('/proc/self/stat')) return undefined;
  const cores = read('/proc/stat').split('\n').filter((l) => /^cpu\d/.test(l)).length || 1;
  const mainNice = () => Number(statFields(read(`/proc/${process.pid}/task/${process.pid}/stat`))[16]);
  // Per-thread CPU of lower-priority threads, summed from 50 ms samples (a thread that ends loses
  // at most its last 50 ms).
  const seen = new Map<number, number>();
  let low = 0;
  const sample = () => {
    const nice = mainNice();
    for (const tid of readdirSync('/proc/self/task')) {
      const t = Number(tid);
      if (t === process.pid) continue;
      const f = statFields(read(`/proc/self/task/${tid}/stat`));
      if (f.length < 17) continue;
      const ns = Number(read(`/proc/self/task/${tid}/schedstat`).split(' ')[0]) || 0;
      const before = seen.get(t);
      seen.set(t, ns);
      if (Number(f[16]) > nice && before !== undefined) low += (ns - before) / 1e6;
      else if (Number(f[16]) > nice) low += ns / 1e6; // started since the last sample
    }
  };
  sample();
  const timer = setInterval(sample, 50);
  timer.unref();
  return {
    begin() {
      sample();
      const t0 = performance.now();
      const p0 = processTicks();
      const m0 = machine();
      const s0 = mainSched();
      const l0 = low;
      const pid = child();
      const childTicks = () => {
        if (pid === undefined) return 0;
        const f = statFields(read(`/proc/${pid}/stat`));
        return f.length > 12 ? Number(f[11]) + Number(f[12]) : 0;
      };
      const c0 = childTicks();
      return () => {
        sample();
        const ms = performance.now() - t0;
        const own = (processTicks() - p0) * TICK_MS;
        const s1 = mainSched();
        const mainCpuMs = (s1.cpu - s0.cpu) / 1e6;
        const childMs = Math.max(0, childTicks() - c0) * TICK_MS;
        return {
          ms,
          mainCpuMs,
          mainWaitMs: (s1.wait - s0.wait) / 1e6,
          otherThreadsMs: Math.max(0, own - mainCpuMs),
          lowPriorityMs: low - l0,
          childMs,
          otherProcessesMs: Math.max(0, (machine().busy - m0.busy) * TICK_MS - own - childMs),
          capacityMs: ms * cores,
        };
      };
    },
    stop: () => clearInterval(timer),
  };
}
