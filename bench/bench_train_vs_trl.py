"""RL training steps of ours vs TRL's GRPOTrainer, on the same model, tasks, batch, G and max tokens.

All runs start from the same supervised warm-up checkpoint (so rewards are not all zero),
sample with temperature 1 from the transformers engine (TRL: ``use_vllm=False``), and score
with ``task.verify`` (TRL through ``rewards.adapters.make_trl_reward``). Ours runs three ways:
``serial`` (max_staleness 0: generate, score, update, sync one after the other, each actor with
all cores' threads, padded batches: the path before packing), ``packed`` (the same with packed
rows in which a group's responses share one copy of their prompt) and ``overlap`` (packed and
max_staleness 1: the next batch generates and scores while the learner updates, one thread per
actor; streamed requests). TRL runs once
per ``--trl-threads`` entry (1 thread, and all of a 2-core machine's). Printed per model size:
seconds per step (median after the first two), the ratios to TRL, and the mean reward over the
last steps.

    python bench/bench_train_vs_trl.py --steps 10
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

TASKS = ["math/digit_add", "math/digit_max", "math/digit_next", "math/digit_parity"]
#: Learning rate per size (1e-3 wrecks the 25M model's answers in one Adam step, for TRL and us alike).
LRS = {"quickstart": 1e-3, "25M": 1e-4}
SIZES = {
    "quickstart": {"arch": "llama", "hidden_size": 128, "head_dim": 64, "num_layers": 2, "seed": 0},
    "25M": {"arch": "llama", "hidden_size": 512, "head_dim": 64, "num_layers": 6, "seed": 0},
}


#: Our two modes: (rollout/learner settings) applied over the common job.
MODES = {
    "serial": {"rollout": {"max_staleness": 0, "threads": 2}, "learner": {"threads": 2, "packing": False}},
    "packed": {"rollout": {"max_staleness": 0, "threads": 2},
               "learner": {"threads": 2, "packing": True, "share_prompts": True, "pack_width": 256}},
    "overlap": {"rollout": {"max_staleness": 1, "threads": 1, "chunk_prompts": 4},
                "learner": {"threads": 1, "packing": True, "share_prompts": True, "pack_width": 256}},
}


def job(model_path: str | None, tiny: dict, steps: int, prompts: int, g: int, max_tokens: int, lr: float,
        warmup: int = 0, mode: str = "serial") -> dict:
    data = {
        "name": "bench", "seed": 0, "steps": steps,
        "model": {"path": model_path, "tiny": tiny},
        "tasks": [{"id": t} for t in TASKS],
        "warmup": {"steps": warmup, "batch": 32, "lr": 3e-3},
        "rollout": {"engine": "hf", "prompts_per_step": prompts, "samples_per_prompt": g, "max_tokens": max_tokens,
                    "max_model_len": 128, "temperature": 1.0},
        "learner": {"num_ranks": 1, "lr": lr, "micro_batch": prompts * g, "advantage": "grpo",
                    "filter_uniform_groups": False, "clip_high": 0.2},
        "eval": {"problems_per_task": 0},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    }
    for section, values in MODES[mode].items():
        data[section].update(values)
    return data


def warm_checkpoint(tiny: dict, out: Path) -> str:
    """Our supervised warm-up only (no RL steps); returns the checkpoint's policy folder."""
    from learner.config import parse_config
    from learner.trainer import Trainer

    Trainer(parse_config(job(None, tiny, 0, 4, 2, 12, 1e-3, warmup=30)), out).run()
    return str(out / "checkpoints" / "step_000000" / "policy")


def run_ours(model: str, steps: int, prompts: int, g: int, max_tokens: int, lr: float, out: Path,
             mode: str) -> dict:
    from learner.config import parse_config
    from learner.trainer import Trainer

    Trainer(parse_config(job(model, {}, steps, prompts, g, max_tokens, lr, mode=mode)), out).run()
    rows = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    rows = [r for r in rows if r.get("phase") == "rl"]
    steady = rows[2:] or rows[-1:]  # the first steps build the pipeline (and warm caches)
    stages = {k[5:]: statistics.median(r.get(k, 0.0) for r in steady)
              for k in rows[-1] if k.startswith("time/") and k != "time/step"}
    return {"s_per_step": statistics.median(r["time/step"] for r in steady),
            "reward_last": _tail_mean([r["reward_mean"] for r in rows]), "stages": stages,
            "samples": sum(r["effective_batch"] for r in rows), "gen_tokens": sum(r["gen_tokens"] for r in rows),
            "padding_share": statistics.median(r.get("padding_share", 0.0) for r in steady)}


def run_trl(model: str, steps: int, prompts: int, g: int, max_tokens: int, lr: float, out: Path,
            threads: int) -> dict:
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    import bootcamp

    torch.set_num_threads(threads)
    rows = []
    for i in range(steps * prompts):
        p = bootcamp.get_task(TASKS[i % len(TASKS)]).problem(i)
        rows.append({"prompt": p.prompt + "\n", "task": p.task, "identity": json.dumps(p.identity)})
    try:
        from rewards.adapters import make_trl_reward

        reward = make_trl_reward(task_column="task", identity_column="identity")
    except ImportError:
        def reward(prompts=None, completions=None, task=None, identity=None, **_):
            return [bootcamp.get_task(t).verify(c, json.loads(i)).score for c, t, i in zip(completions, task, identity, strict=True)]

    class Timer(TrainerCallback):
        def __init__(self) -> None:
            self.times: list[float] = []

        def on_step_begin(self, *a, **k):
            self.t0 = time.perf_counter()

        def on_step_end(self, *a, **k):
            self.times.append(time.perf_counter() - self.t0)

    tok = AutoTokenizer.from_pretrained(model)
    cfg = GRPOConfig(
        output_dir=str(out), use_cpu=True, bf16=False, gradient_checkpointing=False, report_to="none",
        use_vllm=False, per_device_train_batch_size=prompts * g, num_generations=g,
        max_completion_length=max_tokens, learning_rate=lr, max_steps=steps, logging_steps=1, temperature=1.0,
        save_strategy="no", beta=0.0, loss_type="grpo", lr_scheduler_type="constant", warmup_steps=0,
        dataloader_num_workers=0, seed=0,
    )
    timer = Timer()
    trainer = GRPOTrainer(model=AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32),
                          reward_funcs=reward, args=cfg, train_dataset=Dataset.from_list(rows),
                          processing_class=tok, callbacks=[timer])
    trainer.train()
    rewards = [h["reward"] for h in trainer.state.log_history if "reward" in h]
    torch.set_num_threads(1)
    return {"s_per_step": statistics.median(timer.times[2:] or timer.times), "reward_last": _tail_mean(rewards)}


def _tail_mean(xs: list[float], k: int = 3) -> float:
    tail = xs[-k:] or [float("nan")]
    return sum(tail) / len(tail)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--prompts", type=int, default=16)
    ap.add_argument("--g", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=12)
    ap.add_argument("--lr", type=float, default=None, help="learning rate (default: per size, LRS)")
    ap.add_argument("--sizes", default="quickstart,25M")
    ap.add_argument("--trl-threads", default="1,2", help="TRL's torch threads, one run each (comma-separated)")
    args = ap.parse_args()
    from rollout.models import count_parameters

    results = {}
    trl_threads = [int(t) for t in args.trl_threads.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sizes.split(","):
            base = Path(tmp) / name
            model = warm_checkpoint(SIZES[name], base / "warm")
            common = (args.steps, args.prompts, args.g, args.max_tokens, args.lr or LRS[name])
            r: dict = {"params": count_parameters(model)}
            for t in trl_threads:
                r[f"trl@{t}"] = run_trl(model, *common, base / f"trl{t}", t)
            for mode in MODES:
                r[mode] = run_ours(model, *common, base / mode, mode)
                for t in trl_threads:
                    r[f"{mode}/trl@{t}"] = r[mode]["s_per_step"] / r[f"trl@{t}"]["s_per_step"]
            results[name] = r
    cols = [f"TRL@{t}" for t in trl_threads] + list(MODES) + [f"{m}/TRL@{t}" for m in MODES for t in trl_threads]
    print(f"\n{'model':<11}{'params':>11}" + "".join(f"{c:>16}" for c in cols) + "   s/step and ratios "
          f"(steps {args.steps}, batch {args.prompts}x{args.g}, {args.max_tokens} new tokens, TRL@t: t threads)")
    for name, r in results.items():
        vals = [r[f"trl@{t}"]["s_per_step"] for t in trl_threads] + [r[m]["s_per_step"] for m in MODES]
        vals += [r[f"{m}/trl@{t}"] for m in MODES for t in trl_threads]
        print(f"{name:<11}{r['params']:>11,}" + "".join(f"{v:>16.3f}" for v in vals))
    print("reward over the last 3 steps: " + "; ".join(
        f"{name} " + ", ".join(f"{k} {r[k]['reward_last']:.3f}" for k in [f"trl@{t}" for t in trl_threads] + list(MODES))
        for name, r in results.items()))
    for name, r in results.items():
        for mode in MODES:
            print(f"{name} {mode} by stage (s): " + ", ".join(f"{k} {v:.3f}" for k, v in r[mode]["stages"].items())
                  + f"; padding {r[mode]['padding_share']:.2f}; samples {r[mode]['samples']:.0f}, "
                  f"generated tokens {r[mode]['gen_tokens']:.0f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
