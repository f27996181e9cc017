"""The tool-use example's published figures: a tiny model learns with RL to call the calculator.

Runs ``bootcamp train examples/tool_use.yaml --set seed=S -o <tmp run dir>`` once per seed (a
subprocess, one at a time), reads each run's ``eval.json`` and prints one table: held-out greedy
success rate (exact products) and tool-call rate, before and after RL, and the wall time. ``--write``
stores them in ``docs/figures/tool_use.json``, the source docs/environments.md is checked against
(tests/test_docs_figures.py).

    python bench/bench_tool_use.py                 # seeds 0,1
    python bench/bench_tool_use.py --write
    python bench/bench_tool_use.py --seeds 0 --set steps=5 --set warmup.steps=20
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_quickstart import head_commit, machine_info, train_seed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures" / "tool_use.json"
CONFIG = "examples/tool_use.yaml"
KEYS = ("pass_rate", "mean_reward", "tool_call_rate", "turns_mean")


def run_seed(seed: int, run_dir: Path, config: str = CONFIG, overrides: tuple[str, ...] = ()) -> dict[str, Any]:
    """One run: ``{seed, before: {pass_rate, tool_call_rate, ...}, after: {...}, n_eval, wall_s}``."""
    ev, wall = train_seed(seed, run_dir, config, overrides)
    return {"seed": seed, **{when: measured(ev[when]) for when in ("before", "after")},
            "n_eval": ev["after"].get("n"), "wall_s": round(wall, 1)}


def measured(entry: dict[str, Any]) -> dict[str, Any]:
    """An eval.json entry's figures: greedy ``KEYS``, and the sampled episodes' success (pass@1) and
    tool-call rate (``sampled_*``) when the run sampled."""
    out = {k: entry.get(k) for k in KEYS}
    sampled = (entry.get("sampled") or {}).get("all") or {}
    out["sampled_pass_rate"], out["sampled_tool_call_rate"] = sampled.get("pass@1"), sampled.get("tool_call_rate")
    out["sampled_correct_without_tool"] = sampled.get("correct_without_tool")
    return out


def _pair(run: dict[str, Any], key: str) -> str:
    b, a = run["before"].get(key), run["after"].get(key)
    return "-" if b is None or a is None else f"{b:.2f} -> {a:.2f}"


def format_table(runs: list[dict[str, Any]]) -> str:
    """The Markdown table of docs/environments.md: each figure as ``before -> after`` RL."""
    lines = ["| seed | success (greedy) | tool calls (greedy) | success (sampled) | tool calls (sampled) "
             "| correct without a tool (sampled) | wall s |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in runs:
        lines.append(f"| {r['seed']} | {_pair(r, 'pass_rate')} | {_pair(r, 'tool_call_rate')} | "
                     f"{_pair(r, 'sampled_pass_rate')} | {_pair(r, 'sampled_tool_call_rate')} | "
                     f"{_pair(r, 'sampled_correct_without_tool')} | {r['wall_s']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="KEY=VALUE (not with --write)")
    ap.add_argument("--keep", default=None, help="keep the run folders under this folder")
    ap.add_argument("--write", action="store_true", help=f"store the figures in {FIGURES.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    if args.write and args.overrides:
        ap.error("--write stores the published figures: no --set overrides")
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-tool-use-"))
    base.mkdir(parents=True, exist_ok=True)
    runs = []
    for seed in (int(s) for s in args.seeds.split(",") if s.strip()):
        run_dir = base / f"seed{seed}"
        shutil.rmtree(run_dir, ignore_errors=True)
        print(f"seed {seed} -> {run_dir}", file=sys.stderr, flush=True)
        runs.append(run_seed(seed, run_dir, CONFIG, tuple(args.overrides)))
        print(format_table(runs[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(format_table(runs))
    if args.write:
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        FIGURES.write_text(json.dumps({
            "source": "bench/bench_tool_use.py", "command": f"bootcamp train {CONFIG} --set seed=S",
            "metric": "held-out greedy episodes (eval.json): pass_rate = exact product, tool_call_rate = "
                      "episodes with a tool call",
            "commit": head_commit(), "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
            "machine": machine_info(), "runs": runs}, indent=2) + "\n")
        print(f"wrote {FIGURES}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
