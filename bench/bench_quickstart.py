"""The quickstart's published figures, measured by running the real command once per seed.

Runs ``bootcamp train examples/quickstart.yaml --set seed=S -o <tmp run dir>`` (a subprocess,
one at a time) for each seed, reads each run's ``eval.json`` and prints one table: seed, held-out
greedy reward before and after RL, reward per task after RL, wall time (s), and the load this
script added. ``--loaded-seed S`` runs seed S once more while two busy background processes burn
CPU (other users' load is not controlled: compare wall times with care). ``--write`` stores the
figures in ``docs/figures/quickstart.json``, the one source the README, docs/training.md and the
config comment are checked against (tests/test_docs_figures.py). The rewards are only comparable
on the same CPU kernels and thread counts (docs/training.md, "Reproducibility").

    python bench/bench_quickstart.py                       # seeds 0,1,2
    python bench/bench_quickstart.py --loaded-seed 0 --write
    python bench/bench_quickstart.py --seeds 0 --set steps=20 --set warmup.steps=10 --keep /tmp/qs
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures" / "quickstart.json"
CONFIG = "examples/quickstart.yaml"
#: Environment of every run (the same as the test suite's); the caller's values win.
RUN_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "RAY_AUTH_MODE": "disabled",
           "TOKENIZERS_PARALLELISM": "false"}
BURNERS = 2


def bootcamp_command() -> list[str]:
    """The ``bootcamp`` console script of this interpreter's environment (or the one on PATH)."""
    script = Path(sys.executable).parent / "bootcamp"
    if script.exists():
        return [str(script)]
    found = shutil.which("bootcamp")
    if not found:
        raise FileNotFoundError("no `bootcamp` command next to this Python or on PATH: pip install -e . first")
    return [found]


def start_burners(count: int = BURNERS) -> list[subprocess.Popen]:
    """``count`` processes that each keep one core busy until stopped."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def stop_burners(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.kill()
        p.wait()


def train_seed(seed: int, run_dir: Path, config: str, overrides: tuple[str, ...] = (), cwd: Path = ROOT,
               extra_env: dict[str, str] | None = None) -> tuple[dict[str, Any], float]:
    """``bootcamp train CONFIG --set seed=SEED -o RUN_DIR`` (and ``--set`` each override) in a subprocess;
    returns the run's ``eval.json`` and the command's wall time in seconds. A failed run raises with its
    stderr's end."""
    cmd = [*bootcamp_command(), "train", config, "--set", f"seed={seed}", "-o", str(run_dir)]
    for o in overrides:
        cmd += ["--set", o]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env={**RUN_ENV, **os.environ, **(extra_env or {})}, capture_output=True,
                          text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return json.loads((run_dir / "eval.json").read_text()), wall


def run_seed(seed: int, run_dir: Path, config: str = CONFIG, overrides: tuple[str, ...] = (),
             loaded: bool = False, cwd: Path = ROOT, kernels: str | None = None) -> dict[str, Any]:
    """One ``bootcamp train`` run; returns ``{seed, before, after, per_task_after, wall_s, loaded, run_dir}``.

    Rewards are held-out greedy mean rewards in [0, 1] from the run's ``eval.json``; ``wall_s`` is the
    whole command in seconds (model cache, Ray start, warm-up, RL, both evals). ``kernels`` runs with
    ``ATEN_CPU_CAPABILITY`` set to it (e.g. ``default``): torch's other CPU kernels, as another machine has.
    """
    burners = start_burners() if loaded else []
    try:
        ev, wall = train_seed(seed, run_dir, config, overrides, cwd,
                              {"ATEN_CPU_CAPABILITY": kernels} if kernels else {})
    finally:
        stop_burners(burners)
    return {"seed": seed, "before": ev["before"]["mean_reward"], "after": ev["after"]["mean_reward"],
            "per_task_after": ev["after"]["per_task"], "n_eval": ev["after"].get("n"),
            "wall_s": round(wall, 1), "loaded": loaded, "kernels": kernels, "run_dir": str(run_dir)}


def format_table(runs: list[dict[str, Any]]) -> str:
    """A Markdown table of the runs (per task after RL in the tasks' name order)."""
    tasks = sorted({t for r in runs for t in r.get("per_task_after") or {}})
    short = " / ".join(t.split("/")[-1] for t in tasks) or "-"
    lines = [f"| seed | before RL | after RL | per task after ({short}) | wall s | load added |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in runs:
        per = r.get("per_task_after") or {}
        per_s = " / ".join(f"{per[t]:.2f}" if t in per else "-" for t in tasks) or "-"
        wall = f"{r['wall_s']:.0f}" if r.get("wall_s") is not None else "-"
        note = f"{BURNERS} busy processes" if r["loaded"] else "none"
        if r.get("kernels"):
            note += f"; ATEN_CPU_CAPABILITY={r['kernels']}"
        lines.append(f"| {r['seed']} | {r['before']:.3f} | {r['after']:.3f} | {per_s} | {wall} | {note} |")
    return "\n".join(lines)


def head_commit(root: Path = ROOT) -> str | None:
    """The checked-out commit id, read from ``.git`` (None outside a git checkout)."""
    git = root / ".git"
    if git.is_file():  # a worktree: "gitdir: <path>"
        git = Path(git.read_text().split(":", 1)[1].strip())
    head = git / "HEAD"
    if not head.exists():
        return None
    ref = head.read_text().strip()
    if not ref.startswith("ref:"):
        return ref
    name = ref.split(":", 1)[1].strip()
    common = Path((git / "commondir").read_text().strip()) if (git / "commondir").exists() else None
    for base in (git, (git / common) if common else None):
        if base is not None and (base / name).exists():
            return (base / name).read_text().strip()
        packed = base / "packed-refs" if base is not None else None
        if packed is not None and packed.exists():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + name):
                    return line.split()[0]
    return None


def machine_info() -> dict[str, Any]:
    """CPU model (``lscpu``), core count, torch version, its CPU kernel level and the thread settings."""
    import torch

    model = None
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")),
                     None)
    except (OSError, subprocess.CalledProcessError):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "torch": torch.__version__,
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "omp_num_threads": int(os.environ.get("OMP_NUM_THREADS", RUN_ENV["OMP_NUM_THREADS"])),
            "threads": "rollout.threads and learner.threads from the config"}


def figures_document(runs: list[dict[str, Any]], config: str, overrides: tuple[str, ...]) -> dict[str, Any]:
    """The content of ``docs/figures/quickstart.json`` for these runs."""
    keep = ("seed", "before", "after", "per_task_after", "n_eval", "wall_s", "loaded", "kernels")
    return {
        "source": "bench/bench_quickstart.py",
        "command": f"bootcamp train {config} --set seed=S" + "".join(f" --set {o}" for o in overrides),
        "metric": "held-out greedy mean reward (eval.json before / after RL)",
        "commit": head_commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "machine": machine_info(),
        "runs": [{k: r[k] for k in keep if r.get(k) is not None} for r in runs],
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="0,1,2", help="comma-separated seeds, run one at a time on an idle machine")
    ap.add_argument("--loaded-seed", type=int, default=None,
                    help=f"run this seed once more with {BURNERS} CPU-burning processes in the background")
    ap.add_argument("--kernel-seed", type=int, default=None,
                    help="run this seed once more with ATEN_CPU_CAPABILITY=default (torch's portable kernels, "
                         "as on another CPU)")
    ap.add_argument("--config", default=CONFIG)
    ap.add_argument("--set", dest="overrides", action="append", default=[],
                    help="extra KEY=VALUE config override for every run (not allowed with --write)")
    ap.add_argument("--keep", default=None, help="keep the run folders under this folder (default: a temp folder)")
    ap.add_argument("--write", action="store_true", help=f"store the figures in {FIGURES.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    if args.write and (args.overrides or args.config != CONFIG):
        ap.error("--write stores the published quickstart figures: no --set overrides and the default --config")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-quickstart-"))
    base.mkdir(parents=True, exist_ok=True)
    plan = [(s, "idle") for s in seeds] + ([(args.loaded_seed, "loaded")] if args.loaded_seed is not None else [])
    plan += [(args.kernel_seed, "kernels")] if args.kernel_seed is not None else []
    runs = []
    for seed, how in plan:
        run_dir = base / f"seed{seed}-{how}"
        shutil.rmtree(run_dir, ignore_errors=True)
        print(f"seed {seed} ({how}) -> {run_dir}", file=sys.stderr, flush=True)
        runs.append(run_seed(seed, run_dir, args.config, tuple(args.overrides), how == "loaded",
                             kernels="default" if how == "kernels" else None))
    print(format_table(runs))
    if args.write:
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        FIGURES.write_text(json.dumps(figures_document(runs, args.config, ()), indent=2) + "\n")
        print(f"wrote {FIGURES}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
