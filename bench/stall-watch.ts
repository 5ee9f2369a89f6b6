/**
 * Why did the event loop pause? A bench helper (Linux). Every 2 ms the main thread notes the
 * time and its own CPU time and run-queue wait (`/proc/thread-self/schedstat`); a beat that
 * comes late closes a spell whose CPU and wait it knows exactly, so a pause is told apart as
 *   - the main thread running (its CPU time grew by about the pause: JavaScript, GC, native work),
 *   - the main thread runnable but not given a core (its run-queue wait grew: the machine),
 *   - neither: asleep or blocked in the kernel (a sync call, a lock, I/O, a GC helper it waits for).
 * For the last, a watcher thread reads the beat every millisecond and, while it is late,
 * samples the main thread from /proc: its state (R, S, D), the system call it is in and its
 * wait channel; over its spell it also reads every thread's CPU time and run-queue wait, the
 * main thread's page faults and the machine's pressure stall totals (`/proc/pressure`). The
 * watcher can be kept off a core too (then it saw little of the spell, and says how much).
 * Elsewhere than Linux it reports nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
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
  /** The last beat before the spell and the first after it (main thread's performance.now()). */
  from: number;
  to: number;
  ms: number;
  /** Samples of the main thread during the spell, counted by state / system call / wait channel. */
  states: Record<string, number>;
  syscalls: Record<string, number>;
  wchans: Record<string, number>;
  /** The main thread's CPU time and run-queue wait over the whole spell. */
  mainCpuMs: number;
  mainWaitMs: number;
  mainMinorFaults: number;
  mainMajorFaults: number;
  /** Every other thread that used CPU or waited for a core in the spell. */
  threads: ThreadTime[];
  /** Machine-wide pressure stall time (µs → ms, "some") over the spell: cpu, io, memory. */
  pressureMs: { cpu: number; io: number; memory: number };
  /** Milliseconds of the spell the watcher observed (it notices the beat late by a few ms, or more when kept off a core). */
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
// Ten nice steps below the main thread: at its priority this thread, waking every millisecond and
// reading every thread's /proc files while the main thread is late, was what the main thread
// waited behind for 26-107 ms per phase (bench/sched-blame.py), most in a backup, whose reader
// leaves one core for both. The main thread's verdict (running, waiting, blocked) comes from its
// own schedstat and stays exact; only the details sampled here can come later under load.
try { require('node:os').setPriority(me, Math.min(19, require('node:os').getPriority(me) + 10)); } catch {}
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

type Spell = Omit<Stall, 'ms' | 'mainCpuMs' | 'mainWaitMs'>;

/** Starts the heartbeat and the watcher; `lateMs` is how late a beat must be to count (default 8 ms). */
export function watchStalls(lateMs = 8): StallWatch | undefined {
  if (process.platform !== 'linux' || !existsSync('/proc/thread-self/schedstat')) return undefined;
  const shared = new SharedArrayBuffer(8);
  const hb = new Float64Array(shared);
  const schedstat = () => {
    const [cpu = 0, wait = 0] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { cpu, wait };
  };
  let last = { t: performance.now(), ...schedstat() };
  const gaps: { from: number; to: number; cpuMs: number; waitMs: number }[] = [];
  const beat = () => {
    const t = performance.now();
    hb[0] = performance.timeOrigin + t;
    const s = schedstat();
    if (t - last.t > lateMs) gaps.push({ from: last.t, to: t, cpuMs: (s.cpu - last.cpu) / 1e6, waitMs: (s.wait - last.wait) / 1e6 });
    last = { t, ...s };
  };
  beat();
  const timer = setInterval(beat, 2);
  timer.unref();
  const syscalls = process.arch === 'x64' ? SYSCALLS_X64 : {};
  const worker = new Worker(WATCHER, { eval: true, workerData: { heartbeat: shared, pid: process.pid, lateMs, syscalls } });
  worker.unref();
  const toMain = (t: number) => t - performance.timeOrigin;
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  };
  return {
    take: (minMs) =>
      new Promise((resolve) => {
        worker.once('message', (raw: Spell[]) => {
          const spells = raw.map((s) => ({ ...s, from: toMain(s.from), to: toMain(s.to) }));
          const list = gaps.splice(0).filter((g) => g.to - g.from >= minMs).map((g): Stall => {
            const stall: Stall = {
              from: g.from, to: g.to, ms: g.to - g.from, mainCpuMs: g.cpuMs, mainWaitMs: g.waitMs,
              states: {}, syscalls: {}, wchans: {}, mainMinorFaults: 0, mainMajorFaults: 0, threads: [], pressureMs: { cpu: 0, io: 0, memory: 0 }, observedMs: 0,
            };
            const threads = new Map<number, ThreadTime>();
            // The watcher's spell ends at the first fresh beat it reads: the same gap, give or take a beat.
            for (const s of spells.filter((x) => x.from < g.to - 1 && x.to > g.from + 1)) {
              add(stall.states, s.states);
              add(stall.syscalls, s.syscalls);
              add(stall.wchans, s.wchans);
              stall.mainMinorFaults += s.mainMinorFaults;
              stall.mainMajorFaults += s.mainMajorFaults;
              stall.observedMs += s.observedMs;
              for (const k of ['cpu', 'io', 'memory'] as const) stall.pressureMs[k] += s.pressureMs[k];
              for (const t of s.threads) {
                const had = threads.get(t.tid);
                threads.set(t.tid, had ? { ...had, cpuMs: had.cpuMs + t.cpuMs, waitMs: had.waitMs + t.waitMs } : { ...t });
              }
            }
            stall.threads = [...threads.values()].sort((a, b) => b.cpuMs + b.waitMs - (a.cpuMs + a.waitMs));
            return stall;
          });
          resolve(list.sort((a, b) => b.ms - a.ms));
        });
        worker.postMessage('take');
      }),
    async stop() {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}

/**
 * What a late spell was, from the main thread's own account of it: on a core, waiting in the run
 * queue for one, or neither (asleep or blocked in the kernel: the watcher's samples say where,
 * when it was running itself).
 */
export function verdict(s: Stall): string {
  const blocked = Math.max(0, s.ms - s.mainCpuMs - s.mainWaitMs);
  if (s.mainCpuMs >= s.mainWaitMs && s.mainCpuMs >= blocked) return 'main thread running';
  if (s.mainWaitMs >= blocked) return 'main thread waiting for a core';
  const call = Object.entries(s.syscalls).filter(([k]) => k !== 'running').sort((a, b) => b[1] - a[1])[0]?.[0];
  return `main thread blocked in the kernel${call ? ` (mostly ${call})` : ''}`;
}

const top = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}×${n}`)
    .join(' ') || 'none';

/** One line (plus one for the other threads) saying what a late spell was. */
export function describeStall(s: Stall): string {
  const others = s.threads
    .slice(0, 5)
    .map((t) => `${t.tid}${t.comm === 'node' ? '' : `(${t.comm})`}${t.nice !== 0 ? ` nice ${t.nice}` : ''}: cpu ${t.cpuMs.toFixed(1)}, wait ${t.waitMs.toFixed(1)}`)
    .join('; ');
  return (
    `${s.ms.toFixed(1)} ms at ${(s.from / 1000).toFixed(3)} s — ${verdict(s)}: cpu ${s.mainCpuMs.toFixed(1)}, run-queue wait ${s.mainWaitMs.toFixed(1)} ms. ` +
    `The watcher saw ${s.observedMs.toFixed(1)} ms of it: states ${top(s.states)}; syscalls ${top(s.syscalls)}; wchan ${top(s.wchans)}; page faults ${s.mainMinorFaults} (${s.mainMajorFaults} major); ` +
    `machine pressure ("some") cpu ${s.pressureMs.cpu.toFixed(1)}, io ${s.pressureMs.io.toFixed(1)}, memory ${s.pressureMs.memory.toFixed(1)} ms\n      other threads: ${others || 'none'}`
  );
}
