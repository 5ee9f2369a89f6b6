#!/usr/bin/env python3
"""Whom did the server's event loop wait behind? (bench:backup, Linux, needs `perf`.)

Record the bench with the scheduler's events, stamped with CLOCK_MONOTONIC (the clock the bench
prints its phases in):

    perf record -k CLOCK_MONOTONIC -a -e sched:sched_switch -e sched:sched_waking -o sched.data -- \
      npx tsx bench/backup.ts --no-stall-watch > run.txt
    perf script -i sched.data -F pid,tid,cpu,time,event,trace > sched.txt
    python3 bench/sched-blame.py sched.txt run.txt

For every wakeup of the main thread (and every time it was preempted while runnable), the time
until it ran again is blamed on the task it then replaced on its CPU, i.e. the one it waited
behind. Per phase it prints the total and the longest wait, by culprit: the backup's reader
thread (a thread of the process at a lower priority than the main one that first ran in the backup
phase; a lowered one seen before is the checkpoint thread or the stall watcher), V8's platform threads (the
process's five lowest thread ids after the main one's: V8's workers and its delayed-task thread,
made at startup: GC helpers and optimizing compiles, shared
by every isolate of the process), other threads of the process (by their id's offset from the
main thread), other processes, and an idle CPU (the time a halted virtual CPU takes to wake).
"""
import collections
import re
import sys

from backup_phases import read_phases

EVENT = re.compile(r'\s*(\d+)/(-?\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)')


def main(trace_path: str, run_path: str) -> None:
    main_tid, phases = read_phases(run_path)
    process_of: dict[int, int] = {}
    first_seen: dict[int, float] = {}
    waits = []  # (since, ran, culprit tid, culprit prio)
    since = None
    for line in open(trace_path):
        e = EVENT.match(line)
        if not e:
            continue
        pid, tid, t, event, rest = int(e[1]), int(e[2]), float(e[4]), e[5], e[6]
        process_of[tid] = pid
        first_seen.setdefault(tid, t)
        if event == 'sched_waking':
            if f' pid={main_tid} ' in rest and since is None:
                since = t
        elif event == 'sched_switch':
            prev = int(re.search(r'prev_pid=(\d+)', rest)[1])
            nxt = int(re.search(r'next_pid=(\d+)', rest)[1])
            prev_prio = int(re.search(r'prev_prio=(\d+)', rest)[1])
            if nxt == main_tid and since is not None:
                waits.append((since, t, prev, prev_prio))
                since = None
            if prev == main_tid and 'prev_state=R' in rest and since is None:
                since = t  # preempted: runnable from now on

    # V8's platform threads are the first the process makes (four workers and a delayed-task
    # thread, at startup): its five lowest thread ids after the main one's.
    platform = set(sorted(t for t, p in process_of.items() if p == main_tid and t != main_tid)[:5])
    backup_start = next((a for name, a, _ in phases if name == 'backup'), float('inf'))

    def culprit(tid: int, prio: int) -> str:
        if tid == 0:
            return 'idle CPU'
        if process_of.get(tid) != main_tid:
            return 'other processes'
        if prio > 120:
            # Lowered: the backup's reader starts in the backup phase; one seen before it is the
            # checkpoint thread or the stall watcher (both lowered too).
            return 'reader thread (lowered)' if first_seen.get(tid, 0) >= backup_start - 0.05 else 'checkpoint thread or stall watcher (lowered)'
        if tid in platform:
            return 'V8 platform threads'
        return f'thread main+{tid - main_tid}'

    for name, start, end in phases:
        by: dict[str, list[float]] = collections.defaultdict(list)
        for a, b, tid, prio in waits:
            if start <= a < end:
                by[culprit(tid, prio)].append((b - a) * 1000)
        total = sum(sum(v) for v in by.values())
        longest = max((max(v) for v in by.values()), default=0)
        parts = '; '.join(f'{k} {sum(v):.0f} ms (longest {max(v):.1f})' for k, v in sorted(by.items(), key=lambda kv: -sum(kv[1])))
        print(f'{name}: {sum(len(v) for v in by.values())} wakeups, waited {total:.0f} ms in all, longest {longest:.1f} ms; behind: {parts}')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: sched-blame.py SCHED_SCRIPT_OUTPUT BENCH_OUTPUT')
    main(sys.argv[1], sys.argv[2])
