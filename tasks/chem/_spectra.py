"""Shared pieces of the spectroscopy tasks: textbook molecules by compound class, NMR symmetry classes,
first-order multiplicities, formulas and monoisotopic masses.

Molecules are generated, not listed: a class core (a carbonyl, an ester or acid, an amide, an amine,
an alcohol or ether, an alkyl halide, an alkene, a substituted benzene) whose open valences are filled
with drawn pieces (branched alkyl chains, phenyl and substituted phenyl, benzyl, cycloalkyl), some
pieces made identical so the molecule has symmetry, and a few spectator substituents (halogens,
methoxy) grafted on chain carbons. Levels grow the molecule (heavy atoms, :data:`HEAVY`).

NMR model (the prompts state it): chemically equivalent atoms are the topological symmetry classes of
the molecule with explicit hydrogens (RDKit ``CanonicalRankAtoms`` with ``breakTies=False``), so
diastereotopic protons and E/Z-distinct vinyl protons count as equivalent; multiplicities follow the
first-order n+1 rule with all couplings equal, counting the hydrogens on directly bonded carbons that
are not equivalent to the proton itself; O-H and N-H protons exchange (they neither split nor are split).
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rdkit import Chem

import bootcamp.verifiers.smiles  # noqa: F401 - importing it silences RDKit's logging
from bootcamp.verifiers.smiles import parse_molecule

#: Heavy atoms of the molecule per level (inclusive ranges); level 1 is a textbook exercise.
HEAVY: dict[int, tuple[int, int]] = {1: (12, 17), 2: (13, 19), 3: (14, 22), 4: (17, 26), 5: (20, 30)}
#: Levels of a task posed on one generated molecule: the ``size`` parameter.
SIZE_LEVELS: tuple[dict[str, int], ...] = tuple({"size": k} for k in HEAVY)
DEFAULT_SIZE = 3
#: The most heavy atoms an answer molecule may have before it is recomputed (answers are hostile).
MAX_ANSWER_HEAVY = 60

#: Compound class -> (core template, slots). ``{i}`` is slot i: a drawn piece in brackets, or nothing
#: (a hydrogen) where the slot is optional. Each core lists (template, required slots, optional slots).
CLASSES: dict[str, tuple[tuple[str, int, int], ...]] = {
    "aromatic": (("c1{0}c{1}c{2}c{3}c{4}c1{5}", 1, 5),),
    "carbonyl": (("C(=O){0}{1}", 1, 1),),
    "ester": (("C(=O){0}O{1}", 1, 1), ("C(=O){0}O{1}", 2, 0)),
    "amide": (("C(=O){0}N{1}{2}", 1, 2),),
    "amine": (("N{0}{1}{2}", 1, 2),),
    "alcohol": (("O{0}{1}", 1, 1), ("C(O){0}{1}{2}", 1, 2)),
    "halide": (("C({x}){0}{1}{2}", 1, 2),),
    "alkene": (("C{0}{1}=C{2}{3}", 1, 3),),
}
#: What each class is, for prompts and docs.
CLASS_NAMES: dict[str, str] = {
    "aromatic": "substituted benzenes", "carbonyl": "aldehydes and ketones", "ester": "carboxylic acids and esters",
    "amide": "amides", "amine": "amines", "alcohol": "alcohols and ethers", "halide": "alkyl halides",
    "alkene": "alkenes",
}
_HALOGENS = ("Cl", "Br", "I", "F")
#: Substituents of a benzene ring (slot pieces of the aromatic class and of aryl pieces).
_RING_SUBSTITUENTS = ("C", "CC", "Cl", "Br", "F", "OC", "[N+](=O)[O-]", "C(C)=O", "C(=O)OC", "C#N", "C(C)C", "O", "N",
                      "I", "OCC", "C(F)(F)F", "SC", "C(C)(C)C", "CO", "CCC", "C(N)=O", "NC(C)=O", "S(C)(=O)=O",
                      "OC(C)=O", "C=C", "OC(F)(F)F", "N(C)C", "C(=O)O", "CCl")
#: Spectator groups grafted on chain carbons (they leave the compound's class as it is).
_SPECTATORS = ("Cl", "Br", "F", "I", "OC", "OCC", "C#N", "C(F)(F)F", "[N+](=O)[O-]", "C(C)(C)C")
#: (spectator groups, ring substituents) the generator draws from.
Pools = tuple[tuple[str, ...], tuple[str, ...]]
POOLS: Pools = (_SPECTATORS, _RING_SUBSTITUENTS)
_CHNO_ONLY = re.compile(r"F|Cl|Br|I|S")
CHNO_POOLS: Pools = (tuple(x for x in _SPECTATORS if not _CHNO_ONLY.search(x)) + ("OCCC", "C(C)=O"),
                     tuple(x for x in _RING_SUBSTITUENTS if not _CHNO_ONLY.search(x)) + ("C(=O)CC", "OCCC"))


def _alkyl(rng: random.Random, n: int, spectators: int, pool: tuple[str, ...] = ()) -> str:
    """A branched alkyl group of ``n`` carbons (attached by its first atom), ``spectators`` groups on it."""
    children: list[list[int]] = [[]]
    for i in range(1, n):
        # Mostly extend the chain end (n-alkyl groups are the commonest), sometimes branch.
        last = i - 1
        open_ = [j for j in range(i) if len(children[j]) < 3 and not (j == 0 and len(children[0]) >= 2)]
        parent = last if last in open_ and rng.random() < 0.6 else rng.choice(open_)
        children[parent].append(i)
        children.append([])
    extra: dict[int, list[str]] = {}
    for _ in range(spectators):
        j = rng.randrange(n)
        if len(children[j]) + len(extra.get(j, [])) < 3 - (j == 0):
            extra.setdefault(j, []).append(rng.choice(pool or _SPECTATORS))

    # Now and then a chain CH2 becomes an ether oxygen (a methoxyethyl, an ethoxymethyl group).
    ether: set[int] = set()
    for j in range(1, n):  # never two oxygens in a row (no peroxides)
        parent = next(k for k in range(j) if j in children[k])
        if (len(children[j]) == 1 and j not in extra and parent not in ether and rng.random() < 0.12
                and not any(x.startswith("O") for x in extra.get(children[j][0], []))):
            ether.add(j)

    def write(j: int) -> str:
        branches = [f"({x})" for x in extra.get(j, [])] + [f"({write(c)})" for c in children[j]]
        return ("O" if j in ether else "C") + "".join(branches)

    return write(0)


def _aryl(rng: random.Random, substituted: bool, pool: tuple[str, ...] = ()) -> str:
    """Phenyl, or a phenyl with one or two substituents (attached by its first atom)."""
    if not substituted:
        return "c1ccccc1"
    pool = pool or _RING_SUBSTITUENTS
    x = rng.choice(pool)
    one = rng.choice((f"c1ccc({x})cc1", f"c1cccc({x})c1", f"c1ccccc1({x})"))
    if rng.random() < 0.5:  # a second substituent on a free ring position
        y = rng.choice(pool)
        one = one.replace("c1cc", f"c1c({y})c", 1) if one.startswith("c1cc") else one
    return one


def _piece(rng: random.Random, budget: int, size: int, spectators: int, pools: Pools) -> str:
    """One substituent of about ``budget`` heavy atoms."""
    roll = rng.random()
    if budget >= 6 and roll < 0.25:
        return _aryl(rng, rng.random() < 0.9, pools[1])
    if budget >= 7 and roll < 0.35:
        return "C" + _aryl(rng, rng.random() < 0.9, pools[1])
    if budget >= 5 and size >= 2 and roll < 0.45:
        ring = rng.choice(("C1CCCCC1", "C1CCCC1", "C1CC1", "C1CCCCC1", "C1CCC(C)CC1", "C1CCOCC1", "C1CCC(Cl)CC1"))
        return ring if budget < 7 else "C" + ring
    return _alkyl(rng, max(1, budget), spectators, pools[0])


def _fill(rng: random.Random, cls: str, size: int, pools: Pools, heavy: tuple[int, int]) -> str:
    template, required, optional = rng.choice(CLASSES[cls])
    lo, hi = heavy
    target = rng.randint(lo, hi)
    core = Chem.MolFromSmiles(re.sub(r"\{\d\}", "", template.replace("{x}", "Cl"))).GetNumHeavyAtoms()
    slots = required + optional
    filled = required + sum(rng.random() < 0.7 for _ in range(optional))
    if cls == "aromatic":
        filled = min(slots, rng.randint(2, 3 + size // 2))
    room = max(filled, target - core)
    # Split the room between the filled slots; a symmetric molecule repeats one piece.
    symmetric = 2 <= filled <= 3 and rng.random() < (0.03 if cls == "aromatic" else 0.1) and room // filled >= 4
    spectators = rng.randint(1, 2 + size // 2) if rng.random() < 0.9 else 0
    pieces: list[str] = []
    if symmetric:
        share = max(1, room // filled)
        # a repeated piece is an alkyl chain or a substituted phenyl (bare rings would repeat across seeds)
        one = (_alkyl(rng, share, rng.randint(1, 2), pools[0]) if share < 7 or rng.random() < 0.6
               else _aryl(rng, True, pools[1]))
        if cls == "aromatic":
            one = rng.choice(pools[1])
        pieces = [one] * filled
    else:
        cuts = sorted(rng.randint(0, room) for _ in range(filled - 1))
        budgets = [max(1, b - a) for a, b in zip([0, *cuts], [*cuts, room], strict=True)]
        for b in budgets:
            per = spectators // filled + (rng.random() < 0.5)
            if cls == "aromatic" and (b <= 2 or rng.random() < 0.4):
                pieces.append(rng.choice(pools[1]))
            else:
                pieces.append(_piece(rng, b, size, per, pools))
    order = list(range(slots))
    if cls == "aromatic":
        rng.shuffle(order)  # which ring positions carry the substituents
    values = [""] * slots
    for ring, (k, piece) in enumerate(zip(order[:filled], pieces, strict=False), start=2):
        values[k] = f"({piece.replace('1', str(ring))})"  # each piece's ring closes on its own label
    return template.format(*values, x=rng.choice(_HALOGENS))


@functools.lru_cache(maxsize=8192)
def canonical(smiles: str) -> str | None:
    """Canonical SMILES without stereochemistry (the spectra here do not depend on it), or None."""
    mol = Chem.MolFromSmiles(smiles)
    return None if mol is None else Chem.MolToSmiles(mol, isomericSmiles=False)


def molecule(rng: random.Random, cls: str, size: int, accept: Callable[[str], bool] | None = None,
             tries: int = 60, chno: bool = False, heavy: tuple[int, int] | None = None) -> str:
    """A canonical SMILES of a generated molecule of compound class ``cls`` at level ``size``.

    With ``chno`` the spectator groups and ring substituents are made of C, H, N and O only; ``heavy``
    replaces the level's range of heavy atoms.

    Raises:
        RuntimeError: no molecule within the level's size met ``accept`` in ``tries`` draws.
    """
    if cls not in CLASSES:
        raise ValueError(f"unknown compound class {cls!r}; known: {sorted(CLASSES)}")
    lo, hi = heavy or HEAVY[size]
    for _ in range(tries):
        smiles = canonical(_fill(rng, cls, size, CHNO_POOLS if chno else POOLS, (lo, hi)))
        if smiles is None:
            continue
        heavy = Chem.MolFromSmiles(smiles).GetNumHeavyAtoms()
        if lo <= heavy <= hi and in_class(smiles, cls) and (accept is None or accept(smiles)):
            return smiles
    raise RuntimeError(f"no {cls} molecule of size {size} met the conditions in {tries} draws")


def balanced(rng: random.Random, draw: Callable[[random.Random], Any], key: Callable[[Any], Any],
             candidates: int = 3) -> Any:
    """One of ``candidates`` draws, picked so that its ``key`` (the answer) is spread evenly.

    The answer value is drawn first among those the candidates show, then a candidate with it: no
    answer value becomes common because more molecules happen to have it.
    """
    pool = [draw(rng) for _ in range(candidates)]
    keys = [key(p) for p in pool]
    distinct = sorted(set(map(repr, keys)))
    want = rng.choice(distinct)
    return pool[[repr(k) for k in keys].index(want)]


_CLASS_SMARTS = {
    "aromatic": "c1ccccc1", "carbonyl": "[CX3;$([CH1](=O)[#6]),$(C(=O)([#6])[#6])]=O",
    "ester": "[CX3](=O)[OX2]", "amide": "C(=O)[NX3]", "amine": "[NX3;!$(N-C=O);!$(N-[!#6])]",
    "alcohol": "[OX2;!$(O-C=O);!$(O-[!#6])]", "halide": "[CX4][F,Cl,Br,I]", "alkene": "[CX3]=[CX3]",
}
_CLASS_PATTERNS = {k: Chem.MolFromSmarts(v) for k, v in _CLASS_SMARTS.items()}


def in_class(smiles: str, cls: str) -> bool:
    """Whether the molecule carries its class's group (a drawn piece may not take its place)."""
    return Chem.MolFromSmiles(smiles).HasSubstructMatch(_CLASS_PATTERNS[cls])


# -- NMR --------------------------------------------------------------------------------------------
MULTIPLET = {1: "s", 2: "d", 3: "t", 4: "q", 5: "quintet", 6: "sextet", 7: "septet", 8: "octet", 9: "nonet"}
_MULTIPLET_WORDS = {"s": 1, "singlet": 1, "d": 2, "doublet": 2, "t": 3, "triplet": 3, "q": 4, "quartet": 4,
                    "quint": 5, "quintet": 5, "pentet": 5, "sext": 6, "sextet": 6, "hextet": 6, "sept": 7,
                    "septet": 7, "heptet": 7, "oct": 8, "octet": 8, "non": 9, "nonet": 9}


@dataclass(frozen=True)
class Environment:
    """One set of chemically equivalent protons."""

    protons: int
    #: Lines of the first-order multiplet (n+1); 1 for an exchanging O-H/N-H.
    lines: int
    exchangeable: bool
    #: Heavy atoms carrying these protons (indices in the canonical SMILES's molecule).
    atoms: tuple[int, ...]

    @property
    def label(self) -> str:
        return f"{self.protons}H {'br s' if self.exchangeable else MULTIPLET.get(self.lines, 'm')}"


def _environments(mol: Chem.Mol) -> tuple[Environment, ...]:
    with_h = Chem.AddHs(mol)
    ranks = list(Chem.CanonicalRankAtoms(with_h, breakTies=False))
    by_rank: dict[int, list[int]] = {}
    for atom in with_h.GetAtoms():
        if atom.GetAtomicNum() == 1:
            by_rank.setdefault(ranks[atom.GetIdx()], []).append(atom.GetIdx())
    out = []
    for rank, hs in sorted(by_rank.items()):
        parent = with_h.GetAtomWithIdx(hs[0]).GetNeighbors()[0]
        exchangeable = parent.GetAtomicNum() != 6
        n = 0
        if not exchangeable:
            for nb in parent.GetNeighbors():
                if nb.GetAtomicNum() != 6:
                    continue
                n += sum(1 for h in nb.GetNeighbors() if h.GetAtomicNum() == 1 and ranks[h.GetIdx()] != rank)
        heavy = sorted({with_h.GetAtomWithIdx(h).GetNeighbors()[0].GetIdx() for h in hs})
        out.append(Environment(len(hs), n + 1, exchangeable, tuple(heavy)))
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def environments(smiles: str) -> tuple[Environment, ...]:
    """The proton environments of a trusted (identity) SMILES, in canonical order."""
    return _environments(Chem.MolFromSmiles(smiles))


@functools.lru_cache(maxsize=8192)
def carbon_classes(smiles: str) -> tuple[tuple[int, int], ...]:
    """(attached hydrogens, carbons) of each symmetry class of carbon atoms, in canonical order."""
    mol = Chem.MolFromSmiles(smiles)
    ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False))
    seen: dict[int, list[int]] = {}
    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() == 6:
            seen.setdefault(ranks[atom.GetIdx()], []).append(atom.GetTotalNumHs())
    return tuple((hs[0], len(hs)) for _, hs in sorted(seen.items()))


def parse_multiplicity(text: str) -> int | None:
    """Lines of a multiplet named by an answer ('t', 'triplet', '3'), or None."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    t = re.sub(r"\\text\{|\}|\$|\.$", "", text).strip().lower()
    if t.isdigit() and len(t) <= 2:
        n = int(t)
        return n if 1 <= n <= 20 else None
    return _MULTIPLET_WORDS.get(t)


# -- formulas and masses -----------------------------------------------------------------------------
#: Monoisotopic masses (u) of the most abundant isotope of each element (AME2020 atomic masses).
MONO = {"C": 12.0, "H": 1.00782503207, "N": 14.0030740048, "O": 15.99491461956, "F": 18.99840316,
        "Cl": 34.968852682, "Br": 78.9183376, "I": 126.9044719, "S": 31.97207117, "P": 30.97376200,
        "Na": 22.9897692820}
NOMINAL = {el: round(m) for el, m in MONO.items()}
ELECTRON = 0.000548579909
_HILL = re.compile(r"([A-Z][a-z]?)(\d*)")
MAX_FORMULA_CHARS = 60


def element_counts(smiles: str) -> dict[str, int]:
    """Atoms of each element of a trusted SMILES, hydrogens included (Hill order keys)."""
    mol = Chem.MolFromSmiles(smiles)
    counts: Counter[str] = Counter()
    for atom in mol.GetAtoms():
        counts[atom.GetSymbol()] += 1
        counts["H"] += atom.GetTotalNumHs()
    return hill_dict(+counts)


def hill_dict(counts: dict[str, int]) -> dict[str, int]:
    """The counts in Hill order (C, H, then alphabetical)."""
    keys = [k for k in ("C", "H") if counts.get(k)] + sorted(k for k in counts if k not in ("C", "H") and counts[k])
    return {k: int(counts[k]) for k in keys}


def formula_text(counts: dict[str, int]) -> str:
    """A Hill formula such as C7H6ClNO."""
    return "".join(f"{el}{n if n != 1 else ''}" for el, n in hill_dict(counts).items())


def parse_formula(text: object) -> dict[str, int] | None:
    """Element counts of a neutral molecular formula in an answer (``C2H6O``, ``$\\mathrm{H_2O}$``), or None."""
    if not isinstance(text, str) or len(text) > MAX_FORMULA_CHARS:
        return None
    t = re.sub(r"\\(?:text|mathrm)\{([^{}]*)\}", r"\1", text)
    t = t.replace("$", "").replace("_", "").replace("{", "").replace("}", "").replace("•", "").strip()
    t = t.rstrip(".").strip()
    if not t or not re.fullmatch(r"(?:[A-Z][a-z]?\d{0,3})+", t):
        return None
    counts: Counter[str] = Counter()
    for el, n in _HILL.findall(t):
        if el not in MONO:
            return None
        counts[el] += int(n) if n else 1
    if any(v <= 0 or v > 500 for v in counts.values()):
        return None
    return dict(counts)


def mono_mass(counts: dict[str, int]) -> float:
    """Monoisotopic mass of a neutral formula."""
    return sum(MONO[el] * n for el, n in counts.items())


def nominal_mass(counts: dict[str, int]) -> int:
    """Nominal (integer) mass of a formula from its most abundant isotopes."""
    return sum(NOMINAL[el] * n for el, n in counts.items())


def unsaturation(counts: dict[str, int]) -> float:
    """Degrees of unsaturation (rings plus pi bonds) of a formula: C - H/2 - X/2 + N/2 + 1."""
    halogens = sum(counts.get(x, 0) for x in ("F", "Cl", "Br", "I"))
    trivalent = counts.get("N", 0) + counts.get("P", 0)
    return counts.get("C", 0) - (counts.get("H", 0) + halogens) / 2 + trivalent / 2 + 1


def answer_molecule(answer: str) -> Chem.Mol | None:
    """An answer's molecule, or None when it does not parse or is too large to recompute."""
    mol = parse_molecule(answer)
    if mol is None or mol.GetNumHeavyAtoms() > MAX_ANSWER_HEAVY:
        return None
    if any(a.GetNumRadicalElectrons() for a in mol.GetAtoms()):
        return None
    return mol


def heavy_atoms(smiles: str) -> int:
    """Heavy atoms of a trusted SMILES."""
    return Chem.MolFromSmiles(smiles).GetNumHeavyAtoms()


class MoleculeLevels:
    """Levels by molecule size for a task posed on one generated molecule (``size`` in ``default_params``)."""

    levels: ClassVar[tuple[dict[str, Any], ...]] = SIZE_LEVELS
    default_level: ClassVar[int | None] = DEFAULT_SIZE

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms of the problem's molecule plus its proton environments (each must be found)."""
        return float(heavy_atoms(identity["smiles"]) + len(environments(identity["smiles"])))
