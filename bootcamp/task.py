"""The task contract: one environment that generates, prompts, extracts, checks and solves."""

from __future__ import annotations

import json
import random
import time
from typing import Any, ClassVar

from bootcamp.extract import find_answer, wrap_answer
from bootcamp.rewardspec import RULE, RewardSpec
from bootcamp.types import Part, Problem, Verdict

#: Default cap on the response length a verifier looks at.
MAX_RESPONSE_CHARS = 1_000_000


class Task:
    """Base class of every task.

    Subclasses set ``id`` (``domain/name``), ``description`` and ``version``,
    and implement ``generate``, ``prompt``, ``check`` and ``solve``. A family
    registers one class under many ids by passing ``params``; difficulty knobs
    live in ``params`` too (``default_params`` lists them with defaults).

    ``check(answer, identity)`` is pure and never raises on model output: a bad
    answer is a score (return ``bootcamp.invalid()`` for one that does not
    parse). ``verify`` wraps extraction and checking into a :class:`Verdict`.

    Difficulty levels: ``levels`` holds one dict of parameter overrides per
    level (level 1 the easiest), ``default_level`` the level whose overrides
    equal today's parameters, and ``complexity(identity)`` the measure that
    rises from level to level. ``at_level(L)`` is the task with level L's
    parameters; ``problem(seed, level=L)`` draws a problem of level L and puts
    ``"level": L`` in its identity, which ``verify`` follows.
    """

    id: ClassVar[str] = ""
    version: ClassVar[int] = 1
    #: Bumped when the verifier's verdicts change (None: follows ``version``); part of the reward cache key.
    verifier_version: ClassVar[int | None] = None
    description: ClassVar[str] = ""
    #: Difficulty and family parameters with their defaults.
    default_params: ClassVar[dict[str, Any]] = {}
    #: Seconds one ``check`` may take on any input (the conformance checker enforces it).
    time_budget: ClassVar[float] = 2.0
    #: How the MoR router rewards this task.
    reward: ClassVar[RewardSpec] = RULE
    #: Warm sandbox kinds the verifier runs in ("code", "rg"); the reward service starts them ahead.
    sandbox_kinds: ClassVar[tuple[str, ...]] = ()
    #: One dict of parameter overrides per difficulty level, easiest first (levels are 1..len(levels)).
    levels: ClassVar[tuple[dict[str, Any], ...]] = ()
    #: The level that reproduces the task's parameters as registered (None for a task without levels).
    default_level: ClassVar[int | None] = None
    #: The number of distinct problems, for a task whose problem space is finite by nature (else None).
    space_size: ClassVar[int | None] = None
    #: A single-turn task that needs software a scientist would use (e.g. RDKit descriptors), not reasoning.
    tool_task: ClassVar[bool] = False

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        unknown = set(params) - set(self.default_params)
        if unknown:
            raise ValueError(
                f"{type(self).__name__}: unknown parameter(s) {sorted(unknown)}; "
                f"known: {sorted(self.default_params)}"
            )
        self.task_id = task_id or self.id
        self.params: dict[str, Any] = {**self.default_params, **params}
        # the level these params are at, and the task at the default level (``at_level`` builds others)
        self._level: int | None = self.default_level if self.levels else None
        self._base: Task = self
        self._at_levels: dict[int, Task] = {}

    # -- identity of the task ----------------------------------------------------------
    @property
    def domain(self) -> str:
        return self.task_id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.task_id.split("/", 1)[1]

    def __repr__(self) -> str:
        level = f" L{self._own_level()}" if self.levels else ""
        return f"<{type(self).__name__} {self.task_id} v{self.version}{level}>"

    # -- difficulty levels ---------------------------------------------------------------
    @property
    def n_levels(self) -> int:
        """How many levels the task has (1 for a task without levels)."""
        return len(self.levels) or 1

    def at_level(self, level: int | None) -> Task:
        """This task with level ``level``'s parameters (cached); ``None`` and ``default_level`` give ``self``.

        A task without levels has the one level 1, which is itself.

        Raises:
            ValueError: ``level`` is not an integer in ``1..n_levels`` (the message names the range).
        """
        if level is None:
            return self
        base = self.__dict__.get("_base", self)
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= self.n_levels:
            if not self.levels:
                raise ValueError(f"{self.task_id}: has no difficulty levels (valid: 1, the task as it is), "
                                 f"got level {level!r}")
            raise ValueError(f"{self.task_id}: level must be an integer in 1..{len(self.levels)}, got {level!r}")
        if not self.levels or level == self.default_level:
            return base
        cache = base.__dict__.setdefault("_at_levels", {})
        task = cache.get(level)
        if task is None:
            task = type(base)(base.task_id, **{**base.params, **self.levels[level - 1]})
            if "description" in base.__dict__:  # the registry's description of a class without one
                task.description = base.description  # type: ignore[misc]
            task._level, task._base = level, base
            task = cache.setdefault(level, task)
        return task

    def _own_level(self) -> int | None:
        """The level this instance's parameters are at (None for a task without levels)."""
        return self.__dict__.get("_level", self.default_level) if self.levels else None

    def complexity(self, identity: dict[str, Any]) -> float:
        """The family's complexity measure of one problem (solution steps, digits, cells, atoms...).

        Its mean over seeds rises strictly from level to level; a task with levels must define it.
        """
        raise NotImplementedError(f"{self.task_id}: {type(self).__name__} defines no complexity measure")

    # -- the contract ------------------------------------------------------------------
    def generate(self, rng: random.Random) -> dict[str, Any]:
        """A JSON-able identity, deterministic in ``rng``'s seed."""
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        """The question the policy sees; it states the answer format."""
        raise NotImplementedError

    def extract(self, response: str) -> str | None:
        """The final answer of a response, or None."""
        return find_answer(response).answer

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        """Score an extracted answer in [0, 1]; never raises on model output."""
        raise NotImplementedError

    def solve(self, identity: dict[str, Any]) -> str:
        """A reference answer that ``check`` scores 1.0."""
        raise NotImplementedError

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        """Answers near the reference that must score below 1.0 (wrong number, element, sign...).

        The conformance checker uses these to show the verifier is not trivially
        permissive. The default changes a purely numeric answer; tasks with other
        answer kinds override it.
        """
        from bootcamp.perturb import perturb_numeric

        return perturb_numeric(answer)

    # -- helpers built on the contract ---------------------------------------------------
    def format_answer(self, answer: str) -> str:
        """A response that carries ``answer`` in the format the prompt asks for."""
        return wrap_answer(answer)

    def problem(self, seed: int, with_answer: bool = False, level: int | None = None) -> Problem:
        """Generate the problem of one seed, at ``level`` (None: this task's own level, the default one).

        The default level draws from the seed exactly as a task without levels does, so
        its problems do not change when a family gains levels; other levels draw from
        their own streams. A task with levels records the level in the identity.
        """
        task = self.at_level(level)
        level = task._own_level()
        stream = f"{self.task_id}:{seed}" if level == self.default_level else f"{self.task_id}:L{level}:{seed}"
        identity = task.generate(random.Random(stream))
        if level is not None:
            identity = {**identity, "level": level}
        return Problem(
            task=self.task_id,
            version=self.version,
            seed=seed,
            prompt=task.prompt(identity),
            identity=identity,
            answer=task.solve(identity) if with_answer else None,
            level=level,
        )

    def for_identity(self, identity: dict[str, Any]) -> Task:
        """The task at the level ``identity`` names (``self`` for a task without levels).

        Raises:
            ValueError: the identity names a level the task does not have.
        """
        if not self.levels or not isinstance(identity, dict):
            return self
        return self.at_level(identity.get("level"))

    @staticmethod
    def refuse(response: object) -> Verdict | None:
        """The verdict for a response no verifier should read (not a string, or too long), else None."""
        if not isinstance(response, str):
            return Verdict.failed("no_answer", "response is not a string")
        if len(response) > MAX_RESPONSE_CHARS:
            return Verdict.failed("too_long", f"response over {MAX_RESPONSE_CHARS} characters")
        return None

    def verify(self, response: str, identity: dict[str, Any]) -> Verdict:
        """Score a whole response. Never raises: failures are verdicts with a reason."""
        refused = self.refuse(response)
        if refused is not None:
            return refused
        start = time.perf_counter()
        try:
            task = self.for_identity(identity)  # a level's parameters (tolerances, sizes) apply
            if type(task).extract is Task.extract:
                found = find_answer(response)
                answer, missing_reason = found.answer, found.reason
            else:
                answer, missing_reason = task.extract(response), "no_answer"
            if answer is None:
                return Verdict.failed(missing_reason)
            raw = task.check(answer, identity)
        except Exception as exc:  # noqa: BLE001 - a crashing verifier costs one verdict
            return Verdict.failed("verifier_error", f"{type(exc).__name__}: {exc}"[:500])
        return self.to_verdict(raw, answer, (time.perf_counter() - start) * 1000)

    @staticmethod
    def to_verdict(raw: float, answer: str | None, latency_ms: float = 0.0) -> Verdict:
        """Turn what ``check`` returned into a :class:`Verdict`."""
        score = float(raw)
        if score != score:  # NaN
            return Verdict.failed("verifier_error", "check returned NaN", answer)
        score = min(1.0, max(0.0, score))
        correct = score >= 1.0 - 1e-9
        reason = getattr(raw, "reason", None) or ("ok" if correct else "wrong")
        if correct:
            reason = "ok"
        part = Part(name="rule", kind="rule", score=score, reason=reason, latency_ms=latency_ms)
        return Verdict(
            score=score,
            correct=correct,
            reason=reason,
            answer=answer,
            detail=getattr(raw, "detail", None),
            parts=[part],
            decided_by="rule",
        )

    def info(self) -> dict[str, Any]:
        """A JSON summary for catalogues and the CLI."""
        return {
            "id": self.task_id,
            "domain": self.domain,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "params": json.loads(json.dumps(self.params, default=str)),
            "reward": self.reward.describe(),
            "levels": len(self.levels),
            "default_level": self.default_level,
            "tool_task": self.tool_task,
            "space_size": self.space_size,
        }
