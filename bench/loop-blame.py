#!/usr/bin/env python3
"""What made the server's event loop late? (bench:backup, Linux, needs `perf`.)

Where bench/sched-blame.py sums the main thread's waits for a core, this cuts the main thread's
time into event-loop iterations (from one return of `epoll_pwait` to the next) and says, for the
longest ones of each phase, what the iteration was made of: the thread running, waiting for a
core (behind whom), blocked in the kernel (state D: a page fault waiting for the memory map's
lock, a disk wait), asleep elsewhere than in `epoll_pwait` (a futex: a GC waiting for its helper
threads), or idle in `epoll_pwait`; and how many page faults it took, of them writes to a present
page (error code 0x7: copy-on-write after a fork, or a page a fork write-protected), and whether a
process of the server forked or a child exec'd in it.

    perf record -k CLOCK_MONOTONIC -a -e sched:sched_switch -e sched:sched_waking \
      -e syscalls:sys_enter_epoll_pwait -e syscalls:sys_exit_epoll_pwait \
      -e exceptions:page_fault_user -e sched:sched_process_fork -e sched:sched_process_exec \
      -o loop.data -- npx tsx bench/backup.ts --no-stall-watch > run.txt
    perf script -i loop.data -F pid,tid,cpu,time,event,trace > loop.txt
    python3 bench/loop-blame.py loop.txt run.txt

An iteration's "busy" time is the iteration less its idle time in `epoll_pwait`: a timer due in
it fires at most that late, so the longest busy iterations are the phase's longest pauses.
"""
import collections
import re
import sys

from backup_phases import read_phases

EVENT = re.compile(r'\s*(\d+)/(-?\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\w+):(\w+):\s*(.*)')


def main(trace_path: str, run_path: str, top: int = 4) -> None:
    main_tid, phases = read_phases(run_path)
    process_of: dict[int, int] = {}
    comm_of: dict[int, str] = {}
    children: set[int] = set()  # processes the server forked (and their threads)

    iterations = []  # dicts
    cur = None
    state = 'run'  # main thread: run | wait | sleep-epoll | sleep-D | sleep-S
    since = None
    in_epoll = False
    forks, execs = [], []
    server_faults = []  # (t, tid, wp)

    wait_cpu = -1

    def account(t: float) -> None:
        # Closes the main thread's current spell (a wait is blamed as it goes, in blame()).
        nonlocal since
        if cur is not None and since is not None and state != 'wait':
            cur['parts'][state] += (t - since) * 1000
        since = t

    def blame(t: float, tid: int, prio: int) -> None:
        # While the main thread waits for a core, each task that runs on the CPU it is queued on
        # is blamed for the time it ran (not only the one it finally replaced).
        nonlocal since
        if cur is not None and since is not None:
            cur['parts'][f'wait behind {who(tid, prio)}'] += (t - since) * 1000
        since = t

    def who(tid: int, prio: int) -> str:
        if tid == 0:
            return 'idle CPU'
        pid = process_of.get(tid)
        if pid == main_tid:
            if prio > 120:
                return 'lowered thread of the server (reader/checkpoint)'
            return f'server thread main+{tid - main_tid}'
        if pid in children:
            return 'child of the server (reader process)'
        return f'other process ({comm_of.get(tid, "?")})'

    for line in open(trace_path):
        e = EVENT.match(line)
        if not e:
            continue
        pid, tid, t, event, rest = int(e[1]), int(e[2]), float(e[4]), e[6], e[7]
        process_of[tid] = pid
        if event == 'sched_process_fork':
            # A thread's creation is a fork event too: which of these were processes shows at the
            # end (a process's own events carry its id as their pid).
            if pid == main_tid or pid in children:
                child = int(re.search(r'child_pid=(\d+)', rest)[1])
                children.add(child)
                if pid == main_tid:
                    forks.append((t, child))
        elif event == 'sched_process_exec':
            if pid in children:
                execs.append((t, re.search(r'filename=(\S+)', rest)[1]))
        elif event == 'page_fault_user':
            if pid == main_tid:
                code = int(re.search(r'error_code=(0x[0-9a-f]+)', rest)[1], 16)
                server_faults.append((t, tid, code & 0x3 == 0x3))
                if tid == main_tid and cur is not None:
                    cur['faults'] += 1
                    cur['wp'] += code & 0x3 == 0x3
        elif tid == main_tid and event == 'sys_enter_epoll_pwait':
            in_epoll = True
        elif tid == main_tid and event == 'sys_exit_epoll_pwait':
            account(t)
            in_epoll = False
            cur = {'start': t, 'parts': collections.defaultdict(float), 'faults': 0, 'wp': 0}
            iterations.append(cur)
        elif event == 'sched_waking':
            if f' pid={main_tid} ' in rest and state.startswith('sleep'):
                account(t)
                state = 'wait'
                wait_cpu = int(re.search(r'target_cpu=(\d+)', rest)[1])
        elif event == 'sched_switch':
            cpu = int(e[3])
            prev = int(re.search(r'prev_pid=(\d+)', rest)[1])
            nxt = int(re.search(r'next_pid=(\d+)', rest)[1])
            prev_prio = int(re.search(r'prev_prio=(\d+)', rest)[1])
            comm_of[prev] = re.search(r'prev_comm=(.*?) prev_pid=', rest)[1]
            if prev == main_tid:
                account(t)
                ps = re.search(r'prev_state=(\S+)', rest)[1]
                state = 'wait' if ps.startswith('R') else ('sleep-epoll' if in_epoll else ('sleep-D' if 'D' in ps else 'sleep-S'))
                wait_cpu = cpu
            elif state == 'wait' and (cpu == wait_cpu or nxt == main_tid):
                blame(t, prev, prev_prio)
            if nxt == main_tid:
                state = 'run'

    forks = [(t, c) for t, c in forks if process_of.get(c) == c]
    for it, nxt in zip(iterations, iterations[1:]):
        it['end'] = nxt['start']
        parts = it['parts']
        it['busy'] = (it['end'] - it['start']) * 1000 - parts.get('sleep-epoll', 0)
    iterations = [i for i in iterations if 'end' in i]

    for name, start, end in phases:
        its = [i for i in iterations if start <= i['start'] < end]
        total = collections.defaultdict(float)
        for i in its:
            for k, v in i['parts'].items():
                total[k] += v
        wp = sum(1 for t, _, w in server_faults if start <= t < end and w)
        wp_main = sum(i['wp'] for i in its)
        f = [x for x in forks if start <= x[0] < end]
        print(f'{name}: {len(its)} iterations; main thread ran {total["run"]:.0f} ms, waited for a core '
              f'{sum(v for k, v in total.items() if k.startswith("wait")):.0f} ms, blocked (D) {total["sleep-D"]:.1f} ms, '
              f'asleep outside epoll {total["sleep-S"]:.1f} ms; write faults on present pages: main thread {wp_main}, '
              f'whole server {wp}; forks by the server {len(f)}')
        for i in sorted(its, key=lambda i: -i['busy'])[:top]:
            parts = ', '.join(f'{k} {v:.1f}' for k, v in sorted(i['parts'].items(), key=lambda kv: -kv[1]) if v >= 0.05)
            near = [f'fork @{(t - i["start"]) * 1000:+.1f} ms' for t, _ in forks if i['start'] - 0.02 <= t <= i['end']]
            near += [f'exec {fn} @{(t - i["start"]) * 1000:+.1f} ms' for t, fn in execs if i['start'] - 0.02 <= t <= i['end']]
            print(f'  {i["busy"]:5.1f} ms busy at +{(i["start"] - start):.3f} s: {parts}; faults {i["faults"]} ({i["wp"]} write-protect)'
                  + (f'; {", ".join(near)}' if near else ''))


if __name__ == '__main__':
    if len(sys.argv) not in (3, 4):
        sys.exit('usage: loop-blame.py PERF_SCRIPT_OUTPUT BENCH_OUTPUT [TOP]')
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 4)
