"""Verdict caches: Redis when configured (shared by replicas), else a bounded in-memory LRU.

A cache never fails a request: when Redis is unreachable the service runs
uncached and tries Redis again after ``retry_s``.

A verdict's key names everything the verdict depends on (:func:`cache_key`): the
*scoring configuration* (:func:`scoring_config`: the settings that change verdicts,
the reasoning-gym parity mode, the versions of bootcamp, of the reply grammar and of
the packages verifiers score with), computed once per app; the task's fingerprint
(:func:`task_fingerprint`: class, version, verifier version, params, tolerances); the
reward spec with its backends' tags; the identity; the response. So replicas that
score differently never share an entry, and replicas that score alike always do.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from importlib import metadata
from typing import Any

KEY_PREFIX = "bootcamp:verdict:v4:"
#: Distributions whose versions change verdicts: adapters and the libraries checkers score with.
VERDICT_PACKAGES = ("reasoning-gym", "internbootcamp", "math-verify", "sympy", "rdkit", "pymatgen", "numpy")
#: Kinds that run the task's own verifier, one answer at a time under the pool's per-answer deadline.
TASK_VERIFIER_KINDS = ("rule", "checker")
#: How rewards/pool.py details a verdict whose own deadline expired while its verifier ran (the
#: worker was killed): the one timeout that is the answer's doing.
POOL_DEADLINE = re.compile(r"verifier ran past [0-9.e+\-]+s and was killed")
#: Class attributes of a task that do not change its verdicts.
_NOT_SCORING = frozenset({"description", "id", "name", "domain", "task_id", "version", "verifier_version"})
_SCALARS = (bool, int, float, str, type(None))


def _digest(obj: Any) -> str:
    blob = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=repr, ensure_ascii=True)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def parity_mode(environ: Mapping[str, str] | None = None) -> bool:
    """Whether reasoning-gym datasets register with reasoning-gym's own scoring, as
    ``bootcamp.compat.reasoning_gym.register_from_env`` decides it (``BOOTCAMP_REASONING_GYM_PARITY``)."""
    from bootcamp.compat.reasoning_gym import PARITY_ENV_VAR

    env = os.environ if environ is None else environ
    return env.get(PARITY_ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def package_versions() -> dict[str, str | None]:
    """The installed version of each of :data:`VERDICT_PACKAGES` (None when it is not installed)."""
    out: dict[str, str | None] = {}
    for name in VERDICT_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def scoring_config(options: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything service-wide that changes a verdict (see the module docstring).

    Args:
        options: the settings that change verdicts (``Settings.scoring_options()``).
        environ: where the parity mode is read (default: ``os.environ``, as the plugin hook does).
    """
    import bootcamp
    from rewards.models.reply_grammar import GRAMMAR_VERSION

    return {"schema": KEY_PREFIX, "bootcamp": bootcamp.__version__, "reply_grammar": GRAMMAR_VERSION,
            "reasoning_gym_parity": parity_mode(environ), "packages": package_versions(),
            "settings": dict(options)}


def _scoring_options(obj: Any) -> dict[str, Any]:
    """An object's public plain-valued attributes (class level), e.g. a task's ``rel_tol``, ``unit``."""
    out: dict[str, Any] = {}
    for name in dir(obj):
        if name.startswith("_") or name in _NOT_SCORING:
            continue
        try:
            value = inspect.getattr_static(obj, name)
        except AttributeError:
            continue
        if isinstance(value, _SCALARS):
            out[name] = value
        elif hasattr(value, "__dict__") and not (inspect.isclass(value) or inspect.isroutine(value)
                                                 or inspect.ismodule(value) or isinstance(value, property)):
            # an answer type such as Number(rel_tol=0.01): its plain settings, never its repr (an address)
            plain = {k: v for k, v in vars(value).items() if not k.startswith("_") and isinstance(v, _SCALARS)}
            if plain:
                out[name] = {"type": f"{type(value).__module__}.{type(value).__qualname__}", **plain}
    return out


def _source_digest(cls: Any) -> str | None:
    """A digest of the file that defines ``cls`` (None when it has none): a foreign verifier's version."""
    try:
        path = inspect.getsourcefile(cls)
        if path is None:
            return None
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()[:16]
    except (OSError, TypeError):
        return None


def task_fingerprint(task_id: str, task: Any) -> dict[str, Any]:
    """What a task's verdicts depend on besides the inputs: its class, version and verifier version,
    its params, the plain scoring options its class carries (tolerances, units), and for a wrapped
    foreign class (an InternBootCamp bootcamp) that class and a digest of its source file."""
    cls = type(task)
    out: dict[str, Any] = {"id": task_id, "class": f"{cls.__module__}.{cls.__qualname__}",
                           "version": getattr(task, "version", None),
                           "verifier_version": getattr(task, "verifier_version", None),
                           "params": getattr(task, "params", None), "options": _scoring_options(cls)}
    foreign = getattr(cls, "bootcamp_cls", None)
    if inspect.isclass(foreign):
        out["wraps"] = {"class": f"{foreign.__module__}.{foreign.__qualname__}", "source": _source_digest(foreign),
                        "options": _scoring_options(foreign)}
    return out


class VerdictKeys:
    """Cache keys for one app: the scoring configuration's digest, computed once, and each task's
    fingerprint, computed once per task class (its version and verifier version are read every
    time, so a bumped verifier misses the cache at once)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self.digest = _digest(self.config)
        self._tasks: dict[tuple[str, type], str] = {}
        self._full: dict[tuple[tuple[str, type], tuple[Any, Any]], str] = {}
        self._lock = threading.Lock()

    def task_digest(self, task_id: str, task: Any) -> str:
        """The digest of :func:`task_fingerprint` (memoised; the versions are read live)."""
        memo = (task_id, type(task))
        static = self._tasks.get(memo)
        if static is None:
            fp = task_fingerprint(task_id, task)
            for live in ("version", "verifier_version"):
                del fp[live]
            static = _digest(fp)
            with self._lock:
                self._tasks[memo] = static
        live = (getattr(task, "version", None), getattr(task, "verifier_version", None))
        full = self._full.get((memo, live))
        if full is None:
            full = _digest([static, *live])
            with self._lock:
                self._full[(memo, live)] = full
        return full

    def key(self, task_id: str, task: Any, spec: str, identity: Any, response: str) -> str:
        """The key of one verdict (see :func:`cache_key`)."""
        return cache_key(self.digest, self.task_digest(task_id, task), spec, identity, response)


def cache_key(config: str, task: str, spec: str, identity: Any, response: str) -> str:
    """A stable hash of everything a verdict depends on.

    Args:
        config: the scoring configuration's digest (:class:`VerdictKeys`, :func:`scoring_config`).
        task: the task's digest (:meth:`VerdictKeys.task_digest`).
        spec: the reward spec and its backends' tags (``Router.cache_tag``).
        identity: the problem's identity (key order does not matter).
        response: the model's response.
    """
    h = hashlib.sha256()
    for piece in (config, task, spec):
        h.update(piece.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    h.update(_identity_bytes(identity))
    h.update(b"\0")
    h.update(response.encode("utf-8", "surrogatepass"))
    return KEY_PREFIX + h.hexdigest()


def _identity_bytes(identity: Any) -> bytes:
    """The identity as canonical JSON bytes (sorted keys, no spaces): orjson where it can (a few
    times faster), else the standard library (integers over 64 bits, lone surrogates, odd keys, and
    any ``null``: orjson writes NaN and infinities as ``null`` too, and they must not share a key).
    The two forms differ, but a given identity always takes the same path, so its key is stable."""
    if _orjson is not None:
        try:
            blob = _orjson.dumps(identity, option=_orjson.OPT_SORT_KEYS)
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            pass
        else:
            if b"null" not in blob:
                return b"o" + blob
    return b"j" + json.dumps(identity, sort_keys=True, separators=(",", ":")).encode("utf-8", "surrogatepass")


try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson comes with pymatgen; the standard library does the same work
    _orjson = None


def answer_timeout(verdict: Any, failures: tuple[str, ...] = ("timeout", "verifier_error")) -> bool:
    """Whether a verdict is a timeout of the answer's own doing: the sandbox pool killed the task's
    verifier when this answer's deadline expired (it will time out again), and no other part failed.

    A model backend's timeout (a whole batch past ``model_timeout``), a crashed or starved worker,
    or a timeout a verifier reports itself (its sandbox did not start, say) is not.
    """
    if verdict.reason != "timeout" or not POOL_DEADLINE.fullmatch(verdict.detail or ""):
        return False
    failed = [p for p in verdict.parts if p.reason in failures]
    return bool(failed) and all(p.reason == "timeout" and p.kind in TASK_VERIFIER_KINDS for p in failed)


def cacheable(verdict: Any, failures: tuple[str, ...]) -> bool:
    """Whether a verdict may be cached and served: reached by the verifiers on their own (no part
    failed), or a timeout of the answer's own doing (:func:`answer_timeout`)."""
    if verdict.reason == "too_long":
        return False
    if answer_timeout(verdict, failures):
        return True
    if verdict.reason in failures:
        return False
    return all(p.reason not in failures for p in verdict.parts)


def async_redis(url: str, timeout_s: float) -> Any:
    """An async Redis client that fails fast: no client-side retries, short timeouts."""
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # No client-side retries: a dead Redis must cost one short timeout, not seconds.
    return aioredis.Redis.from_url(
        url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0), retry_on_timeout=False, decode_responses=True,
        health_check_interval=0,
    )


class MemoryCache:
    """A bounded LRU of verdict JSON strings."""

    kind = "memory"

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, str] = OrderedDict()
        self._expires: dict[str, float] = {}  # entries stored with a TTL
        self._lock = threading.Lock()
        self.errors = 0

    @property
    def available(self) -> bool:
        return True

    async def get_many(self, keys: list[str]) -> list[str | None]:
        out: list[str | None] = []
        now = time.monotonic()
        with self._lock:
            for k in keys:
                if self._expires.get(k, now + 1.0) <= now:
                    self._data.pop(k, None)
                    self._expires.pop(k, None)
                v = self._data.get(k)
                if v is not None:
                    self._data.move_to_end(k)
                out.append(v)
        return out

    async def set_many(self, values: dict[str, str], ttl_s: float | None = None) -> None:
        """Store ``values``; with ``ttl_s`` they expire after that many seconds."""
        if not self.max_entries:
            return
        with self._lock:
            for k, v in values.items():
                self._data[k] = v
                self._data.move_to_end(k)
                if ttl_s is None:
                    self._expires.pop(k, None)
                else:
                    self._expires[k] = time.monotonic() + ttl_s
            while len(self._data) > self.max_entries:
                k, _ = self._data.popitem(last=False)
                self._expires.pop(k, None)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None

    def __len__(self) -> int:
        return len(self._data)


_log = logging.getLogger("uvicorn.error")  # the service's own log


def _safe_url(url: str) -> str:
    """A Redis URL without its password, for logs."""
    return re.sub(r"//[^@/]*@", "//***@", url)


class RedisLink:
    """A lazily made async Redis client that is skipped for ``retry_s`` after any failure.

    Shared by the verdict cache and the service's limits: a dead Redis costs one short
    timeout, then callers fall back (uncached, or the local limiter) until ``retry_s`` passes.
    """

    def __init__(self, url: str, timeout_s: float = 0.25, retry_s: float = 1.0) -> None:
        self.url, self.timeout_s, self.retry_s = url, timeout_s, retry_s
        self.errors = 0
        self._down_until = 0.0
        self._down_since: float | None = None  # the outage being logged (None: up)
        self._client: Any = None
        self._scripts: dict[str, Any] = {}

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def failed(self, exc: BaseException | None = None) -> None:
        """A link failure: skip Redis for ``retry_s``; the first failure of an outage is logged."""
        self.errors += 1
        self._down_until = time.monotonic() + self.retry_s
        if self._down_since is None:
            self._down_since = time.monotonic()
            why = f" ({type(exc).__name__}: {str(exc)[:120]})" if exc is not None else ""
            _log.warning("Redis at %s is unreachable%s: verdicts are served uncached and limits kept per "
                         "replica until it answers again", _safe_url(self.url), why)

    def recovered(self) -> None:
        """Redis answered: use it again (and log the end of an outage)."""
        self._down_until = 0.0
        if self._down_since is not None:
            _log.warning("Redis at %s answers again after %.1f s", _safe_url(self.url),
                         time.monotonic() - self._down_since)
            self._down_since = None

    def answered(self) -> None:
        """A command succeeded: ends a logged outage (cheap when there is none)."""
        if self._down_since is not None:
            self.recovered()

    def client(self) -> Any:
        if self._client is None:
            self._client = async_redis(self.url, self.timeout_s)
        return self._client

    def script(self, lua: str) -> Any:
        if lua not in self._scripts:
            self._scripts[lua] = self.client().register_script(lua)
        return self._scripts[lua]

    async def run(self, lua: str, keys: list[str], args: list[Any]) -> Any:
        """The script's result, or None when Redis is skipped or fails (the caller falls back)."""
        if not self.available:
            return None
        try:
            out = await self.script(lua)(keys=keys, args=args)
        except Exception as exc:  # noqa: BLE001 - the caller falls back; only a link failure is for everyone
            if link_failure(exc):
                self.failed(exc)
            return None
        self.answered()
        return out

    async def close(self) -> None:
        if self._client is not None:
            try:
                await self._client.aclose()
            except Exception:  # noqa: BLE001
                pass
            self._client = None
            self._scripts.clear()


def link_failure(exc: BaseException) -> bool:
    """Whether ``exc`` says the link to Redis failed (rather than one command's data being wrong).

    Only a link failure marks the link down for everyone; a data error (WRONGTYPE, a failing script)
    is that one command's failure.
    """
    from redis import exceptions as rx

    # ReadOnlyError / ClusterDownError: a failover in progress; every command fails alike until it ends.
    link_level = (rx.ConnectionError, rx.TimeoutError, rx.InvalidResponse, rx.ReadOnlyError, rx.ClusterDownError,
                  OSError, TimeoutError, EOFError)
    return isinstance(exc, link_level)


class RedisCache:
    """Verdicts in Redis with a TTL; skips Redis for ``retry_s`` after a link failure."""

    kind = "redis"

    def __init__(self, url: str, ttl_s: int = 7 * 24 * 3600, timeout_s: float = 0.25, retry_s: float = 1.0) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.link = RedisLink(url, timeout_s, retry_s)

    @property
    def available(self) -> bool:
        return self.link.available

    @property
    def errors(self) -> int:
        return self.link.errors

    async def get_many(self, keys: list[str]) -> list[str | None]:
        if not keys or not self.available:
            return [None] * len(keys)
        try:
            out = list(await self.link.client().mget(keys))
        except Exception as exc:  # noqa: BLE001 - uncached; a link failure: for a while
            if link_failure(exc):
                self.link.failed(exc)
            return [None] * len(keys)
        self.link.answered()
        return out

    async def set_many(self, values: dict[str, str], ttl_s: float | None = None) -> None:
        """Store ``values`` for ``ttl_s`` seconds (default: the cache's TTL)."""
        if not values or not self.available:
            return
        ttl = max(1, int(self.ttl_s if ttl_s is None else min(ttl_s, self.ttl_s)))
        try:
            pipe = self.link.client().pipeline(transaction=False)
            for k, v in values.items():
                pipe.set(k, v, ex=ttl)
            await pipe.execute()
        except Exception as exc:  # noqa: BLE001
            if link_failure(exc):
                self.link.failed(exc)
            return
        self.link.answered()

    async def ping(self) -> bool:
        try:
            ok = bool(await self.link.client().ping())
        except Exception as exc:  # noqa: BLE001
            self.link.failed(exc)
            return False
        self.link.recovered()
        return ok

    async def close(self) -> None:
        await self.link.close()
