"""Sweep every registered task: generate + solve + verify, N seeds each.

Prints problems/s and verdicts/s per domain, the total wall time, and the
slowest tasks. Run: ``python bench/bench_tasks.py [--seeds 10] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor


def _init() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def sweep_task(task_id: str, seeds: int) -> tuple[str, float, float, int]:
    """(id, generate seconds, solve+verify seconds, failures) for one task."""
    import bootcamp

    task = bootcamp.get_task(task_id)
    gen = ver = 0.0
    failures = 0
    for seed in range(seeds):
        t0 = time.perf_counter()
        problem = task.problem(seed)
        t1 = time.perf_counter()
        verdict = task.verify(task.format_answer(task.solve(problem.identity)), problem.identity)
        ver += time.perf_counter() - t1
        gen += t1 - t0
        failures += not verdict.correct
    return task_id, gen, ver, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pattern", default=None, help="only ids matching this glob")
    args = parser.parse_args()

    import bootcamp

    ids = bootcamp.list_tasks(args.pattern)
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers, initializer=_init) as pool:
        results = list(pool.map(sweep_task, ids, [args.seeds] * len(ids), chunksize=8))
    wall = time.perf_counter() - start

    by_domain: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for task_id, gen, ver, fails in results:
        d = by_domain[task_id.split("/", 1)[0]]
        d[0] += 1
        d[1] += gen
        d[2] += ver
        d[3] += fails
    print(f"{'domain':<10} {'tasks':>6} {'problems/s':>11} {'verdicts/s':>11} {'ref failures':>13}")
    for domain, (n, gen, ver, fails) in sorted(by_domain.items()):
        count = n * args.seeds
        print(f"{domain:<10} {n:>6} {count / max(gen, 1e-9):>11.0f} {count / max(ver, 1e-9):>11.0f} {fails:>13}")
    total_gen = sum(r[1] for r in results)
    total_ver = sum(r[2] for r in results)
    count = len(ids) * args.seeds
    print(f"{'all':<10} {len(ids):>6} {count / max(total_gen, 1e-9):>11.0f} {count / max(total_ver, 1e-9):>11.0f} "
          f"{sum(r[3] for r in results):>13}")
    print(f"\nsweep: {len(ids)} tasks x {args.seeds} seeds in {wall:.1f}s wall with {args.workers} workers "
          f"({count / wall:.0f} problems/s end to end)")
    print("\nslowest 10 tasks (generate + solve + verify, all seeds):")
    for task_id, gen, ver, _ in sorted(results, key=lambda r: -(r[1] + r[2]))[:10]:
        print(f"  {task_id:<45} {gen + ver:8.3f}s  (generate {gen:.3f}s, solve+verify {ver:.3f}s)")


if __name__ == "__main__":
    main()
