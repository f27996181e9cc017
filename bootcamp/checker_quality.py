"""Quality checks: does a task teach, or can a policy farm it?

An RL run draws thousands of problems from each task and follows every reward it
can farm. Over many seeds (``QUALITY_SEEDS`` by default, ``FULL_SEEDS`` for a full
check) and at every difficulty level, these checks ask:

- **problem space**: do the seeds pose distinct problems? At least
  ``DISTINCT_SHARE`` of the sampled seeds must give distinct identities and
  distinct prompts (990 in 1,000; one repeat is allowed in a smaller sample). A task that declares a finite ``space_size``
  must pose ``FINITE_SHARE`` of ``min(space_size, seeds)`` distinct problems (so
  it should enumerate its space, seed by seed) and never more than ``space_size``.
- **constant guess**: the most common reference answer, scored against every
  sampled problem with the task's own ``verify``, earns at most
  ``TWO_VALUED_LIMIT`` of the reward on a two-valued task (two distinct reference
  answers seen) and ``CONSTANT_LIMIT`` on any other, on ``FULL_SEEDS`` seeds; a smaller
  sample may exceed the limit by its sampling error (:func:`sampled_limit`).
- **levels** (tasks with ``levels`` only): at each level the reference answer
  scores 1.0 and its perturbations below 1.0 on ``LEVEL_SEEDS`` seeds, the
  identity carries its level, ``default_level`` reproduces today's problem, and
  the mean ``complexity`` rises strictly from level to level.

Each finding names its check, level and a seed. :func:`check_quality` only finds;
:func:`bootcamp.checker.check_task` decides whether a finding fails the task or is
a warning (:func:`quality_enforced`). The level API (``levels``, ``at_level``,
``problem(seed, level=)``) is read with ``getattr`` so tasks without it are
checked as single-level tasks.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bootcamp.checker import CheckReport

__all__ = [
    "CONSTANT", "CONSTANT_LIMIT", "DISTINCT_SHARE", "FINITE_SHARE", "FULL_SEEDS", "LEVELS", "LEVEL_SEEDS",
    "QUALITY_CHECKS", "QUALITY_SEEDS", "SPACE", "TWO_VALUED_LIMIT", "QualityReport", "at_level", "check_quality",
    "level_name", "problem_at", "quality_enforced", "record_quality", "sampled_limit", "task_levels",
]

#: Seeds per level the quality checks sample by default (CI, ``bootcamp tasks check``).
QUALITY_SEEDS = 200
#: Seeds per level of a full check (``bootcamp tasks check --full``).
FULL_SEEDS = 1000
#: Share of sampled seeds that must give distinct identities and prompts (990 in 1,000).
DISTINCT_SHARE = 0.99
#: Share of ``min(space_size, seeds)`` a task with a declared finite space must pose.
FINITE_SHARE = 0.95
#: Most reward the most common answer may earn on a two-valued task.
TWO_VALUED_LIMIT = 0.6
#: Most reward the most common answer may earn on any other task.
CONSTANT_LIMIT = 0.25
#: Seeds per level on which the reference and its perturbations are verified.
LEVEL_SEEDS = 5
#: Seconds (times ``BOOTCAMP_CHECK_TIME_FACTOR``) the quality checks of one level of a task may take;
#: past it they use the seeds sampled so far (thresholds scale with the count).
QUALITY_TIME_LIMIT_S = 60.0
#: Fewer sampled seeds than this at a level say too little: its statistical checks are skipped.
MIN_SAMPLE = 20
#: Fewer seeds than this at either of two levels (a slow generator past the time limit): their mean
#: complexities say too little to compare, and are not.
MIN_COMPLEXITY_SEEDS = 20
#: Seeds the constant answer is always scored on, even past the time limit (slow verifiers, e.g. sandboxed code).
MIN_CONSTANT_SEEDS = 10

SPACE = "problem space"
CONSTANT = "constant guess"
LEVELS = "levels"
SAMPLING = "sampling"
#: The checks, in report order (``sampling``: a seed that could not be generated, solved or scored).
QUALITY_CHECKS = (SPACE, CONSTANT, LEVELS, SAMPLING)


def task_levels(task: Any, which: str = "all") -> tuple[int | None, ...]:
    """The levels to check: ``(1, ..., n)`` for a task with levels (``which="ends"``: only level 1,
    the default level and level n, a sample for quick runs), ``(None,)`` for one without."""
    n = len(getattr(task, "levels", ()) or ())
    if not n:
        return (None,)
    if which == "ends":
        default = getattr(task, "default_level", None)
        return tuple(sorted({1, n} | ({default} if isinstance(default, int) and 1 <= default <= n else set())))
    if which != "all":
        raise ValueError(f"levels to check: 'all' or 'ends', got {which!r}")
    return tuple(range(1, n + 1))


def at_level(task: Any, level: int | None) -> Any:
    """``task.at_level(level)``, or ``task`` itself for a task without levels."""
    if level is None or not hasattr(task, "at_level"):
        return task
    return task.at_level(level)


def problem_at(task: Any, seed: int, level: int | None) -> Any:
    """``task.problem(seed, level=level)`` (``task.problem(seed)`` for level None)."""
    return task.problem(seed) if level is None else task.problem(seed, level=level)


def level_name(level: int | None) -> str:
    """How a report names a level."""
    return "no levels" if level is None else f"level {level}"


def quality_enforced(task: Any, strict_quality: bool = False) -> bool:
    """Whether quality findings fail ``task``: always with ``strict_quality``, else only for a task
    that declares levels or a ``space_size`` (the rest of the library is fixed family by family)."""
    return (strict_quality or bool(getattr(task, "levels", ()) or ())
            or getattr(task, "space_size", None) is not None)


def record_quality(report: CheckReport, quality: QualityReport, enforced: bool) -> None:
    """Add the quality findings to a checker report: failures when ``enforced``, else warnings."""
    report.quality = quality
    for message in quality.messages():
        if enforced:
            report.fail(message)
        else:
            report.warnings.append(f"{message} (not enforced for this task yet)")
    report.warnings.extend(quality.notes)


def _need(share_percent: int, n: int) -> int:
    """``ceil(share * n)`` in integers (0.99 * 1000 is 990.0000000000001 in floats)."""
    return -(-n * share_percent // 100)


@dataclass
class _Sample:
    """The problems sampled at one level."""

    level: int | None
    seeds: list[int] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    answers: list[str | None] = field(default_factory=list)
    wanted: int = 0


@dataclass
class QualityReport:
    """What the quality checks found for one task.

    ``issues`` maps each check to its findings (each names its level and a seed);
    ``notes`` are remarks on the sampling itself (always warnings); ``figures``
    holds per level ``seeds``, ``distinct_identities``, ``distinct_prompts``,
    ``answers`` (distinct reference answers), ``constant_reward`` and ``complexity``
    (a mean, None when not measured), keyed by level (``"-"`` for no levels).
    """

    task_id: str
    issues: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, check: str, message: str) -> None:
        found = self.issues.setdefault(check, [])
        if len(found) < 20:
            found.append(f"{check}: {message}")

    @property
    def failed_checks(self) -> list[str]:
        return [c for c in QUALITY_CHECKS if self.issues.get(c)]

    def messages(self) -> list[str]:
        return [m for c in QUALITY_CHECKS for m in self.issues.get(c, [])]

    def to_dict(self) -> dict[str, Any]:
        return {"issues": self.issues, "notes": self.notes, "figures": self.figures,
                "seconds": round(self.seconds, 3)}


class _Caller:
    """Calls task code with a hard per-call limit; a raise or hang is a ``sampling`` finding."""

    def __init__(self, task: Any, report: QualityReport) -> None:
        from bootcamp.checker import HARD_LIMIT_FACTOR, _hard_limit, _HardTimeout, time_factor

        self.report = report
        self.limit = max(float(getattr(task, "time_budget", 2.0)), 5.0) * time_factor() * HARD_LIMIT_FACTOR
        self._guard, self._timeout = _hard_limit, _HardTimeout

    def __call__(self, what: str, fn: Callable[[], Any]) -> tuple[bool, Any]:
        try:
            with self._guard(self.limit):
                return True, fn()
        except self._timeout:
            self.report.add(SAMPLING, f"{what}: hung (aborted after {self.limit:.0f}s)")
        except Exception as exc:  # noqa: BLE001 - a finding, never the checker's crash
            self.report.add(SAMPLING, f"{what}: raised {type(exc).__name__}: {str(exc)[:160]}")
        return False, None


def _short(text: Any, n: int = 50) -> str:
    text = repr(text)
    return text if len(text) <= n else text[: n - 3] + "..."


def _seed_list(seeds: list[int], n: int = 6) -> str:
    return ", ".join(map(str, seeds[:n])) + (", ..." if len(seeds) > n else "")


def _sample(task: Any, level: int | None, seeds: int, deadline: float, call: _Caller) -> _Sample:
    sample = _Sample(level, wanted=seeds)
    where = level_name(level)
    solver = at_level(task, level)

    def generate_and_solve(seed: int) -> tuple[Any, Any]:  # one guarded call per seed: the guard costs too
        problem = problem_at(task, seed, level)
        try:
            return problem, solver.solve(problem.identity)
        except Exception as exc:  # noqa: BLE001 - reported below
            return problem, exc

    for seed in range(seeds):
        if time.monotonic() > deadline:
            break
        ok, result = call(f"seed {seed} ({where}): generate", lambda s=seed: generate_and_solve(s))
        if not ok:
            continue
        problem, answer = result
        identity = problem.identity
        ok = isinstance(answer, str) and bool(answer.strip())
        if isinstance(answer, Exception):
            call.report.add(SAMPLING, f"seed {seed} ({where}): solve raised {type(answer).__name__}: "
                                      f"{str(answer)[:160]}")
        sample.seeds.append(seed)
        sample.identities.append(identity)
        sample.keys.append(json.dumps(identity, sort_keys=True, default=repr))
        sample.prompts.append(problem.prompt)
        sample.answers.append(answer.strip() if ok else None)
    return sample


def _first_repeat(values: list[str], seeds: list[int]) -> str:
    first: dict[str, int] = {}
    for value, seed in zip(values, seeds, strict=True):
        if value in first:
            return f"seed {seed} repeats seed {first[value]}'s"
        first[value] = seed
    return "no seed repeats another's"


def _check_space(task: Any, sample: _Sample, report: QualityReport) -> None:
    n, where = len(sample.seeds), level_name(sample.level)
    space = getattr(task, "space_size", None)
    span = f"seeds 0-{sample.seeds[-1]}" if sample.seeds else "no seeds"
    if space is None:
        # At least one repeat is allowed however few the seeds: a space that passes at 1,000 seeds
        # (10 repeats allowed) repeats a problem within 50 seeds about once in 40 samples.
        need, rule = min(_need(99, n), max(n - 1, 1)), f"at least {DISTINCT_SHARE:.0%} of the seeds, one repeat allowed"
    else:
        need, rule = _need(95, min(space, n)), f"{FINITE_SHARE:.0%} of min(space_size={space}, seeds)"
    for what, plural, values in (("identity", "identities", sample.keys), ("prompt", "prompts", sample.prompts)):
        distinct = len(set(values))
        if distinct < need:
            report.add(SPACE, f"{where}: {distinct} distinct {plural} in {n} seeds ({span}), need {need} "
                              f"({rule}): {_first_repeat(values, sample.seeds)} {what}")
    if space is not None:
        seen: set[str] = set()
        for key, seed in zip(sample.keys, sample.seeds, strict=True):
            seen.add(key)
            if len(seen) > space:
                report.add(SPACE, f"{where}: seed {seed} poses distinct problem number {len(seen)}, more than "
                                  f"the declared space_size={space}")
                break


def _constant_reward(task: Any, sample: _Sample, call: _Caller, report: QualityReport,
                     deadline: float) -> float | None:
    answered = [a for a in sample.answers if a is not None]
    if not answered:
        return None
    counts = Counter(answered)
    constant, count = counts.most_common(1)[0]
    limit = TWO_VALUED_LIMIT if len(counts) == 2 else CONSTANT_LIMIT
    where = level_name(sample.level)
    response = at_level(task, sample.level).format_answer(constant)
    total, full, scored = 0.0, [], 0
    for seed, identity in zip(sample.seeds, sample.identities, strict=True):
        if scored >= MIN_CONSTANT_SEEDS and time.monotonic() > deadline:
            report.notes.append(f"quality sampling ({where}): the constant answer scored on the first {scored} "
                                f"of {len(sample.seeds)} seeds (time limit)")
            break
        scored += 1
        ok, verdict = call(f"seed {seed} ({where}): verify the constant answer",
                           lambda i=identity: task.verify(response, i))
        score = float(verdict.score) if ok else 0.0
        total += score
        if score >= 1.0:
            full.append(seed)
    reward = total / scored
    allowed = sampled_limit(limit, scored)
    if reward > allowed:
        kind = "a two-valued task" if len(counts) == 2 else f"a task with {len(counts)} distinct answers seen"
        report.add(CONSTANT, f"{where}: always answering {_short(constant)} (the reference of {count} of "
                             f"{len(sample.seeds)} seeds) earns {reward:.2f} of the reward on {scored} seeds, "
                             f"over the {limit} limit for {kind} ({allowed:.2f} on {scored} seeds); it scores 1.0 "
                             f"on seeds {_seed_list(full)}")
    return reward


def sampled_limit(limit: float, n: int) -> float:
    """The most constant-guess reward a sample of ``n`` seeds may show for a task within ``limit``.

    On ``FULL_SEEDS`` or more the limit itself. A smaller sample is noisy (a task with five equally
    likely answers shows 0.26 or more on 50 seeds three times in four): it may exceed the limit by two
    standard errors of a share at the limit, ``2 * sqrt(limit * (1 - limit) / n)`` (0.12 on 50 seeds,
    0.06 on 200), so only a task clearly over it fails there.
    """
    if n >= FULL_SEEDS:
        return limit
    return limit + 2 * math.sqrt(limit * (1 - limit) / max(n, 1))


def _check_level_answers(task: Any, sample: _Sample, level_seeds: int, call: _Caller,
                         report: QualityReport) -> None:
    """At this level: the identity carries the level, the reference scores 1.0, perturbations below."""
    level, where = sample.level, level_name(sample.level)
    solver = at_level(task, level)
    for seed, identity, answer in list(zip(sample.seeds, sample.identities, sample.answers,
                                           strict=True))[:level_seeds]:
        if identity.get("level") != level:
            report.add(LEVELS, f"seed {seed} ({where}): the identity carries level {identity.get('level')!r}, "
                               f"not {level}")
        if answer is None:
            report.add(LEVELS, f"seed {seed} ({where}): no reference answer")
            continue
        ok, verdict = call(f"seed {seed} ({where}): verify the reference",
                           lambda i=identity, a=answer: task.verify(solver.format_answer(a), i))
        if ok and not verdict.correct:
            report.add(LEVELS, f"seed {seed} ({where}): reference answer {_short(answer)} scored "
                               f"{verdict.score} ({verdict.reason})")
        ok, wrongs = call(f"seed {seed} ({where}): perturb", lambda i=identity, a=answer: solver.perturb(a, i))
        for wrong in (wrongs or [])[:8] if ok else []:
            if not isinstance(wrong, str) or wrong.strip() == answer:
                continue
            ok, score = call(f"seed {seed} ({where}): check a perturbed answer",
                             lambda i=identity, w=wrong: float(solver.check(w, i)))
            if ok and score >= 1.0:
                report.add(LEVELS, f"seed {seed} ({where}): perturbed answer {_short(wrong)} scored 1.0 "
                                   f"(reference {_short(answer)})")


def _complexity(task: Any, sample: _Sample, call: _Caller, report: QualityReport) -> list[float] | None:
    """The complexity of each sampled problem, in seed order (None when it cannot be measured)."""
    solver, where = at_level(task, sample.level), level_name(sample.level)

    def measure(identity: dict[str, Any]) -> float | NotImplementedError:
        try:
            return float(solver.complexity(identity))
        except NotImplementedError as exc:
            return exc

    values = []
    for seed, identity in zip(sample.seeds, sample.identities, strict=True):
        ok, value = call(f"seed {seed} ({where}): complexity", lambda i=identity: measure(i))
        if isinstance(value, NotImplementedError):
            report.add(LEVELS, f"seed {seed} ({where}): complexity(identity) is not implemented; a task with "
                               "levels must measure its problems")
        if not ok or isinstance(value, NotImplementedError):
            return None
        values.append(value)
    return values or None


def _check_default_level(task: Any, call: _Caller, report: QualityReport) -> None:
    levels = task_levels(task)
    default = getattr(task, "default_level", None)
    if default not in levels:
        report.add(LEVELS, f"seed 0: default_level is {default!r}, not one of levels 1-{levels[-1]}")
        return
    ok, plain = call("seed 0 (default level): generate", lambda: task.problem(0))
    ok2, leveled = call(f"seed 0 (level {default}): generate", lambda: problem_at(task, 0, default))
    if ok and ok2 and plain.model_dump() != leveled.model_dump():
        report.add(LEVELS, f"seed 0 (level {default}): problem(seed) differs from problem(seed, "
                           f"level=default_level={default})")


def check_quality(task: Any, seeds: int = QUALITY_SEEDS, level_seeds: int = LEVEL_SEEDS,
                  time_limit_s: float | None = None, level_sample: str = "all") -> QualityReport:
    """Sample ``seeds`` seeds at every level of ``task`` and run the quality checks (module doc).

    Args:
        task: a task instance.
        seeds: seeds sampled per level; thresholds scale with the number actually sampled.
        level_seeds: seeds per level whose reference and perturbations are verified (tasks with levels).
        time_limit_s: seconds the checks of one level may take (default ``QUALITY_TIME_LIMIT_S``
            times ``BOOTCAMP_CHECK_TIME_FACTOR``). Past it the level's checks use the seeds done so
            far (the constant answer is scored on at least ``MIN_CONSTANT_SEEDS``), with a note.
        level_sample: ``all`` the levels, or ``ends`` (level 1, the default and the top one: CI's
            sample; complexity must then rise across those).

    Returns:
        The findings (they never raise: a crashing task is a ``sampling`` finding) and figures.
    """
    from bootcamp.checker import time_factor

    start = time.monotonic()
    report = QualityReport(getattr(task, "task_id", type(task).__name__))
    call = _Caller(task, report)
    levels = task_levels(task, level_sample)
    limit = time_limit_s if time_limit_s is not None else QUALITY_TIME_LIMIT_S * time_factor()
    leveled = levels != (None,)
    if leveled:
        _check_default_level(task, call, report)
    means: list[tuple[int | None, list[float] | None]] = []
    for level in levels:
        deadline = time.monotonic() + limit
        sample = _sample(task, level, seeds, deadline, call)
        where, n = level_name(sample.level), len(sample.seeds)
        figures = report.figures[str(sample.level) if leveled else "-"] = {
            "seeds": n, "distinct_identities": len(set(sample.keys)), "distinct_prompts": len(set(sample.prompts)),
            "answers": len({a for a in sample.answers if a is not None}), "constant_reward": None,
            "complexity": None}
        if n < sample.wanted:
            report.notes.append(f"quality sampling ({where}): {n} of {sample.wanted} seeds sampled "
                                f"(time limit {limit:.1f}s or generation errors); thresholds scaled to {n}")
        if leveled:
            _check_level_answers(task, sample, level_seeds, call, report)
            values = _complexity(task, sample, call, report)
            figures["complexity"] = sum(values) / len(values) if values else None
            means.append((sample.level, values))
        if n < min(MIN_SAMPLE, sample.wanted) or n == 0:
            report.notes.append(f"quality checks ({where}): only {n} seeds sampled, space and constant-guess "
                                "checks skipped")
            continue
        _check_space(task, sample, report)
        figures["constant_reward"] = _constant_reward(task, sample, call, report, deadline)
    for (lo, lo_values), (hi, hi_values) in zip(means, means[1:], strict=False):
        if lo_values is None or hi_values is None:
            continue
        k = min(len(lo_values), len(hi_values))  # the same seeds at both levels
        if k < MIN_COMPLEXITY_SEEDS:
            report.notes.append(f"levels: complexity of levels {lo} and {hi} not compared (only {k} seeds sampled "
                                f"at one of them, need {MIN_COMPLEXITY_SEEDS})")
            continue
        lo_mean, hi_mean = sum(lo_values[:k]) / k, sum(hi_values[:k]) / k
        if not hi_mean > lo_mean:
            report.add(LEVELS, f"level {hi}: mean complexity {hi_mean:.4g} over seeds 0-{k - 1} does not "
                               f"rise above level {lo}'s {lo_mean:.4g} (the same seeds)")
    report.seconds = time.monotonic() - start
    return report
