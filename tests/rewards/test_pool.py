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
