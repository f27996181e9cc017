"""Checks a job passes before anything heavy starts (no Ray, no model, no actors): the run folder,
local paths, task ids and the Redis a job needs. Each failure is one line naming the key or path.

``bootcamp train`` runs them first, so a plain mistake costs a second, not a model build, and
leaves no run folder behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from rewards.models.folders import backend_folder_errors, model_folder_error

#: Files and folders whose presence means a folder already holds a run.
RUN_MARKERS = ("config.yaml", "metrics.jsonl", "events.jsonl", "eval.json", "checkpoints", "tensorboard")


class PreflightError(ValueError):
    """A job that cannot start as asked; the message is one line for the user."""


def holds_run(folder: Path) -> list[str]:
    """What in ``folder`` marks it as a run folder (empty: a fresh or missing folder)."""
    return [m for m in RUN_MARKERS if (folder / m).exists()] if folder.is_dir() else []


def prepare_run_folder(folder: str | Path, resume: bool = False, overwrite: bool = False,
                       resume_or_start: bool = False) -> bool:
    """Decide what happens to ``folder``; returns whether the job resumes from a checkpoint in it.

    A folder that already holds a run is continued (``resume``), cleared first (``overwrite``), or
    refused: a second run written over a first mixes their metrics and checkpoints. ``resume`` on a
    folder with no complete checkpoint is an error unless ``resume_or_start`` (then it starts fresh).
    """
    from learner import checkpoint

    path = Path(folder)
    if resume and overwrite:
        raise PreflightError("--resume and --overwrite: choose one (continue the run, or clear it and start over)")
    if path.exists() and not path.is_dir():
        raise PreflightError(f"--output {path}: is a file, not a run folder")
    found = holds_run(path)
    if overwrite:
        if found:
            shutil.rmtree(path)
        return False
    if resume or resume_or_start:
        if checkpoint.latest(path) is not None:
            return True
        if resume_or_start:
            return False
        why = "does not exist" if not path.exists() else "has no complete checkpoint"
        raise PreflightError(f"--resume: {path} {why}; pass --resume-or-start to start a fresh run there instead")
    if found:
        raise PreflightError(f"--output {path}: already holds a run ({', '.join(found)}); pass --resume to "
                             "continue it or --overwrite to clear it and start over")
    return False


def check_paths(cfg: Any) -> list[str]:
    """Model folders the job reads: the policy, reward models, a served verifier."""
    errors = [model_folder_error("model.path", cfg.model.path),
              model_folder_error("rewards.reward_model_path", cfg.rewards.reward_model_path)]
    return [e for e in errors if e] + backend_folder_errors("rewards.backends.", cfg.rewards.backends)


def check_tasks(cfg: Any, registry: Any) -> list[str]:
    """Every task id, glob and environment of the mix resolves."""
    from bootcamp.env.job_problems import job_problems
    from bootcamp.mix import resolve_mix
    from bootcamp.registry import UnknownTaskError

    try:
        problems = job_problems(registry, cfg.rollout.episodes is not None)
        resolve_mix([(t.id, t.weight) for t in cfg.tasks], problems)
    except (UnknownTaskError, ValueError) as exc:
        return [f"tasks: {exc.args[0] if exc.args else exc}"]
    return []


def check_redis(cfg: Any, timeout_s: float = 2.0) -> list[str]:
    """The Redis a job streams through answers."""
    if cfg.stream.backend != "redis":
        return []
    import redis

    try:
        redis.Redis.from_url(cfg.stream.url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        return [f"stream.url: no Redis answers at {cfg.stream.url} ({type(exc).__name__}: {exc})"]
    return []


def check_trackers(cfg: Any) -> list[str]:
    """The packages of the experiment trackers the job turns on are installed."""
    from learner.trackers import REQUIRES, missing_module

    wanted = [name for name in REQUIRES if getattr(cfg.logging, name) is not None]
    return [e for e in (missing_module(name) for name in wanted) if e]


def check_job(cfg: Any, registry: Any) -> list[str]:
    """All of the above, in the order a user would fix them."""
    return check_paths(cfg) + check_tasks(cfg, registry) + check_redis(cfg) + check_trackers(cfg)
