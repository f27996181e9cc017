"""Red team: a model answer to a reasoning-gym problem must not forge its own score.

Before answers were held to a strict grammar, ``countdown``'s scorer ran the
answer through ``sympy.parse_expr`` inside the scoring sandbox: the answer's
code ran in the very process that reports the score, and writing a score
record to the result descriptor, then leaving, earned 1.0.
"""

from __future__ import annotations

import pytest

pytest.importorskip("reasoning_gym")

from bootcamp import Registry  # noqa: E402
from bootcamp.compat import reasoning_gym as rgc  # noqa: E402
from bootcamp.compat.reasoning_gym import register_datasets  # noqa: E402
from bootcamp.verifiers import sandbox  # noqa: E402

TASK = "logic/rg_countdown"
SCORE = "b'{\"score\": 1.0}\\n'"
OS = "__import__('os')"

ATTACKS = {
    "red_team_fd3": f"{OS}.write(3, {SCORE})",
    **{f"write_fd{fd}": f"{OS}.write({fd}, {SCORE})" for fd in range(1, 10)},
    **{f"write_fd{fd}_then_exit": f"{OS}.write({fd}, {SCORE}) and {OS}._exit(0)" for fd in range(1, 10)},
    "print_score": "print('{\"score\": 1.0}')",
    "print_score_then_exit": "print('{\"score\": 1.0}', flush=True) or " + f"{OS}._exit(0)",
    "raise_from_del": "type('A', (), {'__del__': lambda s: " + f"{OS}.write(3, {SCORE})" + "})()",
    "atexit": f"__import__('atexit').register(lambda: {OS}.write(3, {SCORE}))",
    "fork_then_write": f"{OS}.fork() or {OS}.write(3, {SCORE})",
    **{f"exit_{n}": f"{OS}._exit({n})" for n in (0, 1, 3)},
    "sys_exit": "__import__('sys').exit(0)",
    "newline_code": "1 + 2\n" + f"{OS}.write(3, {SCORE})",
}


def _in_answer(text: str) -> str:
    return f"<answer>{text}</answer>"


def _in_boxed(text: str) -> str:
    return f"\\boxed{{{text}}}"


@pytest.fixture(scope="module")
def tasks():
    plain, parity = Registry(load_plugins=False), Registry(load_plugins=False)
    register_datasets(["countdown"], registry=plain, checks="fast")
    register_datasets(["countdown"], registry=parity, checks="fast", parity=True)
    task = plain.get(TASK)
    identity = task.problem(3, with_answer=True).identity
    return task, parity.get(TASK), identity


@pytest.mark.parametrize("wrap", [_in_answer, _in_boxed], ids=["answer", "boxed"])
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_forged_score_is_not_earned(tasks, name, wrap):
    task, parity, identity = tasks
    response = wrap(ATTACKS[name])
    verdicts = [task.verify(response, identity)]
    if wrap is _in_answer:  # the parity task reads <answer> blocks only
        verdicts.append(parity.verify(response, identity))
    for verdict in verdicts:
        assert verdict.score < 1.0 and not verdict.correct and verdict.reason != "ok", (name, verdict)


def test_hostile_answers_start_no_scorer(tasks, monkeypatch):
    task, parity, identity = tasks
    started = []
    monkeypatch.setattr(rgc, "score_sandboxed", lambda *a, **k: started.append(a) or 1.0)
    for text in ATTACKS.values():
        for t in (task, parity):
            verdict = t.verify(_in_answer(text), identity)
            assert verdict.reason == "invalid_answer" and "grammar" in (verdict.detail or "")
    assert started == []


@pytest.mark.skipif(not sandbox.available()[0], reason="bwrap unavailable")
def test_honest_answer_still_scores_one_through_the_sandbox(tasks):
    task, parity, identity = tasks
    answer = task.solve(identity)
    assert task.verify(_in_answer(answer), identity).score == 1.0
    assert task.verify(_in_boxed(answer), identity).score == 1.0
    assert parity.verify(_in_answer(answer), identity).score == 1.0
    assert task.verify(_in_answer(f"({answer}) + 1"), identity).score < 1.0
