"""Reaction conditions and reaction types, as multiple choice over the named-reaction table."""

from __future__ import annotations

import random
import re
from typing import Any

from bootcamp import Score, Task, invalid
from tasks.chem._reactions import REACTIONS, draw_reactants

LETTERS = "ABCD"
_LETTER = re.compile(r"^\(?\s*([A-Da-d])\s*[\)\.:]?$")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def parse_choice(answer: str, options: list[str]) -> int | None:
    """Index of the chosen option: a letter (``B``, ``(b)``, ``Option B``) or the option's own text."""
    if not isinstance(answer, str) or len(answer) > 500:
        return None
    text = answer.strip().replace("\\text{", "").replace("}", "").replace("\\textbf{", "").strip()
    for prefix in ("option", "answer:", "answer"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):].strip()
    m = _LETTER.match(text)
    if m:
        return LETTERS.index(m.group(1).upper())
    normal = _norm(text)
    for i, option in enumerate(options):
        if normal and normal == _norm(option):
            return i
    m = re.match(r"^\(?([A-Da-d])[\)\.:]\s*(.+)$", text)  # "B) palladium ..." must name the right text too
    if m and _norm(m.group(2)) == _norm(options[LETTERS.index(m.group(1).upper())]):
        return LETTERS.index(m.group(1).upper())
    return None


class MultipleChoice(Task):
    """Shared answer handling: four options, one correct."""

    default_params: dict[str, Any] = {}

    def _options(self, rng: random.Random, correct: str, pool: list[str]) -> tuple[list[str], int]:
        others = sorted({p for p in pool if p != correct})
        options = rng.sample(others, 3) + [correct]
        rng.shuffle(options)
        return options, options.index(correct)

    @staticmethod
    def _menu(options: list[str]) -> str:
        return " ".join(f"({LETTERS[i]}) {o}" for i, o in enumerate(options))

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        choice = parse_choice(answer, identity["options"])
        if choice is None:
            return invalid("answer with one letter A-D")
        return 1.0 if choice == identity["answer"] else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return LETTERS[identity["answer"]]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [c for c in LETTERS if c != answer] + [identity["options"][(identity["answer"] + 1) % 4]]


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
