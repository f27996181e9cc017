"""Generated molecules: drug-like structures assembled from building blocks, sized by difficulty level.

A fixed list of molecules repeats itself within a few hundred seeds, so the chemistry tasks draw
their molecules here. A molecule is a tree of building blocks (rings, fused ring systems, chain atoms,
linkers, functional and charged groups), written as one SMILES string whose blocks are joined by
ring-closure bonds, parsed once and written canonically: a molecule costs well under a millisecond.
Each ``{}`` in a block's template is a hydrogen that a bond to another block may replace.

:data:`SIZES` is the level table (1 = a small molecule with at most one ring, 5 = large and
polycyclic). :func:`steered` draws a molecule for a task whose answer a plain draw would leave mostly
at one value (a fragment count that is mostly 0): it draws how many carriers of the property to
build in first, so the answers spread by construction.
"""

from __future__ import annotations

import functools
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdkit import Chem

import bootcamp.verifiers.smiles  # noqa: F401 - importing it silences RDKit's logging

_STEREO_TAGS = (Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW)


@dataclass(frozen=True)
class Size:
    """A level's molecule size: heavy atoms and SSSR rings (inclusive ranges)."""

    heavy: tuple[int, int]
    rings: tuple[int, int]


#: Molecule size per level (index = ``size`` parameter). Level 3 is drug-fragment sized.
SIZES: dict[int, Size] = {
    1: Size((8, 13), (0, 1)),
    2: Size((12, 18), (0, 2)),
    3: Size((16, 25), (1, 3)),
    4: Size((24, 33), (2, 4)),
    5: Size((32, 42), (3, 5)),
}
#: Levels of a task whose problems are one generated molecule: the ``size`` parameter, 1..5.
SIZE_LEVELS: tuple[dict[str, int], ...] = tuple({"size": k} for k in SIZES)
#: The level of today's molecules (drug-like, a few rings).
DEFAULT_SIZE = 3

# Ring blocks (aromatic, aliphatic, fused). {} = a hydrogen another block may replace.
_RINGS = (
    "c{}1c{}c{}c{}c{}c{}1", "c{}1c{}c{}c{}c{}c{}1", "c{}1c{}c{}c{}c{}c{}1", "n1c{}c{}c{}c{}c{}1", "c{}1c{}nc{}nc{}1",
    "c{}1c{}nc{}c{}n1", "s1c{}c{}c{}c{}1", "o1c{}c{}c{}c{}1", "[nH]1c{}c{}c{}c{}1", "c{}1nc{}[nH]c{}1",
    "c{}1c{}n[nH]c{}1", "c{}1c{}sc{}n1", "c{}1c{}oc{}n1", "c{}1nnc{}o1", "c{}1nc{}no1",
    "C{}1C{}C{}1", "C{}1C{}C{}C{}1", "C{}1C{}C{}C{}C{}1", "C{}1C{}C{}C{}C{}C{}1", "C{}1CCC{}CCC1",
    "C{}1CCCCCCC1", "N{}1C{}C{}C{}C{}C1", "N{}1CCN{}CC1", "N{}1CCOCC1", "N{}1C{}CCC1", "C{}1CCOC1",
    "C{}1CCOCC1", "N{}1CC{}C1", "C{}1CCC(=O)CC1", "N{}1C(=O)CCC1", "C{}1OCCO1", "C{}1CCSC1", "O=C1N{}CCN1{}",
    "c{}1c{}c{}c2c{}c{}c{}c{}c2c{}1", "c{}1c{}c{}c2[nH]c{}c{}c2c{}1", "c{}1c{}c{}c2nc{}c{}c{}c2c{}1",
    "c{}1c{}c{}c2oc{}c{}c2c{}1", "c{}1c{}c{}c2[nH]c{}nc2c{}1", "c{}1c{}c{}c2c(c{}1)CCC2", "C{}1CC2CCC1C2",
    "c{}1c{}c{}c2sc{}nc2c{}1", "C{}1CCC2(CC1)OCCO2", "C{}1COC(=O)C1", "O=C1CCC(=O)N1{}", "C{}1CCCC(=O)O1",
)
# Acyclic blocks: chain atoms and linkers (several hydrogens to replace) and end groups (one).
_CHAINS = (
    "C{}{}{}", "C{}{}{}", "C{}{}{}", "C{}{}{}", "C{}{}{}", "C{}{}{}", "C{}{}{}C{}{}", "O{}{}", "N{}{}{}",
    "S{}{}", "C{}(=O){}", "C{}(=O)O{}", "C{}(=O)N{}{}", "S{}(=O)(=O)C{}{}", "S{}(=O)(=O)N{}{}", "N{}C(=O)N{}{}",
    "O{}C(=O)N{}{}", "C{}{}=C{}{}", "C{}#C{}", "C{}(C)(C){}", "C{}{}(C)", "N{}{}N{}", "C{}(=S)N{}{}",
    "C{}(=N{})N{}{}", "C{}{}=NO{}", "S{}S{}", "C{}(F)(F){}", "O{}C{}{}O{}",
)
_ENDS = (
    "F{}", "Cl{}", "Br{}", "C{}", "C{}C", "C{}CC", "O{}CC", "N{}C", "C{}(C)=O", "C{}O", "C{}N", "C{}C=C", "C{}CO",
    "C{}CN", "C{}CCC", "C{}CCCC", "O{}", "N{}", "C{}(F)(F)F", "O{}C(F)(F)F", "C{}#N", "[N+]{}(=O)[O-]", "C{}(=O)[O-]",
    "[N+]{}(C)(C)C", "C{}(C)(C)C", "O{}C", "C{}(C)O", "C{}(C)N", "C{}(O)C(=O)O", "C{}(N)C(=O)O", "C{}(F)Cl",
    "C{}(C)CC", "N{}=[N+]=[N-]", "N{}=C=O", "P{}(=O)(O)O", "B{}(O)O", "[n+]{}1ccccc1", "C{}=O", "C{}(=O)Cl",
    "S{}(=O)(=O)[O-]", "S{}C", "C{}(=O)OC", "C{}(=O)N", "C{}(=O)O", "C{}C(=O)O", "O{}C(C)=O", "C{}C(N)=O", "S{}", "C{}S", "N{}C(C)=O", "S{}(N)(=O)=O", "O{}P(=O)(O)O",
    "C{}(C)(O)C", "C{}(O)CO", "C{}OC", "N{}(C)C", "I{}",
)


@dataclass(frozen=True)
class Block:
    """One building block: its SMILES template (``{}`` = replaceable hydrogen) and what it adds."""

    template: str
    heavy: int
    rings: int
    slots: int


def _block(template: str) -> Block:
    mol = Chem.MolFromSmiles(template.replace("{}", ""))
    if mol is None:
        raise ValueError(f"building block does not parse: {template}")
    return Block(template, mol.GetNumHeavyAtoms(), mol.GetRingInfo().NumRings(), template.count("{}"))


@functools.cache
def blocks() -> tuple[Block, ...]:
    """Every building block (parsed once per process)."""
    return tuple(_block(t) for t in (*_RINGS, *_CHAINS, *_ENDS))


def _split(pool: Sequence[Block]) -> tuple[list[Block], list[Block], list[Block]]:
    """(ring blocks, acyclic blocks with several slots, end groups) of ``pool``."""
    rings = [b for b in pool if b.rings]
    inner = [b for b in pool if not b.rings and b.slots > 1]
    ends = [b for b in pool if not b.rings and b.slots == 1]
    return rings, inner, ends


def _write(chosen: list[Block], rng: random.Random) -> str:
    """The blocks joined into one tree, as a SMILES string (joins are ring-closure bonds ``-%nn``)."""
    chosen = list(chosen)
    carbon = Block("C{}{}{}", 1, 0, 3)
    while sum(b.slots for b in chosen) < 2 * (len(chosen) - 1):  # end groups only: carbons give them room
        chosen.append(carbon)
    # Blocks with several slots first, so every end group finds an open slot.
    inner = [b for b in chosen if b.slots > 1]
    ends = [b for b in chosen if b.slots == 1]
    rng.shuffle(inner)
    rng.shuffle(ends)
    order = inner + ends
    fills: list[list[str]] = []
    open_slots: list[tuple[int, int]] = []
    for k, block in enumerate(order):
        fill = [""] * block.slots
        free = list(range(block.slots))
        if k:
            i, s = open_slots.pop(rng.randrange(len(open_slots)))
            j = free.pop(rng.randrange(len(free)))
            fills[i][s] = fill[j] = f"-%{k + 9}"
        fills.append(fill)
        open_slots.extend((k, s) for s in free)
    return ".".join(b.template.format(*f) for b, f in zip(order, fills, strict=True))


def _assemble(rng: random.Random, size: int, planted: Sequence[Block], pool: Sequence[Block],
              rings_asked: bool = False) -> list[Block]:
    """The blocks of one molecule: the planted ones, rings up to the level's ring goal, then the rest.

    ``rings_asked`` is for a task that asks about (some kind of) rings: their number is
    drawn from six values around the level (size - 1 to size + 4), so the answers spread, and the
    heavy atoms grow to hold them.
    """
    spec = SIZES[size]
    heavy_goal = rng.randint(*spec.heavy)
    ring_goal = rng.randint(*spec.rings)
    rings, inner, ends = _split(pool)
    # Planted blocks leave room for more atoms (more at higher levels), so molecules with the same
    # plants still differ and sizes still grow with the level.
    heavy_goal = max(heavy_goal, sum(b.heavy for b in planted) + 3 + 4 * size)
    if rings_asked:
        ring_goal = rng.randint(max(0, size - 1), size + 4)
        heavy_goal = max(heavy_goal, 6 * ring_goal + 3)
    chosen = list(planted)
    heavy = sum(b.heavy for b in chosen)
    have_rings = sum(b.rings for b in chosen)
    while rings and have_rings < ring_goal:
        # a ring leaves room for at least three atoms of substituents (bare rings repeat themselves)
        fitting = [b for b in rings if b.rings <= ring_goal - have_rings and b.heavy <= heavy_goal - heavy - 3]
        if not fitting:
            break
        block = rng.choice(fitting)
        chosen.append(block)
        heavy += block.heavy
        have_rings += block.rings
    while heavy < heavy_goal:
        room = heavy_goal - heavy
        # Chains and linkers keep the tree open; end groups close it.
        source = inner if (rng.random() < 0.6 or not ends) and inner else ends
        fitting = [b for b in source if b.heavy <= room] or [b for b in inner + ends if b.heavy <= room]
        if not fitting:
            break
        block = rng.choice(fitting)
        chosen.append(block)
        heavy += block.heavy
    if len(chosen) < 2:
        chosen.append(Block("C{}{}{}", 1, 0, 3))
    return chosen


def _finish(smiles: str, rng: random.Random, stereo: float) -> str | None:
    """The canonical SMILES of a written tree, stereocentres set at random (each with chance ``stereo``)."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    if stereo > 0:
        centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
        for idx, _ in centres:
            if rng.random() < stereo:
                mol.GetAtomWithIdx(idx).SetChiralTag(rng.choice(_STEREO_TAGS))
    out = Chem.MolToSmiles(mol)
    again = Chem.MolFromSmiles(out)
    # A canonical form that does not survive its own round trip would give two spellings of one identity.
    return out if again is not None and Chem.MolToSmiles(again) == out else None


def build(rng: random.Random, size: int, stereo: float = 0.5, planted: Sequence[Block] = (),
          pool: Sequence[Block] | None = None, accept: Callable[[str], bool] | None = None,
          tries: int = 30, rings_asked: bool = False) -> str:
    """A canonical SMILES of a generated molecule of level ``size`` (see :data:`SIZES`).

    Args:
        rng: the problem's random generator (the molecule is deterministic in it).
        size: the level, a key of :data:`SIZES`.
        stereo: chance that each stereocentre gets a configuration.
        planted: blocks built in first (to steer a property).
        pool: the blocks the rest is drawn from (default: all of them).
        accept: a further condition the molecule must meet.
        tries: molecules built before giving up.
        rings_asked: for a task about the rings (see :func:`_assemble`).

    Raises:
        RuntimeError: no molecule met ``accept`` within ``tries``.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    source = blocks() if pool is None else pool
    for _ in range(tries):
        smiles = _finish(_write(_assemble(rng, size, planted, source, rings_asked), rng), rng, stereo)
        if smiles is not None and (accept is None or accept(smiles)):
            return smiles
    raise RuntimeError(f"no generated molecule of size {size} met the conditions in {tries} tries")


def size_complexity(smiles: str) -> float:
    """A molecule's complexity: heavy atoms plus three per ring (rings make counting and naming harder)."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return 0.0
    return float(mol.GetNumHeavyAtoms() + 3 * mol.GetRingInfo().NumRings())


# -- steering a property -------------------------------------------------------------------
#: A property whose commonest value takes more than this share of plain draws is steered.
STEER_SHARE = 0.15
#: Molecules drawn (once per process and property) to see how a property spreads.
PROBE = 30


@dataclass(frozen=True)
class Steering:
    """How to spread one property: blocks that carry it and blocks that do not."""

    steer: bool
    carriers: tuple[Block, ...]
    others: tuple[Block, ...]
    #: The value of each carrier on an ethyl (for a property a molecule takes from one carrier).
    lifts: tuple[float, ...] = ()
    #: The commonest value of plain draws, and its share (at level 1 or the default level, the larger).
    mode: float = 0.0
    share: float = 0.0
    #: The blocks of a molecule built for a question about rings: rings that carry it, and every chain.
    ring_pool: tuple[Block, ...] = ()


def _finite(x: float) -> bool:
    return isinstance(x, float | int) and math.isfinite(x)


@functools.cache
def _on_ring() -> tuple[Block, ...]:
    """Each acyclic block on a benzene ring, as one block (features that need an aromatic neighbour:
    a phenol, an aniline, an aryl methyl)."""
    out = []
    for block in blocks():
        if not block.rings:
            rest = block.template.replace("{}", "", 1)
            out.append(_block("c1(" + rest + ")c{}c{}c{}c{}c{}1"))
    return tuple(out)


@functools.cache
def _capped() -> tuple[str, ...]:
    """Each block (and ring-borne block) on an ethyl, as a molecule of its own (what it adds)."""
    out = []
    for block in (*blocks(), *_on_ring()):
        template = block.template.replace("{}", "-%10", 1).replace("{}", "")
        out.append(Chem.MolToSmiles(Chem.MolFromSmiles(f"CC-%10.{template}")))
    return tuple(out)


@functools.cache
def _probe(size: int) -> tuple[str, ...]:
    """Plain draws at level ``size``, shared by every property's probe."""
    rng = random.Random(f"chem-probe:{size}")
    return tuple(build(rng, size) for _ in range(PROBE))


def _mode(values: list[float]) -> tuple[float, float]:
    """The commonest finite value and its share."""
    counts = Counter(round(v, 6) for v in values if _finite(v))
    if not counts:
        return 0.0, 1.0
    mode, n = counts.most_common(1)[0]
    return mode, n / sum(counts.values())


_STEERING: dict[str, Steering] = {}


def steering(key: str, value: Callable[[str], float]) -> Steering:
    """The carriers of ``value`` and whether it needs steering (learned once per process and ``key``:
    every level's instance of a task shares it)."""
    if key not in _STEERING:
        _STEERING[key] = _learn(value)
    return _STEERING[key]


def _learn(value: Callable[[str], float]) -> Steering:
    # Small molecules show a rare feature least often: a property is steered if it piles up there too.
    mode, share = max((_mode([value(s) for s in _probe(size)]) for size in (1, DEFAULT_SIZE)),
                      key=lambda m: m[1])
    base = value("CC")
    base = base if _finite(base) else 0.0
    every = (*blocks(), *_on_ring())
    values = [value(s) for s in _capped()]
    carried = [_finite(v) and abs(v - base) > 1e-6 for v in values]
    n = len(blocks())
    carriers = tuple(b for b, c in zip(every, carried, strict=True) if c)
    others = tuple(b for b, c in zip(blocks(), carried[:n], strict=True) if not c)
    lifts = tuple(v for v, c in zip(values, carried, strict=True) if c)
    steer = share > STEER_SHARE and bool(carriers) and len(_split(others)[1]) >= 3
    # A fused block that counts once for two rings (an indole for heterocycles) would pile the counts up.
    ring_pool = tuple(b for b, c, v in zip(blocks(), carried[:n], values[:n], strict=True)
                      if c and b.rings and abs(v - base) >= b.rings - 1e-6)
    ring_pool += tuple(b for b in blocks() if not b.rings)
    return Steering(steer, carriers, others, lifts, mode, share, ring_pool)


def steered(rng: random.Random, size: int, key: str, value: Callable[[str], float], stereo: float = 0.5,
            accept: Callable[[str], bool] | None = None, additive: bool = True,
            rings_asked: bool = False) -> str:
    """A molecule of level ``size`` whose ``value`` spreads.

    For a property most molecules share one value of, the answer is drawn first: an ``additive``
    one (a count) by how many carriers to build in (0 to 4 + size),
    any other (a largest ring) by which carrier value to build in, one carrier or none; the rest of
    the molecule is drawn from blocks without the property. A task about (a kind of) rings draws
    their number instead, from the ring blocks of that kind (``rings_asked``, see :func:`_assemble`).
    """
    def ok(smiles: str) -> bool:
        return _finite(value(smiles)) and (accept is None or accept(smiles))

    info = steering(key, value)
    if rings_asked:  # only rings of the kind asked about, as many as drawn
        return build(rng, size, stereo=stereo, accept=ok, pool=info.ring_pool, rings_asked=True)
    if not info.steer:
        if info.share > STEER_SHARE and rng.random() > STEER_SHARE:
            # No block carries it alone (a surface-area bin): the answer's class is drawn first, and a
            # molecule off the common value is searched for (a few tries).
            try:
                return build(rng, size, stereo=stereo, tries=5,
                             accept=lambda s: ok(s) and abs(value(s) - info.mode) > 1e-6)
            except RuntimeError:
                pass
        return build(rng, size, stereo=stereo, accept=ok)
    budget = SIZES[size].heavy[1] - 2  # a carrier that a molecule takes its value from fits the level
    planted: list[Block] = []
    if additive:
        # Up to 4 + size carriers (five or more counts, none of them common), the smallest ones: the
        # molecule may outgrow the level's heavy atoms a little (every level alike).
        by_size = sorted(info.carriers, key=lambda b: b.heavy)
        small = [b for b in by_size if b.heavy <= max(1 + size, by_size[0].heavy + 1)]
        # End groups keep their feature; a linker's may go where it joins (an OH that becomes an ether).
        small = [b for b in small if b.slots == 1] or small
        planted = [rng.choice(small) for _ in range(rng.randint(0, 4 + size))]
    else:
        fitting = [(b, v) for b, v in zip(info.carriers, info.lifts, strict=True) if b.heavy <= budget]
        lifts = sorted({v for _, v in fitting})
        target = rng.choice([None, *lifts])
        if target is not None:
            planted.append(rng.choice([b for b, v in fitting if v == target]))
    if planted:
        # A carrier can lose its feature where it joins (an OH that becomes an ether): a few tries for
        # a molecule that shows as much of the property as was built in (at least one step per carrier).
        chosen = {b.template for b in planted}
        lifts_in = [v for b, v in zip(info.carriers, info.lifts, strict=True) if b.template in chosen]
        want = len(planted) * min(abs(v) for v in lifts_in) - 1e-6

        def shows(smiles: str) -> bool:
            if additive:
                return ok(smiles) and abs(value(smiles) - info.mode) >= want
            return ok(smiles) and abs(value(smiles) - lifts_in[0]) < 1e-6  # the one carrier's value

        try:
            return build(rng, size, stereo=stereo, planted=planted, pool=info.others, tries=3, accept=shows)
        except RuntimeError:
            pass
    return build(rng, size, stereo=stereo, planted=planted, pool=info.others, accept=ok)
