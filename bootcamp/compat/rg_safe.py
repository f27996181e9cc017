"""Strict answer grammars for the reasoning-gym datasets whose scorers evaluate the answer text.

Nine datasets' ``score_answer`` hands the model's text to ``eval`` or
``sympy.parse_expr`` (:data:`bootcamp.compat.reasoning_gym.EVALUATING_DATASETS`).
Whatever process evaluates attacker text can forge whatever that process
reports, sandbox or not, so no such text ever reaches those scorers: each
dataset has a small grammar here, the answer is parsed (Python's ``ast``, after
a character whitelist and size caps; nothing is evaluated) and re-printed from
the checked tree, and only the re-printed text is scored. Text outside the
grammar is refused (``None``) before any process starts.

The grammars were read off reasoning-gym 0.1.25's scorers and reference answers:

- arithmetic (``countdown``, ``puzzle24``): ``parse_expr`` of integers, ``+ - * /``,
  unary signs and parentheses. ``=`` tails, ``x``/``×`` and ``^`` are not read
  there either (they raise, so they score as wrong); decimals and ``**`` are refused
  (``countdown`` counts numbers with ``\\b\\d+\\b``, so ``1.5`` would pass as 1 and 5).
- symbolic (integration, polynomial multiplication): ``parse_expr`` of the
  dataset's variables (and ``C``), numbers, ``+ - * /``, ``**`` with a small constant
  exponent, parentheses and a few functions. ``Integral(...)`` is refused: an
  unevaluated integral of the integrand differentiates back to it, so it would
  score 1.0 on every problem (about 8% of ``intermediate_integration``'s own
  reference answers are such integrals; those cannot be answered here).
- grids and lists (``n_queens``, ``binary_matrix``, ``spiral_matrix``,
  ``string_insertion``): the exact-match text (kept verbatim: it is compared as
  it is), or a Python list literal of small ints/strings (their partial credit),
  re-printed canonically.

Literals are re-printed from their source text, so ``countdown``'s number count
and a float's digits see exactly what the model wrote. A blank answer is kept as
it is (nothing in it can run; some scorers give it 0.01).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import NamedTuple

#: Longest answer text any grammar reads.
MAX_CHARS = 20_000
#: Deepest bracket nesting read (checked on the text before parsing).
MAX_NESTING = 24
#: Deepest expression tree read.
MAX_DEPTH = 120
#: Most digits in one number literal.
MAX_DIGITS = 30
#: Largest constant exponent (numerator or denominator) after ``**``.
MAX_EXPONENT = 64
#: Largest size (digits) a numeric subexpression can reach, bounded from its literals.
MAX_VALUE_DIGITS = 5_000
#: Most digits in one number of a grid or list answer.
MAX_CELL_DIGITS = 12

_INT = re.compile(r"(?:0|[1-9][0-9]*)\Z")
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")
_ATOM, _POW, _UNARY, _MUL, _ADD = 5, 4, 3, 2, 1
_BINARY = {ast.Add: ("+", _ADD), ast.Sub: ("-", _ADD), ast.Mult: ("*", _MUL), ast.Div: ("/", _MUL)}


class Spec(NamedTuple):
    """One expression grammar.

    Attributes:
        chars: every character the text may hold (checked first).
        max_chars: longest text.
        names: bare names allowed (None: any ``[A-Za-z][A-Za-z0-9_]*`` name without ``__``).
        funcs: function names that may be called, with one argument each.
        power: ``**`` with a constant exponent of at most :data:`MAX_EXPONENT`.
        decimals: number literals may have a fractional part.
    """

    chars: re.Pattern[str]
    max_chars: int
    names: frozenset[str] | None = frozenset()
    funcs: frozenset[str] = frozenset()
    power: bool = False
    decimals: bool = False


class _Refused(Exception):
    pass


def _too_deep(text: str, limit: int, opening: str = "([{", closing: str = ")]}") -> bool:
    depth = 0
    for ch in text:
        if ch in opening:
            depth += 1
            if depth > limit:
                return True
        elif ch in closing:
            depth -= 1
    return False


def _parse(text: str) -> ast.expr | None:
    if _too_deep(text, MAX_NESTING):
        return None
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def expression(answer: str, spec: Spec) -> str | None:
    """``answer`` re-printed from its checked syntax tree, or None when it is outside ``spec``."""
    text = answer.strip()
    if not text or len(text) > spec.max_chars or not spec.chars.fullmatch(text):
        return None
    tree = _parse(text)
    if tree is None:
        return None
    try:
        out, _prec, _digits = _Printer(text, spec).show(tree, 0)
    except (_Refused, RecursionError):
        return None
    again = _parse(out)  # the re-print must be the very tree that was checked
    if again is None or _shape(again) != _shape(tree):
        return None
    return out


def _shape(tree: ast.expr) -> list[tuple[object, ...]]:
    return [(type(n), type(getattr(n, "op", None)), getattr(n, "value", None), getattr(n, "id", None))
            for n in ast.walk(tree) if not isinstance(n, ast.expr_context)]


class _Printer:
    """Checks a tree against a :class:`Spec` and prints it with the parentheses Python needs."""

    def __init__(self, text: str, spec: Spec) -> None:
        self.text = text
        self.spec = spec

    def show(self, node: ast.expr, depth: int) -> tuple[str, int, int]:
        """(text, precedence, bound on the digits of its value)."""
        if depth > MAX_DEPTH:
            raise _Refused("too deep")
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            names = self.spec.names
            if (names is None and _NAME.fullmatch(node.id) and "__" not in node.id) or (names and node.id in names):
                return node.id, _ATOM, 1
            raise _Refused(node.id)
        if isinstance(node, ast.Call):
            func = node.func
            if (not isinstance(func, ast.Name) or func.id not in self.spec.funcs or len(node.args) != 1
                    or node.keywords or isinstance(node.args[0], ast.Starred)):
                raise _Refused("call")
            inner, _p, digits = self.show(node.args[0], depth + 1)
            return f"{func.id}({inner})", _ATOM, digits
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner, prec, digits = self.show(node.operand, depth + 1)
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return (f"{sign}{inner}" if prec >= _POW else f"{sign}({inner})"), _UNARY, digits
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and self.spec.power:
            base, prec, digits = self.show(node.left, depth + 1)
            exponent, size = self._exponent(node.right)
            digits *= max(1, size)
            if digits > MAX_VALUE_DIGITS:
                raise _Refused("too large")
            exponent = exponent if isinstance(node.right, ast.Constant) else f"({exponent})"
            return f"{base if prec == _ATOM else f'({base})'}**{exponent}", _POW, digits
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            sym, own = _BINARY[type(node.op)]
            left, lp, ld = self.show(node.left, depth + 1)
            right, rp, rd = self.show(node.right, depth + 1)
            digits = max(ld, rd) + 1 if own == _ADD else ld + rd
            if digits > MAX_VALUE_DIGITS:
                raise _Refused("too large")
            left = left if lp >= own else f"({left})"
            right = right if rp > own else f"({right})"
            return f"{left} {sym} {right}", own, digits
        raise _Refused(type(node).__name__)

    def _number(self, node: ast.Constant) -> tuple[str, int, int]:
        source = self.text[node.col_offset:node.end_col_offset]  # one line of ASCII: offsets are indices
        pattern = _DECIMAL if self.spec.decimals else _INT
        if type(node.value) not in (int, float) or not pattern.fullmatch(source):
            raise _Refused("number")
        digits = len(source) - source.count(".")
        if digits > MAX_DIGITS:
            raise _Refused("too many digits")
        return source, _ATOM, digits

    def _exponent(self, node: ast.expr) -> tuple[str, int]:
        """A constant exponent: ``n``, ``-n``, ``n/m`` or ``-n/m`` with small literals; (text, largest literal)."""
        literals = []
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, ast.UnaryOp) and isinstance(item.op, (ast.USub, ast.UAdd)):
                stack.append(item.operand)
            elif isinstance(item, ast.BinOp) and isinstance(item.op, ast.Div):
                stack += [item.left, item.right]
            elif isinstance(item, ast.Constant):
                literals.append(item)
            else:
                raise _Refused("exponent")
        values = []
        for lit in literals:
            text, _p, _d = self._number(lit)
            values.append(float(text))
        if not values or len(values) > 2 or max(values) > MAX_EXPONENT:
            raise _Refused("exponent")
        text, _p, _d = _Printer(self.text, self.spec._replace(power=False, names=frozenset(), funcs=frozenset())
                                ).show(node, 0)
        return text, int(max(values)) + 1


# -- grids and lists -----------------------------------------------------------------------------------------


class ListSpec(NamedTuple):
    """A Python list literal: lists/tuples (at most ``depth`` deep) of small ints and/or strings over ``letters``."""

    letters: str
    ints: bool
    depth: int


def literal(answer: str, spec: ListSpec) -> str | None:
    """A list/tuple/str literal re-printed canonically, or None when it is outside ``spec``."""
    text = answer.strip()
    allowed = set("[](),'\" \n" + ("0123456789-" if spec.ints else "") + spec.letters)
    if not text or len(text) > MAX_CHARS or not set(text) <= allowed or _too_deep(text, spec.depth, "[(", "])"):
        return None
    tree = _parse(text)
    if tree is None:
        return None
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    try:
        return _literal(tree, lambda n: text[starts[n.lineno - 1] + n.col_offset:
                                             starts[n.end_lineno - 1] + n.end_col_offset], spec, 0)
    except (_Refused, RecursionError):
        return None


def _literal(node: ast.expr, source_of: Callable[[ast.expr], str], spec: ListSpec, depth: int) -> str:
    if isinstance(node, (ast.List, ast.Tuple)) and depth < spec.depth:
        items = [_literal(item, source_of, spec, depth + 1) for item in node.elts]
        if isinstance(node, ast.List):
            return "[" + ", ".join(items) + "]"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(node, ast.Constant) and type(node.value) is str and set(node.value) <= set(spec.letters):
        return repr(node.value)
    negative = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    number = node.operand if negative else node  # type: ignore[attr-defined]
    if spec.ints and isinstance(number, ast.Constant) and type(number.value) is int:
        source = source_of(number)  # ASCII only: the offsets are indices
        if _INT.fullmatch(source) and len(source) <= MAX_CELL_DIGITS:
            return ("-" if negative else "") + source
    raise _Refused(type(node).__name__)


# -- the datasets --------------------------------------------------------------------------------------------

_ARITHMETIC = Spec(re.compile(r"[0-9+\-*/() ]+"), 400)
_INTEGRATION = Spec(re.compile(r"[0-9A-Za-z+\-*/(). ]+"), 2_000, frozenset({"x", "X", "C"}),
                    frozenset({"sin", "cos", "tan", "exp", "log", "sqrt", "asin", "acos", "atan"}), True, True)
_POLYNOMIAL = Spec(re.compile(r"[0-9xyz+\-*/(). ]+"), 2_000, frozenset({"x", "y", "z"}), frozenset(), True, True)
#: The exact-match text forms, kept verbatim, and the list literals their scorers also read.
_TEXT = {
    "n_queens": (re.compile(r"[_Q \n]+"), ListSpec("_Q ", False, 2)),
    "binary_matrix": (re.compile(r"[0-9 \n]+"), ListSpec("0123456789", True, 2)),
    "spiral_matrix": (re.compile(r"[0-9 \n]+"), ListSpec("0123456789", True, 2)),
    "string_insertion": (re.compile(r"[A-E]+"), ListSpec("ABCDE", False, 1)),
}
_LONG_NUMBER = re.compile(f"[0-9]{{{MAX_CELL_DIGITS + 1}}}")
_EXPRESSIONS = {
    "countdown": _ARITHMETIC, "puzzle24": _ARITHMETIC, "simple_integration": _INTEGRATION,
    "intermediate_integration": _INTEGRATION, "polynomial_multiplication": _POLYNOMIAL,
}

#: Dataset -> the answers it accepts (for docs and refusal messages).
SAFE_FORMS = {
    "countdown": "an arithmetic expression: integers, + - * /, unary signs, parentheses",
    "puzzle24": "an arithmetic expression: integers, + - * /, unary signs, parentheses",
    "simple_integration": "an expression in x or X and C: numbers, + - * /, ** with a constant exponent up to 64, "
                          "parentheses, sin cos tan exp log sqrt asin acos atan",
    "intermediate_integration": "an expression in x or X and C: numbers, + - * /, ** with a constant exponent up "
                                "to 64, parentheses, sin cos tan exp log sqrt asin acos atan (no Integral)",
    "polynomial_multiplication": "a polynomial in x, y, z: numbers, + - * /, ** with a constant exponent up to 64, "
                                 "parentheses",
    "n_queens": "the board as rows of '_' and 'Q' separated by spaces and newlines, or a list of such rows",
    "binary_matrix": "rows of integers separated by spaces and newlines, or a list of lists of integers",
    "spiral_matrix": "integers separated by spaces, or a list of integers",
    "string_insertion": "a string of the letters A-E, or a list of such strings",
}


def safe_answer(dataset: str, answer: str) -> str | None:
    """The text to score for ``answer`` to an evaluating dataset: re-printed within its grammar, or None.

    Raises:
        KeyError: ``dataset`` is not one of :data:`SAFE_FORMS`.
    """
    if dataset not in SAFE_FORMS:
        raise KeyError(f"no answer grammar for {dataset!r}; known: {sorted(SAFE_FORMS)}")
    if not isinstance(answer, str) or len(answer) > MAX_CHARS:
        return None
    if not answer.strip():
        return answer if set(answer) <= set(" \t\n\r") else None
    if dataset in _EXPRESSIONS:
        return expression(answer, _EXPRESSIONS[dataset])
    text, lists = _TEXT[dataset]
    if _LONG_NUMBER.search(answer):
        return None
    if text.fullmatch(answer):
        return answer
    return literal(answer, lists)
