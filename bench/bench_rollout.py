"""Overhead of the rollout actor: its tokens/s over the bare engine's on the same batch.

For each engine (``vllm``, ``hf``) and model size, the same batch (problems from the quickstart
tasks, ``n`` samples each, ``max_tokens`` new tokens, temperature, seed) is generated three ways:

- actor: ``RolloutWorker.generate`` through Ray, timed at the caller around ``ray.get`` (what the
  trainer waits for: tokenization, engine, decode, ``Trajectory`` building, Ray transfer);
- engine: the engine object called directly in a fresh process with the same prompt token ids;
- LLM.generate (vllm only): ``vllm.LLM.generate`` itself in that process, with the same params.

Each is a median of ``--repeats`` calls after one warm-up call; tokens/s counts generated tokens.
The ratio actor / engine should be >= 0.9. The table also splits the actor's overhead: prompt
tokenization, decode plus ``Trajectory`` building (both re-timed here on the same data) and Ray
(caller wall time minus the actor's own ``seconds``).

    python bench/bench_rollout.py
    python bench/bench_rollout.py --engines hf --sizes quickstart --prompts 8
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

for _k, _v in {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "RAY_AUTH_MODE": "disabled",
               "TOKENIZERS_PARALLELISM": "false", "VLLM_ENABLE_V1_MULTIPROCESSING": "0",
               "VLLM_LOGGING_LEVEL": "WARNING", "TRANSFORMERS_VERBOSITY": "error"}.items():
    os.environ.setdefault(_k, _v)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TASKS = ["math/digit_next", "math/digit_parity", "math/digit_below", "math/digit_max"]
#: Tiny-model specs, written out in full as a job config stores them, so "quickstart" reuses its cached model.
SIZES = {
    "quickstart": {"arch": "llama", "hidden_size": 128, "head_dim": 64, "num_layers": 2, "intermediate_size": None,
                   "max_position_embeddings": 512, "seed": 0},
    "25M": {"arch": "llama", "hidden_size": 512, "head_dim": 64, "num_layers": 6, "intermediate_size": None,
            "max_position_embeddings": 512, "seed": 0},
}


def problems(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """``count`` quickstart problems as the trainer sends them (task, seed, prompt, identity)."""
    from bootcamp.mix import TaskSampler, resolve_mix

    sampler = TaskSampler(resolve_mix([(t, 1.0) for t in TASKS]), seed=seed)
    return [{"task": p.task, "seed": p.seed, "prompt": p.prompt, "identity": p.identity}
            for p in sampler.sample(count)]


def timed(call: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall seconds of ``repeats`` calls after one warm-up call, and the last result."""
    call()
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bare(args: argparse.Namespace) -> dict[str, Any]:
    """Runs in its own process: the engine (and vLLM's ``LLM.generate``) on the batch's prompt ids."""
    import torch
    from transformers import AutoTokenizer

    from rollout.engine import format_prompt
    from rollout.engines import make_engine

    torch.set_num_threads(args.threads)
    tok = AutoTokenizer.from_pretrained(args.model)
    ids = [format_prompt(tok, p["prompt"]) for p in problems(args.prompts)]
    engine = make_engine(args.engine, args.model, max_model_len=args.max_model_len, seed=0)
    gen = (ids, args.n, args.temperature, args.top_p, args.max_tokens, args.seed)
    secs, samples = timed(lambda: engine.generate(*gen), args.repeats)
    out = {"engine_s": secs, "engine_tokens": sum(len(s.token_ids) for g in samples for s in g),
           "token_ids": [s.token_ids for g in samples for s in g]}
    if args.engine == "vllm":
        from rollout.engines.vllm_engine import sampling_params, seed_worker

        params = sampling_params(args.n, args.temperature, args.top_p, args.max_tokens)
        inputs = [{"prompt_token_ids": p} for p in ids]

        def llm_call() -> Any:
            engine.llm.collective_rpc(seed_worker, args=(args.seed,))
            return engine.llm.generate(inputs, params, use_tqdm=False)

        secs, outs = timed(llm_call, args.repeats)
        out.update(llm_s=secs, llm_tokens=sum(len(o.token_ids) for r in outs for o in r.outputs))
    return out


def actor_side(kind: str, model: str, args: argparse.Namespace) -> dict[str, Any]:
    """The rollout actor through Ray, plus its overhead parts re-timed in this process on the same data."""
    import ray
    from transformers import AutoTokenizer

    from rollout.actor import rollout_actor
    from rollout.engine import format_prompt
    from rollout.types import Sample, Trajectory

    probs = problems(args.prompts)
    actor = rollout_actor().remote(kind, model, threads=args.threads, max_model_len=args.max_model_len, seed=0)
    ray.get(actor.ready.remote())
    call = (probs, args.n, args.temperature, args.top_p, args.max_tokens, args.seed)
    inner: list[float] = []

    def one() -> Any:
        trajs, stats = ray.get(actor.generate.remote(*call))
        inner.append(stats["seconds"])
        return trajs, stats

    secs, (trajs, stats) = timed(one, args.repeats)
    ray.kill(actor)

    # The actor's own steps, re-timed here on the same data (medians of 3).
    tok = AutoTokenizer.from_pretrained(model)
    tokenize_s, ids = timed(lambda: [format_prompt(tok, p["prompt"]) for p in probs], 3)
    samples = [Sample(t.response_ids, t.logprobs, t.finish_reason) for t in trajs]

    def build() -> list[Trajectory]:
        return [Trajectory(task=p["task"], seed=p["seed"], identity=p["identity"], group=i // args.n,
                           prompt_ids=ids[i // args.n], response_ids=s.token_ids, logprobs=s.logprobs,
                           text=tok.decode(s.token_ids, skip_special_tokens=True), finish_reason=s.finish_reason,
                           policy_version=0)
                for i, (p, s) in enumerate(zip([p for p in probs for _ in range(args.n)], samples, strict=True))]

    build_s, _ = timed(build, 3)
    payload = pickle.dumps((trajs, stats), protocol=5)
    return {"actor_s": secs, "actor_inner_s": statistics.median(inner[1:]), "actor_tokens": stats["tokens"],
            "tokenize_s": tokenize_s, "build_s": build_s, "payload_kib": len(payload) / 1024,
            "token_ids": [t.response_ids for t in trajs]}


def run_bare(kind: str, model: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--bare", kind, "--model", model, "--prompts", str(args.prompts),
           "--n", str(args.n), "--max-tokens", str(args.max_tokens), "--temperature", str(args.temperature),
           "--top-p", str(args.top_p), "--seed", str(args.seed), "--threads", str(args.threads),
           "--repeats", str(args.repeats), "--max-model-len", str(args.max_model_len)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bare {kind} engine failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def format_table(rows: list[dict[str, Any]]) -> str:
    head = ("| engine | model | actor tok/s | engine tok/s | actor / engine | LLM.generate tok/s | actor / LLM "
            "| same tokens | tokenize ms | decode+Trajectory ms | Ray ms (payload KiB) |")
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for r in rows:
        a_tps = r["actor_tokens"] / r["actor_s"]
        e_tps = r["engine_tokens"] / r["engine_s"]
        llm = f"{r['llm_tokens'] / r['llm_s']:.0f}" if "llm_s" in r else "-"
        llm_ratio = f"{a_tps / (r['llm_tokens'] / r['llm_s']):.2f}" if "llm_s" in r else "-"
        lines.append(
            f"| {r['engine']} | {r['size']} | {a_tps:.0f} | {e_tps:.0f} | {a_tps / e_tps:.2f} | {llm} | {llm_ratio} "
            f"| {'yes' if r['same_tokens'] else 'no'} | {1e3 * r['tokenize_s']:.1f} | {1e3 * r['build_s']:.1f} "
            f"| {1e3 * (r['actor_s'] - r['actor_inner_s']):.0f} ({r['payload_kib']:.0f}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default="vllm,hf")
    ap.add_argument("--sizes", default="quickstart,25M", help=f"from {', '.join(SIZES)}")
    ap.add_argument("--prompts", type=int, default=32)
    ap.add_argument("--n", type=int, default=8, help="samples per prompt")
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--top-p", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2, help="torch threads of the actor and the bare engine")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-model-len", type=int, default=128)
    ap.add_argument("--bare", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--model", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.bare:
        args.engine = args.bare
        print(json.dumps(bare(args)))
        return

    import ray

    from rollout.cluster import ensure_ray
    from rollout.engines.vllm_engine import VLLMOptions
    from rollout.models import ensure_tiny_model

    ensure_ray(None, VLLMOptions().worker_env())
    rows = []
    for size in args.sizes.split(","):
        model = ensure_tiny_model(SIZES[size], ROOT / ".models")
        for kind in args.engines.split(","):
            print(f"{kind} {size} ...", file=sys.stderr, flush=True)
            actor, engine = actor_side(kind, model, args), run_bare(kind, model, args)
            same = actor.pop("token_ids") == engine.pop("token_ids")
            row = {"engine": kind, "size": size, "same_tokens": same, **actor, **engine}
            rows.append(row)
    ray.shutdown()
    print(f"{args.prompts} prompts x {args.n} samples x {args.max_tokens} new tokens, temperature "
          f"{args.temperature}, {args.threads} threads, median of {args.repeats} after a warm-up call")
    print(format_table(rows))


if __name__ == "__main__":
    main()
