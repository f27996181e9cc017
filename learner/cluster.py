"""Starting the actors of a job: rollout workers and one FSDP2 learner group.

Each function takes the job's :class:`~learner.placement.Placement` (from ``learner.placement.reserve``);
without one, or in placement mode ``none``, Ray places the actors where they fit.
"""

from __future__ import annotations

from typing import Any

from learner.config import JobConfig
from learner.group import ActorGroup
from learner.placement import Placement


def start_rollout_actor(cfg: JobConfig, model_path: str, index: int, placement: Placement | None = None) -> Any:
    """Start rollout actor ``index`` (its engine options, its placement bundle) and return its handle
    at once; ``ray.get(handle.ready.remote())`` waits for its engine. Also restarts a dead actor in
    the bundle it held."""
    from rollout.actor import rollout_actor

    r = cfg.rollout
    cls = rollout_actor(r.num_gpus_per_actor)
    options = placement.rollout_options(index) if placement is not None else {}
    if options:
        cls = cls.options(**options)
    episodes = r.episodes.model_dump() if r.episodes is not None else None
    return cls.remote(r.engine, model_path, chat_template=cfg.model.chat_template,
                      prompt_suffix=cfg.model.prompt_suffix, threads=r.threads, episodes=episodes,
                      **r.engine_kwargs(index))


def start_rollout(cfg: JobConfig, model_path: str, placement: Placement | None = None) -> ActorGroup:
    """``rollout.num_actors`` rollout actors, started in parallel; waits until they are ready."""
    group = ActorGroup(start_rollout_actor(cfg, model_path, i, placement) for i in range(cfg.rollout.num_actors))
    group.call("ready")
    return group


def start_learners(cfg: JobConfig, model_path: str, placement: Placement | None = None) -> ActorGroup:
    """``learner.num_ranks`` learner actors joined into one process group, policy sharded with FSDP2."""
    import ray

    from learner.actor import learner_actor

    lc = cfg.learner
    cls = learner_actor(lc.num_gpus_per_rank)

    def one(rank: int) -> Any:
        options = placement.learner_options(rank) if placement is not None else {}
        return (cls.options(**options) if options else cls).remote(rank, lc.num_ranks, model_path, lc)

    group = ActorGroup(one(rank) for rank in range(lc.num_ranks))
    master = ray.get(group[0].address.remote())
    group.call("setup", master)
    return group
