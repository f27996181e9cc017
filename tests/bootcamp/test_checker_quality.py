"""The quality checks: problem space, constant guess, real levels; enforcement and report lines."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from bootcamp import Task, check_task
from bootcamp.checker_quality import CONSTANT, LEVELS, SPACE, check_quality, quality_enforced
from bootcamp.verifiers.numeric import check_integer

QSEEDS = 200  # the CI sample


class Add(Task):
    """Add two integers: a large space, many answers."""

    id = "math/quality_add"
    description = "Add two integers."
    default_params = {"max_value": 10**6}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, self.params["max_value"]), "b": rng.randint(0, self.params["max_value"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"What is {identity['a']} + {identity['b']}? Answer in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_integer(answer, identity["a"] + identity["b"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] + identity["b"])


class TinyAdd(Add):
    """Ten problems only."""

    id = "math/quality_tiny"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randrange(10), "b": 7}


class TinyAddDeclared(TinyAdd):
    """Ten problems, declared, and enumerated seed by seed."""

    id = "math/quality_tiny_declared"
    space_size = 10

    def problem(self, seed: int, with_answer: bool = False, level: int | None = None) -> Any:
        p = super().problem(seed, with_answer, level)
        identity = {"a": seed % 10, "b": 7}
        return p.model_copy(update={"identity": identity, "prompt": self.prompt(identity)})


class Divisible(Task):
    """Yes/no: is n divisible by ``k``? (k=10: 'no' nine times in ten; k=2: balanced)"""

    id = "logic/quality_divisible"
    description = "Divisibility."
    default_params = {"k": 10}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"n": rng.randint(1, 10**9)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Is {identity['n']} divisible by {self.params['k']}? Answer yes or no in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return float(answer.strip().lower() == self.solve(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return "yes" if identity["n"] % self.params["k"] == 0 else "no"


class LeveledAdd(Add):
    """Add two numbers of 3..6 digits; the digits are the complexity."""

    id = "math/quality_leveled"
    default_params = {"digits": 4}
    levels = ({"digits": 3}, {"digits": 4}, {"digits": 5}, {"digits": 6})
    default_level = 2

    def generate(self, rng: random.Random) -> dict[str, Any]:
        d = self.params["digits"]
        return {"a": rng.randint(10 ** (d - 1), 10**d - 1), "b": rng.randint(10 ** (d - 1), 10**d - 1)}

    def complexity(self, identity: dict[str, Any]) -> float:
        return len(str(identity["a"])) + len(str(identity["b"]))


class FlatLevels(LeveledAdd):
    """Levels whose complexity does not rise from level 3 to 4."""

    id = "math/quality_flat"

    def complexity(self, identity: dict[str, Any]) -> float:
        return min(len(str(identity["a"])), 5)


class LooseTopLevel(LeveledAdd):
    """At level 4 the verifier accepts anything within 10**7: perturbations score 1.0 there."""

    id = "math/quality_loose"
    default_params = {"digits": 4, "slack": 0}
    levels = ({"digits": 3}, {"digits": 4}, {"digits": 5}, {"digits": 6, "slack": 10**7})

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        try:
            return float(abs(int(answer) - identity["a"] - identity["b"]) <= self.params["slack"])
        except ValueError:
            return 0.0


class HashAtLevel3(LeveledAdd):
    """Deterministic at its default level, but level 3 draws from string hashes (differs per process)."""

    id = "math/quality_hash_level"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        identity = super().generate(rng)
        if self.params["digits"] == 5:
            identity["salt"] = hash("level three")  # differs with PYTHONHASHSEED
        return identity


def _fails_with(report: Any, check: str) -> list[str]:
    return [f for f in report.failures if f.startswith(check)]


def test_a_large_task_passes_every_quality_check():
    report = check_task(Add(), seeds=5, hostile=False, cross_process=False, strict_quality=True)
    assert report.passed, report.failures
    assert report.quality is not None and not report.quality.issues
    figures = report.quality.figures["-"]
    assert figures["seeds"] == figures["distinct_identities"] == figures["distinct_prompts"] == QSEEDS
    assert figures["constant_reward"] < 0.05


def test_a_tiny_problem_space_is_a_warning_by_default_and_a_failure_when_strict():
    default = check_task(TinyAdd(), seeds=5, hostile=False, cross_process=False)
    assert default.passed, default.failures  # the library is fixed family by family
    assert any(w.startswith(SPACE) and "not enforced" in w for w in default.warnings), default.warnings
    strict = check_task(TinyAdd(), seeds=5, hostile=False, cross_process=False, strict_quality=True)
    assert not strict.passed
    (identities, prompts) = _fails_with(strict, SPACE)
    assert "10 distinct identities in 200 seeds" in identities and "need 198" in identities
    assert "no levels" in identities and "seed " in identities and "repeats seed" in identities


def test_declaring_the_finite_space_passes_and_a_wrong_declaration_fails():
    report = check_task(TinyAddDeclared(), seeds=5, hostile=False, cross_process=False, strict_quality=True)
    assert report.passed, report.failures

    class TooSmall(TinyAddDeclared):
        space_size = 8

    report = check_task(TooSmall(), seeds=5, hostile=False, cross_process=False)  # enforced: declares a space
    assert any("more than the declared space_size=8" in f and "seed 8 " in f for f in _fails_with(report, SPACE)), \
        report.failures

    class TooLarge(TinyAdd):
        space_size = 1000

    report = check_task(TooLarge(), seeds=5, hostile=False, cross_process=False)
    assert any("need 190" in f for f in _fails_with(report, SPACE)), report.failures


def test_a_two_valued_task_that_mostly_answers_no_fails_and_a_balanced_one_passes():
    mostly_no = check_task(Divisible(k=10), seeds=5, hostile=False, cross_process=False, strict_quality=True)
    (line,) = _fails_with(mostly_no, CONSTANT)
    assert "always answering 'no'" in line and "two-valued" in line and "limit" in line
    assert "no levels" in line and "scores 1.0 on seeds 0" in line  # seed 0's n is not a multiple of 10
    balanced = check_task(Divisible(k=2), seeds=5, hostile=False, cross_process=False, strict_quality=True)
    assert balanced.passed, balanced.failures
    assert 0.4 < balanced.quality.figures["-"]["constant_reward"] <= 0.6


def test_a_many_valued_task_is_held_to_the_lower_limit():
    class Skewed(Add):
        def generate(self, rng: random.Random) -> dict[str, Any]:
            a = rng.randint(0, 10**6)
            return {"a": a if rng.random() < 0.5 else 0, "b": 3 if rng.random() < 0.7 else rng.randint(0, 10**6)}

        def solve(self, identity: dict[str, Any]) -> str:
            return str(identity["a"] + identity["b"]) if identity["a"] else "3" if identity["b"] == 3 else "0"

        def check(self, answer: str, identity: dict[str, Any]) -> float:
            return float(answer == self.solve(identity))

    quality = check_quality(Skewed(), QSEEDS)
    assert quality.figures["-"]["answers"] > 2
    assert 0.25 < quality.figures["-"]["constant_reward"] < 0.6
    assert any("over the 0.25 limit" in m for m in quality.issues[CONSTANT])


def test_a_good_leveled_task_passes_at_every_level():
    task = LeveledAdd()
    assert quality_enforced(task)
    report = check_task(task, seeds=4, hostile=False)
    assert report.passed, report.failures
    means = [report.quality.figures[str(level)]["complexity"] for level in (1, 2, 3, 4)]
    assert means == [6, 8, 10, 12]
    assert not any("compared" in w or "skipped" in w for w in report.warnings), report.warnings


def test_levels_whose_complexity_does_not_rise_fail_naming_the_level():
    report = check_task(FlatLevels(), seeds=3, hostile=False, cross_process=False)
    (line,) = _fails_with(report, LEVELS)
    assert line.startswith("levels: level 4: mean complexity 5 over seeds 0-199 does not rise above level 3's 5")


def test_a_level_whose_perturbations_score_full_fails_naming_seed_and_level():
    report = check_task(LooseTopLevel(), seeds=3, hostile=False, cross_process=False)
    lines = _fails_with(report, LEVELS)
    assert lines and all("(level 4)" in f for f in lines), report.failures
    assert any(f.startswith("levels: seed 0 (level 4): perturbed answer") for f in lines), lines


def test_a_leveled_task_without_a_complexity_measure_fails():
    class NoMeasure(LeveledAdd):
        complexity = Task.complexity

    report = check_task(NoMeasure(), seeds=2, hostile=False, cross_process=False)
    assert any("seed 0 (level 1): complexity(identity) is not implemented" in f for f in report.failures)


def test_a_leveled_task_is_compared_across_processes_at_every_level():
    report = check_task(HashAtLevel3(), seeds=3, hostile=False, quality_seeds=0)
    assert not report.passed
    assert report.failures and all("(level 3)" in f and "fresh process" in f for f in report.failures), \
        report.failures
    from bootcamp.checker import check_cross_process

    reports = check_cross_process([f"{__name__}:HashAtLevel3", f"{__name__}:LeveledAdd"], seeds=(0, 1))
    assert reports[f"{__name__}:LeveledAdd"].passed
    assert [f[:20] for f in reports[f"{__name__}:HashAtLevel3"].failures] == ["seed 0 (level 3): a ", "seed 1 (level 3): a "]


def test_a_slow_task_is_judged_on_the_seeds_done_in_time():
    report = check_quality(TinyAdd(), QSEEDS, time_limit_s=0.0)
    assert report.figures["-"]["seeds"] == 0
    assert any("0 of 200 seeds sampled" in n for n in report.notes)
    assert not report.issues  # too few seeds to judge: nothing is claimed


def test_quality_checks_can_be_turned_off():
    report = check_task(TinyAdd(), seeds=3, hostile=False, cross_process=False, quality_seeds=0,
                        strict_quality=True)
    assert report.passed and report.quality is None


# -- a class generated at run time (an InternBootCamp wrap) rebuilt in a fresh process ------------

def make_generated(task_id: str, salted: bool = False) -> type[Task]:
    """A task class built by ``type`` (it cannot be imported by reference), as the wrappers build them."""
    def generate(self: Task, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, 10**6), "b": 1, **({"salt": hash("salt")} if salted else {})}

    return type("Generated", (Add,), {"generate": generate, "id": task_id})


def build_generated(task_id: str, salted: bool = False) -> type[Task]:
    """The importable factory a fresh process calls (``fresh_spec``)."""
    return make_generated(task_id, salted)


@pytest.mark.parametrize("salted", [False, True])
def test_a_generated_class_is_compared_across_processes_through_its_factory(salted):
    cls = make_generated("math/quality_generated", salted)
    skipped = check_task(cls(), seeds=3, hostile=False, quality_seeds=0)
    assert any("cross-process check skipped" in w for w in skipped.warnings)
    spec = {"factory": f"{__name__}:build_generated", "kwargs": {"task_id": cls.id, "salted": salted},
            "id": cls.id}
    report = check_task(cls(), seeds=3, hostile=False, quality_seeds=0, fresh_spec=spec)
    assert not any("skipped" in w for w in report.warnings), report.warnings
    if salted:
        assert any("seed 0: a fresh process" in f and "identity['salt']" in f for f in report.failures), \
            report.failures
    else:
        assert report.passed, report.failures


def test_a_factory_that_cannot_be_imported_is_a_warning_and_one_that_raises_a_failure():
    cls = make_generated("math/quality_generated")
    report = check_task(cls(), seeds=2, hostile=False, quality_seeds=0,
                        fresh_spec={"factory": "no_such_module_here:build", "kwargs": {}})
    assert report.passed and any("cannot import" in w for w in report.warnings), report.warnings
    report = check_task(cls(), seeds=2, hostile=False, quality_seeds=0,
                        fresh_spec={"factory": f"{__name__}:build_generated", "kwargs": {"wrong": 1}})
    assert any("could not build the task" in f for f in report.failures), report.failures


def test_the_cli_warns_by_default_and_fails_with_strict_quality():
    from typer.testing import CliRunner

    from bootcamp import REGISTRY
    from bootcamp.cli import app

    REGISTRY.register(TinyAdd)
    try:
        runner = CliRunner()
        args = ["tasks", "check", TinyAdd.id, "--seeds", "2", "--quality-seeds", "50"]
        default = runner.invoke(app, args)
        strict = runner.invoke(app, [*args, "--strict-quality", "--json"])
    finally:
        REGISTRY.unregister(TinyAdd.id)
    assert default.exit_code == 0, default.output
    assert "WARN math/quality_tiny" in default.output and "problem space" in default.output
    assert strict.exit_code == 1, strict.output
    (report,) = json.loads(strict.stdout)["reports"]
    assert report["quality"]["figures"]["-"]["distinct_identities"] == 10
    assert any("10 distinct identities in 50 seeds" in f for f in report["failures"])


def test_a_small_sample_may_exceed_the_constant_limit_by_its_sampling_error_only():
    from bootcamp.checker_quality import CONSTANT_LIMIT, FULL_SEEDS, TWO_VALUED_LIMIT, sampled_limit

    assert sampled_limit(CONSTANT_LIMIT, FULL_SEEDS) == CONSTANT_LIMIT  # the full check is the rule itself
    assert sampled_limit(TWO_VALUED_LIMIT, 5000) == TWO_VALUED_LIMIT
    assert 0.36 < sampled_limit(CONSTANT_LIMIT, 50) < 0.38  # 5 equally likely answers pass 50 seeds
    assert 0.30 < sampled_limit(CONSTANT_LIMIT, 200) < 0.32
    assert sampled_limit(CONSTANT_LIMIT, 50) > sampled_limit(CONSTANT_LIMIT, 200) > CONSTANT_LIMIT


def test_ci_samples_the_ends_and_the_default_level() -> None:
    from bootcamp import get_task
    from bootcamp.checker_quality import check_quality, task_levels

    task = get_task("biology/reverse_complement")  # 5 levels, default 3
    assert task_levels(task) == (1, 2, 3, 4, 5) and task_levels(task, "ends") == (1, 3, 5)
    assert task_levels(get_task("generic/number"), "ends") == (None,)
    report = check_quality(task, seeds=20, level_sample="ends")
    assert sorted(report.figures) == ["1", "3", "5"] and not report.issues
    with pytest.raises(ValueError, match="'all' or 'ends'"):
        task_levels(task, "some")
