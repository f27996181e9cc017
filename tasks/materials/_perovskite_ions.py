"""Ion pools, Shannon radii, charge-balanced ABX3 compositions and the perovskite factors. Not a task module.

Goldschmidt t = (r_A + r_X) / (√2 (r_B + r_X)); octahedral factor μ = r_B / r_X; Bartel's
τ = r_X/r_B - n_A (n_A - (r_A/r_B) / ln(r_A/r_B)). A mixed site takes the site-fraction-weighted mean radius.
"""

from __future__ import annotations

import functools
import math
import random
import warnings
from typing import Any

from bootcamp.answers import number_text
from tasks.materials.oxidation import shannon

A_IONS = [("Na", 1), ("K", 1), ("Rb", 1), ("Cs", 1), ("Tl", 1), ("Ca", 2), ("Sr", 2), ("Ba", 2), ("Pb", 2), ("Cd", 2),
          ("La", 3), ("Ce", 3), ("Nd", 3), ("Sm", 3)]
B_IONS = [("Ti", 4), ("Zr", 4), ("Hf", 4), ("Sn", 4), ("Ge", 4), ("Mn", 4), ("Ce", 4), ("Pb", 4), ("Al", 3), ("Fe", 3),
          ("Ga", 3), ("Cr", 3), ("Sc", 3), ("In", 3), ("Co", 3), ("Ni", 3), ("V", 3), ("Y", 3), ("Nb", 5), ("Ta", 5),
          ("Sb", 5), ("Mo", 5), ("W", 6), ("Mo", 6), ("Te", 6), ("Mg", 2), ("Zn", 2), ("Ni", 2), ("Co", 2), ("Fe", 2),
          ("Pb", 2), ("Ge", 2), ("Ca", 2), ("Mn", 2), ("Ag", 1), ("Na", 1), ("Li", 1), ("Bi", 3), ("Sb", 3), ("Cu", 1)]
X_IONS = [("O", -2), ("F", -1), ("Cl", -1), ("Br", -1), ("I", -1), ("S", -2), ("Se", -2)]


@functools.lru_cache(maxsize=512)
def radius(el: str, q: int, cn: str) -> float | None:
    """The Shannon radius (Å, 3 decimals) of an ion, or None where the table has none."""
    with warnings.catch_warnings():  # pymatgen warns when a table entry has one spin state only
        warnings.simplefilter("ignore")
        r = shannon(el, q, cn)
    return None if r is None else round(r, 3)


def signed(q: int) -> str:
    return f"{abs(q) if abs(q) > 1 else ''}{'+' if q > 0 else '-'}"


def random_site(rng: random.Random, pool: list[tuple[str, int]], n: int, cn: str, charge: int | None = None,
          exclude: tuple[str, ...] = ()) -> list[list[Any]] | None:
    """``n`` species of one charge from ``pool`` with fractions (2 decimals) and radii: [[el, q, x, r], ...]."""
    if charge is None:
        charge = pool[rng.randrange(len(pool))][1]
    same = [(el, q) for el, q in pool if q == charge and el not in exclude and radius(el, q, cn) is not None]
    if len(same) < n:
        return None
    chosen = rng.sample(same, n)
    cuts = sorted(round(rng.uniform(0.05, 0.95), 2) for _ in range(n - 1))
    fracs = [round(b - a, 2) for a, b in zip([0.0, *cuts], [*cuts, 1.0], strict=False)]
    if min(fracs) < 0.05:
        return None
    return [[el, q, x, radius(el, q, cn)] for (el, q), x in zip(chosen, fracs, strict=True)]


def mean_radius(site: list[list[Any]]) -> float:
    return sum(x * r for _, _, x, r in site)


def site_formula(site: list[list[Any]], count: int = 1) -> str:
    """``Ba``, ``(Sr0.3Ba0.7)`` or, for a count, ``O3`` / ``(I0.6Br0.4)3``."""
    n = str(count) if count > 1 else ""
    if len(site) == 1:
        return site[0][0] + n
    return "(" + "".join(f"{el}{number_text(x)}" for el, _, x, _ in site) + ")" + n


def radii_text(*sites: list[list[Any]]) -> str:
    seen, out = set(), []
    for site, cn in zip(sites, ("XII", "VI", "VI"), strict=False):
        for el, q, _, r in site:
            if (el, q, cn) not in seen:
                seen.add((el, q, cn))
                out.append(f"{el}{signed(q)} ({cn}) {r:.3f} Å")
    return ", ".join(out)


def random_abx3(rng: random.Random, n_a: int, n_b: int, n_x: int) -> dict[str, Any]:
    """A charge-balanced ABX3 with ``n_a``, ``n_b``, ``n_x`` species on the three sites."""
    while True:
        x = random_site(rng, X_IONS, n_x, "VI")
        a = random_site(rng, A_IONS, n_a, "XII")
        if a is None or x is None:
            continue
        qb = -3 * x[0][1] - a[0][1]
        b = random_site(rng, B_IONS, n_b, "VI", qb, exclude=tuple(s[0] for s in a))
        if b is None:
            continue
        return {"A": a, "B": b, "X": x}


def formula(c: dict[str, Any]) -> str:
    return site_formula(c["A"]) + site_formula(c["B"]) + site_formula(c["X"], 3)


def tolerance(c: dict[str, Any]) -> float:
    ra, rb, rx = mean_radius(c["A"]), mean_radius(c["B"]), mean_radius(c["X"])
    return (ra + rx) / (math.sqrt(2) * (rb + rx))


def octahedral(c: dict[str, Any]) -> float:
    return mean_radius(c["B"]) / mean_radius(c["X"])


def tau(c: dict[str, Any]) -> float:
    ra, rb, rx = mean_radius(c["A"]), mean_radius(c["B"]), mean_radius(c["X"])
    n_a = c["A"][0][1]
    return rx / rb - n_a * (n_a - (ra / rb) / math.log(ra / rb))


def given_text(c: dict[str, Any]) -> str:
    mixed = (" A mixed site takes the site-fraction-weighted mean of its radii." if
             max(len(c["A"]), len(c["B"]), len(c["X"])) > 1 else "")
    return (f"For the perovskite {formula(c)}, the Shannon ionic radii (coordination in parentheses) are "
            f"{radii_text(c['A'], c['B'], c['X'])}.{mixed}")


def species_complexity(identity: dict[str, Any]) -> float:
    return float(len(identity["A"]) + len(identity["B"]) + len(identity["X"]))
