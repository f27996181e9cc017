"""The ``checker`` kind: a rule backed by a domain library (RDKit, pymatgen, sympy).

It runs the same task verifier as ``rule`` and shares its call: an item whose
spec lists both runs its verifier once.
"""

from __future__ import annotations

from rewards.kinds.base import register_kind
from rewards.kinds.rule import RuleKind


@register_kind("checker")
class CheckerKind(RuleKind):
    """The task's verifier, like :class:`rewards.kinds.rule.RuleKind`."""
