"""Starting the actors of a job: rollout workers and one FSDP2 learner group."""

from __future__ import annotations

from learner.config import JobConfig
from learner.group import ActorGroup


def start_rollout(cfg: JobConfig, model_path: str) -> ActorGroup:
    """``rollout.num_actors`` rollout actors, started in parallel; waits until they are ready."""
    from rollout.actor import rollout_actor

    r = cfg.rollout
    cls = rollout_actor(r.num_gpus_per_actor)
    group = ActorGroup(
        cls.remote(r.engine, model_path, chat_template=cfg.model.chat_template, prompt_suffix=cfg.model.prompt_suffix,
                   threads=r.threads, **r.engine_kwargs(i))
        for i in range(r.num_actors)
    )
    group.call("ready")
    return group


def start_learners(cfg: JobConfig, model_path: str) -> ActorGroup:
    """``learner.num_ranks`` learner actors joined into one process group, policy sharded with FSDP2."""
    import ray

    from learner.actor import learner_actor

    lc = cfg.learner
    cls = learner_actor(lc.num_gpus_per_rank)
    group = ActorGroup(cls.remote(rank, lc.num_ranks, model_path, lc) for rank in range(lc.num_ranks))
    master = ray.get(group[0].address.remote())
    group.call("setup", master)
    return group
