"""Point defects in semiconductors and insulators from supercell total energies (the Zhang-Northrup formalism).

E_f[X^q] = E_tot[X^q] - E_tot[bulk] - sum_i n_i mu_i + q (E_F + E_VBM) + E_corr, with n_i atoms of
species i added (n_i > 0) or removed (n_i < 0) and E_F measured from the valence-band maximum.
Every number is generated per seed: the host, the supercell energies, the chemical potentials
(given directly, as offsets from elemental references, or fixed by a rich/poor growth limit),
the charge state and its finite-size correction. Transition levels and stable charge states
follow from the same formula.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.answers import IntegerTask, YesNoTask
from tasks.materials._common import NumericTask
from tasks.materials._defect_model import (
    FORMULA,
    KINDS,
    chemical_potentials,
    formation_energy,
    mu_text,
    random_defect,
    random_host,
)

#: Levels of the formation-energy tasks: charged states, a finite-size correction, then chemical
#: potentials given as offsets from elemental references, then fixed by a growth limit.
FORMATION_LEVELS: tuple[dict[str, Any], ...] = (
    {"charged": False, "corr": False, "mu": "absolute"}, {"charged": True, "corr": False, "mu": "absolute"},
    {"charged": True, "corr": True, "mu": "absolute"}, {"charged": True, "corr": True, "mu": "delta"},
    {"charged": True, "corr": True, "mu": "limit"})


class DefectFormationEnergy(NumericTask):
    """Formation energy of one defect in one charge state at a given Fermi level."""

    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "kind": "vacancy", "charged": True, "corr": True,
                      "mu": "absolute"}
    levels = FORMATION_LEVELS
    default_level = 3
    unit = "eV"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Terms of the formula: two energies, one per μ, the charge term, the correction, μ's own steps."""
        mu_steps = {"absolute": 0, "delta": 1, "limit": 3}[identity["mu"]["form"]]
        return 2.0 + len(identity["added"]) + (identity["q"] != 0) + (identity["corr"] != 0) + mu_steps

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_host(rng)
        name, added, text = random_defect(rng, self.params["kind"], host)
        q = rng.choice([-3, -2, -1, 1, 2, 3]) if self.params["charged"] else 0
        corr = round(rng.uniform(0.05, 0.25) * q * q, 3) if self.params["corr"] and q else 0.0
        species = sorted(set(added) | {host["cation"], host["anion"]}) if self.params["mu"] == "limit" else sorted(added)
        identity = {**host, "defect": name, "added": added, "text": text, "q": q, "corr": corr,
                    "fermi": round(rng.uniform(0.0, host["gap"]), 2),
                    "mu": chemical_potentials(rng, host, species, self.params["mu"])}
        target = rng.uniform(0.2, 6.0)  # the formation energy this defect should have
        e_tot = target - formation_energy(identity, 0.0, q, corr, identity["fermi"])
        identity["e_def"] = round(e_tot, 4)
        return identity

    def question(self, identity: dict[str, Any]) -> str:
        q = identity["q"]
        state = "neutral (q = 0)" if q == 0 else f"in charge state q = {q:+d}"
        corr = (f" The finite-size (image-charge and potential-alignment) correction of this charged cell is "
                f"E_corr = {identity['corr']:.3f} eV." if identity["corr"] else "")
        return (f"A DFT supercell of {identity['host']} (band gap {identity['gap']:.2f} eV, valence-band maximum "
                f"E_VBM = {identity['vbm']:.3f} eV) has total energy E_tot(bulk) = {identity['bulk']:.4f} eV. The "
                f"same supercell containing {identity['text']}, {identity['defect']}, {state}, has total energy "
                f"{identity['e_def']:.4f} eV.{corr} {mu_text(identity)} Using {FORMULA}, what is the formation "
                f"energy of {identity['defect']} (q = {q:+d}) at E_F = {identity['fermi']:.2f} eV above the VBM?")

    def value(self, identity: dict[str, Any]) -> float:
        return formation_energy(identity, identity["e_def"], identity["q"], identity["corr"], identity["fermi"])


#: Transition-level levels: adjacent states without corrections, with corrections, two-electron levels.
TRANSITION_LEVELS: tuple[dict[str, Any], ...] = ({"step": 1, "corr": False}, {"step": 1, "corr": True},
                                                 {"step": 2, "corr": True})


class TransitionLevel(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "step": 1, "corr": True}
    levels = TRANSITION_LEVELS
    default_level = 2
    unit = "eV above the VBM"
    description = "Thermodynamic charge transition level ε(q1/q2) from supercell total energies."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Energies and VBM terms to combine, plus corrections, plus the charge difference to divide by."""
        return 3.0 + 2.0 * bool(identity["corr"][0] or identity["corr"][1]) + abs(identity["q1"] - identity["q2"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_host(rng)
        name, added, text = random_defect(rng, KINDS[rng.randrange(4)], host)
        q2 = rng.randint(-3, 3 - self.params["step"])
        q1 = q2 + self.params["step"]  # the more positive state is stable below the level
        corr = [round(rng.uniform(0.05, 0.25) * q * q, 3) if self.params["corr"] else 0.0 for q in (q1, q2)]
        level = rng.uniform(0.05, host["gap"] - 0.05)
        e1 = round(host["bulk"] + rng.uniform(-30.0, 30.0), 4)
        # E_f(q1; E_F = ε) = E_f(q2; E_F = ε): the μ and bulk terms cancel
        e2 = e1 + q1 * (level + host["vbm"]) + corr[0] - q2 * (level + host["vbm"]) - corr[1]
        return {**host, "defect": name, "text": text, "q1": q1, "q2": q2, "e1": e1, "e2": round(e2, 4),
                "corr": corr}

    def question(self, identity: dict[str, Any]) -> str:
        c1, c2 = identity["corr"]
        q1, q2 = identity["q1"], identity["q2"]
        corr = (f" The finite-size corrections are E_corr = {c1:.3f} eV for q = {q1:+d} and {c2:.3f} eV for "
                f"q = {q2:+d}." if c1 or c2 else " Neglect finite-size corrections.")
        return (f"In {identity['host']} (E_VBM = {identity['vbm']:.3f} eV, band gap {identity['gap']:.2f} eV), a "
                f"supercell containing {identity['text']}, {identity['defect']}, has total energy "
                f"{identity['e1']:.4f} eV in charge state q = {q1:+d} and {identity['e2']:.4f} eV in charge state "
                f"q = {q2:+d}.{corr} With {FORMULA}, at what Fermi level (eV above the VBM) is the transition level "
                f"ε({q1:+d}/{q2:+d}), where the two charge states have equal formation energy?")

    def value(self, identity: dict[str, Any]) -> float:
        q1, q2, vbm = identity["q1"], identity["q2"], identity["vbm"]
        c1, c2 = identity["corr"]
        return (identity["e1"] + q1 * vbm + c1 - identity["e2"] - q2 * vbm - c2) / (q2 - q1)


def _ladder(rng: random.Random, states: list[int], gap: float) -> tuple[dict[int, float], list[float]]:
    """Formation energies at E_F = 0 of ``states`` (highest q first) whose transition levels are sorted in the gap."""
    while True:
        levels = sorted(rng.uniform(0.05, gap - 0.05) for _ in range(len(states) - 1))
        if all(b - a >= 0.1 for a, b in zip([0.0, *levels], [*levels, gap], strict=False)):
            break
    ef = {states[0]: round(rng.uniform(-0.5, 2.0), 3)}
    for q, lev in zip(states[1:], levels, strict=True):
        ef[q] = round(ef[q + 1] + lev, 3)  # E_f(q-1; 0) = E_f(q; 0) + ε(q/q-1)
    return ef, levels


class StableChargeState(IntegerTask):
    version = 1
    default_params = {"states": 3}
    levels = ({"states": 2}, {"states": 3}, {"states": 4}, {"states": 5}, {"states": 6})
    default_level = 2
    description = "Which charge state of a defect is stable at a given Fermi level?"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Charge states to compare."""
        return float(len(identity["ef0"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_host(rng)
        name, _, text = random_defect(rng, KINDS[rng.randrange(4)], host)
        k = self.params["states"]
        span = 3 if k < 4 else 4  # charges to ±4 on long ladders, so q = 0 is not the answer a quarter of the time
        top = rng.randint(-span + k - 1, span)
        states = list(range(top, top - k, -1))
        ef0, levels = _ladder(rng, states, host["gap"])
        pick = rng.randrange(k)  # the answer first: every state of the ladder equally often
        bounds = [0.0, *levels, host["gap"]]
        fermi = round(rng.uniform(bounds[pick] + 0.03, bounds[pick + 1] - 0.03), 3)
        return {"host": host["host"], "gap": host["gap"], "defect": name, "text": text,
                "ef0": {str(q): e for q, e in ef0.items()}, "fermi": fermi}

    def question(self, identity: dict[str, Any]) -> str:
        rows = "; ".join(f"q = {int(q):+d}: {e:.3f} eV" for q, e in identity["ef0"].items())
        return (f"For {identity['text']}, {identity['defect']}, in {identity['host']} (band gap {identity['gap']:.2f} "
                f"eV), the formation energies at E_F = 0 (the VBM) are {rows}. A charge state's formation energy "
                f"varies as E_f(q; E_F) = E_f(q; 0) + q E_F. Which charge state q has the lowest formation energy at "
                f"E_F = {identity['fermi']:.3f} eV above the VBM?")

    def value(self, identity: dict[str, Any]) -> int:
        f = identity["fermi"]
        return min((e + int(q) * f, -int(q)) for q, e in identity["ef0"].items())[1] * -1


class NegativeU(YesNoTask):
    version = 1
    default_params = {"given": "ef0"}
    levels = ({"given": "ef0"}, {"given": "total"}, {"given": "corrected"})
    default_level = 1
    description = "Is a defect with +1, 0 and -1 charge states negative-U (ε(+/0) above ε(0/-))?"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Terms per charge state: one formation energy, or total energy plus VBM term, plus a correction."""
        return 3.0 * {"ef0": 1, "total": 2, "corrected": 3}[identity["given"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_host(rng)
        name, _, text = random_defect(rng, KINDS[rng.randrange(4)], host)
        negative = rng.random() < 0.5  # the label first
        while True:
            a, b = sorted(rng.uniform(0.1, host["gap"] - 0.1) for _ in range(2))
            if b - a >= 0.05:
                break
        plus_zero, zero_minus = (b, a) if negative else (a, b)
        e_plus = rng.uniform(-0.5, 2.0)
        ef0 = {1: e_plus, 0: e_plus + plus_zero}
        ef0[-1] = ef0[0] + zero_minus
        out = {"host": host["host"], "gap": host["gap"], "vbm": host["vbm"], "defect": name, "text": text,
               "given": self.params["given"]}
        if self.params["given"] == "ef0":
            out["values"] = {str(q): round(e, 3) for q, e in ef0.items()}
            return out
        corr = {q: (round(rng.uniform(0.05, 0.25) * q * q, 3) if self.params["given"] == "corrected" else 0.0)
                for q in ef0}
        base = host["bulk"] + rng.uniform(-30.0, 30.0)
        # E_tot(q) = E_f(q; 0) - q E_VBM - E_corr(q) + a constant (bulk and μ terms, equal for all q)
        out["values"] = {str(q): round(base + e - q * host["vbm"] - corr[q], 4) for q, e in ef0.items()}
        out["corr"] = {str(q): c for q, c in corr.items()}
        return out

    def question(self, identity: dict[str, Any]) -> str:
        head = f"For {identity['text']}, {identity['defect']}, in {identity['host']} (band gap {identity['gap']:.2f} eV)"
        if identity["given"] == "ef0":
            rows = "; ".join(f"q = {int(q):+d}: {e:.3f} eV" for q, e in identity["values"].items())
            data = f"the formation energies at E_F = 0 (the VBM) are {rows}."
        else:
            rows = "; ".join(f"q = {int(q):+d}: {e:.4f} eV" for q, e in identity["values"].items())
            data = (f"the supercell total energies of the three charge states are {rows} (E_VBM = "
                    f"{identity['vbm']:.3f} eV).")
            if identity["given"] == "corrected":
                data += " Their finite-size corrections are " + ", ".join(
                    f"{c:.3f} eV for q = {int(q):+d}" for q, c in identity["corr"].items()) + "."
            data += f" Use {FORMULA}."
        return (f"{head}, {data} Is the defect negative-U, i.e. does ε(+1/0) lie above ε(0/-1) in the gap, so that "
                "the neutral state is never the most stable?")

    def value(self, identity: dict[str, Any]) -> bool:
        v = {int(q): e for q, e in identity["values"].items()}
        if identity["given"] != "ef0":
            c = {int(q): x for q, x in identity["corr"].items()}
            v = {q: e + q * identity["vbm"] + c[q] for q, e in v.items()}
        return (v[0] - v[1]) > (v[-1] - v[0])


class PinningLevel(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "given": "ef0"}
    levels = ({"given": "ef0"}, {"given": "at_fermi"}, {"given": "total"})
    default_level = 1
    unit = "eV above the VBM"
    description = "Fermi level where a charged donor and a charged acceptor have equal formation energy."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Terms per defect: a formation energy, shifted to E_F = 0, or built from total energies and μ."""
        return 2.0 * {"ef0": 1, "at_fermi": 2, "total": 4}[identity["given"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_host(rng)
        dname, _, dtext = random_defect(rng, "vacancy", host)
        aname, _, atext = random_defect(rng, "substitution", host)
        qd, qa = rng.randint(1, 3), -rng.randint(1, 3)
        pin = rng.uniform(0.1, host["gap"] - 0.1)
        ed0 = rng.uniform(-1.0, 2.0)
        ea0 = ed0 + (qd - qa) * pin  # equal at E_F = pin: ed0 + qd pin = ea0 + qa pin
        out = {"host": host["host"], "gap": host["gap"], "vbm": host["vbm"], "donor": [dname, dtext, qd],
               "acceptor": [aname, atext, qa], "given": self.params["given"]}
        if self.params["given"] == "ef0":
            out["values"] = [round(ed0, 3), round(ea0, 3)]
        elif self.params["given"] == "at_fermi":
            f = round(rng.uniform(0.0, host["gap"]), 2)
            out["ref"] = f
            out["values"] = [round(ed0 + qd * f, 3), round(ea0 + qa * f, 3)]
        else:
            out["bulk"] = host["bulk"]
            out["shift"] = [round(rng.uniform(-8.0, 8.0), 4), round(rng.uniform(-8.0, 8.0), 4)]  # -Σ n_i μ_i
            out["values"] = [round(host["bulk"] - s + e - q * host["vbm"], 4)
                             for s, e, q in zip(out["shift"], (ed0, ea0), (qd, qa), strict=True)]
        return out

    def question(self, identity: dict[str, Any]) -> str:
        (dn, dt, qd), (an, at, qa) = identity["donor"], identity["acceptor"]
        g = identity["given"]
        vd, va = identity["values"]
        head = (f"In {identity['host']} (band gap {identity['gap']:.2f} eV) the dominant donor is {dt}, {dn}, in "
                f"charge state q = {qd:+d}, and the dominant acceptor is {at}, {an}, in charge state q = {qa:+d}.")
        if g == "ef0":
            data = f" Their formation energies at E_F = 0 (the VBM) are {vd:.3f} eV and {va:.3f} eV."
        elif g == "at_fermi":
            data = (f" Their formation energies at E_F = {identity['ref']:.2f} eV above the VBM are {vd:.3f} eV and "
                    f"{va:.3f} eV.")
        else:
            sd, sa = identity["shift"]
            data = (f" The bulk supercell's total energy is {identity['bulk']:.4f} eV and E_VBM = "
                    f"{identity['vbm']:.3f} eV; the defect supercells' total energies are {vd:.4f} eV ({dn}) and "
                    f"{va:.4f} eV ({an}), and their chemical-potential terms -Σ n_i μ_i are {sd:.4f} eV and "
                    f"{sa:.4f} eV. Use {FORMULA}, without corrections.")
        return (f"{head}{data} Formation energies vary as E_f(q; E_F) = E_f(q; 0) + q E_F. At what Fermi level (eV "
                "above the VBM) are the two formation energies equal (where compensation pins E_F)?")

    def value(self, identity: dict[str, Any]) -> float:
        (_, _, qd), (_, _, qa) = identity["donor"], identity["acceptor"]
        vd, va = identity["values"]
        g = identity["given"]
        if g == "at_fermi":
            vd, va = vd - qd * identity["ref"], va - qa * identity["ref"]
        elif g == "total":
            sd, sa = identity["shift"]
            vd = vd - identity["bulk"] + sd + qd * identity["vbm"]
            va = va - identity["bulk"] + sa + qa * identity["vbm"]
        return (va - vd) / (qd - qa)


class RichPoorShift(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "kinds": ("antisite",)}
    levels = ({"kinds": ("vacancy", "interstitial")}, {"kinds": ("antisite",)}, {"kinds": ("substitution",)})
    default_level = 2
    unit = "eV"
    description = "How much a defect's formation energy changes from cation-rich to anion-rich growth."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Chemical potentials that move between the limits, plus two steps for a dopant fixed by its own phase."""
        return float(len(identity["added"]) + 2 * ("dopant" in identity))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_host(rng)
        kinds = self.params["kinds"]
        name, added, text = random_defect(rng, kinds[rng.randrange(len(kinds))], host)
        out = {**host, "defect": name, "added": added, "text": text,
               "dh": round(-rng.uniform(0.3, 2.2) * (host["a"] + host["b"]), 3)}
        dopants = [el for el in added if el not in (host["cation"], host["anion"])]
        if dopants:  # the dopant's chemical potential is capped by its own compound with the anion
            m, n = rng.choice([(1, 1), (2, 1), (1, 2), (2, 3), (3, 4)])
            out["dopant"] = {"el": dopants[0], "m": m, "n": n, "dh": round(-rng.uniform(0.3, 2.5) * (m + n), 3)}
        return out

    def _delta_mu(self, identity: dict[str, Any], rich: str) -> dict[str, float]:
        cat, an, a, b = identity["cation"], identity["anion"], identity["a"], identity["b"]
        mu = {an: 0.0, cat: identity["dh"] / a} if rich == an else {cat: 0.0, an: identity["dh"] / b}
        if "dopant" in identity:
            d = identity["dopant"]
            mu[d["el"]] = (d["dh"] - d["n"] * mu[an]) / d["m"]
        return mu

    def question(self, identity: dict[str, Any]) -> str:
        h, cat, an = identity["host"], identity["cation"], identity["anion"]
        dopant = ""
        if "dopant" in identity:
            d = identity["dopant"]
            phase = f"{d['el']}{d['m'] if d['m'] > 1 else ''}{an}{d['n'] if d['n'] > 1 else ''}"
            dopant = (f" The dopant's chemical potential is set by equilibrium with {phase}: {d['m']} Δμ_{d['el']} + "
                      f"{d['n']} Δμ_{an} = ΔH_f({phase}) = {d['dh']:.3f} eV per formula unit.")
        return (f"In {h}, {identity['a']} Δμ_{cat} + {identity['b']} Δμ_{an} = ΔH_f({h}) = {identity['dh']:.3f} eV per "
                f"formula unit, with {cat}-rich growth at Δμ_{cat} = 0 and {an}-rich growth at Δμ_{an} = 0.{dopant} "
                f"Consider {identity['text']}, {identity['defect']}. Its formation energy contains -Σ n_i μ_i (n_i "
                "atoms of species i added, negative when removed); everything else is the same under both "
                f"conditions. What is E_f({an}-rich) - E_f({cat}-rich)?")

    def value(self, identity: dict[str, Any]) -> float:
        rich = self._delta_mu(identity, identity["anion"])
        poor = self._delta_mu(identity, identity["cation"])
        return -sum(n * (rich[el] - poor[el]) for el, n in identity["added"].items())


class ComplexBinding(NumericTask):
    version = 1
    default_params = {"rel_tol": 0.0, "abs_tol": 0.01, "charged": True, "exchange": False}
    levels = ({"charged": False, "exchange": False}, {"charged": True, "exchange": False},
              {"charged": True, "exchange": True})
    default_level = 2
    unit = "eV"
    description = "Binding energy of a defect complex from supercell total energies."

    def complexity(self, identity: dict[str, Any]) -> float:
        """Four total energies, three corrections when charged, and the charge term when electrons are exchanged."""
        q = identity["q"]
        return 4.0 + 3.0 * any(identity["corr"]) + 2.0 * (q[2] != q[0] + q[1])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        host = random_host(rng)
        a_name, _, a_text = random_defect(rng, "vacancy", host)
        b_name, _, b_text = random_defect(rng, "substitution", host)
        if self.params["charged"]:
            qa, qb = rng.choice([-2, -1, 1, 2]), rng.choice([-1, 1, 2])
        else:
            qa = qb = 0
        qab = qa + qb + (rng.choice([-1, 1]) if self.params["exchange"] else 0)
        corr = [round(rng.uniform(0.05, 0.25) * q * q, 3) for q in (qa, qb, qab)]
        ea = round(host["bulk"] + rng.uniform(-15.0, 15.0), 4)
        eb = round(host["bulk"] + rng.uniform(-15.0, 15.0), 4)
        fermi = round(rng.uniform(0.0, host["gap"]), 2)
        out = {**host, "names": [a_name, b_name], "texts": [a_text, b_text], "q": [qa, qb, qab], "corr": corr,
               "e": [ea, eb, 0.0], "fermi": fermi}
        target = rng.uniform(-0.3, 1.5)  # the binding energy this complex should have
        out["e"][2] = round(ea + eb - host["bulk"] - target + self._charge_terms(out), 4)
        return out

    @staticmethod
    def _charge_terms(identity: dict[str, Any]) -> float:
        qa, qb, qab = identity["q"]
        ca, cb, cab = identity["corr"]
        return (qa + qb - qab) * (identity["fermi"] + identity["vbm"]) + ca + cb - cab

    def question(self, identity: dict[str, Any]) -> str:
        (na, nb), (ta, tb) = identity["names"], identity["texts"]
        qa, qb, qab = identity["q"]
        ea, eb, eab = identity["e"]
        ca, cb, cab = identity["corr"]
        corr = (f" Finite-size corrections: {ca:.3f}, {cb:.3f} and {cab:.3f} eV." if any(identity["corr"]) else
                " No finite-size corrections are needed.")
        return (f"In a {identity['host']} supercell (E_tot(bulk) = {identity['bulk']:.4f} eV, E_VBM = "
                f"{identity['vbm']:.3f} eV), {ta}, {na} (q = {qa:+d}), has E_tot = {ea:.4f} eV; {tb}, {nb} "
                f"(q = {qb:+d}), has E_tot = {eb:.4f} eV; and the nearest-neighbour complex ({na}-{nb}) (q = {qab:+d}) "
                f"has E_tot = {eab:.4f} eV.{corr} With {FORMULA}, what is the binding energy of the complex, "
                f"E_b = E_f({na}) + E_f({nb}) - E_f(complex), at E_F = {identity['fermi']:.2f} eV above the VBM "
                "(positive when the complex is bound)?")

    def value(self, identity: dict[str, Any]) -> float:
        ea, eb, eab = identity["e"]
        return ea + eb - eab - identity["bulk"] + self._charge_terms(identity)


def register(registry: Any) -> None:
    for kind in KINDS:
        registry.register(DefectFormationEnergy, f"materials/defect_formation_energy_{kind}", {"kind": kind},
                          f"Formation energy of a charged {kind} defect from supercell total energies.")
    registry.register(TransitionLevel, "materials/charge_transition_level")
    registry.register(StableChargeState, "materials/stable_defect_charge_state")
    registry.register(NegativeU, "materials/negative_u_defect")
    registry.register(PinningLevel, "materials/fermi_level_pinning")
    registry.register(RichPoorShift, "materials/defect_energy_growth_condition_shift")
    registry.register(ComplexBinding, "materials/defect_complex_binding_energy")
