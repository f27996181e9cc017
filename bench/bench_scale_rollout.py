"""Training throughput with 1 vs 2 rollout actors, placement ``separate``, on a simulated 3-node Ray cluster.

The cluster (``ray.cluster_utils.Cluster``, all nodes on this machine): a head {CPU 1}, a rollout node
{CPU 2, rollout_node 2} and a learner node {CPU 1, learner_node 1}. Each job places its rollout actors
(1 CPU and 1 ``rollout_node`` each, one thread) on the rollout node and its learner rank on the learner
node, with the transformers engine (``hf``) on CPU. Same job for every actor count: the batch is split
over the actors (one request per actor per batch). Throughput is over the steps after the first (a warm
step): trajectories/s and generated tokens/s over the summed step times, and the engines' own tokens/s.

All nodes share this machine's cores: with 2 cores that other work also uses, 2 actors may not scale.

    python bench/bench_scale_rollout.py --steps 4
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["RAY_AUTH_MODE"] = "disabled"
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.pop("RAY_ADDRESS", None)

MODEL = {"arch": "llama", "hidden_size": 128, "head_dim": 64, "num_layers": 2, "intermediate_size": 256, "seed": 0}
TASKS = ["math/digit_add", "math/digit_parity"]
STORE = 100 * 2**20


def start_cluster() -> Any:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": STORE,
                                                             "include_dashboard": False})
    cluster.add_node(num_cpus=2, resources={"rollout_node": 2}, object_store_memory=STORE)
    cluster.add_node(num_cpus=1, resources={"learner_node": 1}, object_store_memory=STORE)
    cluster.wait_for_nodes()
    return cluster


def job_config(model: str, actors: int, steps: int, args: argparse.Namespace) -> Any:
    from learner.config import parse_config

    return parse_config({
        "name": f"scale{actors}", "seed": 0, "steps": steps, "model": {"path": model},
        "tasks": [{"id": t} for t in TASKS],
        "rollout": {"engine": "hf", "num_actors": actors, "prompts_per_step": args.prompts,
                    "samples_per_prompt": args.samples, "max_tokens": args.max_tokens, "max_model_len": 128},
        "learner": {"num_ranks": 1, "lr": 1e-3, "micro_batch": args.prompts * args.samples,
                    "filter_uniform_groups": False},
        "warmup": {"steps": 0}, "eval": {"problems_per_task": 0},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
        "placement": {"mode": "separate", "rollout": {"cpus": 1, "resources": {"rollout_node": 1}},
                      "learner": {"cpus": 1, "resources": {"learner_node": 1}}},
    })


def placed_trainer(cfg: Any, run_dir: Path) -> Any:
    """A Trainer that records where its actors ran (placement is the job's own ``placement`` section)."""
    from learner.placement import actor_nodes
    from learner.trainer import Trainer

    class Placed(Trainer):
        nodes: dict[str, list[str]] = {}

        def close(self) -> None:
            if self.rollout and self.learners:
                self.nodes = {"rollout": actor_nodes(list(self.rollout)), "learner": actor_nodes(list(self.learners))}
            super().close()

    return Placed(cfg, run_dir)


def measure(model: str, actors: int, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    cfg = job_config(model, actors, args.steps + 1, args)
    trainer = placed_trainer(cfg, out / f"actors{actors}")
    t0 = time.perf_counter()
    trainer.run()
    wall = time.perf_counter() - t0
    rows = [json.loads(x) for x in (out / f"actors{actors}" / "metrics.jsonl").read_text().splitlines()]
    rl = [r for r in rows if r.get("phase") == "rl" and r["step"] >= 1]  # step 0 is the warm step
    seconds = sum(r["time/step"] for r in rl)
    gen = sum(r.get("time/generate", 0.0) for r in rl)
    return {"actors": actors, "steps": len(rl), "traj_per_s": sum(r["effective_batch"] for r in rl) / seconds,
            "tokens_per_s": sum(r["gen_tokens"] for r in rl) / seconds,
            "engine_tokens_per_s": sum(r["tokens_per_s"] for r in rl) / len(rl),
            "generate_share": gen / seconds, "seconds_per_step": seconds / len(rl), "job_wall_s": wall,
            "rollout_nodes": len(set(trainer.nodes["rollout"])),
            "disjoint": not set(trainer.nodes["rollout"]) & set(trainer.nodes["learner"])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=4, help="measured RL steps (after one warm step)")
    ap.add_argument("--actors", default="1,2", help="rollout actor counts to compare")
    ap.add_argument("--prompts", type=int, default=8, help="prompts per step")
    ap.add_argument("--samples", type=int, default=4, help="responses per prompt")
    ap.add_argument("--max-tokens", type=int, default=32)
    args = ap.parse_args()

    import ray

    from rollout.cluster import ensure_ray
    from rollout.models import ensure_tiny_model

    cache = Path(tempfile.gettempdir()) / "bootcamp-bench-models"
    model = ensure_tiny_model(MODEL, str(cache))
    cluster = start_cluster()
    results = []
    try:
        ensure_ray(cluster.address)
        with tempfile.TemporaryDirectory(prefix="scale") as tmp:
            for n in [int(x) for x in args.actors.split(",")]:
                results.append(measure(model, n, args, Path(tmp)))
    finally:
        ray.shutdown()
        cluster.shutdown()

    print(f"\nhf engine on CPU, {os.cpu_count()} cores shared by all 3 simulated nodes; batch "
          f"{args.prompts} x {args.samples} trajectories, {args.max_tokens} max tokens, {args.steps} measured steps")
    print(f"{'actors':>6} {'traj/s':>8} {'tok/s':>8} {'engine tok/s':>13} {'s/step':>7} {'gen share':>9} {'disjoint':>8}")
    for r in results:
        print(f"{r['actors']:>6} {r['traj_per_s']:>8.1f} {r['tokens_per_s']:>8.1f} {r['engine_tokens_per_s']:>13.1f} "
              f"{r['seconds_per_step']:>7.2f} {r['generate_share']:>9.2f} {r['disjoint']!s:>8}")
    if len(results) >= 2:
        base = results[0]
        for r in results[1:]:
            print(f"ratio {r['actors']} vs {base['actors']} actors: trajectories/s x{r['traj_per_s'] / base['traj_per_s']:.2f}, "
                  f"tokens/s x{r['tokens_per_s'] / base['tokens_per_s']:.2f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
