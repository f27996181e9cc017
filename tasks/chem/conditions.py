"""Reaction conditions and reaction types, as multiple choice over the named-reaction table.

Levels set how many options a question offers (6 to 16 of the table's entries), so a constant
letter earns at most about one in six, and harder levels hide the answer among more distractors.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import ChoiceTask
from tasks.chem._reactions import REACTIONS, draw_reactants

LETTERS = "ABCDEFGHIJKLMNOP"


class MultipleChoice(ChoiceTask):
    """``options`` options, one correct (``identity["answer"]`` is its index)."""

    version = 3

    default_params: dict[str, Any] = {"options": 8}
    levels = ({"options": 6}, {"options": 8}, {"options": 10}, {"options": 12}, {"options": 16})
    default_level = 2

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        n = self.params["options"]
        if not isinstance(n, int) or not 2 <= n <= len(LETTERS):
            raise ValueError(f"{self.task_id}: options must be an integer in 2..{len(LETTERS)}, got {n!r}")

    def complexity(self, identity: dict[str, Any]) -> float:
        """How many options the answer hides among."""
        return float(len(identity["options"]))

    def _options(self, rng: random.Random, correct: str, pool: list[str]) -> tuple[list[str], int]:
        others = sorted({p for p in pool if p != correct})
        options = rng.sample(others, min(len(others), self.params["options"] - 1)) + [correct]
        rng.shuffle(options)
        return options, options.index(correct)

    @staticmethod
    def _menu(options: list[str]) -> str:
        return " ".join(f"({LETTERS[i]}) {o}" for i, o in enumerate(options))

    def options(self, identity: dict[str, Any]) -> list[str]:
        return identity["options"]

    def value(self, identity: dict[str, Any]) -> int:
        return identity["answer"]


class ReactionConditionClass(MultipleChoice):
    id = "chem/reaction_conditions"
    description = "The reagent or catalyst class a named reaction needs (multiple choice)."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        reaction = REACTIONS[rng.choice(sorted(REACTIONS))]
        options, answer = self._options(rng, reaction.conditions, [r.conditions for r in REACTIONS.values()])
        return {"reaction": reaction.title, "options": options, "answer": answer}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Which reagent or catalyst class is typically used for a {identity['reaction']}? "
                f"{self._menu(identity['options'])}. Answer with the one letter of the right option in \\boxed{{}}.")


class ReactionType(MultipleChoice):
    id = "chem/reaction_type"
    description = "Name the reaction type of a reaction SMILES (multiple choice)."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        name = rng.choice(sorted(REACTIONS))
        reactants, product = draw_reactants(name, rng)
        titles = [r.title for r in REACTIONS.values()]
        options, answer = self._options(rng, REACTIONS[name].title, titles)
        return {"reaction_smiles": ".".join(reactants) + ">>" + product, "options": options, "answer": answer}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Which named reaction is this (reagents omitted)? {identity['reaction_smiles']} "
                f"{self._menu(identity['options'])}. Answer with the one letter of the right option in \\boxed{{}}.")


class ReactionReagents(MultipleChoice):
    id = "chem/reaction_reagents"
    description = "Choose the reagents that accomplish a given transformation (multiple choice)."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        name = rng.choice(sorted(REACTIONS))
        reactants, product = draw_reactants(name, rng)
        options, answer = self._options(rng, REACTIONS[name].reagents, [r.reagents for r in REACTIONS.values()])
        return {"reaction_smiles": ".".join(reactants) + ">>" + product, "options": options, "answer": answer}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Which conditions carry out the transformation {identity['reaction_smiles']} in one step? "
                f"{self._menu(identity['options'])}. Answer with the one letter of the right option in \\boxed{{}}.")


def register(registry: Any) -> None:
    for cls in (ReactionConditionClass, ReactionType, ReactionReagents):
        registry.register(cls)
