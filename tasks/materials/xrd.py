"""Powder X-ray diffraction of prototype crystals (pymatgen XRDCalculator): peak positions, hkl, d, extinctions."""

from __future__ import annotations

import functools
import math
import random
from typing import Any

from pymatgen.analysis.diffraction.xrd import WAVELENGTHS, XRDCalculator

from bootcamp import Score, invalid
from bootcamp.answers import IntegerTask, YesNoTask
from tasks.materials import _structures as S
from tasks.materials._common import IndicesTask, NumericTask, parse_indices, pick

_SOURCES = {"Cu Kα": "CuKa", "Mo Kα": "MoKa", "Co Kα": "CoKa"}
_RANGE = {"CuKa": (10.0, 90.0), "CoKa": (10.0, 100.0), "MoKa": (5.0, 45.0)}
#: Reflections weaker than this share of the strongest are not counted as peaks.
MIN_RELATIVE = 1.0


@functools.lru_cache(maxsize=1024)
def _pattern(k: str, source: str) -> list[dict[str, Any]]:
    s = S._build(k)
    pat = XRDCalculator(source).get_pattern(s, two_theta_range=_RANGE[source])
    return [{"two_theta": float(x), "intensity": float(y), "d": float(d),
             "hkls": [list(h["hkl"]) for h in hk]} for x, y, d, hk in zip(pat.x, pat.y, pat.d_hkls, pat.hkls, strict=False)]


def pattern(identity: dict[str, Any]) -> list[dict[str, Any]]:
    """Peaks (2θ, relative intensity, d, hkl families) of the identity's crystal and X-ray source (cached)."""
    return _pattern(S.key(identity["crystal"]), _SOURCES[identity["source"]])


def _source_text(identity: dict[str, Any]) -> str:
    src = identity["source"]
    lo, hi = _RANGE[_SOURCES[src]]
    return f"{src} radiation (λ = {WAVELENGTHS[_SOURCES[src]]:.5f} Å) over 2θ = {lo:g}-{hi:g}°"


def _strongest(peaks: list[dict[str, Any]]) -> dict[str, Any]:
    return max(peaks, key=lambda p: p["intensity"])


def _first(peaks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for p in peaks if p["intensity"] >= MIN_RELATIVE)


def _unambiguous(peaks: list[dict[str, Any]], what: str) -> bool:
    """Reject patterns where the asked peak is a near tie, so the answer does not hinge on model details."""
    if not peaks:
        return False
    if what == "first":
        first = _first(peaks)
        return all(not 0.4 <= p["intensity"] <= 2.0 for p in peaks if p["two_theta"] <= first["two_theta"])
    ranked = sorted(p["intensity"] for p in peaks)
    return len(ranked) < 2 or ranked[-2] < 80.0


#: Crystal levels: elements, simple binaries, the original pool, ternaries and large cells.
_TIER_LEVELS = ({"tier": 1}, {"tier": 2}, {"tier": 3}, {"tier": 4})
def _hkl_complexity(hkl: list[int]) -> float:
    """h² + k² + l²: higher-order reflections are the harder ones to index and place."""
    return float(sum(x * x for x in hkl))


#: Index levels: the range of h² + k² + l² the asked reflection is drawn from (low-order first).
_INDEX_LEVELS = ({"n2": [1, 4]}, {"n2": [5, 9]}, {"n2": [10, 16]}, {"n2": [17, 32]})


@functools.lru_cache(maxsize=128)
def _atomic_number(symbol: str) -> int:
    from pymatgen.core import Element

    return Element(symbol).Z


def _reflections(crystal: dict[str, Any], lam: float, n2: tuple[int, int]) -> list[tuple[list[int], float]]:
    """Reflections (hkl, 2θ) of ``crystal`` with h² + k² + l² in ``n2`` and a non-zero structure factor.

    The structure factor uses atomic numbers as scattering factors: it only decides which reflections
    vanish (lattice centring, diamond glide, equal species), not their intensities, so no pattern is needed.
    """
    proto, a = crystal["proto"], crystal["a"]
    c = crystal.get("c", a)
    groups = S._sites(proto, crystal.get("u", 0.0))
    zs = [_atomic_number(sp) for sp in crystal["species"]]
    top = int(math.isqrt(n2[1]))
    out = []
    for h in range(top + 1):
        for k in range(h + 1):
            for ell in range(top + 1):
                if proto != "rutile" and ell > k:
                    continue
                n = h * h + k * k + ell * ell
                if not n2[0] <= n <= n2[1]:
                    continue
                f = sum(z * complex(math.cos(2 * math.pi * (h * x + k * y + ell * w)),
                                    math.sin(2 * math.pi * (h * x + k * y + ell * w)))
                        for z, sites in zip(zs, groups, strict=True) for x, y, w in sites)
                if abs(f) < 1e-6 * sum(zs):
                    continue
                s = lam / 2 * math.sqrt((h * h + k * k) / a**2 + ell * ell / c**2)
                if s < 1:
                    out.append(([h, k, ell], 2 * math.degrees(math.asin(s))))
    return out


def _indexed_peak(rng: random.Random, protos: list[str], n2: list[int]) -> tuple[dict[str, Any], list[int], float]:
    """A crystal and source with a reflection of h² + k² + l² in ``n2`` inside the scan: (identity, hkl, 2θ)."""
    while True:
        identity = {"crystal": S.random_crystal(rng, protos), "source": pick(rng, list(_SOURCES))}
        src = _SOURCES[identity["source"]]
        lo, hi = _RANGE[src]
        found = [(h, t) for h, t in _reflections(identity["crystal"], WAVELENGTHS[src], (n2[0], n2[1]))
                 if lo + 0.5 <= t <= hi - 0.5]
        if found:
            hkl, two_theta = pick(rng, found)
            return identity, hkl, two_theta


class XrdPeak(NumericTask):
    """2θ of the strongest or first peak, or the d-spacing of the strongest peak."""

    version = 2
    default_params = {"rel_tol": 0.0, "abs_tol": 0.1, "peak": "strongest", "quantity": "two_theta", "pool": "all",
                      "tier": 3}
    levels = _TIER_LEVELS
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atoms in the conventional cell times species: terms of every structure factor."""
        return S.complexity(identity["crystal"])

    @property
    def unit(self) -> str:  # type: ignore[override]
        return "degrees (2θ)" if self.params["quantity"] == "two_theta" else "Å"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pool = S.CUBIC if self.params["pool"] == "cubic" else S.ALL
        while True:
            identity = {"crystal": S.tiered_crystal(rng, pool, self.params["tier"]),
                        "source": pick(rng, list(_SOURCES))}
            if _unambiguous(pattern(identity), self.params["peak"]):
                return identity

    def question(self, identity: dict[str, Any]) -> str:
        which = ("strongest peak" if self.params["peak"] == "strongest" else
                 f"lowest-angle peak with at least {MIN_RELATIVE:g}% of the strongest peak's intensity")
        ask = "2θ position" if self.params["quantity"] == "two_theta" else "d-spacing"
        return (f"{S.describe(identity['crystal'], sites=True)} A powder X-ray diffraction pattern is measured "
                f"with {_source_text(identity)}. Using kinematic intensities (atomic scattering factors, structure "
                f"factors, multiplicities and the Lorentz-polarisation factor; no thermal factor), what is the "
                f"{ask} of the {which}?")

    def value(self, identity: dict[str, Any]) -> float:
        peaks = pattern(identity)
        p = _strongest(peaks) if self.params["peak"] == "strongest" else _first(peaks)
        return p["two_theta"] if self.params["quantity"] == "two_theta" else p["d"]


def _family(hkl: list[int]) -> list[int]:
    return sorted(abs(x) for x in hkl)


class XrdStrongestHkl(IndicesTask):
    description = "Miller indices of the strongest powder XRD peak of a cubic crystal."
    version = 2
    default_params = {"tier": 3}
    # No levels yet: (1 1 1) is the strongest peak of most cubic crystals (a constant guess earns 0.5-0.8).
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """Atoms in the conventional cell times species: terms of every structure factor."""
        return S.complexity(identity["crystal"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            identity = {"crystal": S.tiered_crystal(rng, S.CUBIC, self.params["tier"]),
                        "source": pick(rng, list(_SOURCES))}
            if _unambiguous(pattern(identity), "strongest"):
                return identity

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{S.describe(identity['crystal'], sites=True)} In its powder X-ray diffraction pattern "
                f"({_source_text(identity)}, kinematic intensities with the Lorentz-polarisation factor), which "
                "reflection (hkl) gives the strongest peak?")

    def value(self, identity: dict[str, Any]) -> list[int]:
        return sorted(_strongest(pattern(identity))["hkls"][0], reverse=True)

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = parse_indices(answer, 3)
        if got is None:
            return invalid("not a set of indices")
        families = [_family(h) for h in _strongest(pattern(identity))["hkls"]]
        return 1.0 if _family(got) in families else Score(0.0, "wrong")


class XrdPeakPosition(NumericTask):
    description = "2θ position of a given hkl reflection."
    version = 3
    default_params = {"rel_tol": 0.0, "abs_tol": 0.05, "n2": [5, 9]}
    unit = "degrees (2θ)"
    levels = _INDEX_LEVELS
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """h² + k² + l² of the asked reflection."""
        return _hkl_complexity(identity["hkl"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        identity, hkl, _ = _indexed_peak(rng, S.CUBIC_SMALL + ["rutile"], self.params["n2"])
        identity["hkl"] = hkl
        return identity

    def question(self, identity: dict[str, Any]) -> str:
        h = " ".join(map(str, identity["hkl"]))
        return (f"{S.describe(identity['crystal'], sites=False)} At what diffraction angle 2θ does the ({h}) "
                f"reflection appear with {_source_text(identity)}?")

    def value(self, identity: dict[str, Any]) -> float:
        d = S.structure(identity["crystal"]).lattice.d_hkl(identity["hkl"])
        lam = WAVELENGTHS[_SOURCES[identity["source"]]]
        return 2 * math.degrees(math.asin(lam / (2 * d)))


class LatticeFromPeak(NumericTask):
    description = "Cubic lattice parameter from the 2θ position of an indexed XRD peak."
    version = 3
    default_params = {"rel_tol": 0.001, "abs_tol": 0.0, "n2": [5, 9]}
    unit = "Å"
    levels = _INDEX_LEVELS
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """h² + k² + l² of the given reflection."""
        return _hkl_complexity(identity["hkl"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        identity, hkl, two_theta = _indexed_peak(rng, S.CUBIC_SMALL, self.params["n2"])
        return {"formula": S.formula(identity["crystal"]), "source": identity["source"], "hkl": hkl,
                "two_theta": round(two_theta, 3)}

    def question(self, identity: dict[str, Any]) -> str:
        h = " ".join(map(str, identity["hkl"]))
        return (f"In the powder pattern of cubic {identity['formula']} measured with {_source_text(identity)}, the "
                f"({h}) reflection is at 2θ = {identity['two_theta']:.3f}°. What is the lattice parameter a?")

    def value(self, identity: dict[str, Any]) -> float:
        lam = WAVELENGTHS[_SOURCES[identity["source"]]]
        d = lam / (2 * math.sin(math.radians(identity["two_theta"] / 2)))
        return d * math.sqrt(sum(x * x for x in identity["hkl"]))


def allowed(lattice: str, hkl: list[int]) -> bool:
    """Whether the (hkl) reflection of a one-atom-basis lattice (or diamond, hcp) has a non-zero structure factor."""
    h, k, ell = hkl
    if lattice == "simple cubic":
        return True
    if lattice in ("body-centred cubic", "body-centred tetragonal"):
        return (h + k + ell) % 2 == 0
    if lattice == "C-centred orthorhombic":
        return (h + k) % 2 == 0
    if lattice == "hexagonal close-packed":  # two atoms at (1/3, 2/3, 1/4) and (2/3, 1/3, 3/4)
        return not ((h + 2 * k) % 3 == 0 and ell % 2 == 1)
    same = h % 2 == k % 2 == ell % 2
    if lattice == "face-centred cubic":
        return same
    return same and (h % 2 == 1 or (h + k + ell) % 4 == 0)


#: Lattices whose extinction rules are asked, with the cell the indices refer to.
_EXTINCTION_CELLS = {"body-centred cubic": "conventional cubic cell", "face-centred cubic": "conventional cubic cell",
                     "diamond cubic": "conventional cubic cell", "body-centred tetragonal": "conventional tetragonal cell",
                     "C-centred orthorhombic": "conventional orthorhombic cell",
                     "hexagonal close-packed": "hexagonal cell, three-index (h k l)"}


class ReflectionAllowed(YesNoTask):
    version = 4
    description = "Is an hkl reflection allowed (non-zero structure factor) for a lattice type?"
    default_params = {"max_index": 7}
    #: Levels: the largest |index| (signed indices, six lattice types).
    levels = ({"max_index": 7}, {"max_index": 12}, {"max_index": 20})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """|h| + |k| + |l|: the parity and sum rules get harder to apply with larger indices."""
        return float(sum(abs(x) for x in identity["hkl"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lattice = pick(rng, list(_EXTINCTION_CELLS))
        want = rng.random() < 0.5  # the label first: the two answers are balanced by construction
        top = self.params["max_index"]
        while True:
            hkl = [rng.randint(-top, top) for _ in range(3)]
            if any(hkl) and allowed(lattice, hkl) == want:
                return {"lattice": lattice, "hkl": hkl}

    def question(self, identity: dict[str, Any]) -> str:
        h = " ".join(map(str, identity["hkl"]))
        return (f"For a monatomic {identity['lattice']} crystal ({_EXTINCTION_CELLS[identity['lattice']]}), is the "
                f"({h}) reflection allowed, i.e. does it have a non-zero structure factor?")

    def value(self, identity: dict[str, Any]) -> bool:
        return allowed(identity["lattice"], identity["hkl"])


class PeakCount(IntegerTask):
    version = 3
    description = "Number of distinct powder XRD peaks of a cubic metal below a given 2θ."
    default_params = {"max_angle": (60.0, 140.0)}
    levels = ({"max_angle": (30.0, 70.0)}, {"max_angle": (45.0, 100.0)}, {"max_angle": (60.0, 140.0)},
              {"max_angle": (100.0, 160.0)}, {"max_angle": (140.0, 175.0)})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Reflections to enumerate, test and place: the answer itself."""
        return float(self.value(identity))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            crystal = S.random_crystal(rng, ["fcc", "bcc", "diamond"])
            source = pick(rng, list(_SOURCES))
            two_theta_max = round(rng.uniform(*self.params["max_angle"]), 1)
            angles = self._angles(crystal, source)
            if min(abs(a - two_theta_max) for a in angles) > 0.5:
                return {"crystal": crystal, "source": source, "max": two_theta_max}

    @staticmethod
    def _angles(crystal: dict[str, Any], source: str) -> list[float]:
        lattice = {"fcc": "face-centred cubic", "bcc": "body-centred cubic", "diamond": "diamond cubic"}
        lam = WAVELENGTHS[_SOURCES[source]]
        out = set()
        for h in range(13):
            for k in range(h + 1):
                for ell in range(k + 1):
                    if (h or k or ell) and allowed(lattice[crystal["proto"]], [h, k, ell]):
                        s = lam * math.sqrt(h * h + k * k + ell * ell) / (2 * crystal["a"])
                        if s < 1:
                            out.add(round(2 * math.degrees(math.asin(s)), 6))
        return sorted(out)

    def question(self, identity: dict[str, Any]) -> str:
        return (f"{S.describe(identity['crystal'], sites=False)} With {identity['source']} radiation "
                f"(λ = {WAVELENGTHS[_SOURCES[identity['source']]]:.5f} Å), how many distinct powder diffraction "
                f"peaks (allowed reflections with different d-spacings) appear at 2θ below {identity['max']:g}°?")

    def value(self, identity: dict[str, Any]) -> int:
        return sum(a < identity["max"] for a in self._angles(identity["crystal"], identity["source"]))


HC_KEV_A = 12.398419843  # h c in keV Å


class Scherrer(NumericTask):
    description = "Crystallite size from XRD peak broadening (Scherrer equation)."
    version = 2
    default_params = {"rel_tol": 0.01, "abs_tol": 0.0, "form": "plain"}
    #: Levels: a named source and the sample's own width; a beam given by its photon energy; and an observed
    #: width from which the instrument's is removed (Gaussian widths, in quadrature) as well.
    levels = ({"form": "plain"}, {"form": "energy"}, {"form": "instrument"})
    default_level = 1
    unit = "nm"

    def complexity(self, identity: dict[str, Any]) -> float:
        """The Scherrer equation, plus λ from the photon energy, plus two steps to remove the instrument width."""
        return 1.0 + ("kev" in identity) + 2.0 * ("instrument" in identity)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        out: dict[str, Any] = {"source": pick(rng, list(_SOURCES)), "two_theta": round(rng.uniform(20.0, 80.0), 2),
                               "fwhm": round(rng.uniform(0.08, 1.5), 3), "k": pick(rng, [0.89, 0.9, 0.94])}
        if self.params["form"] == "plain":
            return out
        del out["source"]
        out["kev"] = round(rng.uniform(7.0, 20.0), 3)
        if self.params["form"] == "instrument":
            inst = round(rng.uniform(0.03, 0.12), 3)
            obs = round(math.sqrt(out["fwhm"] ** 2 + inst**2), 3)
            out.update({"instrument": inst, "observed": obs, "fwhm": math.sqrt(obs**2 - inst**2)})
        return out

    def _wavelength(self, identity: dict[str, Any]) -> float:
        """λ in Å."""
        if "kev" in identity:
            return HC_KEV_A / identity["kev"]
        return WAVELENGTHS[_SOURCES[identity["source"]]]

    def question(self, identity: dict[str, Any]) -> str:
        if "kev" in identity:
            beam = f"a monochromatic {identity['kev']:g} keV X-ray beam (hc = 12.3984 keV Å)"
        else:
            beam = f"{identity['source']} radiation (λ = {self._wavelength(identity):.5f} Å)"
        if "instrument" in identity:
            width = (f"an observed full width at half maximum of {identity['observed']}° (2θ); the instrument's own "
                     f"width there is {identity['instrument']}°, and both peak shapes are Gaussian (widths add in "
                     "quadrature)")
        else:
            width = f"a full width at half maximum of {identity['fwhm']}° (2θ, instrument broadening already removed)"
        return (f"A powder XRD peak measured with {beam} is at 2θ = {identity['two_theta']}° with {width}. Using the "
                f"Scherrer equation with K = {identity['k']}, what is the crystallite size?")

    def value(self, identity: dict[str, Any]) -> float:
        lam = self._wavelength(identity) / 10.0
        beta = math.radians(identity["fwhm"])
        return identity["k"] * lam / (beta * math.cos(math.radians(identity["two_theta"] / 2)))


def register(registry: Any) -> None:
    registry.register(XrdPeak, "materials/xrd_strongest_peak", {"peak": "strongest"},
                      "2θ of the strongest powder XRD peak of a crystal.")
    registry.register(XrdPeak, "materials/xrd_first_peak", {"peak": "first"},
                      "2θ of the lowest-angle powder XRD peak of a crystal.")
    registry.register(XrdPeak, "materials/xrd_strongest_d_spacing",
                      {"peak": "strongest", "quantity": "d", "abs_tol": 0.005},
                      "d-spacing of the strongest powder XRD peak.")
    registry.register(XrdStrongestHkl, "materials/xrd_strongest_hkl")
    registry.register(XrdPeakPosition, "materials/xrd_peak_position")
    registry.register(LatticeFromPeak, "materials/xrd_lattice_parameter")
    registry.register(ReflectionAllowed, "materials/xrd_reflection_allowed")
    registry.register(PeakCount, "materials/xrd_peak_count")
    registry.register(Scherrer, "materials/scherrer_crystallite_size")

