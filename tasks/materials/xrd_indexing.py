"""Indexing powder diffraction patterns of cubic (P, I, F), tetragonal (P, I), hexagonal and orthorhombic cells.

Bragg's law λ = 2 d sin θ with 1/d² from the cell, and the systematic absences of lattice
centring: I needs h + k + l even, F needs h, k, l all odd or all even. Cells, wavelengths and peak
lists are generated per seed (:mod:`tasks.materials._xrd_cells`); peaks are the distinct d-spacings
of allowed reflections, lowest angle first, with 2θ rounded to 0.01°.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import Answer, Number, Sequence, SequenceTask, TextTask
from tasks.materials._common import NumericTask
from tasks.materials._xrd_cells import (
    LATTICES,
    NAMES,
    SOURCES,
    HklList,
    allowed,
    cubic_readings,
    inv_d2,
    parse_triplets,
    peaks,
    peaks_text,
    random_pattern,
    source_text,
)

__all__ = ["LATTICES", "SOURCES", "HklList", "allowed", "cubic_readings", "inv_d2", "parse_triplets",
           "random_pattern"]


# -- Bravais lattice from the extinctions ---------------------------------------------------------------

class BravaisFromPattern(TextTask):
    version = 1
    alphabet = "CPIFT"
    default_params = {"given": "system", "count": 9}
    levels = ({"given": "cell", "count": 8}, {"given": "system", "count": 9}, {"given": "none", "count": 10})
    default_level = 2
    description = "Bravais lattice (cP, cI, cF, tP, tI) of a powder pattern from its systematic absences."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Unknowns to find (centring, then crystal system, then cell) plus a tenth per peak to index."""
        return {"cell": 1.0, "system": 2.0, "none": 3.0}[identity["given"]] + len(identity["peaks"]) / 10

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lattice = LATTICES[rng.randrange(len(LATTICES))]  # the answer first: five classes equally often
        pattern = random_pattern(rng, (lattice,), self.params["count"])
        return {**pattern, "given": self.params["given"]}

    def question(self, identity: dict[str, Any]) -> str:
        system = "cubic" if identity["lattice"][0] == "c" else "tetragonal"
        given = identity["given"]
        if given == "cell":
            cell = (f"a = {identity['a']:.4f} Å" if system == "cubic" else
                    f"a = {identity['a']:.4f} Å, c = {identity['c']:.4f} Å")
            known = f" The crystal is {system} with conventional cell {cell}."
        elif given == "system":
            known = f" The crystal is {system}."
        else:
            known = (" The crystal is cubic or tetragonal (choose cubic whenever a cubic cell indexes every peak, "
                     "and the smallest cell that does).")
        return (f"A powder diffraction pattern measured with {source_text(identity)} shows peaks (all of the "
                f"reflections in this range, each listed once) at 2θ = {peaks_text(identity)}°, the lowest-angle "
                f"peak first.{known} Which Bravais lattice is it: cP (primitive cubic), cI (body-centred cubic), "
                "cF (face-centred cubic), tP (primitive tetragonal) or tI (body-centred tetragonal)?")

    def instruction(self, identity: dict[str, Any]) -> str:
        return "Give the two-letter Pearson lattice symbol (cP, cI, cF, tP or tI) in \\boxed{}."

    def value(self, identity: dict[str, Any]) -> str:
        return identity["lattice"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [x for x in LATTICES if x != identity["lattice"]] + ["cPcI"]


# -- lattice parameter and indices of a cubic pattern ---------------------------------------------------

_CUBIC_LEVELS: tuple[dict[str, Any], ...] = (
    {"stated": True, "count": 4, "skip": 2}, {"stated": True, "count": 6, "skip": 4},
    {"stated": False, "count": 8, "skip": 2}, {"stated": False, "count": 10, "skip": 4})


class _CubicPattern:
    params: dict[str, Any]
    levels = _CUBIC_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Peaks to index, plus three steps to find the centring when it is not stated, plus reflections below the scan."""
        return float(len(identity["peaks"]) + 3 * (not identity["stated"]) + identity["skip"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lattices = ("cP", "cI", "cF")
        stated = self.params["stated"]
        while True:
            pattern = random_pattern(rng, lattices, self.params["count"], rng.randint(0, self.params["skip"]))
            readings = cubic_readings(pattern["peaks"], (pattern["lattice"],) if stated else lattices)
            # only patterns with one consistent indexing: the answer must not depend on a guess
            if len(readings) == 1:
                return {**pattern, "stated": stated}

    def setting(self, identity: dict[str, Any]) -> str:
        below = (" The scan starts above the pattern's lowest-angle reflections, so the first peak listed is not "
                 "necessarily the (1 0 0)-type or lowest reflection." if identity["skip"] else "")
        head = (f"A cubic crystal measured with {source_text(identity)} shows powder peaks (every reflection in "
                f"the scanned range, each listed once) at 2θ = {peaks_text(identity)}°, the lowest-angle peak "
                f"first.{below}")
        if identity["stated"]:
            return f"{head} Its Bravais lattice is {NAMES[identity['lattice']]}."
        return (f"{head} Its Bravais lattice (primitive, body- or face-centred) is not known: find it from the "
                "systematic absences, taking the conventional cubic cell that indexes every peak.")


class CubicLatticeParameter(_CubicPattern, NumericTask):
    version = 1
    default_params = {"rel_tol": 0.002, "abs_tol": 0.0, "stated": False, "count": 8, "skip": 2}
    unit = "Å"
    description = "Cubic lattice parameter from an unindexed powder pattern."

    def question(self, identity: dict[str, Any]) -> str:
        return f"{self.setting(identity)} What is the lattice parameter a of the conventional cubic cell?"

    def value(self, identity: dict[str, Any]) -> float:
        return float(identity["a"])


class CubicIndexing(_CubicPattern, SequenceTask):
    version = 1
    default_params = {"stated": False, "count": 8, "skip": 2}
    description = "Index every peak of a cubic powder pattern."

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        cell = {k: identity[k] for k in ("lattice", "a", "c")}
        return HklList(cell, [inv_d2(cell, tuple(h)) for h in identity["hkls"]])

    def question(self, identity: dict[str, Any]) -> str:
        return f"{self.setting(identity)} Index every peak: which reflection (h k l) of the conventional cell is it?"

    def value(self, identity: dict[str, Any]) -> list[list[int]]:
        return identity["hkls"]


# -- tetragonal cells -----------------------------------------------------------------------------------

def _rank(rows: list[tuple[int, ...]]) -> int:
    """Rank of a small integer matrix (exact, by fractions)."""
    from fractions import Fraction

    m = [[Fraction(x) for x in r] for r in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for col in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][col] != 0:
                f = m[i][col] / m[rank][col]
                m[i] = [x - f * y for x, y in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


#: The unknown lattice parameters, the d-spacing law and the row of each reflection in it, per crystal system.
_SYSTEMS = {
    "tetragonal": (("a", "c"), "1/d² = (h² + k²)/a² + l²/c²", ("tP", "tI"),
                   lambda h: (h[0] ** 2 + h[1] ** 2, h[2] ** 2)),
    "hexagonal": (("a", "c"), "1/d² = 4/3 (h² + hk + k²)/a² + l²/c²", ("hP",),
                  lambda h: (h[0] ** 2 + h[0] * h[1] + h[1] ** 2, h[2] ** 2)),
    "orthorhombic": (("a", "b", "c"), "1/d² = h²/a² + k²/b² + l²/c²", ("oP",),
                     lambda h: (h[0] ** 2, h[1] ** 2, h[2] ** 2)),
}


def _axial(system: str, hkl: list[int]) -> int | None:
    """Which single parameter a reflection fixes alone (its row has one non-zero entry), or None."""
    row = _SYSTEMS[system][3](hkl)
    nonzero = [i for i, x in enumerate(row) if x]
    return nonzero[0] if len(nonzero) == 1 else None


class CellFromIndexed(SequenceTask):
    version = 1
    default_params = {"system": "tetragonal", "extra": 1, "axial": False}
    #: Levels: one peak per parameter that fixes it alone; as many general peaks as parameters; then extra peaks.
    levels = ({"extra": 0, "axial": True}, {"extra": 0, "axial": False}, {"extra": 1, "axial": False},
              {"extra": 3, "axial": False})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Peaks to use, plus two steps when no peak gives one parameter alone (a linear system to solve)."""
        return float(len(identity["given"]) + 2 * (not identity["axial"]))

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Sequence(Number(0.002, 0.0), noun="lattice parameters")

    def instruction(self, identity: dict[str, Any]) -> str:
        names = _SYSTEMS[self.params["system"]][0]
        example = ", ".join(("4.123", "5.432", "6.789")[: len(names)])
        return (f"Give {' and then '.join(names)}, in Å, separated by commas, e.g. \\boxed{{{example}}} (within "
                "0.2% (relative) each).")

    def generate(self, rng: random.Random) -> dict[str, Any]:
        system = self.params["system"]
        names, _, lattices, row_of = _SYSTEMS[system]
        unknowns = len(names)
        count = unknowns + self.params["extra"]
        while True:
            pattern = random_pattern(rng, lattices, 16)
            del pattern["scan"]
            hkls = pattern["hkls"]
            axis = [_axial(system, h) for h in hkls]
            if self.params["axial"]:  # one peak per parameter that fixes it alone
                picks = []
                for j in range(unknowns):
                    pool = [i for i, x in enumerate(axis) if x == j]
                    if pool:
                        picks.append(pool[rng.randrange(len(pool))])
                if len(picks) < unknowns:
                    continue
                chosen = sorted(picks)
            else:
                general = [i for i, x in enumerate(axis) if x is None]
                rng.shuffle(general)
                chosen = sorted(general[:count])
            # the peaks must fix every parameter: their rows span the unknowns
            if len(chosen) < count or _rank([row_of(hkls[i]) for i in chosen]) < unknowns:
                continue
            cell = {k: pattern[k] for k in ("lattice", "a", "b", "c") if k in pattern}
            return {**cell, "source": pattern["source"], "axial": self.params["axial"],
                    "given": [[hkls[i], pattern["peaks"][i]] for i in chosen]}

    def question(self, identity: dict[str, Any]) -> str:
        system = self.params["system"]
        names, law = _SYSTEMS[system][:2]
        rows = "; ".join(f"({' '.join(map(str, h))}) at 2θ = {t:.2f}°" for h, t in identity["given"])
        return (f"A {system} crystal measured with {source_text(identity)} has indexed powder peaks {rows}. Using "
                f"{law}, what are its lattice parameters {', '.join(names)}?")

    def value(self, identity: dict[str, Any]) -> list[float]:
        return [float(identity[k]) for k in _SYSTEMS[self.params["system"]][0]]


class KnownCellIndexing(SequenceTask):
    version = 1
    default_params = {"lattices": ("tP", "tI"), "count": 5}
    levels = ({"count": 3}, {"count": 5}, {"count": 7}, {"count": 9})
    #: Reflections below the scan: the first listed peak is not always the first of the pattern.
    max_skip = 6
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Peaks to index."""
        return float(len(identity["peaks"]))

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        cell = {k: identity[k] for k in ("lattice", "a", "b", "c") if k in identity}
        return HklList(cell, [inv_d2(cell, tuple(h)) for h in identity["hkls"]])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return random_pattern(rng, tuple(self.params["lattices"]), self.params["count"],
                              rng.randint(0, self.max_skip))

    def question(self, identity: dict[str, Any]) -> str:
        lengths = ", ".join(f"{k} = {identity[k]:.4f} Å" for k in ("a", "b", "c") if k in identity)
        hexagonal = " (three-index (h k l), with γ = 120°)" if identity["lattice"] == "hP" else ""
        return (f"A {NAMES[identity['lattice']]} crystal ({lengths}) measured with {source_text(identity)} shows "
                f"powder peaks at 2θ = {peaks_text(identity)}°, the lowest-angle peak first. Index every peak: which "
                f"reflection (h k l){hexagonal} is it?")

    def value(self, identity: dict[str, Any]) -> list[list[int]]:
        return identity["hkls"]


# -- wavelength calibration -----------------------------------------------------------------------------

#: Calibrant standards: name, lattice, a (Å) as certified at 22.5 °C.
STANDARDS = [("Si (NIST SRM 640)", "cF", 5.43119), ("LaB6 (NIST SRM 660)", "cP", 4.15689),
             ("CeO2 (NIST SRM 674)", "cF", 5.41165), ("W powder", "cI", 3.16522), ("Al powder", "cF", 4.04958),
             ("Cr2O3-free Cr powder", "cI", 2.88490), ("Ag powder", "cF", 4.08620), ("CsCl", "cP", 4.12300)]


class WavelengthCalibration(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.002, "abs_tol": 0.0, "indexed": False, "skip": 0}
    levels = ({"indexed": True, "skip": 0}, {"indexed": False, "skip": 0}, {"indexed": False, "skip": 2})
    default_level = 2
    unit = "Å"
    description = "X-ray wavelength from the pattern of a cubic calibrant."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bragg's law, plus indexing the peaks, plus finding which low-angle peaks lie outside the scan."""
        return 1.0 + 2.0 * (not identity["indexed"]) + identity["skip"]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        name, lattice, a = STANDARDS[rng.randrange(len(STANDARDS))]
        while True:
            lam = round(rng.uniform(0.35, 2.3), 5)  # synchrotron beamline energies and lab anodes alike
            found = peaks({"lattice": lattice, "a": a, "c": a}, lam, 4 + self.params["skip"])
            if found is None:
                continue
            found = found[self.params["skip"]:]
            if len(cubic_readings([round(p["two_theta"], 3) for p in found], (lattice,))) == 1:
                break
        return {"standard": name, "lattice": lattice, "a": a, "lam": lam, "skip": self.params["skip"],
                "indexed": self.params["indexed"], "peaks": [round(p["two_theta"], 3) for p in found],
                "hkls": [p["hkl"] for p in found]}

    def question(self, identity: dict[str, Any]) -> str:
        std = (f"the calibrant {identity['standard']}, {NAMES[identity['lattice']]} with a = {identity['a']:.5f} Å")
        if identity["indexed"]:
            rows = "; ".join(f"({' '.join(map(str, h))}) at {t:.3f}°" for h, t in
                             zip(identity["hkls"], identity["peaks"], strict=True))
            return f"A diffractometer of unknown wavelength measures {std}: its peaks are {rows} (2θ). What is λ?"
        scan = ("the scan starts above its lowest-angle reflections, so the first peaks listed are not the "
                "pattern's first peaks" if identity["skip"] else "these are its lowest-angle peaks")
        return (f"A diffractometer of unknown wavelength measures {std}. Consecutive peaks appear at 2θ = "
                f"{', '.join(f'{t:.3f}' for t in identity['peaks'])}° ({scan}; no reflection between them is "
                "missing). What is the wavelength λ?")

    def value(self, identity: dict[str, Any]) -> float:
        return float(identity["lam"])


def register(registry: Any) -> None:
    registry.register(BravaisFromPattern, "materials/xrd_bravais_lattice")
    registry.register(CubicLatticeParameter, "materials/xrd_cubic_cell_from_pattern")
    registry.register(CubicIndexing, "materials/xrd_index_cubic_pattern")
    for system in ("tetragonal", "hexagonal", "orthorhombic"):
        registry.register(CellFromIndexed, f"materials/xrd_{system}_cell", {"system": system},
                          f"{system.capitalize()} lattice parameters from indexed powder peaks.")
    registry.register(KnownCellIndexing, "materials/xrd_index_tetragonal_pattern", {"lattices": ("tP", "tI")},
                      "Index the peaks of a tetragonal powder pattern of known cell.")
    registry.register(KnownCellIndexing, "materials/xrd_index_hexagonal_pattern", {"lattices": ("hP",)},
                      "Index the peaks of a hexagonal powder pattern of known cell.")
    registry.register(WavelengthCalibration, "materials/xrd_wavelength_calibration")
