"""What one app instance owns: its pool, router, cache, metrics; and the cached scoring path."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any

from bootcamp.registry import Registry
from bootcamp.types import Verdict
from rewards.router import FAILURES, Router
from rewards.service.cache import (
    MemoryCache,
    RedisCache,
    VerdictKeys,
    answer_timeout,
    cacheable,
    scoring_config,
)
from rewards.service.metrics import Metrics
from rewards.service.settings import Settings

#: Items routed per slice of a big batch (at least; at most 8 slices). Two slices are in work at
#: once, so the verifier processes never wait while this process keys, combines or caches.
PIPELINE_SLICE = 64


def default_backends(settings: Settings) -> dict[str, Any]:
    """Reward-model backends from settings; each loads on first use."""
    from rewards.models import build_backends
    from rewards.models import default_backends as build

    out = build(settings.reward_model_path, settings.similarity_model_path, settings.judge_url,
                settings.judge_model, settings.judge_api_key, settings.model_timeout_s)
    out.update(build_backends(settings.backends))
    return out


def _utf8_text(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:  # lone surrogates from a hostile JSON body
        return text.encode("utf-8", "replace").decode("utf-8")


def _utf8_safe(v: Verdict) -> Verdict:
    """A verdict whose text fields encode as UTF-8 (so it can be cached and returned as JSON)."""
    answer, detail = _utf8_text(v.answer), _utf8_text(v.detail)
    if answer is v.answer and detail is v.detail:
        return v
    return v.model_copy(update={"answer": answer, "detail": detail})


class ServiceState:
    """Built by ``create_app``; the pool starts on :meth:`ensure` (at startup, or on first use)."""

    def __init__(self, settings: Settings, backends: Mapping[str, Any] | None, registry: Registry) -> None:
        self.settings = settings
        self.registry = registry
        self.metrics = Metrics()
        self._backends = backends
        self._lock = threading.Lock()
        self.pool: Any = None
        self.router: Router | None = None
        if settings.redis_url:
            self.cache: MemoryCache | RedisCache = RedisCache(settings.redis_url, settings.cache_ttl_s,
                                                              settings.redis_timeout_s, settings.redis_retry_s)
        else:
            self.cache = MemoryCache(settings.cache_size)
        # The scoring configuration (settings that change verdicts, parity mode, package versions):
        # its digest is in every verdict key, so replicas that score differently share no entry.
        self.keys = VerdictKeys(scoring_config(settings.scoring_options()))
        self._infos: list[dict[str, Any]] | None = None
        self._infos_count = 0
        self.metrics.bind(self.pool_stats, lambda: float(self.cache.errors), lambda: float(self.cache.available))

    @property
    def cache_kind(self) -> str:
        return self.cache.kind

    def ensure(self) -> Router:
        """Start the pool and router once (blocking: call from a thread)."""
        if self.router is None:
            with self._lock:
                if self.router is None:
                    from rewards.pool import SandboxPool

                    self.registry.ids()  # load the task library here, not on the event loop

                    self.pool = SandboxPool(self.settings.pool_workers, self.settings.verify_timeout_s,
                                            registry=self.registry).start()
                    backends = self._backends if self._backends is not None else default_backends(self.settings)
                    self.router = Router(self.pool, backends, self.registry, self.settings.model_timeout_s,
                                         spec_overrides=self.settings.spec_overrides)
        return self.router

    def pool_stats(self) -> dict[str, Any]:
        return self.pool.stats() if self.pool is not None else {"workers": 0, "restarts": 0}

    async def cache_up(self) -> bool:
        return await self.cache.ping()

    async def task_infos(self) -> list[dict[str, Any]]:
        reg = self.registry
        if self._infos is None or self._infos_count != len(reg):
            self._infos = await asyncio.to_thread(lambda: [reg.get(i).info() for i in reg.ids()])
            self._infos_count = len(self._infos)
        return self._infos

    async def aclose(self) -> None:
        if self.pool is not None:
            await asyncio.to_thread(self.pool.close)
        await self.cache.close()

    # -- scoring with the cache ----------------------------------------------------------------
    async def score(self, items: list[tuple[str, dict[str, Any], str]]) -> list[Verdict]:
        """Verdicts for ``items`` in order: too-long responses refused, cached ones reused, the rest routed."""
        router = self.router or await asyncio.to_thread(self.ensure)
        tasks = [self.registry.get(t) for t, _, _ in items]  # unknown ids raise before any work
        cap = self.settings.max_response_chars
        out: list[Verdict | None] = [None] * len(items)
        keys: list[str | None] = [None] * len(items)
        live: set[int] = set()  # batch-dependent verdicts (e.g. within-group ranks): never cached nor merged
        for i, ((task_id, identity, response), task) in enumerate(zip(items, tasks, strict=False)):
            if len(response) > cap:
                out[i] = Verdict.failed("too_long", f"response over {cap} characters")
                continue
            spec = router.spec_for(task_id, task)
            keys[i] = self.keys.key(task_id, task, router.cache_tag(spec), identity, response)
            if router.batch_dependent(spec):
                live.add(i)
        lookup = [i for i, k in enumerate(keys) if k is not None and i not in live]
        cached = await self.cache.get_many([keys[i] for i in lookup])  # type: ignore[misc]
        first: dict[str, int] = {}  # one computation per distinct key (GRPO groups repeat responses)
        dupes: list[int] = []
        for i, hit in zip(lookup, cached, strict=False):
            if hit is not None:
                try:
                    v = Verdict.model_validate_json(hit)
                except ValueError:
                    v = None
                if v is not None and cacheable(v, FAILURES):  # never serve a stored failure
                    out[i] = v
                    continue
            if keys[i] in first:
                dupes.append(i)
            else:
                first[keys[i]] = i  # type: ignore[index]
        self.metrics.cache_hits.inc(len(lookup) - len(first) - len(dupes))
        self.metrics.cache_misses.inc(len(first) + len(dupes))
        # In slices, two at a time: while the verifier processes score one slice, this process
        # prepares the next and caches the last (see PIPELINE_SLICE). Batch-dependent items stay
        # together in one slice: their verdicts depend on each other.
        todo = sorted(first.values())
        size = max(PIPELINE_SLICE, -(-len(todo) // 8))
        slices = [todo[k:k + size] for k in range(0, len(todo), size)] + ([sorted(live)] if live else [])
        gate = asyncio.Semaphore(2)
        await asyncio.gather(*(self._route(router, items, part, keys, live, out, gate) for part in slices))
        for i in dupes:
            out[i] = out[first[keys[i]]]  # type: ignore[index]
        self.metrics.count_verdicts([task_id for task_id, _, _ in items], out)  # type: ignore[arg-type]
        return out  # type: ignore[return-value]

    async def _route(self, router: Router, items: list[tuple[str, dict[str, Any], str]], todo: list[int],
                     keys: list[str | None], live: set[int], out: list[Verdict | None],
                     gate: asyncio.Semaphore) -> None:
        """Score items ``todo`` through the router into ``out`` and cache what may be cached."""
        async with gate:
            verdicts = await router.ascore([items[i] for i in todo])
        fresh: dict[str, str] = {}
        timeouts: dict[str, str] = {}
        for i, v in zip(todo, verdicts, strict=True):
            out[i] = v = _utf8_safe(v)
            # Only verdicts the verifiers reached on their own, and timeouts of the answer's own
            # doing (it will time out again): a killed or crashed process, a model timeout or a
            # failed part (even inside an otherwise fine verdict) may pass next time.
            if cacheable(v, FAILURES) and i not in live:
                store = timeouts if answer_timeout(v, FAILURES) else fresh
                store[keys[i]] = v.model_dump_json()  # type: ignore[index]
        self.metrics.count_parts(verdicts)
        await self.cache.set_many(fresh)
        if timeouts:  # kept briefly: a loaded machine can time out an answer that would pass
            await self.cache.set_many(timeouts, ttl_s=self.settings.timeout_cache_ttl_s)
