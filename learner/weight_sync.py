"""How new weights reach the rollout engines: the ``learner.weight_sync`` registry (driver side).

- ``collective``: a process group of its own between learner rank 0 (rank 0) and every
  rollout actor (ranks 1..n), gloo (NCCL when learner and engines are on GPU); each push
  broadcasts flat buckets of at most ``learner.weight_sync_bucket_mb``; the engines load
  them in place bucket by bucket.
- ``shared_memory``: the same buckets through reused ``/dev/shm`` segments (one host).
- ``object_store``: the whole state dict through Ray's object store, then the engine's own
  reload (the original path; the fallback).

The trainer builds one with :func:`make_weight_sync`, calls :meth:`WeightSync.push` after
each update and :meth:`WeightSync.close` at the end. A new method is a class registered in
:data:`WEIGHT_SYNCS` with the same constructor.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bootcamp.extension import ExtensionRegistry
from learner.group import wait_first_error
from rollout.weight_transport import TensorSpec, WeightPlan, plan_buckets

if TYPE_CHECKING:
    from learner.group import ActorGroup

#: Seconds any one wait of a bucketed sync may take (connect, a bucket) before it is an error.
DEFAULT_TIMEOUT_S = 300.0


class WeightSync:
    """A connected way to push the learners' weights to every rollout engine."""

    name = ""

    def __init__(self, learners: ActorGroup, rollout: ActorGroup, bucket_mb: float,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.learners, self.rollout = learners, rollout
        self.bucket_bytes = int(bucket_mb * (1 << 20))  # MiB; fractions only in tests
        self.timeout_s = timeout_s
        self._specs: list[TensorSpec] | None = None

    def specs(self) -> list[TensorSpec]:
        """The policy's tensors as learner rank 0 holds them (asked once)."""
        import ray

        if self._specs is None:
            self._specs = ray.get(self.learners[0].weight_specs.remote())
        return self._specs

    def push(self, version: int, names: Iterable[str] | None = None) -> dict[str, float]:
        """Send the weights (``names`` only, when given) to every engine; blocks until every engine holds
        them and stamps later trajectories with ``version``.

        Returns:
            ``{"sync_seconds": wall seconds, "sync_bytes": tensor bytes sent to each engine}``.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release what :meth:`__init__` set up on the actors (idempotent)."""


WEIGHT_SYNCS: ExtensionRegistry[type[WeightSync]] = ExtensionRegistry("weight sync method", "learner.weight_sync")


def make_weight_sync(name: str, learners: ActorGroup, rollout: ActorGroup, bucket_mb: int,
                     timeout_s: float = DEFAULT_TIMEOUT_S) -> WeightSync:
    """The connected weight sync registered as ``name``.

    Raises:
        UnknownNameError: (a ``ValueError``) ``name`` is not registered; the message names
            ``learner.weight_sync`` and lists the valid methods.
    """
    return WEIGHT_SYNCS.get(name)(learners, rollout, bucket_mb, timeout_s)


@WEIGHT_SYNCS.register("object_store")
class ObjectStoreSync(WeightSync):
    """The whole state dict through Ray (``full_state_dict`` is collective over the learners), then each
    engine's ``load_weights`` (vLLM: a safetensors file and ``reload_weights``)."""

    name = "object_store"

    def push(self, version: int, names: Iterable[str] | None = None) -> dict[str, float]:
        import ray

        if names is not None:
            raise ValueError("learner.weight_sync: object_store pushes the whole policy; a names subset "
                             "needs collective or shared_memory")
        t0 = time.perf_counter()
        refs = self.learners.submit("full_state_dict")  # collective: every rank, rank 0 returns it
        ray.get(self.rollout.submit("load_weights", refs[0], version) + refs[1:])
        seconds = time.perf_counter() - t0
        return {"sync_seconds": seconds, "sync_bytes": float(sum(s.nbytes for s in self.specs()))}


class BucketedSync(WeightSync):
    """Shared driver logic of the bucketed methods: connect once, then one plan per push."""

    def __init__(self, learners: ActorGroup, rollout: ActorGroup, bucket_mb: float,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        import ray

        super().__init__(learners, rollout, bucket_mb, timeout_s)
        self.token = uuid.uuid4().hex[:12]
        self.pushes = 0
        specs = self.specs()
        self.plan = plan_buckets(specs, self.bucket_bytes)
        devices = [ray.get(learners[0].weight_device.remote()), *rollout.call("engine_device")]
        backend = "nccl" if all(d.startswith("cuda") for d in devices) else "gloo"
        world = len(rollout) + 1
        info = ray.get(learners[0].ws_open.remote(self.token, self.name, world, backend, timeout_s,
                                                  self.plan.capacity))
        self._open = True
        try:
            wait_first_error([learners[0].ws_join.remote(self.token)] + [
                actor.ws_connect.remote(self.token, self.name, info["host"], info["port"], rank, world, backend,
                                        specs, timeout_s, self.plan.capacity, info["segments"])
                for rank, actor in enumerate(rollout, start=1)])
        except Exception:
            self.close()
            raise

    def plan_for(self, names: Iterable[str] | None) -> WeightPlan:
        """The bucket plan of a push: every tensor, or only ``names`` (e.g. LoRA adapters)."""
        return self.plan if names is None else plan_buckets(self.specs(), self.bucket_bytes, names)

    def push(self, version: int, names: Iterable[str] | None = None) -> dict[str, float]:
        if not self._open:
            raise RuntimeError(f"learner.weight_sync: the {self.name} sync is closed")
        plan = self.plan_for(names)
        self.pushes += 1
        t0 = time.perf_counter()
        wait_first_error(self.learners.submit("ws_send", self.token, plan, self.pushes)
                 + self.rollout.submit("ws_receive", self.token, plan, self.pushes, version))
        return {"sync_seconds": time.perf_counter() - t0, "sync_bytes": float(plan.nbytes)}

    def close(self) -> None:
        import ray

        if not getattr(self, "_open", False):
            return
        self._open = False
        refs = [self.learners[0].ws_close.remote(self.token)] + self.rollout.submit("ws_close", self.token)
        try:
            ray.get(refs, timeout=60)
        except Exception:  # noqa: BLE001 - an actor already gone has nothing left to release
            pass


@WEIGHT_SYNCS.register("collective")
class CollectiveSync(BucketedSync):
    name = "collective"


@WEIGHT_SYNCS.register("shared_memory")
class SharedMemorySync(BucketedSync):
    name = "shared_memory"
