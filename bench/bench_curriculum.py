"""A curriculum run against a fixed-level run on the same budget (steps x prompts x G).

The task has difficulty levels a tiny model can climb: level L takes a response whose first byte is a
multiple of 2**L, so each level halves the bytes that pass and every level's passing bytes are among the
level below's. The fixed run trains at the top level from the start; the curriculum run starts at level 1
(``curriculum.enabled``, ``start_level: 1``). Both are real jobs (``learner.trainer.Trainer``: the
transformers engine, FSDP2 on gloo, the quickstart's tiny Llama), with the same seed and settings.

Printed per run: the share of scored groups with no gradient (all rewards equal: zero advantage for every
response; split into groups that all failed and groups that all passed), the level the task ended at, the training reward, and the reward at the top level of the final
policy (``--eval-problems`` held-out problems, ``--eval-samples`` sampled responses each at temperature 1),
beside the same figure for the model before training.

    python bench/bench_curriculum.py                      # 40 steps of 8 prompts x 8 responses each
    python bench/bench_curriculum.py --steps 10 --keep /tmp/cur
    python bench/bench_curriculum.py --task math/some_task_with_levels --model-path /models/x
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bootcamp import REGISTRY, Registry, Task  # noqa: E402

TASK = "generic/bench_first_byte_multiple"
#: The quickstart's tiny model (examples/quickstart.yaml).
QUICKSTART_MODEL = {"arch": "llama", "hidden_size": 128, "head_dim": 64, "num_layers": 2, "seed": 0}


class FirstByteMultiple(Task):
    """Bench-only, five levels: the response's first byte must be a multiple of 2**k (k = level)."""

    id = TASK
    description = "Bench-only task with levels: start the answer with a byte that is a multiple of 2**k."
    default_params = {"k": 1}
    levels = tuple({"k": k} for k in range(1, 6))
    default_level = 1

    def generate(self, rng: Any) -> dict[str, Any]:
        return {"n": rng.randint(0, 99), "k": self.params["k"]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Say something ({identity['n']})."

    def extract(self, response: str) -> str | None:
        return response

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        data = answer.encode()
        return 1.0 if data and data[0] % 2 ** self.params["k"] == 0 else 0.0

    def solve(self, identity: dict[str, Any]) -> str:
        return "@"  # 64

    def complexity(self, identity: dict[str, Any]) -> float:
        return float(2 ** identity["k"])  # the share of first bytes that pass is about 2**-k


def bench_registry(task: str) -> Any:
    """The bench task in a private registry, or the library's registry for ``--task``."""
    if task != TASK:
        return REGISTRY
    reg = Registry(load_plugins=False)
    reg.register(FirstByteMultiple, TASK)
    return reg


def job(mode: str, args: argparse.Namespace, top: int, run_dir: Path) -> dict[str, Any]:
    """The job config of one run (``mode``: ``fixed`` or ``curriculum``)."""
    model: dict[str, Any] = {"path": args.model_path, "tiny": QUICKSTART_MODEL, "cache_dir": str(args.cache)}
    return {
        "name": f"bench-curriculum-{mode}", "seed": args.seed, "steps": args.steps, "model": model,
        "tasks": [{"id": args.task, "level": top if mode == "fixed" else 1}],
        "rollout": {"engine": "hf", "threads": 1, "prompts_per_step": args.prompts, "samples_per_prompt": args.g,
                    "max_tokens": args.max_tokens, "max_model_len": 128, "temperature": 1.0},
        "learner": {"num_ranks": 1, "threads": 1, "lr": args.lr, "micro_batch": args.prompts * args.g,
                    "filter_uniform_groups": True},
        "eval": {"problems_per_task": 0},
        "checkpoint": {"every": 0, "keep": 1},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
        "curriculum": {"enabled": mode == "curriculum", "start_level": 1, "window": args.window,
                       "min_groups_between_moves": args.min_groups},
    }


def top_level_reward(policy: str, registry: Any, task_id: str, top: int, problems: int, samples: int,
                     max_tokens: int) -> float:
    """Mean reward of ``samples`` responses (temperature 1) to each of ``problems`` held-out top-level problems."""
    from rollout.actor import RolloutWorker

    task = registry.get(task_id)
    worker = RolloutWorker("hf", policy, max_model_len=128)
    rows = []
    for i in range(problems):
        p = task.problem(1_000_000_000 + i, level=top)
        rows.append({"task": p.task, "seed": p.seed, "prompt": p.prompt, "identity": p.identity})
    trajs, _ = worker.generate(rows, samples, 1.0, 1.0, max_tokens, 0)
    return sum(task.verify(t.text, t.identity).score for t in trajs) / len(trajs)


def run(mode: str, args: argparse.Namespace, registry: Any, top: int, out: Path) -> dict[str, Any]:
    """Train one run; its figures."""
    from learner.config import parse_config
    from learner.trainer import Trainer

    class Recording(Trainer):
        """Keeps (level, informative, mean reward) of every scored group."""

        groups: list[tuple[int | None, bool, float]] = []

        def collect(self):  # type: ignore[override]
            kept, gen = super().collect()
            self.groups.extend((g.trajectories[0].identity.get("level"), g.informative(),
                                sum(t.reward for t in g.trajectories) / len(g.trajectories)) for g in kept)
            return kept, gen

    run_dir = out / mode
    trainer = Recording(parse_config(job(mode, args, top, run_dir)), run_dir, registry=registry)
    trainer.groups = []
    t0 = time.perf_counter()
    trainer.run()
    seconds = time.perf_counter() - t0
    rows = [r for r in map(json.loads, (run_dir / "metrics.jsonl").read_text().splitlines()) if r.get("phase") == "rl"]
    policy = str(run_dir / "checkpoints" / f"step_{args.steps:06d}" / "policy")
    levels = [lv for lv, _, _ in trainer.groups]
    tail = rows[-max(1, len(rows) // 4):]
    n = max(len(trainer.groups), 1)
    uniform = [mean for _, informative, mean in trainer.groups if not informative]
    return {
        "mode": mode, "groups": len(trainer.groups),
        "no_gradient_share": len(uniform) / n,  # all rewards equal: all failed, or all passed
        "all_fail_share": sum(m < 0.5 for m in uniform) / n, "all_pass_share": sum(m >= 0.5 for m in uniform) / n,
        "final_level": levels[-1] if levels else None,
        "top_level_groups": sum(lv == top for lv in levels),
        "train_reward_last_quarter": sum(r["reward_mean"] for r in tail) / len(tail),
        "top_level_reward": top_level_reward(policy, registry, args.task, top, args.eval_problems,
                                             args.eval_samples, args.max_tokens),
        "seconds": round(seconds, 1), "base_model": trainer.base_model_path,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", default=TASK, help="a task with levels (default: the bench's own)")
    ap.add_argument("--model-path", default=None, help="a transformers model folder (default: the quickstart's)")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--g", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=2)
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--window", type=int, default=8)
    ap.add_argument("--min-groups", type=int, default=8)
    ap.add_argument("--eval-problems", type=int, default=32)
    ap.add_argument("--eval-samples", type=int, default=8)
    ap.add_argument("--cache", type=Path, default=Path(".models"), help="where the tiny model is built")
    ap.add_argument("--keep", type=Path, default=None, help="keep the run folders here")
    args = ap.parse_args()

    from rollout.cluster import ensure_ray

    registry = bench_registry(args.task)
    top = registry.get(args.task).n_levels
    if top < 2:
        raise SystemExit(f"{args.task}: has no difficulty levels")
    out = args.keep or Path(tempfile.mkdtemp(prefix="bench-curriculum-"))
    ensure_ray(None)  # one Ray for both runs
    try:
        results = [run(mode, args, registry, top, out) for mode in ("fixed", "curriculum")]
        base = top_level_reward(results[0]["base_model"], registry, args.task, top, args.eval_problems,
                                args.eval_samples, args.max_tokens)
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)
    budget = f"{args.steps} steps x {args.prompts} prompts x {args.g} responses"
    print(f"task {args.task}, top level {top}, {budget}, seed {args.seed}")
    print(f"top-level reward of the model before training: {base:.3f}")
    print(f"{'run':<11} {'no-grad groups (all fail / all pass)':>37} {'final level':>12} {'top-level groups':>17} "
          f"{'train reward (last 1/4)':>24} {'top-level reward':>17} {'seconds':>8}")
    for r in results:
        split = f"{r['no_gradient_share']:.3f} ({r['all_fail_share']:.3f} / {r['all_pass_share']:.3f})"
        print(f"{r['mode']:<11} {split:>37} {r['final_level']!s:>12} {r['top_level_groups']:>17} "
              f"{r['train_reward_last_quarter']:>24.3f} {r['top_level_reward']:>17.3f} {r['seconds']:>8}")
    print(json.dumps({"top_level_reward_before": base,
                      "runs": [{k: v for k, v in r.items() if k != "base_model"} for r in results]}))


if __name__ == "__main__":
    main()
