"""Where the episode API keeps episodes: Redis (shared by replicas, with a TTL) or a bounded in-memory LRU.

Both hand out one step at a time per episode: ``begin`` takes a lease (a concurrent step gets
:class:`EpisodeBusy`), ``renew`` keeps it while the step runs, ``commit`` writes the new state back if
the version is still the one the lease saw. Every episode has an owner (the id of the API key that
created it): any call naming another owner finds nothing (:class:`EpisodeMissing`), exactly as for an
episode that never existed.

Ids are checked against the shape :func:`new_episode_id` makes before any store call, so a client
cannot name another key of the store (``<id>:lease``) or make it do work for a junk id.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from rewards.service.cache import RedisLink
from rewards.service.limits import RedisDataError, run_script

KEY_PREFIX = "bootcamp:episode:"
#: Seconds a step's lease lasts unless renewed. A running step renews it every ``STEP_LEASE_S / 3``
#: seconds, so a long step (tool deadlines, sandbox start, grading) keeps it, while the lease of a
#: step that died with its process, or whose release could not reach Redis, frees the episode
#: within seconds. A short lease without renewal would let a second step start during a long one;
#: a long lease (minutes) locks the episode for minutes after any failed release.
STEP_LEASE_S = 6.0
#: Episode ids: ``secrets.token_urlsafe(18)``, 24 characters of the URL-safe base64 alphabet.
_ID_RE = re.compile(r"[A-Za-z0-9_-]{24}")


def new_episode_id() -> str:
    """A fresh episode id (144 random bits; matches :func:`valid_episode_id`)."""
    return secrets.token_urlsafe(18)


def valid_episode_id(eid: Any) -> bool:
    """Whether ``eid`` has the exact shape of an id :func:`new_episode_id` makes."""
    return isinstance(eid, str) and _ID_RE.fullmatch(eid) is not None


# -- errors the store reports ---------------------------------------------------------------------
class StoreUnavailable(Exception):
    """Redis did not answer: the episode cannot be read or written now (503)."""


class StoreDataError(Exception):
    """Redis answered this one request with an error, or holds a malformed record (500 for this
    request only; the store stays up for every other)."""


class EpisodeMissing(Exception):
    """No such episode, it expired, or it belongs to another owner (404)."""


class EpisodeBusy(Exception):
    """Another step of this episode is running, or ran in between (409)."""


def _check_id(eid: str) -> None:
    if not valid_episode_id(eid):
        raise EpisodeMissing(eid)


# -- stores ---------------------------------------------------------------------------------------
_CREATE_LUA = """
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'data', ARGV[2], 'owner', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

# {0}: no episode (or not this owner's); {1}: a step holds the lease; {2, version, data}: the lease is ours.
_BEGIN_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[3] then return {0} end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {2, redis.call('HGET', KEYS[1], 'v'), redis.call('HGET', KEYS[1], 'data')}
"""

# 0: the episode is gone; 1: its version moved on; 2: written (and our lease released).
_COMMIT_LUA = """
local v = redis.call('HGET', KEYS[1], 'v')
if not v or redis.call('HGET', KEYS[1], 'owner') ~= ARGV[6] then return 0 end
if v ~= ARGV[1] then return 1 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
return 2
"""

_RENEW_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""

_READ_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return {0} end
return {1, redis.call('HGET', KEYS[1], 'v'), redis.call('HGET', KEYS[1], 'data')}
"""

_DELETE_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1], KEYS[2])
"""


class MemoryEpisodes:
    """Episodes in this process: an LRU of at most ``max_episodes``, each expiring ``ttl_s`` after its last write."""

    kind = "memory"

    def __init__(self, max_episodes: int, ttl_s: float, lease_s: float = STEP_LEASE_S) -> None:
        self.max_episodes, self.ttl_s, self.lease_s = max_episodes, ttl_s, lease_s
        self._data: OrderedDict[str, tuple[float, int, str, str]] = OrderedDict()  # id -> (expires, version, owner, json)
        self._leases: dict[str, tuple[str, float]] = {}  # id -> (token, expires)
        self._lock = threading.Lock()

    def _live(self, eid: str, owner: str, now: float) -> tuple[float, int, str, str] | None:
        _check_id(eid)
        entry = self._data.get(eid)
        if entry is not None and entry[0] <= now:
            del self._data[eid]
            self._leases.pop(eid, None)
            return None
        if entry is not None and entry[2] != owner:
            return None
        return entry

    async def create(self, eid: str, owner: str, data: str) -> None:
        _check_id(eid)
        now = time.monotonic()
        with self._lock:
            self._data[eid] = (now + self.ttl_s, 0, owner, data)
            self._data.move_to_end(eid)
            while len(self._data) > self.max_episodes:
                old, _ = self._data.popitem(last=False)
                self._leases.pop(old, None)

    async def read(self, eid: str, owner: str) -> tuple[int, str]:
        with self._lock:
            entry = self._live(eid, owner, time.monotonic())
            if entry is None:
                raise EpisodeMissing(eid)
            self._data.move_to_end(eid)
            return entry[1], entry[3]

    async def begin(self, eid: str, owner: str, token: str) -> tuple[int, str]:
        now = time.monotonic()
        with self._lock:
            entry = self._live(eid, owner, now)
            if entry is None:
                raise EpisodeMissing(eid)
            held = self._leases.get(eid)
            if held is not None and held[1] > now:
                raise EpisodeBusy(eid)
            self._leases[eid] = (token, now + self.lease_s)
            return entry[1], entry[3]

    async def renew(self, eid: str, token: str) -> None:
        with self._lock:
            held = self._leases.get(eid)
            if held is not None and held[0] == token:
                self._leases[eid] = (token, time.monotonic() + self.lease_s)

    async def commit(self, eid: str, owner: str, version: int, data: str, token: str) -> None:
        now = time.monotonic()
        with self._lock:
            entry = self._live(eid, owner, now)
            if entry is None:
                raise EpisodeMissing(eid)
            if entry[1] != version:
                raise EpisodeBusy(eid)
            self._data[eid] = (now + self.ttl_s, version + 1, owner, data)
            self._data.move_to_end(eid)
            if self._leases.get(eid, ("", 0.0))[0] == token:
                del self._leases[eid]

    async def release(self, eid: str, token: str) -> None:
        with self._lock:
            if self._leases.get(eid, ("", 0.0))[0] == token:
                del self._leases[eid]

    async def delete(self, eid: str, owner: str) -> bool:
        with self._lock:
            if self._live(eid, owner, time.monotonic()) is None:
                return False
            self._data.pop(eid, None)
            self._leases.pop(eid, None)
            return True

    async def close(self) -> None:
        return None


class RedisEpisodes:
    """Episodes in Redis, shared by every replica (see the module docstring).

    A Redis outage is :class:`StoreUnavailable` (unlike the verdict cache there is nothing to fall
    back to); an error Redis answers about one episode, or a malformed record, is
    :class:`StoreDataError` for that request and never marks the link down.
    """

    kind = "redis"

    def __init__(self, link: RedisLink, ttl_s: int, lease_s: float = STEP_LEASE_S) -> None:
        self.link, self.ttl_s, self.lease_ms = link, ttl_s, int(lease_s * 1000)

    @staticmethod
    def _keys(eid: str) -> list[str]:
        _check_id(eid)  # never a Redis call for an id of another shape
        return [KEY_PREFIX + eid, KEY_PREFIX + eid + ":lease"]

    async def _run(self, lua: str, keys: list[str], args: list[Any], force: bool = False) -> Any:
        try:
            out = await run_script(self.link, lua, keys, args, force=force)
        except RedisDataError as exc:
            raise StoreDataError(f"the episode store (Redis) refused this request: {exc}") from None
        if out is None:
            raise StoreUnavailable("the episode store (Redis) is unavailable; retry later")
        return out

    @staticmethod
    def _record(out: Any, eid: str) -> tuple[int, str]:
        """(version, data) from a read or begin reply ``{_, version, data}``; a malformed one is a data error."""
        try:
            version, data = int(out[1]), out[2]
        except (TypeError, ValueError, IndexError):
            version, data = -1, None
        if version < 0 or not isinstance(data, str):
            raise StoreDataError(f"the episode store holds a malformed record for episode {eid!r}")
        return version, data

    async def create(self, eid: str, owner: str, data: str) -> None:
        await self._run(_CREATE_LUA, self._keys(eid)[:1], [0, data, self.ttl_s, owner])

    async def read(self, eid: str, owner: str) -> tuple[int, str]:
        out = await self._run(_READ_LUA, self._keys(eid)[:1], [owner])
        if int(out[0]) == 0:
            raise EpisodeMissing(eid)
        return self._record(out, eid)

    async def begin(self, eid: str, owner: str, token: str) -> tuple[int, str]:
        out = await self._run(_BEGIN_LUA, self._keys(eid), [token, self.lease_ms, owner])
        if int(out[0]) == 0:
            raise EpisodeMissing(eid)
        if int(out[0]) == 1:
            raise EpisodeBusy(eid)
        try:
            return self._record(out, eid)
        except StoreDataError:
            await self.release(eid, token)
            raise

    async def renew(self, eid: str, token: str) -> None:
        """Extend our lease (tried even while the link is marked down; a failure is left to the lease's TTL)."""
        try:
            await self._run(_RENEW_LUA, self._keys(eid)[1:], [token, self.lease_ms], force=True)
        except (StoreUnavailable, StoreDataError):
            pass  # the version check at commit still stops a stale write

    async def commit(self, eid: str, owner: str, version: int, data: str, token: str) -> None:
        out = int(await self._run(_COMMIT_LUA, self._keys(eid),
                                  [version, version + 1, data, self.ttl_s, token, owner]))
        if out == 0:
            raise EpisodeMissing(eid)
        if out == 1:
            raise EpisodeBusy(eid)

    async def release(self, eid: str, token: str) -> None:
        """Drop our lease. Tried whatever the link's state (a step that failed because Redis failed
        must still free its episode); when Redis cannot be reached the short lease runs out on its own."""
        try:
            await self._run(_RELEASE_LUA, self._keys(eid)[1:], [token], force=True)
        except (StoreUnavailable, StoreDataError):
            pass

    async def delete(self, eid: str, owner: str) -> bool:
        return int(await self._run(_DELETE_LUA, self._keys(eid), [owner])) > 0

    async def close(self) -> None:
        await self.link.close()
