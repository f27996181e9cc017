"""Recovery from dead actors, a part of :class:`learner.trainer.Trainer`.

- A rollout actor that dies is started again (in its placement bundle), gets the current weights
  over a new weight-sync link, and the generation requests it held are sent to it again
  (:class:`learner.pipeline.RolloutStream` counts them as ``reissued_groups``), at most
  ``fault.max_rollout_restarts`` times per job.
- A learner rank that dies restarts the job from its last checkpoint (every rank again; the rollout
  actors stay and get the checkpoint's weights), at most ``fault.max_learner_restarts`` times.

Each recovery is a row of the run's ``events.jsonl``; the step metrics count them
(``rollout_restarts``, ``learner_restarts``, ``reissued_groups``).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any


class Recovery:
    """The trainer's recovery methods (they use its actors, config, weight sync and event log)."""

    cfg: Any
    rollout: Any
    learners: Any
    weight_sync: Any
    stream: Any
    events: Any
    placement: Any
    model_path: str
    version: int
    current_step: int
    start_step: int
    rollout_restarts: int
    learner_restarts: int

    def start_actors(self, resume: bool) -> Any:
        raise NotImplementedError

    def recover_rollout(self, index: int, dead: Any) -> Any:
        """The live rollout actor in place of ``dead`` (actor ``index``): restarted with the current weights,
        unless it already was. Raises RuntimeError once ``fault.max_rollout_restarts`` restarts were used."""
        import ray

        from learner.cluster import start_rollout_actor

        if self.rollout[index] is not dead:
            return self.rollout[index]
        limit = self.cfg.fault.max_rollout_restarts
        if self.rollout_restarts >= limit:
            raise RuntimeError(f"rollout actor {index} died and fault.max_rollout_restarts ({limit}) restarts "
                               "were used; see the actor's log in the Ray session folder")
        self.rollout_restarts += 1
        t0 = time.perf_counter()
        with contextlib.suppress(Exception):
            ray.kill(dead)
        handle = start_rollout_actor(self.cfg, self.model_path, index, self.placement)
        ray.get(handle.ready.remote())
        self.rollout.actors[index] = handle
        self.reconnect_weight_sync()
        self.events.log("rollout_restart", actor=index, step=self.current_step, version=self.version,
                        seconds=round(time.perf_counter() - t0, 3))
        return handle

    def reconnect_weight_sync(self) -> None:
        """A new weight-sync link over the current actors, and the current weights pushed through it."""
        from learner.weight_sync import make_weight_sync

        lc = self.cfg.learner
        if self.weight_sync is not None:
            self.weight_sync.close()
        self.weight_sync = make_weight_sync(lc.weight_sync, self.learners, self.rollout, lc.weight_sync_bucket_mb)
        self.weight_sync.push(self.version)

    def push_weights(self) -> None:
        """Push the current weights; a rollout actor found dead is restarted (it gets them on the new link)."""
        try:
            self.weight_sync.push(self.version)
        except Exception:
            dead = self.rollout.dead()
            if not dead or self.learners.dead():
                raise
            for index in dead:
                self.recover_rollout(index, self.rollout[index])

    def learner_died(self) -> bool:
        return bool(self.learners and self.learners.dead())

    def restart_learners(self, error: BaseException) -> None:
        """After a learner rank died: every rank again from the last checkpoint (or from the start)."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        if self.weight_sync is not None:
            self.weight_sync.close()
            self.weight_sync = None
        self.learners.kill()
        self.learner_restarts += 1
        last = self.start_actors(resume=True)
        self.events.log("learner_restart", restart=self.learner_restarts, error=f"{type(error).__name__}: {error}"[:500],
                        from_checkpoint=str(last) if last else None, from_step=self.start_step)
