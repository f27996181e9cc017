"""Mass spectrometry from structure and formula: ion m/z, nominal mass, chlorine/bromine isotope clusters,
neutral losses, the nitrogen rule, formulas from accurate mass, and degrees of unsaturation.

Molecules come from :mod:`tasks.chem._spectra` (any compound class, sized by level); isotope clusters
are computed from natural isotopic abundances (IUPAC 2013 representative values) by convolving the
element distributions at unit resolution.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from rdkit import Chem

from bootcamp import Score, Task, invalid
from bootcamp.answers import INTEGER, Number, Sequence, YesNo
from tasks.chem._spectra import (
    CLASSES,
    DEFAULT_SIZE,
    ELECTRON,
    MONO,
    MoleculeLevels,
    balanced,
    element_counts,
    formula_text,
    hill_dict,
    molecule,
    mono_mass,
    nominal_mass,
    parse_formula,
    unsaturation,
)
from tasks.chem._spectra_mass import FORMULA_HEAVY, cluster, formula_key, halogenated, possible_losses

_CLASS_LIST = sorted(CLASSES)
def _random_molecule(rng: random.Random, size: int, accept: Any = None, chno: bool = False,
                     classes: tuple[str, ...] = (), heavy: tuple[int, int] | None = None) -> str:
    """A generated molecule of a drawn compound class (C, H, N, O only with ``chno``)."""
    pool = classes or ([c for c in _CLASS_LIST if c != "halide"] if chno else _CLASS_LIST)
    return molecule(rng, rng.choice(pool), size, accept=accept, tries=200, chno=chno, heavy=heavy)


class _MsTask(MoleculeLevels, Task):
    """A mass spectrometry question on one generated molecule (any compound class)."""

    version = 1
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": _random_molecule(rng, self.params["size"])}


# -- ion m/z -------------------------------------------------------------------------------------------
#: ion -> (notation, shift from the neutral monoisotopic mass, what it is)
IONS: dict[str, tuple[str, float, str]] = {
    "radical_cation": ("M+•", -ELECTRON, "the molecular radical cation of electron ionisation"),
    "protonated": ("[M+H]+", MONO["H"] - ELECTRON, "the protonated molecule of positive electrospray"),
    "sodiated": ("[M+Na]+", MONO["Na"] - ELECTRON, "the sodium adduct of positive electrospray"),
    "deprotonated": ("[M-H]-", -MONO["H"] + ELECTRON, "the deprotonated molecule of negative electrospray"),
}
_ACIDIC = Chem.MolFromSmarts("[$([OX2H1]C=O),$([OX2H1]c),$([NX3H1,NX3H2]C=O)]")
_TOL = 0.001


def _acidic(smiles: str) -> bool:
    return Chem.MolFromSmiles(smiles).HasSubstructMatch(_ACIDIC)


class IonMz(_MsTask):
    description = "Monoisotopic m/z of a molecular ion or adduct ion of a molecule."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE, "ion": "protonated"}
    kind = Number(abs_tol=_TOL)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        if self.params["ion"] == "deprotonated":  # only molecules that lose a proton in negative mode
            return {"smiles": _random_molecule(rng, self.params["size"], _acidic, classes=("ester", "aromatic", "amide"))}
        return {"smiles": _random_molecule(rng, self.params["size"])}

    def value(self, identity: dict[str, Any]) -> float:
        return mono_mass(element_counts(identity["smiles"])) + IONS[self.params["ion"]][1]

    def prompt(self, identity: dict[str, Any]) -> str:
        notation, _, what = IONS[self.params["ion"]]
        return (f"What is the m/z of the monoisotopic {notation} ion ({what}) of {identity['smiles']}? Use the "
                f"mass of the most abundant isotope of every element (12C = 12 exactly, 1H = 1.007825, "
                f"14N = 14.003074, 16O = 15.994915, 19F = 18.998403, 32S = 31.972071, 35Cl = 34.968853, "
                f"79Br = 78.918338, 127I = 126.904472, 23Na = 22.989769) and account for the electron mass "
                f"(0.000549). Give the m/z as a number (within {_TOL}), without units, in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return self.kind.check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return f"{self.value(identity):.4f}"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        return [f"{v + 1.007276:.4f}", f"{v - 0.01:.4f}", f"{round(v)}", f"{v + 21.98:.4f}"]


class NominalMass(_MsTask):
    description = "Nominal mass of the molecular ion (integer masses of the most abundant isotopes)."

    def value(self, identity: dict[str, Any]) -> int:
        return nominal_mass(element_counts(identity["smiles"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"At what nominal m/z does the molecular ion M+• of {identity['smiles']} appear in its EI mass "
                f"spectrum? Use integer masses of the most abundant isotopes (C 12, H 1, N 14, O 16, F 19, S 32, "
                f"Cl 35, Br 79, I 127). {INTEGER.instruction}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return INTEGER.check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return str(self.value(identity))


class Unsaturation(_MsTask):
    description = "Degrees of unsaturation (rings plus pi bonds) from a molecular formula."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        size = self.params["size"]

        def draw(r: random.Random) -> dict[str, int]:
            smiles = _random_molecule(r, size, heavy=FORMULA_HEAVY[size])
            return halogenated(r, element_counts(smiles), 4, ("F", "Cl", "Br", "I"))

        # the answer is spread over six candidate formulas (aromatic rings would make 4 and 5 common)
        return {"formula": formula_text(balanced(rng, draw, unsaturation, candidates=6))}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms of the formula plus its degrees of unsaturation."""
        counts = parse_formula(identity["formula"]) or {}
        return float(sum(n for el, n in counts.items() if el != "H") + unsaturation(counts))

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"A neutral compound has the molecular formula {identity['formula']}. How many degrees of "
                f"unsaturation (rings plus pi bonds) does it have? Halogens count like hydrogen, O and S are "
                f"ignored, N adds one half. {INTEGER.instruction}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return INTEGER.check(answer, unsaturation(parse_formula(identity["formula"]) or {}))

    def solve(self, identity: dict[str, Any]) -> str:
        return str(int(unsaturation(parse_formula(identity["formula"]) or {})))


_CHNO = frozenset("CHNO")
_ALLOWED = _CHNO | {"F", "Cl", "Br", "I"}
#: Relative tolerance (ppm) of an accurate-mass formula.
PPM = 3.0


class FormulaFromMass(_MsTask):
    description = "Molecular formula (C, H, N, O, F, Cl, Br, I) from an accurate monoisotopic mass, within 3 ppm."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        size = self.params["size"]
        smiles = _random_molecule(rng, size, lambda s: set(element_counts(s)) <= _ALLOWED, heavy=FORMULA_HEAVY[size])
        counts = halogenated(rng, element_counts(smiles), 4, ("F", "Cl", "Br", "I"))
        return {"mass": round(mono_mass(counts), 5), "formula": formula_text(counts)}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms of the formula."""
        return float(sum(n for el, n in (parse_formula(identity["formula"]) or {}).items() if el != "H"))

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"High-resolution mass spectrometry gives the neutral monoisotopic mass {identity['mass']:.5f} u "
                f"for a closed-shell neutral compound that contains C and H and possibly N, O, F, Cl, Br and I, nothing "
                f"else (12C = 12, 1H = 1.00782503, 14N = 14.00307401, 16O = 15.99491462, 19F = 18.99840316, "
                f"35Cl = 34.96885268, 79Br = 78.9183376, 127I = 126.9044719; the mass is that of the lightest isotopologue). Give a molecular formula whose "
                f"monoisotopic mass lies within {PPM:g} ppm of it and whose degrees of unsaturation are a "
                f"whole number of at least 0; any such formula counts. Write it in Hill order (e.g. C9H11NO2) "
                f"in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = parse_formula(answer)
        if got is None:
            return invalid("expected a molecular formula such as C9H11NO2")
        if not set(got) <= _ALLOWED or "C" not in got or "H" not in got:
            return Score(0.0, "wrong", "only C, H, N, O, F, Cl, Br and I, with carbon and hydrogen")
        dbe = unsaturation(got)
        if dbe < 0 or dbe != int(dbe):
            return Score(0.0, "wrong", "not a closed-shell neutral formula")
        mass = float(identity["mass"])
        return 1.0 if abs(mono_mass(got) - mass) <= PPM * 1e-6 * mass else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["formula"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        c = parse_formula(identity["formula"]) or {}
        return [formula_text({**c, "H": c["H"] + 2}), formula_text({**c, "C": c["C"] + 1}),
                formula_text({**c, "O": c.get("O", 0) + 1, "C": c["C"] - 1, "H": c["H"] - 4})]


class NitrogenRule(_MsTask):
    description = "Nitrogen rule: is the number of N atoms odd, from the nominal molecular-ion mass?"
    kind = YesNo()

    def generate(self, rng: random.Random) -> dict[str, Any]:
        odd = rng.random() < 0.5  # the label is drawn first: each answer half the time
        size = self.params["size"]
        smiles = _random_molecule(rng, size, lambda s: element_counts(s).get("N", 0) % 2 == odd,
                                  heavy=FORMULA_HEAVY[size])
        counts = halogenated(rng, element_counts(smiles), 3, ("F", "Cl", "Br", "I"))
        return {"formula": formula_text(counts)}

    def counts(self, identity: dict[str, Any]) -> dict[str, int]:
        return parse_formula(identity["formula"]) or {}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms of the formula."""
        return float(sum(n for el, n in self.counts(identity).items() if el != "H"))

    def _mass(self, identity: dict[str, Any]) -> float:
        return mono_mass(self.counts(identity)) - ELECTRON

    def prompt(self, identity: dict[str, Any]) -> str:
        counts = self.counts(identity)
        others = sorted(el for el in counts if el not in _CHNO)
        elements = ", ".join(["C", "H", "O", *others])
        return (f"The EI mass spectrum of an organic compound shows its molecular ion M+• (the lightest "
                f"isotopologue) at m/z {self._mass(identity):.4f}. Besides nitrogen, the compound contains only "
                f"{elements}. Does the molecule contain an odd number of nitrogen atoms? Answer yes or no in "
                f"\\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return self.kind.check(answer, self.counts(identity).get("N", 0) % 2 == 1)

    def solve(self, identity: dict[str, Any]) -> str:
        return "yes" if self.counts(identity).get("N", 0) % 2 else "no"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return ["no" if answer == "yes" else "yes"]


# -- chlorine and bromine isotope clusters -----------------------------------------------------------
#: Levels of the halogen tasks: the fewest and most Cl + Br atoms (each level has at least five (Cl, Br) answers).
HALOGEN_LEVELS: tuple[dict[str, Any], ...] = tuple({"halogens": k} for k in (1, 2, 3, 4, 5))
#: Heavy atoms of the molecule a halogen formula starts from (any level: the halogens make the level).
_HALOGEN_HEAVY = (8, 30)


class _HalogenTask(Task):
    """A question about the Cl/Br isotope cluster of a formula with ``halogens`` Cl + Br atoms."""

    version = 1
    default_params: dict[str, Any] = {"halogens": 3}
    levels: ClassVar[tuple[dict[str, Any], ...]] = HALOGEN_LEVELS
    default_level: ClassVar[int | None] = 3

    def generate(self, rng: random.Random) -> dict[str, Any]:
        low = self.params["halogens"]
        # The answer is drawn first: a (Cl, Br) pair with low or low + 1 halogens in all, all pairs alike.
        pairs = [(c, t - c) for t in (low, low + 1) for c in range(t + 1)]
        n_cl, n_br = rng.choice(pairs)
        total = n_cl + n_br
        smiles = _random_molecule(rng, rng.randint(1, 5), lambda s: element_counts(s)["H"] > total + 2, chno=True,
                                  heavy=_HALOGEN_HEAVY)
        counts = halogenated(rng, element_counts(smiles), 2, ("F",))  # fluorine is monoisotopic
        counts["H"] -= total  # halogens take the place of hydrogens: the formula stays a real one
        counts["Cl"], counts["Br"] = n_cl, n_br
        return {"formula": formula_text(hill_dict(counts))}

    def counts(self, identity: dict[str, Any]) -> dict[str, int]:
        return parse_formula(identity["formula"]) or {}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Halogen atoms (each adds a peak to the cluster) plus a tenth of the carbons."""
        c = self.counts(identity)
        return c.get("Cl", 0) + c.get("Br", 0) + c.get("C", 0) / 10


class HalogenCount(_HalogenTask):
    description = "Numbers of chlorine and bromine atoms from a molecular-ion isotope cluster."
    kind = Sequence(INTEGER, noun="counts")

    def prompt(self, identity: dict[str, Any]) -> str:
        c = self.counts(identity)
        nominal = nominal_mass(c)
        width = 2 * (c.get("Cl", 0) + c.get("Br", 0)) + 3
        peaks = cluster(tuple(sorted(c.items())), width)
        listing = ", ".join(f"m/z {nominal + i}: {p:.1f}" for i, p in enumerate(peaks) if p >= 0.05)
        return (f"The molecular-ion region of the EI mass spectrum of an organic compound (C, H, N, O, F and "
                f"possibly Cl and Br; no S, Si or other polyisotopic elements) shows these peaks (relative "
                f"intensity, largest = 100): {listing}. The lightest peak is M+•. How many chlorine and how "
                f"many bromine atoms does the molecule contain? Give two integers, chlorine first, separated by "
                f"a comma (e.g. 1, 2), in \\boxed{{}}.")

    def value(self, identity: dict[str, Any]) -> list[int]:
        c = self.counts(identity)
        return [c.get("Cl", 0), c.get("Br", 0)]

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return self.kind.check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return self.kind.write(self.value(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        a, b = self.value(identity)
        return [w for w in (f"{b}, {a}", f"{a + 1}, {b}", f"{a}, {b + 1}", f"{a + b}") if w != f"{a}, {b}"]


#: Tolerance (intensity units, largest peak = 100) of each predicted cluster peak.
PEAK_TOL = 2.0


class HalogenPattern(_HalogenTask):
    description = "Relative intensities of the M, M+2, M+4 ... peaks from the Cl and Br atoms of a formula."
    kind = Sequence(Number(abs_tol=PEAK_TOL), noun="intensities")

    def value(self, identity: dict[str, Any]) -> list[float]:
        c = self.counts(identity)
        k = c.get("Cl", 0) + c.get("Br", 0)
        peaks = cluster(tuple(sorted(c.items())), 2 * k + 1, only_halogens=True)
        return [round(peaks[2 * i], 2) for i in range(k + 1)]

    def prompt(self, identity: dict[str, Any]) -> str:
        c = self.counts(identity)
        k = c.get("Cl", 0) + c.get("Br", 0)
        names = ", ".join(["M"] + [f"M+{2 * i}" for i in range(1, k + 1)])
        return (f"Predict the molecular-ion cluster of {identity['formula']} from its chlorine and bromine "
                f"isotopes alone (35Cl 75.76%, 37Cl 24.24%, 79Br 50.69%, 81Br 49.31%; ignore 13C, 2H, 15N, 17O "
                f"and 18O). Give the relative intensities of the peaks {names}, in that order, scaled so the "
                f"largest is 100, separated by commas, in \\boxed{{}}; each within {PEAK_TOL:g} counts.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return self.kind.check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(f"{v:.1f}" for v in self.value(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = self.value(identity)
        out = [", ".join(f"{x:.1f}" for x in v[::-1]), ", ".join(f"{x:.1f}" for x in v[:-1]),
               ", ".join(f"{x + 8:.1f}" if i == len(v) - 1 else f"{x:.1f}" for i, x in enumerate(v))]
        return [w for w in out if self.check(w, identity) < 1.0]


# -- neutral losses ---------------------------------------------------------------------------------
class NeutralLoss(_MsTask):
    description = "Which common neutral loss connects the molecular ion to a fragment ion."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # A few candidate molecules; the loss is drawn among the masses they can lose, then a molecule with it.
        pool = [_random_molecule(rng, self.params["size"], lambda s: bool(possible_losses(s))) for _ in range(4)]
        mass = rng.choice(sorted({m for s in pool for m, _ in possible_losses(s)}))
        smiles = next(s for s in pool if any(m == mass for m, _ in possible_losses(s)))
        return {"smiles": smiles, "loss": mass}

    def prompt(self, identity: dict[str, Any]) -> str:
        m = nominal_mass(element_counts(identity["smiles"]))
        return (f"The EI mass spectrum of {identity['smiles']} shows M+• at m/z {m} and a fragment ion at m/z "
                f"{m - identity['loss']} (nominal masses of the lightest isotopes: C 12, H 1, N 14, O 16, F 19, "
                f"Cl 35, Br 79, I 127). Which neutral species (a molecule or a radical) is lost? Give its "
                f"molecular formula (e.g. H2O, CH3, C2H5O) in \\boxed{{}}. Any common loss of that mass that "
                f"this molecule's groups can give is accepted.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = parse_formula(answer)
        if got is None:
            return invalid("expected the molecular formula of the neutral lost")
        ok = {formula_key(parse_formula(f) or {}) for m, f in possible_losses(identity["smiles"]) if m == identity["loss"]}
        return 1.0 if formula_key(got) in ok else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return next(f for m, f in possible_losses(identity["smiles"]) if m == identity["loss"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return ["H2", "C6H5", "CH2" if answer != "CH2" else "CH4", "C2H6"]

    def complexity(self, identity: dict[str, Any]) -> float:
        """Molecule size plus the number of menu losses it could show (candidates to weigh)."""
        return super().complexity(identity) + len(possible_losses(identity["smiles"]))


def register(registry: Any) -> None:
    for ion, (notation, _, _) in IONS.items():
        registry.register(IonMz, f"chem/ms_{ion}_mz", {"ion": ion},
                          description=f"Monoisotopic m/z of the {notation} ion of a molecule.")
    for name, cls in (("ms_nominal_mass", NominalMass), ("unsaturation_from_formula", Unsaturation),
                      ("ms_formula_from_accurate_mass", FormulaFromMass), ("ms_nitrogen_rule", NitrogenRule),
                      ("ms_halogen_count", HalogenCount), ("ms_halogen_pattern", HalogenPattern),
                      ("ms_neutral_loss", NeutralLoss)):
        registry.register(cls, f"chem/{name}")
