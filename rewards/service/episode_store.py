"""Where the episode API keeps episodes: Redis (shared by replicas, with a TTL) or a bounded in-memory LRU.

Both hand out one step at a time per episode: ``begin`` takes a lease (a concurrent step gets
:class:`EpisodeBusy`), ``commit`` writes the new state back if the version is still the one the lease saw.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from typing import Any

from rewards.service.cache import RedisLink

KEY_PREFIX = "bootcamp:episode:"
#: Seconds a step holds its episode's lease: longer than any step (tool deadlines plus sandbox start).
STEP_LEASE_S = 300.0

# -- errors the store reports ---------------------------------------------------------------------
class StoreUnavailable(Exception):
    """Redis did not answer: the episode cannot be read or written now (503)."""


class EpisodeMissing(Exception):
    """No such episode, or it expired (404)."""


class EpisodeBusy(Exception):
    """Another step of this episode is running, or ran in between (409)."""


# -- stores ---------------------------------------------------------------------------------------
_CREATE_LUA = """
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

# {0}: no episode; {1}: a step holds the lease; {2, version, data}: the lease is ours.
_BEGIN_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {2, redis.call('HGET', KEYS[1], 'v'), redis.call('HGET', KEYS[1], 'data')}
"""

# 0: the episode is gone; 1: its version moved on; 2: written (and our lease released).
_COMMIT_LUA = """
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return 0 end
if v ~= ARGV[1] then return 1 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
return 2
"""

_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""

_READ_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
return {1, redis.call('HGET', KEYS[1], 'v'), redis.call('HGET', KEYS[1], 'data')}
"""

_DELETE_LUA = """
return redis.call('DEL', KEYS[1], KEYS[2])
"""


class MemoryEpisodes:
    """Episodes in this process: an LRU of at most ``max_episodes``, each expiring ``ttl_s`` after its last write."""

    kind = "memory"

    def __init__(self, max_episodes: int, ttl_s: float, lease_s: float = STEP_LEASE_S) -> None:
        self.max_episodes, self.ttl_s, self.lease_s = max_episodes, ttl_s, lease_s
        self._data: OrderedDict[str, tuple[float, int, str]] = OrderedDict()  # id -> (expires, version, json)
        self._leases: dict[str, tuple[str, float]] = {}  # id -> (token, expires)
        self._lock = threading.Lock()

    def _live(self, eid: str, now: float) -> tuple[float, int, str] | None:
        entry = self._data.get(eid)
        if entry is not None and entry[0] <= now:
            del self._data[eid]
            self._leases.pop(eid, None)
            return None
        return entry

    async def create(self, eid: str, data: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._data[eid] = (now + self.ttl_s, 0, data)
            self._data.move_to_end(eid)
            while len(self._data) > self.max_episodes:
                old, _ = self._data.popitem(last=False)
                self._leases.pop(old, None)

    async def read(self, eid: str) -> tuple[int, str]:
        with self._lock:
            entry = self._live(eid, time.monotonic())
            if entry is None:
                raise EpisodeMissing(eid)
            self._data.move_to_end(eid)
            return entry[1], entry[2]

    async def begin(self, eid: str, token: str) -> tuple[int, str]:
        now = time.monotonic()
        with self._lock:
            entry = self._live(eid, now)
            if entry is None:
                raise EpisodeMissing(eid)
            held = self._leases.get(eid)
            if held is not None and held[1] > now:
                raise EpisodeBusy(eid)
            self._leases[eid] = (token, now + self.lease_s)
            return entry[1], entry[2]

    async def commit(self, eid: str, version: int, data: str, token: str) -> None:
        now = time.monotonic()
        with self._lock:
            entry = self._live(eid, now)
            if entry is None:
                raise EpisodeMissing(eid)
            if entry[1] != version:
                raise EpisodeBusy(eid)
            self._data[eid] = (now + self.ttl_s, version + 1, data)
            self._data.move_to_end(eid)
            if self._leases.get(eid, ("", 0.0))[0] == token:
                del self._leases[eid]

    async def release(self, eid: str, token: str) -> None:
        with self._lock:
            if self._leases.get(eid, ("", 0.0))[0] == token:
                del self._leases[eid]

    async def delete(self, eid: str) -> bool:
        with self._lock:
            found = self._live(eid, time.monotonic()) is not None
            self._data.pop(eid, None)
            self._leases.pop(eid, None)
            return found

    async def close(self) -> None:
        return None


class RedisEpisodes:
    """Episodes in Redis, shared by every replica (see the module docstring). A Redis failure is
    :class:`StoreUnavailable`: unlike the verdict cache there is nothing to fall back to."""

    kind = "redis"

    def __init__(self, link: RedisLink, ttl_s: int, lease_s: float = STEP_LEASE_S) -> None:
        self.link, self.ttl_s, self.lease_ms = link, ttl_s, int(lease_s * 1000)

    @staticmethod
    def _keys(eid: str) -> list[str]:
        return [KEY_PREFIX + eid, KEY_PREFIX + eid + ":lease"]

    async def _run(self, lua: str, keys: list[str], args: list[Any]) -> Any:
        out = await self.link.run(lua, keys, args)
        if out is None:
            raise StoreUnavailable("the episode store (Redis) is unavailable; retry later")
        return out

    async def create(self, eid: str, data: str) -> None:
        await self._run(_CREATE_LUA, self._keys(eid)[:1], [0, data, self.ttl_s])

    async def read(self, eid: str) -> tuple[int, str]:
        out = await self._run(_READ_LUA, self._keys(eid)[:1], [])
        if int(out[0]) == 0:
            raise EpisodeMissing(eid)
        return int(out[1]), out[2]

    async def begin(self, eid: str, token: str) -> tuple[int, str]:
        out = await self._run(_BEGIN_LUA, self._keys(eid), [token, self.lease_ms])
        if int(out[0]) == 0:
            raise EpisodeMissing(eid)
        if int(out[0]) == 1:
            raise EpisodeBusy(eid)
        return int(out[1]), out[2]

    async def commit(self, eid: str, version: int, data: str, token: str) -> None:
        out = int(await self._run(_COMMIT_LUA, self._keys(eid), [version, version + 1, data, self.ttl_s, token]))
        if out == 0:
            raise EpisodeMissing(eid)
        if out == 1:
            raise EpisodeBusy(eid)

    async def release(self, eid: str, token: str) -> None:
        with contextlib.suppress(StoreUnavailable):  # the lease runs out on its own
            await self._run(_RELEASE_LUA, self._keys(eid)[1:], [token])

    async def delete(self, eid: str) -> bool:
        return int(await self._run(_DELETE_LUA, self._keys(eid), [])) > 0

    async def close(self) -> None:
        await self.link.close()


