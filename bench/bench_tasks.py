"""Sweep every registered task: does it teach (quality), and how fast does it run (throughput)?

The default sweep runs the conformance checker's quality checks
(:mod:`bootcamp.checker_quality`) on every task with N seeds per level and prints,
for the whole registry: the histogram of distinct problems in N seeds, the
histogram of the reward a constant answer earns, tasks per number of levels, the
number of tasks failing each quality check, and per-level complexity means of the
tasks with levels. ``--throughput`` runs the older sweep instead (generate + solve
+ verify, problems/s and verdicts/s per domain, the slowest tasks).

Run: ``python bench/bench_tasks.py [--seeds 1000] [--workers 2] [--pattern 'logic/*'] [--throughput]``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def _init() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")


# -- quality ------------------------------------------------------------------------------------

def quality_task(task_id: str, seeds: int, time_limit: float) -> dict[str, Any]:
    """The quality figures of one task (what :func:`check_quality` found, and whether it is enforced)."""
    import bootcamp
    from bootcamp.checker_quality import check_quality, quality_enforced

    task = bootcamp.get_task(task_id)
    try:
        q = check_quality(task, seeds, time_limit_s=time_limit)
    except Exception as exc:  # noqa: BLE001 - the bench reports it and goes on
        return {"id": task_id, "error": f"{type(exc).__name__}: {exc}"[:200]}
    return {"id": task_id, "levels": len(getattr(task, "levels", ()) or ()), "enforced": quality_enforced(task),
            "space_size": getattr(task, "space_size", None), "failed": q.failed_checks,
            "figures": q.figures, "notes": q.notes, "seconds": q.seconds,
            "first": {c: msgs[0] for c, msgs in q.issues.items() if msgs}}


def _histogram(title: str, values: list[float], edges: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}")
    width = max(len(label) for label, _, _ in edges)
    for label, lo, hi in edges:
        n = sum(lo <= v < hi for v in values)
        print(f"  {label:<{width}} {n:>6}  {'#' * round(60 * n / max(len(values), 1))}")


def print_quality(results: list[dict[str, Any]], seeds: int, wall: float, workers: int) -> None:
    from bootcamp.checker_quality import CONSTANT_LIMIT, QUALITY_CHECKS, TWO_VALUED_LIMIT

    ok = [r for r in results if "error" not in r]
    for r in results:
        if "error" in r:
            print(f"ERROR {r['id']}: {r['error']}")
    distinct, constant, two_valued = [], [], 0
    for r in ok:
        figs = list(r["figures"].values())
        d = [min(f["distinct_identities"], f["distinct_prompts"]) / max(f["seeds"], 1) for f in figs if f["seeds"]]
        c = [f["constant_reward"] for f in figs if f["constant_reward"] is not None]
        if d:
            distinct.append(min(d))  # the worst level
        if c:
            constant.append(max(c))
        two_valued += any(f["answers"] == 2 for f in figs)
    print(f"quality sweep: {len(results)} tasks x {seeds} seeds per level in {wall:.0f}s wall, {workers} workers")

    cuts = [0.0, 0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0]
    edges = [(f"{round(lo * seeds)}-{round(hi * seeds) - 1}", lo, hi) for lo, hi in zip(cuts, cuts[1:], strict=False)]
    edges.append((f"{seeds} (all)", 1.0, 2.0))
    _histogram(f"distinct problems in {seeds} seeds (the fewer of identities and prompts; worst level), "
               f"tasks per bin; {sum(d >= 0.99 for d in distinct)} of {len(distinct)} reach 99%",
               distinct, edges)
    rcuts = [0.0, 0.05, 0.1, 0.25, 0.4, 0.6, 0.8, 1.0]
    redges = [(f"{lo:.2f}-{hi:.2f}", lo, hi) for lo, hi in zip(rcuts, rcuts[1:], strict=False)] + [("1.00", 1.0, 2.0)]
    mean = sum(constant) / max(len(constant), 1)
    _histogram(f"reward of the most common reference answer as a constant guess (worst level), tasks per bin; "
               f"mean {mean:.3f}; {two_valued} two-valued tasks (limit {TWO_VALUED_LIMIT}, else {CONSTANT_LIMIT})",
               constant, redges)

    print("\ntasks per number of levels")
    for n, count in sorted(Counter(r["levels"] for r in ok).items()):
        print(f"  {n if n else 'none':>4} {count:>6}")
    finite = [r for r in ok if r["space_size"] is not None]
    print(f"  declaring space_size: {len(finite)}")

    print("\ntasks failing each quality check (all tasks / enforced ones: with levels or space_size)")
    for check in QUALITY_CHECKS:
        failing = [r for r in ok if check in r["failed"]]
        print(f"  {check:<14} {len(failing):>6} / {sum(r['enforced'] for r in failing):>4}")
    anyf = [r for r in ok if r["failed"]]
    print(f"  {'any':<14} {len(anyf):>6} / {sum(r['enforced'] for r in anyf):>4}")

    by_family: dict[str, int] = defaultdict(int)
    for r in anyf:
        by_family[r["id"].split("/", 1)[0]] += 1
    print("  failing tasks per domain: " + ", ".join(f"{d} {n}" for d, n in sorted(by_family.items())))

    leveled = [r for r in ok if r["levels"]]
    if leveled:
        print("\nmean complexity per level (tasks with levels)")
        for r in sorted(leveled, key=lambda r: r["id"]):
            means = [r["figures"][k]["complexity"] for k in sorted(r["figures"], key=int)]
            text = "  ".join("-" if m is None else f"{m:.4g}" for m in means)
            print(f"  {r['id']:<45} {'FAIL' if 'levels' in r['failed'] else 'ok  '} {text}")

    print("\nworst constant guesses")
    for r in sorted(ok, key=lambda r: -max([f["constant_reward"] or 0 for f in r["figures"].values()] or [0]))[:10]:
        print(f"  {r['id']:<45} {r['first'].get('constant guess', '')[:110]}")
    print("\nslowest quality checks")
    for r in sorted(ok, key=lambda r: -r["seconds"])[:10]:
        print(f"  {r['id']:<45} {r['seconds']:7.2f}s {'(stopped early) ' if r['notes'] else ''}")
    total = sum(r["seconds"] for r in ok)
    print(f"  all tasks: {total:.0f}s of checking ({total / max(len(ok), 1):.2f}s per task)")


# -- throughput ---------------------------------------------------------------------------------

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


def print_throughput(ids: list[str], results: list[tuple[str, float, float, int]], seeds: int, wall: float,
                     workers: int) -> None:
    by_domain: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for task_id, gen, ver, fails in results:
        d = by_domain[task_id.split("/", 1)[0]]
        d[0] += 1
        d[1] += gen
        d[2] += ver
        d[3] += fails
    print(f"{'domain':<10} {'tasks':>6} {'problems/s':>11} {'verdicts/s':>11} {'ref failures':>13}")
    for domain, (n, gen, ver, fails) in sorted(by_domain.items()):
        count = n * seeds
        print(f"{domain:<10} {n:>6} {count / max(gen, 1e-9):>11.0f} {count / max(ver, 1e-9):>11.0f} {fails:>13}")
    total_gen = sum(r[1] for r in results)
    total_ver = sum(r[2] for r in results)
    count = len(ids) * seeds
    print(f"{'all':<10} {len(ids):>6} {count / max(total_gen, 1e-9):>11.0f} {count / max(total_ver, 1e-9):>11.0f} "
          f"{sum(r[3] for r in results):>13}")
    print(f"\nsweep: {len(ids)} tasks x {seeds} seeds in {wall:.1f}s wall with {workers} workers "
          f"({count / wall:.0f} problems/s end to end)")
    print("\nslowest 10 tasks (generate + solve + verify, all seeds):")
    for task_id, gen, ver, _ in sorted(results, key=lambda r: -(r[1] + r[2]))[:10]:
        print(f"  {task_id:<45} {gen + ver:8.3f}s  (generate {gen:.3f}s, solve+verify {ver:.3f}s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=None,
                        help="seeds per task (and level): default 1000 for quality, 10 for --throughput")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pattern", default=None, help="only ids matching this glob")
    parser.add_argument("--throughput", action="store_true", help="the throughput sweep instead of quality")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="seconds of sampling per task in the quality sweep (past it: the seeds so far)")
    parser.add_argument("--json", default=None, help="also write each task's quality figures to this JSON file")
    args = parser.parse_args()

    import bootcamp

    ids = bootcamp.list_tasks(args.pattern)
    seeds = args.seeds or (10 if args.throughput else 1000)
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers, initializer=_init) as pool:
        if args.throughput:
            results = list(pool.map(sweep_task, ids, [seeds] * len(ids), chunksize=8))
        else:
            quality = list(pool.map(quality_task, ids, [seeds] * len(ids), [args.time_limit] * len(ids),
                                    chunksize=4))
    wall = time.perf_counter() - start
    if args.throughput:
        print_throughput(ids, results, seeds, wall, args.workers)
    else:
        print_quality(quality, seeds, wall, args.workers)
        if args.json:
            import json

            with open(args.json, "w") as fh:
                json.dump(quality, fh, indent=1, default=repr)


if __name__ == "__main__":
    main()
