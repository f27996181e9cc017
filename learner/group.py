"""Fanning one call out to a group of Ray actors (the learner ranks, the rollout workers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any


class ActorGroup:
    """Ray actor handles called together; results come back in actor order.

    ``group.call("setup", master)`` runs ``setup(master)`` on every actor and waits;
    ``group.call_each("train_step", [(shard,) for shard in shards], n_micro=2)`` gives each
    actor its own positional arguments (and all of them the keyword ones). The ``submit``
    forms return the object refs without waiting.
    """

    def __init__(self, actors: Iterable[Any] = ()) -> None:
        self.actors = list(actors)

    def __len__(self) -> int:
        return len(self.actors)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.actors)

    def __getitem__(self, index: int) -> Any:
        return self.actors[index]

    def submit(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Start ``method(*args, **kwargs)`` on every actor; returns the object refs."""
        return [getattr(a, method).remote(*args, **kwargs) for a in self.actors]

    def call(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Run ``method(*args, **kwargs)`` on every actor and wait; returns the results.

        The first failure is raised as soon as it happens (an actor that died leaves the others
        blocked in a collective: waiting for all of them would hang).
        """
        return wait_first_error(self.submit(method, *args, **kwargs))

    def submit_each(self, method: str, args: Sequence[tuple[Any, ...] | None], **kwargs: Any) -> list[Any]:
        """Start ``method(*args[i], **kwargs)`` on actor i (skipped where ``args[i]`` is None); returns the refs.

        Raises:
            ValueError: ``args`` does not have one entry per actor.
        """
        if len(args) != len(self.actors):
            raise ValueError(f"{method}: {len(args)} argument tuples for {len(self.actors)} actors")
        return [getattr(a, method).remote(*own, **kwargs) for a, own in zip(self.actors, args, strict=True)
                if own is not None]

    def call_each(self, method: str, args: Sequence[tuple[Any, ...] | None], **kwargs: Any) -> list[Any]:
        """:meth:`submit_each`, then wait; returns the results of the actors that were called (the first
        failure is raised as soon as it happens)."""
        return wait_first_error(self.submit_each(method, args, **kwargs))

    def dead(self) -> list[int]:
        """Indices of the actors Ray's control store lists as dead (a busy actor is alive: no task is sent)."""
        return [i for i, a in enumerate(self.actors) if actor_state(a) == "DEAD"]

    def kill(self) -> None:
        """Kill every actor (ones already gone are skipped) and empty the group."""
        import ray

        for a in self.actors:
            try:
                ray.kill(a)
            except Exception:  # noqa: BLE001 - already gone
                pass
        self.actors = []


def wait_first_error(refs: list[Any]) -> list[Any]:
    """``ray.get(refs)``, but the first failure is raised as soon as it happens."""
    import ray

    pending = list(refs)
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        ray.get(ready)
    return ray.get(refs)


def actor_state(actor: Any) -> str:
    """``ALIVE``, ``RESTARTING``, ``DEAD``, ... from the GCS actor table (works without the dashboard)."""
    import ray

    info = ray._private.state.actors(actor._actor_id.hex())  # noqa: SLF001 - no public call without the dashboard
    return str(info.get("State", "DEAD")) if info else "DEAD"
