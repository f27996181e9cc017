"""Perovskite formability from ionic radii: octahedral factor, Bartel's τ, structure class, design questions.

ABX3 with A 12-coordinate and B, X 6-coordinate (Shannon radii, pymatgen's table); a mixed
site takes its site-fraction-weighted mean radius. Goldschmidt t = (r_A + r_X) / (√2 (r_B + r_X)),
octahedral factor μ = r_B / r_X, Bartel's τ = r_X/r_B - n_A (n_A - (r_A/r_B) / ln(r_A/r_B))
(Bartel et al., Sci. Adv. 5, eaav0693 (2019); τ < 4.18 predicts a perovskite). Compositions are
generated per seed and charge balanced (every species on one site has one charge).
"""

from __future__ import annotations

import math
import random
from typing import Any

from bootcamp.answers import ChoiceTask, YesNoTask, number_text
from tasks.materials._common import NumericTask
from tasks.materials._perovskite_ions import (
    A_IONS,
    B_IONS,
    X_IONS,
    given_text,
    mean_radius,
    octahedral,
    radii_text,
    radius,
    random_abx3,
    random_site,
    signed,
    site_formula,
    species_complexity,
    tau,
    tolerance,
)

#: Site-mixing levels (species on A, B, X); one mixed site at least, so the radii vary continuously.
MIX_LEVELS = ({"mix": (2, 1, 1)}, {"mix": (2, 2, 1)}, {"mix": (3, 2, 1)}, {"mix": (3, 2, 2)})


class OctahedralFactor(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "mix": (1, 2, 1)}
    levels = ({"mix": (1, 2, 1)}, {"mix": (1, 2, 2)}, {"mix": (1, 3, 2)}, {"mix": (1, 3, 3)})
    default_level = 1
    description = "Octahedral factor μ = r_B / r_X of a perovskite from Shannon radii."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average on the B and X sites."""
        return float(len(identity["B"]) + len(identity["X"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return random_abx3(rng, *self.params["mix"])

    def question(self, identity: dict[str, Any]) -> str:
        return f"{given_text(identity)} What is the octahedral factor μ = r_B / r_X?"

    def value(self, identity: dict[str, Any]) -> float:
        return octahedral(identity)


class BartelTau(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "mix": (2, 1, 1)}
    levels = MIX_LEVELS
    default_level = 1
    description = "Bartel's perovskite tolerance factor τ from Shannon radii and the A-site oxidation state."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average on the three sites."""
        return species_complexity(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            c = random_abx3(rng, *self.params["mix"])
            if mean_radius(c["A"]) > mean_radius(c["B"]) * 1.05:  # τ needs r_A > r_B (ln r_A/r_B > 0)
                return c

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{given_text(identity)} What is Bartel's tolerance factor τ = r_X/r_B - n_A (n_A - (r_A/r_B) / "
                "ln(r_A/r_B)), with n_A the oxidation state of the A cation?")

    def value(self, identity: dict[str, Any]) -> float:
        return tau(identity)


class BartelFormable(YesNoTask):
    version = 1
    default_params = {"mix": (2, 1, 1)}
    levels = MIX_LEVELS
    default_level = 1
    description = "Does Bartel's τ (< 4.18) predict that a composition forms a perovskite?"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average on the three sites."""
        return species_complexity(identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        want = rng.random() < 0.5  # the label first
        while True:
            c = random_abx3(rng, *self.params["mix"])
            if mean_radius(c["A"]) > mean_radius(c["B"]) * 1.05 and abs(tau(c) - 4.18) >= 0.03 \
                    and (tau(c) < 4.18) == want:
                return c

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{given_text(identity)} Bartel's tolerance factor is τ = r_X/r_B - n_A (n_A - (r_A/r_B) / ln(r_A/r_B)), "
                "with n_A the oxidation state of the A cation, and τ < 4.18 predicts a perovskite. Does τ predict "
                "that this composition forms a perovskite?")

    def value(self, identity: dict[str, Any]) -> bool:
        return tau(identity) < 4.18


CLASSES = ["no perovskite: the BX6 octahedron is unstable (μ < 0.414)",
           "no perovskite: the A cation is too small (t < 0.8; ilmenite-type or other structures)",
           "distorted perovskite with tilted octahedra (orthorhombic or rhombohedral; 0.8 ≤ t < 0.9)",
           "cubic perovskite (0.9 ≤ t ≤ 1.0)",
           "hexagonal (face-sharing) polytype: the A cation is too large (t > 1.0)"]


def structure_class(c: dict[str, Any]) -> int:
    """The index in ``CLASSES`` the octahedral factor and Goldschmidt t predict."""
    if octahedral(c) < 0.414:
        return 0
    t = tolerance(c)
    return 1 if t < 0.8 else 2 if t < 0.9 else 3 if t <= 1.0 else 4


def _clear(c: dict[str, Any]) -> bool:
    """Far enough from every class boundary that rounding cannot move the answer."""
    return abs(octahedral(c) - 0.414) >= 0.008 and min(abs(tolerance(c) - b) for b in (0.8, 0.9, 1.0)) >= 0.006


class StructureClass(ChoiceTask):
    version = 1
    default_params = {"mix": (2, 1, 1)}
    levels = ({"mix": (2, 1, 1)}, {"mix": (2, 2, 1)}, {"mix": (2, 2, 2)}, {"mix": (3, 2, 2)})
    default_level = 1
    description = "Predicted perovskite structure class from the Goldschmidt tolerance and octahedral factors."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average on the three sites."""
        return species_complexity(identity)

    def options(self, identity: dict[str, Any]) -> list[str]:
        return CLASSES

    def generate(self, rng: random.Random) -> dict[str, Any]:
        want = rng.randrange(len(CLASSES))  # the answer first: five classes equally often
        while True:
            c = random_abx3(rng, *self.params["mix"])
            if _clear(c) and structure_class(c) == want:
                return c

    def question(self, identity: dict[str, Any]) -> str:
        opts = "\n".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(CLASSES))
        return (f"{given_text(identity)} Using the octahedral factor μ = r_B/r_X (octahedra need μ ≥ 0.414) and the "
                "Goldschmidt tolerance factor t = (r_A + r_X)/(√2 (r_B + r_X)), which structure is predicted?\n"
                f"{opts}")

    def value(self, identity: dict[str, Any]) -> int:
        return structure_class(identity)


#: Effective radii (Å) of molecular A cations used for hybrid halide perovskites (Kieslich et al. 2014).
MOLECULAR = {"MA": ("methylammonium CH3NH3+", 2.17), "FA": ("formamidinium HC(NH2)2+", 2.53),
             "EA": ("ethylammonium CH3CH2NH3+", 2.74), "DMA": ("dimethylammonium (CH3)2NH2+", 2.72),
             "GA": ("guanidinium C(NH2)3+", 2.78), "AZ": ("azetidinium (CH2)3NH2+", 2.50),
             "HA": ("hydroxylammonium NH3OH+", 2.16), "Cs": ("caesium Cs+", 1.88), "Rb": ("rubidium Rb+", 1.72)}
HALIDE_B = {"Pb": 1.19, "Sn": 1.10, "Ge": 0.73}
HALIDES = {"Cl": 1.81, "Br": 1.96, "I": 2.20}


def _mix_of(rng: random.Random, names: list[str], n: int) -> list[list[Any]]:
    while True:
        chosen = rng.sample(names, n)
        cuts = sorted(round(rng.uniform(0.05, 0.95), 2) for _ in range(n - 1))
        fr = [round(b - a, 2) for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=False)]
        if min(fr) >= 0.05:
            return [[name, x] for name, x in zip(chosen, fr, strict=True)]


class HalideTolerance(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "mix": (2, 1, 1)}
    levels = ({"mix": (2, 1, 1)}, {"mix": (2, 1, 2)}, {"mix": (3, 1, 2)}, {"mix": (3, 2, 2)})
    default_level = 1
    description = "Goldschmidt tolerance factor of a mixed-ion hybrid halide perovskite from effective radii."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average on the three sites."""
        return float(len(identity["A"]) + len(identity["B"]) + len(identity["X"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n_a, n_b, n_x = self.params["mix"]
        return {"A": _mix_of(rng, sorted(MOLECULAR), n_a), "B": _mix_of(rng, sorted(HALIDE_B), n_b),
                "X": _mix_of(rng, sorted(HALIDES), n_x)}

    @staticmethod
    def random_site(site: list[list[Any]], count: int = 1) -> str:
        n = str(count) if count > 1 else ""
        if len(site) == 1:
            return site[0][0] + n
        return "(" + "".join(f"{name}{number_text(x)}" for name, x in site) + ")" + n

    def question(self, identity: dict[str, Any]) -> str:
        a = "; ".join(f"{name} = {MOLECULAR[name][0]}, {MOLECULAR[name][1]:.2f} Å" for name, _ in identity["A"])
        b = ", ".join(f"{name}2+ {HALIDE_B[name]:.2f} Å" for name, _ in identity["B"])
        x = ", ".join(f"{name}- {HALIDES[name]:.2f} Å" for name, _ in identity["X"])
        f = self.random_site(identity["A"]) + self.random_site(identity["B"]) + self.random_site(identity["X"], 3)
        return (f"For the halide perovskite {f}, the (effective) ionic radii are: A site {a}; B site {b}; X site "
                f"{x}. Taking each site's radius as the site-fraction-weighted mean, what is the Goldschmidt "
                "tolerance factor t = (r_A + r_X) / (√2 (r_B + r_X))?")

    def value(self, identity: dict[str, Any]) -> float:
        ra = sum(MOLECULAR[n][1] * x for n, x in identity["A"])
        rb = sum(HALIDE_B[n] * x for n, x in identity["B"])
        rx = sum(HALIDES[n] * x for n, x in identity["X"])
        return (ra + rx) / (math.sqrt(2) * (rb + rx))


class DoublePerovskite(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.003, "n_a": 2, "n_x": 1}
    levels = ({"n_a": 2, "n_x": 1}, {"n_a": 2, "n_x": 2}, {"n_a": 3, "n_x": 2})
    default_level = 1
    description = "Goldschmidt tolerance factor of a rock-salt ordered double perovskite A2BB'X6."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to combine: the A species, the two B cations, the X species."""
        return float(len(identity["A"]) + 2 + len(identity["X"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            x = random_site(rng, [i for i in X_IONS if i[1] == -1] if self.params["n_x"] > 1 else X_IONS,
                      self.params["n_x"], "VI")
            a = random_site(rng, A_IONS, self.params["n_a"], "XII")
            if x is None or a is None:
                continue
            total = -6 * x[0][1] - 2 * a[0][1]  # the two B cations' charges sum to this
            b1 = B_IONS[rng.randrange(len(B_IONS))]
            b2 = (B_IONS[rng.randrange(len(B_IONS))][0], total - b1[1])
            if b1[0] == b2[0] or b2[1] <= 0 or radius(*b1, "VI") is None or radius(*b2, "VI") is None:
                continue
            if b1[1] == b2[1]:  # equal charges are a solid solution, not an ordered double perovskite
                continue
            bb = [[b1[0], b1[1], 1.0, radius(*b1, "VI")], [b2[0], b2[1], 1.0, radius(*b2, "VI")]]
            return {"A": a, "B": bb, "X": x}

    def question(self, identity: dict[str, Any]) -> str:
        a, (b1, b2), x = identity["A"], identity["B"], identity["X"]
        f = site_formula(a, 2) + b1[0] + b2[0] + site_formula(x, 6)
        return (f"For the ordered double perovskite {f} ({b1[0]}{signed(b1[1])} and {b2[0]}{signed(b2[1])} "
                f"alternate on the B sites), the Shannon radii are {radii_text(a, [b1, b2], x)}. Taking r_B as the "
                "mean of the two B cations (and a mixed A or X site as its site-fraction-weighted mean), what is the "
                "Goldschmidt tolerance factor t = (r_A + r_X) / (√2 (r_B + r_X))?")

    def value(self, identity: dict[str, Any]) -> float:
        ra, rx = mean_radius(identity["A"]), mean_radius(identity["X"])
        rb = (identity["B"][0][3] + identity["B"][1][3]) / 2
        return (ra + rx) / (math.sqrt(2) * (rb + rx))


class RadiusForTolerance(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.005, "mix": (1, 2, 1)}
    levels = ({"mix": (1, 1, 1)}, {"mix": (1, 2, 1)}, {"mix": (1, 2, 2)}, {"mix": (1, 3, 2)})
    default_level = 2
    unit = "Å"
    description = "The A-site radius that gives a target Goldschmidt tolerance factor."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii to average on the B and X sites, plus the inversion."""
        return float(len(identity["B"]) + len(identity["X"]) + 1)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        c = random_abx3(rng, *self.params["mix"])
        return {"B": c["B"], "X": c["X"], "t": round(rng.uniform(0.85, 1.05), 3)}

    def question(self, identity: dict[str, Any]) -> str:
        b, x = identity["B"], identity["X"]
        mixed = " (a mixed site takes the site-fraction-weighted mean radius)" if len(b) + len(x) > 2 else ""
        return (f"A perovskite A{site_formula(b)}{site_formula(x, 3)} is being designed. The Shannon radii are "
                f"{radii_text([], b, x)}{mixed}. What A-site radius gives a Goldschmidt tolerance factor t = "
                f"(r_A + r_X) / (√2 (r_B + r_X)) of exactly {identity['t']:.3f}?")

    def value(self, identity: dict[str, Any]) -> float:
        rb, rx = mean_radius(identity["B"]), mean_radius(identity["X"])
        return identity["t"] * math.sqrt(2) * (rb + rx) - rx


class SiteFraction(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "site": "A", "fixed": 1, "n_x": 1}
    #: Levels: species on the other cation site and on the anion site.
    levels = ({"fixed": 1, "n_x": 1}, {"fixed": 2, "n_x": 1}, {"fixed": 2, "n_x": 2})
    default_level = 1
    description = "The substitution fraction x that brings a perovskite's tolerance factor to a target."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Radii of the fixed sites to average, plus the two end members and the inversion."""
        fixed = [k for k in ("A", "B", "X") if k != identity["site"]]
        return float(sum(len(identity[k]) for k in fixed) + 3)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        site, fixed, n_x = self.params["site"], self.params["fixed"], self.params["n_x"]
        while True:
            c = random_abx3(rng, 2, fixed, n_x) if site == "A" else random_abx3(rng, fixed, 2, n_x)
            ends = c[site]
            if abs(ends[0][3] - ends[1][3]) < 0.08:  # end members must differ enough for x to matter
                continue
            x = round(rng.uniform(0.05, 0.95), 3)
            t = tolerance({**c, site: [[ends[0][0], ends[0][1], 1 - x, ends[0][3]],
                                       [ends[1][0], ends[1][1], x, ends[1][3]]]})
            out = {k: v for k, v in c.items() if k != site}
            out.update({"site": site, "ends": [[e[0], e[1], e[3]] for e in ends], "t": round(t, 4)})
            return out

    def question(self, identity: dict[str, Any]) -> str:
        (e1, q1, r1), (e2, q2, r2) = identity["ends"]
        site = identity["site"]
        mixed = f"({e1}1-x{e2}x)"
        if site == "A":
            formula_text_ = f"{mixed}{site_formula(identity['B'])}{site_formula(identity['X'], 3)}"
            others = radii_text([], identity["B"], identity["X"])
            ends = f"{e1}{signed(q1)} (XII) {r1:.3f} Å, {e2}{signed(q2)} (XII) {r2:.3f} Å"
        else:
            formula_text_ = f"{site_formula(identity['A'])}{mixed}{site_formula(identity['X'], 3)}"
            others = radii_text(identity["A"], [], identity["X"])
            ends = f"{e1}{signed(q1)} (VI) {r1:.3f} Å, {e2}{signed(q2)} (VI) {r2:.3f} Å"
        return (f"In the solid solution {formula_text_}, the Shannon radii are {ends}; {others}. Every site's radius "
                f"is its site-fraction-weighted mean. For which x is the Goldschmidt tolerance factor t = (r_A + r_X) / "
                f"(√2 (r_B + r_X)) equal to {identity['t']:.4f}?")

    def value(self, identity: dict[str, Any]) -> float:
        (_, _, r1), (_, _, r2) = identity["ends"]
        t = identity["t"]
        if identity["site"] == "A":
            rb, rx = mean_radius(identity["B"]), mean_radius(identity["X"])
            need = t * math.sqrt(2) * (rb + rx) - rx
        else:
            ra, rx = mean_radius(identity["A"]), mean_radius(identity["X"])
            need = (ra + rx) / (t * math.sqrt(2)) - rx
        return (need - r1) / (r2 - r1)


class BestASite(ChoiceTask):
    version = 1
    default_params = {"n_a": 2, "n_b": 1}
    levels = ({"n_a": 1, "n_b": 1}, {"n_a": 2, "n_b": 1}, {"n_a": 2, "n_b": 2})
    default_level = 2
    description = "Which A-site composition brings the tolerance factor closest to a target?"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Species per candidate A site, plus the B-site species, times the five candidates."""
        return float(5 * len(identity["options"][0]) + len(identity["B"]))

    def options(self, identity: dict[str, Any]) -> list[str]:
        return [site_formula(o) for o in identity["options"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pos = rng.randrange(5)  # the answer's letter first: every letter equally often
        while True:
            c = random_abx3(rng, 1, self.params["n_b"], 1)
            charge = c["A"][0][1]
            options, seen = [], set()
            for _ in range(30):
                site = random_site(rng, A_IONS, self.params["n_a"], "XII", charge)
                if site is not None and site_formula(site) not in seen:
                    seen.add(site_formula(site))
                    options.append(site)
                if len(options) == 5:
                    break
            if len(options) < 5:
                continue
            target = round(rng.uniform(0.9, 1.0), 2)
            gaps = [abs(tolerance({**c, "A": o}) - target) for o in options]
            ranked = sorted(gaps)
            if ranked[1] - ranked[0] >= 0.006:  # one clear best candidate
                best = options.pop(gaps.index(ranked[0]))
                options.insert(pos, best)
                return {"B": c["B"], "X": c["X"], "options": options, "target": target}

    def question(self, identity: dict[str, Any]) -> str:
        b, x = identity["B"], identity["X"]
        sites = [a for o in identity["options"] for a in o]
        opts = "\n".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(self.options(identity)))
        return (f"For a perovskite A{site_formula(b)}{site_formula(x, 3)}, the Shannon radii are "
                f"{radii_text(sites, b, x)}. A mixed site takes its site-fraction-weighted mean radius. Which A-site "
                f"composition gives the Goldschmidt tolerance factor t = (r_A + r_X) / (√2 (r_B + r_X)) closest to "
                f"{identity['target']:.2f}?\n{opts}")

    def value(self, identity: dict[str, Any]) -> int:
        gaps = [abs(tolerance({"A": o, "B": identity["B"], "X": identity["X"]}) - identity["target"])
                for o in identity["options"]]
        return gaps.index(min(gaps))


def register(registry: Any) -> None:
    registry.register(OctahedralFactor, "materials/perovskite_octahedral_factor")
    registry.register(BartelTau, "materials/perovskite_bartel_tau")
    registry.register(BartelFormable, "materials/perovskite_formable_by_tau")
    registry.register(StructureClass, "materials/perovskite_structure_class")
    registry.register(HalideTolerance, "materials/halide_perovskite_tolerance_factor")
    registry.register(DoublePerovskite, "materials/double_perovskite_tolerance_factor")
    registry.register(RadiusForTolerance, "materials/perovskite_a_radius_for_tolerance")
    registry.register(SiteFraction, "materials/perovskite_a_site_fraction_for_tolerance", {"site": "A"},
                      "A-site substitution fraction x that gives a target tolerance factor.")
    registry.register(SiteFraction, "materials/perovskite_b_site_fraction_for_tolerance", {"site": "B"},
                      "B-site substitution fraction x that gives a target tolerance factor.")
    registry.register(BestASite, "materials/perovskite_best_a_site")
