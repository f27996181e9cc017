"""The reward service as a live Ray Serve application: deploy, query over HTTP, scale to 2 replicas, shut down.

Runs in the test session's Ray (``rollout.testing.shared_ray``), which has 2 CPUs
that other tests' actors use too, so replicas reserve no CPU and keep one
verifier worker each.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from _models import tiny_bert_classifier  # noqa: I001
from _serving import free_port

pytest.importorskip("ray.serve", reason="ray[serve] is not installed")
httpx = pytest.importorskip("httpx")

APP = "bootcamp-rewards-live"
MODEL_TASK = "math/lcm"  # scored by the reward model here (a spec override), by its rule elsewhere


@pytest.fixture(scope="module")
def tiny_classifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT sequence classifier (one label) with its tokenizer, in a local folder."""
    pytest.importorskip("torch")
    return tiny_bert_classifier(tmp_path_factory.mktemp("serve_rm"), max_positions=512)


def _args(model: Path, replicas: int) -> dict[str, Any]:
    return {"num_replicas": replicas, "replica_cpus": 0, "pool_workers": 1, "verify_timeout_s": 5.0,
            "reward_model_path": str(model),
            "spec_overrides": {MODEL_TASK: {"parts": [{"name": "rm", "kind": "model"}]}}}


def _replicas(name: str) -> dict[str, int]:
    from ray import serve

    from rewards.serve_deployment import DEPLOYMENT_NAME

    app = serve.status().applications.get(name)
    if app is None or DEPLOYMENT_NAME not in app.deployments:
        return {}
    return {str(getattr(k, "value", k)): int(v) for k, v in app.deployments[DEPLOYMENT_NAME].replica_states.items()}


def _wait_running(name: str, n: int, timeout: float = 40.0) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    states = _replicas(name)
    while not (states.get("RUNNING") == n and sum(states.values()) == n):
        assert time.monotonic() < deadline, f"replicas did not settle at {n} RUNNING: {states}"
        time.sleep(0.25)
        states = _replicas(name)
    return states


def _verify(client: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    resp = client.post("/v1/verify/batch", json={"items": items})
    assert resp.status_code == 200, resp.text[:2000]
    return resp.json()["verdicts"]


@pytest.mark.timeout(240)
def test_serve_deploys_scales_and_shuts_down(tiny_classifier: Path) -> None:
    from ray import serve

    from bootcamp import REGISTRY
    from rewards.serve_deployment import build
    from rollout.testing import shared_ray

    start = time.monotonic()
    shared_ray()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    try:
        serve.run(build(_args(tiny_classifier, 1)), name=APP, route_prefix="/")
        deployed = time.monotonic()
        assert _wait_running(APP, 1) == {"RUNNING": 1}
        with httpx.Client(base_url=url, timeout=60.0) as client:
            health = client.get("/healthz")
            assert health.status_code == 200 and health.json()["status"] == "ok"
            gcd = {"numbers": [12, 18]}
            right, wrong = _verify(client, [{"task": "math/gcd", "identity": gcd, "response": "\\boxed{6}"},
                                            {"task": "math/gcd", "identity": gcd, "response": "\\boxed{5}"}])
            assert (right["score"], right["correct"]) == (1.0, True)
            assert (wrong["score"], wrong["reason"]) == (0.0, "wrong")

            ident = REGISTRY.get(MODEL_TASK).generate(random.Random(0))
            (rm,) = _verify(client, [{"task": MODEL_TASK, "identity": ident, "response": "\\boxed{12}"}])
            assert [p["kind"] for p in rm["parts"]] == ["model"], rm
            assert rm["reason"] in ("ok", "wrong") and 0.0 <= rm["score"] <= 1.0, rm

            # Scale out: the same app, two replicas.
            serve.run(build(_args(tiny_classifier, 2)), name=APP, route_prefix="/")
            assert _wait_running(APP, 2) == {"RUNNING": 2}
            scaled = time.monotonic()

            def one(n: int) -> tuple[int, Any]:
                if n % 2:
                    r = client.get("/healthz")
                    return r.status_code, r.json().get("pid") if r.status_code == 200 else None
                resp = client.post("/v1/verify/batch", json={"items": [
                    {"task": "math/gcd", "identity": gcd, "response": f"\\boxed{{{n % 7}}}"}]})
                ok = resp.status_code == 200 and resp.json()["verdicts"][0]["score"] == (1.0 if n % 7 == 6 else 0.0)
                return (resp.status_code if ok else -resp.status_code), None

            with ThreadPoolExecutor(8) as ex:
                results = list(ex.map(one, range(40)))
            assert [code for code, _ in results] == [200] * 40, results
            pids = {pid for _, pid in results if pid is not None}
            assert len(pids) == 2, f"one replica answered every /healthz: {pids}"
    finally:
        serve.delete(APP)
        serve.shutdown()
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url + "/healthz", timeout=1.0)
        except httpx.TransportError:
            break  # nothing listens on the port any more
        assert time.monotonic() < deadline, "the Serve proxy still answers after serve.shutdown()"
        time.sleep(0.25)
    total = time.monotonic() - start
    print(f"serve live: first deploy {deployed - start:.1f}s, scaled {scaled - deployed:.1f}s, total {total:.1f}s")
    assert total < 90, f"the live Serve test took {total:.0f}s"


def test_replica_resources_come_from_args() -> None:
    from rewards.serve_deployment import build, deployment_options

    def placed(app: Any) -> tuple[int, float]:
        dep = app._bound_deployment  # Ray Serve keeps the bound deployment here
        return dep.num_replicas, dep.ray_actor_options["num_cpus"]

    assert placed(build({"pool_workers": 3, "num_replicas": 2})) == (2, 3.0)  # default: one CPU per worker
    assert placed(build({"pool_workers": 1, "replica_cpus": 0.1})) == (1, 0.1)
    assert placed(build({"replica_cpus": 0})) == (1, 0.0)
    args = {"num_replicas": "2", "replica_cpus": "0.5", "pool_workers": 1}
    assert deployment_options(args, 1) == (2, 0.5) and args == {"pool_workers": 1}  # popped before Settings
    for bad in ({"replica_cpus": -1}, {"replica_cpus": "lots"}, {"replica_cpus": float("inf")},
                {"replica_cpus": True}, {"num_replicas": 0}, {"num_replicas": 1.5}, {"num_replicas": "two"}):
        with pytest.raises(ValueError, match="replica_cpus|num_replicas"):
            build(bad)
    with pytest.raises(ValueError, match="pool_workers"):
        build({"pool_workers": 0, "replica_cpus": 0})
