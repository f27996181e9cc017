"""Shared pieces of the chemistry tasks: the molecule pool, cached RDKit work, near-miss molecules,
levels by molecule size.

Problems are posed on generated molecules (:mod:`tasks.chem._molgen`); the pool of named molecules
(``data/molecules.tsv``) stays for tests and near-miss answers. Answers are checked by the SDK's answer
types (:mod:`bootcamp.answers`).
"""

from __future__ import annotations

import functools
import json
import pathlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

import bootcamp.verifiers.smiles  # noqa: F401 - importing it silences RDKit's logging
from bootcamp.answers import INTEGER, Answer, AnswerTask, Number
from bootcamp.verifiers.numeric import tolerance_text
from tasks.chem._molgen import DEFAULT_SIZE, SIZE_LEVELS, size_complexity, steered

DATA = pathlib.Path(__file__).parent / "data"
BOX = "Put the final answer in \\boxed{}."


def _load_pool() -> list[tuple[str, str]]:
    out = []
    for line in (DATA / "molecules.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, smi = line.split("\t")
            # Canonical form once, so identities and caches agree on one spelling.
            out.append((name, Chem.MolToSmiles(Chem.MolFromSmiles(smi))))
    return out


#: (name, canonical SMILES) of every pool molecule, in file order.
POOL: list[tuple[str, str]] = _load_pool()
POOL_SMILES: list[str] = [s for _, s in POOL]
BY_NAME: dict[str, str] = dict(POOL)


@functools.lru_cache(maxsize=4096)
def mol_of(smiles: str) -> Chem.Mol:
    """The molecule of a trusted (identity) SMILES; cached because checks repeat."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ValueError(f"identity SMILES does not parse: {smiles}")
    return mol


def pick(rng: random.Random, choices: Sequence[str], favoured: Sequence[str] = (), share: float = 0.6) -> str:
    """A SMILES from ``choices``, drawn from ``favoured`` with probability ``share`` when given."""
    if favoured and rng.random() < share:
        return rng.choice(list(favoured))
    return rng.choice(list(choices))


class SizeLevels:
    """Levels by molecule size for a task whose problem is built around one generated molecule.

    The task's ``default_params`` holds ``size`` (a key of :data:`tasks.chem._molgen.SIZES`: heavy
    atoms and rings grow with it); ``complexity`` reads the molecule from ``identity[molecule_key]``.
    """

    levels: ClassVar[tuple[dict[str, Any], ...]] = SIZE_LEVELS
    default_level: ClassVar[int | None] = DEFAULT_SIZE
    molecule_key: ClassVar[str] = "smiles"

    def complexity(self, identity: dict[str, Any]) -> float:
        """Heavy atoms plus three per ring of the problem's molecule."""
        return size_complexity(identity[self.molecule_key])


class NumericMoleculeTask(SizeLevels, AnswerTask):
    """A number computed from one generated molecule; subclasses supply ``compute`` and ``ask``.

    ``integer`` tasks take an exact integer (:data:`bootcamp.answers.INTEGER`), the
    others a number within ``rel_tol``/``abs_tol`` (:class:`bootcamp.answers.Number`).
    Levels are molecule sizes; a property most molecules share one value of (a fragment count
    that is mostly 0) is steered so its answers spread (:func:`tasks.chem._molgen.steered`).
    """

    #: 3: generated molecules sized by level (the pool repeated itself within a few hundred seeds).
    version = 3

    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    integer: bool = True
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    #: The value is a percentage (a trailing % is allowed).
    percent: bool = False
    #: The value adds up over a molecule's parts (a count), rather than coming from one part.
    additive: bool = True
    #: A question about (a kind of) rings: their number is drawn, not steered.
    rings_asked: bool = False

    def compute(self, smiles: str) -> float:
        """The value for the molecule ``smiles``."""
        raise NotImplementedError

    def ask(self, smiles: str) -> str:
        """The question about the molecule ``smiles``."""
        raise NotImplementedError

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return INTEGER if self.integer else Number(self.rel_tol, self.abs_tol, percent=self.percent)

    def value(self, identity: dict[str, Any]) -> float:
        return self.compute(identity["smiles"])

    def _steer_key(self) -> str:
        """The property this task asks (its parameters but the size): how it spreads is learned once."""
        return json.dumps({k: v for k, v in sorted(self.params.items()) if k != "size"}) + type(self).__name__

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": steered(rng, self.params["size"], self._steer_key(), self.compute,
                                  additive=self.additive, rings_asked=self.rings_asked)}

    def prompt(self, identity: dict[str, Any]) -> str:
        if self.integer:
            tol = "Give the exact integer"
        else:
            tol = f"Give the number ({tolerance_text(self.rel_tol, self.abs_tol)} is accepted)"
        return f"{self.ask(identity['smiles'])} {tol} in \\boxed{{}}."


def formula_of(mol: Chem.Mol) -> str:
    """Hill-order formula with the net charge appended (RDKit's CalcMolFormula)."""
    return rdMolDescriptors.CalcMolFormula(mol)


def element_counts(mol: Chem.Mol) -> Counter[str]:
    """How many atoms of each element ``mol`` has, hydrogens included."""
    counts: Counter[str] = Counter()
    for atom in mol.GetAtoms():
        counts[atom.GetSymbol()] += 1
        counts["H"] += atom.GetTotalNumHs()
    return +counts


def function_task_value(fn: Callable[[Chem.Mol], float]) -> Callable[[str], float]:
    """Wrap an RDKit function of a molecule into a cached function of a SMILES."""

    @functools.lru_cache(maxsize=2048)
    def value(smiles: str) -> float:
        try:
            return float(fn(mol_of(smiles)))
        except Exception:  # noqa: BLE001 - some descriptors fail on odd molecules; such a molecule is skipped
            return float("nan")

    return value


# -- near-miss molecules -----------------------------------------------------------------
def _try(mol: Chem.RWMol) -> str | None:
    try:
        out = mol.GetMol()
        Chem.SanitizeMol(out)
        return Chem.MolToSmiles(out)
    except Exception:  # noqa: BLE001 - an edit that breaks valence is just not a variant
        return None


def variants(smiles: str, limit: int = 6, offset: int = 0) -> list[str]:
    """Molecules one edit away from ``smiles`` (a carbon added, N/O swapped, a centre inverted...).

    Deterministic; ``offset`` rotates which atoms are edited first, so callers
    can draw different variants from one molecule.
    """
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return []
    base = Chem.MolToSmiles(mol)
    n = mol.GetNumAtoms()
    order = [(i + offset) % n for i in range(n)]
    found: list[str] = []

    def add(candidate: str | None) -> None:
        if candidate and candidate != base and candidate not in found:
            found.append(candidate)

    for i in order:  # add a methyl to an atom with a hydrogen
        if mol.GetAtomWithIdx(i).GetTotalNumHs() > 0 and mol.GetAtomWithIdx(i).GetSymbol() == "C":
            rw = Chem.RWMol(mol)
            j = rw.AddAtom(Chem.Atom(6))
            rw.AddBond(i, j, Chem.BondType.SINGLE)
            add(_try(rw))
            break
    for old, new in (("N", 8), ("O", 7), ("C", 7), ("S", 8), ("Cl", 9), ("F", 17)):
        for i in order:
            atom = mol.GetAtomWithIdx(i)
            if atom.GetSymbol() == old:
                rw = Chem.RWMol(mol)
                rw.GetAtomWithIdx(i).SetAtomicNum(new)
                rw.GetAtomWithIdx(i).SetNoImplicit(False)
                rw.GetAtomWithIdx(i).SetNumExplicitHs(0)
                before = len(found)
                add(_try(rw))
                if len(found) > before:
                    break
    for i in order:  # invert one stereocentre
        atom = mol.GetAtomWithIdx(i)
        if atom.GetChiralTag() in (Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW):
            rw = Chem.RWMol(mol)
            rw.GetAtomWithIdx(i).InvertChirality()
            add(_try(rw))
            break
    for i in order:  # drop a terminal heavy atom
        atom = mol.GetAtomWithIdx(i)
        if atom.GetDegree() == 1 and n > 2:
            rw = Chem.RWMol(mol)
            nb = rw.GetAtomWithIdx(atom.GetNeighbors()[0].GetIdx())
            nb.SetNoImplicit(False)  # the neighbour takes a hydrogen in place of the lost atom
            nb.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
            rw.RemoveAtom(i)
            add(_try(rw))
            break
    return found[:limit]


def random_smiles(smiles: str, rng: random.Random) -> str:
    """A non-canonical SMILES of the same molecule, deterministic in ``rng``."""
    mol = Chem.MolFromSmiles(smiles)
    perm = list(range(mol.GetNumAtoms()))
    rng.shuffle(perm)
    return Chem.MolToSmiles(Chem.RenumberAtoms(mol, perm), canonical=False)
