"""The episode API over real HTTP: reference play to 1.0, Redis sharing, TTL, concurrency, hostile input, auth."""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import httpx
import pytest

from bootcamp.env import ENVIRONMENTS, Environment, InProcessExecutor, format_call, register_env, tool
from bootcamp.env.task_env import TaskEnvironment
from rewards.client import BootcampClient, RewardServiceError
from rewards.service import Settings, create_app

ENV = "math/big_multiplication"
SLOW_ENV = "generic/test_slow_episode"
KEY = "k" * 24


def _register_slow_env() -> None:
    """An environment whose tool sleeps, so two steps of one episode surely overlap (in-process tools)."""
    if SLOW_ENV in ENVIRONMENTS:
        return

    @tool("test_sleep", "Sleeps for a while.", {"type": "object", "properties": {}})
    def _sleep(args: dict, context: dict) -> str:
        time.sleep(1.0)
        return "slept"

    class Slow(Environment):
        id = SLOW_ENV
        tools = ("test_sleep",)
        max_turns = 3

        def generate(self, rng: random.Random) -> dict[str, Any]:
            return {"n": rng.randrange(10)}

        def prompt(self, identity: dict[str, Any]) -> str:
            return "Say the number \\boxed{n}."

        def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
            return float(answer.strip() == str(identity["n"]))

        def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
            return str(identity["n"])

    register_env(Slow())


def _settings(**kw: Any) -> Settings:
    return Settings(pool_workers=1, warm_pool=False, **kw)


@pytest.fixture(scope="module")
def server(live_server):
    with live_server(create_app(_settings())) as srv:
        yield srv


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def play_reference(step: Any, created: dict[str, Any], env: Environment) -> dict[str, Any]:
    """Play the reference policy through ``step(id, action)``, mirroring the episode locally (same
    seed, so same identity) and checking the service's observations against the local ones."""
    state, first = env.reset(created["seed"])
    assert created["observation"] == first and created["turn"] == 0 and not created["done"]
    for _ in range(env.max_turns):
        action = env.reference_action(state)
        out = step(created["id"], action)
        local = env.step(state, action, InProcessExecutor())
        assert out["observation"] == local.observation and out["done"] == local.done
        assert out["turn"] == local.state["turn"]
        if out["done"]:
            return out
        state = local.state
    raise AssertionError("the reference did not finish")


def test_reference_episode_reaches_one_in_memory(server, http: httpx.Client) -> None:
    env = ENVIRONMENTS.get(ENV)
    with BootcampClient(server.url) as client:
        created = client.create_episode(ENV, seed=5)
        assert [t["function"]["name"] for t in created["tools"]] == list(env.tools) and "calculator" in env.tools
        assert created["max_turns"] == env.max_turns
        last = play_reference(client.step_episode, created, env)
        assert last["verdict"]["score"] == 1.0 and last["verdict"]["correct"] and last["observation"] is None
        got = client.episode(created["id"])
        assert got["done"] and got["verdict"]["score"] == 1.0 and got["turn"] == 2
        assert [m["role"] for m in got["history"]] == ["user", "assistant", "tool", "assistant"]
        assert "identity" not in got and "identity" not in str(got["history"][0])
        # a finished episode refuses more steps
        with pytest.raises(RewardServiceError) as err:
            client.step_episode(created["id"], "\\boxed{1}")
        assert err.value.status == 409
        client.delete_episode(created["id"])
        assert http.get(f"/v1/episodes/{created['id']}").status_code == 404
        assert http.delete(f"/v1/episodes/{created['id']}").status_code == 404
        client.delete_episode(created["id"])  # missing_ok
        with pytest.raises(RewardServiceError):
            client.delete_episode(created["id"], missing_ok=False)
    assert http.get("/healthz").json()["pool"]["workers"] == 1  # graded in the app's own pool (pool_workers=1)
    metrics = http.get("/metrics").text
    assert f'bootcamp_episodes_created_total{{env="{ENV}"}}' in metrics
    assert f'bootcamp_episodes_finished_total{{env="{ENV}",reason="ok"}} 1.0' in metrics
    assert "bootcamp_episode_step_latency_seconds_count" in metrics


def test_wrong_answer_and_budget(http: httpx.Client) -> None:
    eid = http.post("/v1/episodes", json={"env": ENV, "seed": 1}).json()["id"]
    out = http.post(f"/v1/episodes/{eid}/step", json={"action": "\\boxed{12}"}).json()
    assert out["done"] and out["verdict"]["score"] == 0.0 and out["tool_results"] == []
    # tool calls until the turn budget runs out: score 0, reason budget
    created = http.post("/v1/episodes", json={"env": ENV, "seed": 2}).json()
    call = format_call("calculator", {"expression": "1+1"})
    for _ in range(created["max_turns"]):
        out = http.post(f"/v1/episodes/{created['id']}/step", json={"action": call}).json()
    assert out["done"] and out["verdict"]["reason"] == "budget" and out["verdict"]["score"] == 0.0


def test_hostile_input(http: httpx.Client) -> None:
    r = http.post("/v1/episodes", json={"env": "math/big_multiplicaton", "seed": 0})
    assert r.status_code == 404 and ENV in r.json()["suggestions"] and ENV in r.json()["detail"]
    for seed in (-1, "3", True, 2**63, 1.5):
        assert http.post("/v1/episodes", json={"env": ENV, "seed": seed}).status_code == 422, seed
    r = http.post("/v1/episodes", json={"env": ENV, "tools": ["python"]})
    assert r.status_code == 422 and "only for a plain task id" in r.json()["detail"]
    r = http.post("/v1/episodes", json={"env": "math/gcd", "tools": ["rm_rf"]})
    assert r.status_code == 422 and "calculator" in r.json()["detail"]
    assert http.post("/v1/episodes", json={"env": ENV, "extra": 1}).status_code == 422
    assert http.post("/v1/episodes/nope/step", json={"action": "x"}).status_code == 404
    assert http.get("/v1/episodes/" + "a" * 5000).status_code == 404
    eid = http.post("/v1/episodes", json={"env": ENV, "seed": 3}).json()["id"]
    big = http.post(f"/v1/episodes/{eid}/step", json={"action": "x" * 1_000_000})
    assert big.status_code == 413 and "at most 50000" in big.json()["detail"]
    assert http.post(f"/v1/episodes/{eid}/step", json={"action": 5}).status_code == 422
    bad = "<tool_call>{not json</tool_call> <tool_call>{\"name\": \"calculator\", \"arguments\": 3}</tool_call>" \
          "<tool_call>{\"name\": \"shell\", \"arguments\": {}}</tool_call>"
    body = json.dumps({"action": bad + "\ud800"})  # a lone surrogate, escaped as JSON allows
    out = http.post(f"/v1/episodes/{eid}/step", content=body, headers={"content-type": "application/json"}).json()
    assert not out["done"] and out["observation"].count("error:") == 3
    assert all(r["error"] for r in out["tool_results"]) and "offers: calculator" in out["observation"]
    assert http.get(f"/v1/episodes/{eid}").json()["turn"] == 1  # the refused 1 MB step did not count


def test_task_id_with_tools(http: httpx.Client) -> None:
    created = http.post("/v1/episodes", json={"env": "math/gcd", "seed": 4, "tools": ["calculator"]}).json()
    assert [t["function"]["name"] for t in created["tools"]] == ["calculator"] and created["max_turns"] == 4
    local = TaskEnvironment("math/gcd", tools=("calculator",))
    state, first = local.reset(4)
    assert created["observation"] == first and "<tool_call>" in first
    out = http.post(f"/v1/episodes/{created['id']}/step",
                    json={"action": format_call("calculator", {"expression": "gcd(12, 18)"})}).json()
    assert not out["done"] and "6" in out["observation"] and out["tool_results"][0]["error"] is None
    answer = local.format_answer(local.solve(state["identity"], {}))
    out = http.post(f"/v1/episodes/{created['id']}/step", json={"action": answer}).json()
    assert out["done"] and out["verdict"]["score"] == 1.0
    # a plain task without tools: one graded step
    plain = http.post("/v1/episodes", json={"env": "math/gcd", "seed": 4}).json()
    assert plain["tools"] == [] and plain["max_turns"] == 1
    out = http.post(f"/v1/episodes/{plain['id']}/step", json={"action": answer}).json()
    assert out["done"] and out["verdict"]["score"] == 1.0
    # a tool task with no tools named: its own (a descriptor task offers rdkit_descriptors)
    tool_task = http.post("/v1/episodes", json={"env": "chem/descriptor_tpsa", "seed": 1}).json()
    assert [t["function"]["name"] for t in tool_task["tools"]] == ["rdkit_descriptors"] and tool_task["max_turns"] == 4


def test_two_replicas_share_episodes_through_redis(live_server, redis_url: str) -> None:
    env = ENVIRONMENTS.get(ENV)
    with live_server(create_app(_settings(redis_url=redis_url))) as a, \
            live_server(create_app(_settings(redis_url=redis_url))) as b, \
            BootcampClient(a.url) as ca, BootcampClient(b.url) as cb:
        created = ca.create_episode(ENV, seed=9)
        turn = {"n": 0}

        def alternate(eid: str, action: str) -> dict[str, Any]:
            turn["n"] += 1
            return (cb if turn["n"] % 2 else ca).step_episode(eid, action)  # step on B, then on A

        last = play_reference(alternate, created, env)
        assert last["verdict"]["score"] == 1.0
        assert cb.episode(created["id"])["done"]
        cb.delete_episode(created["id"])
        with pytest.raises(RewardServiceError) as err:
            ca.episode(created["id"])
        assert err.value.status == 404


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_expired_episode_is_404(live_server, request: pytest.FixtureRequest, store: str) -> None:
    extra = {"redis_url": request.getfixturevalue("redis_url")} if store == "redis" else {}
    with live_server(create_app(_settings(episode_ttl_s=1, **extra))) as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        eid = c.post("/v1/episodes", json={"env": ENV, "seed": 0}).json()["id"]
        assert c.get(f"/v1/episodes/{eid}").status_code == 200
        time.sleep(2.1)
        assert c.get(f"/v1/episodes/{eid}").status_code == 404
        assert c.post(f"/v1/episodes/{eid}/step", json={"action": "\\boxed{1}"}).status_code == 404


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_concurrent_steps_one_wins(live_server, request: pytest.FixtureRequest, store: str) -> None:
    _register_slow_env()
    extra = {"redis_url": request.getfixturevalue("redis_url")} if store == "redis" else {}
    with live_server(create_app(_settings(episode_tools_sandbox=False, **extra))) as srv, \
            httpx.Client(base_url=srv.url, timeout=30) as c:
        eid = c.post("/v1/episodes", json={"env": SLOW_ENV, "seed": 0}).json()["id"]
        call = format_call("test_sleep", {})
        statuses: list[int] = []
        gate = threading.Barrier(2)

        def send() -> None:
            gate.wait()
            statuses.append(c.post(f"/v1/episodes/{eid}/step", json={"action": call}).status_code)

        threads = [threading.Thread(target=send) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [200, 409]
        assert c.get(f"/v1/episodes/{eid}").json()["turn"] == 1  # exactly one step was recorded
        out = c.post(f"/v1/episodes/{eid}/step", json={"action": call}).json()  # the lease was released
        assert out["turn"] == 2 and out["observation"].strip().endswith("</tool_response>")
        assert "bootcamp_episode_conflicts_total 1.0" in c.get("/metrics").text


def test_auth_required_when_keys_are_set(live_server) -> None:
    with live_server(create_app(_settings(api_keys=[KEY]))) as srv:
        assert httpx.post(srv.url + "/v1/episodes", json={"env": ENV}).status_code == 401
        assert httpx.get(srv.url + "/v1/episodes/x").status_code == 401
        with BootcampClient(srv.url, api_key=KEY) as client:
            created = client.create_episode(ENV, seed=0)
            assert client.episode(created["id"])["turn"] == 0
        with BootcampClient(srv.url, api_key="w" * 24) as wrong, pytest.raises(RewardServiceError) as err:
            wrong.step_episode(created["id"], "\\boxed{1}")
        assert err.value.status == 401
