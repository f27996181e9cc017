"""The router's registry reaches the sandbox pool's workers: private tasks score as registered there."""

from __future__ import annotations

import functools

import httpx
import pytest
from _evil import ADD_ID, AddTask, boxed, ensure_registered  # noqa: I001
from _private import LOCAL_ID, PRIVATE_ID, private_registry, registry_with_a_local_class

from bootcamp import REGISTRY, Registry
from rewards.pool import SandboxPool
from rewards.router import Router
from rewards.service import Settings, create_app

ID = {"a": 7, "b": 3}  # sum 10, difference 4, product 21


@pytest.fixture(scope="module", autouse=True)
def _global_add() -> None:
    ensure_registered()  # the global registry has ADD_ID as addition
    assert PRIVATE_ID not in REGISTRY and LOCAL_ID not in REGISTRY


def test_router_on_a_private_registry_scores_through_the_pool() -> None:
    reg = private_registry()
    items = [(PRIVATE_ID, ID, boxed("4")), (PRIVATE_ID, ID, boxed("10")), (ADD_ID, ID, boxed("21")),
             (ADD_ID, ID, boxed("10"))]
    with SandboxPool(workers=1, timeout=5.0) as pool:  # a pool built on the global registry...
        v = Router(pool=pool, registry=reg).score(items)  # ...resolves with the router's
        assert [x.score for x in v] == [1.0, 0.0, 1.0, 0.0]
        assert v[0].parts[0].latency_ms > 0  # it went through a worker
        # the same pool, called with the global registry, still scores addition
        assert [x.score for x in Router(pool=pool).score(items[2:])] == [0.0, 1.0]


def test_pool_built_on_a_private_registry_defaults_to_it() -> None:
    reg = private_registry()
    with SandboxPool(workers=1, timeout=5.0, registry=reg) as pool:
        assert pool.verify(ADD_ID, ID, boxed("21")).score == 1.0
        assert pool.verify(PRIVATE_ID, ID, boxed("4")).score == 1.0
        assert pool.verify(ADD_ID, ID, boxed("10"), registry=REGISTRY).score == 1.0
        missing = pool.verify("generic/test_add_nope", ID, boxed("1"))
        assert missing.reason == "verifier_error" and "unknown task" in missing.detail


def test_unpicklable_task_fails_clearly_unless_the_workers_can_build_the_registry() -> None:
    reg = registry_with_a_local_class()
    reg.register(AddTask, ADD_ID)
    with SandboxPool(workers=1, timeout=5.0) as pool:
        v = Router(pool=pool, registry=reg).score([(LOCAL_ID, ID, boxed("-7")), (ADD_ID, ID, boxed("10"))])
    assert v[0].reason == "verifier_error" and "cannot be sent to a verifier process" in v[0].detail
    assert v[1].score == 1.0  # a picklable task in the same registry: the rest of the batch goes on
    with SandboxPool(workers=1, timeout=5.0, registry_factory=registry_with_a_local_class) as pool:
        v = Router(pool=pool, registry=pool.registry).score([(LOCAL_ID, ID, boxed("-7")), (LOCAL_ID, ID, "\\boxed{7}")])
    assert [x.score for x in v] == [1.0, 0.0]


def test_registry_factory_must_pickle() -> None:
    with pytest.raises(ValueError, match="registry_factory"):
        SandboxPool(registry_factory=lambda: Registry(load_plugins=False))
    pool = SandboxPool(registry_factory=functools.partial(private_registry))
    assert PRIVATE_ID in pool.registry  # built in the parent too, to look ids up
    pool.close()


def test_service_on_a_private_registry(live_server) -> None:
    settings = Settings(pool_workers=1, verify_timeout_s=5.0)
    with live_server(create_app(settings, registry=private_registry())) as srv, \
            httpx.Client(base_url=srv.url, timeout=60) as http:
        r = http.post("/v1/verify/batch", json={"items": [
            {"task": PRIVATE_ID, "identity": ID, "response": boxed("4")},
            {"task": ADD_ID, "identity": ID, "response": boxed("21")},
        ]})
        assert r.status_code == 200, r.text
        assert [v["score"] for v in r.json()["verdicts"]] == [1.0, 1.0]
        assert http.get("/healthz").json()["pool"]["workers"] == 1
