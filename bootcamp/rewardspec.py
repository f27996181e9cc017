"""Reward specs: how the Mixture-of-Rewards router scores a task's answers.

A spec names its parts and how they combine. The router in ``rewards/`` reads
these; tasks only declare them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RewardPart(BaseModel):
    """One verifier: the task's own rule, a domain checker, or a reward model."""

    model_config = ConfigDict(extra="forbid")

    name: str = "rule"
    kind: Literal["rule", "checker", "model", "judge", "similarity"] = "rule"
    weight: float = Field(default=1.0, ge=0.0)
    options: dict[str, Any] = Field(default_factory=dict)


class RewardSpec(BaseModel):
    """How a task is rewarded.

    ``combine``:
      - ``single``: the only part's score.
      - ``weighted``: weighted mean of the parts.
      - ``cascade``: the first part decides when it can (any reason but
        ``no_answer``/``invalid_answer``); later parts only otherwise.
      - ``gate``: the first part is a gate (format must pass); the score is the
        rest's weighted mean when the gate passes, else 0.
    """

    model_config = ConfigDict(extra="forbid")

    parts: list[RewardPart] = Field(default_factory=lambda: [RewardPart()])
    combine: Literal["single", "weighted", "cascade", "gate"] = "single"

    @model_validator(mode="after")
    def _consistent(self) -> RewardSpec:
        if not self.parts:
            raise ValueError("parts: a reward spec needs at least one part")
        if self.combine == "single" and len(self.parts) != 1:
            raise ValueError("combine: 'single' takes exactly one part; use 'weighted', 'cascade' or 'gate'")
        if self.combine in ("cascade", "gate") and len(self.parts) < 2:
            raise ValueError(f"combine: {self.combine!r} needs at least two parts")
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
