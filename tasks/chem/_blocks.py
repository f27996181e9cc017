"""The building-block set of the synthesis tasks: purchasable-style molecules, generated from fragments.

The set (``data/building_blocks.smi``) is *generated*, not curated from a catalogue: :func:`generate_blocks`
attaches one reactive handle (an acid, an amine, an aryl bromide, a boronic acid, an aldehyde...) to each of
a list of scaffolds (benzene rings with up to two inert substituents at drawn positions, heteroaryls, small
alkyls and cycloalkyls, arylmethyls), adds bifunctional arenes carrying two compatible handles (a
bromobenzoic acid, a nitrobenzaldehyde, a Boc-protected aminophenyl bromide...), and keeps the fixed
reagent-like blocks of :data:`tasks.chem._reactions.BLOCKS` (Grignard reagents, ylides, dienes, Boc amines).
Every block is sanitised, canonical, deduplicated and reacts in at least one library template; the list is
sorted, so the file is the same on every run. ``python -m tasks.chem._blocks`` rewrites the file; a test
checks that it equals what :func:`generate_blocks` makes.
"""

from __future__ import annotations

import functools
import itertools
import pathlib
import sys

from rdkit import Chem

import bootcamp.verifiers.smiles  # noqa: F401 - importing it silences RDKit's logging
from tasks.chem._library import LIBRARY, groups_of, role_templates

PATH = pathlib.Path(__file__).parent / "data" / "building_blocks.smi"

# Inert ring substituents of the generated arenes.
_SUBS = ("F", "Cl", "C", "OC", "C(F)(F)F", "OC(F)(F)F", "OCC")
# Heteroaryl and fused scaffolds, the attachment written as ([*]).
_HETARYL = ("c1ccnc([*])c1", "c1cncc([*])c1", "c1cc([*])ccn1", "c1csc([*])c1", "c1cc([*])cs1", "c1coc([*])c1",
            "c1ccc2cc([*])ccc2c1", "c1ccc2c([*])cccc2c1", "c1ccc2ncc([*])cc2c1", "c1ccc2cc([*])sc2c1",
            "Cn1cc([*])cn1", "c1ncc([*])cn1", "COc1ccc([*])cn1", "Cc1ccc([*])cn1", "c1cc2ccoc2cc1([*])",
            "Cc1cc([*])on1")
_ALKYL = ("C([*])", "CC([*])", "CCC([*])", "CC(C)([*])", "CCCC([*])", "CC(C)C([*])", "C1CC1([*])", "C1CCC1([*])",
          "C1CCCC1([*])", "C1CCCCC1([*])", "C1CC([*])CCO1", "COCC([*])", "CC(C)(C)C([*])", "C1CCC(CC1)C([*])",
          "CC(C)(C)OC(=O)N1CCC([*])CC1")


def _benzenes() -> list[str]:
    """Benzene scaffolds: unsubstituted, one substituent at 2/3/4, two at 3,4 / 2,4 / 3,5."""
    out = ["c1ccc([*])cc1"]

    def ring(subs: dict[int, str]) -> str:
        atoms = ["c1([*])"] + [f"c({subs[i]})" if i in subs else "c" for i in range(1, 6)]
        last = atoms[-1]
        atoms[-1] = "c1" + last[1:]
        return "".join(atoms)

    for s in _SUBS:
        for pos in (2, 3, 4):
            out.append(ring({pos: s}))
    for a, b in itertools.product(_SUBS, repeat=2):
        out.append(ring({3: a, 4: b}))
        out.append(ring({2: a, 4: b}))
        if a <= b:
            out.append(ring({3: a, 5: b}))
    return out


def _arylmethyl(aryls: list[str]) -> list[str]:
    return [a.replace("([*])", "(C([*]))") for a in aryls]


# Handles and the scaffold kinds they go on: b benzene, h heteroaryl, a alkyl, m arylmethyl.
_HANDLES = (
    ("C(=O)O", "bham"), ("C(=O)Cl", "bha"), ("C(=O)OC", "bh"), ("N", "bham"), ("Br", "bh"), ("I", "b"),
    ("B(O)O", "bh"), ("C=O", "bha"), ("O", "bam"), ("Br", "m"), ("CBr", "a"), ("C#C", "bha"),
    ("N=[N+]=[N-]", "am"), ("N=C=O", "ba"), ("S(=O)(=O)Cl", "bha"), ("[N+](=O)[O-]", "bh"), ("C#N", "bhm"),
    ("C(C)=O", "bh"), ("S", "b"), ("NC(=O)OC(C)(C)C", "bm"), ("NC", "m"), ("C(=O)OC(C)(C)C", "am"),
    ("[Mg]Br", "ba"),
)
# Bifunctional arenes: two handles on a ring (para/meta benzene, 2,5-pyridine both ways, 2,5-thiophene).
_PAIRS = (("Br", "C(=O)O"), ("Br", "C=O"), ("Br", "N"), ("Br", "O"), ("Br", "[N+](=O)[O-]"), ("Br", "C(=O)OC"),
          ("Br", "CO"), ("Br", "NC(=O)OC(C)(C)C"), ("Br", "C#N"), ("Br", "C(C)=O"), ("Br", "CN=[N+]=[N-]"),
          ("C(=O)O", "[N+](=O)[O-]"), ("C(=O)O", "NC(=O)OC(C)(C)C"), ("C(=O)O", "C#N"), ("C(=O)O", "C(=O)OC"),
          ("C=O", "[N+](=O)[O-]"), ("C=O", "C(=O)OC"), ("C=O", "C#N"), ("C=O", "O"), ("N", "[N+](=O)[O-]"),
          ("N", "C(=O)OC"), ("N", "C#N"), ("N", "C(C)=O"), ("[N+](=O)[O-]", "CO"), ("[N+](=O)[O-]", "C(=O)OC"),
          ("[N+](=O)[O-]", "F"), ("[N+](=O)[O-]", "C#C"), ("O", "C(=O)OC"), ("O", "C#N"), ("CO", "C(=O)OC"),
          ("NC(=O)OC(C)(C)C", "C#C"), ("NC(=O)OC(C)(C)C", "B(O)O"), ("C(=O)OC", "B(O)O"), ("CBr", "C(=O)OC"),
          ("CBr", "C#N"), ("I", "C(=O)OC"), ("I", "N"), ("Cl", "[N+](=O)[O-]"))
_RINGS2 = ("c1cc({a})ccc1{b}", "c1c({a})cccc1{b}", "n1cc({a})ccc1{b}", "s1c({a})ccc1{b}")
_CHLOROFORMATES = ("ClC(=O)OC", "ClC(=O)OCC", "ClC(=O)OC(C)C", "ClC(=O)OCC(C)C", "ClC(=O)OCc1ccccc1",
                   "ClC(=O)Oc1ccccc1", "ClC(=O)OCC=C", "ClC(=O)OCC(Cl)(Cl)Cl")
_EXTRA = ("Clc1ccc([N+](=O)[O-])cn1", "Fc1ccc([N+](=O)[O-])cc1", "Fc1ccccc1[N+](=O)[O-]", "Clc1ncccn1",
          "Clc1ccc(C(F)(F)F)cn1", "Clc1ccncn1", "O=C(OCc1ccccc1)N1CCNCC1", "O=C(OCc1ccccc1)NCCN",
          "OCc1ccc(OCc2ccccc2)cc1", "Oc1ccc(OCc2ccccc2)cc1", "O=Cc1ccc(OCc2ccccc2)cc1", "CC(=O)CC(=O)OCC")


def _canonical(smiles: str) -> str | None:
    mol = Chem.MolFromSmiles(smiles)
    return None if mol is None else Chem.MolToSmiles(mol)


def _reacts(mol: Chem.Mol) -> bool:
    """Whether some library template has a reactant role ``mol`` fits."""
    return any(mol.HasSubstructMatch(t) for name in LIBRARY for t in role_templates(name))


def generate_blocks() -> list[tuple[str, str]]:
    """The building-block set: ``(canonical SMILES, its groups joined by ';')`` sorted by SMILES."""
    from tasks.chem._reactions import BLOCKS

    benz = _benzenes()
    kinds = {"b": benz, "h": list(_HETARYL), "a": list(_ALKYL), "m": _arylmethyl(benz + list(_HETARYL))}
    raw: list[str] = []
    for handle, where in _HANDLES:
        for kind in where:
            raw += [s.replace("[*]", handle) for s in kinds[kind]]
    for a, b in _PAIRS:
        for ring in _RINGS2:
            raw += [ring.format(a=a, b=b), ring.format(a=b, b=a)]
    raw += list(_CHLOROFORMATES) + list(_EXTRA)
    raw += [s for role in sorted(BLOCKS) for s in BLOCKS[role]]
    out: dict[str, str] = {}
    for smiles in raw:
        can = _canonical(smiles)
        if can is None or can in out:
            continue
        mol = Chem.MolFromSmiles(can)
        if mol.GetNumHeavyAtoms() > 30 or not _reacts(mol):
            continue
        out[can] = ";".join(groups_of(mol)) or "-"
    return sorted(out.items())


def write_blocks(path: pathlib.Path = PATH) -> int:
    """Write the generated set to ``path`` (with its header); returns the number of blocks."""
    blocks = generate_blocks()
    header = ("# Building blocks of the synthesis-planning tasks (chem/synthesis_*): generated from fragments by\n"
              "# tasks/chem/_blocks.py (a handle on a scaffold, bifunctional arenes, fixed reagents); not a vendor\n"
              "# catalogue. One block a line: canonical RDKit SMILES <TAB> functional groups (';'-separated).\n")
    path.write_text(header + "".join(f"{s}\t{g}\n" for s, g in blocks))
    return len(blocks)


@functools.lru_cache(maxsize=1)
def load_blocks() -> tuple[tuple[str, str], ...]:
    """The shipped blocks as ``(SMILES, groups)`` pairs, in file order."""
    out = []
    for line in PATH.read_text().splitlines():
        if line and not line.startswith("#"):
            smiles, groups = line.split("\t")
            out.append((smiles, groups))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def block_set() -> frozenset[str]:
    """Canonical SMILES of every block (membership test of route replay)."""
    return frozenset(s for s, _ in load_blocks())


@functools.lru_cache(maxsize=8192)
def block_mol(smiles: str) -> Chem.Mol:
    """The parsed molecule of a block (cached)."""
    return Chem.MolFromSmiles(smiles)


@functools.lru_cache(maxsize=256)
def blocks_for(name: str, role: int) -> tuple[str, ...]:
    """Blocks that fit role ``role`` of library reaction ``name`` at exactly one site, in file order."""
    rxn_tmpl = role_templates(name)[role]
    out = []
    for smiles, _ in load_blocks():
        mol = block_mol(smiles)
        if len(mol.GetSubstructMatches(rxn_tmpl, maxMatches=4)) == 1:
            out.append(smiles)
    return tuple(out)


if __name__ == "__main__":
    sys.stdout.write(f"wrote {write_blocks()} blocks to {PATH}\n")
