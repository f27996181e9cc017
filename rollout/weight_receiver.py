"""The rollout side of the bucketed weight syncs: join the sync group, receive buckets, load them in place.

:class:`WeightReceiver` is a mixin of ``rollout.actor.RolloutWorker`` (it uses the worker's
``engine`` and ``version``). The driver (``learner.weight_sync``) calls :meth:`ws_connect`
once and :meth:`ws_receive` per push, on every rollout actor together with the learners.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rollout.weight_transport import (
    BufferPool,
    CollectiveChannel,
    Prefetcher,
    SharedMemoryChannel,
    TensorSpec,
    WeightPlan,
    open_store,
    unpack,
)


@dataclass
class _Link:
    channel: Any
    specs: dict[str, TensorSpec]
    device: Any
    pool: BufferPool


class WeightReceiver:
    """Receiving end of ``learner.weight_sync: collective | shared_memory`` (rank ``1..n`` of the sync group)."""

    engine: Any
    version: int

    def _links(self) -> dict[str, _Link]:
        if not hasattr(self, "_ws_links"):
            self._ws_links: dict[str, _Link] = {}
        return self._ws_links

    def engine_device(self) -> str:
        """Where the engine keeps its weights (``"cpu"`` unless the engine says otherwise)."""
        return str(getattr(self.engine, "device", "cpu"))

    def ws_connect(self, token: str, method: str, host: str, port: int, rank: int, world: int, backend: str,
                   specs: list[TensorSpec], timeout_s: float, capacity: int, segments: list[str]) -> int:
        """Join sync link ``token`` as ``rank`` (collective: a process-group rendezvous with every rank)."""
        import torch

        store = open_store(host, port, False, timeout_s)
        device = torch.device(self.engine_device() if backend == "nccl" else "cpu")
        if method == "collective":
            channel: Any = CollectiveChannel(store, rank, world, backend, timeout_s, device)
        else:
            channel = SharedMemoryChannel(store, rank, world, segments, capacity, timeout_s, create=False)
        self._links()[token] = _Link(channel, {s.name: s for s in specs}, device, BufferPool(capacity, device))
        return rank

    def ws_receive(self, token: str, plan: WeightPlan, push: int, version: int) -> int:
        """Receive push ``push`` bucket by bucket into the engine, then stamp later trajectories with ``version``.

        The engine's ``update_weights`` consumes the tensors lazily, so about one bucket (plus
        one split tensor, plus the next bucket in flight, plus what the engine keeps) is held at a
        time; up to four bucket buffers are kept for the next pushes.
        """
        link = self._links()[token]
        tensors = unpack(plan, link.specs, Prefetcher(link.channel, link.pool, plan, push), link.device)
        try:
            self.engine.update_weights(tensors)
        finally:
            left = sum(1 for _ in tensors)  # keep the sender unblocked even when the engine stopped early
        if left:
            raise RuntimeError(f"{type(self.engine).__name__}.update_weights left {left} tensors unread")
        self.version = version
        return version

    def ws_close(self, token: str) -> None:
        link = self._links().pop(token, None)
        if link is not None:
            link.channel.close()
