"""Our ``check_math`` against math-verify on the labelled corpus ``tests/data/math_pairs.jsonl``.

Both run in this process, single-threaded. An answer with ``\\boxed`` goes through
:func:`bootcamp.extract.find_answer` for us (several differing boxes score nothing) and as is
for math-verify; other answers are wrapped as ``$...$`` for math-verify, and so are the gold
answers. math-verify's alarm-based timeouts are off (``parsing_timeout=None``,
``timeout_seconds=None``; see /work/shared/STACK.md).

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_math_verify.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "math_pairs.jsonl"


def load() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]


def ours(answer: str, reference: str) -> bool:
    from bootcamp.extract import find_answer
    from bootcamp.verifiers.math_equiv import check_math

    if "\\boxed" in answer:
        answer = find_answer(answer).answer
        if answer is None:
            return False
    return float(check_math(answer, reference)) == 1.0


def theirs(answer: str, reference: str) -> bool:
    from math_verify import parse, verify

    wrap = (lambda s: s) if "\\boxed" in answer else (lambda s: f"${s}$")
    try:
        gold = parse(f"${reference}$", parsing_timeout=None)
        pred = parse(wrap(answer), parsing_timeout=None)
        return bool(verify(gold, pred, timeout_seconds=None))
    except Exception:  # noqa: BLE001 - a crash is a rejection, as in its own default
        return False


def score(fn, rows: list[dict], repeat: int) -> dict:
    fn(rows[0]["answer"], rows[0]["reference"])  # imports and caches
    start = time.perf_counter()
    for _ in range(repeat):
        got = [fn(r["answer"], r["reference"]) for r in rows]
    elapsed = time.perf_counter() - start
    fp = [r for r, g in zip(rows, got, strict=True) if g and not r["equivalent"]]
    fn_ = [r for r, g in zip(rows, got, strict=True) if not g and r["equivalent"]]
    return {"accuracy": 1 - (len(fp) + len(fn_)) / len(rows), "fp": len(fp), "fn": len(fn_),
            "pairs_per_s": repeat * len(rows) / elapsed, "fp_rows": fp, "fn_rows": fn_}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--show", action="store_true", help="list the false positives and negatives")
    args = ap.parse_args()
    rows = load()
    print(f"{len(rows)} pairs ({sum(r['equivalent'] for r in rows)} equivalent)")
    results = {"check_math": score(ours, rows, args.repeat), "math-verify": score(theirs, rows, args.repeat)}
    for name, r in results.items():
        print(f"{name:12s} accuracy {r['accuracy']:.3f}  FP {r['fp']:4d}  FN {r['fn']:4d}  "
              f"{r['pairs_per_s']:8.0f} pairs/s")
        if args.show:
            for row in r["fp_rows"]:
                print(f"   FP [{row['family']}] {row['answer']!r} vs {row['reference']!r}")
            for row in r["fn_rows"]:
                print(f"   FN [{row['family']}] {row['answer']!r} vs {row['reference']!r}")
    ratio = results["check_math"]["pairs_per_s"] / results["math-verify"]["pairs_per_s"]
    print(f"speed ratio (check_math / math-verify): {ratio:.1f}x")


if __name__ == "__main__":
    main()
