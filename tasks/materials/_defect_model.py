"""Hosts, defects, chemical potentials and the formation-energy formula of the defect tasks. Not a task module.

E_f[X^q] = E_tot[X^q] - E_tot[bulk] - sum_i n_i mu_i + q (E_F + E_VBM) + E_corr (Zhang and Northrup 1991;
Freysoldt et al., Rev. Mod. Phys. 86, 253 (2014)). Band gaps are near the experimental ones, scaled by
0.85-1.1 per seed; supercell energies are 4-8.5 eV/atom times 32-216 atoms.
"""

from __future__ import annotations

import random
from typing import Any

#: Host crystals: formula, cation, anion, cations and anions per formula unit, band gap (eV).
HOSTS = [("ZnO", "Zn", "O", 1, 1, 3.4), ("GaN", "Ga", "N", 1, 1, 3.5), ("MgO", "Mg", "O", 1, 1, 7.8),
         ("TiO2", "Ti", "O", 1, 2, 3.0), ("SnO2", "Sn", "O", 1, 2, 3.6), ("CdTe", "Cd", "Te", 1, 1, 1.5),
         ("GaAs", "Ga", "As", 1, 1, 1.4), ("ZnS", "Zn", "S", 1, 1, 3.7), ("In2O3", "In", "O", 2, 3, 2.9),
         ("Al2O3", "Al", "O", 2, 3, 8.8), ("CeO2", "Ce", "O", 1, 2, 3.2), ("AlN", "Al", "N", 1, 1, 6.1),
         ("ZnSe", "Zn", "Se", 1, 1, 2.7), ("Ga2O3", "Ga", "O", 2, 3, 4.8), ("CdS", "Cd", "S", 1, 1, 2.4),
         ("HfO2", "Hf", "O", 1, 2, 5.7), ("Cu2O", "Cu", "O", 2, 1, 2.1), ("NiO", "Ni", "O", 1, 1, 3.8),
         ("ZrO2", "Zr", "O", 1, 2, 5.5), ("InP", "In", "P", 1, 1, 1.3)]
CATION_DOPANTS = ["Li", "Na", "K", "Mg", "Ca", "Al", "Ga", "In", "Sc", "Y", "La", "Nb", "Ta", "Cu", "Ag", "Fe", "Mn",
                  "Co", "Sb", "Bi"]
ANION_DOPANTS = ["N", "F", "Cl", "S", "Se", "C", "P", "Br", "H"]
KINDS = ("vacancy", "interstitial", "antisite", "substitution")

def random_host(rng: random.Random) -> dict[str, Any]:
    formula, cat, an, a, b, gap = HOSTS[rng.randrange(len(HOSTS))]
    atoms = rng.choice([32, 48, 64, 72, 96, 108, 128, 192, 216])
    per_atom = rng.uniform(4.0, 8.5)
    return {"host": formula, "cation": cat, "anion": an, "a": a, "b": b, "gap": round(gap * rng.uniform(0.85, 1.1), 2),
            "vbm": round(rng.uniform(-1.5, 6.0), 3), "bulk": round(-per_atom * atoms, 4)}


def random_defect(rng: random.Random, kind: str, host: dict[str, Any]) -> tuple[str, dict[str, int], str]:
    """A defect of ``kind`` in ``host``: its name, atoms added (+) or removed (-), and a description."""
    cat, an = host["cation"], host["anion"]
    if kind == "vacancy":
        el = cat if rng.random() < 0.5 else an
        return f"V_{el}", {el: -1}, f"a {el} vacancy (one {el} atom removed)"
    if kind == "interstitial":
        el = cat if rng.random() < 0.5 else an
        return f"{el}_i", {el: 1}, f"a {el} interstitial (one extra {el} atom)"
    if kind == "antisite":
        on, off = (cat, an) if rng.random() < 0.5 else (an, cat)
        return f"{on}_{off}", {on: 1, off: -1}, f"a {on}-on-{off} antisite (one {off} atom replaced by {on})"
    site, pool = (cat, CATION_DOPANTS) if rng.random() < 0.6 else (an, ANION_DOPANTS)
    dopant = rng.choice([d for d in pool if d not in (cat, an)])
    return f"{dopant}_{site}", {dopant: 1, site: -1}, f"a substitutional {dopant} on a {site} site"


def chemical_potentials(rng: random.Random, host: dict[str, Any], species: list[str], form: str) -> dict[str, Any]:
    """The chemical potentials of ``species`` (eV/atom) and how the prompt states them."""
    refs = {el: round(-rng.uniform(1.5, 9.5), 4) for el in species}
    a, b = host["a"], host["b"]
    dh = round(-rng.uniform(0.3, 2.2) * (a + b), 3)  # formation enthalpy per formula unit
    out: dict[str, Any] = {"form": form, "refs": refs}
    if form == "limit":
        out["dh"] = dh
        out["rich"] = host["anion"] if rng.random() < 0.5 else host["cation"]
        out["delta"] = {el: round(-rng.uniform(0.0, 1.5), 3) for el in species
                        if el not in (host["cation"], host["anion"])}
    else:
        out["delta"] = {el: round(-rng.uniform(0.0, 2.0), 3) for el in species}
    return out


def chemical_potential(identity: dict[str, Any], el: str) -> float:
    """μ of ``el`` (eV/atom) from the identity's statement of the chemical potentials."""
    mu = identity["mu"]
    ref = mu["refs"][el]
    if mu["form"] != "limit" or el in mu["delta"]:
        return ref + mu["delta"][el]
    # host elements at a growth limit: the rich one at its element, the other fixed by a Δμ_A + b Δμ_X = ΔH
    if el == mu["rich"]:
        return ref
    n_el = identity["a"] if el == identity["cation"] else identity["b"]
    return ref + mu["dh"] / n_el


def mu_text(identity: dict[str, Any]) -> str:
    mu = identity["mu"]
    if mu["form"] == "absolute":
        return "The chemical potentials are " + ", ".join(
            f"μ_{el} = {mu['refs'][el] + mu['delta'][el]:.4f} eV" for el in mu["refs"]) + "."
    refs = ", ".join(f"{el} {e:.4f} eV/atom" for el, e in mu["refs"].items())
    text = f"The elemental reference energies are {refs}; μ_i = E_i(element) + Δμ_i. "
    if mu["form"] == "delta":
        return text + "The growth conditions give " + ", ".join(f"Δμ_{el} = {d:.3f} eV" for el, d in
                                                                mu["delta"].items()) + "."
    h = identity["host"]
    text += (f"The crystal is grown under {mu['rich']}-rich conditions: Δμ_{mu['rich']} = 0, and the other host "
             f"element is fixed by equilibrium with {h}, {identity['a']} Δμ_{identity['cation']} + {identity['b']} "
             f"Δμ_{identity['anion']} = ΔH_f({h}) = {mu['dh']:.3f} eV per formula unit.")
    extra = ", ".join(f"Δμ_{el} = {d:.3f} eV" for el, d in mu["delta"].items())
    return text + (f" For the dopant, {extra}." if extra else "")


FORMULA = ("E_f = E_tot(defect) - E_tot(bulk) - Σ n_i μ_i + q (E_F + E_VBM) + E_corr, where n_i is the number of "
           "atoms of species i added (positive) or removed (negative) and E_F is measured from the VBM")


def formation_energy(identity: dict[str, Any], e_tot: float, q: int, corr: float, fermi: float) -> float:
    """The formula above for the identity's defect."""
    sum_mu = sum(n * chemical_potential(identity, el) for el, n in identity["added"].items())
    return e_tot - identity["bulk"] - sum_mu + q * (fermi + identity["vbm"]) + corr
