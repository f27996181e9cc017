import random
import time

import _bad_tasks
import pytest

from bootcamp import check_task
from bootcamp.checker import check_cross_process
from bootcamp.checker_process import first_difference


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


# -- determinism across processes (issue 11) ------------------------------------------------

BAD = {
    "_bad_tasks:NumpyAtConstruction": "fresh process",
    "_bad_tasks:UnseededInit": "fresh process",
    "_bad_tasks:SetOrder": "fresh process",
}


def test_well_behaved_task_passes_the_cross_process_checks():
    report = check_task(_bad_tasks.GoodAdd(), seeds=4)
    assert report.passed, report.failures
    assert not any("cross-process" in w for w in report.warnings), report.warnings


def test_numpy_generator_seeded_at_construction_fails():
    report = check_task(_bad_tasks.NumpyAtConstruction(), seeds=3)
    assert any("fresh process (PYTHONHASHSEED=" in f and "different identity" in f for f in report.failures), \
        report.failures
    assert any("not deterministic" in f for f in report.failures)


def test_unseeded_random_in_init_fails_only_across_processes():
    report = check_task(_bad_tasks.UnseededInit(), seeds=3)
    assert not report.passed
    assert all("fresh process" in f for f in report.failures), report.failures
    assert any(f.startswith("seed 0:") and "identity['a']" in f for f in report.failures), report.failures
    assert check_task(_bad_tasks.UnseededInit(), seeds=3, cross_process=False).passed  # one process sees nothing


def test_prompt_returning_the_last_generated_prompt_fails():
    report = check_task(_bad_tasks.LastPrompt(), seeds=4, cross_process=False)
    assert any("prompt(identity)" in f and "identity alone" in f for f in report.failures), report.failures


def test_set_iteration_order_fails_across_hash_seeds():
    report = check_task(_bad_tasks.SetOrder(), seeds=3)
    assert any("different identity" in f and "identity['labels']" in f for f in report.failures), report.failures
    assert check_task(_bad_tasks.SetOrder(), seeds=3, cross_process=False).passed


def test_batch_check_reports_every_failing_spec_in_one_process():
    specs = ["_bad_tasks:GoodAdd", *BAD, "_bad_tasks:LastPrompt"]
    start = time.perf_counter()
    reports = check_cross_process(specs, seeds=(0, 1, 2))
    assert time.perf_counter() - start < 120  # one fresh process for all of them
    assert reports["_bad_tasks:GoodAdd"].passed, reports["_bad_tasks:GoodAdd"].failures
    assert reports["_bad_tasks:LastPrompt"].passed  # consistent across processes; check_task catches it
    for spec, words in BAD.items():
        assert not reports[spec].passed, spec
        assert all(words in f for f in reports[spec].failures), reports[spec].failures


def test_batch_check_reports_what_the_fresh_process_cannot_build():
    reports = check_cross_process(["_bad_tasks:GoodAdd", "_bad_tasks:Missing"], seeds=(0,))
    assert reports["_bad_tasks:GoodAdd"].passed
    assert any("cannot build the task here" in f for f in reports["_bad_tasks:Missing"].failures)


def test_task_that_cannot_be_imported_is_skipped_with_a_note(add_task_cls):
    class Local(add_task_cls):
        pass

    report = check_task(Local(), seeds=2)
    assert report.passed, report.failures
    assert any("cross-process check skipped" in w for w in report.warnings)
    reports = check_cross_process([Local()], seeds=(0,))
    assert reports[Local.id].passed and reports[Local.id].warnings


def test_first_difference_names_the_place():
    assert first_difference({"a": [1, 2]}, {"a": [1, 3]}) == "identity['a'][1]: 2 here, 3 there"
    assert first_difference({"a": 1}, {"b": 1}).startswith("identity['a'] only here")
    assert "character 4" in first_difference("abc d", "abc e", "prompt")


def test_registered_tasks_are_checked_in_one_shared_fresh_process():
    from bootcamp.checker_process import shared_worker

    report = check_task("generic/formula", seeds=3)
    cross = [w for w in report.warnings if "cross-process" in w or "compared" in w]
    assert report.passed and not cross, (report.failures, report.warnings)
    worker = shared_worker()
    assert check_task("generic/number", seeds=3).passed
    assert shared_worker() is worker and worker.alive
    reports = check_cross_process(["generic/formula", "generic/nonexistent"], seeds=(0,))
    assert reports["generic/formula"].passed
    assert any("cannot build the task here" in f for f in reports["generic/nonexistent"].failures)


def test_task_registered_at_run_time_is_rebuilt_by_class_in_the_fresh_process():
    from bootcamp import REGISTRY

    REGISTRY.register(_bad_tasks.SetOrder)
    try:
        reports = check_cross_process([_bad_tasks.SetOrder.id, "generic/formula"], seeds=(0, 1, 2))
        report = check_task(_bad_tasks.SetOrder.id, seeds=3)
    finally:
        REGISTRY.unregister(_bad_tasks.SetOrder.id)
    assert reports["generic/formula"].passed
    assert any("identity['labels']" in f for f in reports[_bad_tasks.SetOrder.id].failures)
    assert any("identity['labels']" in f for f in report.failures), report.failures


def test_concurrent_checks_do_not_share_a_busy_fresh_process():
    from concurrent.futures import ThreadPoolExecutor

    tasks = [_bad_tasks.GoodAdd(), _bad_tasks.UnseededInit(), _bad_tasks.GoodAdd()]
    with ThreadPoolExecutor(3) as pool:
        reports = list(pool.map(lambda t: check_task(t, seeds=3, hostile=False), tasks))
    assert reports[0].passed and reports[2].passed, (reports[0].failures, reports[2].failures)
    assert any("fresh process" in f for f in reports[1].failures)
