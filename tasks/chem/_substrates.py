"""Generated substrates for the named reactions: scaffolds that carry one reacting group.

A substrate starts from a *pattern*: the reacting group with its fixed partners, e.g.
``[*:1]C(=O)O`` for a carboxylic acid. Each ``[*:n]`` slot is filled with a generated
scaffold (an alkyl chain, a saturated ring, a (hetero)aryl ring, an arylalkyl), and
pattern atoms written with map number 9 (``[C:9]``) may grow too. On the scaffold atoms
the builder then grafts spectator groups (esters, nitriles, ketones... that the reaction
must leave alone), grows alkyl pieces until the substrate reaches a drawn size, and adds
or refuses stereocentres until it has the number asked for, each given a drawn
configuration. Whether the result is a *sensible* substrate (its reacting group matched
once by the template, one sanitised product) is decided by the caller, which runs the
reaction template (:func:`tasks.chem._reactions.draw_generated`).
"""

from __future__ import annotations

import functools
import random

from rdkit import Chem

import bootcamp.verifiers.smiles  # noqa: F401 - importing it silences RDKit's logging
from tasks.chem._patterns import (
    ALKYL,
    ANY,
    ARYL,
    ARYL_CORES,
    CHIRAL_PIECES,
    GROUPS,
    GROWTH,
    RING_CORES,
    ROLE_PATTERNS,
    SMALL,
    Group,
)

#: Atom property: a scaffold atom (grafts and growth go there).
FREE = "free"
#: Atom property: an atom the generator added (scaffold, growth or spectator group); they make the size.
ADDED = "added"

_GROWTH_PIECES = [p for p, w in GROWTH for _ in range(w)]


@functools.lru_cache(maxsize=512)
def _parsed(smiles: str) -> Chem.Mol:
    """A fragment or core parsed once (callers copy before editing)."""
    return Chem.MolFromSmiles(smiles)


def _size(smiles: str) -> int:
    return _parsed(smiles).GetNumAtoms()


def _aryl_ch(smiles: str) -> int:
    """Aromatic C-H atoms of a core."""
    return len(_ch_atoms(_parsed(smiles), aromatic=True))


@functools.lru_cache(maxsize=64)
def _pieces_within(room: int) -> list[str]:
    """Growth pieces (with their weights, as repeats) of at most ``room`` atoms."""
    return [p for p in _GROWTH_PIECES if _size(p) <= room] or ["C"]


def _count(mol: Chem.Mol, prop: str) -> int:
    return sum(a.HasProp(prop) for a in mol.GetAtoms())


def added_atoms(mol: Chem.Mol) -> int:
    """Heavy atoms the generator added to the pattern of a built substrate (its size)."""
    return _count(mol, ADDED)


def _mark(mol: Chem.Mol, *props: str) -> None:
    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() > 0:
            for p in props:
                atom.SetBoolProp(p, True)


# Grafting bonds two sanitised pieces by a single bond: valences and ring info need redoing, aromaticity not.
_GRAFT_OPS = Chem.SANITIZE_PROPERTIES | Chem.SANITIZE_SYMMRINGS | Chem.SANITIZE_SETHYBRIDIZATION


def _sanitised(mol: Chem.Mol, ops: Chem.SanitizeFlags = Chem.SANITIZE_ALL) -> Chem.Mol | None:
    try:
        Chem.SanitizeMol(mol, ops)
    except Exception:  # noqa: BLE001 - an edit that breaks valence is just not a substrate
        return None
    return mol


def _with_dummy(mol: Chem.Mol | str, at: int, label: int) -> Chem.Mol:
    """The scaffold ``mol`` with a dummy atom ``[*:label]`` bonded to atom ``at`` (all real atoms free)."""
    rw = Chem.RWMol(_parsed(mol) if isinstance(mol, str) else mol)
    _mark(rw, FREE, ADDED)
    d = rw.AddAtom(Chem.Atom(0))
    rw.GetAtomWithIdx(d).SetAtomMapNum(label)
    rw.AddBond(at, d, Chem.BondType.SINGLE)
    return rw.GetMol()


# C-H atoms by a substructure query: iterating atoms in Python is the generator's hot spot.
_BRANCHABLE = Chem.MolFromSmarts("[CX4;H1,H2]")
_CH = {None: Chem.MolFromSmarts("[#6;!H0]"), True: Chem.MolFromSmarts("[c;!H0]"), False: Chem.MolFromSmarts("[C;!H0]")}


def _ch_atoms(mol: Chem.Mol, aromatic: bool | None = None, free: bool = False) -> list[int]:
    """Carbon atoms with a hydrogen (only aromatic / only aliphatic ones when ``aromatic`` says so; only
    scaffold atoms when ``free``)."""
    hits = [m[0] for m in mol.GetSubstructMatches(_CH[aromatic], maxMatches=1000)]
    return [i for i in hits if mol.GetAtomWithIdx(i).HasProp(FREE)] if free else hits


def scaffold(kind: str, label: int, budget: int, rng: random.Random, banned: frozenset[str],
             aryl_groups: int = 0, want_sp3: bool = False) -> Chem.Mol:
    """A scaffold of ``kind`` with at most about ``budget`` heavy atoms, bonded to a dummy ``[*:label]``.

    ``aryl_groups`` / ``want_sp3`` steer an ``any`` or ``alkyl`` slot to a scaffold with enough aromatic
    C-H atoms (for aryl-only spectator groups) / sp3 C-H atoms (for stereocentres), so fewer draws are wasted.
    """
    want_aryl = aryl_groups > 0
    if kind == SMALL:
        return _with_dummy(rng.choice(("C", "CC", "CCC", "C(C)C", "C1CC1")), 0, label)
    if kind == ARYL:
        form = "aryl"
    elif kind == ANY and want_aryl:
        form = "arylalkyl" if want_sp3 else rng.choice(("aryl", "aryl", "arylalkyl"))
    elif kind == ALKYL and want_aryl:
        form = "arylalkyl"
    elif kind == ANY and not want_sp3 and rng.random() < 0.5:
        form = "aryl"
    else:
        form = rng.choice(("chain", "ring", "ring", "arylalkyl", "arylalkyl"))
    if form == "aryl":
        # Leave room to grow: a bare bicyclic core at the top of the range would repeat often.
        cores = [c for c in ARYL_CORES if _size(c) <= max(budget - 2, 5) and _aryl_ch(c) > aryl_groups]
        if want_sp3 and rng.random() < 0.7:  # a ring with CH2 groups to put stereocentres on (indane, chromane...)
            cores = [c for c in cores if _ch_atoms(_parsed(c), aromatic=False)]
        core = rng.choice(cores or ["c1ccc2c(c1)CCCC2"])
        return _with_dummy(core, rng.choice(_ch_atoms(_parsed(core), aromatic=True)), label)
    if form == "chain" or budget < 3:
        n = rng.randint(1, max(1, min(5, budget)))
        return _with_dummy("C" * n, rng.choice((0, rng.randrange(n))), label)
    if form == "ring":
        core = rng.choice([c for c, tag in RING_CORES if tag not in banned and _size(c) <= budget])
        linker = rng.choice(("", "", "C"))
    else:
        core = rng.choice([c for c in ARYL_CORES if _size(c) <= max(budget - 1, 5) and _aryl_ch(c) >= aryl_groups]
                          or ["c1ccccc1"])
        linker = rng.choice(("C", "C", "CC"))
    mol = _parsed(core)
    at = rng.choice(_ch_atoms(mol))
    if not linker:
        return _with_dummy(mol, at, label)
    # The linker's atoms follow the core's, so its free end is the last atom.
    linked = graft(mol, at, linker)
    return _with_dummy(linked, linked.GetNumAtoms() - 1, label)


@functools.lru_cache(maxsize=256)
def parse_pattern(smiles: str) -> Chem.Mol:
    """A pattern molecule: map-9 atoms become free, growable atoms (their hydrogens recomputed).

    Cached: callers copy it before editing.
    """
    mol = Chem.MolFromSmiles(smiles)
    for atom in mol.GetAtoms():
        if atom.GetAtomMapNum() == 9:
            atom.SetAtomMapNum(0)
            atom.SetNoImplicit(False)
            atom.SetNumExplicitHs(0)
            atom.SetNumRadicalElectrons(0)
            atom.SetBoolProp(FREE, True)
    Chem.SanitizeMol(mol)
    return mol


def graft(mol: Chem.Mol, at: int, piece: str, *props: str) -> Chem.Mol | None:
    """``mol`` with the first atom of ``piece`` bonded to atom ``at``; the piece's atoms get ``props``."""
    frag = Chem.Mol(_parsed(piece))
    _mark(frag, *props)
    rw = Chem.RWMol(Chem.CombineMols(mol, frag))
    rw.AddBond(at, mol.GetNumAtoms(), Chem.BondType.SINGLE)
    return _sanitised(rw.GetMol(), _GRAFT_OPS)


def _cumulated(bond: Chem.Bond) -> bool:
    ends = (bond.GetBeginAtom(), bond.GetEndAtom())
    return any(sum(b.GetBondType() == Chem.BondType.DOUBLE for b in a.GetBonds()) > 1 for a in ends)


def stereo_elements(mol: Chem.Mol) -> list[Chem.StereoInfo]:
    """The stereo elements of ``mol`` (specified or not): RDKit's potential stereo, less cumulated double bonds.

    RDKit flags the N=N of an azide and the N=C of an isocyanate as possible cis/trans bonds; they are not.
    """
    return [i for i in Chem.FindPotentialStereo(mol)
            if i.type != Chem.StereoType.Bond_Double or not _cumulated(mol.GetBondWithIdx(i.centeredOn))]


def stereo_count(mol: Chem.Mol) -> int:
    """How many stereo elements (tetrahedral centres, cis/trans double bonds) sit on the scaffold of ``mol``.

    Elements of the pattern itself (the E double bond of a 1-substituted diene, the carbinol carbon of a
    secondary alcohol) are not counted: they come with the substrate class, not with its decoration.
    """
    def on_scaffold(i: int) -> bool:
        a = mol.GetAtomWithIdx(i)
        return a.HasProp(FREE) or a.HasProp(ADDED)

    count = 0
    for info in stereo_elements(mol):
        if info.type == Chem.StereoType.Bond_Double:
            bond = mol.GetBondWithIdx(info.centeredOn)
            count += on_scaffold(bond.GetBeginAtomIdx()) or on_scaffold(bond.GetEndAtomIdx())
        else:
            count += on_scaffold(info.centeredOn)
    return count


def unspecified_stereo(mol: Chem.Mol) -> int:
    """How many of ``mol``'s stereo elements have no configuration."""
    return sum(i.specified != Chem.StereoSpecified.Specified for i in stereo_elements(mol))


def _group_sites(mol: Chem.Mol, group: Group) -> list[int]:
    """Free C-H atoms a spectator group may take; an sp3 one not bonded to a heteroatom (no aminals...)."""
    out = []
    for i in _ch_atoms(mol, aromatic=True if group.aryl_only else None):
        atom = mol.GetAtomWithIdx(i)
        if atom.HasProp(FREE) and (atom.GetIsAromatic() or all(n.GetAtomicNum() == 6 for n in atom.GetNeighbors())):
            out.append(i)
    return out


def _graft_groups(mol: Chem.Mol, groups: list[str], rng: random.Random,
                  banned: frozenset[str]) -> tuple[Chem.Mol, list[str]] | None:
    """``mol`` with the spectator ``groups`` grafted, and their names; a group with no site on this scaffold is
    swapped for one that fits anywhere (an aryl-only group on an all-sp3 scaffold)."""
    used = []
    for name in groups:
        sites = _group_sites(mol, GROUPS[name])
        if not sites:
            name = rng.choice([g for g, grp in GROUPS.items() if not grp.aryl_only and g not in banned])
            sites = _group_sites(mol, GROUPS[name])
            if not sites:
                return None
        grafted = graft(mol, rng.choice(sites), GROUPS[name].smiles, ADDED)
        if grafted is None:
            return None
        mol = grafted
        used.append(name)
    return mol, used


def _grow(mol: Chem.Mol, size: int, stereo: int, rng: random.Random) -> Chem.Mol:
    """Graft hydrocarbon pieces on free atoms until ``size`` atoms were added, keeping <= ``stereo`` elements."""
    added = _count(mol, ADDED)
    for _ in range(3 * size + 6):
        room = size - added
        if room <= 0:
            break
        piece = rng.choice(_pieces_within(room))
        sites = _ch_atoms(mol, aromatic=True if piece == "F" else None, free=True)
        if not sites:
            continue
        grown = graft(mol, rng.choice(sites), piece, FREE, ADDED)
        if grown is not None and stereo_count(grown) <= stereo:
            mol, added = grown, added + _size(piece)
    return mol


def _add_stereocentres(mol: Chem.Mol, stereo: int, rng: random.Random) -> Chem.Mol:
    """Branch free sp3 carbons, or graft a piece with a stereocentre, until ``mol`` has ``stereo`` elements."""
    for _ in range(12):
        have = stereo_count(mol)
        if have >= stereo:
            break
        branchable = [m[0] for m in mol.GetSubstructMatches(_BRANCHABLE, maxMatches=1000)
                      if mol.GetAtomWithIdx(m[0]).HasProp(FREE)]
        if branchable and rng.random() < 0.6:
            grown = graft(mol, rng.choice(branchable), rng.choice(("C", "C", "CC", "C(C)C")), FREE, ADDED)
        else:
            sites = _ch_atoms(mol, free=True)
            if not sites:
                break
            grown = graft(mol, rng.choice(sites), rng.choice(CHIRAL_PIECES), FREE, ADDED)
        if grown is not None and have < stereo_count(grown) <= stereo:
            mol = grown
    return mol


def assign_stereo(mol: Chem.Mol, rng: random.Random) -> Chem.Mol | None:
    """``mol`` with every unspecified stereo element given a drawn configuration; None when RDKit loses one."""
    rw = Chem.RWMol(mol)
    for info in stereo_elements(rw):
        if info.specified == Chem.StereoSpecified.Specified:
            continue
        if info.type == Chem.StereoType.Atom_Tetrahedral:
            rw.GetAtomWithIdx(info.centeredOn).SetChiralTag(
                rng.choice((Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW)))
        elif info.type == Chem.StereoType.Bond_Double:
            n = rw.GetNumAtoms()  # a missing controlling atom is a large sentinel index
            bond = rw.GetBondWithIdx(info.centeredOn)
            left = [a for a in info.controllingAtoms[:2] if a < n]
            right = [a for a in info.controllingAtoms[2:] if a < n]
            if not left or not right:
                return None
            bond.SetStereoAtoms(left[0], right[0])
            bond.SetStereo(rng.choice((Chem.BondStereo.STEREOCIS, Chem.BondStereo.STEREOTRANS)))
        else:
            return None
    out = Chem.MolFromSmiles(Chem.MolToSmiles(rw))
    if out is None or unspecified_stereo(out):
        return None
    return out


def build_substrate(role: str, rng: random.Random, size: int, groups: list[str], stereo: int,
                    banned: frozenset[str] = frozenset()) -> tuple[Chem.Mol, list[str]] | None:
    """One substrate for ``role`` (stereo not yet assigned) and the spectator groups it carries, or None
    when this draw did not work out.

    Args:
        role: a key of :data:`ROLE_PATTERNS`.
        rng: the problem's random stream.
        size: heavy atoms to add to the pattern (scaffolds, growth and groups together); a pattern with
            no slot and no growable atom stays as it is.
        groups: names in :data:`GROUPS` to graft, one each.
        stereo: exact number of stereo elements the substrate must have.
        banned: spectator groups and ring-core tags the reaction does not tolerate (e.g. ``"amine"``).
    """
    smiles, kinds = rng.choice(ROLE_PATTERNS[role])
    mol = Chem.Mol(parse_pattern(smiles))
    group_atoms = sum(_size(GROUPS[g].smiles) for g in groups)
    budget = max(1, size - group_atoms)
    aryl_groups = len(groups)  # an aryl scaffold should have a C-H for each group (and one for the pattern)
    for label, kind in enumerate(kinds, start=1):
        share = budget if label == len(kinds) else rng.randint(1, max(1, budget - 1))
        budget = max(1, budget - share)
        first = label == 1  # the first slot takes what the groups and stereocentres need
        mol = Chem.molzip(mol, scaffold(kind, label, share, rng, banned, aryl_groups if first else 0,
                                              first and stereo > 0))
    mol = _sanitised(Chem.Mol(mol))
    if mol is None:
        return None
    grafted = _graft_groups(mol, groups, rng, banned)
    if grafted is None:
        return None
    mol, used = grafted
    if stereo_count(mol) > stereo:
        return None
    # Stereocentres first where the core has sp3 sites (they then count towards the size), again after growth
    # (an aryl core gets its sp3 sites from the growth).
    mol = _add_stereocentres(mol, stereo, rng)
    mol = _grow(mol, size, stereo, rng)
    mol = _add_stereocentres(mol, stereo, rng)
    added = _count(mol, ADDED)
    fixed = not kinds and not any(a.HasProp(FREE) for a in mol.GetAtoms())  # e.g. butadiene: nothing to grow
    if stereo_count(mol) != stereo or added > size + 3 or (added < size - 1 and not fixed):
        return None
    return mol, used
