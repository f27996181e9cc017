"""Chemical answer kinds: formulas and molecules (pymatgen and RDKit are imported on first use)."""

from __future__ import annotations

from typing import Any, ClassVar

from bootcamp.answers._base import Answer, AnswerTask

#: Element swaps that make a plausible wrong formula.
_SWAP = {"O": "S", "S": "Se", "Cl": "Br", "F": "Cl", "N": "P", "Fe": "Co", "Na": "K", "Li": "Na", "C": "Si", "H": "F"}


def formula_text(amounts: dict[str, float], charge: int = 0) -> str:
    """Element amounts written as a formula (``Fe2O3``), with a charge suffix as RDKit writes it (``-2``)."""
    parts = []
    for el, amt in amounts.items():
        if abs(amt - 1) < 1e-9:
            parts.append(el)
        elif abs(amt - round(amt)) < 1e-9:
            parts.append(f"{el}{int(round(amt))}")
        else:
            parts.append(f"{el}{amt:g}")
    if charge:
        parts.append(("+" if charge > 0 else "-") + ("" if abs(charge) == 1 else str(abs(charge))))
    return "".join(parts)


class Formula(Answer):
    """A chemical formula (:func:`bootcamp.verifiers.formula.parse_charged_formula`).

    Compared atom for atom (C2H4 is not CH2), and the net charge must agree.
    With ``reduced`` (for crystal compositions) formulas with the same atomic
    fractions are equal (Fe4O6 is Fe2O3). The expected value is a formula string.
    """

    instruction = "Give the chemical formula (e.g. Fe2O3) in \\boxed{}."
    expects = "a chemical formula"
    max_chars = 100

    def __init__(self, reduced: bool = False) -> None:
        self.reduced = reduced

    def parse(self, text: str) -> tuple[Any, int] | None:
        from bootcamp.verifiers.formula import parse_charged_formula

        return parse_charged_formula(text)

    def _expected(self, expected: Any) -> tuple[Any, int]:
        want = self.parse(str(expected))
        if want is None:
            raise ValueError(f"reference formula {expected!r} does not parse")
        return want

    def matches(self, got: Any, expected: Any) -> bool:
        from bootcamp.verifiers.formula import same_composition

        want = self._expected(expected)
        return got[1] == want[1] and same_composition(got[0], want[0], self.reduced)

    def near_misses(self, expected: Any) -> list[str]:
        comp, charge = self._expected(expected)
        amounts = {e.symbol: float(comp[e]) for e in comp.elements}
        els = list(amounts)
        variants = [{**amounts, els[0]: amounts[els[0]] + 1}]
        swap = next((el for el in els if _SWAP.get(el, "O") not in amounts), None)
        if swap is not None:
            variants.append({(_SWAP.get(k, "O") if k == swap else k): v for k, v in amounts.items()})
        if len(els) > 1:
            variants.append({k: v for k, v in amounts.items() if k != els[-1]})
        out = [formula_text(v, charge) for v in variants] + [formula_text(amounts, charge + 1)]
        return [w for w in out if not self.matches(self.parse(w), expected)]


class Smiles(Answer):
    """A molecule as SMILES (or InChI), compared by RDKit canonical SMILES (:func:`bootcamp.verifiers.smiles.check_smiles`).

    With ``stereo=False`` stereochemistry is not compared.
    """

    instruction = "Give the molecule as a SMILES string in \\boxed{}."
    expects = "a valid SMILES"
    max_chars = 2020

    def __init__(self, stereo: bool = True) -> None:
        self.stereo = stereo

    def parse(self, text: str) -> str | None:
        from bootcamp.verifiers.smiles import canonical_smiles

        return canonical_smiles(text, self.stereo)

    def matches(self, got: Any, expected: Any) -> bool:
        from bootcamp.verifiers.smiles import canonical_smiles

        return got is not None and got == canonical_smiles(str(expected), self.stereo)

    def compare(self, text: str, expected: Any) -> float:
        from bootcamp.verifiers.smiles import check_smiles

        return check_smiles(text, str(expected), self.stereo)

    def near_misses(self, expected: Any) -> list[str]:
        e = str(expected)
        return [e + "C", e + "O", "C" + e + "N"]


class FormulaTask(AnswerTask):
    """A task whose answer is one chemical formula; ``value`` returns the formula string.

    Set ``reduced = True`` only for crystal compositions, where any multiple of the
    formula unit is the same answer.
    """

    reduced: ClassVar[bool] = False

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Formula(self.reduced)


class SmilesTask(AnswerTask):
    """A task whose answer is one molecule; ``value`` returns its SMILES. ``stereo = False`` ignores stereochemistry."""

    stereo: ClassVar[bool] = True

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Smiles(self.stereo)


__all__ = ["Formula", "FormulaTask", "Smiles", "SmilesTask", "formula_text"]
