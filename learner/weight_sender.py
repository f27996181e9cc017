"""The learner side of the bucketed weight syncs: gather FSDP2 shards, pack buckets, send them from rank 0.

:class:`WeightSender` is a mixin of ``learner.actor.LearnerWorker`` (it uses ``model``,
``rank``, ``world`` and ``device``). Rank 0 of the learners is rank 0 of a sync link;
the other learner ranks only take part in gathering each parameter
(``DTensor.full_tensor()`` is collective over the learners' own group).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

from rollout.weight_transport import (
    CollectiveChannel,
    SharedMemoryChannel,
    TensorSpec,
    WeightPlan,
    open_store,
    tensor_specs,
)

#: Shared-memory slots per link: rank 0 fills one while the receivers copy out the other.
SHM_SLOTS = 2


@dataclass
class _SendLink:
    method: str
    store: Any
    world: int
    backend: str
    timeout_s: float
    capacity: int
    channel: Any = None
    staging: list[Any] = field(default_factory=list)


class WeightSender:
    """Sending end of ``learner.weight_sync: collective | shared_memory``."""

    model: Any
    rank: int
    world: int
    device: Any

    def _send_links(self) -> dict[str, _SendLink]:
        if not hasattr(self, "_ws_links"):
            self._ws_links: dict[str, _SendLink] = {}
        return self._ws_links

    def weight_specs(self) -> list[TensorSpec]:
        """Name, global shape, dtype and size of every tensor of the policy's state dict, in send order."""
        return tensor_specs(self.model.state_dict().items())

    def weight_device(self) -> str:
        return str(self.device)

    def ws_open(self, token: str, method: str, world: int, backend: str, timeout_s: float,
                capacity: int) -> dict[str, Any]:
        """Rank 0: start sync link ``token`` (a ``TCPStore`` on a free port; shared memory: the segments).

        Returns ``{"host", "port", "segments"}`` for the receivers' :meth:`ws_connect`.
        """
        if self.rank != 0:
            raise RuntimeError("weight sync links start on learner rank 0")
        host = _host_ip()
        store = open_store(host, 0, True, timeout_s)
        link = _SendLink(method, store, world, backend, timeout_s, capacity)
        segments: list[str] = []
        if method == "shared_memory":
            segments = [f"bcws_{token}_{s}" for s in range(SHM_SLOTS)]
            link.channel = SharedMemoryChannel(store, 0, world, segments, capacity, timeout_s, create=True)
        self._send_links()[token] = link
        return {"host": host, "port": store.port, "segments": segments}

    def ws_join(self, token: str) -> None:
        """Rank 0, collective: build the link's process group (returns once every receiver joined)."""
        import torch

        link = self._send_links()[token]
        if link.channel is None:
            device = self.device if link.backend == "nccl" else torch.device("cpu")
            link.channel = CollectiveChannel(link.store, 0, link.world, link.backend, link.timeout_s, device)

    def ws_send(self, token: str, plan: WeightPlan, push: int) -> float:
        """Every learner rank: gather each parameter of ``plan``; rank 0 packs and sends the buckets.

        Returns the bytes this rank sent (0 on ranks other than 0).
        """
        import torch

        link = self._send_links().get(token) if self.rank == 0 else None
        if self.rank == 0 and link is None:
            raise RuntimeError(f"weight sync link {token!r} is not open on learner rank 0")
        state = self.model.state_dict()
        staging: list[Any] = []
        handles: list[Any] = [None, None]
        shm = link is not None and link.method == "shared_memory"
        if link is not None and not shm:  # two staging buffers: fill one while the other is broadcast
            if not link.staging or link.staging[0].numel() < plan.capacity:  # kept: fresh pages are slow
                link.staging = [torch.empty(plan.capacity, dtype=torch.uint8, device=link.channel.device)
                                for _ in range(2)]
            staging = link.staging
        name, raw = None, None
        with torch.no_grad():
            for i, bucket in enumerate(plan.buckets):
                buf = None
                if link is not None:
                    if shm:
                        link.channel.reserve(push, i)
                        buf = link.channel.slot(i)
                    else:
                        link.channel.wait(handles[i % 2])
                        buf = staging[i % 2]
                for p in bucket.pieces:
                    if p.name != name:
                        name = p.name
                        raw = _full_bytes(state[p.name])  # collective over the learners: every rank
                    if buf is not None:
                        buf[p.offset:p.offset + p.nbytes].copy_(raw[p.start:p.start + p.nbytes])
                if link is not None:
                    handles[i % 2] = link.channel.send(push, i, buf[:bucket.nbytes])
            if link is not None:
                for h in handles:
                    link.channel.wait(h)
                link.channel.finish(push, len(plan.buckets))
        return float(plan.nbytes) if link is not None else 0.0

    def ws_close(self, token: str) -> None:
        link = self._send_links().pop(token, None)
        if link is not None and link.channel is not None:
            link.channel.close()


def _full_bytes(t: Any) -> Any:
    """The whole tensor (gathered if it is a DTensor shard) as flat ``uint8`` bytes."""
    import torch

    t = t.detach()
    if hasattr(t, "full_tensor"):  # one learner rank: the local shard is the whole tensor, no gather copy
        t = t.to_local() if t.device_mesh.size() == 1 else t.full_tensor()
    return t.contiguous().reshape(-1).view(torch.uint8)


def _host_ip() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"
