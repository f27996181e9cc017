"""The Redis stream of scored groups: its JSON codec, delivery order, reclaim, and a consumer killed mid-step."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from learner.group_codec import _FIELDS
from learner.group_stream import (
    FORMAT,
    RedisGroupStream,
    StreamFullError,
    decode_group,
    encode_group,
)
from learner.pipeline import Group
from rollout.types import Trajectory

ROOT = Path(__file__).resolve().parents[2]
CONSUMER = Path(__file__).with_name("_stream_consumer.py")


def _traj(gid: int, **kw: Any) -> Trajectory:
    base = dict(task="math/gcd", seed=gid, identity={"a": gid}, group=gid, prompt_ids=[1, 2], response_ids=[3, 4],
                logprobs=[-0.5, -1.25], text=f"response {gid}", finish_reason="stop", policy_version=1)
    return Trajectory(**{**base, **kw})


def _group(gid: int) -> Group:
    return Group([_traj(gid), _traj(gid, reward=1.0, correct=True)], version=1)


def _stream(url: str, consumer: str = "c0", **kw: Any) -> RedisGroupStream:
    return RedisGroupStream(url, "test:stream", consumer=consumer, poll_s=0.1, **kw)


def _gids(entries: list) -> list[int]:
    return [meta["gid"] for _, _, meta in entries]


# -- the codec -----------------------------------------------------------------------------------
def test_schema_covers_every_trajectory_field() -> None:
    assert set(_FIELDS) == {f.name for f in dataclasses.fields(Trajectory)}


def test_round_trip_is_exact() -> None:
    floats = [0.1, -1e-300, 5e-324, -123.45678901234568, 1 / 3, -0.0, -1.7976931348623157e308]
    a = _traj(7, identity={"matrix": [[1, 2], [3, {"x": None}]], "name": "ψ", "big": 10**40, "f": 2.5},
              response_ids=list(range(len(floats))), logprobs=floats, text="π ≈ 3.14 — 你好 🚀 \ud800 \x00 \"q\"",
              extra={"decided_by": "rule", "part_latency_ms": {"rule": 0.25}, "tags": ["a", 1, True, None]},
              reward=0.75, advantage=-1.5, reason="ok", correct=True)
    group = Group([a, _traj(8)], version=12)
    fields = encode_group(group, {"request": 3, "index": 1})
    assert set(fields) == {"format", "group", "meta"} and all(isinstance(v, str) for v in fields.values())
    back, meta = decode_group({k.encode(): v.encode() for k, v in fields.items()})  # as Redis returns them
    assert back == group and meta == {"request": 3, "index": 1}
    assert [x.hex() for x in back.trajectories[0].logprobs] == [x.hex() for x in floats]  # bit for bit
    assert back.trajectories[0].identity["big"] == 10**40


def test_encode_refuses_what_json_cannot_carry() -> None:
    with pytest.raises(ValueError, match=r"trajectories\[0\]\.reward"):
        encode_group(Group([_traj(0, reward=float("nan"))], 0))
    with pytest.raises(ValueError, match=r"trajectories\[1\]\.extra"):
        encode_group(Group([_traj(0), _traj(1, extra={"s": {1, 2}})], 0))
    with pytest.raises(ValueError, match=r"trajectories\[0\]\.response_ids"):
        encode_group(Group([_traj(0, response_ids=[1, 2.0])], 0))
    with pytest.raises(ValueError, match="logprobs: 1 values for 2"):
        encode_group(Group([_traj(0, logprobs=[-1.0])], 0))
    with pytest.raises(ValueError, match="non-empty"):
        encode_group(Group([], 0))
    with pytest.raises(ValueError, match="meta"):
        encode_group(_group(0), {"x": float("inf")})


def _good() -> dict[str, Any]:
    return json.loads(encode_group(_group(0), {"gid": 0})["group"])


def _with(path: tuple, value: Any) -> dict[str, str]:
    body = _good()
    node = body
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return {"format": FORMAT, "group": json.dumps(body), "meta": "{}"}


T0 = ("trajectories", 0)
HOSTILE = [
    ({"format": FORMAT, "meta": "{}"}, "entry.group: missing"),
    ({"format": "pickle", "group": "{}", "meta": "{}"}, "entry.format"),
    ({"format": FORMAT, "group": "{not json", "meta": "{}"}, "entry.group: invalid JSON"),
    ({"format": FORMAT, "group": "[" * 100_000 + "]" * 100_000, "meta": "{}"}, "entry.group"),
    ({"format": FORMAT, "group": "[1, 2]", "meta": "{}"}, "entry.group: expected a JSON object"),
    ({"format": FORMAT, "group": json.dumps(_good()), "meta": "[]"}, "entry.meta"),
    ({"format": FORMAT, "group": json.dumps(_good()), "meta": b"\xff\xfe"}, "entry.meta: not UTF-8"),
    ({"format": FORMAT, "group": '{"version": 1, "trajectories": [], "x": 1}', "meta": "{}"}, "entry.group"),
    ({"format": FORMAT, "group": '{"version": 1e999, "trajectories": []}', "meta": "{}"}, "out of range"),
    ({"format": FORMAT, "group": '{"version": NaN, "trajectories": []}', "meta": "{}"}, "NaN is not JSON"),
    ({"format": FORMAT, "group": '{"version": ' + "9" * 5000 + ', "trajectories": []}', "meta": "{}"},
     "entry.group: invalid JSON"),
    (_with(("version",), 2**70), "group.version: expected a 64-bit int"),
    (_with(("version",), 1.5), "group.version"),
    (_with(("trajectories",), []), "group.trajectories: expected a non-empty list"),
    (_with(("trajectories",), {"0": {}}), "group.trajectories"),
    (_with((*T0,), "text"), r"group.trajectories\[0\]: expected a JSON object"),
    (_with((*T0, "seed"), KeyError), r"missing fields \['seed'\]"),
    (_with((*T0, "evil"), "__import__('os')"), r"unknown fields \['evil'\]"),
    (_with((*T0, "seed"), "7"), r"trajectories\[0\]\.seed: expected a 64-bit int"),
    (_with((*T0, "seed"), True), r"\.seed"),
    (_with((*T0, "correct"), 1), r"\.correct: expected a bool"),
    (_with((*T0, "identity"), [1]), r"\.identity: expected a JSON object"),
    (_with((*T0, "response_ids"), [1, "2"]), r"\.response_ids"),
    (_with((*T0, "prompt_ids"), [1, -2**64]), r"\.prompt_ids"),
    (_with((*T0, "logprobs"), [-1.0]), r"\.logprobs: 1 values for 2"),
    (_with((*T0, "logprobs"), [-1.0, None]), r"\.logprobs: expected a list of finite floats"),
    (_with((*T0, "reward"), "1.0"), r"\.reward"),
    (_with((*T0, "text"), None), r"\.text: expected a str"),
]


@pytest.mark.parametrize(("fields", "message"), HOSTILE)
def test_decode_refuses_hostile_entries(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_group(fields)


def test_decode_caps_entry_size() -> None:
    fields = encode_group(_group(0))
    with pytest.raises(ValueError, match="above the 100 byte limit"):
        decode_group({k: v.encode() for k, v in fields.items()}, max_bytes=100)


# -- the stream ----------------------------------------------------------------------------------
def test_publish_read_ack_in_order(redis_url: str) -> None:
    s = _stream(redis_url)
    ids = s.publish_many([_group(i) for i in range(5)], [{"gid": i} for i in range(5)])
    assert len(set(ids)) == 5 and s.backlog() == 5
    first = s.read(3)
    assert _gids(first) == [0, 1, 2] and [i for i, _, _ in first] == ids[:3]
    assert first[0][1] == _group(0)
    assert _gids(s.read(10)) == [3, 4]  # what there is, without waiting for n
    assert s.read(1, timeout_s=0.05) == []
    assert s.backlog() == 0 and s.pending_count() == 5
    assert s.ack(ids[:3]) == 3 and s.ack(ids[:3]) == 0  # idempotent
    assert s.pending_count() == 2 and s._r.xlen(s.name) == 2  # acked entries are deleted
    s.close()


def test_read_blocks_until_a_group_arrives(redis_url: str) -> None:
    s = _stream(redis_url)
    threading.Timer(0.3, lambda: s.publish(_group(9), {"gid": 9})).start()
    start = time.monotonic()
    got = s.read(4, timeout_s=10)
    assert _gids(got) == [9] and 0.2 < time.monotonic() - start < 5


def test_own_pending_is_redelivered_to_a_restart_but_not_twice_in_a_process(redis_url: str) -> None:
    s = _stream(redis_url)
    s.publish_many([_group(i) for i in range(4)], [{"gid": i} for i in range(4)])
    assert _gids(s.read(2)) == [0, 1]
    assert _gids(s.read(1)) == [2]  # not 0 and 1 again
    s.close()  # "dies" holding 0, 1, 2
    s.publish(_group(4), {"gid": 4})
    again = _stream(redis_url)  # the same consumer name, restarted
    assert _gids(again.read(2)) == [0, 1]  # own pending first, in order
    assert _gids(again.read(10)) == [2, 3, 4]  # the rest of the pending, then new ones
    assert again.read(10) == []


def test_held_entries_are_not_handed_out_again_when_idle(redis_url: str) -> None:
    s = _stream(redis_url, claim_idle_ms=0)  # XAUTOCLAIM in every read sees this consumer's own entries too
    s.publish_many([_group(i) for i in range(3)], [{"gid": i} for i in range(3)])
    assert _gids(s.read(2)) == [0, 1]
    assert _gids(s.read(10)) == [2]
    assert s.read(10, timeout_s=0.05) == [] and s.reclaim() == 0


def test_reclaim_from_a_dead_consumer(redis_url: str) -> None:
    dead = _stream(redis_url, "dead")
    dead.publish_many([_group(i) for i in range(5)], [{"gid": i} for i in range(5)])
    assert _gids(dead.read(3)) == [0, 1, 2]
    patient = _stream(redis_url, "patient", claim_idle_ms=400)
    assert _gids(patient.read(10)) == [3, 4]  # not idle long enough: only new entries
    time.sleep(0.5)
    assert _gids(patient.read(10)) == [0, 1, 2]  # XAUTOCLAIM in read
    assert patient.pending_count("patient") == 5 and patient.pending_count("dead") == 0
    eager = _stream(redis_url, "eager")
    assert eager.reclaim() == 5  # at once, whatever the idle time
    assert _gids(eager.read(10)) == [0, 1, 2, 3, 4]
    assert eager.pending_count("eager") == 5


def test_a_live_consumer_keeps_its_entries(redis_url: str) -> None:
    live = _stream(redis_url, "live", claim_idle_ms=300)
    live.publish_many([_group(i) for i in range(2)], [{"gid": i} for i in range(2)])
    assert _gids(live.read(2)) == [0, 1]
    time.sleep(0.4)
    live.touch()  # e.g. during a long step
    other = _stream(redis_url, "other", claim_idle_ms=300)
    assert other.read(10, timeout_s=0.05) == []
    assert live.pending_count("live") == 2


def test_acked_entries_are_never_delivered_again(redis_url: str) -> None:
    s = _stream(redis_url)
    s.publish_many([_group(i) for i in range(3)], [{"gid": i} for i in range(3)])
    assert s.ack([i for i, _, _ in s.read(3)]) == 3
    assert _stream(redis_url).read(10, timeout_s=0.05) == []  # same name, restarted
    other = _stream(redis_url, "other", claim_idle_ms=0)
    assert other.reclaim() == 0 and other.read(10, timeout_s=0.05) == []
    assert s.pending_count() == 0 and s.backlog() == 0


def test_read_exactly_times_out_and_keeps_what_came(redis_url: str) -> None:
    s = _stream(redis_url)
    s.publish_many([_group(i) for i in range(2)], [{"gid": i} for i in range(2)])
    with pytest.raises(TimeoutError, match="2 of 3 groups arrived"):
        s.read_exactly(3, timeout_s=0.3)
    s.publish(_group(2), {"gid": 2})
    assert _gids(s.read_exactly(3, timeout_s=5)) == [0, 1, 2]


def test_a_poisoned_entry_is_dead_lettered_not_delivered(redis_url: str) -> None:
    s = _stream(redis_url)
    s.publish(_group(0), {"gid": 0})
    s._r.xadd(s.name, {"format": FORMAT, "group": '{"version": "x", "trajectories": []}', "meta": "{}"})
    s.publish(_group(2), {"gid": 2})
    assert _gids(s.read(10)) == [0, 2]
    assert s.poisoned == 1 and s.pending_count() == 2
    [(_, record)] = s._r.xrange(s.dead_letter)
    assert b"group.version" in record[b"error"] and record[b"raw:group"].startswith(b'{"version": "x"')


def test_backlog_without_lag(redis_url: str) -> None:
    s = _stream(redis_url)
    ids = s.publish_many([_group(i) for i in range(5)], [{"gid": i} for i in range(5)])
    s.read(1)
    s._r.xdel(s.name, ids[3])  # a deletion past the last delivered entry: Redis may no longer know the lag
    assert s.backlog() == 3


def test_maxlen_refuses_rather_than_drops(redis_url: str) -> None:
    s = _stream(redis_url, maxlen=3)
    s.publish_many([_group(i) for i in range(3)], [{"gid": i} for i in range(3)])
    with pytest.raises(StreamFullError, match="maxlen=3"):
        s.publish(_group(3), {"gid": 3})
    s.ack([s.read(1)[0][0]])
    s.publish(_group(3), {"gid": 3})
    assert _gids(s.read(10)) == [1, 2, 3]


def test_reset_starts_a_new_run(redis_url: str) -> None:
    s = _stream(redis_url)
    s.publish_many([_group(i) for i in range(3)], [{"gid": i} for i in range(3)])
    s.read(1)
    s.reset()
    assert s.read(10, timeout_s=0.05) == [] and s.backlog() == 0 and s.pending_count() == 0
    s.publish(_group(5), {"gid": 5})
    assert _gids(s.read(10)) == [5]


def test_unreachable_redis_names_the_url_without_its_password() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = RedisGroupStream(f"redis://:hunter2@127.0.0.1:{port}/0", "k", connect_timeout_s=1)
    with pytest.raises(ConnectionError, match=f"127.0.0.1:{port}") as err:
        s.publish(_group(0))
    assert "hunter2" not in str(err.value)


# -- the kill test -------------------------------------------------------------------------------
N, K, EVERY = 60, 4, 2


def _consumer(url: str, name: str, consumer: str, workdir: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(CONSUMER), "--url", url, "--name", name, "--consumer", consumer, "--dir",
           str(workdir), "--total", str(N), "--k", str(K), "--every", str(EVERY), *extra]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text()) if path.exists() else None


def _worklog(workdir: Path) -> list[dict[str, Any]]:
    path = workdir / "worklog.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.endswith("}")]


def _wait(proc: subprocess.Popen, cond: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"consumer exited ({proc.poll()}) or timed out: {proc.communicate()[1][-2000:]}")
        time.sleep(0.01)


@pytest.mark.parametrize("restart", ["same-name", "new-name", "dies-between-checkpoint-and-ack"])
def test_a_killed_consumer_loses_nothing_and_commits_nothing_twice(redis_url: str, tmp_path: Path,
                                                                    restart: str) -> None:
    name = "test:kill"
    producer = RedisGroupStream(redis_url, name, consumer="producer")

    def produce() -> None:  # scored groups arrive while the consumer trains
        for i in range(N):
            producer.publish(_group(i), {"gid": i})
            time.sleep(0.005)

    thread = threading.Thread(target=produce)
    thread.start()
    ckpt = tmp_path / "checkpoint.json"
    if restart == "dies-between-checkpoint-and-ack":
        first = _consumer(redis_url, name, "c0", tmp_path, "--step-sleep", "0.05", "--die-after-checkpoint", "2")
        assert first.wait(30) == 3, first.communicate()[1]
        assert len(_read_json(ckpt)["steps"]) == 2 * EVERY
    else:
        first = _consumer(redis_url, name, "c0", tmp_path, "--step-sleep", "0.3")
        # Kill it in the middle of a step that no checkpoint holds yet.
        _wait(first, lambda: ckpt.exists() and len(_worklog(tmp_path)) > len(_read_json(ckpt)["steps"]))
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    thread.join(30)
    committed = {g for s in _read_json(ckpt)["steps"] for g in s["gids"]}
    uncommitted = {g for s in _worklog(tmp_path) for g in s["gids"]} - committed
    pending = producer._r.xpending_range(name, "learner", "-", "+", 1000)
    assert pending and all(p["consumer"] == b"c0" for p in pending)  # the dead run held unacked groups
    if restart != "dies-between-checkpoint-and-ack":
        assert uncommitted, "the kill should land after a step that no checkpoint holds"
        held = {json.loads(fields[b"meta"])["gid"] for _, fields in producer._r.xrange(name)}
        assert uncommitted <= held  # still in Redis, waiting for a consumer

    consumer, extra = ("c1", ["--claim-idle-ms", "100"]) if restart == "new-name" else ("c0", [])
    second = _consumer(redis_url, name, consumer, tmp_path, *extra)
    assert second.wait(30) == 0, second.communicate()[1]

    history = [g for s in _read_json(ckpt)["steps"] for g in s["gids"]]
    assert sorted(history) == list(range(N))  # every group once: none lost, none twice
    assert [s["step"] for s in _read_json(ckpt)["steps"]] == list(range(N // K))
    if restart == "new-name":
        reclaimed = {g for s in _worklog(tmp_path) if s["consumer"] == "c1" for g in s["gids"]}
        assert uncommitted <= reclaimed
    assert producer.pending_count() == 0 and producer.backlog() == 0 and producer._r.xlen(name) == 0
