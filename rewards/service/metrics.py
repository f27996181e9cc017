"""Prometheus metrics of one app instance (its own CollectorRegistry: no global state)."""

from __future__ import annotations

from collections import Counter as Counter_
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _Memo:
    """Mixin: ``labels(*values)`` finds each label set's child once, then by one dict lookup.

    prometheus_client checks, stringifies and locks on every ``labels`` call; the service calls
    it several times per verdict, which is a measurable part of a batch.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._memo: dict[tuple, Any] = {}

    def labels(self, *values: Any, **named: Any) -> Any:
        if named or not values:
            return super().labels(*values, **named)  # type: ignore[misc]
        child = self._memo.get(values)
        if child is None:
            child = self._memo[values] = super().labels(*values)  # type: ignore[misc]
        return child

    def remove(self, *values: Any) -> None:
        self._memo.clear()
        super().remove(*values)  # type: ignore[misc]

    def clear(self) -> None:
        self._memo.clear()
        super().clear()  # type: ignore[misc]


class LabelledCounter(_Memo, Counter):
    """A :class:`prometheus_client.Counter` with memoised ``labels``."""


class LabelledHistogram(_Memo, Histogram):
    """A :class:`prometheus_client.Histogram` with memoised ``labels``."""


class Metrics:
    """Counters and histograms the service updates; :meth:`render` is the ``/metrics`` body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.verdicts = LabelledCounter("bootcamp_verdicts", "Verdicts returned, by task and reason.",
                                        ["task", "reason"], registry=r)
        self.requests = LabelledCounter("bootcamp_requests", "HTTP requests, by endpoint and status.",
                                        ["endpoint", "status"], registry=r)
        self.request_latency = LabelledHistogram("bootcamp_request_latency_seconds", "Request latency by endpoint.",
                                                 ["endpoint"], buckets=LATENCY_BUCKETS, registry=r)
        self.part_latency = LabelledHistogram("bootcamp_part_latency_seconds", "Latency of one reward part, by kind.",
                                              ["kind"], buckets=LATENCY_BUCKETS, registry=r)
        self.cache_hits = Counter("bootcamp_cache_hits", "Verdict cache hits.", registry=r)
        self.cache_misses = Counter("bootcamp_cache_misses", "Verdict cache misses.", registry=r)
        self.cache_errors = Gauge("bootcamp_cache_errors", "Cache backend failures so far.", registry=r)
        self.cache_up = Gauge("bootcamp_cache_up", "1 while the cache backend is reachable.", registry=r)
        self.pool_restarts = Gauge("bootcamp_pool_restarts", "Verifier processes killed and replaced.", registry=r)
        self.pool_timeouts = Gauge("bootcamp_pool_timeouts", "Verdicts that hit the hard timeout.", registry=r)
        self.limiter_errors = Gauge("bootcamp_limiter_errors",
                                    "Redis failures of the shared limiter (it fell back to per-worker limits).",
                                    registry=r)
        self.heavy_busy = Counter("bootcamp_heavy_refused", "Heavy requests refused (429) because too many ran.",
                                  registry=r)
        self.parts = LabelledCounter("bootcamp_parts", "Reward parts computed (not cached), by kind and reason.",
                                     ["kind", "reason"], registry=r)
        self.decided = LabelledCounter("bootcamp_verdicts_decided", "Verdicts by the kind of the part that decided "
                                       "them ('mixture': a weighted mean; 'task': a task's own verify).", ["kind"],
                                       registry=r)
        self.second_opinions = LabelledCounter("bootcamp_second_opinions", "second_opinion verdicts where both "
                                               "parts decided, by outcome (agree/disagree).", ["outcome"], registry=r)
        self.pool_crashes = Gauge("bootcamp_pool_crashes", "Verifier processes that died mid-verdict.", registry=r)
        self.client_gone = Counter("bootcamp_client_disconnects", "Requests whose client went away before the "
                                   "reply (e.g. mid-upload).", registry=r)

    def bind(self, pool_stats: Callable[[], dict], cache_errors: Callable[[], float],
             cache_up: Callable[[], float]) -> None:
        """Read pool and cache state at scrape time."""
        self.pool_restarts.set_function(lambda: float(pool_stats().get("restarts", 0)))
        self.pool_timeouts.set_function(lambda: float(pool_stats().get("timeouts", 0)))
        self.pool_crashes.set_function(lambda: float(pool_stats().get("crashes", 0)))
        self.cache_errors.set_function(cache_errors)
        self.cache_up.set_function(cache_up)

    def count_verdicts(self, task_ids: list[str], verdicts: list[Any]) -> None:
        """Count a batch's verdicts by task and reason, and by what decided them: one ``inc`` per
        distinct label set, not several per verdict (a batch repeats few label sets)."""
        by_reason: Counter_[tuple[str, str]] = Counter_()
        by_decider: Counter_[str] = Counter_()
        opinions: Counter_[str] = Counter_()
        for task_id, v in zip(task_ids, verdicts, strict=True):
            by_reason[task_id, v.reason] += 1
            by_decider[v.decided_by or ("task" if v.parts else "none")] += 1
            if v.disagreement is not None:
                opinions["disagree" if v.disagreement else "agree"] += 1
        for labels, n in by_reason.items():
            self.verdicts.labels(*labels).inc(n)
        for kind, n in by_decider.items():
            self.decided.labels(kind).inc(n)
        for outcome, n in opinions.items():
            self.second_opinions.labels(outcome).inc(n)

    def count_parts(self, verdicts: list[Any]) -> None:
        """Count the parts computed for ``verdicts`` (not cached ones) and observe their latencies."""
        counts: Counter_[tuple[str, str]] = Counter_()
        for v in verdicts:
            for p in v.parts:
                self.part_latency.labels(p.kind).observe(p.latency_ms / 1000)
                counts[p.kind, p.reason] += 1
        for labels, n in counts.items():
            self.parts.labels(*labels).inc(n)

    def render(self) -> bytes:
        return generate_latest(self.registry)
