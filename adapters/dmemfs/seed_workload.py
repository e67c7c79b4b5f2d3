#!/usr/bin/env python3
"""The seed stress workload (shared/seeds/000_*.txt, "Thread-Safe Tests Look Like This") run on
D-MemFS itself, for a side-by-side timing with the Rust core.

Exactly the seed's workload: one MemoryFileSystem(max_quota=50 MiB) per run, 50 threads, each
doing 1000 iterations of

    mfs.mkdir(f"/thread_{thread_id}", exist_ok=True)
    with mfs.open(f"/thread_{thread_id}/file_{i}.txt", "wb") as f:
        f.write(f"data-{thread_id}-{i}".encode())
    with mfs.open(path, "rb") as f:
        data = f.read()
    assert data == f"data-{thread_id}-{i}".encode()

with every exception collected (the seed's `errors` list). The wall time of a run is measured
with time.perf_counter from just before the first thread starts to just after the last one is
joined (the filesystem is built before). Prints one JSON line: the best of N runs in
milliseconds, every run's time, and the verification counts. Exits 1 if any read-back differed
from what was written or any iteration raised.

    adapters/dmemfs/.venv/bin/python adapters/dmemfs/seed_workload.py [N]    (N runs, default 5)
"""

from __future__ import annotations

import json
import sys
import threading
import time

import dmemfs
from dmemfs import MemoryFileSystem

THREADS = 50
ITERATIONS = 1000
QUOTA = 50 * 1024 * 1024


def one_run() -> tuple[float, int, list]:
    mfs = MemoryFileSystem(max_quota=QUOTA)
    errors: list = []
    mismatches: list = []

    def worker(thread_id: int) -> None:
        for i in range(ITERATIONS):
            path = f"/thread_{thread_id}/file_{i}.txt"
            try:
                mfs.mkdir(f"/thread_{thread_id}", exist_ok=True)
                with mfs.open(path, "wb") as f:
                    f.write(f"data-{thread_id}-{i}".encode())
                with mfs.open(path, "rb") as f:
                    data = f.read()
                if data != f"data-{thread_id}-{i}".encode():
                    mismatches.append((path, data))
            except Exception as e:  # the seed collects every exception
                errors.append("%s: %s: %s" % (path, type(e).__name__, e))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed_ms = (time.perf_counter() - start) * 1000.0

    # after the run: every file is still there with its own content
    stored = mfs.export_tree("/")
    for tid in range(THREADS):
        for i in range(ITERATIONS):
            path = f"/thread_{tid}/file_{i}.txt"
            if stored.get(path) != f"data-{tid}-{i}".encode():
                mismatches.append((path, stored.get(path)))
    return elapsed_ms, len(stored), errors + ["read-back mismatch at %s: %r" % m for m in mismatches]


def main(argv: list) -> int:
    try:
        runs = int(argv[1]) if len(argv) > 1 else 5
        if runs < 1:
            raise ValueError
    except ValueError:
        sys.stderr.write("usage: seed_workload.py [N]   (N >= 1 runs, default 5)\n")
        return 2
    times = []
    problems: list = []
    files = 0
    for _ in range(runs):
        ms, files, errs = one_run()
        times.append(round(ms, 3))
        problems.extend(errs)
    result = {
        "workload": "seed 000: %d threads x %d iterations of mkdir(exist_ok) + write wb + read rb"
                    % (THREADS, ITERATIONS),
        "subject": "D-MemFS %s" % dmemfs.__version__,
        "python": sys.version.split()[0],
        "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "runs": runs,
        "best_ms": min(times),
        "times_ms": times,
        "files_per_run": files,
        "verified": not problems,
        "problems": len(problems),
    }
    print(json.dumps(result))
    if problems:
        for p in problems[:20]:
            sys.stderr.write(p + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
