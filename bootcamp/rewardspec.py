"""Reward specs: how the Mixture-of-Rewards router scores a task's answers.

A spec names its parts and how they combine. The router in ``rewards/`` reads
these; tasks only declare them.

Each part has a *kind*. The SDK keeps the registry of kind names (what a spec
may say); ``rewards/kinds/`` keeps their implementations (how the router
scores them). A plugin adds a kind with :func:`register_reward_kind` here and
an implementation registered with ``rewards.kinds.register_kind``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bootcamp.extension import NameTable

#: kind name -> one-line description; the built-in kinds first.
_BUILTIN_KINDS: dict[str, str] = {
    "rule": "the task's own verifier (Task.verify), run in the sandbox pool",
    "checker": "a rule backed by a domain library (RDKit, pymatgen, sympy): the task's verifier too",
    "model": "a reward model scoring (prompt, response), e.g. a sequence classifier",
    "judge": "an LLM judge comparing the response with the reference over an OpenAI-compatible API",
    "similarity": "embedding similarity of the answer to the reference",
    "verifier": ("a generative verifier model (CompassVerifier-style) replying A correct / B incorrect / "
                 "C invalid for (question, reference, response), over an OpenAI-compatible API"),
    "reference_model": ("a reference-based reward model (POLAR-style) scoring a response against a "
                        "reference response, normalised for RL"),
}

REWARD_KINDS = NameTable("reward kind", "kinds", r"[a-z][a-z0-9_]*",
                         "lowercase letters, digits and '_', starting with a letter", _BUILTIN_KINDS,
                         hint=" (a plugin declares one with bootcamp.register_reward_kind)")


def register_reward_kind(name: str, description: str) -> str:
    """Declare a reward kind that reward specs may name (idempotent for the same description).

    The rewards side must also register an implementation of the kind
    (``rewards.kinds.register_kind``); until it does, a part of this kind
    scores as a failed part with reason ``verifier_error``.

    Args:
        name: lowercase letters, digits and ``_``, starting with a letter, e.g. ``"regex"``.
        description: one line saying what the kind scores with.

    Returns:
        ``name``.

    Raises:
        ValueError: a bad name, an empty or multi-line description, or the kind already
            declared with another description.
    """
    return REWARD_KINDS.declare(name, description)


def reward_kinds() -> dict[str, str]:
    """Every declared reward kind with its description, built-ins first."""
    return REWARD_KINDS.items()


def check_reward_kind(name: str) -> str:
    """Return ``name`` if it is a declared reward kind.

    Raises:
        ValueError: the kind is not declared; the message lists the valid kinds, sorted.
    """
    return REWARD_KINDS.check(name)


class RewardPart(BaseModel):
    """One verifier: the task's own rule, a domain checker, or a reward model."""

    model_config = ConfigDict(extra="forbid")

    name: str = "rule"
    kind: str = Field(default="rule", description="A declared reward kind (see bootcamp.reward_kinds()).")
    weight: float = Field(default=1.0, ge=0.0)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return check_reward_kind(value)


class RewardSpec(BaseModel):
    """How a task is rewarded.

    ``combine``:
      - ``single``: the only part's score.
      - ``weighted``: weighted mean of the parts.
      - ``cascade``: the first part decides when it can (any reason but
        ``no_answer``/``invalid_answer``); later parts only otherwise.
      - ``gate``: the first part is a gate (format must pass); the score is the
        rest's weighted mean when the gate passes, else 0.
      - ``second_opinion``: exactly two parts, both run (rules first, then a model). When
        the first cannot decide (``no_answer``/``invalid_answer``) or fails, the second
        decides; when both decide and disagree on correctness, ``prefer`` says which wins
        (``first``, ``second``, or ``lower``: the lower score) and the verdict is marked
        ``disagreement=True``.
    """

    model_config = ConfigDict(extra="forbid")

    parts: list[RewardPart] = Field(default_factory=lambda: [RewardPart()])
    combine: Literal["single", "weighted", "cascade", "gate", "second_opinion"] = "single"
    prefer: Literal["first", "second", "lower"] = Field(
        default="first", description="second_opinion: which part wins when both decide and disagree.")

    @model_validator(mode="after")
    def _consistent(self) -> RewardSpec:
        if not self.parts:
            raise ValueError("parts: a reward spec needs at least one part")
        if self.combine == "single" and len(self.parts) != 1:
            raise ValueError("combine: 'single' takes exactly one part; use 'weighted', 'cascade' or 'gate'")
        if self.combine in ("cascade", "gate") and len(self.parts) < 2:
            raise ValueError(f"combine: {self.combine!r} needs at least two parts")
        if self.combine == "second_opinion" and len(self.parts) != 2:
            raise ValueError("combine: 'second_opinion' takes exactly two parts (the rule, then the model)")
        names = [p.name for p in self.parts]
        if len(set(names)) != len(names):
            raise ValueError(f"parts: names must be unique, got {names}")
        return self

    def describe(self) -> str:
        """A short one-line description, e.g. ``rule`` or ``cascade(rule, judge)``."""
        if self.combine == "single":
            return self.parts[0].name
        return f"{self.combine}({', '.join(p.name for p in self.parts)})"


RULE = RewardSpec()
