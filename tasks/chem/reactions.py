"""Forward reaction prediction and one-step retrosynthesis over named reaction templates.

Substrates are generated (``_substrates``): scaffolds of a drawn size carrying the
reacting group, spectator groups the reagents leave alone, and stereocentres with
drawn configurations. The product comes from running the named RDKit reaction
template, and a draw is kept only when the template matches each substrate once and
gives one sanitised product. Levels grow the substrates, their spectator groups and
their stereocentres. Forward answers are checked by canonical SMILES (stereo-aware
where the template keeps stereo); retrosynthesis answers by running the same template
forward on the proposed reactants, so every valid route scores 1.0.
"""

from __future__ import annotations

import random
from typing import Any

from rdkit import Chem

from bootcamp import Score, Task, invalid
from bootcamp.answers import Answer, Smiles, SmilesTask
from bootcamp.verifiers.smiles import molecule_set
from tasks.chem._common import BOX, mol_of, variants
from tasks.chem._reactions import REACTIONS, SubstrateSpec, draw_generated, products_any_order
from tasks.chem._substrates import stereo_elements

#: Most molecules a retrosynthesis answer may list.
MAX_ANSWER_MOLECULES = 4
#: Most heavy atoms the reactants of an answer may have beyond the product's.
MAX_EXTRA_ATOMS = 40


def _stereo_note(stereo: bool) -> str:
    if stereo:
        return "Keep the stereochemistry of the starting materials."
    return "Stereochemistry is not graded (new stereocentres or double-bond geometry may be left unspecified)."


#: Level parameters: heavy atoms each substrate's scaffold adds (range), spectator groups, stereo elements.
_LEVELS: tuple[dict[str, Any], ...] = (
    {"min_atoms": 8, "max_atoms": 14, "groups": 0, "stereo": 0},
    {"min_atoms": 9, "max_atoms": 16, "groups": 1, "stereo": 0},
    {"min_atoms": 10, "max_atoms": 18, "groups": 1, "stereo": 1},
    {"min_atoms": 11, "max_atoms": 20, "groups": 2, "stereo": 1},
    {"min_atoms": 12, "max_atoms": 22, "groups": 3, "stereo": 2},
)


class _NamedReactionTask(Task):
    """A task about one named reaction (the ``reaction`` param) on generated substrates."""

    version = 2
    default_params = {"reaction": "amide_coupling", **_LEVELS[2]}
    levels = _LEVELS
    default_level = 3

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        self.reaction = REACTIONS[self.params["reaction"]]
        p = self.params
        self.spec = SubstrateSpec(p["min_atoms"], p["max_atoms"], p["groups"], p["stereo"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        reactants, product, groups = draw_generated(self.reaction.name, rng, self.spec)
        return {"reactants": reactants, "product": product, "spectators": groups}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms of the substrates, plus two per spectator group the reaction must leave alone and two
        per stereo element whose configuration must be carried through."""
        mols = [Chem.MolFromSmiles(s) for s in identity["reactants"]]
        atoms = sum(m.GetNumAtoms() for m in mols)
        stereo = sum(len(stereo_elements(m)) for m in mols)
        return float(atoms + 2 * len(identity.get("spectators", ())) + 2 * stereo)


class ForwardReaction(SmilesTask, _NamedReactionTask):
    """Predict the product of a named reaction on given reactants."""

    description = "Predict the product of a named reaction."

    def prompt(self, identity: dict[str, Any]) -> str:
        r = self.reaction
        return (f"Predict the main organic product of this {r.title}: {' + '.join(identity['reactants'])} "
                f"with {r.reagents}. Give the product as one SMILES (no by-products or reagents). "
                f"{_stereo_note(r.stereo)} {BOX}")

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Smiles(stereo=self.reaction.stereo)

    def value(self, identity: dict[str, Any]) -> str:
        return identity["product"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        out = variants(answer) + [r for r in identity["reactants"] if Chem.MolFromSmiles(r).GetNumAtoms() > 1]
        # Without stereo grading, an inverted centre is the same answer: keep only real misses.
        return [a for a in out if self.check(a, identity) < 1.0]


def parse_reactant_list(answer: str) -> list[Chem.Mol] | None:
    """Molecules of a dot-, comma-, semicolon- or " + "-separated SMILES list, or None when any does not parse."""
    if not isinstance(answer, str) or len(answer) > 2000:
        return None
    smiles = molecule_set(answer.replace(" + ", ","))
    if not smiles or len(smiles) > MAX_ANSWER_MOLECULES:
        return None
    return [Chem.MolFromSmiles(s) for s in smiles]


class Retrosynthesis(_NamedReactionTask):
    """Propose the reactants of a product made in one step by a named reaction."""

    description = "One-step retrosynthesis with a named reaction."

    def prompt(self, identity: dict[str, Any]) -> str:
        r = self.reaction
        n = len(r.roles)
        what = "the single starting material" if n == 1 else f"the {n} starting materials"
        return (f"The molecule {identity['product']} was made in one step by a {r.title} using {r.reagents}. "
                f"Give {what} (not the reagents {r.reagents}) as SMILES"
                f"{', separated by a dot' if n > 1 else ''}. Any reactants that give this product by this "
                f"reaction are accepted. {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        mols = parse_reactant_list(answer)
        if mols is None:
            return invalid("not a list of valid SMILES")
        if len(mols) != len(self.reaction.roles):
            return Score(0.0, "wrong", f"expected {len(self.reaction.roles)} reactant(s)")
        # No route here loses more than a triphenylphosphine oxide (19 heavy atoms): far larger reactants are
        # wrong, and refusing them before the template runs bounds the work a hostile answer can cause.
        if sum(m.GetNumAtoms() for m in mols) > mol_of(identity["product"]).GetNumAtoms() + MAX_EXTRA_ATOMS:
            return Score(0.0, "wrong", "reactants far larger than the product")
        products = products_any_order(self.reaction.name, mols)
        return 1.0 if identity["product"] in products else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ".".join(identity["reactants"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        reactants = identity["reactants"]
        out = [identity["product"]]
        first = variants(reactants[0], limit=2)
        out += [".".join([v] + reactants[1:]) for v in first]
        if len(reactants) > 1:
            out.append(reactants[0])
            out += [".".join(reactants[:1] + [v]) for v in variants(reactants[1], limit=2)]
        # Some one-atom edits are still valid routes (an ethyl for a methyl ester hydrolyses to the same acid).
        return [a for a in out if self.check(a, identity) < 1.0]


def register(registry: Any) -> None:
    for name, r in REACTIONS.items():
        registry.register(ForwardReaction, f"chem/forward_{name}", {"reaction": name},
                          f"Predict the product of a {r.title}.")
        registry.register(Retrosynthesis, f"chem/retro_{name}", {"reaction": name},
                          f"One-step retrosynthesis: reactants of a {r.title}.")
