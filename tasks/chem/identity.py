"""Molecular identity: InChI and SMILES conversion, canonical SMILES, equivalence, Kekulé forms, salts."""

from __future__ import annotations

import functools
import random
import re
from typing import Any

from rdkit import Chem

from bootcamp import Score, Task, invalid
from bootcamp.answers import SmilesTask, YesNoTask
from bootcamp.verifiers.smiles import canonical_smiles, parse_molecule
from tasks.chem._common import BOX, POOL_SMILES, mol_of, random_smiles, variants

_STEREO_POOL = [s for s in POOL_SMILES if "@" in s]
_BASIC_N = "[NX3;!$(N-C=[O,N,S]);!$(N-S=O);!$(N-a);!$(N#*);!$(N=*)]"
_SALTS = {"hydrochloride": "Cl", "hydrobromide": "Br", "mesylate": "CS(=O)(=O)O", "sulfate": "O=S(=O)(O)O",
          "fumarate": "O=C(O)/C=C/C(=O)O", "maleate": "O=C(O)/C=C\\C(=O)O", "tosylate": "Cc1ccc(S(=O)(=O)O)cc1",
          "citrate": "OC(=O)CC(O)(CC(=O)O)C(=O)O", "hydrate": "O"}


@functools.cache
def _bases() -> tuple[str, ...]:
    """Pool molecules with a basic amine (computed on first use, not at import)."""
    patt = Chem.MolFromSmarts(_BASIC_N)
    acid = Chem.MolFromSmarts("[CX3](=O)[OX2H1]")  # amino acids are zwitterions, not free bases
    return tuple(s for s in POOL_SMILES if mol_of(s).HasSubstructMatch(patt) and not mol_of(s).HasSubstructMatch(acid)
                 and mol_of(s).GetNumHeavyAtoms() >= 10)


@functools.cache
def _aromatic() -> tuple[str, ...]:
    return tuple(s for s in POOL_SMILES if any(a.GetIsAromatic() for a in mol_of(s).GetAtoms()))


@functools.lru_cache(maxsize=2048)
def inchi_of(smiles: str) -> str:
    return Chem.MolToInchi(mol_of(smiles))


def _answer_inchi(answer: str) -> str | None:
    mol = parse_molecule(answer)
    if mol is None:
        return None
    try:
        return Chem.MolToInchi(mol) or None
    except Exception:  # noqa: BLE001
        return None


class SmilesFromInchi(Task):
    id = "chem/smiles_from_inchi"
    description = "Write a SMILES for a molecule given by its InChI."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"inchi": inchi_of(rng.choice(POOL_SMILES))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Give a SMILES string for the molecule with the standard InChI {identity['inchi']} "
                f"(include stereochemistry where the InChI defines it). {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if isinstance(answer, str) and answer.strip().startswith("InChI="):
            return invalid("a SMILES was asked for, not an InChI")
        got = _answer_inchi(answer)
        if got is None:
            return invalid("not a valid SMILES")
        return 1.0 if got == identity["inchi"] else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return Chem.MolToSmiles(Chem.MolFromInchi(identity["inchi"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return variants(answer)


class InchiFromSmiles(Task):
    id = "chem/inchi_from_smiles"
    description = "Write the standard InChI of a molecule given as SMILES."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": rng.choice(POOL_SMILES)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Give the standard InChI (starting with InChI=1S/) of the molecule {identity['smiles']}. {BOX}"

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or not answer.strip().startswith("InChI="):
            return invalid("not an InChI")
        got = _answer_inchi(answer.strip())
        if got is None:
            return invalid("InChI does not parse")
        return 1.0 if got == inchi_of(identity["smiles"]) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return inchi_of(identity["smiles"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [inchi_of(v) for v in variants(identity["smiles"])]


class CanonicalSmiles(Task):
    id = "chem/canonical_smiles"
    description = "RDKit canonical SMILES of a molecule written non-canonically."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        smiles = rng.choice(POOL_SMILES)
        return {"smiles": random_smiles(smiles, rng), "canonical": smiles}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Write the RDKit canonical isomeric SMILES (Chem.MolToSmiles with default options) of the "
                f"molecule written as {identity['smiles']}. The exact canonical string scores 1; another "
                f"SMILES of the same molecule scores 0.5. {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = canonical_smiles(answer)
        if got is None:
            return invalid("not a valid SMILES")
        if got != identity["canonical"]:
            return Score(0.0)
        text = answer.strip().strip("`$").strip()
        return 1.0 if text == identity["canonical"] else Score(0.5, "wrong", "same molecule, not canonical")

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["canonical"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [identity["smiles"]] + variants(answer)


class SameMolecule(YesNoTask):
    version = 2
    id = "chem/same_molecule"
    description = "Decide whether two SMILES strings describe the same molecule."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        smiles = rng.choice(POOL_SMILES)
        first = random_smiles(smiles, rng)
        other = smiles
        if rng.random() < 0.5:
            options = variants(smiles, limit=8, offset=rng.randrange(1000))
            if options:
                other = rng.choice(options)
        return {"a": first, "b": random_smiles(other, rng)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Do the SMILES {identity['a']} and {identity['b']} describe the same molecule, "
                f"stereochemistry included? Answer yes or no. {BOX}")

    def value(self, identity: dict[str, Any]) -> bool:
        return canonical_smiles(identity["a"]) == canonical_smiles(identity["b"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return super().perturb(answer, identity) + ["maybe"]


_BRACKET = re.compile(r"\[[^\]]*\]")
_BRACKET_ELEMENT = re.compile(r"\[\d*([A-Za-z])")


def _has_aromatic_atoms(smiles: str) -> bool:
    """True when a SMILES writes any atom in lowercase (aromatic) form."""
    if any(m.group(1).islower() for m in _BRACKET_ELEMENT.finditer(smiles)):
        return True
    return any(c in "bcnops" for c in _BRACKET.sub("", smiles))


class KekuleSmiles(Task):
    id = "chem/kekule_smiles"
    description = "Write an aromatic molecule in Kekulé form (no lowercase aromatic atoms)."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": rng.choice(_aromatic())}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Rewrite the SMILES {identity['smiles']} in Kekulé form: explicit alternating single and "
                f"double bonds, no lowercase aromatic atom symbols, same molecule. {BOX}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        mol = parse_molecule(answer)
        if mol is None or answer.strip().startswith("InChI="):
            return invalid("not a valid SMILES")
        if Chem.MolToSmiles(mol) != identity["smiles"]:
            return Score(0.0)
        if _has_aromatic_atoms(answer.strip()):
            return Score(0.0, "wrong", "aromatic atoms in the answer")
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        mol = Chem.Mol(mol_of(identity["smiles"]))
        Chem.Kekulize(mol, clearAromaticFlags=True)
        return Chem.MolToSmiles(mol, kekuleSmiles=True)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [identity["smiles"]] + variants(identity["smiles"])


class Enantiomer(SmilesTask):
    id = "chem/enantiomer"
    description = "Write the enantiomer of a chiral molecule (every stereocentre inverted)."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            smiles = rng.choice(_STEREO_POOL)
            if self._mirror(smiles) != smiles:
                return {"smiles": smiles}

    @staticmethod
    def _mirror(smiles: str) -> str:
        mol = Chem.Mol(mol_of(smiles))
        for atom in mol.GetAtoms():
            if atom.GetChiralTag() in (Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW):
                atom.InvertChirality()
        return Chem.MolToSmiles(mol)

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Give a SMILES of the enantiomer (mirror image) of {identity['smiles']}, with full "
                f"stereochemistry. {BOX}")

    def value(self, identity: dict[str, Any]) -> str:
        return self._mirror(identity["smiles"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        flat = Chem.MolToSmiles(mol_of(identity["smiles"]), isomericSmiles=False)
        return [identity["smiles"], flat] + variants(answer)


class ParentOfSalt(SmilesTask):
    id = "chem/salt_parent"
    description = "The parent (free base) molecule of a drug salt."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        salt = rng.choice(sorted(_SALTS))
        base = rng.choice(_bases())
        parts = [base, _SALTS[salt]]
        rng.shuffle(parts)
        return {"salt": ".".join(parts), "name": salt, "parent": base}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"The SMILES {identity['salt']} is a {identity['name']} salt. Give the SMILES of the parent "
                f"drug molecule alone (neutral free base, counter-ion removed). {BOX}")

    def value(self, identity: dict[str, Any]) -> str:
        return identity["parent"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [identity["salt"]] + variants(answer)


def register(registry: Any) -> None:
    for cls in (SmilesFromInchi, InchiFromSmiles, CanonicalSmiles, SameMolecule, KekuleSmiles, Enantiomer,
                ParentOfSalt):
        registry.register(cls)
