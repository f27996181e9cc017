"""Fingerprint similarity and Bemis-Murcko scaffolds."""

from __future__ import annotations

import functools
import random
from typing import Any

from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator
from rdkit.Chem.Scaffolds import MurckoScaffold

from bootcamp.answers import NumberTask, SmilesTask
from tasks.chem._common import BOX, POOL_SMILES, mol_of, variants

_MORGAN = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
_TOL = 0.005


@functools.lru_cache(maxsize=4096)
def _fingerprint(smiles: str) -> Any:
    return _MORGAN.GetFingerprint(mol_of(smiles))


@functools.lru_cache(maxsize=4096)
def tanimoto(a: str, b: str) -> float:
    return DataStructs.TanimotoSimilarity(_fingerprint(a), _fingerprint(b))


class TanimotoSimilarity(NumberTask):
    version = 2
    id = "chem/tanimoto_similarity"
    description = "Tanimoto similarity of two molecules' Morgan fingerprints."
    default_params: dict[str, Any] = {}
    rel_tol, abs_tol = 0.0, _TOL

    def generate(self, rng: random.Random) -> dict[str, Any]:
        a = rng.choice(POOL_SMILES)
        options = variants(a, limit=8, offset=rng.randrange(100))
        b = rng.choice(options) if options and rng.random() < 0.5 else rng.choice(POOL_SMILES)
        return {"a": a, "b": b}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Compute the Tanimoto similarity of {identity['a']} and {identity['b']} using RDKit Morgan "
                f"fingerprints (radius 2, 2048 bits, default atom invariants, counts not used). Give the number "
                f"(within {_TOL} absolute is accepted) in \\boxed{{}}.")

    def value(self, identity: dict[str, Any]) -> float:
        return tanimoto(identity["a"], identity["b"])


_RING_POOL = [s for s in POOL_SMILES if mol_of(s).GetRingInfo().NumRings() > 0]


@functools.lru_cache(maxsize=1024)
def scaffold_of(smiles: str) -> str:
    return MurckoScaffold.MurckoScaffoldSmiles(mol=mol_of(smiles))


class MurckoScaffoldTask(SmilesTask):
    id = "chem/murcko_scaffold"
    description = "Bemis-Murcko scaffold of a molecule."
    default_params: dict[str, Any] = {}
    stereo = False

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": rng.choice(_RING_POOL)}

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
