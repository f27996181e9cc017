"""Fingerprint similarity and Bemis-Murcko scaffolds."""

from __future__ import annotations

import functools
import random
from typing import Any

from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator
from rdkit.Chem.Scaffolds import MurckoScaffold

from bootcamp.answers import NumberTask, SmilesTask
from tasks.chem._common import BOX, SizeLevels, mol_of, variants
from tasks.chem._molgen import DEFAULT_SIZE, build, size_complexity

_MORGAN = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
_TOL = 0.005


@functools.lru_cache(maxsize=4096)
def _fingerprint(smiles: str) -> Any:
    return _MORGAN.GetFingerprint(mol_of(smiles))


@functools.lru_cache(maxsize=4096)
def tanimoto(a: str, b: str) -> float:
    return DataStructs.TanimotoSimilarity(_fingerprint(a), _fingerprint(b))


class TanimotoSimilarity(SizeLevels, NumberTask):
    version = 3
    id = "chem/tanimoto_similarity"
    description = "Tanimoto similarity of two molecules' Morgan fingerprints."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}
    rel_tol, abs_tol = 0.0, _TOL

    def generate(self, rng: random.Random) -> dict[str, Any]:
        size = self.params["size"]
        a = build(rng, size)
        if rng.random() < 0.2:  # an unrelated molecule (similarities near 0.1, close to one another)
            return {"a": a, "b": build(rng, size)}
        # One to three edits away: similarities spread over the whole range.
        b = a
        for _ in range(rng.randint(1, 3)):
            options = [v for v in variants(b, limit=8, offset=rng.randrange(100)) if v != a]
            b = rng.choice(options) if options else b
        return {"a": a, "b": b if b != a else build(rng, size)}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Both molecules' sizes (each fingerprint must be worked out)."""
        return size_complexity(identity["a"]) + size_complexity(identity["b"])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Compute the Tanimoto similarity of {identity['a']} and {identity['b']} using RDKit Morgan "
                f"fingerprints (radius 2, 2048 bits, default atom invariants, counts not used). Give the number "
                f"(within {_TOL} absolute is accepted) in \\boxed{{}}.")

    def value(self, identity: dict[str, Any]) -> float:
        return tanimoto(identity["a"], identity["b"])


def _has_ring(smiles: str) -> bool:
    return mol_of(smiles).GetRingInfo().NumRings() > 0


@functools.lru_cache(maxsize=1024)
def scaffold_of(smiles: str) -> str:
    return MurckoScaffold.MurckoScaffoldSmiles(mol=mol_of(smiles))


class MurckoScaffoldTask(SizeLevels, SmilesTask):
    version = 2
    id = "chem/murcko_scaffold"
    description = "Bemis-Murcko scaffold of a molecule."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}
    stereo = False

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": build(rng, self.params["size"], accept=_has_ring)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Give the Bemis-Murcko scaffold (ring systems plus the linkers between them, side chains "
                f"removed, exocyclic double bonds to ring and linker atoms kept, as RDKit's MurckoScaffold does) "
                f"of {identity['smiles']} as SMILES. Stereochemistry is not graded. {BOX}")

    def value(self, identity: dict[str, Any]) -> str:
        return scaffold_of(identity["smiles"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        out = variants(answer) + [identity["smiles"]]
        return [a for a in out if self.check(a, identity) < 1.0]


def register(registry: Any) -> None:
    registry.register(TanimotoSimilarity)
    registry.register(MurckoScaffoldTask)
