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
from tasks.chem._common import BOX, SizeLevels, mol_of, random_smiles, variants
from tasks.chem._molgen import DEFAULT_SIZE, blocks, build, size_complexity
from tasks.chem.groups import chiral_molecule

_BASIC_N = "[NX3;!$(N-C=[O,N,S]);!$(N-S=O);!$(N-a);!$(N#*);!$(N=*)]"
_SALTS = {"hydrochloride": "Cl", "hydrobromide": "Br", "mesylate": "CS(=O)(=O)O", "sulfate": "O=S(=O)(O)O",
          "fumarate": "O=C(O)/C=C/C(=O)O", "maleate": "O=C(O)/C=C\\C(=O)O", "tosylate": "Cc1ccc(S(=O)(=O)O)cc1",
          "citrate": "OC(=O)CC(O)(CC(=O)O)C(=O)O", "hydrate": "O"}
_BASE = Chem.MolFromSmarts(_BASIC_N)
_ACID = Chem.MolFromSmarts("[CX3](=O)[OX2H1]")  # amino acids are zwitterions, not free bases
#: Blocks that bring a basic amine (built into a salt's parent so it has one).
_AMINES = ("N{}{}{}", "N{}1C{}C{}C{}C{}C1", "N{}1CCN{}CC1", "N{}1CCOCC1", "N{}1C{}CCC1", "N{}(C)C", "N{}1CC{}C1")


def _is_base(smiles: str) -> bool:
    mol = mol_of(smiles)
    return (mol.HasSubstructMatch(_BASE) and not mol.HasSubstructMatch(_ACID)
            and not any(a.GetFormalCharge() for a in mol.GetAtoms()))


def _is_aromatic(smiles: str) -> bool:
    return any(a.GetIsAromatic() for a in mol_of(smiles).GetAtoms())


def _inchi_complexity(inchi: str) -> float:
    mol = Chem.MolFromInchi(inchi)
    return 0.0 if mol is None else size_complexity(Chem.MolToSmiles(mol))


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


def _inchi_round_trips(smiles: str) -> bool:
    """Whether the molecule's InChI gives back itself (not so for some charged groups): a problem
    whose reference answer the check would refuse is not posed."""
    inchi = inchi_of(smiles)
    back = Chem.MolFromInchi(inchi)
    return back is not None and _answer_inchi(Chem.MolToSmiles(back)) == inchi


class SmilesFromInchi(SizeLevels, Task):
    version = 2
    id = "chem/smiles_from_inchi"
    description = "Write a SMILES for a molecule given by its InChI."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"inchi": inchi_of(build(rng, self.params["size"], accept=_inchi_round_trips))}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms plus three per ring of the molecule the InChI describes."""
        return _inchi_complexity(identity["inchi"])

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


class InchiFromSmiles(SizeLevels, Task):
    version = 2
    id = "chem/inchi_from_smiles"
    description = "Write the standard InChI of a molecule given as SMILES."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": build(rng, self.params["size"], accept=_inchi_round_trips)}

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


class CanonicalSmiles(SizeLevels, Task):
    version = 2
    id = "chem/canonical_smiles"
    description = "RDKit canonical SMILES of a molecule written non-canonically."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}
    molecule_key = "canonical"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        smiles = build(rng, self.params["size"])
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


class SameMolecule(SizeLevels, YesNoTask):
    version = 3
    id = "chem/same_molecule"
    description = "Decide whether two SMILES strings describe the same molecule."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}
    molecule_key = "a"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        same = rng.random() < 0.5  # the label first: yes and no are equally common by construction
        while True:
            smiles = build(rng, self.params["size"])
            options = [] if same else variants(smiles, limit=8, offset=rng.randrange(1000))
            if same or options:
                other = smiles if same else rng.choice(options)
                return {"a": random_smiles(smiles, rng), "b": random_smiles(other, rng)}

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


class KekuleSmiles(SizeLevels, Task):
    version = 2
    id = "chem/kekule_smiles"
    description = "Write an aromatic molecule in Kekulé form (no lowercase aromatic atoms)."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        aromatic = [b for b in blocks() if b.rings and b.template.startswith(("c", "n1", "s1", "o1", "[nH]"))]
        planted = [rng.choice(aromatic)] if self.params["size"] < 3 else []
        return {"smiles": build(rng, self.params["size"], planted=planted, accept=_is_aromatic)}

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


class Enantiomer(SizeLevels, SmilesTask):
    version = 2
    id = "chem/enantiomer"
    description = "Write the enantiomer of a chiral molecule (every stereocentre inverted)."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": chiral_molecule(rng, self.params["size"], lambda s: self._mirror(s) != s)}

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


class ParentOfSalt(SizeLevels, SmilesTask):
    version = 2
    id = "chem/salt_parent"
    description = "The parent (free base) molecule of a drug salt."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}
    molecule_key = "parent"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        salt = rng.choice(sorted(_SALTS))
        amine = rng.choice([b for b in blocks() if b.template in _AMINES])
        base = build(rng, self.params["size"], planted=[amine], accept=_is_base)
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
