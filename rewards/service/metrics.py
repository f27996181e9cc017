"""Prometheus metrics of one app instance (its own CollectorRegistry: no global state)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Counters and histograms the service updates; :meth:`render` is the ``/metrics`` body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.verdicts = Counter("bootcamp_verdicts", "Verdicts returned, by task and reason.", ["task", "reason"],
                                registry=r)
        self.requests = Counter("bootcamp_requests", "HTTP requests, by endpoint and status.", ["endpoint", "status"],
                                registry=r)
        self.request_latency = Histogram("bootcamp_request_latency_seconds", "Request latency by endpoint.",
                                         ["endpoint"], buckets=LATENCY_BUCKETS, registry=r)
        self.part_latency = Histogram("bootcamp_part_latency_seconds", "Latency of one reward part, by kind.",
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
        self.pool_crashes = Gauge("bootcamp_pool_crashes", "Verifier processes that died mid-verdict.", registry=r)

    def bind(self, pool_stats: Callable[[], dict], cache_errors: Callable[[], float],
             cache_up: Callable[[], float]) -> None:
        """Read pool and cache state at scrape time."""
        self.pool_restarts.set_function(lambda: float(pool_stats().get("restarts", 0)))
        self.pool_timeouts.set_function(lambda: float(pool_stats().get("timeouts", 0)))
        self.pool_crashes.set_function(lambda: float(pool_stats().get("crashes", 0)))
        self.cache_errors.set_function(cache_errors)
        self.cache_up.set_function(cache_up)

    def render(self) -> bytes:
        return generate_latest(self.registry)
