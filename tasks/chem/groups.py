"""Functional groups by SMARTS, stereocentres, and CIP labels."""

from __future__ import annotations

import functools
import random
import re
from typing import Any

from rdkit import Chem
from rdkit.Chem import rdCIPLabeler

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask
from tasks.chem._common import BOX, SizeLevels, mol_of
from tasks.chem._molgen import DEFAULT_SIZE, SIZES, build, size_complexity, steered, steering

#: Group name -> SMARTS. Names are what the answer lists; the prompt shows the whole menu.
GROUPS: dict[str, str] = {
    "carboxylic acid": "[CX3](=O)[OX2H1]",
    "ester": "[#6][CX3](=O)[OX2][#6]",
    "amide": "[NX3][CX3](=[OX1])[#6]",
    "primary amine": "[NX3;H2;!$(N[C,S,P]=[O,S,N]);!$(N-[!#6])][#6]",
    "secondary amine": "[NX3;H1;!$(N[C,S,P]=[O,S,N]);!$(N-[!#6])]([#6])[#6]",
    "tertiary amine": "[NX3;H0;!$(N[C,S,P]=[O,S,N]);!$(N-[!#6]);!$(N=*)]([#6])([#6])[#6]",
    "alcohol": "[OX2H][CX4]",
    "phenol": "[OX2H]c",
    "ether": "[OD2;!$(O[C,S,P]=[O,S,N])]([#6])[#6]",
    "ketone": "[#6][CX3](=O)[#6]",
    "aldehyde": "[CX3H1](=O)[#6]",
    "nitrile": "[CX2]#[NX1]",
    "nitro": "[N+](=O)[O-]",
    "aryl halide": "c[F,Cl,Br,I]",
    "alkyl halide": "[CX4][F,Cl,Br,I]",
    "sulfonamide": "[SX4](=O)(=O)[NX3]",
    "thioether": "[SX2;!$(S-S)]([#6])[#6]",
    "alkene": "[CX3]=[CX3]",
    "alkyne": "[CX2]#[CX2]",
    "urea": "[NX3][CX3](=O)[NX3]",
    "carbamate": "[NX3][CX3](=O)[OX2][#6]",
}
_PATTERNS = {name: Chem.MolFromSmarts(s) for name, s in GROUPS.items()}
_NORMAL = {name.replace(" ", ""): name for name in GROUPS}


@functools.lru_cache(maxsize=2048)
def groups_of(smiles: str) -> tuple[str, ...]:
    mol = mol_of(smiles)
    return tuple(name for name, patt in _PATTERNS.items() if mol.HasSubstructMatch(patt))


def parse_group_list(answer: str) -> set[str] | None:
    """The set of menu groups an answer lists, or None when it names something off the menu."""
    if not isinstance(answer, str) or len(answer) > 1000:
        return None
    text = answer.replace("\\text{", "").replace("}", "").replace(";", ",").replace("\n", ",").lower()
    names = [re.sub(r"[\s_\-]+", "", part).rstrip("s") for part in text.split(",")]
    names = [n for n in names if n]
    if names == ["none"]:
        return set()
    out = set()
    for n in names:
        if n not in _NORMAL:
            return None
        out.add(_NORMAL[n])
    return out if out else None


class FunctionalGroups(SizeLevels, Task):
    version = 2
    id = "chem/functional_groups"
    description = "Which functional groups from a fixed SMARTS-defined menu a molecule contains."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # At least one group: "none" would be a cheap answer to learn (and a guess that pays).
        return {"smiles": build(rng, self.params["size"], accept=lambda s: bool(groups_of(s)))}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Molecule size plus three per group present (each must be found and named)."""
        return size_complexity(identity["smiles"]) + 3 * len(groups_of(identity["smiles"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        menu = "; ".join(f"{n} ({s})" for n, s in GROUPS.items())
        return (f"Which of these functional groups (name, with the SMARTS that defines it) occur in the molecule "
                f"{identity['smiles']}? Menu: {menu}. List every matching group name, comma-separated, in any "
                f"order (or 'none'). The exact set scores 1; a partial set earns partial credit. {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = parse_group_list(answer)
        if got is None:
            return invalid("not a comma-separated list of group names from the menu")
        want = set(groups_of(identity["smiles"]))
        if got == want:
            return 1.0
        return Score(0.8 * len(got & want) / len(got | want))

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(groups_of(identity["smiles"])) or "none"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        want = list(groups_of(identity["smiles"]))
        missing = [g for g in GROUPS if g not in want]
        out = [", ".join(want + missing[:1])]
        if want:
            out.append(", ".join(want[1:]) or "none")
        return out


def _stereocentres(smiles: str) -> list[tuple[int, str]]:
    return Chem.FindMolChiralCenters(mol_of(smiles), includeUnassigned=True, useLegacyImplementation=False)


def _stereo_count(smiles: str) -> float:
    return float(len(_stereocentres(smiles)))


def _stereo_blocks() -> list[Any]:
    """Building blocks that make a stereocentre where they join a molecule."""
    return list(steering("stereocentres", _stereo_count).carriers)


def chiral_molecule(rng: random.Random, size: int, accept: Any) -> str:
    """A molecule of level ``size`` with every stereocentre specified, 1 to 1 + size of them built in."""
    blocks = _stereo_blocks()
    planted = [rng.choice(blocks) for _ in range(rng.randint(1, 1 + size))]
    room = SIZES[size].heavy[1] - 2
    while len(planted) > 1 and sum(b.heavy for b in planted) > room:
        planted.pop()
    return build(rng, size, stereo=1.0, planted=planted, accept=accept)


class StereocentreCount(SizeLevels, IntegerTask):
    version = 3
    id = "chem/stereocentre_count"
    description = "Number of tetrahedral stereocentres of a molecule."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # How many stereocentres to build in is drawn first, so the counts spread.
        smiles = steered(rng, self.params["size"], "stereocentres", _stereo_count)
        if rng.random() < 0.5:  # the count must not depend on whether the stereo is written
            smiles = Chem.MolToSmiles(mol_of(smiles), isomericSmiles=False)
        return {"smiles": smiles}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"How many tetrahedral stereocentres (specified or not; RDKit's FindMolChiralCenters with "
                f"includeUnassigned=True) does {identity['smiles']} have? Give an integer in \\boxed{{}}.")

    def value(self, identity: dict[str, Any]) -> int:
        return len(_stereocentres(identity["smiles"]))

    def complexity(self, identity: dict[str, Any]) -> float:
        """Molecule size plus three per stereocentre."""
        return size_complexity(identity["smiles"]) + 3 * len(_stereocentres(identity["smiles"]))


_LABEL_PAIR = re.compile(r"(\d{1,3})\s*[:=\-]?\s*\(?([RrSs])\)?")


@functools.lru_cache(maxsize=1024)
def cip_labels(smiles: str) -> tuple[tuple[int, str], ...]:
    mol = Chem.Mol(mol_of(smiles))
    rdCIPLabeler.AssignCIPLabels(mol)
    return tuple((a.GetIdx(), a.GetProp("_CIPCode")) for a in mol.GetAtoms()
                 if a.HasProp("_CIPCode") and a.GetProp("_CIPCode") in ("R", "S"))


class CipLabels(SizeLevels, Task):
    version = 2
    id = "chem/cip_labels"
    description = "CIP labels (R/S) of every specified stereocentre, by atom index."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": chiral_molecule(rng, self.params["size"], lambda s: bool(cip_labels(s)))}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Molecule size plus three per labelled stereocentre."""
        return size_complexity(identity["smiles"]) + 3 * len(cip_labels(identity["smiles"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("Atoms are numbered from 0 in the order they appear in the SMILES (hydrogens not counted). "
                f"For the molecule {identity['smiles']}, give the CIP label (R or S) of every tetrahedral "
                "stereocentre as index:label pairs, comma-separated, e.g. 3:R, 7:S. "
                f"{BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 500:
            return invalid("too long")
        text = answer.replace("\\text{", "").replace("}", "").replace("{", "")
        pairs = _LABEL_PAIR.findall(text)
        leftover = _LABEL_PAIR.sub("", text).replace(",", "").replace(";", "").replace("and", "")
        if not pairs or leftover.strip():
            return invalid("not index:label pairs")
        got: dict[int, str] = {}
        for idx, label in pairs:
            if int(idx) in got and got[int(idx)] != label.upper():
                return Score(0.0, "wrong", "conflicting labels")
            got[int(idx)] = label.upper()
        return 1.0 if got == dict(cip_labels(identity["smiles"])) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(f"{i}:{c}" for i, c in cip_labels(identity["smiles"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        labels = list(cip_labels(identity["smiles"]))
        flip = {"R": "S", "S": "R"}
        out = [", ".join(f"{i}:{flip[c]}" for i, c in labels)]
        out.append(", ".join(f"{i}:{flip[c] if k == 0 else c}" for k, (i, c) in enumerate(labels)))
        out.append(", ".join(f"{i + 1}:{c}" for i, c in labels))
        if len(labels) > 1:
            out.append(", ".join(f"{i}:{c}" for i, c in labels[1:]))
        return out


def register(registry: Any) -> None:
    for cls in (FunctionalGroups, StereocentreCount, CipLabels):
        registry.register(cls)
