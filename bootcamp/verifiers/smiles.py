"""Molecules as answers: SMILES or InChI parsing, canonical forms, equivalence checks.

Every function here is pure and never raises on model output. Parsing caps the
input length first (RDKit is fast, but a 50,000-character SMILES still costs
time), and RDKit's own logging is silenced so a stream of bad answers does not
flood stderr.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdkit import Chem, RDLogger

from bootcamp.types import Score, invalid

RDLogger.DisableLog("rdApp.*")

#: Longest SMILES or InChI we try to parse; drug-like molecules need a few hundred characters.
MAX_MOLECULE_CHARS = 2000
#: Most atoms a parsed answer may have (ring perception and canonicalisation grow with size).
MAX_MOLECULE_ATOMS = 400

_WRAPPERS = ("`", "$", '"', "'")


def _clean(text: str) -> str:
    text = text.strip()
    if text.startswith("\\text{") and text.endswith("}"):
        text = text[6:-1].strip()
    for w in _WRAPPERS:
        if len(text) >= 2 and text.startswith(w) and text.endswith(w):
            text = text[1:-1].strip()
    if text.lower().startswith("smiles:"):
        text = text[7:].strip()
    return text.rstrip(".").strip() if not text.startswith("InChI=") else text


def parse_molecule(text: object) -> Chem.Mol | None:
    """The molecule a SMILES or InChI string describes, or None (never raises).

    Accepts one token: a SMILES, or an InChI starting with ``InChI=``. Strings
    over :data:`MAX_MOLECULE_CHARS`, with inner whitespace, or whose molecule has
    no atoms or more than :data:`MAX_MOLECULE_ATOMS` atoms are rejected.
    """
    if not isinstance(text, str) or len(text) > MAX_MOLECULE_CHARS + 20:
        return None
    text = _clean(text)
    if not text or len(text) > MAX_MOLECULE_CHARS or any(c.isspace() for c in text):
        return None
    if not text.isascii():
        return None
    try:
        if text.startswith("InChI="):
            mol = Chem.MolFromInchi(text, sanitize=True, removeHs=True)
        elif sum(c.isalpha() for c in text) > 2 * MAX_MOLECULE_ATOMS:
            return None  # too many atoms for sure: skip the parse
        else:
            mol = Chem.MolFromSmiles(text)
    except Exception:  # noqa: BLE001 - RDKit raises on some pathological inputs; a bad answer is None
        return None
    if mol is None or mol.GetNumAtoms() == 0 or mol.GetNumAtoms() > MAX_MOLECULE_ATOMS:
        return None
    return mol


def mol_to_smiles(mol: Chem.Mol, stereo: bool = True) -> str:
    """Canonical SMILES of a molecule; ``stereo=False`` drops stereochemistry (and isotopes)."""
    return Chem.MolToSmiles(mol, isomericSmiles=stereo)


def canonical_smiles(text: str, stereo: bool = True) -> str | None:
    """RDKit canonical SMILES of a SMILES/InChI string, or None when it does not parse."""
    mol = parse_molecule(text)
    if mol is None:
        return None
    try:
        return mol_to_smiles(mol, stereo)
    except Exception:  # noqa: BLE001
        return None


def same_molecule(a: str, b: str, stereo: bool = True) -> bool:
    """True when ``a`` and ``b`` (SMILES or InChI) describe the same molecule."""
    ca = canonical_smiles(a, stereo)
    return ca is not None and ca == canonical_smiles(b, stereo)


def check_smiles(answer: str, truth: str, stereo: bool = True) -> float:
    """1.0 when ``answer`` (SMILES or InChI) is the molecule ``truth``; invalid when it does not parse."""
    got = canonical_smiles(answer, stereo)
    if got is None:
        return invalid("not a valid SMILES or InChI")
    want = canonical_smiles(truth, stereo)
    return 1.0 if got == want else Score(0.0, "wrong")


def molecule_set(answer: str, stereo: bool = True) -> list[str] | None:
    """Canonical SMILES of each molecule in a dot-, comma- or semicolon-separated list, or None."""
    if not isinstance(answer, str) or len(answer) > MAX_MOLECULE_CHARS:
        return None
    parts = [p.strip() for p in answer.replace(";", ",").replace(".", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    out = []
    for part in parts:
        can = canonical_smiles(part, stereo)
        if can is None:
            return None
        out.extend(can.split("."))
    return out


def check_smiles_set(answer: str, truths: Iterable[str], stereo: bool = True) -> float:
    """1.0 when ``answer`` lists exactly the molecules ``truths``, in any order.

    ``answer`` separates molecules with dots, commas or semicolons; a listed
    molecule that does not parse makes the answer invalid.
    """
    got = molecule_set(answer, stereo)
    if got is None:
        return invalid("not a list of valid SMILES")
    want: set[str] = set()
    for t in truths:
        can = canonical_smiles(t, stereo)
        if can is not None:
            want.update(can.split("."))
    return 1.0 if set(got) == want else Score(0.0, "wrong")
