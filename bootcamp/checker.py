"""The conformance checker: does a task keep the contract?

Modelled on Gymnasium's ``check_env``. For each task it checks deterministic
generation, JSON round-trips, a non-empty prompt, that the reference answer
scores 1.0 on many seeds, that wrong, perturbed and hostile answers score
below 1.0 without raising, that every check stays inside the task's time
budget, that ``prompt(identity)`` depends on the identity alone, and that a
fresh process with another ``PYTHONHASHSEED`` generates the same problems
(:mod:`bootcamp.checker_process`, levels included). The quality checks
(:mod:`bootcamp.checker_quality`: problem space, constant guess, real levels)
sample many more seeds; their findings fail a task that declares levels or a
``space_size`` (or any task with ``strict_quality``) and are warnings otherwise.

Hostile answers and responses run in one forked child process per task
(:mod:`bootcamp.checker_hostile`: a new session, its working directory and
``TMPDIR`` an empty watched folder), with a deadline: a verifier that hangs
past it, dies, leaves files in the watched folder or leaves processes behind in
the child's session fails the check.
"""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bootcamp.checker_hostile import hostile_in_child
from bootcamp.checker_process import (
    Spec,
    check_cross_process,
    first_difference,
    fresh_timeout,
    generate_levels,
    instance_spec,
    record_fresh,
    registry_spec,
    shared_worker,
)
from bootcamp.checker_quality import (
    QUALITY_SEEDS,
    QualityReport,
    check_quality,
    quality_enforced,
    record_quality,
)
from bootcamp.registry import REGISTRY, Registry
from bootcamp.task import Task
from bootcamp.types import Problem

__all__ = ["CROSS_ACCEPT_LIMIT", "HARD_LIMIT_FACTOR", "CheckReport", "check_cross_process", "check_task", "time_factor"]

#: Share of differing cross-seed reference answers allowed to score 1.0 (collisions
#: of equivalent answers, e.g. numbers inside one tolerance).
CROSS_ACCEPT_LIMIT = 0.2
#: A call that runs this many times over its budget is aborted (main thread only).
HARD_LIMIT_FACTOR = 5.0


def time_factor() -> float:
    """Scale for every time budget: ``BOOTCAMP_CHECK_TIME_FACTOR`` (default 1) for slow shared machines."""
    try:
        return max(0.1, float(os.environ.get("BOOTCAMP_CHECK_TIME_FACTOR", "1")))
    except ValueError:
        return 1.0


@dataclass
class CheckReport:
    """What the checker found for one task."""

    task_id: str
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    checks: int = 0
    slowest_check_s: float = 0.0
    #: What the quality checks found (None when they did not run).
    quality: QualityReport | None = None

    @property
    def passed(self) -> bool:
        return not self.failures

    def fail(self, message: str) -> None:
        if len(self.failures) < 50:
            self.failures.append(message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task_id,
            "passed": self.passed,
            "failures": self.failures,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 4),
            "checks": self.checks,
            "slowest_check_s": round(self.slowest_check_s, 4),
            "quality": self.quality.to_dict() if self.quality is not None else None,
        }


def _warm_up(task: Task, limit: float) -> None:
    """One untimed round, so lazy imports and caches do not count against the first timed call."""
    try:
        with _hard_limit(limit):
            problem = task.problem(0)
            task.check(task.solve(problem.identity), problem.identity)
            task.check("warm-up", problem.identity)
    except (Exception, _HardTimeout):  # noqa: BLE001 - the timed rounds report failures
        pass


class _HardTimeout(Exception):
    pass


@contextmanager
def _hard_limit(seconds: float) -> Iterator[None]:
    """Abort a hung call on the main thread (a safety net for the checker only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise _HardTimeout()

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _short(text: str, n: int = 60) -> str:
    text = repr(text)
    return text if len(text) <= n else text[: n - 3] + "..."


class _Run:
    def __init__(self, task: Task, report: CheckReport) -> None:
        self.task = task
        self.report = report
        self.budget = task.time_budget * time_factor()

    def timed(self, what: str, fn: Callable[[], Any], budget: float | None = None) -> tuple[bool, Any]:
        budget = budget or self.budget
        start = time.perf_counter()
        try:
            with _hard_limit(budget * HARD_LIMIT_FACTOR):
                value = fn()
        except _HardTimeout:
            self.report.fail(f"{what}: hung (aborted after {budget * HARD_LIMIT_FACTOR:.1f}s)")
            return False, None
        except Exception as exc:  # noqa: BLE001 - reported as a failure
            self.report.fail(f"{what}: raised {type(exc).__name__}: {str(exc)[:200]}")
            return False, None
        elapsed = time.perf_counter() - start
        self.report.checks += 1
        self.report.slowest_check_s = max(self.report.slowest_check_s, elapsed)
        if elapsed > budget:
            self.report.fail(f"{what}: took {elapsed:.2f}s, over the {budget:.2f}s budget")
        return True, value

    def score(self, what: str, answer: str, identity: dict[str, Any]) -> float | None:
        ok, value = self.timed(what, lambda: self.task.check(answer, identity))
        if not ok:
            return None
        try:
            value = float(value)
        except (TypeError, ValueError):
            self.report.fail(f"{what}: check returned {value!r}, not a number")
            return None
        if not 0.0 <= value <= 1.0:
            self.report.fail(f"{what}: check returned {value}, outside [0, 1]")
        return value


def check_task(
    task: str | Task,
    seeds: int = 20,
    hostile: bool = True,
    registry: Registry | None = None,
    cross_process: bool = True,
    *,
    quality_seeds: int = QUALITY_SEEDS,
    strict_quality: bool = False,
    quality_time_limit_s: float | None = None,
    quality_levels: str = "all",
    quality_level_seeds: int | None = None,
    fresh_spec: Spec | None = None,
) -> CheckReport:
    """Run the conformance checks on one task (an id or an instance).

    With ``cross_process`` the seeds (at every level) are generated again in a fresh
    process with another ``PYTHONHASHSEED`` and must give the same identities and
    prompts. The fresh process rebuilds the task from ``fresh_spec`` when given (e.g.
    ``{"factory": "module:function", "kwargs": {...}}`` for a class generated at run
    time; see :mod:`bootcamp.checker_process`), else from its registry id or class
    reference; an instance whose class cannot be imported by reference is skipped, with
    a warning. :func:`check_cross_process` does this for many tasks in one process.

    Args:
        quality_seeds: seeds per level the quality checks sample (0 skips them).
        strict_quality: fail the task on any quality finding; when False, findings fail
            only a task that declares levels or a ``space_size`` and are warnings otherwise.
        quality_time_limit_s: seconds the quality checks of one level may take (default
            ``checker_quality.QUALITY_TIME_LIMIT_S`` times ``BOOTCAMP_CHECK_TIME_FACTOR``); past
            it they judge the seeds done so far, with a warning.
        quality_levels: ``all`` levels, or ``ends`` (level 1, the default and the top level; CI's
            sample of a task's levels).
        quality_level_seeds: seeds per level whose reference and perturbations the quality checks
            verify (default ``seeds``; fewer keeps sandboxed tasks quick in CI).
    """
    by_id = isinstance(task, str) and (registry is None or registry is REGISTRY)
    if isinstance(task, str):
        task = (registry if registry is not None else REGISTRY).get(task)
    report = CheckReport(task.task_id)
    start = time.perf_counter()
    fresh = None
    if cross_process:
        if fresh_spec is not None:
            spec, why = fresh_spec, ""
        else:
            spec, why = (registry_spec(task), "") if by_id else instance_spec(task)
        if spec is None:
            report.warnings.append(f"cross-process check skipped: {why}")
        else:  # one fresh process serves every check_task call; it works while this one checks
            fresh = shared_worker()
            fresh.submit([("task", spec)], range(seeds), levels=True)
    try:
        mine = _check_in_process(task, report, seeds, hostile)
        if fresh is not None:
            limit = max(task.time_budget, 5.0) * time_factor() * HARD_LIMIT_FACTOR
            mine += generate_levels(task, range(seeds), lambda: _hard_limit(limit))
        if quality_seeds > 0:
            level_seeds = seeds if quality_level_seeds is None else quality_level_seeds
            quality = check_quality(task, quality_seeds, level_seeds=level_seeds, time_limit_s=quality_time_limit_s,
                                    level_sample=quality_levels)
            record_quality(report, quality, quality_enforced(task, strict_quality))
    except BaseException:
        if fresh is not None:
            fresh.close()  # it may still be answering: a later call starts another
        raise
    if fresh is not None:
        results, problem = fresh.collect(fresh_timeout(1, seeds))
        if not fresh.shared:
            fresh.close()
        record_fresh(report, mine, results.get("task"), problem)
    report.seconds = time.perf_counter() - start
    return report


def _prompt_checks(run: _Run, generated: list[dict[str, Any]], budget: float) -> None:
    """``prompt(identity)`` must depend on the identity alone: call it again, in another order."""
    order = list(generated)
    random.Random(len(order)).shuffle(order)
    if len(order) > 1 and order == generated:
        order.reverse()
    for p in order:
        ok, again = run.timed(f"seed {p['seed']}: prompt", lambda i=p["identity"]: run.task.prompt(i), budget)
        if ok and again != p["prompt"]:
            run.report.fail(
                f"seed {p['seed']}: prompt(identity) called after generating other problems differs from the "
                f"prompt generated with the problem ({first_difference(p['prompt'], again, 'prompt')}): "
                "the prompt must be built from the identity alone"
            )


def _check_in_process(task: Task, report: CheckReport, seeds: int, hostile: bool) -> list[dict[str, Any]]:
    """The checks in this process; returns the generated problems (seed, identity, prompt) for comparison."""
    run = _Run(task, report)
    gen_budget = max(task.time_budget, 5.0) * time_factor()
    _warm_up(task, gen_budget * HARD_LIMIT_FACTOR)

    generated: list[dict[str, Any]] = []
    cases: list[tuple[int, dict[str, Any], str]] = []
    for seed in range(seeds):
        ok, first = run.timed(f"seed {seed}: generate", lambda s=seed: task.problem(s), gen_budget)
        if not ok:
            continue
        ok, again = run.timed(f"seed {seed}: generate again", lambda s=seed: task.problem(s), gen_budget)
        if ok and again.model_dump() != first.model_dump():
            report.fail(f"seed {seed}: generation is not deterministic")
        identity = first.identity
        try:
            if json.loads(json.dumps(identity)) != identity:
                report.fail(f"seed {seed}: identity changes in a JSON round-trip")
            if Problem.model_validate_json(first.model_dump_json()) != first:
                report.fail(f"seed {seed}: problem changes in a JSON round-trip")
            generated.append({"seed": seed, "identity": json.loads(json.dumps(identity)), "prompt": first.prompt})
        except (TypeError, ValueError) as exc:
            report.fail(f"seed {seed}: identity is not plain JSON ({exc})")
            continue
        if not isinstance(first.prompt, str) or not first.prompt.strip():
            report.fail(f"seed {seed}: empty prompt")
        ok, answer = run.timed(f"seed {seed}: solve", lambda i=identity: task.solve(i), gen_budget)
        if not ok:
            continue
        if not isinstance(answer, str) or not answer.strip():
            report.fail(f"seed {seed}: solve returned {answer!r}, not a non-empty string")
            continue
        verdict = task.verify(task.format_answer(answer), identity)
        if not verdict.correct:
            report.fail(
                f"seed {seed}: reference answer {_short(answer)} scored {verdict.score} "
                f"({verdict.reason}{': ' + verdict.detail if verdict.detail else ''})"
            )
        cases.append((seed, identity, answer))
        ok, wrongs = run.timed(f"seed {seed}: perturb", lambda a=answer, i=identity: task.perturb(a, i))
        for wrong in (wrongs or [])[:8]:
            if wrong.strip() == answer.strip():
                continue
            s = run.score(f"seed {seed}: perturbed answer {_short(wrong)}", wrong, identity)
            if s is not None and s >= 1.0:
                report.fail(f"seed {seed}: perturbed answer {_short(wrong)} scored 1.0 (reference {_short(answer)})")

    _prompt_checks(run, generated, gen_budget)
    if not cases:
        report.fail("no seed produced a checkable problem")
        return generated

    # Another seed's answer is wrong for this seed (when the two differ).
    differing = accepted = 0
    for (seed, identity, answer), (_, _, other) in zip(cases, cases[1:] + cases[:1], strict=True):
        if other.strip() == answer.strip():
            continue
        differing += 1
        s = run.score(f"seed {seed}: another seed's answer", other, identity)
        accepted += s is not None and s >= 1.0
    if differing and accepted / differing > CROSS_ACCEPT_LIMIT:
        report.fail(f"{accepted}/{differing} answers of other seeds scored 1.0: the verifier is too permissive")
    if len(cases) > 2 and differing == 0:
        report.warnings.append("every seed has the same reference answer")

    seed, identity, answer = cases[0]
    for wrong in ("", "I don't know", "garbage"):
        v = task.verify(task.format_answer(wrong) if wrong else wrong, identity)
        if v.score >= 1.0:
            report.fail(f"wrong answer {wrong!r} scored 1.0")
        if v.reason == "verifier_error":
            report.fail(f"wrong answer {wrong!r} crashed the verifier: {v.detail}")
    if hostile:
        hostile_in_child(run, identity, answer)
    return generated
