"""Infrared spectroscopy: functional groups from a band list, carbonyl and X-H types from their bands, and the
diagnostic bands a given molecule must show.

Band positions are textbook correlation-table ranges (e.g. Silverstein, *Spectrometric Identification of
Organic Compounds*; Pavia, *Introduction to Spectroscopy*), narrowed where two groups' ranges overlap so that
a drawn band names one group (a saturated ketone at 1705-1725 cm-1, an aldehyde at 1726-1740 cm-1); a listed
band is drawn inside its group's range.
A band list is built so that it is unambiguous: at most one group with an O-H, N-H or terminal C-H stretch,
at most one carbonyl group, and no ether next to another C-O group, and the prompts say so.
"""

from __future__ import annotations

import functools
import random
import re
from typing import Any, ClassVar

from rdkit import Chem

from bootcamp import Score, Task, invalid
from bootcamp.answers import Choice, Set, Text
from tasks.chem._spectra import CLASSES, DEFAULT_SIZE, MoleculeLevels, molecule


class Group:
    """A functional group's IR signature: its SMARTS, its bands and the families it conflicts within."""

    def __init__(self, smarts: str, bands: tuple[tuple[int, int, str], ...], families: tuple[str, ...]) -> None:
        self.pattern = Chem.MolFromSmarts(smarts)
        self.bands, self.families = bands, families


#: name -> group. Families: "xh" (O-H, N-H, sp C-H stretches), "co" (carbonyl), "c-o" (C-O stretch),
#: "triple" (C#N, C#C).
GROUPS: dict[str, Group] = {
    "alcohol": Group("[OX2H][CX4,c]", ((3200, 3550, "strong, broad"), (1000, 1260, "strong")), ("xh", "c-o")),
    "carboxylic acid": Group("[CX3](=O)[OX2H1]", ((2500, 3300, "very broad"), (1700, 1715, "strong"),
                                                   (1210, 1320, "strong")), ("xh", "co", "c-o")),
    "primary amine": Group("[NX3;H2;!$(NC=O)]", ((3300, 3500, "medium, two bands"), (1610, 1650, "medium")),
                           ("xh",)),
    "secondary amine": Group("[NX3;H1;!$(NC=O)]([#6])[#6]", ((3310, 3350, "weak, one band"),), ("xh",)),
    "primary amide": Group("[NX3H2]C=O", ((3170, 3370, "medium, two bands"), (1650, 1690, "strong"),
                                          (1610, 1640, "medium")), ("xh", "co")),
    "secondary amide": Group("[NX3H1]([#6])C=O", ((3250, 3340, "medium, one band"), (1630, 1680, "strong"),
                                                  (1515, 1570, "medium")), ("xh", "co")),
    "tertiary amide": Group("[NX3H0]([#6])([#6])C=O", ((1630, 1670, "strong"),), ("co", "xh")),
    "aldehyde": Group("[CX3H1](=O)[#6]", ((2800, 2860, "weak"), (2700, 2760, "weak"), (1726, 1740, "strong")),
                      ("co",)),
    "ketone": Group("[#6][CX3](=O)[#6]", ((1705, 1725, "strong"),), ("co",)),
    "ester": Group("[#6][CX3](=O)[OX2][#6]", ((1735, 1750, "strong"), (1150, 1300, "strong"),
                                              (1000, 1100, "strong")), ("co", "c-o")),
    "acid chloride": Group("[CX3](=O)Cl", ((1785, 1815, "strong"),), ("co",)),
    "nitrile": Group("[CX2]#[NX1]", ((2210, 2260, "medium, sharp"),), ("triple",)),
    "terminal alkyne": Group("[CX2H1]#[CX2]", ((3260, 3330, "strong, sharp"), (2100, 2140, "weak")),
                             ("xh", "triple")),
    "alkene": Group("[CX3;!$(C=[O,N])]=[CX3]", ((3010, 3100, "medium"), (1620, 1680, "weak to medium")),
                    ("c=c",)),
    "aromatic ring": Group("c1ccccc1", ((3000, 3100, "weak"), (1585, 1600, "medium"), (1475, 1500, "medium")),
                           ("aromatic",)),
    "nitro": Group("[N+](=O)[O-]", ((1500, 1560, "strong"), (1300, 1370, "strong")), ("nitro",)),
    "ether": Group("[OD2;!$(O[C,S,P]=*)]([#6])[#6]", ((1050, 1150, "strong"),), ("c-o",)),
}
NAMES = tuple(GROUPS)
_CARBONYLS = tuple(n for n, g in GROUPS.items() if "co" in g.families)
_XH = tuple(n for n, g in GROUPS.items() if "xh" in g.families)
_NORMAL = {re.sub(r"[\s_\-]+", "", n): n for n in NAMES}
UNAMBIGUOUS = ("The compound has at most one group with an O-H, N-H or sp C-H stretch, at most one carbonyl "
               "group, and no ether beside another C-O group.")


def parse_names(answer: str) -> set[str] | None:
    """The set of menu groups an answer lists ('none' is the empty set), or None."""
    if not isinstance(answer, str) or len(answer) > 600:
        return None
    text = answer.replace("\\text{", "").replace("}", "").replace("{", "").replace(";", ",").lower()
    parts = [re.sub(r"[\s_\-]+", "", p).strip(".") for p in text.split(",")]
    parts = [p for p in parts if p]
    if parts == ["none"]:
        return set()
    out = set()
    for p in parts:
        name = _NORMAL.get(p) or _NORMAL.get(p.rstrip("s"))
        if name is None:
            return None
        out.add(name)
    return out or None


def compatible(names: list[str], extra: str) -> bool:
    """Whether ``extra`` can join ``names`` without making the band list ambiguous."""
    fams = {f for n in names for f in GROUPS[n].families}
    return extra not in names and not fams & set(GROUPS[extra].families)


def draw_groups(rng: random.Random, k: int, first: str | None = None) -> list[str]:
    """``k`` mutually compatible groups (``first`` among them), in drawn order."""
    names = [first] if first else []
    while len(names) < k:
        options = [n for n in NAMES if compatible(names, n)]
        if not options:
            break
        names.append(rng.choice(options))
    return names


def band_list(rng: random.Random, names: list[str]) -> list[list[Any]]:
    """[wavenumber, description] of every band of ``names`` plus the sp3 C-H bands, highest first."""
    bands = [[rng.randint(2850, 2970), "medium to strong (C-H)"], [rng.randint(1365, 1385), "medium (C-H bend)"]]
    for n in names:
        for lo, hi, what in GROUPS[n].bands:
            bands.append([rng.randint(lo, hi), what])
    return sorted(bands, key=lambda b: -b[0])


def _show(bands: list[list[Any]]) -> str:
    return "; ".join(f"{w} cm-1 ({what})" for w, what in bands)


#: Levels of the band-list tasks: how many groups the compound has.
GROUP_LEVELS: tuple[dict[str, Any], ...] = tuple({"groups": k} for k in (1, 2, 3, 4, 5))


class _BandTask(Task):
    version = 1
    default_params: dict[str, Any] = {"groups": 3}
    levels: ClassVar[tuple[dict[str, Any], ...]] = GROUP_LEVELS
    default_level: ClassVar[int | None] = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bands listed (each must be assigned)."""
        return float(len(identity["bands"]))


class GroupsFromBands(_BandTask):
    description = "Which functional groups (from a menu) an IR band list shows."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        names = draw_groups(rng, self.params["groups"])
        return {"groups": sorted(names), "bands": band_list(rng, names)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"The IR spectrum of an organic compound shows these bands: {_show(identity['bands'])}. "
                f"{UNAMBIGUOUS} Which of these groups does it contain: {', '.join(NAMES)}? List every group the "
                f"bands show (not the alkyl C-H), comma-separated, in any order, in \\boxed{{}}. The exact set "
                f"scores 1; a partial set earns partial credit.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = parse_names(answer)
        if got is None:
            return invalid("not a comma-separated list of group names from the menu")
        want = set(identity["groups"])
        if got == want:
            return 1.0
        return Score(0.3 * len(got & want) / len(got | want)) if got | want else 0.0

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(identity["groups"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        want = list(identity["groups"])
        other = next(n for n in NAMES if n not in want)
        return [", ".join(want + [other]), ", ".join(want[1:]) or "none", "alcohol, ketone, ester, nitrile"]


class TypeFromBands(_BandTask):
    """Which group of one kind (carbonyl, X-H) a band list shows; the other groups are distractors."""

    description = "The carbonyl (or X-H) group type an IR band list shows, among distractor bands."
    default_params: dict[str, Any] = {"groups": 3, "kind": "carbonyl"}

    def options(self) -> tuple[str, ...]:
        return _CARBONYLS if self.params["kind"] == "carbonyl" else _XH

    def generate(self, rng: random.Random) -> dict[str, Any]:
        target = rng.choice(self.options())  # the answer is drawn first
        names = draw_groups(rng, self.params["groups"], first=target)
        return {"answer": target, "bands": band_list(rng, names)}

    def prompt(self, identity: dict[str, Any]) -> str:
        what = ("carbonyl group" if self.params["kind"] == "carbonyl"
                else "group with an O-H, N-H or sp C-H stretch")
        letters = "; ".join(f"{chr(65 + i)}. {n}" for i, n in enumerate(self.options()))
        return (f"The IR spectrum of an organic compound shows these bands: {_show(identity['bands'])}. "
                f"{UNAMBIGUOUS} The compound has exactly one {what}. Which one? Options: {letters}. Give the "
                f"option letter (or its name) in \\boxed{{}}.")

    def _kind(self) -> Choice:
        return Choice(list(self.options()))

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return self._kind().check(answer, self.options().index(identity["answer"]))

    def solve(self, identity: dict[str, Any]) -> str:
        return chr(65 + self.options().index(identity["answer"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        i = self.options().index(identity["answer"])
        n = len(self.options())
        return [chr(65 + (i + 1) % n), chr(65 + (i + 2) % n), f"{answer}, {chr(65 + (i + 1) % n)}"]


@functools.lru_cache(maxsize=4096)
def groups_of(smiles: str) -> tuple[str, ...]:
    """The IR menu groups a molecule carries, in menu order."""
    mol = Chem.MolFromSmiles(smiles)
    return tuple(n for n, g in GROUPS.items() if mol.HasSubstructMatch(g.pattern))


#: The diagnostic band regions a molecule-to-bands answer picks from (label, range, assignment, groups).
REGIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("3200-3550 cm-1, strong and broad", "O-H stretch, hydrogen-bonded alcohol or phenol", ("alcohol",)),
    ("2500-3300 cm-1, very broad", "O-H stretch of a carboxylic acid dimer", ("carboxylic acid",)),
    ("3300-3500 cm-1, two bands", "N-H stretches of an NH2 group", ("primary amine", "primary amide")),
    ("3250-3350 cm-1, one band", "N-H stretch of an NH group", ("secondary amine", "secondary amide")),
    ("3000-3100 cm-1", "sp2 C-H stretch", ("alkene", "aromatic ring")),
    ("2700-2860 cm-1, two weak bands", "aldehyde C-H stretch (Fermi doublet)", ("aldehyde",)),
    ("2210-2260 cm-1", "C#N stretch", ("nitrile",)),
    ("1735-1750 cm-1, strong", "ester C=O stretch", ("ester",)),
    ("1680-1740 cm-1, strong", "ketone, aldehyde or acid C=O stretch", ("ketone", "aldehyde", "carboxylic acid")),
    ("1630-1690 cm-1, strong", "amide C=O stretch (amide I)", ("primary amide", "secondary amide", "tertiary amide")),
    ("1500-1560 and 1300-1370 cm-1, both strong", "N-O stretches of a nitro group", ("nitro",)),
    ("1450-1610 cm-1, two or three bands", "aromatic ring C=C stretches", ("aromatic ring",)),
)
_LETTERS = tuple(chr(65 + i) for i in range(len(REGIONS)))


def regions_of(smiles: str) -> tuple[str, ...]:
    """Letters of the regions whose groups the molecule carries."""
    have = set(groups_of(smiles))
    return tuple(letter for letter, (_, _, gs) in zip(_LETTERS, REGIONS, strict=True) if have & set(gs))


class BandsOfMolecule(MoleculeLevels, Task):
    version = 1
    description = "Which diagnostic IR band regions (from a menu) a given molecule must show."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}
    _kind = Set(Text(), noun="letters")

    def generate(self, rng: random.Random) -> dict[str, Any]:
        cls = rng.choice(sorted(CLASSES))
        return {"smiles": molecule(rng, cls, self.params["size"], accept=lambda s: bool(regions_of(s)))}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Molecule size plus the regions it shows."""
        return super().complexity(identity) + len(regions_of(identity["smiles"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        menu = "; ".join(f"{letter}. {r} ({what})" for letter, (r, what, _) in zip(_LETTERS, REGIONS, strict=True))
        return (f"Which of these diagnostic IR band regions must the spectrum of {identity['smiles']} show? "
                f"{menu}. Count a region when the molecule has a group it is assigned to (alkyl C-H and "
                f"fingerprint bands are not listed). List the letters, comma-separated, in any order, in "
                f"\\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        items = self._kind.parse(answer) if isinstance(answer, str) and len(answer) <= 200 else None
        if items is None or any(i not in _LETTERS for i in items) or len(set(items)) != len(items):
            return invalid("expected distinct letters from the menu, comma-separated")
        return 1.0 if sorted(items) == sorted(regions_of(identity["smiles"])) else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(regions_of(identity["smiles"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        want = list(regions_of(identity["smiles"]))
        other = next(x for x in _LETTERS if x not in want)
        return [", ".join(want + [other]), ", ".join(want[1:]) or "none"]


def register(registry: Any) -> None:
    registry.register(GroupsFromBands, "chem/ir_groups_from_bands")
    registry.register(TypeFromBands, "chem/ir_carbonyl_type", {"kind": "carbonyl"},
                      description="Which carbonyl group (ketone, ester, amide, ...) an IR band list shows.")
    registry.register(TypeFromBands, "chem/ir_xh_type", {"kind": "xh"},
                      description="Which O-H, N-H or sp C-H group an IR band list shows.")
    registry.register(BandsOfMolecule, "chem/ir_bands_of_molecule")
