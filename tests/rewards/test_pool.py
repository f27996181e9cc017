"""The sandbox pool kills hung and crashing verifiers, replaces them, and keeps the rest of the batch."""

from __future__ import annotations

import time

import pytest
from _evil import ADD_ID, EVIL_ID, boxed, ensure_registered  # noqa: I001

import bootcamp
from rewards.pool import SandboxPool


@pytest.fixture(scope="module")
def evil() -> str:
    ensure_registered()
    return EVIL_ID


@pytest.fixture(scope="module")
def pool() -> SandboxPool:
    p = SandboxPool(workers=2, timeout=1.0)
    assert p.wait_ready(180), "pool workers did not start"
    yield p
    p.close()


def test_plain_verdicts_match_in_process(pool: SandboxPool, evil: str) -> None:
    task = bootcamp.get_task(ADD_ID)
    probs = [task.problem(s, with_answer=True) for s in range(20)]
    items = [(ADD_ID, p.identity, task.format_answer(p.answer)) for p in probs]
    items += [(ADD_ID, p.identity, "\\boxed{-7}") for p in probs]
    verdicts = pool.verify_many(items)
    assert [v.score for v in verdicts] == [1.0] * 20 + [0.0] * 20
    assert all(v.parts and v.parts[0].latency_ms > 0 for v in verdicts)


def test_hung_and_crashing_verifiers_cost_only_their_verdict(pool: SandboxPool, evil: str) -> None:
    ident = {"n": 7}
    answers = ["7", "hang", "8", "exit", "7", "segv", "raise", "oom", "7", "hang", "7"]
    before = pool.restarts
    start = time.monotonic()
    verdicts = pool.verify_many([(evil, ident, boxed(a)) for a in answers])
    elapsed = time.monotonic() - start
    got = {a: (v.reason, v.score) for a, v in zip(answers, verdicts, strict=False)}
    assert [v.score for a, v in zip(answers, verdicts, strict=False) if a == "7"] == [1.0] * 4
    assert got["8"] == ("wrong", 0.0)
    assert got["hang"] == ("timeout", 0.0)
    assert got["exit"][0] == "verifier_error" and "exit code 3" in verdicts[3].detail
    assert got["segv"][0] == "verifier_error" and "SIGSEGV" in verdicts[5].detail
    assert got["raise"][0] == "verifier_error" and "verifier bug" in verdicts[6].detail
    assert got["oom"][0] == "verifier_error" and "MemoryError" in verdicts[7].detail
    # two hangs (1 s each), two crashes: restarts counted, no waiting on anything but the timeouts
    assert pool.restarts - before >= 4
    assert pool.stats()["timeouts"] >= 2
    assert elapsed < 10
    # the pool is whole again afterwards
    assert pool.wait_ready(60)
    assert pool.verify(evil, ident, boxed("7")).score == 1.0


def test_timeout_is_per_verdict_not_per_batch(pool: SandboxPool, evil: str) -> None:
    # 6 verdicts of 0.3 s each on 2 workers: 0.9 s of work, each well inside its own 1 s limit.
    verdicts = pool.verify_many([(evil, {"n": 1}, boxed("slow"))] * 6)
    assert all(v.reason == "ok" for v in verdicts)


def test_unknown_task_and_bad_items_are_verdicts(pool: SandboxPool, evil: str) -> None:
    v = pool.verify_many([("math/nope", {}, "x"), (ADD_ID, {"a": 1, "b": 1}, "\\boxed{2}")])
    assert v[0].reason == "verifier_error" and "unknown task" in v[0].detail
    assert v[1].score == 1.0


def test_threads_share_the_pool(pool: SandboxPool, evil: str) -> None:
    import concurrent.futures as cf

    task = bootcamp.get_task(ADD_ID)
    p = task.problem(3, with_answer=True)
    item = (ADD_ID, p.identity, task.format_answer(p.answer))
    with cf.ThreadPoolExecutor(4) as ex:
        results = list(ex.map(lambda _: pool.verify_many([item] * 25), range(4)))
    assert all(v.score == 1.0 for batch in results for v in batch)


def test_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="workers"):
        SandboxPool(workers=0)
    with pytest.raises(ValueError, match="timeout"):
        SandboxPool(timeout=0)


def test_items_queued_behind_a_hang_in_the_same_run_still_get_verdicts(pool: SandboxPool, evil: str) -> None:
    answers = ["1"] * 40
    answers[5] = "hang"
    answers[30] = "exit"
    verdicts = pool.verify_many([(evil, {"n": 1}, boxed(a)) for a in answers])
    reasons = [v.reason for v in verdicts]
    assert reasons[5] == "timeout" and reasons[30] == "verifier_error"
    assert reasons.count("ok") == 38


# -- chunks: one message carries many items; each item keeps its own deadline --------------------------------------

MIXED = ["math/gcd", "math/modular_inverse", "generic/number", "generic/math", "generic/smiles", "generic/formula",
         ADD_ID]


def _mixed(n: int) -> list[tuple[str, dict, str]]:
    """``n`` items over several tasks: right answers, near misses, and responses with no answer."""
    out = []
    for k in range(n):
        task = bootcamp.get_task(MIXED[k % len(MIXED)])
        p = task.problem(k, with_answer=True)
        if k % 3 == 0:
            answer = p.answer
        elif k % 3 == 1:
            answer = (task.perturb(p.answer, p.identity) or ["0"])[0]
        else:
            out.append((p.task, p.identity, f"no answer here [{k}]"))
            continue
        out.append((p.task, p.identity, f"{task.format_answer(answer)} [{k}]"))
    return out


def _same(v, w) -> bool:
    """Equal verdicts, latencies aside (the pool reports its own)."""
    drop = {"parts": {"__all__": {"latency_ms"}}}
    return v.model_dump(exclude=drop) == w.model_dump(exclude=drop)


def test_a_mixed_batch_in_chunks_equals_in_process_verdicts(pool: SandboxPool, evil: str) -> None:
    items = _mixed(200)
    expected = [bootcamp.get_task(t).verify(r, i) for t, i, r in items]
    before = pool.stats()
    got = pool.verify_many(items)
    after = pool.stats()
    assert len(got) == 200
    assert all(_same(v, w) for v, w in zip(got, expected, strict=True)), \
        [(k, v.reason, w.reason) for k, (v, w) in enumerate(zip(got, expected, strict=True)) if not _same(v, w)][:5]
    assert {v.reason for v in got} >= {"ok", "wrong", "no_answer"}
    # A few round trips per worker, not one per item: each message carries a chunk, each reply its verdicts.
    chunks, replies = after["chunks"] - before["chunks"], after["replies"] - before["replies"]
    assert chunks <= 30, chunks
    assert replies < len(items) // 2, (chunks, replies)
    assert after["restarts"] == before["restarts"]


def test_a_hung_item_mid_chunk_costs_its_verdict_only(pool: SandboxPool, evil: str) -> None:
    items = _mixed(60)
    items.insert(5, (evil, {"n": 1}, boxed("hang")))  # inside the first chunk of either worker
    expected = [bootcamp.get_task(t).verify(r, i) for t, i, r in items[:5] + items[6:]]
    before = pool.stats()
    got = pool.verify_many(items)
    after = pool.stats()
    assert got[5].reason == "timeout" and got[5].score == 0.0
    rest = got[:5] + got[6:]
    assert all(_same(v, w) for v, w in zip(rest, expected, strict=True))
    assert after["timeouts"] - before["timeouts"] == 1
    assert after["restarts"] - before["restarts"] == 1  # the hung worker was killed and replaced


def test_crashing_items_mid_chunk_cost_one_verdict_each(pool: SandboxPool, evil: str) -> None:
    answers = ["1"] * 50
    answers[3], answers[20], answers[21] = "exit", "segv", "raise"
    before = pool.stats()
    verdicts = pool.verify_many([(evil, {"n": 1}, boxed(a)) for a in answers])
    after = pool.stats()
    reasons = [v.reason for v in verdicts]
    assert reasons[3] == reasons[20] == reasons[21] == "verifier_error"
    assert "exit code 3" in verdicts[3].detail and "SIGSEGV" in verdicts[20].detail
    assert "verifier bug" in verdicts[21].detail  # raised inside the verifier: the worker lives on
    assert reasons.count("ok") == 47
    assert after["crashes"] - before["crashes"] == 2


def test_a_sleeping_item_past_the_timeout_in_a_chunk() -> None:
    ensure_registered()
    # "slow" sleeps 0.3 s: past this pool's 0.25 s limit. The items around it share its chunk.
    with SandboxPool(workers=1, timeout=0.25, max_chunk=16) as p:
        assert p.wait_ready(180)
        answers = ["1", "2", "slow", "1", "slow", "1", "1"]
        verdicts = p.verify_many([(EVIL_ID, {"n": 1}, boxed(a)) for a in answers])
        assert [v.reason for v in verdicts] == ["ok", "wrong", "timeout", "ok", "timeout", "ok", "ok"]
        assert "ran past 0.25s" in verdicts[2].detail
        assert p.stats()["timeouts"] == 2


def test_each_item_of_a_chunk_has_its_own_deadline() -> None:
    ensure_registered()
    # One worker, 10 items of 0.3 s: it is sent chunks of 5 and 3 at once (the second waits in its
    # pipe), so the last of those items starts 2.1 s after it was sent, well past the 1 s limit; no
    # item runs past it, so none times out.
    with SandboxPool(workers=1, timeout=1.0) as p:
        assert p.wait_ready(180)
        verdicts = p.verify_many([(EVIL_ID, {"n": 1}, boxed("slow"))] * 10)
        assert [v.reason for v in verdicts] == ["ok"] * 10
        assert p.stats()["chunks"] < 10 and p.stats()["timeouts"] == 0
