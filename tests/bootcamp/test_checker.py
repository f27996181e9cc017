import random
import time

import pytest

from bootcamp import check_task


@pytest.fixture(autouse=True)
def _exact_budgets(monkeypatch):
    monkeypatch.setenv("BOOTCAMP_CHECK_TIME_FACTOR", "1")


def test_good_task_passes(add_task_cls):
    report = check_task(add_task_cls(), seeds=10)
    assert report.passed, report.failures
    assert report.checks > 50


def test_permissive_verifier_fails(add_task_cls):
    class Permissive(add_task_cls):
        def check(self, answer, identity):
            return 1.0

    report = check_task(Permissive(), seeds=5)
    assert not report.passed
    assert any("perturbed" in f for f in report.failures)
    assert any("other seeds" in f for f in report.failures)
    assert any("hostile" in f for f in report.failures)


def test_nondeterministic_generation_fails(add_task_cls):
    class Flaky(add_task_cls):
        def generate(self, rng):
            return {"a": random.randint(0, 10**9), "b": 1}

    assert any("deterministic" in f for f in check_task(Flaky(), seeds=3).failures)


def test_non_json_identity_fails(add_task_cls):
    class Tuples(add_task_cls):
        def generate(self, rng):
            return {"a": 1, "b": 2, "pair": (1, 2)}

    assert any("JSON" in f for f in check_task(Tuples(), seeds=2).failures)


def test_raising_check_fails(add_task_cls):
    class Raises(add_task_cls):
        def check(self, answer, identity):
            if not answer.isdigit():
                raise ValueError("cannot parse")
            return super().check(answer, identity)

    report = check_task(Raises(), seeds=2)
    assert any("raised ValueError" in f for f in report.failures)


def test_slow_check_fails(add_task_cls):
    class Slow(add_task_cls):
        time_budget = 0.05

        def check(self, answer, identity):
            if len(answer) > 10_000:
                time.sleep(0.1)
            return super().check(answer, identity)

    report = check_task(Slow(), seeds=2)
    assert any("budget" in f for f in report.failures)


def test_hung_check_is_aborted(add_task_cls):
    class Hangs(add_task_cls):
        time_budget = 0.05

        def check(self, answer, identity):
            if answer == "9**9**9":
                while True:
                    pass
            return super().check(answer, identity)

    start = time.perf_counter()
    report = check_task(Hangs(), seeds=2)
    assert time.perf_counter() - start < 5
    assert any("hung" in f for f in report.failures)


def test_wrong_reference_fails(add_task_cls):
    class WrongSolver(add_task_cls):
        def solve(self, identity):
            return "-1"

    assert any("reference answer" in f for f in check_task(WrongSolver(), seeds=3).failures)


def test_time_factor_scales_budgets(add_task_cls, monkeypatch):
    class Slowish(add_task_cls):
        time_budget = 0.05

        def check(self, answer, identity):
            if len(answer) > 10_000:
                time.sleep(0.1)
            return super().check(answer, identity)

    monkeypatch.setenv("BOOTCAMP_CHECK_TIME_FACTOR", "4")
    assert check_task(Slowish(), seeds=2).passed


def test_hostile_side_effects_are_reported(add_task_cls, tmp_path):
    class Evals(add_task_cls):
        def check(self, answer, identity):
            if "__import__" in answer:
                try:
                    eval(answer)  # noqa: S307 - the bug this test catches
                except Exception:
                    pass
            return super().check(answer, identity)

    class Spawns(add_task_cls):
        def check(self, answer, identity):
            if answer in ("9**9**9", "10**10**10", "Xx9Yy8"):
                import subprocess

                subprocess.Popen(["sleep", "30"])
            return super().check(answer, identity)

    class Touches(add_task_cls):
        def check(self, answer, identity):
            if answer == "Xx9Yy8":
                open("pwned.txt", "w").close()
            return super().check(answer, identity)

    assert check_task(Evals(), seeds=2).passed  # `echo pwned` leaves nothing behind
    report = check_task(Spawns(), seeds=2)
    assert any("process" in f for f in report.failures), report.failures
    report = check_task(Touches(), seeds=2)
    assert any("created files" in f for f in report.failures), report.failures
    assert check_task(add_task_cls(), seeds=2).passed
