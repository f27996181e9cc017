"""Basic molecular properties: formula, masses, atom and ring counts, H-bond counts, unsaturation."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Any, ClassVar

from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

from bootcamp.answers import FormulaTask
from tasks.chem._common import (
    BOX,
    NumericMoleculeTask,
    SizeLevels,
    element_counts,
    formula_of,
    function_task_value,
    mol_of,
)
from tasks.chem._molgen import DEFAULT_SIZE, build


def _element_count(symbol: str) -> Callable[[Chem.Mol], float]:
    return lambda mol: sum(a.GetSymbol() == symbol for a in mol.GetAtoms())


def _hydrogens(mol: Chem.Mol) -> float:
    return sum(a.GetTotalNumHs() for a in mol.GetAtoms())


def _all_atoms(mol: Chem.Mol) -> float:
    return mol.GetNumAtoms() + _hydrogens(mol)


def _unsaturation(mol: Chem.Mol) -> float:
    counts = element_counts(mol)
    halogens = sum(counts[x] for x in ("F", "Cl", "Br", "I"))
    # Degrees of unsaturation from the formula; divalent O and S do not count, trivalent N, P and B do.
    return (2 * counts["C"] + 2 + counts["N"] + counts["P"] + counts["B"] - counts["H"] - halogens) / 2


def _largest_ring(mol: Chem.Mol) -> float:
    rings = mol.GetRingInfo().AtomRings()
    return max((len(r) for r in rings), default=0)


def _double_bonds(mol: Chem.Mol) -> float:
    return sum(b.GetBondType() == Chem.BondType.DOUBLE for b in mol.GetBonds())


def _aromatic_atoms(mol: Chem.Mol) -> float:
    return sum(a.GetIsAromatic() for a in mol.GetAtoms())


def _sp3_carbons(mol: Chem.Mol) -> float:
    return sum(a.GetAtomicNum() == 6 and a.GetHybridization() == Chem.HybridizationType.SP3 for a in mol.GetAtoms())


def _ring_systems(mol: Chem.Mol) -> float:
    systems: list[set[int]] = []
    for ring in mol.GetRingInfo().AtomRings():
        merged = set(ring)
        for other in [s for s in systems if s & merged]:
            merged |= other
            systems.remove(other)
        systems.append(merged)
    return len(systems)


def _charged_atoms(mol: Chem.Mol) -> float:
    return sum(a.GetFormalCharge() != 0 for a in mol.GetAtoms())


def _ro5_violations(mol: Chem.Mol) -> float:
    return sum((Descriptors.MolWt(mol) > 500, Crippen.MolLogP(mol) > 5,
                Lipinski.NHOHCount(mol) > 5, Lipinski.NOCount(mol) > 10))


def _mass_percent(symbol: str) -> Callable[[Chem.Mol], float]:
    table = Chem.GetPeriodicTable()

    def fn(mol: Chem.Mol) -> float:
        counts = element_counts(mol)
        return 100.0 * counts[symbol] * table.GetAtomicWeight(symbol) / Descriptors.MolWt(mol)

    return fn


# name -> (function, integer, rel_tol, abs_tol, question, favour molecules where value != 0)
PROPERTIES: dict[str, tuple[Callable[[Chem.Mol], float], bool, float, float, str, bool]] = {
    "molecular_weight": (Descriptors.MolWt, False, 0.0, 0.1,
                         "What is the average molecular weight (g/mol, IUPAC standard atomic weights) of {s}?", False),
    "exact_mass": (Descriptors.ExactMolWt, False, 0.0, 0.002,
                   "What is the monoisotopic (exact) mass in Da of {s} (most abundant isotope of each element)?",
                   False),
    "heavy_atom_count": (lambda m: m.GetNumHeavyAtoms(), True, 0, 0,
                         "How many heavy (non-hydrogen) atoms does {s} have?", False),
    "hydrogen_count": (_hydrogens, True, 0, 0, "How many hydrogen atoms does {s} have in total?", False),
    "total_atom_count": (_all_atoms, True, 0, 0, "How many atoms, hydrogens included, does {s} have?", False),
    "carbon_count": (_element_count("C"), True, 0, 0, "How many carbon atoms does {s} have?", False),
    "nitrogen_count": (_element_count("N"), True, 0, 0, "How many nitrogen atoms does {s} have?", True),
    "oxygen_count": (_element_count("O"), True, 0, 0, "How many oxygen atoms does {s} have?", True),
    "sulfur_count": (_element_count("S"), True, 0, 0, "How many sulfur atoms does {s} have?", True),
    "fluorine_count": (_element_count("F"), True, 0, 0, "How many fluorine atoms does {s} have?", True),
    "chlorine_count": (_element_count("Cl"), True, 0, 0, "How many chlorine atoms does {s} have?", True),
    "ring_count": (rdMolDescriptors.CalcNumRings, True, 0, 0,
                   "How many rings (smallest set of smallest rings) does {s} have?", True),
    "aromatic_ring_count": (rdMolDescriptors.CalcNumAromaticRings, True, 0, 0,
                            "How many aromatic rings (RDKit aromaticity, SSSR rings) does {s} have?", True),
    "largest_ring_size": (_largest_ring, True, 0, 0,
                          "How many atoms are in the largest ring of the smallest set of smallest rings of {s} "
                          "(0 if acyclic)?", True),
    "rotatable_bonds": (rdMolDescriptors.CalcNumRotatableBonds, True, 0, 0,
                        "How many rotatable bonds does {s} have (RDKit's default definition: single, non-ring "
                        "bonds between two non-terminal heavy atoms, excluding amide C-N bonds)?", True),
    "hbond_donors": (Lipinski.NHOHCount, True, 0, 0,
                     "How many hydrogen-bond donors does {s} have by Lipinski's rule-of-five count (the number of "
                     "hydrogens on N and O atoms)?", True),
    "hbond_acceptors": (Lipinski.NOCount, True, 0, 0,
                        "How many hydrogen-bond acceptors does {s} have by Lipinski's rule-of-five count (the "
                        "number of N and O atoms)?", True),
    "aromatic_atom_count": (_aromatic_atoms, True, 0, 0, "How many aromatic atoms (RDKit aromaticity) does {s} "
                            "have?", True),
    "sp3_carbon_count": (_sp3_carbons, True, 0, 0, "How many sp3-hybridised carbon atoms does {s} have?", False),
    "ring_system_count": (_ring_systems, True, 0, 0, "How many separate ring systems does {s} have (rings that "
                          "share an atom belong to one system; 0 if acyclic)?", True),
    "bond_count": (lambda m: m.GetNumBonds(), True, 0, 0, "How many bonds between heavy atoms does {s} have "
                   "(bonds to hydrogen not counted; a double bond counts once)?", False),
    "double_bond_count": (_double_bonds, True, 0, 0,
                          "How many double bonds does {s} have as written (aromatic bonds not counted)?", True),
    "charged_atom_count": (_charged_atoms, True, 0, 0,
                           "How many atoms of {s} carry a non-zero formal charge as written?", True),
    "degree_of_unsaturation": (_unsaturation, True, 0, 0,
                               "What is the degree of unsaturation (rings plus pi bonds, from the molecular formula: "
                               "(2C + 2 + N + P - H - X)/2, X = halogens) of {s}?", False),
    "lipinski_violations": (_ro5_violations, True, 0, 0,
                            "How many of Lipinski's four rule-of-five criteria does {s} violate (MW > 500, "
                            "Wildman-Crippen logP > 5, more than 5 N-H/O-H hydrogens, more than 10 N+O atoms)?",
                            True),
    "carbon_mass_percent": (_mass_percent("C"), False, 0.0, 0.2,
                            "What percentage of the molecular weight of {s} is carbon (mass percent)?", False),
    "nitrogen_mass_percent": (_mass_percent("N"), False, 0.0, 0.2,
                              "What percentage of the molecular weight of {s} is nitrogen (mass percent)?", True),
    "oxygen_mass_percent": (_mass_percent("O"), False, 0.0, 0.2,
                            "What percentage of the molecular weight of {s} is oxygen (mass percent)?", True),
}


#: Properties a molecule takes from one of its parts (the largest ring), not summed over them.
_NOT_ADDITIVE = frozenset({"largest_ring_size"})
#: Properties that count rings: their number is drawn per problem (see tasks.chem._molgen._assemble).
_RINGS_ASKED = frozenset({"ring_count", "ring_system_count", "aromatic_ring_count", "aromatic_atom_count"})


@functools.cache
def _value_function(name: str) -> Callable[[str], float]:
    return function_task_value(PROPERTIES[name][0])


class PropertyTask(NumericMoleculeTask):
    """One numeric property of a molecule given as SMILES."""

    description = "A basic numeric property of a molecule."
    default_params = {"property": "molecular_weight", "size": NumericMoleculeTask.default_params["size"]}

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        name = self.params["property"]
        _, self.integer, self.rel_tol, self.abs_tol, self._question, self._favour = PROPERTIES[name]
        self.percent = name.endswith("_percent")
        self.additive = name not in _NOT_ADDITIVE
        self.rings_asked = name in _RINGS_ASKED
        self._value = _value_function(name)

    def compute(self, smiles: str) -> float:
        return self._value(smiles)

    def ask(self, smiles: str) -> str:
        return self._question.format(s=f"the molecule with SMILES {smiles}")


class SingleLevelPropertyTask(PropertyTask):
    """A property without difficulty levels (:data:`NO_LEVELS`)."""

    levels: ClassVar[tuple[dict[str, Any], ...]] = ()
    default_level: ClassVar[int | None] = None


#: Properties whose answers no level spreads reliably: the rule-of-five violations are 0 for almost
#: every molecule under ~35 heavy atoms, and a balanced draw would need four interacting criteria planted.
NO_LEVELS = frozenset({"lipinski_violations"})


class MolecularFormula(SizeLevels, FormulaTask):
    version = 3
    id = "chem/molecular_formula"
    description = "Molecular formula of a molecule given as SMILES."
    default_params: dict[str, Any] = {"size": DEFAULT_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"smiles": build(rng, self.params["size"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"What is the molecular formula of the molecule with SMILES {identity['smiles']}? Write it like "
                "C9H8O4 (element symbols with counts, hydrogens included; append the net charge such as + or "
                f"2- for an ion). {BOX}")

    def value(self, identity: dict[str, Any]) -> str:
        return formula_of(mol_of(identity["smiles"]))


def register(registry: Any) -> None:
    registry.register(MolecularFormula)
    for name in PROPERTIES:
        cls = SingleLevelPropertyTask if name in NO_LEVELS else PropertyTask
        registry.register(cls, f"chem/{name}", {"property": name},
                          f"The {name.replace('_', ' ')} of a molecule given as SMILES.")
