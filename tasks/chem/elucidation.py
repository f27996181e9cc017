"""Structure elucidation: a molecular formula and a spectral summary (MS, IR, 13C and 1H NMR) to a structure.

The answer is a SMILES, checked by recomputing the summary from it (:mod:`tasks.chem._spectra` for the NMR
model, :mod:`tasks.chem.spectra_ir` for the IR groups): every molecule consistent with all the data scores
1.0, whether or not it is the one the problem was drawn from. Levels grow the molecule, and with it the number
of isomers a summary leaves to tell apart.
"""

from __future__ import annotations

import random
from typing import Any

from rdkit import Chem

from bootcamp import Score, Task, invalid
from tasks.chem._common import variants
from tasks.chem._spectra import (
    CLASS_NAMES,
    CLASSES,
    DEFAULT_SIZE,
    MULTIPLET,
    MoleculeLevels,
    answer_molecule,
    canonical,
    carbon_classes,
    element_counts,
    environments,
    formula_text,
    molecule,
    nominal_mass,
)
from tasks.chem.spectra_ir import GROUPS, groups_of

#: Heavy atoms of the unknown per level: smaller than the NMR tasks' molecules (a whole structure is asked).
HEAVY: dict[int, tuple[int, int]] = {1: (9, 12), 2: (11, 14), 3: (13, 16), 4: (15, 18), 5: (17, 21)}
#: Share of the reward each matching spectral item earns when the answer is not fully consistent.
PARTIAL = 0.2


def _h_signals(smiles: str) -> list[tuple[int, str]]:
    return sorted(((e.protons, "br s" if e.exchangeable else MULTIPLET.get(e.lines, "m"))
                   for e in environments(smiles)), key=lambda x: (-x[0], x[1]))


def summary(smiles: str) -> dict[str, Any]:
    """The spectral summary of a molecule (canonical SMILES without stereo): what the prompt shows."""
    counts = element_counts(smiles)
    return {
        "formula": formula_text(counts),
        "m/z": nominal_mass(counts),
        "c13": len(carbon_classes(smiles)),
        "h1": _h_signals(smiles),
        "ir": sorted(groups_of(smiles)),
    }


class Elucidation(MoleculeLevels, Task):
    version = 1
    description = "Structure from a molecular formula and a spectral summary (MS, IR, 13C and 1H NMR)."
    default_params: dict[str, Any] = {"cls": "ester", "size": DEFAULT_SIZE}

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        if self.params["cls"] not in CLASSES:
            raise ValueError(f"cls must be one of {sorted(CLASSES)}, got {self.params['cls']!r}")

    def generate(self, rng: random.Random) -> dict[str, Any]:
        size = self.params["size"]
        smiles = molecule(rng, self.params["cls"], size, heavy=HEAVY[size])
        # One band per IR group, drawn inside its range: the bands a chemist reads off the spectrum.
        bands = []
        for name in groups_of(smiles):
            lo, hi, what = GROUPS[name].bands[0]
            bands.append([rng.randint(lo, hi), what])
        return {"smiles": smiles, "bands": sorted(bands, key=lambda b: -b[0])}

    def prompt(self, identity: dict[str, Any]) -> str:
        s = summary(identity["smiles"])
        h1 = ", ".join(f"{n}H {m}" for n, m in s["h1"])
        ir = "; ".join(f"{w} cm-1 ({what})" for w, what in identity["bands"]) or "no band beyond C-H and fingerprint"
        groups = ", ".join(s["ir"]) or "none of the menu groups"
        return (f"An unknown compound (one of the {CLASS_NAMES[self.params['cls']]}) has the molecular formula "
                f"{s['formula']}.\n- MS (EI): M+• at m/z {s['m/z']}.\n- IR: {ir}; these bands are the "
                f"diagnostic bands of exactly these groups: {groups} (from the menu: {', '.join(GROUPS)}).\n"
                f"- 13C NMR: {s['c13']} signals.\n- 1H NMR: {h1}.\n"
                f"NMR model: atoms are equivalent when the constitutional (topological) symmetry relates them "
                f"(diastereotopic protons count as equivalent); multiplicities follow the first-order n+1 rule with "
                f"equal couplings to protons on directly bonded carbons that are not equivalent to the proton "
                f"itself; O-H and N-H protons are broad singlets (br s) that do not couple. Propose a structure "
                f"consistent with all of these data; any structure whose formula, IR groups, 13C signal count and "
                f"1H signals all match scores 1. Give it as a SMILES in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        mol = answer_molecule(answer)
        if mol is None:
            return invalid("not a valid SMILES (or too large)")
        if any(a.GetIsotope() for a in mol.GetAtoms()) or Chem.GetFormalCharge(mol) != 0:
            return Score(0.0, "wrong", "isotope labels or a net charge")
        smiles = canonical(Chem.MolToSmiles(mol, isomericSmiles=False))
        if smiles is None or "." in smiles:
            return Score(0.0, "wrong", "not one molecule")
        want = summary(identity["smiles"])
        if formula_text(element_counts(smiles)) != want["formula"]:
            return Score(0.0, "wrong", "formula differs")
        got = summary(smiles)
        matched = [k for k in ("c13", "h1", "ir") if got[k] == want[k]]
        if len(matched) == 3:
            return 1.0
        return Score(PARTIAL * len(matched), "wrong", f"matches formula and {', '.join(matched) or 'nothing else'}")

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["smiles"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        smiles = identity["smiles"]
        out = variants(smiles, limit=4)
        # An isomer: a chain carbon moved (the formula stays, the spectra change).
        out += [s for s in _isomers(smiles) if summary(s) != summary(smiles)][:2]
        return out


def _isomers(smiles: str) -> list[str]:
    """Constitutional isomers one methyl shift away (a CH3 moved from one carbon to another)."""
    mol = Chem.MolFromSmiles(smiles)
    out: list[str] = []
    methyls = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 6 and a.GetDegree() == 1
               and a.GetTotalNumHs() == 3]
    hosts = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 6 and a.GetTotalNumHs() >= 1]
    for m in methyls[:2]:
        anchor = mol.GetAtomWithIdx(m).GetNeighbors()[0].GetIdx()
        for h in hosts:
            if h in (m, anchor):
                continue
            rw = Chem.RWMol(mol)
            rw.RemoveBond(m, anchor)
            rw.AddBond(m, h, Chem.BondType.SINGLE)
            for idx in (anchor, h):
                rw.GetAtomWithIdx(idx).SetNoImplicit(False)
                rw.GetAtomWithIdx(idx).SetNumExplicitHs(0)
            try:
                Chem.SanitizeMol(rw)
            except Exception:  # noqa: BLE001 - a move that breaks valence is just not an isomer
                continue
            can = canonical(Chem.MolToSmiles(rw))
            if can and can != smiles and can not in out and "." not in can:
                out.append(can)
            if len(out) >= 3:
                return out
    return out


def register(registry: Any) -> None:
    for compound in CLASSES:
        registry.register(Elucidation, f"chem/elucidation_{compound}", {"cls": compound},
                          description=f"Structure elucidation from formula, MS, IR, 13C and 1H NMR data: "
                                      f"{CLASS_NAMES[compound]}.")
