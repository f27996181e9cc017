"""Starting Ray and the actors of a job: rollout workers and one FSDP2 learner group."""

from __future__ import annotations

from typing import Any


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
