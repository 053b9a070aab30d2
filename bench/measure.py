"""Runs one command and prints how long it ran and its peak resident set, as the kernel accounts them.

    python3 bench/measure.py <command> [args...]

Prints one JSON line on stderr after the command's own output: {"wallMs", "maxRssKiB", "status"}. The wall
time runs from just before the process is started to its exit (process start, module loading and exit
included); maxRssKiB is wait4()'s ru_maxrss: the largest resident set of the process or of any descendant it
waited for (not their sum).
"""
import json
import os
import subprocess
import sys
import time

t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(p.pid, 0)
t1 = time.perf_counter()
print("@@bench-measure " + json.dumps({
    "wallMs": (t1 - t0) * 1000, "maxRssKiB": usage.ru_maxrss, "status": os.waitstatus_to_exitcode(status),
}), file=sys.stderr, flush=True)
sys.exit(0 if os.waitstatus_to_exitcode(status) == 0 else 1)
