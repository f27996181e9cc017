"""RDKit tools: ``rdkit_canonical``, ``rdkit_descriptors``, ``rdkit_substructure``.

Molecules are parsed by :func:`bootcamp.verifiers.smiles.parse_molecule` (length and atom caps, RDKit's
logging silenced, never raises), so a tool sees the same molecule a verifier would. RDKit is imported
inside the tools (importing this module stays cheap); :data:`SANDBOX_PRELOAD` names what the sandbox
runner imports before the first call's clock starts.
"""

from __future__ import annotations

import json
import math
from typing import Any

from bootcamp.env.tools import ToolError, tool

#: Longest SMILES accepted (drug-like molecules need a few hundred characters).
MAX_SMILES_CHARS = 1000
#: Longest SMARTS pattern accepted, and most atoms it may have.
MAX_SMARTS_CHARS = 200
MAX_SMARTS_ATOMS = 30
#: Most substructure matches counted (the count says "at least" beyond it).
MAX_MATCHES = 1000
#: Modules the sandbox runner imports before it starts timing calls (see bootcamp/env/_tool_runner.py).
SANDBOX_PRELOAD = ("rdkit.Chem", "rdkit.Chem.Descriptors", "rdkit.Chem.QED", "bootcamp.verifiers.smiles")

_SMILES_SCHEMA = {"type": "string", "description": "a SMILES string, e.g. CCO"}


def _molecule(smiles: Any) -> Any:
    """The RDKit molecule of ``smiles``, or a ToolError that says why not."""
    if not isinstance(smiles, str) or not smiles.strip():
        raise ToolError("smiles must be a non-empty string")
    if len(smiles) > MAX_SMILES_CHARS:
        raise ToolError(f"SMILES of {len(smiles)} characters; at most {MAX_SMILES_CHARS}")
    from bootcamp.verifiers.smiles import MAX_MOLECULE_ATOMS, parse_molecule

    mol = parse_molecule(smiles)
    if mol is None:
        raise ToolError(f"invalid SMILES {smiles[:80]!r} (it does not parse, or has over {MAX_MOLECULE_ATOMS} atoms)")
    return mol


@tool("rdkit_canonical", "The canonical SMILES of a molecule (RDKit), or an error when the SMILES is invalid.",
      {"type": "object", "properties": {"smiles": _SMILES_SCHEMA}, "required": ["smiles"],
       "additionalProperties": False}, timeout_s=5.0)
def rdkit_canonical(args: dict[str, Any], context: dict[str, Any]) -> str:
    from rdkit import Chem

    return Chem.MolToSmiles(_molecule(args["smiles"]))


def _round(x: float) -> float | None:
    return round(float(x), 4) if math.isfinite(float(x)) else None


#: Most descriptors one call may name.
MAX_DESCRIPTOR_NAMES = 20


@tool("rdkit_descriptors",
      "Descriptors of a molecule as JSON: formula, mol_weight, logp, tpsa, hbd, hba, rotatable_bonds, rings, "
      "aromatic_rings, heavy_atoms, qed; or, with names, those RDKit descriptors (Descriptors._descList names, "
      "e.g. [\"Chi3v\", \"fr_benzene\"]).",
      {"type": "object", "properties": {
          "smiles": _SMILES_SCHEMA,
          "names": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_DESCRIPTOR_NAMES,
                    "description": "RDKit descriptor names (Descriptors._descList)"}},
       "required": ["smiles"], "additionalProperties": False}, timeout_s=5.0)
def rdkit_descriptors(args: dict[str, Any], context: dict[str, Any]) -> str:
    from rdkit.Chem import QED, Crippen, Descriptors, Lipinski, rdMolDescriptors

    mol = _molecule(args["smiles"])
    if args.get("names") is not None:
        return json.dumps(_named_descriptors(mol, args["names"], dict(Descriptors._descList)))
    try:
        qed: float | None = _round(QED.qed(mol))
    except Exception:  # noqa: BLE001 - QED fails on some exotic molecules; the rest still stands
        qed = None
    out = {
        "formula": rdMolDescriptors.CalcMolFormula(mol),
        "mol_weight": _round(Descriptors.MolWt(mol)),
        "logp": _round(Crippen.MolLogP(mol)),
        "tpsa": _round(rdMolDescriptors.CalcTPSA(mol)),
        "hbd": int(Lipinski.NumHDonors(mol)),
        "hba": int(Lipinski.NumHAcceptors(mol)),
        "rotatable_bonds": int(rdMolDescriptors.CalcNumRotatableBonds(mol)),
        "rings": int(rdMolDescriptors.CalcNumRings(mol)),
        "aromatic_rings": int(rdMolDescriptors.CalcNumAromaticRings(mol)),
        "heavy_atoms": int(mol.GetNumHeavyAtoms()),
        "qed": qed,
    }
    return json.dumps(out)


def _named_descriptors(mol: Any, names: Any, table: dict[str, Any]) -> dict[str, Any]:
    """``{name: value}`` for the RDKit descriptors ``names`` (a ToolError names any unknown one)."""
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ToolError("names must be a non-empty list of descriptor names")
    if len(names) > MAX_DESCRIPTOR_NAMES:
        raise ToolError(f"at most {MAX_DESCRIPTOR_NAMES} names per call, got {len(names)}")
    unknown = [n[:40] for n in names if n not in table]
    if unknown:
        raise ToolError(f"unknown descriptor(s) {', '.join(map(repr, unknown[:5]))}; names are RDKit's "
                        "Descriptors._descList names, e.g. 'TPSA', 'Chi3v', 'fr_benzene'")
    out: dict[str, Any] = {}
    for name in dict.fromkeys(names):
        try:
            value = table[name](mol)
            out[name] = value if isinstance(value, int) else _round(value)
        except Exception as exc:  # noqa: BLE001 - one descriptor failing on an odd molecule is its own error
            out[name] = f"error: {type(exc).__name__}"
    return out


@tool("rdkit_substructure", "How many times a SMARTS pattern matches a molecule (unique matches).",
      {"type": "object", "properties": {"smiles": _SMILES_SCHEMA,
                                        "smarts": {"type": "string", "description": "e.g. [OX2H] for a hydroxyl"}},
       "required": ["smiles", "smarts"], "additionalProperties": False}, timeout_s=5.0)
def rdkit_substructure(args: dict[str, Any], context: dict[str, Any]) -> str:
    from rdkit import Chem

    mol = _molecule(args["smiles"])
    smarts = args["smarts"]
    if not isinstance(smarts, str) or not smarts.strip():
        raise ToolError("smarts must be a non-empty string")
    if len(smarts) > MAX_SMARTS_CHARS:
        raise ToolError(f"SMARTS of {len(smarts)} characters; at most {MAX_SMARTS_CHARS}")
    if "$(" in smarts:
        raise ToolError("recursive SMARTS ($(...)) is not supported")
    try:
        pattern = Chem.MolFromSmarts(smarts.strip())
    except Exception:  # noqa: BLE001 - RDKit raises on some malformed patterns
        pattern = None
    if pattern is None:
        raise ToolError(f"invalid SMARTS {smarts[:80]!r}")
    if pattern.GetNumAtoms() > MAX_SMARTS_ATOMS:
        raise ToolError(f"SMARTS pattern with {pattern.GetNumAtoms()} atoms; at most {MAX_SMARTS_ATOMS}")
    matches = mol.GetSubstructMatches(pattern, uniquify=True, maxMatches=MAX_MATCHES)
    n = len(matches)
    return str(n) if n < MAX_MATCHES else f"at least {MAX_MATCHES}"
