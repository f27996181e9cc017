"""A ~100M-parameter policy on CPU: memory and step time of a few RL steps, with and without
gradient checkpointing (micro-batches and packing on in both).

The model is a random-init Llama built locally (hidden 768, 12 layers, MLP 3072, byte vocabulary);
the job is the real ``Trainer`` (transformers engine, one FSDP2 rank on gloo). Peak resident memory
is sampled every 0.2 s per Ray actor (learner, rollout) and for the driver.

    python bench/bench_big_model.py --steps 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

SPEC = {"arch": "llama", "hidden_size": 768, "head_dim": 64, "num_layers": 12, "intermediate_size": 3072, "seed": 0}
TASKS = ["math/digit_add", "math/digit_max", "math/digit_next", "math/digit_parity"]


class PeakMemory:
    """Peak RSS (GiB) of the driver and of each Ray actor kind, sampled in a thread."""

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self.stop.is_set():
            for proc in psutil.process_iter(["cmdline", "memory_info"]):
                try:
                    cmd = " ".join(proc.info["cmdline"] or [])
                    rss = proc.info["memory_info"].rss / 2**30
                except (psutil.Error, TypeError):
                    continue
                key = ("learner" if "LearnerWorker" in cmd else "rollout" if "RolloutWorker" in cmd
                       else "driver" if proc.pid == me.pid else None)
                if key:
                    self.peaks[key] = max(self.peaks.get(key, 0.0), rss)
            time.sleep(0.2)

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def run(model: str, steps: int, prompts: int, g: int, max_tokens: int, checkpointing: bool, out: Path) -> dict:
    from learner.config import parse_config
    from learner.trainer import Trainer

    cfg = parse_config({
        "name": "big", "seed": 0, "steps": steps, "model": {"path": model},
        "tasks": [{"id": t} for t in TASKS],
        "rollout": {"engine": "hf", "prompts_per_step": prompts, "samples_per_prompt": g, "max_tokens": max_tokens,
                    "max_model_len": 128, "threads": 2},
        "learner": {"num_ranks": 1, "threads": 2, "lr": 1e-5, "micro_batch": 8, "packing": True,
                    "micro_batch_tokens": 512, "gradient_checkpointing": checkpointing,
                    "filter_uniform_groups": False},
        "eval": {"problems_per_task": 0},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    })
    with PeakMemory() as mem:
        Trainer(cfg, out).run()
    rows = [r for r in map(json.loads, (out / "metrics.jsonl").read_text().splitlines()) if r.get("phase") == "rl"]
    steady = rows[1:] or rows
    return {"s_per_step": statistics.median(r["time/step"] for r in steady),
            "update_s": statistics.median(r["time/update"] for r in steady),
            "generate_s": statistics.median(r["time/generate"] for r in steady),
            "sync_s": statistics.median(r["time/sync"] for r in steady),
            "train_tokens": statistics.median(r["train_tokens"] for r in steady),
            "peak_gib": mem.peaks}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--g", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=32)
    args = ap.parse_args()
    from rollout.models import count_parameters, ensure_tiny_model

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        model = ensure_tiny_model(SPEC, Path(tmp) / "models")
        params = count_parameters(model)
        for ckpt in (False, True):
            results["checkpointing" if ckpt else "plain"] = run(model, args.steps, args.prompts, args.g,
                                                                 args.max_tokens, ckpt, Path(tmp) / f"run{ckpt}")
    print(f"\n{params / 1e6:.0f}M parameters, batch {args.prompts}x{args.g}, {args.max_tokens} new tokens, "
          f"{args.steps} steps (median after the first)")
    print(f"{'mode':<15}{'s/step':>8}{'update':>8}{'generate':>10}{'sync':>7}{'learner GiB':>13}"
          f"{'rollout GiB':>13}{'driver GiB':>12}")
    for name, r in results.items():
        p = r["peak_gib"]
        print(f"{name:<15}{r['s_per_step']:>8.2f}{r['update_s']:>8.2f}{r['generate_s']:>10.2f}{r['sync_s']:>7.2f}"
              f"{p.get('learner', 0):>13.2f}{p.get('rollout', 0):>13.2f}{p.get('driver', 0):>12.2f}")
    print(json.dumps({"params": params, **results}))


if __name__ == "__main__":
    main()
