"""One RL training step of ours vs TRL's GRPOTrainer, on the same tiny model, tasks, batch, G and max tokens.

Both start from the same supervised warm-up checkpoint (so rewards are not all zero),
sample with temperature 1 from the transformers engine (TRL: ``use_vllm=False``),
and score with ``task.verify`` (TRL through ``rewards.adapters.make_trl_reward``).
Printed per model size: seconds per step (median after the first), the ratio, and the
mean reward over the last steps.

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
SIZES = {
    "quickstart": {"arch": "llama", "hidden_size": 128, "head_dim": 64, "num_layers": 2, "seed": 0},
    "25M": {"arch": "llama", "hidden_size": 512, "head_dim": 64, "num_layers": 6, "seed": 0},
}


def job(model_path: str | None, tiny: dict, steps: int, prompts: int, g: int, max_tokens: int, lr: float,
        warmup: int = 0) -> dict:
    return {
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


def warm_checkpoint(tiny: dict, out: Path) -> str:
    """Our supervised warm-up only (no RL steps); returns the checkpoint's policy folder."""
    from learner.config import parse_config
    from learner.trainer import Trainer

    Trainer(parse_config(job(None, tiny, 0, 4, 2, 12, 1e-3, warmup=30)), out).run()
    return str(out / "checkpoints" / "step_000000" / "policy")


def run_ours(model: str, steps: int, prompts: int, g: int, max_tokens: int, lr: float, out: Path) -> dict:
    from learner.config import parse_config
    from learner.trainer import Trainer

    Trainer(parse_config(job(model, {}, steps, prompts, g, max_tokens, lr)), out).run()
    rows = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    rows = [r for r in rows if r.get("phase") == "rl"]
    times = [r["time/step"] for r in rows[1:]] or [rows[0]["time/step"]]
    stages = {k[5:]: statistics.median(r[k] for r in rows[1:] or rows[:1])
              for k in rows[0] if k.startswith("time/") and k != "time/step"}
    return {"s_per_step": statistics.median(times), "reward_last": _tail_mean([r["reward_mean"] for r in rows]),
            "stages": stages}


def run_trl(model: str, steps: int, prompts: int, g: int, max_tokens: int, lr: float, out: Path) -> dict:
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    import bootcamp

    torch.set_num_threads(1)
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
    return {"s_per_step": statistics.median(timer.times[1:] or timer.times), "reward_last": _tail_mean(rewards)}


def _tail_mean(xs: list[float], k: int = 3) -> float:
    tail = xs[-k:] or [float("nan")]
    return sum(tail) / len(tail)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--prompts", type=int, default=16)
    ap.add_argument("--g", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=12)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--sizes", default="quickstart,25M")
    args = ap.parse_args()
    from rollout.models import count_parameters

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sizes.split(","):
            base = Path(tmp) / name
            model = warm_checkpoint(SIZES[name], base / "warm")
            common = (args.steps, args.prompts, args.g, args.max_tokens, args.lr)
            ours = run_ours(model, *common, base / "ours")
            trl = run_trl(model, *common, base / "trl")
            results[name] = {"params": count_parameters(model), "ours": ours, "trl": trl,
                             "speedup": trl["s_per_step"] / ours["s_per_step"]}
    print(f"\n{'model':<11}{'params':>10}{'ours s/step':>13}{'TRL s/step':>12}{'TRL/ours':>10}"
          f"{'ours reward':>13}{'TRL reward':>12}   (after {args.steps} steps, B={args.prompts}x{args.g})")
    for name, r in results.items():
        print(f"{name:<11}{r['params']:>10,}{r['ours']['s_per_step']:>13.3f}{r['trl']['s_per_step']:>12.3f}"
              f"{r['speedup']:>10.2f}{r['ours']['reward_last']:>13.3f}{r['trl']['reward_last']:>12.3f}")
    for name, r in results.items():
        print(f"{name} ours by stage (s): " + ", ".join(f"{k} {v:.3f}" for k, v in r["ours"]["stages"].items()))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
