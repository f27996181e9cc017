"""Moving weights in flat byte buckets: the bucket plan and the two transports (collective, shared memory).

Both sides of a weight sync (the learner's rank 0 and every rollout actor) import this
module: the sender packs tensors into buckets as the plan says, the receivers unpack
the same plan. A plan is plain data computed from a name list, so a push can carry any
subset of the parameters (e.g. LoRA adapters only).

Wire format: a bucket is a ``uint8`` tensor of ``Bucket.nbytes`` bytes; each
:class:`Piece` is a byte range of one tensor (C order) at a 64-byte aligned offset.
A tensor larger than a bucket is split into several pieces in consecutive buckets.
"""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

#: Byte alignment of every piece in a bucket (so a slice can be viewed as any dtype).
ALIGN = 64


@dataclass(frozen=True)
class TensorSpec:
    """One tensor of the policy: ``dtype`` is a torch dtype name (``"float32"``), ``nbytes`` its size in bytes."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    nbytes: int


@dataclass(frozen=True)
class Piece:
    """Bytes ``[start, start + nbytes)`` of tensor ``name`` at byte ``offset`` of a bucket; ``last`` completes it."""

    name: str
    start: int
    offset: int
    nbytes: int
    last: bool


@dataclass(frozen=True)
class Bucket:
    nbytes: int
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class WeightPlan:
    """The buckets of one push, in send order; ``capacity`` is the most bytes one bucket holds."""

    buckets: tuple[Bucket, ...]
    capacity: int

    @property
    def nbytes(self) -> int:
        """Tensor bytes moved by one push (padding excluded)."""
        return sum(p.nbytes for b in self.buckets for p in b.pieces)

    def names(self) -> list[str]:
        return [p.name for b in self.buckets for p in b.pieces if p.last]


def tensor_specs(state: Iterable[tuple[str, Any]]) -> list[TensorSpec]:
    """Specs of ``(name, tensor)`` pairs (a DTensor gives its global shape)."""
    out = []
    for name, t in state:
        shape = tuple(int(d) for d in t.shape)
        numel = 1
        for d in shape:
            numel *= d
        out.append(TensorSpec(name, shape, str(t.dtype).removeprefix("torch."), numel * t.element_size()))
    return out


def plan_buckets(specs: Sequence[TensorSpec], bucket_bytes: int, names: Iterable[str] | None = None) -> WeightPlan:
    """Pack ``specs`` (in their order; only ``names`` when given) into buckets of at most ``bucket_bytes``.

    A tensor that fits in a bucket is never split; a larger one fills the current bucket's
    free room and continues in the next buckets.

    Raises:
        ValueError: a name in ``names`` is not a parameter of the policy.
    """
    capacity = max(ALIGN, bucket_bytes // ALIGN * ALIGN)
    if names is not None:
        wanted = set(names)
        unknown = sorted(wanted - {s.name for s in specs})
        if unknown:
            raise ValueError(f"weight sync: not parameters of the policy: {unknown[:5]}")
        specs = [s for s in specs if s.name in wanted]
    buckets: list[Bucket] = []
    pieces: list[Piece] = []
    used = 0

    def flush() -> None:
        nonlocal pieces, used
        if pieces:
            buckets.append(Bucket(used, tuple(pieces)))
        pieces, used = [], 0

    for spec in specs:
        if spec.nbytes <= capacity and _aligned(used) + spec.nbytes > capacity:
            flush()
        start = 0
        while True:
            offset = _aligned(used)
            if offset >= capacity:
                flush()
                offset = 0
            take = min(capacity - offset, spec.nbytes - start)
            pieces.append(Piece(spec.name, start, offset, take, start + take == spec.nbytes))
            used = offset + take
            start += take
            if start >= spec.nbytes:
                break
    flush()
    return WeightPlan(tuple(buckets), capacity)


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def unpack(plan: WeightPlan, specs: dict[str, TensorSpec], fetch: Callable[[int, Bucket], Any],
           device: Any) -> Iterator[tuple[str, Any]]:
    """``(name, tensor)`` for each tensor of ``plan``, lazily, bucket by bucket.

    ``fetch(i, bucket)`` returns bucket ``i`` as a ``uint8`` tensor that is not reused while any
    view of it lives (see :class:`BufferPool`); tensors that fit in a bucket are views into
    it, split ones are reassembled into their own buffer first.
    """
    import torch

    partial: dict[str, Any] = {}
    for i, bucket in enumerate(plan.buckets):
        buf = fetch(i, bucket)
        for p in bucket.pieces:
            spec = specs[p.name]
            chunk = buf[p.offset:p.offset + p.nbytes]
            if p.start == 0 and p.last:
                yield p.name, as_tensor(chunk, spec)
                continue
            whole = partial.get(p.name)
            if whole is None:
                whole = partial[p.name] = torch.empty(spec.nbytes, dtype=torch.uint8, device=device)
            whole[p.start:p.start + p.nbytes].copy_(chunk)
            if p.last:
                yield p.name, as_tensor(partial.pop(p.name), spec)


class Prefetcher:
    """``fetch`` for :func:`unpack` that posts the receive of bucket ``i + 1`` before handing out bucket ``i``,
    so the transfer of the next bucket overlaps the engine loading this one."""

    def __init__(self, channel: Any, pool: BufferPool, plan: WeightPlan, push: int) -> None:
        self.channel, self.pool, self.plan, self.push = channel, pool, plan, push
        self.posted: dict[int, Any] = {}

    def _post(self, i: int) -> None:
        if i < len(self.plan.buckets) and i not in self.posted:
            out = self.pool.take(self.plan.buckets[i].nbytes)
            self.posted[i] = self.channel.post(self.push, i, out)

    def __call__(self, i: int, bucket: Bucket) -> Any:
        self._post(i)
        self._post(i + 1)
        return self.channel.complete(self.posted.pop(i))


def as_tensor(raw: Any, spec: TensorSpec) -> Any:
    """View ``uint8`` bytes as the tensor ``spec`` describes."""
    import torch

    return raw.view(getattr(torch, spec.dtype)).view(spec.shape)


class BufferPool:
    """Reusable ``uint8`` bucket buffers: a buffer is handed out again only once no view of it is alive.

    Fresh large allocations cost a page fault per 4 KiB page (about as much as the copy
    itself on a CPU host), so a receiver keeps up to ``size`` buffers of ``capacity`` bytes
    across pushes. An engine that keeps views (vLLM's layer-wise reload holds a layer's
    tensors until the layer is complete) simply keeps their buffer out of the pool meanwhile.
    """

    def __init__(self, capacity: int, device: Any, size: int = 4) -> None:
        self.capacity, self.device, self.size = capacity, device, size
        self.buffers: list[tuple[Any, int]] = []  # (buffer, its storage's use count when idle)

    def take(self, nbytes: int) -> Any:
        import torch

        for buf, idle in self.buffers:
            if _use_count(buf) == idle:
                return buf[:nbytes]
        buf = torch.empty(max(nbytes, self.capacity), dtype=torch.uint8, device=self.device)
        idle = _use_count(buf)
        if idle is not None and len(self.buffers) < self.size:
            self.buffers.append((buf, idle))
        return buf[:nbytes]


def _use_count(t: Any) -> int | None:
    """References to ``t``'s storage (tensors and views); None where torch does not say."""
    import torch

    count = getattr(torch._C, "_storage_Use_Count", None)  # noqa: SLF001 - no public equivalent
    return None if count is None else int(count(t.untyped_storage()._cdata))  # noqa: SLF001


def open_store(host: str, port: int, master: bool, timeout_s: float) -> Any:
    """A ``TCPStore`` (the master listens on ``port``, 0: any free port) that does not wait for clients."""
    import torch.distributed as dist

    return dist.TCPStore(host, port, None, master, datetime.timedelta(seconds=timeout_s), wait_for_workers=False)


class CollectiveChannel:
    """Buckets broadcast from rank 0 over a process group of its own (gloo, or NCCL on GPU).

    Built directly on a ``TCPStore``, so it needs no default process group and coexists
    with the learners' FSDP group.
    """

    def __init__(self, store: Any, rank: int, world: int, backend: str, timeout_s: float, device: Any) -> None:
        import torch.distributed as dist

        self.rank, self.timeout_s, self.device = rank, timeout_s, device
        prefixed = dist.PrefixStore("pg/", store)
        timeout = datetime.timedelta(seconds=timeout_s)
        if backend == "nccl":
            opts = dist.ProcessGroupNCCL.Options()
            opts._timeout = timeout
            self.pg = dist.ProcessGroupNCCL(prefixed, rank, world, opts)
        else:
            self.pg = dist.ProcessGroupGloo(prefixed, rank, world, timeout)

    def _broadcast(self, buf: Any) -> Any:
        import torch.distributed as dist

        opts = dist.BroadcastOptions()
        opts.rootRank = 0
        return self.pg.broadcast([buf], opts)

    def send(self, push: int, i: int, buf: Any) -> Any:
        """Start broadcasting bucket ``i``; returns a handle for :meth:`wait`."""
        return self._broadcast(buf)

    def wait(self, handle: Any) -> None:
        if handle is not None:
            _timed(lambda: handle.wait(), "the broadcast of a bucket", self.timeout_s)

    def finish(self, push: int, n_buckets: int) -> None:
        """Nothing to wait for: the last :meth:`wait` returned after every rank had the bucket."""

    def post(self, push: int, i: int, out: Any) -> Any:
        """Start receiving bucket ``i`` into ``out`` (``uint8``, the bucket's size); finish with :meth:`complete`."""
        return i, out, self._broadcast(out)

    def complete(self, posted: Any) -> Any:
        """Wait for a :meth:`post`; returns its ``out``."""
        i, out, work = posted
        _timed(lambda: work.wait(), f"bucket {i} from learner rank 0", self.timeout_s)
        return out

    def close(self) -> None:
        self.pg = None


class SharedMemoryChannel:
    """Buckets through ``slots`` reused ``/dev/shm`` segments (one host), signalled through the ``TCPStore``.

    Rank 0 writes bucket ``i`` into slot ``i % slots`` once every receiver has copied out
    bucket ``i - slots``; receivers wait for ``ready`` keys and set ``done`` keys.
    """

    def __init__(self, store: Any, rank: int, world: int, names: Sequence[str], capacity: int,
                 timeout_s: float, create: bool) -> None:
        from multiprocessing import resource_tracker, shared_memory

        import torch

        self.store, self.rank, self.world, self.timeout_s = store, rank, world, timeout_s
        self.create = create
        if create:
            free = shutil.disk_usage("/dev/shm").free
            if free < len(names) * capacity:
                raise ValueError(f"learner.weight_sync_bucket_mb: {len(names)} shared-memory slots of "
                                 f"{capacity >> 20} MiB do not fit in /dev/shm ({free >> 20} MiB free)")
        self.segments = []
        for name in names:
            seg = shared_memory.SharedMemory(name=name, create=create, size=capacity if create else 0)
            if not create:  # Python < 3.13 tracks attached segments too and would unlink them at exit
                resource_tracker.unregister(seg._name, "shared_memory")  # noqa: SLF001
            self.segments.append(seg)
        self.slots = [torch.frombuffer(seg.buf, dtype=torch.uint8, count=capacity) for seg in self.segments]
        self.timeout = datetime.timedelta(seconds=timeout_s)

    def slot(self, i: int) -> Any:
        """The ``uint8`` view rank 0 writes bucket ``i`` into (call :meth:`reserve` first)."""
        return self.slots[i % len(self.slots)]

    def _wait(self, keys: list[str], what: str) -> None:
        _timed(lambda: self.store.wait(keys, self.timeout), what, self.timeout_s)

    def _done_keys(self, push: int, i: int) -> list[str]:
        return [f"shm/{push}/done/{i}/{r}" for r in range(1, self.world)]

    def reserve(self, push: int, i: int) -> None:
        """Block until slot ``i % slots`` is free (every receiver copied out bucket ``i - slots``)."""
        if i >= len(self.slots):
            self._wait(self._done_keys(push, i - len(self.slots)), f"receivers to copy out bucket {i - len(self.slots)}")

    def send(self, push: int, i: int, buf: Any) -> None:
        self.store.set(f"shm/{push}/ready/{i}", "1")

    def wait(self, handle: Any) -> None:
        """Writes are synchronous."""

    def finish(self, push: int, n_buckets: int) -> None:
        """Wait until the receivers copied out the last buckets, then drop the push's keys."""
        for i in range(max(0, n_buckets - len(self.slots)), n_buckets):
            self._wait(self._done_keys(push, i), f"receivers to copy out bucket {i}")
        for i in range(n_buckets):
            for key in [f"shm/{push}/ready/{i}", *self._done_keys(push, i)]:
                self.store.delete_key(key)

    def post(self, push: int, i: int, out: Any) -> Any:
        """Note that bucket ``i`` goes to ``out``; the copy happens in :meth:`complete`."""
        return push, i, out

    def complete(self, posted: Any) -> Any:
        """Copy the bucket out of its slot once rank 0 wrote it; returns its ``out``."""
        push, i, out = posted
        self._wait([f"shm/{push}/ready/{i}"], f"bucket {i} from learner rank 0")
        out.copy_(self.slot(i)[:out.numel()])
        self.store.set(f"shm/{push}/done/{i}/{self.rank}", "1")
        return out

    def close(self) -> None:
        self.slots = []
        for seg in self.segments:
            try:
                seg.close()
            except BufferError:  # a view still exists; the mapping goes with the process
                pass
            if self.create:
                try:
                    seg.unlink()
                except FileNotFoundError:
                    pass
        self.segments = []


def _timed(fn: Callable[[], Any], what: str, timeout_s: float) -> Any:
    """Run a blocking transport call; a timeout becomes a ``TimeoutError`` that says what was awaited."""
    try:
        return fn()
    except Exception as e:
        text = str(e)
        if "imeout" in text or "imed out" in text:
            raise TimeoutError(f"weight sync (learner.weight_sync): waited {timeout_s:.0f} s for {what}; "
                               f"a peer died or never joined: {text.splitlines()[0] if text else e!r}") from e
        raise
