"""RDKit descriptor prediction: one task per non-degenerate descriptor of ``Descriptors._descList``.

Which descriptors, and with what tolerance, comes from ``data/descriptors.json``
(rebuilt by ``data/build_descriptor_table.py``): descriptors that are slow,
non-finite or near-constant over the molecule pool are left out, and each float
descriptor gets the loosest tolerance under which answers for different
molecules rarely collide. Integer descriptors are checked exactly.

Molecules are generated and sized by level (:mod:`tasks.chem._molgen`); a descriptor most molecules
share one value of (a fragment count, a surface-area bin) is steered so its answers spread. A few
features no building block carries alone stay without levels (:data:`NO_LEVELS`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar

from rdkit.Chem import Descriptors

from tasks.chem._common import DATA, NumericMoleculeTask, function_task_value

TABLE: dict[str, dict[str, Any]] = json.loads((DATA / "descriptors.json").read_text())
_FUNCTIONS: dict[str, Callable[..., float]] = dict(Descriptors._descList)

# What a family of descriptors measures, for the prompt (RDKit's docstrings are often empty).
_FAMILIES = {
    "PEOE_VSA": "sum of the approximate van der Waals surface areas (VSA) of atoms whose Gasteiger "
    "partial charge falls in bin {n} of RDKit's PEOE_VSA bins",
    "SMR_VSA": "sum of VSA of atoms whose Wildman-Crippen molar-refractivity contribution falls in bin {n}",
    "SlogP_VSA": "sum of VSA of atoms whose Wildman-Crippen logP contribution falls in bin {n}",
    "EState_VSA": "sum of VSA of atoms whose EState index falls in bin {n}",
    "VSA_EState": "sum of EState indices of atoms whose VSA falls in bin {n}",
    "BCUT2D_": "a 2D BCUT eigenvalue descriptor (Burden matrix weighted by {n})",
    "Chi": "the Kier-Hall connectivity index Chi{n}",
    "Kappa": "the Kier kappa shape index kappa{n}",
    "FpDensityMorgan": "number of unique Morgan fingerprint bits of radius {n} per heavy atom",
}
_PLAIN = {
    "TPSA": "topological polar surface area in Å², Ertl's method, N and O contributions only",
    "MolLogP": "Wildman-Crippen logP",
    "MolMR": "Wildman-Crippen molar refractivity",
    "LabuteASA": "Labute's approximate surface area",
    "MaxEStateIndex": "the largest EState index of any atom",
    "MinEStateIndex": "the smallest EState index of any atom",
    "MaxAbsEStateIndex": "the largest absolute EState index of any atom",
    "MinAbsEStateIndex": "the smallest absolute EState index of any atom",
    "MaxPartialCharge": "the largest Gasteiger partial charge of any atom",
    "MinPartialCharge": "the smallest Gasteiger partial charge of any atom",
    "HallKierAlpha": "the Hall-Kier alpha value",
    "FractionCSP3": "the fraction of carbon atoms that are sp3 hybridised",
    "qed": "the quantitative estimate of drug-likeness (QED, default weights)",
    "AvgIpc": "the average information content of the coefficients of the characteristic polynomial of the "
    "adjacency matrix",
    "SPS": "the spacial score normalised by heavy-atom count (nSPS)",
}


def describe(name: str) -> str:
    """A short description of an RDKit descriptor for the prompt."""
    if name in _PLAIN:
        return _PLAIN[name]
    for prefix, text in _FAMILIES.items():
        if name.startswith(prefix):
            return text.format(n=name[len(prefix):])
    doc = (getattr(_FUNCTIONS.get(name), "__doc__", None) or "").strip().splitlines()
    first = doc[0].strip() if doc else ""
    if first and not first.startswith(("Calc", "From equations")) and len(first) < 120:
        return first[0].lower() + first[1:].rstrip(".")
    return ""


class DescriptorTask(NumericMoleculeTask):
    """Compute one RDKit descriptor of a molecule given as SMILES: a tool task (a chemist asks RDKit)."""

    #: 3: a tool task; the prompt names the rdkit_descriptors call that returns the value.
    #: 4: generated molecules, levels by size.
    version = 4
    tool_task = True
    #: The tools an episode of this task offers when no others are named (see TaskEnvironment).
    tools: ClassVar[tuple[str, ...]] = ("rdkit_descriptors",)
    description = "Predict an RDKit molecular descriptor for a molecule."
    default_params = {"descriptor": "TPSA", "size": NumericMoleculeTask.default_params["size"]}

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        name = self.params["descriptor"]
        if name not in TABLE or name not in _FUNCTIONS:
            raise ValueError(f"descriptor {name!r} is not in the descriptor table")
        spec = TABLE[name]
        self.integer = bool(spec["integer"])
        self.rel_tol = float(spec["rel_tol"])
        self.abs_tol = float(spec["abs_tol"])
        self._value = function_task_value(_FUNCTIONS[name])
        # A count of rings (of a kind) spreads when the number of rings is drawn per problem.
        self.rings_asked = bool(re.search(r"Ring|cycle", name))

    def compute(self, smiles: str) -> float:
        return self._value(smiles)

    def ask(self, smiles: str) -> str:
        name = self.params["descriptor"]
        what = describe(name)
        what = f" ({what})" if what else ""
        return (f"Compute the RDKit descriptor Descriptors.{name}{what} for the molecule with SMILES "
                f"{smiles}, using RDKit's definition on the molecule as written (implicit hydrogens, no 3D). "
                f"With tools, rdkit_descriptors(smiles, names=[\"{name}\"]) returns it.")


#: Descriptors whose answers no level spreads reliably (most molecules share one value, and no
#: building block carries the feature alone): one level, the default molecules (see the module doc).
NO_LEVELS: frozenset[str] = frozenset({
    "EState_VSA2", "EState_VSA3", "EState_VSA4", "EState_VSA6", "PEOE_VSA2", "PEOE_VSA9", "SlogP_VSA7",
    "SlogP_VSA11", "VSA_EState5", "fr_Al_OH_noTert", "fr_aryl_methyl", "fr_imide", "fr_Ndealkylation1",
    "fr_Ndealkylation2", "fr_para_hydroxylation", "fr_unbrch_alkane",
})


class SingleLevelDescriptorTask(DescriptorTask):
    """A descriptor task without difficulty levels (:data:`NO_LEVELS`)."""

    levels: ClassVar[tuple[dict[str, Any], ...]] = ()
    default_level: ClassVar[int | None] = None


def task_id_of(name: str) -> str:
    return "chem/descriptor_" + re.sub(r"[^a-z0-9_]", "_", name.lower())


def register(registry: Any) -> None:
    for name in sorted(TABLE):
        if name in _FUNCTIONS:
            cls = SingleLevelDescriptorTask if name in NO_LEVELS else DescriptorTask
            registry.register(cls, task_id_of(name), {"descriptor": name},
                              f"Predict the RDKit descriptor {name} of a molecule.")
