"""Protein properties from sequence: masses, pI, charge, GRAVY, extinction coefficient, aliphatic index."""

from __future__ import annotations

import random
from typing import Any

from bootcamp import Task
from bootcamp.answers import INTEGER, Number
from bootcamp.verifiers.numeric import tolerance_text
from tasks.biology._seq import AMINO

AVERAGE = {"A": 71.0788, "R": 156.1875, "N": 114.1038, "D": 115.0886, "C": 103.1388, "E": 129.1155,
           "Q": 128.1307, "G": 57.0519, "H": 137.1411, "I": 113.1594, "L": 113.1594, "K": 128.1741,
           "M": 131.1926, "F": 147.1766, "P": 97.1167, "S": 87.0782, "T": 101.1051, "W": 186.2132,
           "Y": 163.1760, "V": 99.1326}
MONOISOTOPIC = {"A": 71.03711, "R": 156.10111, "N": 114.04293, "D": 115.02694, "C": 103.00919, "E": 129.04259,
                "Q": 128.05858, "G": 57.02146, "H": 137.05891, "I": 113.08406, "L": 113.08406, "K": 128.09496,
                "M": 131.04049, "F": 147.06841, "P": 97.05276, "S": 87.03203, "T": 101.04768, "W": 186.07931,
                "Y": 163.06333, "V": 99.06841}
KYTE_DOOLITTLE = {"A": 1.8, "R": -4.5, "N": -3.5, "D": -3.5, "C": 2.5, "Q": -3.5, "E": -3.5, "G": -0.4,
                  "H": -3.2, "I": 4.5, "L": 3.8, "K": -3.9, "M": 1.9, "F": 2.8, "P": -1.6, "S": -0.8,
                  "T": -0.7, "W": -0.9, "Y": -1.3, "V": 4.2}
# EMBOSS pKa values.
PKA_POS = {"Nterm": 8.6, "K": 10.8, "R": 12.5, "H": 6.5}
PKA_NEG = {"Cterm": 3.6, "D": 3.9, "E": 4.1, "C": 8.5, "Y": 10.1}
_PKA_TEXT = "N-terminus 8.6, C-terminus 3.6, K 10.8, R 12.5, H 6.5, D 3.9, E 4.1, C 8.5, Y 10.1"


def _table_text(table: dict[str, float]) -> str:
    return ", ".join(f"{k} {v}" for k, v in table.items())


def net_charge(protein: str, ph: float) -> float:
    """Henderson-Hasselbalch net charge with the EMBOSS pKa set."""
    charge = 1 / (1 + 10 ** (ph - PKA_POS["Nterm"])) - 1 / (1 + 10 ** (PKA_NEG["Cterm"] - ph))
    for aa in protein:
        if aa in PKA_POS:
            charge += 1 / (1 + 10 ** (ph - PKA_POS[aa]))
        elif aa in PKA_NEG:
            charge -= 1 / (1 + 10 ** (PKA_NEG[aa] - ph))
    return charge


def isoelectric_point(protein: str) -> float:
    """pH of zero net charge, by bisection on [0, 14]."""
    lo, hi = 0.0, 14.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if net_charge(protein, mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def _mass(protein: str, table: dict[str, float], water: float) -> float:
    return sum(table[a] for a in protein) + water


def _aliphatic(p: str) -> float:
    n = len(p)
    return 100 * (p.count("A") + 2.9 * p.count("V") + 3.9 * (p.count("I") + p.count("L"))) / n


def _extinction(p: str) -> int:
    return 5500 * p.count("W") + 1490 * p.count("Y") + 125 * (p.count("C") // 2)


# property: (question, value function, absolute tolerance or None for an exact integer)
PROPERTIES: dict[str, tuple[str, Any, float | None]] = {
    "average_mass": (
        "What is the average molecular mass, in Da, of the peptide {p}? Sum these average residue masses and add "
        "one water (18.01524 Da): " + _table_text(AVERAGE) + ".",
        lambda p: _mass(p, AVERAGE, 18.01524), 0.5),
    "monoisotopic_mass": (
        "What is the monoisotopic mass, in Da, of the neutral peptide {p}? Sum these monoisotopic residue masses "
        "and add one water (18.01056 Da): " + _table_text(MONOISOTOPIC) + ".",
        lambda p: _mass(p, MONOISOTOPIC, 18.01056), 0.05),
    "isoelectric_point": (
        "Estimate the isoelectric point of the peptide {p}: find the pH at which its net charge is zero, with "
        "Henderson-Hasselbalch charges for the termini and the side chains of K, R, H (positive) and D, E, C, Y "
        "(negative), using the pKa values " + _PKA_TEXT + ".",
        isoelectric_point, 0.05),
    "net_charge_ph7": (
        "What is the net charge of the peptide {p} at pH 7.0? Use Henderson-Hasselbalch charges for the termini "
        "and the side chains of K, R, H (positive) and D, E, C, Y (negative), with pKa values " + _PKA_TEXT + ".",
        lambda p: net_charge(p, 7.0), 0.05),
    "gravy": (
        "What is the GRAVY (grand average of hydropathy: the mean Kyte-Doolittle value per residue) of the peptide "
        "{p}? Kyte-Doolittle values: " + _table_text(KYTE_DOOLITTLE) + ".",
        lambda p: sum(KYTE_DOOLITTLE[a] for a in p) / len(p), 0.01),
    "extinction_coefficient": (
        "Using ε280 = 5500 × (number of W) + 1490 × (number of Y) + 125 × (number of cystines), and assuming every "
        "pair of cysteines forms a cystine (cystines = floor(number of C / 2)), what is the molar extinction "
        "coefficient at 280 nm, in M^-1 cm^-1, of the protein {p}?",
        _extinction, None),
    "aliphatic_index": (
        "What is the aliphatic index of the protein {p}, defined as 100 × (xA + 2.9 xV + 3.9 (xI + xL)), where x "
        "are mole fractions of the residues?",
        _aliphatic, 0.1),
}


class ProteinProperty(Task):
    version = 3
    description = "A computed property of a protein sequence."
    default_params = {"property": "average_mass", "min_length": 20, "max_length": 60}
    levels = ({"min_length": 8, "max_length": 16}, {"min_length": 14, "max_length": 28},
              {"min_length": 20, "max_length": 60}, {"min_length": 50, "max_length": 100},
              {"min_length": 80, "max_length": 160})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Residues to sum over."""
        return float(len(identity["protein"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            n = rng.randint(self.params["min_length"], self.params["max_length"])
            p = "".join(rng.choice(AMINO) for _ in range(n))
            if PROPERTIES[self.params["property"]][2] is not None or "W" in p or "Y" in p:
                return {"protein": p}

    def prompt(self, identity: dict[str, Any]) -> str:
        question, _, tol = PROPERTIES[self.params["property"]]
        fmt = "Give the answer as an integer" if tol is None else f"Give a number ({tolerance_text(0.0, tol)})"
        return question.format(p=identity["protein"]) + f" {fmt} in \\boxed{{}}."

    def value(self, identity: dict[str, Any]) -> float:
        """The exact value of the property."""
        return PROPERTIES[self.params["property"]][1](identity["protein"])

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        tol = PROPERTIES[self.params["property"]][2]
        if tol is None:
            return INTEGER.check(answer, int(self.value(identity)))
        return Number(0.0, tol).check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        v = self.value(identity)
        return str(int(v)) if PROPERTIES[self.params["property"]][2] is None else f"{v:.4f}"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v, tol = self.value(identity), PROPERTIES[self.params["property"]][2]
        if tol is None:
            return [str(int(v) + 125), str(int(v) + 1490), str(int(v) - 5500)]
        return [f"{v + 3 * tol:.4f}", f"{v - 3 * tol:.4f}", f"{v + 1 + 10 * tol:.4f}"]


def register(registry: Any) -> None:
    for prop in PROPERTIES:
        registry.register(ProteinProperty, f"biology/protein_{prop}", {"property": prop},
                          f"Protein {prop.replace('_', ' ')} from sequence, by a stated method.")
