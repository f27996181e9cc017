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

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        unknown = set(params) - set(self.default_params)
        if unknown:
            raise ValueError(
                f"{type(self).__name__}: unknown parameter(s) {sorted(unknown)}; "
                f"known: {sorted(self.default_params)}"
            )
        self.task_id = task_id or self.id
        self.params: dict[str, Any] = {**self.default_params, **params}

    # -- identity of the task ----------------------------------------------------------
    @property
    def domain(self) -> str:
        return self.task_id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.task_id.split("/", 1)[1]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.task_id} v{self.version}>"

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

    def problem(self, seed: int, with_answer: bool = False) -> Problem:
        """Generate the problem of one seed."""
        identity = self.generate(random.Random(f"{self.task_id}:{seed}"))
        return Problem(
            task=self.task_id,
            version=self.version,
            seed=seed,
            prompt=self.prompt(identity),
            identity=identity,
            answer=self.solve(identity) if with_answer else None,
        )

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
            if type(self).extract is Task.extract:
                found = find_answer(response)
                answer, missing_reason = found.answer, found.reason
            else:
                answer, missing_reason = self.extract(response), "no_answer"
            if answer is None:
                return Verdict.failed(missing_reason)
            raw = self.check(answer, identity)
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
        }
