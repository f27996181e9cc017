"""Cells, peak lists and indexing answers for the powder-pattern indexing tasks. Not a task module.

Bragg's law λ = 2 d sin θ with 1/d² from the cell: (h² + k²)/a² + l²/c² (cubic, tetragonal),
4/3 (h² + hk + k²)/a² + l²/c² (hexagonal), h²/a² + k²/b² + l²/c² (orthorhombic); centring absences
(I: h + k + l even; F: h, k, l all odd or all even). Peaks are the distinct d-spacings of allowed
reflections, lowest angle first.
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

from bootcamp.answers import Answer

#: X-ray lines (Å): the usual laboratory anodes.
SOURCES = {"Cu Kα1": 1.54056, "Co Kα1": 1.78897, "Mo Kα1": 0.70932, "Cr Kα1": 2.28970, "Fe Kα1": 1.93604,
           "Ag Kα1": 0.55941}
LATTICES = ("cP", "cI", "cF", "tP", "tI")
NAMES = {"cP": "primitive cubic", "cI": "body-centred cubic", "cF": "face-centred cubic",
         "tP": "primitive tetragonal", "tI": "body-centred tetragonal", "hP": "hexagonal",
         "oP": "primitive orthorhombic"}
#: Ratios c/a a tetragonal cell keeps away from, where it would mimic a cubic cell or another setting.
_SPECIAL = (0.5, 1 / math.sqrt(2), 1.0, math.sqrt(2), 2.0, math.sqrt(3), 1 / math.sqrt(3))
#: Two peaks closer than this (degrees 2θ) would overlap; such cells are not drawn.
RESOLUTION = 0.12
MAX_INDEX = 8


def allowed(lattice: str, hkl: tuple[int, int, int]) -> bool:
    """Whether the centring of ``lattice`` lets the (hkl) reflection through."""
    h, k, ell = hkl
    if lattice[1] == "I":
        return (h + k + ell) % 2 == 0
    if lattice[1] == "F":
        return h % 2 == k % 2 == ell % 2
    return True


def inv_d2(cell: dict[str, Any], hkl: tuple[int, int, int]) -> float:
    """1/d² (Å⁻²) of the (hkl) planes of a cubic, tetragonal, hexagonal or orthorhombic cell."""
    h, k, ell = hkl
    system = cell["lattice"][0]
    if system == "h":
        return 4 / 3 * (h * h + h * k + k * k) / cell["a"] ** 2 + ell * ell / cell["c"] ** 2
    if system == "o":
        return h * h / cell["a"] ** 2 + k * k / cell["b"] ** 2 + ell * ell / cell["c"] ** 2
    return (h * h + k * k) / cell["a"] ** 2 + ell * ell / cell["c"] ** 2


def two_theta(lam: float, inv: float) -> float | None:
    s = lam * math.sqrt(inv) / 2
    return 2 * math.degrees(math.asin(s)) if s < 1 else None


def peaks(cell: dict[str, Any], lam: float, count: int) -> list[dict[str, Any]] | None:
    """The first ``count`` distinct peaks (2θ, 1/d², one representative hkl), or None if two overlap."""
    groups: dict[float, tuple[int, int, int]] = {}
    system = cell["lattice"][0]
    for h in range(MAX_INDEX + 1):
        for k in range(MAX_INDEX + 1 if system == "o" else h + 1):
            for ell in range(MAX_INDEX + 1):
                if (h, k, ell) == (0, 0, 0) or (system == "c" and ell > k):
                    continue
                if not allowed(cell["lattice"], (h, k, ell)):
                    continue
                inv = round(inv_d2(cell, (h, k, ell)), 10)
                groups.setdefault(inv, (h, k, ell))
    out = []
    for inv in sorted(groups):
        t = two_theta(lam, inv)
        if t is None or t > 150.0:
            break
        out.append({"two_theta": t, "inv": inv, "hkl": list(groups[inv])})
        if len(out) == count + 1:
            break
    if len(out) < count:
        return None
    if any(b["two_theta"] - a["two_theta"] < RESOLUTION for a, b in zip(out, out[1:], strict=False)):
        return None
    return out[:count]


def random_cell(rng: random.Random, lattice: str) -> dict[str, Any]:
    """Lattice parameters (Å, 4 decimals) of a cell of ``lattice`` away from any higher-symmetry setting."""
    a = round(rng.uniform(2.8, 7.5), 4)
    if lattice[0] == "c":
        return {"lattice": lattice, "a": a, "c": a}
    while True:
        ratio = rng.uniform(0.55, 2.2)
        if min(abs(ratio - r) for r in _SPECIAL) <= 0.06:
            continue
        cell = {"lattice": lattice, "a": a, "c": round(a * ratio, 4)}
        if lattice[0] != "o":
            return cell
        b_ratio = rng.uniform(0.55, 2.2)
        if min(abs(b_ratio - r) for r in (*_SPECIAL, ratio, ratio * math.sqrt(2), ratio / math.sqrt(2))) > 0.06:
            return {**cell, "b": round(a * b_ratio, 4)}


def random_pattern(rng: random.Random, lattices: tuple[str, ...], count: int, skip: int = 0) -> dict[str, Any]:
    """A cell of one of ``lattices``, a source, and ``count`` consecutive peaks after the first ``skip`` (2θ to 0.01°)."""
    while True:
        cell = random_cell(rng, lattices[rng.randrange(len(lattices))])
        source = list(SOURCES)[rng.randrange(len(SOURCES))]
        found = peaks(cell, SOURCES[source], count + skip + 1)
        if found is not None:
            # the scan: from midway after the last skipped reflection to midway before the next unlisted one
            lo = round((found[skip - 1]["two_theta"] + found[skip]["two_theta"]) / 2, 1) if skip else 5.0
            hi = round((found[-2]["two_theta"] + found[-1]["two_theta"]) / 2, 1)
            found = found[skip:-1]
            return {**cell, "source": source, "peaks": [round(p["two_theta"], 2) for p in found],
                    "hkls": [p["hkl"] for p in found], "skip": skip, "scan": [lo, hi]}


def _cubic_ns(lattice: str, top: int = 400) -> list[int]:
    """The distinct h² + k² + l² of the allowed reflections of a cubic lattice, up to ``top``."""
    out = set()
    r = math.isqrt(top)
    for h in range(r + 1):
        for k in range(h + 1):
            for ell in range(k + 1):
                n = h * h + k * k + ell * ell
                if 0 < n <= top and allowed(lattice, (h, k, ell)):
                    out.add(n)
    return sorted(out)


_NS = {lat: _cubic_ns(lat) for lat in ("cP", "cI", "cF")}


def cubic_readings(two_thetas: list[float], lattices: tuple[str, ...]) -> set[tuple[int, ...]]:
    """Every run of consecutive allowed h² + k² + l² (of any of ``lattices``) whose ratios fit the peaks.

    sin²θ is proportional to h² + k² + l² in a cubic cell, so the ratios sin²θ_i / sin²θ_0 must equal
    N_i / N_0; the tolerance follows from rounding 2θ to 0.01°.
    """
    s2 = [math.sin(math.radians(t / 2)) ** 2 for t in two_thetas]
    err = [math.sin(math.radians(t)) * math.radians(0.006) / x for t, x in zip(two_thetas, s2, strict=True)]
    found = set()
    for lat in lattices:
        ns = _NS[lat]
        for start in range(len(ns) - len(s2)):
            run = ns[start:start + len(s2)]
            if all(abs(run[i] / run[0] - s2[i] / s2[0]) <= (err[0] + err[i]) * s2[i] / s2[0]
                   for i in range(1, len(s2))):
                found.add(tuple(run))
    return found


def source_text(identity: dict[str, Any]) -> str:
    scan = identity.get("scan")
    over = f" over 2θ = {scan[0]:.1f}-{scan[1]:.1f}°" if scan else ""
    return f"{identity['source']} radiation (λ = {SOURCES[identity['source']]:.5f} Å){over}"


def peaks_text(identity: dict[str, Any]) -> str:
    return ", ".join(f"{t:.2f}" for t in identity["peaks"])


_TRIPLET = re.compile(r"[(\[{]\s*(-?\d+)\s*[, ]\s*(-?\d+)\s*[, ]\s*(-?\d+)\s*[)\]}]|(?<![\d-])(\d)(\d)(\d)(?!\d)")
_GAP = re.compile(r"[\s,;]*")


def parse_triplets(text: str, max_items: int = 40) -> list[tuple[int, int, int]] | None:
    """A list of (h k l) triplets: ``(1 1 0), (2 0 0)``, ``(1,1,0); (2,0,0)`` or ``110, 200``; None otherwise."""
    if not isinstance(text, str) or len(text) > 1000:
        return None
    t = text.strip().strip("$").strip()
    t = t.replace("\\left", "").replace("\\right", "").replace("\\(", "(").replace("\\)", ")")
    if t[:1] in "[{" and t[-1:] in "]}" and not _TRIPLET.fullmatch(t):
        t = t[1:-1].strip()
    out: list[tuple[int, int, int]] = []
    pos = 0
    while pos < len(t):
        gap = _GAP.match(t, pos)
        pos = gap.end() if gap else pos
        if pos >= len(t):
            break
        m = _TRIPLET.match(t, pos)
        if m is None:
            return None
        nums = [int(x) for x in m.groups() if x is not None]
        if any(abs(x) > 99 for x in nums):
            return None
        out.append((nums[0], nums[1], nums[2]))
        pos = m.end()
        if len(out) > max_items:
            return None
    return out or None


class HklList(Answer):
    """One (hkl) per peak, in the peaks' order; right when each triplet is an allowed reflection at that peak."""

    expects = "one (h k l) per peak"
    max_chars = 1000

    def __init__(self, cell: dict[str, Any], invs: list[float]) -> None:
        self.cell, self.invs = cell, invs

    instruction = ("Give one reflection per peak, in the order of the peaks, as (h k l) triplets separated by "
                   "commas, e.g. \\boxed{(1 0 0), (1 1 0), (1 1 1)}; any reflection of the right family is accepted.")

    def parse(self, text: str) -> list[tuple[int, int, int]] | None:
        return parse_triplets(text)

    def matches(self, got: Any, expected: Any) -> bool:
        if len(got) != len(self.invs):
            return False
        for hkl, inv in zip(got, self.invs, strict=True):
            if not any(hkl) or not allowed(self.cell["lattice"], hkl):
                return False
            if abs(inv_d2(self.cell, hkl) - inv) > 1e-6 * inv:
                return False
        return True

    def write(self, expected: Any) -> str:
        return ", ".join("(" + " ".join(map(str, h)) + ")" for h in expected)

    def near_misses(self, expected: Any) -> list[str]:
        hkls = [list(h) for h in expected]
        out = [self.write(hkls[:-1]), self.write(hkls[::-1])]
        doubled = [[2 * x for x in h] for h in hkls]
        out.append(self.write(doubled))
        shifted = [list(h) for h in hkls]
        shifted[-1][0] += 1
        out.append(self.write(shifted))
        return [w for w in out if self.check(w, expected) < 1.0]
