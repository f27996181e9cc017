"""Starting Ray and the actors of a job: rollout workers and one FSDP2 learner group."""

from __future__ import annotations

import os
from typing import Any

#: Environment every actor of a job gets: one thread each (oversubscribing 2 cores costs up to 100x).
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "VLLM_LOGGING_LEVEL": "WARNING",
    "VLLM_ENABLE_V1_MULTIPROCESSING": "0",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_OFFLINE": "1",
}


def ensure_ray(address: str | None = None, kv_cache_gib: int = 1) -> bool:
    """Connect to ``address`` or start a local Ray; returns True when this call started it."""
    import ray

    if ray.is_initialized():
        return False
    env = {**WORKER_ENV, "VLLM_CPU_KVCACHE_SPACE": str(kv_cache_gib)}
    if address:
        ray.init(address=address, runtime_env={"env_vars": env}, log_to_driver=False)
    else:
        # A private local Ray: no auth token under the home folder, no dashboard.
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, runtime_env={"env_vars": env},
                 log_to_driver=False)
    return True


def start_rollout(cfg: Any, model_path: str) -> list[Any]:
    """``rollout.num_actors`` rollout actors, started in parallel; waits until they are ready."""
    import ray

    from rollout.actor import rollout_actor

    r = cfg.rollout
    cls = rollout_actor(r.num_gpus_per_actor)
    device = "cuda" if r.num_gpus_per_actor > 0 else "cpu"
    actors = [
        cls.remote(r.engine, model_path, chat_template=cfg.model.chat_template, prompt_suffix=cfg.model.prompt_suffix,
                   max_model_len=r.max_model_len, seed=r.seed + i, kv_cache_gib=r.kv_cache_gib, device=device,
                   threads=r.threads)
        for i in range(r.num_actors)
    ]
    ray.get([a.ready.remote() for a in actors])
    return actors


def start_learners(cfg: Any, model_path: str) -> list[Any]:
    """``learner.num_ranks`` learner actors joined into one process group, policy sharded with FSDP2."""
    import ray

    from learner.actor import learner_actor

    lc = cfg.learner
    cls = learner_actor(lc.num_gpus_per_rank)
    spec = lc.model_dump()
    actors = [cls.remote(rank, lc.num_ranks, model_path, spec, threads=lc.threads) for rank in range(lc.num_ranks)]
    master = ray.get(actors[0].address.remote())
    ray.get([a.setup.remote(master) for a in actors])
    return actors


def stop(actors: list[Any]) -> None:
    import ray

    for a in actors:
        try:
            ray.kill(a)
        except Exception:  # noqa: BLE001 - already gone
            pass
