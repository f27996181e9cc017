"""Scored groups on a Redis stream: they survive the driver, and each is trained on exactly once.

The default stream keeps scored groups in the driver's memory and loses them with it. This backend
keeps them in a Redis stream read through a consumer group (``stream.backend: redis``).

Semantics (what the trainer relies on):

* A producer publishes each scored group (``publish``) with a little metadata (e.g. the request
  sequence number and the group's index in it). A published entry stays in Redis until it is acked.
* A consumer reads the groups of a training step (``read_exactly(n)``). It acks their ids only after
  a checkpoint holds that step (``ack``), so the unit of acknowledgement is "every step up to this
  checkpoint", never a single step. Every id read must be acked eventually, also those of groups the
  step filtered out, or they stay pending.
* If the consumer dies, the steps after its last checkpoint die with it. A restarted consumer gets the
  unacked entries again: with the same consumer name from its own pending list at once, with another
  name by reclaiming the dead consumer's entries (``reclaim()`` at once, or automatically in ``read``
  once they have been idle ``claim_idle_ms``). Training on them again is not training twice: the
  updates made from them were lost with the process. Acked entries are never delivered again.
* Checkpoint then ack is two steps, and the process can die between them. So a checkpoint records the
  ids it covers that were not yet acked (the steps since the previous checkpoint), and a consumer
  resuming from it acks those ids before reading (``ack`` is idempotent). Then the committed history
  holds every published group exactly once.
* Order: ``read`` returns (1) this consumer's own pending entries (delivered to an earlier incarnation
  of this name, never acked), then (2) entries reclaimed from other consumers, then (3) new entries.
  An entry handed out by this object is never handed out again by it (ids are tracked until acked).
* ``read(n, timeout_s)`` waits for the first entry only and returns up to ``n``;
  ``read_exactly(n, timeout_s)`` waits for all ``n`` (a step's groups) or raises TimeoutError,
  keeping those that came for the next read.
* A live consumer keeps its entries from being reclaimed by others: ``read`` refreshes their idle time
  (``touch``) when a third of ``claim_idle_ms`` has passed. Call ``touch()`` during steps longer
  than that, or choose ``claim_idle_ms`` above the longest step. One process per consumer name.

Memory stays bounded: ``ack`` removes the entries from the stream (XACK and XDEL in one transaction)
unless ``delete_acked=False``; the stream then holds only undelivered and pending entries, and
``maxlen`` caps that number (``publish`` raises :class:`StreamFullError` rather than drop anything).

Entries are JSON (never pickle: Redis is shared, and a poisoned entry must not run code), decoded
strictly (:func:`decode_group`). An entry that does not decode is moved to the dead-letter stream
``<name>:dead`` with the error, acked, logged and counted (``poisoned``), so it cannot wedge the
consumer; ``reset`` leaves the dead letters for inspection.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from learner.group_codec import FORMAT, MAX_ENTRY_BYTES, decode_group, encode_group
from learner.pipeline import Group

__all__ = ["FORMAT", "MAX_ENTRY_BYTES", "RedisGroupStream", "StreamFullError", "decode_group", "encode_group"]

log = logging.getLogger(__name__)

_CHUNK = 1000  # ids per XACK/XDEL/XCLAIM command

# -- the stream ----------------------------------------------------------------------------------
class StreamFullError(RuntimeError):
    """The stream already holds ``maxlen`` undelivered or unacked entries (the learner is not acking)."""


def _safe_url(url: str) -> str:
    """``url`` without its password (it goes into error messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _text(x: Any) -> str:
    return x.decode() if isinstance(x, bytes) else str(x)


Entry = tuple[str, Group, dict[str, Any]]


class RedisGroupStream:
    """Scored groups in a Redis stream ``name``, read through the consumer group ``group``.

    Args:
        url: Redis URL (``redis://host:port/db``).
        name: the stream key (one per run; ``reset`` deletes it).
        group: the consumer group (created on first use, reading from the stream's beginning).
        consumer: this reader's name; a restart under the same name gets its unacked entries first.
        maxlen: most entries the stream may hold (undelivered + pending); ``publish`` raises
            :class:`StreamFullError` beyond it (checked before each XADD: approximate with several
            producers). None: no cap. Nothing is ever trimmed away unacked.
        claim_idle_ms: entries of other consumers pending this long are taken over by ``read``.
        delete_acked: XDEL entries as they are acked (keeps the stream bounded; the default).
        poll_s: longest single blocking call to Redis (a wait re-checks idle entries this often).
        connect_timeout_s: how long to try to connect before a ConnectionError.

    Not thread-safe: give the producer thread and the consumer their own objects. Redis errors of
    connection become a ``ConnectionError`` naming the URL (without its password).
    """

    def __init__(self, url: str, name: str, group: str = "learner", consumer: str = "learner-0",
                 maxlen: int | None = None, claim_idle_ms: int = 300_000, delete_acked: bool = True,
                 poll_s: float = 1.0, connect_timeout_s: float = 5.0) -> None:
        try:
            import redis
        except ImportError as e:  # an optional dependency (the serve extra)
            raise ImportError("stream.backend 'redis' needs the redis package: pip install 'redis>=5'") from e
        if not name:
            raise ValueError("name: the stream key must not be empty")
        if maxlen is not None and maxlen < 1:
            raise ValueError(f"maxlen: must be positive or None, got {maxlen}")
        if claim_idle_ms < 0 or poll_s <= 0:
            raise ValueError("claim_idle_ms must be >= 0 and poll_s > 0")
        self.url, self.name, self.group, self.consumer = url, name, group, consumer
        self.maxlen, self.claim_idle_ms, self.delete_acked, self.poll_s = maxlen, claim_idle_ms, delete_acked, poll_s
        self.dead_letter = f"{name}:dead"
        self.poisoned = 0  # entries moved to the dead-letter stream by this object
        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._response_error = redis.exceptions.ResponseError
        try:
            self._r = redis.Redis.from_url(url, socket_connect_timeout=connect_timeout_s,
                                           socket_timeout=poll_s + 30.0)
        except ValueError as e:
            raise ValueError(f"stream.url: {e}") from None
        self._group_ready = False
        self._handed: set[str] = set()  # handed out by this object, not yet acked
        self._buffer: deque[Entry] = deque()  # handed back by a read_exactly that timed out
        self._own_scanned = False  # the own pending list holds nothing we have not handed out
        self._last_touch = time.monotonic()

    # -- plumbing ---------------------------------------------------------------------------------
    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self._errors as e:
            raise ConnectionError(f"Redis at {_safe_url(self.url)} is unreachable (stream {self.name!r}): {e}") from e
        except self._response_error as e:
            if "NOGROUP" not in str(e):
                raise
            self._group_ready = False  # the stream was deleted under us (a reset): recreate once
            self._ensure_group()
            try:
                return fn(*args, **kwargs)
            except self._errors as e2:
                raise ConnectionError(f"Redis at {_safe_url(self.url)} is unreachable: {e2}") from e2

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self._r.xgroup_create(self.name, self.group, id="0", mkstream=True)
        except self._response_error as e:
            if "BUSYGROUP" not in str(e):
                raise
        except self._errors as e:
            raise ConnectionError(f"Redis at {_safe_url(self.url)} is unreachable (stream {self.name!r}): {e}") from e
        self._group_ready = True

    def _deliver(self, entry_id: Any, fields: Any) -> Entry | None:
        """Decode one entry; a deleted or poisoned one is acked (dead-lettered) and yields None."""
        eid = _text(entry_id)
        if not fields:  # deleted (XDEL) while pending: nothing left to deliver
            log.warning("stream %s: pending entry %s no longer exists; acking it", self.name, eid)
            self._call(self._r.xack, self.name, self.group, eid)
            return None
        try:
            group, meta = decode_group(fields)
        except ValueError as e:
            self._poison(eid, fields, str(e))
            return None
        self._handed.add(eid)
        return eid, group, meta

    def _poison(self, eid: str, fields: Mapping[Any, Any], error: str) -> None:
        log.error("stream %s: entry %s does not decode (%s); moved to %s", self.name, eid, error, self.dead_letter)
        record = {b"id": eid.encode(), b"error": error.encode(), b"consumer": self.consumer.encode()}
        record.update({b"raw:" + (k if isinstance(k, bytes) else str(k).encode()):
                       (v if isinstance(v, bytes) else str(v).encode()) for k, v in fields.items()})
        pipe = self._r.pipeline(transaction=True)
        pipe.xadd(self.dead_letter, record)
        pipe.xack(self.name, self.group, eid)
        pipe.xdel(self.name, eid)
        self._call(pipe.execute)
        self.poisoned += 1

    # -- producing --------------------------------------------------------------------------------
    def publish(self, group: Group, meta: Mapping[str, Any] | None = None) -> str:
        """Append one group (XADD); returns its entry id. ``meta``: plain JSON, e.g. ``{"request": q}``."""
        return self.publish_many([group], [meta or {}])[0]

    def publish_many(self, groups: Sequence[Group], metas: Sequence[Mapping[str, Any] | None] | None = None,
                     ) -> list[str]:
        """Append several groups in one round trip; returns their entry ids in order."""
        metas = list(metas) if metas is not None else [None] * len(groups)
        if len(metas) != len(groups):
            raise ValueError(f"metas: {len(metas)} for {len(groups)} groups")
        encoded = [encode_group(g, m) for g, m in zip(groups, metas, strict=True)]
        if not encoded:
            return []
        self._ensure_group()
        if self.maxlen is not None:
            held = self._call(self._r.xlen, self.name)
            if held + len(encoded) > self.maxlen:
                raise StreamFullError(f"stream {self.name!r} holds {held} entries; {len(encoded)} more would pass "
                                      f"maxlen={self.maxlen} (is the learner acking?)")
        pipe = self._r.pipeline(transaction=False)
        for fields in encoded:
            pipe.xadd(self.name, fields)
        return [_text(i) for i in self._call(pipe.execute)]

    # -- consuming --------------------------------------------------------------------------------
    def read(self, n: int, timeout_s: float = 0.0) -> list[Entry]:
        """Up to ``n`` entries ``(id, group, meta)``: own pending first, then reclaimed, then new ones.

        Blocks up to ``timeout_s`` for the first entry, never for more: once something is there it
        returns what it has (and what more arrived without waiting). Returns [] on timeout.
        """
        if n < 1:
            raise ValueError(f"n: must be positive, got {n}")
        self._ensure_group()
        out: list[Entry] = []
        while self._buffer and len(out) < n:
            out.append(self._buffer.popleft())
        deadline = time.monotonic() + max(timeout_s, 0.0)
        if self._handed and time.monotonic() - self._last_touch > self.claim_idle_ms / 3000:
            self.touch()
        if len(out) < n and not self._own_scanned:
            out += self._own_pending(n - len(out))
        while True:
            if len(out) < n:
                out += self._claim(n - len(out))
            if len(out) < n:
                remaining = deadline - time.monotonic()
                block = None if out or remaining <= 0 else max(1, int(min(remaining, self.poll_s) * 1000))
                out += self._new(n - len(out), block)
            if out or time.monotonic() >= deadline:
                return out

    def read_exactly(self, n: int, timeout_s: float) -> list[Entry]:
        """Exactly ``n`` entries (a training step's groups), waiting up to ``timeout_s`` in all.

        Raises:
            TimeoutError: when fewer arrived in time; those that did are kept for the next read.
        """
        deadline = time.monotonic() + timeout_s
        got: list[Entry] = []
        while len(got) < n:
            got += self.read(n - len(got), max(deadline - time.monotonic(), 0.0))
            if len(got) < n and time.monotonic() >= deadline:
                self._buffer.extendleft(reversed(got))
                raise TimeoutError(f"stream {self.name!r}: {len(got)} of {n} groups arrived within {timeout_s:g} s "
                                   f"(backlog {self.backlog()}, pending {self.pending_count()}); is the producer "
                                   "running?")
        return got

    def _own_pending(self, n: int) -> list[Entry]:
        """Entries in this consumer's pending list that this object has not handed out (id order)."""
        out: list[Entry] = []
        cursor, page = "0", max(n, 100)
        while len(out) < n:
            reply = self._call(self._r.xreadgroup, self.group, self.consumer, {self.name: cursor}, count=page)
            entries = reply[0][1] if reply else []
            for entry_id, fields in entries:
                cursor = _text(entry_id)
                if cursor in self._handed or len(out) >= n:
                    continue
                entry = self._deliver(cursor, fields)
                if entry is not None:
                    out.append(entry)
            if len(entries) < page:
                if len(out) < n:  # a full pass found nothing more: only our own reads add to it now
                    self._own_scanned = True
                break
        return out

    def _claim(self, n: int, min_idle_ms: int | None = None) -> list[Entry]:
        """Take over up to ``n`` entries of other consumers pending at least ``min_idle_ms`` (XAUTOCLAIM)."""
        idle = self.claim_idle_ms if min_idle_ms is None else min_idle_ms
        out: list[Entry] = []
        cursor = "0-0"
        while len(out) < n:
            reply = self._call(self._r.xautoclaim, self.name, self.group, self.consumer, idle, cursor,
                               count=n - len(out))
            cursor, entries = _text(reply[0]), reply[1]
            for entry_id, fields in entries:
                if _text(entry_id) in self._handed:  # our own, held until its checkpoint
                    continue
                entry = self._deliver(entry_id, fields)
                if entry is not None:
                    out.append(entry)
            if cursor == "0-0":
                break
        return out

    def _new(self, n: int, block_ms: int | None) -> list[Entry]:
        reply = self._call(self._r.xreadgroup, self.group, self.consumer, {self.name: ">"}, count=n, block=block_ms)
        out = []
        for entry_id, fields in (reply[0][1] if reply else []):
            entry = self._deliver(entry_id, fields)
            if entry is not None:
                out.append(entry)
        return out

    def reclaim(self, min_idle_ms: int = 0) -> int:
        """Take over every entry of other consumers pending ``min_idle_ms`` or more (0: at once, for a
        consumer known to be dead). They come first in the next ``read``. Returns how many were taken."""
        self._ensure_group()
        taken, cursor = 0, "0-0"
        while True:
            # (not JUSTID: redis-py then drops the cursor that the scan needs)
            reply = self._call(self._r.xautoclaim, self.name, self.group, self.consumer, min_idle_ms, cursor,
                               count=_CHUNK)
            cursor = _text(reply[0])
            taken += sum(1 for i, _ in reply[1] if _text(i) not in self._handed)
            if cursor == "0-0":
                break
        if taken:
            self._own_scanned = False
        return taken

    def touch(self) -> None:
        """Reset the idle time of the entries this object holds, so that no other consumer reclaims them."""
        held = sorted(self._handed)
        for i in range(0, len(held), _CHUNK):
            self._call(self._r.xclaim, self.name, self.group, self.consumer, 0, held[i:i + _CHUNK], justid=True)
        self._last_touch = time.monotonic()

    def ack(self, ids: Iterable[str | bytes]) -> int:
        """Acknowledge entries (XACK, and XDEL unless ``delete_acked=False``, in one transaction).

        Idempotent: ids already acked count zero. Returns how many were pending.
        """
        ids = [_text(i) for i in ids]
        if not ids:
            return 0
        self._ensure_group()
        pipe = self._r.pipeline(transaction=True)
        for i in range(0, len(ids), _CHUNK):
            pipe.xack(self.name, self.group, *ids[i:i + _CHUNK])
            if self.delete_acked:
                pipe.xdel(self.name, *ids[i:i + _CHUNK])
        results = self._call(pipe.execute)
        self._handed.difference_update(ids)
        return sum(results[:: 2 if self.delete_acked else 1])

    # -- inspection and lifecycle -------------------------------------------------------------------
    def pending_count(self, consumer: str | None = None) -> int:
        """Entries delivered and not acked: the whole group's, or one consumer's."""
        self._ensure_group()
        summary = self._call(self._r.xpending, self.name, self.group)
        if consumer is None:
            return int(summary["pending"])
        return sum(int(c["pending"]) for c in summary["consumers"] if _text(c["name"]) == consumer)

    def backlog(self) -> int:
        """Entries published and not yet delivered to the group (XINFO GROUPS ``lag``, else counted)."""
        self._ensure_group()
        info = next(g for g in self._call(self._r.xinfo_groups, self.name) if _text(g["name"]) == self.group)
        if info.get("lag") is not None:
            return int(info["lag"])
        count, start = 0, "(" + _text(info["last-delivered-id"])
        while True:  # lag is unknown after some deletions: count the entries after the last delivered one
            page = self._call(self._r.xrange, self.name, min=start, count=_CHUNK)
            count += len(page)
            if len(page) < _CHUNK:
                return count
            start = "(" + _text(page[-1][0])

    def last_meta(self) -> dict[str, Any] | None:
        """The metadata of the newest entry the stream holds (None: empty, or it does not decode)."""
        page = self._call(self._r.xrevrange, self.name, count=1)
        if not page:
            return None
        try:
            return decode_group(page[0][1])[1]
        except ValueError:
            return None

    def reset(self) -> None:
        """Delete the stream (and so its consumer group) for a new run; the dead letters stay."""
        self._call(self._r.delete, self.name)
        self._group_ready = self._own_scanned = False
        self._handed.clear()
        self._buffer.clear()

    def close(self) -> None:
        """Close the connections (entries held stay pending in Redis)."""
        self._r.close()

    def __enter__(self) -> RedisGroupStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
