"""The reward service over real HTTP on loopback: every endpoint, 4xx on bad input, auth, limits, clients."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from _evil import ADD_ID, EVIL_ID, boxed, ensure_registered  # noqa: I001

from bootcamp.export import make_label
from rewards.client import AsyncBootcampClient, BootcampClient, RewardServiceError
from rewards.service import Settings, create_app

ID = {"a": 20, "b": 22}


@pytest.fixture(scope="module")
def server(live_server):
    ensure_registered()
    settings = Settings(pool_workers=2, verify_timeout_s=1.0, max_batch=300, max_body_bytes=1_000_000,
                        max_response_chars=50_000, max_problems=50)
    with live_server(create_app(settings)) as srv:
        yield srv


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def test_health_docs_and_openapi(http: httpx.Client) -> None:
    h = http.get("/healthz").json()
    assert h["status"] == "ok" and h["cache"] == {"kind": "memory", "up": True} and h["pool"]["workers"] == 2
    assert http.get("/docs").status_code == 200
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/v1/verify", "/v1/verify/batch", "/get_reward", "/v1/problems", "/v1/tasks"} <= set(paths)


def test_tasks_list_and_one_task_with_a_slash(http: httpx.Client) -> None:
    ids = [t["id"] for t in http.get("/v1/tasks").json()]
    assert ADD_ID in ids and "generic/math" in ids
    generic = http.get("/v1/tasks", params={"domain": "generic"}).json()
    assert generic and all(t["domain"] == "generic" for t in generic)
    assert [t["id"] for t in http.get("/v1/tasks", params={"pattern": "generic/test_a*"}).json()] == [ADD_ID]
    one = http.get(f"/v1/tasks/{ADD_ID}").json()
    assert one["id"] == ADD_ID and one["reward_spec"]["combine"] == "single"
    r = http.get("/v1/tasks/generic/test_ad")
    assert r.status_code == 404 and ADD_ID in r.json()["suggestions"]


def test_problems(http: httpx.Client) -> None:
    r = http.post("/v1/problems", json={"task": ADD_ID, "n": 3, "seed": 10, "with_answer": True})
    probs = r.json()["problems"]
    assert [p["seed"] for p in probs] == [10, 11, 12]
    p = probs[0]
    assert str(p["identity"]["a"] + p["identity"]["b"]) == p["answer"] and "\\boxed" in p["prompt"]
    assert http.post("/v1/problems", json={"task": ADD_ID, "n": 51}).status_code == 413
    assert http.post("/v1/problems", json={"task": ADD_ID, "n": 0}).status_code == 422
    assert http.post("/v1/problems", json={"task": "generic/nope"}).status_code == 404


def test_verify_and_batch_keep_order(http: httpx.Client) -> None:
    v = http.post("/v1/verify", json={"task": ADD_ID, "identity": ID, "response": boxed("42")}).json()
    assert v["correct"] and v["score"] == 1.0 and v["parts"][0]["name"] == "rule"
    items = [{"task": ADD_ID, "identity": {"a": i, "b": 0}, "response": boxed(str(i if i % 3 else -1))}
             for i in range(60)]
    items.insert(7, {"task": "generic/number", "identity": {"answer": "3.14", "rel_tol": 0.01},
                     "response": boxed("3.141")})
    verdicts = http.post("/v1/verify/batch", json={"items": items}).json()["verdicts"]
    assert len(verdicts) == 61 and verdicts[7]["correct"]
    rest = verdicts[:7] + verdicts[8:]
    assert [x["correct"] for x in rest] == [bool(i % 3) for i in range(60)]
    assert http.post("/v1/verify/batch", json={"items": []}).json() == {"verdicts": []}


def test_hung_verifier_over_http_is_a_timeout_verdict(http: httpx.Client) -> None:
    items = [{"task": EVIL_ID, "identity": {"n": 1}, "response": boxed(a)} for a in ("hang", "1", "segv", "1")]
    verdicts = http.post("/v1/verify/batch", json={"items": items}).json()["verdicts"]
    assert [v["reason"] for v in verdicts] == ["timeout", "ok", "verifier_error", "ok"]
    assert http.get("/healthz").json()["status"] == "ok"


def test_get_reward_openrlhf(http: httpx.Client) -> None:
    label = make_label(ADD_ID, ID)
    prompts = ["What is 20 + 22?", "What is 20 + 22?"]
    query = [prompts[0] + " " + boxed("42"), prompts[1] + " " + boxed("41")]
    out = http.post("/get_reward", json={"query": query, "prompts": prompts, "labels": [label, label]}).json()
    assert out["rewards"] == [1.0, 0.0] and out["scores"] == [1.0, 0.0]
    assert out["extra_logs"]["correct"] == [1.0, 0.0]
    empty = http.post("/get_reward", json={"query": [], "prompts": [], "labels": []}).json()
    assert empty == {"rewards": [], "scores": [], "extra_logs": {"correct": [], "no_answer": [], "failed": []}}
    # the prompt may be absent: the whole query is the response
    assert http.post("/get_reward", json={"query": [boxed("42")], "labels": [label]}).json()["rewards"] == [1.0]
    r = http.post("/get_reward", json={"query": ["x"], "labels": []})
    assert r.status_code == 422 and "labels" in r.json()["detail"]
    r = http.post("/get_reward", json={"query": ["x"], "labels": ["not json"]})
    assert r.status_code == 422 and "labels[0]" in r.json()["detail"]
    r = http.post("/get_reward", json={"query": ["x"], "labels": [make_label("generic/nope", {})]})
    assert r.status_code == 404


@pytest.mark.parametrize("body", [
    b"{not json", b"[1, 2]", b'{"task": "generic/test_add"}', b'{"task": 5, "identity": {}, "response": "x"}',
    b'{"task": "generic/test_add", "identity": [], "response": "x"}',
    b'{"task": "generic/test_add", "identity": {}, "response": 12}', b"",
    b'{"task": "generic/test_add", "identity": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001 + b', "response": "x"}',
    b'{"task": "generic/test_add", "identity": ' + b"[" * 50000 + b"]" * 50000 + b', "response": "x"}',
])
def test_malformed_bodies_are_422_with_a_message(http: httpx.Client, body: bytes) -> None:
    r = http.post("/v1/verify", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text[:300]
    assert r.json()["message"] and len(r.content) < 10_000


def test_the_body_parser_reads_what_the_standard_library_reads() -> None:
    """The fast body parser gives the same objects as ``json.loads``: big integers stay integers,
    lone surrogate escapes, NaN and deep nesting behave alike."""
    import json
    import math

    from rewards.service.app import _loads

    bodies = [b'{"items": [1, 2.5, "x"]}', b'{"a": 123456789012345678901234567890}', b'{"a": -9223372036854775809}',
              b'{"a": 18446744073709551615}', b'{"a": "\\ud800"}', b'{"a": 1e400}', b'{"a": "\\u00e9\xc3\xa9"}',
              b'{"a": 1, "a": 2}', b'{"a": 0.1}', b'{"a": "12345678901234567890"}']
    for body in bodies:
        assert repr(_loads(body)) == repr(json.loads(body)), body
    assert math.isnan(_loads(b'{"a": NaN}')["a"])
    deep = b"[" * 5000 + b"]" * 5000
    with pytest.raises(RecursionError):
        json.loads(deep)
    with pytest.raises((RecursionError, ValueError)):
        _loads(deep)


def test_lone_surrogates_do_not_break_json(http: httpx.Client) -> None:
    def post(obj: dict) -> httpx.Response:  # ASCII JSON with \uXXXX escapes, as a hostile client sends
        return http.post("/v1/verify", content=json.dumps(obj).encode(), headers={"content-type": "application/json"})

    assert post({"task": "generic/\ud800", "identity": {}, "response": "x"}).status_code in (404, 422)
    assert post({"task": ADD_ID, "identity": ID, "response": "x", "\udfff": 1}).status_code == 422
    v = post({"task": ADD_ID, "identity": ID, "response": "\\boxed{\ud800}"}).json()
    assert v["reason"] == "invalid_answer"


def test_size_caps(http: httpx.Client) -> None:
    big = {"task": ADD_ID, "identity": ID, "response": "x" * 1_100_000}
    r = http.post("/v1/verify", json=big)
    assert r.status_code == 413 and "bytes" in r.json()["detail"]

    def chunks():
        for _ in range(20):
            yield b"x" * 100_000

    r = http.post("/v1/verify", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    items = [{"task": ADD_ID, "identity": ID, "response": "1"}] * 301
    r = http.post("/v1/verify/batch", json={"items": items})
    assert r.status_code == 413 and "cap of 300" in r.json()["detail"]
    v = http.post("/v1/verify", json={"task": ADD_ID, "identity": ID, "response": "y" * 60_000}).json()
    assert v["reason"] == "too_long" and v["score"] == 0.0


def test_metrics(http: httpx.Client) -> None:
    for _ in range(3):
        http.post("/v1/verify", json={"task": ADD_ID, "identity": {"a": 1, "b": 1}, "response": boxed("2")})
    text = http.get("/metrics").text
    assert f'bootcamp_verdicts_total{{reason="ok",task="{ADD_ID}"}}' in text
    assert 'bootcamp_verdicts_total{reason="timeout",task="generic/test_evil"}' in text
    assert "bootcamp_cache_hits_total" in text and "bootcamp_cache_misses_total" in text
    hits = [line for line in text.splitlines() if line.startswith("bootcamp_cache_hits_total")]
    assert float(hits[0].split()[-1]) >= 2
    assert 'bootcamp_request_latency_seconds_bucket{endpoint="/v1/verify"' in text
    assert 'bootcamp_part_latency_seconds_count{kind="rule"}' in text
    restarts = [line for line in text.splitlines() if line.startswith("bootcamp_pool_restarts ")]
    assert restarts and float(restarts[0].split()[-1]) >= 0


def test_sync_client(server) -> None:
    with BootcampClient(server.url, batch_size=7) as c:
        assert c.health()["status"] == "ok"
        assert any(t["id"] == ADD_ID for t in c.tasks(domain="generic"))
        assert c.task(ADD_ID)["id"] == ADD_ID
        probs = c.problems(ADD_ID, n=2, seed=5, with_answer=True)
        assert c.verify(ADD_ID, probs[0].identity, boxed(probs[0].answer)).correct
        items = [(ADD_ID, {"a": i, "b": i}, boxed(str(2 * i))) for i in range(20)]
        assert all(v.correct for v in c.verify_batch(items))  # 3 requests of <= 7
        assert c.get_reward([boxed("42")], [make_label(ADD_ID, ID)])["rewards"] == [1.0]
        with pytest.raises(RewardServiceError) as info:
            c.verify("generic/nope", {}, "x")
        assert info.value.status == 404


def test_async_client(server) -> None:
    async def main() -> None:
        async with AsyncBootcampClient(server.url) as c:
            assert (await c.health())["status"] == "ok"
            assert (await c.task(ADD_ID))["id"] == ADD_ID
            assert len(await c.tasks(pattern="generic/*")) >= 5
            assert len(await c.problems(ADD_ID, n=3)) == 3
            v = await c.verify(ADD_ID, ID, boxed("42"))
            assert v.correct
            vs = await asyncio.gather(*(c.verify_batch([{"task": ADD_ID, "identity": ID, "response": boxed(str(k))}])
                                        for k in range(40, 45)))
            assert [x[0].correct for x in vs] == [False, False, True, False, False]

    asyncio.run(main())



@pytest.mark.parametrize("in_flight", [1, 3])
def test_clients_keep_order_with_requests_in_flight(server, in_flight: int) -> None:
    # 50 items in requests of 4, several open at once (and the service routes each in slices):
    # every verdict comes back in its item's place, from the sync and the async client alike.
    items = [(ADD_ID, {"a": i, "b": 3}, boxed(str(i + 3 if i % 3 else i + 4))) for i in range(50)]
    want = [bool(i % 3) for i in range(50)]
    with BootcampClient(server.url, batch_size=4, in_flight=in_flight) as c:
        assert [v.correct for v in c.verify_batch(items)] == want

    async def main() -> list[bool]:
        async with AsyncBootcampClient(server.url, batch_size=4, in_flight=in_flight) as c:
            return [v.correct for v in await c.verify_batch(items)]

    assert asyncio.run(main()) == want
    with pytest.raises(ValueError, match="in_flight"):
        BootcampClient(server.url, in_flight=0)

def test_api_keys_and_rate_limit(live_server) -> None:
    ensure_registered()
    settings = Settings(api_keys=["key-one-0123456789abcdef", "key-two-0123456789abcdef"], rate_limit_per_s=1.0, rate_limit_burst=3, pool_workers=1,
                        warm_pool=False)
    with live_server(create_app(settings)) as srv, httpx.Client(base_url=srv.url) as http:
        body = {"task": ADD_ID, "identity": ID, "response": boxed("42")}
        assert http.post("/v1/verify", json=body).status_code == 401
        r = http.post("/v1/verify", json=body, headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert http.get("/v1/tasks", headers={"Authorization": "Basic key-one-0123456789abcdef"}).status_code == 401
        assert http.get("/healthz").status_code == 200  # health stays open
        ok = {"Authorization": "Bearer key-one-0123456789abcdef"}
        codes = [http.post("/v1/verify", json=body, headers=ok).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
        r = http.post("/v1/verify", json=body, headers=ok)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        # buckets are per key
        assert http.post("/v1/verify", json=body, headers={"Authorization": "Bearer key-two-0123456789abcdef"}).status_code == 200
        with BootcampClient(srv.url, api_key="key-two-0123456789abcdef") as c:
            assert c.verify(ADD_ID, ID, boxed("42")).correct


def test_settings_from_env_round_trip() -> None:
    s = Settings(port=9001, redis_url="redis://h:1/0", api_keys=["a" * 16, "b" * 16], verify_timeout_s=3.5,
                 pool_workers=3, cache_namespace="fix-1")
    back = Settings.from_env(s.to_env())
    assert back == s
    keys = Settings.from_env({"BOOTCAMP_API_KEYS": "x" * 16 + ", " + "y" * 16, "BOOTCAMP_REDIS_URL": ""}).api_keys
    assert keys == ["x" * 16, "y" * 16]
    assert Settings.from_env(Settings().to_env()).api_keys == []  # an open service stays open, no empty list
    with pytest.raises(ValueError, match="pool_workers"):
        Settings.from_env({"BOOTCAMP_POOL_WORKERS": "0"})
    assert json.loads(Settings().model_dump_json())["max_batch"] == 1024


def test_a_long_batch_keeps_order_and_matches_in_process(http: httpx.Client) -> None:
    # Several chunks per verifier process, with a hung verifier and a crash inside them: those two
    # items fail, every other verdict is what the task's own verify says, in order.
    import bootcamp

    tasks = ["generic/number", "generic/math", "generic/formula", ADD_ID]
    items = []
    for k in range(296):
        task = bootcamp.get_task(tasks[k % len(tasks)])
        p = task.problem(k, with_answer=True)
        answer = p.answer if k % 2 else (task.perturb(p.answer, p.identity) or ["0"])[0]
        items.append({"task": p.task, "identity": p.identity, "response": f"{task.format_answer(answer)} [{k}]"})
    items[40] = {"task": EVIL_ID, "identity": {"n": 1}, "response": boxed("hang")}
    items[200] = {"task": EVIL_ID, "identity": {"n": 1}, "response": boxed("exit")}
    r = http.post("/v1/verify/batch", json={"items": items})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    verdicts = r.json()["verdicts"]
    assert len(verdicts) == 296
    assert verdicts[40]["reason"] == "timeout" and verdicts[200]["reason"] == "verifier_error"
    for k, (it, v) in enumerate(zip(items, verdicts, strict=True)):
        if k in (40, 200):
            continue
        want = bootcamp.get_task(it["task"]).verify(it["response"], it["identity"])
        assert (v["score"], v["reason"], v["answer"]) == (want.score, want.reason, want.answer), k


def test_problems_at_a_level() -> None:
    """`/v1/problems` takes a level in the body or as `?level=`; a level the task lacks is a 422 naming the range."""
    from fastapi.testclient import TestClient

    import bootcamp
    from rewards.service import Settings, create_app

    task = bootcamp.get_task("biology/reverse_complement")
    with TestClient(create_app(Settings(pool_workers=1, warm_pool=False))) as http:
        body = http.post("/v1/problems", json={"task": task.task_id, "n": 2, "level": 5}).json()
        assert [p["identity"]["level"] for p in body["problems"]] == [5, 5]
        assert body["problems"][0]["prompt"] == task.problem(0, level=5).prompt
        query = http.post("/v1/problems?level=1", json={"task": task.task_id}).json()
        assert query["problems"][0]["identity"]["level"] == 1
        bad = http.post("/v1/problems", json={"task": task.task_id, "level": 9})
        assert bad.status_code == 422 and "level" in bad.text
