"""Seconds per weight sync (learner -> one rollout engine) for each ``learner.weight_sync`` method.

Random-initialised llama models (vocab 259, head_dim 64) at about 25M, 100M and 350M
parameters; one FSDP2 learner rank on gloo and one rollout actor per engine (hf, vllm),
started one engine at a time. Per size and engine: seconds per push (median of ``--repeats``
after one untimed push)
for object_store, collective and shared_memory, the speedup over object_store, and the
sync's share of a step, ``sync / (sync + train_step)``, where ``train_step`` is one learner RL
step on ``--seqs`` sequences of ``--tokens`` tokens at that size.

    python bench/bench_weight_sync.py --sizes 25M,100M,350M
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

#: Model specs (``rollout.models.ensure_tiny_model``): per layer 4 h^2 (attention) + 3 h i (MLP) parameters.
SIZES = {
    "25M": {"arch": "llama", "hidden_size": 512, "head_dim": 64, "num_layers": 6, "intermediate_size": 2048,
            "seed": 0},
    "100M": {"arch": "llama", "hidden_size": 768, "head_dim": 64, "num_layers": 10, "intermediate_size": 3072,
             "seed": 0},
    "350M": {"arch": "llama", "hidden_size": 1024, "head_dim": 64, "num_layers": 21, "intermediate_size": 4096,
             "seed": 0},
}
METHODS = ("object_store", "collective", "shared_memory")
ENGINES = ("hf", "vllm")


def rl_batch(seqs: int, tokens: int, seed: int = 0):
    """``seqs`` RL items of ``tokens`` tokens (a third prompt), advantages +-1, sampling log-probs -1."""
    from learner.batch import TrainBatch, TrainItem

    rng = random.Random(seed)
    prompt = tokens // 3
    items = [TrainItem([rng.randrange(3, 259) for _ in range(prompt)],
                       [rng.randrange(3, 259) for _ in range(tokens - prompt)],
                       [-1.0] * (tokens - prompt), 1.0 if i % 2 else -1.0)
             for i in range(seqs)]
    return TrainBatch(items)


def time_train_step(learners, seqs: int, tokens: int) -> float:
    batch = rl_batch(seqs, tokens)
    t0 = time.perf_counter()
    learners.call_each("train_step", [(batch,)], n_micro=1, norm=float(sum(len(i.response_ids) for i in batch)),
                       temperature=1.0, max_tokens=tokens)
    return time.perf_counter() - t0


def time_syncs(learners, rollout, repeats: int, bucket_mb: int) -> dict[str, float]:
    from learner.weight_sync import make_weight_sync

    out = {}
    for method in METHODS:
        sync = make_weight_sync(method, learners, rollout, bucket_mb)
        try:
            sync.push(0)  # not timed: the first push also warms connections and buffers
            out[method] = statistics.median(sync.push(v)["sync_seconds"] for v in range(1, repeats + 1))
        finally:
            sync.close()
    return out


def bench_size(size: str, args: argparse.Namespace) -> list[dict]:
    import ray

    from learner.cluster import start_learners
    from learner.config import parse_config
    from learner.group import ActorGroup
    from rollout.actor import rollout_actor
    from rollout.models import count_parameters, ensure_tiny_model

    path = ensure_tiny_model(SIZES[size], args.cache_dir)
    cfg = parse_config({"name": "bench", "model": {"path": path}, "tasks": [{"id": "math/digit_add"}],
                        "learner": {"num_ranks": 1, "threads": args.threads, "micro_batch": args.seqs}})
    learners = start_learners(cfg, path)
    rows = []
    try:
        step = time_train_step(learners, args.seqs, args.tokens)
        for engine in args.engines.split(","):
            actor = rollout_actor().remote(engine, path, max_model_len=128, seed=0, threads=args.threads)
            ray.get(actor.ready.remote())
            try:
                secs = time_syncs(learners, ActorGroup([actor]), args.repeats, args.bucket_mb)
            finally:
                ray.kill(actor)
            rows.append({"size": size, "params": count_parameters(path), "engine": engine, "train_step": step,
                         **secs})
            print_row(rows[-1], flush=True)
    finally:
        learners.kill()
    return rows


HEADER = (f"{'size':>5} {'params':>7} {'engine':>6} | {'object_store':>12} {'collective':>10} {'shared_mem':>10} | "
          f"{'x coll':>6} {'x shm':>6} | {'train_step':>10} | {'share obj':>9} {'coll':>5} {'shm':>5}")


def print_row(r: dict, flush: bool = False) -> None:
    share = {m: r[m] / (r[m] + r["train_step"]) for m in METHODS}
    print(f"{r['size']:>5} {r['params'] / 1e6:>6.1f}M {r['engine']:>6} | {r['object_store']:>11.3f}s "
          f"{r['collective']:>9.3f}s {r['shared_memory']:>9.3f}s | "
          f"{r['object_store'] / r['collective']:>5.1f}x {r['object_store'] / r['shared_memory']:>5.1f}x | "
          f"{r['train_step']:>9.2f}s | {share['object_store']:>8.0%} {share['collective']:>5.0%} "
          f"{share['shared_memory']:>5.0%}", flush=flush)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="25M,100M,350M", help=f"comma-separated, of {', '.join(SIZES)}")
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--repeats", type=int, default=3, help="pushes per method (the median is printed)")
    p.add_argument("--bucket-mb", type=int, default=256)
    p.add_argument("--seqs", type=int, default=16)
    p.add_argument("--tokens", type=int, default=48)
    p.add_argument("--threads", type=int, default=1, help="torch threads per actor")
    p.add_argument("--cache-dir", default=".models")
    args = p.parse_args()
    from rollout.cluster import ensure_ray

    ensure_ray(None, {"VLLM_CPU_KVCACHE_SPACE": "1"})
    print(HEADER, flush=True)
    rows = [r for size in args.sizes.split(",") for r in bench_size(size, args)]
    print("\n" + HEADER)
    for r in rows:
        print_row(r)


if __name__ == "__main__":
    main()
