"""Scorers: task verify in process, the MoR router, the reward service over HTTP."""

import pytest

import bootcamp
from rewards.scoring import TaskScorer, make_scorer


def test_task_scorer_matches_verify():
    p = bootcamp.get_task("math/digit_add").problem(3, with_answer=True)
    good = f"\\boxed{{{p.answer}}}"
    v_good, v_bad, v_none = TaskScorer().score([(p.task, p.identity, good), (p.task, p.identity, "\\boxed{x}"),
                                                (p.task, p.identity, "no idea")])
    assert v_good.correct and v_good.score == 1.0
    assert not v_bad.correct and v_bad.reason == "invalid_answer"
    assert v_none.reason == "no_answer"


def test_make_scorer_service_needs_url():
    with pytest.raises(ValueError, match="rewards.url"):
        make_scorer("service", None)


def test_make_scorer_plugs_in_the_router():
    pytest.importorskip("rewards.router")
    from rewards.scoring import RouterScorer

    scorer = make_scorer("inprocess")
    assert isinstance(scorer, RouterScorer)
    p = bootcamp.get_task("math/digit_parity").problem(1, with_answer=True)
    good, bad = scorer.score([(p.task, p.identity, f"\\boxed{{{p.answer}}}"), (p.task, p.identity, "\\boxed{maybe}")])
    assert good.correct and not bad.correct


def test_service_scorer_against_the_real_reward_service(live_server):
    from rewards.scoring import ServiceScorer
    from rewards.service import Settings, create_app

    task = bootcamp.get_task("math/gcd")
    p = task.problem(2, with_answer=True)
    items = [(p.task, p.identity, task.format_answer(p.answer)), (p.task, p.identity, "\\boxed{-1}")]
    with live_server(create_app(Settings(pool_workers=1))) as srv:
        verdicts = make_scorer("service", url=srv.url).score(items)
        assert isinstance(make_scorer("service", url=srv.url), ServiceScorer)
    assert [v.correct for v in verdicts] == [True, False]
    assert verdicts[1].reason == "wrong"


def test_training_scorer_has_reward_models_and_a_sandbox_pool():
    """The trainer's in-process scorer scores `open/*` tasks' similarity part (no verifier_error)
    and, with sandbox workers, runs verifiers in the pool that enforces timeouts."""
    pytest.importorskip("rewards.router")
    scorer = make_scorer("inprocess", sandbox_workers=1, verify_timeout_s=10.0)
    try:
        assert scorer.pool is not None
        task = bootcamp.get_task("open/biology_observation")
        p = task.problem(3, with_answer=True)
        good, off = scorer.score([(p.task, p.identity, task.format_answer(p.answer)),
                                  (p.task, p.identity, "\\boxed{The moon is made of cheese.}")])
        assert good.reason != "verifier_error" and off.reason != "verifier_error"
        assert {part.name for part in good.parts} >= {"similarity"}
        assert good.score > off.score
        assert scorer.pool.stats()["workers"] == 1
    finally:
        scorer.close()
    assert scorer.pool is None
