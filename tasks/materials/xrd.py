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
#: Peak levels: the share (from, to) of the pattern, by angle, the asked reflection is drawn from.
_PEAK_LEVELS = ({"peaks": (0.0, 0.2)}, {"peaks": (0.0, 0.5)}, {"peaks": (0.0, 1.0)}, {"peaks": (0.5, 1.0)},
                {"peaks": (0.8, 1.0)})


def _pick_peak(rng: random.Random, peaks: list[dict[str, Any]], share: tuple[float, float]) -> dict[str, Any]:
    n = len(peaks)
    lo = min(int(share[0] * n), n - 1)
    hi = max(int(round(share[1] * n)), lo + 1)
    return peaks[rng.randrange(lo, hi)]


def _hkl_complexity(hkl: list[int]) -> float:
    """h² + k² + l²: higher-order reflections are the harder ones to index and place."""
    return float(sum(x * x for x in hkl))


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
    version = 2
    default_params = {"rel_tol": 0.0, "abs_tol": 0.05, "peaks": (0.0, 1.0)}
    unit = "degrees (2θ)"
    # No levels yet: the complexity (h^2+k^2+l^2 of the asked peak) does not rise strictly at the top levels.
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """h² + k² + l² of the asked reflection."""
        return _hkl_complexity(identity["hkl"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, S.CUBIC + ["rutile"])
        identity = {"crystal": crystal, "source": pick(rng, list(_SOURCES))}
        peak = _pick_peak(rng, pattern(identity), tuple(self.params["peaks"]))
        identity["hkl"] = pick(rng, peak["hkls"])
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
    version = 2
    default_params = {"rel_tol": 0.001, "abs_tol": 0.0, "peaks": (0.0, 1.0)}
    unit = "Å"
    # No levels yet: the complexity (h^2+k^2+l^2 of the asked peak) does not rise strictly at the top levels.
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """h² + k² + l² of the given reflection."""
        return _hkl_complexity(identity["hkl"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        crystal = S.random_crystal(rng, S.CUBIC)
        identity = {"crystal": crystal, "source": pick(rng, list(_SOURCES))}
        peak = _pick_peak(rng, pattern(identity), tuple(self.params["peaks"]))
        return {"formula": S.formula(crystal), "source": identity["source"], "hkl": peak["hkls"][0],
                "two_theta": round(peak["two_theta"], 3)}

    def question(self, identity: dict[str, Any]) -> str:
        h = " ".join(map(str, identity["hkl"]))
        return (f"In the powder pattern of cubic {identity['formula']} measured with {_source_text(identity)}, the "
                f"({h}) reflection is at 2θ = {identity['two_theta']:.3f}°. What is the lattice parameter a?")

    def value(self, identity: dict[str, Any]) -> float:
        lam = WAVELENGTHS[_SOURCES[identity["source"]]]
        d = lam / (2 * math.sin(math.radians(identity["two_theta"] / 2)))
        return d * math.sqrt(sum(x * x for x in identity["hkl"]))


def allowed(lattice: str, hkl: list[int]) -> bool:
    """Whether the (hkl) reflection of a one-atom-basis cubic lattice (or diamond) has a non-zero structure factor."""
    h, k, ell = hkl
    if lattice == "simple cubic":
        return True
    if lattice == "body-centred cubic":
        return (h + k + ell) % 2 == 0
    same = h % 2 == k % 2 == ell % 2
    if lattice == "face-centred cubic":
        return same
    return same and (h % 2 == 1 or (h + k + ell) % 4 == 0)


class ReflectionAllowed(YesNoTask):
    version = 3
    description = "Is an hkl reflection allowed (non-zero structure factor) for a cubic lattice type?"
    default_params = {"max_index": 6}
    # No levels yet: (h k l) up to 6 on three lattices is about a thousand problems, under the checks'
    # problem space at any size worth asking; it needs a wider question first.
    levels = ()
    default_level = None

    def complexity(self, identity: dict[str, Any]) -> float:
        """|h| + |k| + |l|: the parity and sum rules get harder to apply with larger indices."""
        return float(sum(abs(x) for x in identity["hkl"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lattice = pick(rng, ["body-centred cubic", "face-centred cubic", "diamond cubic"])
        want = rng.random() < 0.5
        while True:
            hkl = [rng.randint(0, self.params["max_index"]) for _ in range(3)]
            if any(hkl) and allowed(lattice, hkl) == want:
                return {"lattice": lattice, "hkl": hkl}

    def question(self, identity: dict[str, Any]) -> str:
        h = " ".join(map(str, identity["hkl"]))
        return (f"For a monatomic {identity['lattice']} crystal (conventional cubic cell), is the ({h}) "
                "reflection allowed, i.e. does it have a non-zero structure factor?")

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


class Scherrer(NumericTask):
    description = "Crystallite size from XRD peak broadening (Scherrer equation)."
    default_params = {"rel_tol": 0.01, "abs_tol": 0.0}
    unit = "nm"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"source": pick(rng, list(_SOURCES)), "two_theta": round(rng.uniform(20.0, 80.0), 2),
                "fwhm": round(rng.uniform(0.08, 1.5), 3), "k": pick(rng, [0.89, 0.9, 0.94])}

    def question(self, identity: dict[str, Any]) -> str:
        lam = WAVELENGTHS[_SOURCES[identity["source"]]]
        return (f"A powder XRD peak measured with {identity['source']} radiation (λ = {lam:.5f} Å) is at "
                f"2θ = {identity['two_theta']}° with a full width at half maximum of {identity['fwhm']}° (2θ, "
                f"instrument broadening already removed). Using the Scherrer equation with K = {identity['k']}, "
                "what is the crystallite size?")

    def value(self, identity: dict[str, Any]) -> float:
        lam = WAVELENGTHS[_SOURCES[identity["source"]]] / 10.0
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

