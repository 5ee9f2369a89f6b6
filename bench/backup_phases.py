"""The phases a bench:backup run printed, for the scripts that cut a perf trace into them
(sched-blame.py, loop-blame.py): the server's main thread id and each phase's CLOCK_MONOTONIC span."""
import re
import sys


def read_phases(run_path: str) -> tuple[int, list[tuple[str, float, float]]]:
    run = open(run_path).read()
    m = re.search(r'phases \(monotonic s, main thread (\d+)\): (.*)', run)
    if not m:
        sys.exit(f'{run_path}: no "phases (monotonic s, main thread N)" line; is it bench:backup output?')
    phases = [(name, float(a), float(b)) for name, a, b in re.findall(r'(\w+) ([\d.]+)–([\d.]+)', m[2])]
    return int(m[1]), phases
