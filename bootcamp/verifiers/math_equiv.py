r"""Math-answer equivalence: parse LaTeX or plain-text answers to sympy and compare them.

``parse_math`` never raises and never evaluates a huge power or factorial (the
guarded parser of :mod:`bootcamp.verifiers.mathparse` checks them first).
Expressions are equivalent when they agree for every real value of their symbols
(:mod:`bootcamp.verifiers.math_domain` states the rule: exact for small rational
functions, else counterexample search at real points of both signs, near zero and
large; undecided is rejected). Sets are order-free, tuples ordered, intervals
compared by endpoints and openness in every written form (``(0, 1]``,
``0 < x \le 1``, ``x \in (0, 1]``; a 2-tuple ``(a, b)`` is never ``[a, b]``, and a
bare unlabelled ``a, b`` is neither),
matrices elementwise, equations up to a constant factor.

Exact or tolerant (:func:`check_math`): a reference written exactly (an integer, a fraction, a
radical, any expression without a decimal point) is compared exactly: ``42 + 10^{-20}`` and
``41.99999999`` are not ``42``, while ``42.0``, ``84/2`` and ``\frac{84}{2}`` are (a decimal
answer is read as the exact number it writes). An answer that marks itself approximate
(``\approx``, ``\sim``, ``\simeq``, ``≈``, "about") is no answer to such a question. A tolerance
applies only where the reference is a decimal as written (``3.14``: :data:`DECIMAL_REL_TOL`) or
the caller declares one (``rel_tol``). :func:`equivalent` compares exactly unless given a
``rel_tol``; :mod:`bootcamp.verifiers.math_domain` says how.

Recall rules (each narrow; none lets one answer name two values for one):

- the text forms of :mod:`bootcamp.verifiers.math_recall` (currency, percent words,
  units after a plain number, numbers in a base, word answers, ratios);
- labels: ``AB = 4, CD = 5`` matches ``4, 5`` (a label is a symbol or a product of
  symbols); two fully labelled lists match label by label in any order;
- a bare list of tuples (``(1, 2), (3, 4)``) is a list of solutions: order-free;
- inequality chains (``f(2) < f(1) < f(4)``) compare term by term, ``>`` chains reversed;
- several boxes: :mod:`bootcamp.extract` takes one answer; boxes that differ
  (``\boxed{1}, \boxed{2}``) are hedging and score nothing, whatever the reference.
  A list answer goes in one box.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sympy as sp

from bootcamp.types import Score, invalid
from bootcamp.verifiers import math_domain
from bootcamp.verifiers import math_recall as recall
from bootcamp.verifiers.latex import BracketTuple, Chain, ParenTuple, ParseError, states_approximation
from bootcamp.verifiers.math_domain import numbers_equal, probe, real_equivalent, small
from bootcamp.verifiers.mathparse import as_set, parse_text

__all__ = ["parse_math", "equivalent", "check_math", "to_text", "is_scalar", "is_decimal", "BracketTuple",
           "ParenTuple", "Ratio", "DECIMAL_REL_TOL"]

#: Relative tolerance for a decimal reference (``3.14``) when the caller declares none.
DECIMAL_REL_TOL = 1e-9
#: A decimal point between digits (or before one), or scientific notation: ``3.14``, ``.5``, ``6.02e23``.
_DECIMAL = re.compile(r"\d\.\d|(?<![\w.])\.\d|\d[eE][-+]?\d")


class Ratio(sp.Tuple):
    """``a : b`` (or more parts): equal to a proportional ratio, or (two parts) to the value ``a / b``."""


def parse_math(text: str) -> object | None:
    """The sympy object an answer denotes, or None when it does not parse (never raises)."""
    if not isinstance(text, str) or not text.strip() or len(text) > 2000:
        return None
    try:
        text = recall.normalise(text)
        based = recall.based_number(text)
        if based is not None:
            return sp.Integer(based[0])
        parts = recall.ratio_parts(text)
        if parts is not None:
            values = [parse_math(p) for p in parts]
            if not all(is_scalar(v) for v in values):
                return None
            return Ratio(*values)
        for pm in ("\\pm", "±"):
            if pm in text:
                if text.count(pm) != 1:
                    return None
                a, b = parse_text(text.replace(pm, "+")), parse_text(text.replace(pm, "-"))
                if isinstance(a, sp.Eq) and isinstance(b, sp.Eq) and a.lhs == b.lhs:
                    a, b = a.rhs, b.rhs
                return sp.FiniteSet(a, b)
        value = parse_text(text)
    except (ParseError, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - sympy raises many kinds on odd input; all mean "does not parse"
        return None
    if isinstance(value, sp.Basic) and value.has(sp.nan, sp.zoo):
        return None
    return value


def is_scalar(value: object) -> bool:
    """True for a scalar sympy expression (sympy's immutable matrices are Expr too)."""
    return isinstance(value, sp.Expr) and not isinstance(value, (sp.MatrixBase, sp.MatrixExpr))


# -- numbers and expressions ---------------------------------------------------------------
def _expr_equiv(a: sp.Expr, b: sp.Expr, rel_tol: float | None) -> bool:
    if a == b:
        return True
    if a.has(sp.oo, -sp.oo, sp.zoo) or b.has(sp.oo, -sp.oo, sp.zoo):
        return False
    if not a.free_symbols and not b.free_symbols:
        return numbers_equal(a, b, rel_tol)
    return real_equivalent(a, b, rel_tol)


def _eq_equiv(a: sp.Eq, b: sp.Eq, rel_tol: float | None) -> bool:
    da, db = a.lhs - a.rhs, b.lhs - b.rhs
    if db == 0 or da == 0:
        return bool(da == db)
    if not da.free_symbols and not db.free_symbols:
        return False  # two false (or trivially true) numeric equations
    decided = probe(da, db, rel_tol, ratio=True)
    if decided is not None:
        return decided
    if not small(da, db):
        return False
    try:
        q = sp.simplify(da / db)
        return bool(q.is_number and q != 0)
    except Exception:  # noqa: BLE001
        return False


def _is_label(e: object) -> bool:
    """A name that labels a value: ``x``, ``a_{37}``, ``AB`` (a product of symbols)."""
    return isinstance(e, sp.Symbol) or (isinstance(e, sp.Mul) and all(isinstance(f, sp.Symbol) for f in e.args))


def _labels(t: sp.Tuple) -> dict[sp.Expr, object] | None:
    """``{label: value}`` when every item is ``label = value`` with distinct labels, else None."""
    out = {}
    for item in t:
        if not (isinstance(item, sp.Eq) and _is_label(item.lhs)) or item.lhs in out:
            return None
        out[item.lhs] = item.rhs
    return out


def _is_solution_list(t: object) -> bool:
    return type(t) is sp.Tuple and len(t) > 1 and all(
        isinstance(p, ParenTuple) and len(p) == len(t[0]) and len(p) >= 2 for p in t)


def _ratio_equiv(a: object, b: object, rel_tol: float | None) -> bool:
    if isinstance(a, Ratio) and isinstance(b, Ratio):
        if len(a) != len(b) or any(x == 0 for x in b) or any(x == 0 for x in a):
            return False
        # equal ratios are proportional by a positive constant: 14:64 is 7:32
        k = a[0] / b[0]
        return k.is_positive is True and all(_expr_equiv(x, k * y, rel_tol) for x, y in zip(a, b, strict=True))
    r, other = (a, b) if isinstance(a, Ratio) else (b, a)
    if len(r) == 2 and is_scalar(other) and r[1] != 0:
        return _expr_equiv(r[0] / r[1], other, rel_tol)
    return False


# -- collections ---------------------------------------------------------------------------
def _match_all(xs: list[object], ys: list[object], rel_tol: float | None) -> bool:
    """Every x pairs with a distinct equivalent y (greedy is enough for equivalence classes)."""
    if len(xs) != len(ys):
        return False
    left = list(ys)
    for x in xs:
        for j, y in enumerate(left):
            if equivalent(x, y, rel_tol):
                del left[j]
                break
        else:
            return False
    return True


def _interval_parts(s: sp.Set) -> list[sp.Set] | None:
    if isinstance(s, sp.Union):
        return list(s.args)
    if isinstance(s, (sp.Interval, sp.FiniteSet)) or s == sp.EmptySet:
        return [s]
    return None


def _as_vector(m: object) -> list[object] | None:
    if isinstance(m, sp.MatrixBase) and 1 in m.shape:
        return list(m)
    if isinstance(m, sp.Tuple):
        return list(m)
    return None


def equivalent(a: object, b: object, rel_tol: float | None = None) -> bool:
    """Whether two parsed answers denote the same value (see the module docstring).

    Exact unless ``rel_tol`` is given: then numbers within that relative tolerance are equal.
    """
    try:
        return _equivalent(a, b, rel_tol)
    except Exception:  # noqa: BLE001 - an undecidable comparison is not shown equivalent
        return False


def _equivalent(a: object, b: object, rel_tol: float | None) -> bool:
    if a is None or b is None:
        return False
    a = sp.Tuple(*a) if isinstance(a, (tuple, list)) else a
    b = sp.Tuple(*b) if isinstance(b, (tuple, list)) else b
    if isinstance(a, Ratio) or isinstance(b, Ratio):
        return _ratio_equiv(a, b, rel_tol)
    if isinstance(a, Chain) or isinstance(b, Chain):
        return (isinstance(a, Chain) and isinstance(b, Chain) and len(a) == len(b)
                and all(_equivalent(x, y, rel_tol) for x, y in zip(a, b, strict=True)))
    if isinstance(a, sp.Eq) != isinstance(b, sp.Eq):
        # "x = 3" or "AB = 3" against 3: a labelled value compares by its right-hand side
        eq, other = (a, b) if isinstance(a, sp.Eq) else (b, a)
        label_syms = eq.lhs.free_symbols if _is_label(eq.lhs) else None
        if label_syms and not (label_syms & getattr(other, "free_symbols", label_syms)):
            return _equivalent(eq.rhs, other, rel_tol)
        return False
    if isinstance(a, sp.Eq):
        return _eq_equiv(a, b, rel_tol)
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
            return a.shape == b.shape and all(_equivalent(x, y, rel_tol) for x, y in zip(a, b, strict=True))
        va, vb = _as_vector(a), _as_vector(b)
        return va is not None and vb is not None and len(va) == len(vb) and all(
            _equivalent(x, y, rel_tol) for x, y in zip(va, vb, strict=True))
    if isinstance(a, sp.Set) or isinstance(b, sp.Set):
        return _set_equiv(a, b, rel_tol)
    if isinstance(a, sp.Tuple) or isinstance(b, sp.Tuple):
        if not (isinstance(a, sp.Tuple) and isinstance(b, sp.Tuple)) or len(a) != len(b):
            return False
        la, lb = _labels(a), _labels(b)
        if len(a) == 2 and {type(a), type(b)} == {ParenTuple, BracketTuple}:
            return False  # "(0, 1)" is never "[0, 1]": as intervals their endpoints differ
        if len(a) == 2 and type(a) is not type(b) and la is None and lb is None and sp.Tuple in (type(a), type(b)):
            return False  # a bare "0, 1" leaves open whether it is (0, 1) or [0, 1]: the brackets are the answer
        if la is not None and lb is not None:
            return la.keys() == lb.keys() and all(_equivalent(la[k], lb[k], rel_tol) for k in la)
        if _is_solution_list(a) and _is_solution_list(b):
            return _match_all(list(a), list(b), rel_tol)
        return all(_equivalent(x, y, rel_tol) for x, y in zip(a, b, strict=True))
    if is_scalar(a) and is_scalar(b):
        return _expr_equiv(a, b, rel_tol)
    return False


def _set_equiv(a: object, b: object, rel_tol: float | None) -> bool:
    # A finite set also accepts a bare list of its elements (or its single element).
    for x, y in ((a, b), (b, a)):
        if isinstance(x, sp.FiniteSet) and not isinstance(y, sp.Set):
            ys = list(y) if type(y) is sp.Tuple else [y] if is_scalar(y) else None
            # bound the quadratic dedupe: a list far longer than the set cannot match it
            if ys is None or len(ys) > 2 * len(x) + 2:
                return False
            return _match_all(list(x), _dedupe(ys, rel_tol), rel_tol)
    try:
        sa, sb = as_set(a), as_set(b)
    except ParseError:
        return False
    if sa == sb:
        return True
    if isinstance(sa, sp.Interval) and isinstance(sb, sp.Interval):
        return (sa.left_open == sb.left_open and sa.right_open == sb.right_open
                and _equivalent(sa.start, sb.start, rel_tol) and _equivalent(sa.end, sb.end, rel_tol))
    if isinstance(sa, sp.FiniteSet) and isinstance(sb, sp.FiniteSet):
        return _match_all(list(sa), list(sb), rel_tol)
    pa, pb = _interval_parts(sa), _interval_parts(sb)
    if pa is None or pb is None:
        return bool(sa == sb)
    return _match_all(pa, pb, rel_tol)


def _dedupe(items: Iterable[object], rel_tol: float | None) -> list[object]:
    out: list[object] = []
    for x in items:
        if not any(equivalent(x, y, rel_tol) for y in out):
            out.append(x)
    return out


def is_decimal(truth: str) -> bool:
    """Whether a reference is written as a decimal (``3.14``, ``.5``, ``6.02e23``): then a tolerance applies."""
    return bool(_DECIMAL.search(truth))


def check_math(answer: str, truth: str, rel_tol: float | None = None, domain: str = "real") -> float:
    """1.0 when ``answer`` is equivalent to ``truth``; invalid when it does not parse; else 0.

    Exact comparison unless ``truth`` is a decimal as written (then :data:`DECIMAL_REL_TOL`) or
    ``rel_tol`` is given (a tolerance the task declares; it applies to any reference). An
    answer marked approximate (``\\approx 42``) to an exact reference is invalid.

    Besides :func:`equivalent`: a word reference (``\\text{Evelyn}``) wants the same words; a
    reference in a base (``204_5``) wants the answer in that base; a plain-number reference
    accepts unit words after the answer's number (``125 miles``); a percent sign may be
    dropped or added on a number of size at least 1 (``28\\%`` for ``28``). ``domain`` is where
    the symbols range (``"real"``, or ``"positive"`` when the problem says so).
    """
    if not isinstance(answer, str) or not isinstance(truth, str):
        return invalid("not a math expression")
    if rel_tol is None and is_decimal(truth):
        rel_tol = DECIMAL_REL_TOL
    with math_domain.domain(domain):
        return _check(answer, truth, rel_tol)


def _check(answer: str, truth: str, rel_tol: float | None) -> float:
    b = parse_math(truth)
    words = recall.text_answer(truth) if b is None or recall.is_wrapped_text(truth) else None
    if words is not None:
        got = recall.text_answer(answer)
        if got is None and parse_math(answer) is None:
            return invalid("not an answer")
        return 1.0 if got == words else Score(0.0, "wrong")
    if b is None:
        return Score(0.0, "verifier_error", f"reference does not parse: {truth[:80]}")
    if rel_tol is None and states_approximation(answer):
        return invalid("an approximate value does not answer an exact question")
    a = parse_math(answer)
    plain_number = is_scalar(b) and not b.free_symbols
    if (a is None or getattr(a, "free_symbols", None)) and plain_number and len(answer) <= 200:
        bare = recall.strip_units(recall.normalise(answer))
        a = parse_math(bare) if bare is not None else a
    if a is None:
        return invalid("not a math expression")
    based = recall.based_number(recall.normalise(truth))
    if based is not None and based[1] != 10:
        got_base = recall.based_number(recall.normalise(answer))
        if got_base is None or got_base[1] != based[1]:
            return Score(0.0, "wrong", "the reference states a base; the answer must be in it")
    if equivalent(a, b, rel_tol):
        return 1.0
    if plain_number and is_scalar(a):
        for text, other in ((answer, b), (truth, a)):
            number = recall.percent_number(recall.normalise(text))
            value = parse_math(number) if number is not None else None
            if value is not None and not value.free_symbols and abs(value) >= 1 and equivalent(value, other, rel_tol):
                return 1.0
    return Score(0.0, "wrong")


# -- printing reference answers ----------------------------------------------------------------
def to_text(value: object) -> str:
    """A plain-text form of a sympy value that :func:`parse_math` reads back."""
    if isinstance(value, sp.MatrixBase):
        return "[" + ", ".join("[" + ", ".join(to_text(x) for x in row) + "]"
                               for row in value.tolist()) + "]"
    if isinstance(value, sp.Eq):
        return f"{to_text(value.lhs)} = {to_text(value.rhs)}"
    if isinstance(value, sp.Interval):
        lo = "(" if value.left_open else "["
        hi = ")" if value.right_open else "]"
        return f"{lo}{to_text(value.start)}, {to_text(value.end)}{hi}"
    if isinstance(value, sp.Union):
        return " \\cup ".join(to_text(p) for p in value.args)
    if isinstance(value, sp.FiniteSet):
        return "\\{" + ", ".join(to_text(x) for x in value) + "\\}"
    if value == sp.EmptySet:
        return "\\emptyset"
    if isinstance(value, (list, tuple, sp.Tuple)):
        return "(" + ", ".join(to_text(x) for x in value) + ")"
    return sp.sstr(value)
