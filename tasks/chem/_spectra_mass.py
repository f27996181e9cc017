"""Mass-spectrometry computations: isotope clusters at unit resolution, common neutral losses, and formulas of
real molecules with halogens in place of hydrogens.

Isotopic abundances are IUPAC 2013 representative values; the loss menu lists common EI neutral losses, each
with the SMARTS of a group that can lose it.
"""

from __future__ import annotations

import functools
import random

from rdkit import Chem

from tasks.chem._spectra import hill_dict, nominal_mass, parse_formula

#: Isotopes (mass offset from the lightest, abundance) of the elements the clusters use.
ISOTOPES: dict[str, tuple[tuple[int, float], ...]] = {
    "C": ((0, 0.9893), (1, 0.0107)), "H": ((0, 0.999885), (1, 0.000115)),
    "N": ((0, 0.99636), (1, 0.00364)), "O": ((0, 0.99757), (1, 0.00038), (2, 0.00205)),
    "S": ((0, 0.9499), (1, 0.0075), (2, 0.0425), (4, 0.0001)), "Cl": ((0, 0.7576), (2, 0.2424)),
    "Br": ((0, 0.5069), (2, 0.4931)), "F": ((0, 1.0),), "I": ((0, 1.0),), "P": ((0, 1.0),),
}


def _convolve(a: list[float], b: tuple[tuple[int, float], ...], width: int) -> list[float]:
    out = [0.0] * width
    for i, x in enumerate(a):
        if x:
            for off, p in b:
                if i + off < width:
                    out[i + off] += x * p
    return out


@functools.lru_cache(maxsize=4096)
def cluster(formula: tuple[tuple[str, int], ...], width: int, only_halogens: bool = False) -> tuple[float, ...]:
    """Relative intensities (largest = 100) of M, M+1, ... M+width-1 of a formula."""
    dist = [1.0] + [0.0] * (width - 1)
    for el, n in formula:
        if only_halogens and el not in ("Cl", "Br"):
            continue
        for _ in range(n):
            dist = _convolve(dist, ISOTOPES[el], width)
    top = max(dist)
    return tuple(100.0 * x / top for x in dist)


#: Heavy atoms of the molecule behind a formula-only question, per level (wide: formulas repeat more than
#: structures do).
FORMULA_HEAVY: dict[int, tuple[int, int]] = {1: (9, 21), 2: (12, 25), 3: (15, 29), 4: (18, 33), 5: (21, 37)}


def halogenated(rng: random.Random, counts: dict[str, int], most: int, halogens: tuple[str, ...]) -> dict[str, int]:
    """``counts`` with 0 to ``most`` hydrogens replaced by drawn halogens (still a real molecule's formula)."""
    out = dict(counts)
    for _ in range(rng.randint(0, most)):
        if out.get("H", 0) > 2:
            x = rng.choice(halogens)
            out["H"] -= 1
            out[x] = out.get(x, 0) + 1
    return hill_dict(out)


#: Common neutral losses from molecular ions: formula and the group that must be present to lose it.
LOSSES: tuple[tuple[str, str], ...] = (
    ("CH3", "[CH3][#6,#7,#8]"), ("OH", "[CX3](=O)[OX2H1]"), ("NH3", "[NX3;H2][CX4]"), ("H2O", "[OX2H1][CX4]"),
    ("HF", "[CX4;!H0]F"), ("CO", "[#6][CX3](=O)[#6,#1]"), ("C2H4", "[CH2][CH3]"), ("CHO", "[CX3H1](=O)[#6]"),
    ("C2H5", "[CH2][CH3]"), ("CH3O", "[OX2][CH3]"), ("CH4O", "[CX3](=O)O[CH3]"), ("Cl", "[#6]Cl"),
    ("HCl", "[CX4;!H0,$(C[C;!H0])]Cl"), ("C3H7", "[$([CH2][CH2][CH3]),$([CH1]([CH3])[CH3])]"),
    ("C2H3O", "[CH3]C(=O)[#6]"), ("CO2", "[CX3](=O)[OX2H1,OX2C]"), ("C2H5O", "[OX2][CH2][CH3]"),
    ("CHO2", "[CX3](=O)[OX2H1]"), ("NO2", "[N+](=O)[O-]"), ("C4H9", "[$([CH2][CH2][CH2][CH3]),$(C([CH3])([CH3])[CH3])]"),
    ("Br", "[#6]Br"), ("HBr", "[CX4;$(C[C;!H0])]Br"), ("I", "[#6]I"),
)
_LOSS_PATTERNS = [(parse_formula(f) or {}, f, Chem.MolFromSmarts(s)) for f, s in LOSSES]


def formula_key(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """A hashable, order-free form of element counts (CH3O and OCH3 are one key)."""
    return tuple(sorted(counts.items()))


@functools.lru_cache(maxsize=4096)
def possible_losses(smiles: str) -> tuple[tuple[int, str], ...]:
    """(nominal mass, formula) of each menu loss whose group the molecule carries."""
    mol = Chem.MolFromSmiles(smiles)
    return tuple((nominal_mass(c), f) for c, f, patt in _LOSS_PATTERNS if mol.HasSubstructMatch(patt))
