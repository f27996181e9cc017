"""Reaction conditions and reaction types, as multiple choice over the named-reaction table."""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import ChoiceTask
from tasks.chem._reactions import REACTIONS, draw_reactants

LETTERS = "ABCD"


class MultipleChoice(ChoiceTask):
    """Four options, one correct (``identity["answer"]`` is its index)."""

    version = 2

    default_params: dict[str, Any] = {}

    def _options(self, rng: random.Random, correct: str, pool: list[str]) -> tuple[list[str], int]:
        others = sorted({p for p in pool if p != correct})
        options = rng.sample(others, 3) + [correct]
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
                f"{self._menu(identity['options'])}. Answer with the letter in \\boxed{{}}.")


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
                f"{self._menu(identity['options'])}. Answer with the letter in \\boxed{{}}.")


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
                f"{self._menu(identity['options'])}. Answer with the letter in \\boxed{{}}.")


def register(registry: Any) -> None:
    for cls in (ReactionConditionClass, ReactionType, ReactionReagents):
        registry.register(cls)
