"""Shared pieces of the chemistry tasks: the molecule pool, cached RDKit work, formulas, number formats."""

from __future__ import annotations

import functools
import math
import pathlib
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

import bootcamp.verifiers.smiles  # noqa: F401 - importing it silences RDKit's logging
from bootcamp import Score, Task, invalid
from bootcamp.verifiers.numeric import check_integer, check_number, tolerance_text

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


def fmt_number(value: float, integer: bool = False) -> str:
    """How a reference number is written: integers exactly, floats to 6 significant digits."""
    if integer:
        return str(int(round(value)))
    text = f"{value:.6g}"
    return "0" if text == "-0" else text


_INT = re.compile(r"[-+]?\d{1,12}")
_POWER = re.compile(r"\d\s*\^")  # "2^2^2" is an expression, not a number; "10^{3}" in "x 10^{3}" is fine
_SCI_POWER = re.compile(r"10\s*\^")


def check_value(answer: str, value: float, integer: bool, rel_tol: float, abs_tol: float) -> float:
    """Exact for integers, within the stated tolerance for floats.

    Stricter than the generic number parser: an integer answer must be written
    as an integer, a power like ``2^5`` is not a number, and ``-0`` is not how
    anyone writes a zero count.
    """
    if not isinstance(answer, str) or len(answer) > 200:
        return invalid("not a number")
    text = answer.strip().strip("$").strip().rstrip(".")
    if _POWER.search(text) and len(_POWER.findall(text)) != len(_SCI_POWER.findall(text)):
        return invalid("an expression, not a number")
    if text.startswith("-") and value >= 0 and text.lstrip("-").strip("0.") == "":
        return Score(0.0, "wrong", "a signed zero")
    if integer:
        if _INT.fullmatch(text.replace(",", "")):
            return 1.0 if int(text.replace(",", "")) == int(round(value)) else Score(0.0)
        return check_integer(answer, int(round(value)))
    return check_number(text, value, rel_tol=rel_tol, abs_tol=abs_tol)


def perturb_value(value: float, integer: bool, rel_tol: float, abs_tol: float) -> list[str]:
    """Numbers clearly outside the tolerance of ``value``."""
    if integer:
        v = int(round(value))
        return [str(v + 1), str(v + 2), str(v - 1), str(v * 2 + 3)]
    step = 5 * max(abs(value) * rel_tol, abs_tol, 1e-6)
    return [fmt_number(value + step), fmt_number(value - step), fmt_number(value + 3 * step)]


def tolerance_phrase(integer: bool, rel_tol: float, abs_tol: float) -> str:
    if integer:
        return "Give the exact integer"
    return f"Give the number ({tolerance_text(rel_tol, abs_tol)} is accepted)"


class NumericMoleculeTask(Task):
    """A number computed from one pool molecule; subclasses supply ``value`` and ``question``."""

    default_params: dict[str, Any] = {}

    integer: bool = True
    rel_tol: float = 0.0
    abs_tol: float = 0.0

    def favoured(self) -> Sequence[str]:
        return ()

    def value(self, smiles: str) -> float:
        raise NotImplementedError

    def question(self, smiles: str) -> str:
        raise NotImplementedError

    def generate(self, rng: random.Random) -> dict[str, Any]:
        for _ in range(50):
            smiles = pick(rng, POOL_SMILES, self.favoured())
            if math.isfinite(self.value(smiles)):
                return {"smiles": smiles}
        raise RuntimeError(f"{self.task_id}: no molecule with a finite value")

    def prompt(self, identity: dict[str, Any]) -> str:
        tol = tolerance_phrase(self.integer, self.rel_tol, self.abs_tol)
        return f"{self.question(identity['smiles'])} {tol} in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_value(answer, self.value(identity["smiles"]), self.integer, self.rel_tol, self.abs_tol)

    def solve(self, identity: dict[str, Any]) -> str:
        return fmt_number(self.value(identity["smiles"]), self.integer)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return perturb_value(self.value(identity["smiles"]), self.integer, self.rel_tol, self.abs_tol)


# -- molecular formulas ----------------------------------------------------------------
_ELEMENTS = {Chem.GetPeriodicTable().GetElementSymbol(z) for z in range(1, 119)}
_FORMULA_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)")
# A charge is "+", "2-" only as a superscript ("^{2-}"), or "+2" after the formula (RDKit's style):
# a bare "NO2+" is NO2 with one positive charge.
_SUPER_CHARGE = re.compile(r"\^\{?(\d{0,2})([+-])(\d{0,2})\}?$")
_PLAIN_CHARGE = re.compile(r"([+-])(\d{0,2})$")
MAX_FORMULA_CHARS = 200


def formula_of(mol: Chem.Mol) -> str:
    """Hill-order formula with the net charge appended (RDKit's CalcMolFormula)."""
    return rdMolDescriptors.CalcMolFormula(mol)


def parse_formula(text: object) -> tuple[Counter[str], int] | None:
    """Element counts and net charge of a formula like ``C9H8O4`` or ``C7H16NO2+``; None if invalid."""
    if not isinstance(text, str) or len(text) > MAX_FORMULA_CHARS:
        return None
    t = text.strip().strip("$").replace("\\mathrm", "").replace("\\text", "").replace(" ", "")
    t = t.replace("_", "").replace("{", "").replace("}", "") if "^" not in t else t.replace("_", "")
    t = t.replace("−", "-")
    charge = 0
    m = _SUPER_CHARGE.search(t)
    if m and (m.group(1) == "" or m.group(3) == ""):
        digits = m.group(1) or m.group(3)
        charge = (int(digits) if digits else 1) * (1 if m.group(2) == "+" else -1)
        t = t[: m.start()]
    elif m is None and (m := _PLAIN_CHARGE.search(t)):
        charge = (int(m.group(2)) if m.group(2) else 1) * (1 if m.group(1) == "+" else -1)
        t = t[: m.start()]
    t = t.replace("{", "").replace("}", "").replace("^", "")
    counts: Counter[str] = Counter()
    pos = 0
    for tok in _FORMULA_TOKEN.finditer(t):
        if tok.start() != pos:
            return None
        pos = tok.end()
        symbol, num = tok.group(1), tok.group(2)
        if symbol not in _ELEMENTS or len(num) > 4:
            return None
        counts[symbol] += int(num) if num else 1
    if pos != len(t) or not counts or any(v == 0 for v in counts.values()):
        return None
    return counts, charge


def formula_counts(mol: Chem.Mol) -> tuple[Counter[str], int]:
    parsed = parse_formula(formula_of(mol))
    assert parsed is not None
    return parsed


def write_formula(counts: Counter[str], charge: int = 0) -> str:
    """Hill-order formula text of element counts."""
    keys = sorted(counts)
    if "C" in counts:
        keys = ["C"] + (["H"] if "H" in counts else []) + [k for k in keys if k not in ("C", "H")]
    text = "".join(f"{k}{counts[k] if counts[k] != 1 else ''}" for k in keys if counts[k] > 0)
    if charge:
        text += ("+" if charge > 0 else "-") + ("" if abs(charge) == 1 else str(abs(charge)))
    return text


def check_formula(answer: str, expected: str) -> float:
    got = parse_formula(answer)
    if got is None:
        return invalid("not a molecular formula")
    return 1.0 if got == parse_formula(expected) else Score(0.0)


def perturb_formula(expected: str) -> list[str]:
    parsed = parse_formula(expected)
    if parsed is None:
        return []
    counts, charge = parsed
    out = []
    for change in ({"C": 1}, {"H": -2}, {"N": -1, "O": 1}, {"O": 1}, {"H": 1}):
        c = Counter(counts)
        for k, d in change.items():
            c[k] += d
        if all(v >= 0 for v in c.values()) and c != counts:
            out.append(write_formula(+c, charge))
    if charge == 0:
        out.append(write_formula(counts, 1))
    return out


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
