"""Chemical formulas and crystal structures: parsing with hard caps, equivalence checks.

``parse_formula`` reads the formula forms models write ("Fe2O3", "Fe_2O_3",
"\\mathrm{Fe_2O_3}", "Fe₂O₃", "Ca(OH)2", "CuSO4·5H2O") with its own tokenizer,
so unknown symbols and absurd amounts are rejected instead of silently
skipped. ``check_structure`` compares CIFs with pymatgen's ``StructureMatcher``
after capping the text size, the number of atom rows and how many sites the
symmetry operations can expand them to (pymatgen needs minutes for a CIF that
expands to thousands of sites).
"""

from __future__ import annotations

import functools
import re
import warnings

from pymatgen.analysis.structure_matcher import StructureMatcher
from pymatgen.core import Composition, Element, Structure

from bootcamp.types import Score, invalid

MAX_FORMULA_CHARS = 100
#: Largest amount of one element a formula may state (per formula, after multipliers).
MAX_AMOUNT = 1000.0
MAX_CIF_CHARS = 20_000
MAX_CIF_ATOM_ROWS = 64
MAX_SITES = 200

#: Real elements up to lawrencium; pymatgen's pseudo-elements (D, T) are not answers.
ELEMENTS: frozenset[str] = frozenset(e.symbol for e in Element if e.Z <= 103 and e.symbol not in ("D", "T"))

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_WRAPPERS = re.compile(r"\\(?:mathrm|text|textrm|rm|ce|mathbf|mathit|operatorname)\s*")
_ALLOWED = re.compile(r"^[A-Za-z0-9().\[\]·•*]+$")
_TOKEN = re.compile(r"([A-Z][a-z]?)|(\d+(?:\.\d+)?|\.\d+)|([(\[])|([)\]])")


def _clean_formula(text: str) -> str:
    t = text.strip().strip("$").strip()
    t = t.translate(_SUBSCRIPTS)
    t = _WRAPPERS.sub("", t)
    t = t.replace("\\cdot", "·").replace("_", "").replace("{", "").replace("}", "")
    t = t.replace("\\,", "").replace("\\ ", "").replace("~", "")
    return "".join(t.split())


def _number(tok: str) -> float:
    return float(tok)


def _parse_group(tokens: list[tuple[str, str]], pos: int, depth: int) -> tuple[dict[str, float], int] | None:
    """Parse tokens from ``pos`` until a closing bracket (depth > 0) or the end."""
    amounts: dict[str, float] = {}
    while pos < len(tokens):
        kind, tok = tokens[pos]
        if kind == "close":
            return (amounts, pos) if depth > 0 else None
        if kind == "num":
            return None  # a number with nothing to multiply
        if kind == "open":
            if depth >= 4:
                return None
            inner = _parse_group(tokens, pos + 1, depth + 1)
            if inner is None:
                return None
            sub, pos = inner
            pos += 1  # past the closing bracket
            factor = 1.0
            if pos < len(tokens) and tokens[pos][0] == "num":
                factor = _number(tokens[pos][1])
                pos += 1
            for el, amt in sub.items():
                amounts[el] = amounts.get(el, 0.0) + amt * factor
            continue
        # an element symbol
        if tok not in ELEMENTS:
            return None
        pos += 1
        amt = 1.0
        if pos < len(tokens) and tokens[pos][0] == "num":
            amt = _number(tokens[pos][1])
            pos += 1
        amounts[tok] = amounts.get(tok, 0.0) + amt
    return (amounts, pos) if depth == 0 else None


def _parse_part(part: str) -> dict[str, float] | None:
    m = re.match(r"^(\d+(?:\.\d+)?)(?=[A-Z(\[])", part)
    factor = 1.0
    if m:  # a leading multiplier, as in the "5H2O" of a hydrate
        factor = float(m.group(1))
        part = part[m.end():]
    tokens: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(part):
        if m.start() != pos:
            return None  # something the tokenizer does not know, e.g. a lowercase start
        pos = m.end()
        if m.group(1):
            tokens.append(("el", m.group(1)))
        elif m.group(2):
            if len(m.group(2)) > 8:
                return None
            tokens.append(("num", m.group(2)))
        elif m.group(3):
            tokens.append(("open", m.group(3)))
        else:
            tokens.append(("close", m.group(4)))
    if pos != len(part) or not tokens:
        return None
    parsed = _parse_group(tokens, 0, 0)
    if parsed is None:
        return None
    return {el: amt * factor for el, amt in parsed[0].items()}


def parse_formula(text: object) -> Composition | None:
    """The composition a formula states, or None when it is not a sensible formula.

    Never raises. Rejects text over 100 characters, unknown element symbols,
    zero or absurd amounts (over 1000 of one element) and unbalanced brackets.
    """
    if not isinstance(text, str) or not text or len(text) > MAX_FORMULA_CHARS:
        return None
    t = _clean_formula(text)
    if not t or not _ALLOWED.match(t):
        return None
    total: dict[str, float] = {}
    for part in re.split(r"[·•*]", t):
        amounts = _parse_part(part)
        if amounts is None:
            return None
        for el, amt in amounts.items():
            total[el] = total.get(el, 0.0) + amt
    if not total or any(not (0.0 < a <= MAX_AMOUNT) for a in total.values()):
        return None
    try:
        return Composition(total)
    except Exception:  # noqa: BLE001 - pymatgen raises several types on odd input
        return None


_SUPER_CHARGE = re.compile(r"\^\{?(\d{0,2})([+-])(\d{0,2})\}?$")
_PLAIN_CHARGE = re.compile(r"([+-])(\d{0,2})$")


def split_charge(text: str) -> tuple[str, int] | None:
    """The formula part and the net charge of a formula such as ``SO4^{2-}``, ``NH4^+`` or ``C2O4-2``.

    A charge is a superscript at the end (``^{2-}``, ``^{+2}``, ``^-``) or a sign with
    optional digits at the very end (RDKit's style: ``C7H16NO2+``, ``C2O4-2``); a
    formula without one has charge 0. None when a superscript is not a charge.
    """
    t = _WRAPPERS.sub("", text.strip().strip("$")).replace(" ", "").replace("_", "").replace("−", "-")
    if "^" in t:
        m = _SUPER_CHARGE.search(t)
        if m is None or (m.group(1) and m.group(3)):
            return None
        digits, sign, start = m.group(1) or m.group(3), m.group(2), m.start()
    else:
        t = t.replace("{", "").replace("}", "")
        m = _PLAIN_CHARGE.search(t)
        if m is None:
            return t, 0
        digits, sign, start = m.group(2), m.group(1), m.start()
    return t[:start], (int(digits) if digits else 1) * (1 if sign == "+" else -1)


def parse_charged_formula(text: object) -> tuple[Composition, int] | None:
    """The composition and net charge a formula states (see :func:`split_charge`), or None."""
    if not isinstance(text, str) or not text or len(text) > MAX_FORMULA_CHARS:
        return None
    split = split_charge(text)
    if split is None:
        return None
    comp = parse_formula(split[0])
    return None if comp is None else (comp, split[1])


def same_composition(a: Composition, b: Composition, reduced: bool = False, tol: float = 1e-6) -> bool:
    """True when the two compositions agree atom for atom (as atomic fractions when ``reduced``).

    ``reduced`` is for crystal compositions only: it makes CH2O equal to C2H4O2 and C6H12O6.
    """
    if {e.symbol for e in a.elements} != {e.symbol for e in b.elements}:
        return False
    if reduced:
        fa, fb = a.fractional_composition, b.fractional_composition
        return all(abs(fa[e] - fb[e]) <= tol for e in fa.elements)
    return all(abs(a[e] - b[e]) <= tol * max(1.0, b[e]) for e in a.elements)


def check_formula(answer: str, truth: str, reduced: bool = False) -> float:
    """1.0 when ``answer`` is the same formula as ``truth``.

    By default the amounts must match atom for atom (a molecular formula: CH2O
    is not C2H4O2); with ``reduced`` (crystal compositions) formulas are
    equivalent when their reduced formulas agree (Fe4O6 = Fe2O3). An answer
    that does not parse scores ``invalid``.
    """
    got = parse_formula(answer)
    if got is None:
        return invalid("not a chemical formula")
    want = parse_formula(truth)
    if want is None:
        raise ValueError(f"reference formula {truth!r} does not parse")
    return 1.0 if same_composition(got, want, reduced) else Score(0.0, "wrong")


_OP_LINE = re.compile(r"^\s*(?:\d+\s+)?['\"]?\s*[-+xyzXYZ0-9/.\s]*,[-+xyzXYZ0-9/.\s]*,[-+xyzXYZ0-9/.\s]*['\"]?\s*$")
_SYMBOL_TAG = re.compile(r"_(symmetry_space_group_name_H-M|space_group_name_H-M_alt|symmetry_Int_Tables_number|"
                         r"space_group_IT_number|symmetry_space_group_name_Hall|space_group_name_Hall)\s+(.+)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:\(\d+\))?")
#: Atom rows times symmetry operations: the most sites a CIF may expand to (parsing time grows with it).
MAX_EXPANDED_SITES = 600


@functools.lru_cache(maxsize=1)
def _symops_table() -> dict[str, list[str]]:
    """Symmetry operations by space-group symbol (spaces removed) and by number (standard setting)."""
    from pymatgen.symmetry.groups import SpaceGroup

    table: dict[str, list[str]] = {}
    for spg in SpaceGroup.SYMM_OPS:
        for k in ("hermann_mauguin", "universal_h_m", "hermann_mauguin_u"):
            table.setdefault(spg[k].replace(" ", ""), spg["symops"])
        table.setdefault(str(spg["number"]), spg["symops"])
    for short, full in SpaceGroup.abbrev_sg_mapping.items():
        if full.replace(" ", "") in table:
            table.setdefault(short.replace(" ", ""), table[full.replace(" ", "")])
    return table


def _prepare_cif(text: str) -> str | None:
    """The CIF ready for pymatgen, or None when it is over the caps.

    A CIF that names a space group without listing its operations would make pymatgen build the
    group (over a second for cubic groups), and a CIF with many general positions expands to
    thousands of sites (minutes); the operations are written in from pymatgen's own table and the
    expanded size is capped before parsing.
    """
    if len(text) > MAX_CIF_CHARS or "data_" not in text or "_cell_length_a" not in text:
        return None
    ops = atoms = 0
    symbols: dict[str, str] = {}
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith(("#", "loop_", "data_", ";")):
            continue
        if s.startswith("_"):
            m = _SYMBOL_TAG.match(s)
            if m:
                symbols[m.group(1)] = m.group(2).strip().strip("'\"").replace(" ", "")
            continue
        if any(c in s for c in "xyzXYZ") and _OP_LINE.match(s):
            ops += 1
        elif len(_NUMBER.findall(s)) >= 3:
            atoms += 1
    if atoms > MAX_CIF_ATOM_ROWS:
        return None
    if ops == 0:
        named = [v for k, v in symbols.items() if "Hall" not in k]
        if any(v not in ("P1", "1") for v in named) or any("Hall" in k for k in symbols):
            found = next((_symops_table().get(v) for v in named if v in _symops_table()), None)
            if found is None:
                return None
            loop = "loop_\n_symmetry_equiv_pos_as_xyz\n" + "\n".join(f"'{op}'" for op in found) + "\n"
            text, n = re.subn(r"^[ \t]*data_[^\n]*\n", lambda m: m.group(0) + loop, text, count=1, flags=re.M)
            if n == 0:
                return None
            ops = len(found)
    return text if atoms * max(ops, 1) <= MAX_EXPANDED_SITES else None


def parse_cif(text: object) -> Structure | None:
    """A structure from CIF text, or None (over the size caps, or not a CIF). Never raises."""
    if not isinstance(text, str):
        return None
    prepared = _prepare_cif(text)
    return None if prepared is None else _parse_cif_cached(prepared)


@functools.lru_cache(maxsize=256)
def _parse_cif_cached(text: str) -> Structure | None:
    lengths = re.findall(r"_cell_length_[abc]\s+([-+0-9.eE]+)", text)
    try:
        if len(lengths) != 3 or not all(0.5 < float(x.split("(")[0]) < 60.0 for x in lengths):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = Structure.from_str(text, fmt="cif")
        if not 0 < len(s) <= MAX_SITES or s.volume < 1.0:
            return None
        s.remove_oxidation_states()
        return s
    except Exception:  # noqa: BLE001 - pymatgen's CIF parser raises many types
        return None


def _matcher(ltol: float, stol: float, angle_tol: float, scale: bool) -> StructureMatcher:
    return StructureMatcher(ltol=ltol, stol=stol, angle_tol=angle_tol, scale=scale,
                            primitive_cell=True, attempt_supercell=False)


def check_structure(answer_cif: str, truth_cif: str, ltol: float = 0.05, stol: float = 0.1,
                    angle_tol: float = 2.0, scale: bool = False) -> float:
    """1.0 when the answer's CIF describes the same crystal as ``truth_cif``.

    Uses ``StructureMatcher`` (primitive cells, no supercells); without
    ``scale`` the lattice parameters must match too (within ``ltol``).
    Oxidation-state labels are ignored. A CIF that does not parse, or has more
    than 200 sites, scores ``invalid``.
    """
    got = parse_cif(answer_cif)
    if got is None:
        return invalid("not a readable CIF (or too large)")
    want = parse_cif(truth_cif)
    if want is None:
        raise ValueError("reference CIF does not parse")
    # A crystal is the same whatever cell the CIF writes (primitive or a supercell), so the
    # reduced composition is the right pre-filter here; the matcher then compares the lattices.
    if got.composition.reduced_composition != want.composition.reduced_composition:
        return Score(0.0, "wrong")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ok = _matcher(ltol, stol, angle_tol, scale).fit(got, want)
    except Exception:  # noqa: BLE001 - a degenerate lattice is a wrong answer
        return Score(0.0, "wrong")
    return 1.0 if ok else Score(0.0, "wrong")
