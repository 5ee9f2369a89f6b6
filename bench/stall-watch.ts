/**
 * Why did the event loop pause? A bench helper (Linux): the main thread writes a heartbeat into
 * shared memory every 2 ms; a watcher thread reads it every millisecond and, while it is late,
 * samples what the main thread is doing from /proc: its scheduler state (R running or waiting
 * for a core, S sleeping, D in uninterruptible I/O), the system call it is in and its wait
 * channel. At the start and end of each late spell it reads every thread's CPU time and
 * run-queue wait (`schedstat`), the main thread's page faults, and the machine's pressure
 * stall totals (`/proc/pressure`), so a pause can be told apart as
 *   - the main thread running (its CPU time grew by about the pause: JavaScript, GC, native work),
 *   - the main thread runnable but not given a core (its run-queue wait grew: the machine),
 *   - the main thread blocked in the kernel (neither grew: a lock, a page fault, I/O, a sync call).
 * Elsewhere than Linux it reports nothing.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface ThreadTime {
  tid: number;
  comm: string;
  nice: number;
  cpuMs: number;
  waitMs: number;
}

export interface Stall {
  /** When the heartbeat was last written before the spell (main thread's performance.now()). */
  from: number;
  to: number;
  ms: number;
  /** Samples of the main thread during the spell, counted by state / system call / wait channel. */
  states: Record<string, number>;
  syscalls: Record<string, number>;
  wchans: Record<string, number>;
  /** The main thread's CPU time and run-queue wait over the observed part of the spell. */
  mainCpuMs: number;
  mainWaitMs: number;
  mainMinorFaults: number;
  mainMajorFaults: number;
  /** Every other thread that used CPU or waited for a core in the spell. */
  threads: ThreadTime[];
  /** Machine-wide pressure stall time (µs → ms, "some") over the spell: cpu, io, memory. */
  pressureMs: { cpu: number; io: number; memory: number };
  /** Milliseconds of the spell the watcher observed (it notices the heartbeat late by a few ms). */
  observedMs: number;
}

// Syscall numbers (x86-64) worth naming in a report; others print as their number.
const SYSCALLS_X64: Record<number, string> = {
  0: 'read', 1: 'write', 3: 'close', 7: 'poll', 9: 'mmap', 11: 'munmap', 17: 'pread64', 18: 'pwrite64', 74: 'fsync', 75: 'fdatasync',
  82: 'rename', 87: 'unlink', 202: 'futex', 232: 'epoll_wait', 257: 'openat', 262: 'newfstatat', 281: 'epoll_pwait', 10: 'mprotect', 12: 'brk', 28: 'madvise', 72: 'fcntl',
};

const WATCHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync, readdirSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const hb = new Float64Array(workerData.heartbeat);
const pid = workerData.pid;
const names = workerData.syscalls;
const read = (p) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
const stat = (tid) => {
  const s = read('/proc/' + pid + '/task/' + tid + '/stat');
  const close = s.lastIndexOf(')');
  const comm = s.slice(s.indexOf('(') + 1, close);
  const f = s.slice(close + 2).split(' ');
  return { comm, state: f[0], minflt: Number(f[7]), majflt: Number(f[9]), nice: Number(f[16]) };
};
const sched = (tid) => { const [cpu, wait] = read('/proc/' + pid + '/task/' + tid + '/schedstat').split(' ').map(Number); return { cpu: cpu || 0, wait: wait || 0 }; };
const pressure = () => {
  const out = {};
  for (const k of ['cpu', 'io', 'memory']) {
    const m = /some .*total=(\\d+)/.exec(read('/proc/pressure/' + k));
    out[k] = m ? Number(m[1]) : 0;
  }
  return out;
};
const threads = () => {
  const t = new Map();
  for (const tid of readdirSync('/proc/' + pid + '/task')) {
    const s = stat(tid);
    t.set(Number(tid), { comm: s.comm, nice: s.nice, ...sched(tid) });
  }
  return t;
};
const me = Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]);
const stalls = [];
let open = null;
const LATE = workerData.lateMs;
setInterval(() => {
  const now = performance.timeOrigin + performance.now();
  const last = hb[0];
  if (last === 0) return;
  const late = now - last;
  if (late > LATE) {
    if (!open) {
      const m = stat(pid);
      open = { from: last, seen: now, states: {}, syscalls: {}, wchans: {}, threads: threads(), pressure: pressure(), minflt: m.minflt, majflt: m.majflt };
    }
    const s = stat(pid);
    open.states[s.state] = (open.states[s.state] || 0) + 1;
    const sc = read('/proc/' + pid + '/task/' + pid + '/syscall').split(' ')[0].trim();
    const scName = sc === 'running' ? 'running' : (names[sc] || ('syscall ' + sc));
    open.syscalls[scName] = (open.syscalls[scName] || 0) + 1;
    const w = read('/proc/' + pid + '/task/' + pid + '/wchan').trim() || '0';
    open.wchans[w] = (open.wchans[w] || 0) + 1;
  } else if (open) {
    const endThreads = threads();
    const endPressure = pressure();
    const m = stat(pid);
    const list = [];
    let mainCpu = 0, mainWait = 0;
    for (const [tid, e] of endThreads) {
      const b = open.threads.get(tid) || { cpu: e.cpu, wait: e.wait };
      const cpuMs = (e.cpu - b.cpu) / 1e6, waitMs = (e.wait - b.wait) / 1e6;
      if (tid === pid) { mainCpu = cpuMs; mainWait = waitMs; continue; }
      if (tid === me) continue;
      if (cpuMs + waitMs >= 0.5) list.push({ tid, comm: e.comm, nice: e.nice, cpuMs, waitMs });
    }
    list.sort((a, b) => b.cpuMs + b.waitMs - (a.cpuMs + a.waitMs));
    stalls.push({
      from: open.from, to: last, states: open.states, syscalls: open.syscalls, wchans: open.wchans,
      mainCpuMs: mainCpu, mainWaitMs: mainWait, mainMinorFaults: m.minflt - open.minflt, mainMajorFaults: m.majflt - open.majflt,
      threads: list, observedMs: now - open.seen,
      pressureMs: { cpu: (endPressure.cpu - open.pressure.cpu) / 1000, io: (endPressure.io - open.pressure.io) / 1000, memory: (endPressure.memory - open.pressure.memory) / 1000 },
    });
    open = null;
  }
}, 1);
parentPort.on('message', () => parentPort.postMessage(stalls.splice(0)));
`;

export interface StallWatch {
  /** The late spells since the last call (or the start), longest first, at least `minMs` long. */
  take(minMs: number): Promise<Stall[]>;
  stop(): Promise<void>;
}

/** Starts the heartbeat and the watcher; `lateMs` is how late the heartbeat must be to count (default 8 ms). */
export function watchStalls(lateMs = 8): StallWatch | undefined {
  if (process.platform !== 'linux' || !existsSync('/proc/thread-self')) return undefined;
  const shared = new SharedArrayBuffer(8);
  const hb = new Float64Array(shared);
  const beat = () => {
    hb[0] = performance.timeOrigin + performance.now();
  };
  beat();
  const timer = setInterval(beat, 2);
  timer.unref();
  const syscalls = process.arch === 'x64' ? SYSCALLS_X64 : {};
  const worker = new Worker(WATCHER, { eval: true, workerData: { heartbeat: shared, pid: process.pid, lateMs, syscalls } });
  worker.unref();
  const toMain = (t: number) => t - performance.timeOrigin;
  return {
    take: (minMs) =>
      new Promise((resolve) => {
        worker.once('message', (raw: (Omit<Stall, 'ms'> & { from: number; to: number })[]) => {
          const list = raw.map((s) => {
            const from = toMain(s.from);
            // `to` is the first fresh heartbeat seen after the spell: the spell ended before it.
            const to = toMain(s.to);
            return { ...s, from, to, ms: to - from };
          });
          resolve(list.filter((s) => s.ms >= minMs).sort((a, b) => b.ms - a.ms));
        });
        worker.postMessage('take');
      }),
    async stop() {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}

const top = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');

/**
 * What a late spell was, from the larger share of the part the watcher observed: the main
 * thread on a core, waiting in the run queue for one, or neither (sleeping or blocked in the
 * kernel: the system calls and wait channels say where). A watcher that itself got few samples
 * in the spell was starved too: the machine.
 */
export function verdict(s: Stall): string {
  const blocked = Math.max(0, s.observedMs - s.mainCpuMs - s.mainWaitMs);
  const samples = Object.values(s.states).reduce((a, b) => a + b, 0);
  const starved = samples < s.observedMs / 4 ? ', the watcher starved too' : '';
  if (s.mainCpuMs >= s.mainWaitMs && s.mainCpuMs >= blocked) return `main thread running${starved}`;
  if (s.mainWaitMs >= blocked) return `main thread waiting for a core${starved}`;
  const call = Object.entries(s.syscalls).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
  return `main thread blocked in the kernel (${call})${starved}`;
}

/** One line (plus one for the other threads) saying what a late spell was. */
export function describeStall(s: Stall): string {
  const others = s.threads
    .slice(0, 5)
    .map((t) => `${t.tid}${t.comm === 'node' ? '' : `(${t.comm})`}${t.nice !== 0 ? ` nice ${t.nice}` : ''}: cpu ${t.cpuMs.toFixed(1)}, wait ${t.waitMs.toFixed(1)}`)
    .join('; ');
  return (
    `${s.ms.toFixed(1)} ms at ${(s.from / 1000).toFixed(3)} s — ${verdict(s)}. Observed ${s.observedMs.toFixed(1)} ms: cpu ${s.mainCpuMs.toFixed(1)}, ` +
    `run-queue wait ${s.mainWaitMs.toFixed(1)}, page faults ${s.mainMinorFaults} (${s.mainMajorFaults} major); states ${top(s.states)}; syscalls ${top(s.syscalls)}; wchan ${top(s.wchans)}; ` +
    `machine pressure ("some") cpu ${s.pressureMs.cpu.toFixed(1)}, io ${s.pressureMs.io.toFixed(1)}, memory ${s.pressureMs.memory.toFixed(1)} ms\n      other threads: ${others || 'none'}`
  );
}
