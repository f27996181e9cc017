"""Strict stand-ins for ``eval``, ``exec``, ``compile``, ``__import__``, ``sympify`` and ``parse_expr``.

An outside verifier that calls ``eval(solution)`` runs the model's text in the
reward process. :mod:`bootcamp.compat.ib_guard` puts these functions in place of
those names in the verifier's module while it scores (see ``docs/adapters.md``):

- :func:`safe_eval` parses the text (``ast``, eval mode) and evaluates it with
  its own tree walker, never the real ``eval``: constants (numbers, strings,
  bools, None), tuples/lists/sets/dicts of them, ``+ - * / // % **``, unary
  ``+ -`` and ``not``, comparisons, ``and``/``or``, and names bound to plain
  numbers or strings in the mappings passed in. Anything else raises
  ``ValueError``; integers, exponents, strings and nesting are capped.
- ``exec``, ``compile`` and ``__import__`` raise.
- :func:`safe_sympify` and :func:`safe_parse_expr` hand sympy only text that
  passes a strict expression grammar (:func:`bootcamp.compat.rg_safe.expression`),
  re-printed; non-text arguments pass through.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from bootcamp.compat import rg_safe

#: Longest expression text read.
MAX_EXPR_CHARS = 10_000
#: Deepest bracket nesting / expression tree read.
MAX_NESTING = 40
MAX_DEPTH = 200
#: Largest integer (in bits) an operation may produce.
MAX_INT_BITS = 16_384
#: Largest ``abs(exponent)`` of ``**``.
MAX_EXPONENT = 10_000
#: Longest string an operation may produce.
MAX_STR_CHARS = 100_000

_NUMBER = (int, float, complex)
_PLAIN = (int, float, complex, str, bool, type(None))
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def safe_eval(expr: Any, globals: Mapping[str, Any] | None = None,  # noqa: A002 - eval's own signature
              locals: Mapping[str, Any] | None = None) -> Any:  # noqa: A002
    """Evaluate ``expr`` like ``eval`` would, within a whitelist (see the module doc).

    Raises:
        ValueError: ``expr`` is not text, is too large, or holds anything outside the whitelist.
        SyntaxError: ``expr`` does not parse (as ``eval`` would raise).
    """
    if isinstance(expr, (bytes, bytearray)):
        expr = bytes(expr).decode("utf-8")
    if not isinstance(expr, str):
        raise ValueError(f"safe_eval reads expression text only, not {type(expr).__name__}")
    text = expr.strip()
    if len(text) > MAX_EXPR_CHARS:
        raise ValueError(f"expression over {MAX_EXPR_CHARS} characters")
    if rg_safe._too_deep(text, MAX_NESTING):
        raise ValueError(f"expression nested over {MAX_NESTING} deep")
    try:
        tree = ast.parse(text, mode="eval")
    except (MemoryError, RecursionError):
        raise ValueError("expression too complex to parse") from None
    return _Evaluator(locals, globals).run(tree.body, 0)


class _Evaluator:
    def __init__(self, *scopes: Mapping[str, Any] | None) -> None:
        self.scopes = [s for s in scopes if s is not None]

    def run(self, node: ast.expr, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("expression too deep")
        kind = type(node)
        if kind is ast.Constant:
            if not isinstance(node.value, _PLAIN):
                raise ValueError(f"constant {type(node.value).__name__} is not allowed")
            return node.value
        if kind is ast.Name:
            return self._name(node.id)
        if kind in (ast.Tuple, ast.List, ast.Set):
            items = [self.run(e, depth + 1) for e in node.elts]  # type: ignore[attr-defined]
            return tuple(items) if kind is ast.Tuple else list(items) if kind is ast.List else set(items)
        if kind is ast.Dict:
            if any(k is None for k in node.keys):  # type: ignore[attr-defined]
                raise ValueError("** in a dict is not allowed")
            return {self.run(k, depth + 1): self.run(v, depth + 1)  # type: ignore[arg-type]
                    for k, v in zip(node.keys, node.values, strict=True)}  # type: ignore[attr-defined]
        if kind is ast.UnaryOp:
            value = self.run(node.operand, depth + 1)  # type: ignore[attr-defined]
            if isinstance(node.op, ast.Not):  # type: ignore[attr-defined]
                return not value
            if isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(value, _NUMBER):  # type: ignore[attr-defined]
                return -value if isinstance(node.op, ast.USub) else +value  # type: ignore[attr-defined]
            raise ValueError("unary operator not allowed here")
        if kind is ast.BinOp:
            return self._binary(node, depth)  # type: ignore[arg-type]
        if kind is ast.BoolOp:
            result = None
            for item in node.values:  # type: ignore[attr-defined]
                result = self.run(item, depth + 1)
                if isinstance(node.op, ast.And) != bool(result):  # type: ignore[attr-defined]
                    return result  # short-circuit, as Python's and/or
            return result
        if kind is ast.Compare:
            left = self.run(node.left, depth + 1)  # type: ignore[attr-defined]
            for op, right_node in zip(node.ops, node.comparators, strict=True):  # type: ignore[attr-defined]
                if type(op) not in _COMPARE:
                    raise ValueError(f"comparison {type(op).__name__} is not allowed")
                right = self.run(right_node, depth + 1)
                if not _COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        raise ValueError(f"{kind.__name__} is not allowed in an evaluated expression")

    def _name(self, name: str) -> Any:
        for scope in self.scopes:
            if name in scope:
                value = scope[name]
                if isinstance(value, _PLAIN):
                    return value
                raise ValueError(f"name {name!r} is not bound to a plain number or string")
        raise ValueError(f"name {name!r} is not allowed")

    def _binary(self, node: ast.BinOp, depth: int) -> Any:
        left = self.run(node.left, depth + 1)
        right = self.run(node.right, depth + 1)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        if type(node.op) not in _ARITH:
            raise ValueError(f"operator {type(node.op).__name__} is not allowed")
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > MAX_STR_CHARS:
                raise ValueError("string too long")
            return left + right
        if not (isinstance(left, _NUMBER) and isinstance(right, _NUMBER)):
            raise ValueError(f"{type(node.op).__name__} of {type(left).__name__} and {type(right).__name__}")
        return _capped(_ARITH[type(node.op)](left, right))


def _power(base: Any, exponent: Any) -> Any:
    if not (isinstance(base, _NUMBER) and isinstance(exponent, _NUMBER)):
        raise ValueError("** of non-numbers")
    if isinstance(exponent, complex) or abs(exponent) > MAX_EXPONENT:
        raise ValueError(f"exponent over {MAX_EXPONENT}")
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        if (base.bit_length() - 1) * exponent > MAX_INT_BITS:  # b**e has at least that many bits
            raise ValueError(f"result over {MAX_INT_BITS} bits")
    return _capped(base ** exponent)


def _capped(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ValueError(f"integer over {MAX_INT_BITS} bits")
    return value


def refuse_exec(*args: Any, **kwargs: Any) -> Any:
    """Stands in for ``exec`` while an outside verifier scores: always raises ``ValueError``."""
    raise ValueError("exec is not allowed while scoring a model's answer")


def refuse_compile(*args: Any, **kwargs: Any) -> Any:
    """Stands in for ``compile`` while an outside verifier scores: always raises ``ValueError``."""
    raise ValueError("compile is not allowed while scoring a model's answer")


def refuse_import(*args: Any, **kwargs: Any) -> Any:
    """Stands in for an explicit ``__import__(...)`` call while an outside verifier scores: raises ``ValueError``."""
    raise ValueError("__import__ is not allowed while scoring a model's answer")


#: The grammar sympy text must pass: any plain name, numbers, + - * / **, parentheses, common functions.
SYMPY_SPEC = rg_safe.Spec(
    re.compile(r"[0-9A-Za-z_+\-*/(). ]+"), 4_000, None,
    frozenset({"sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp",
               "log", "ln", "sqrt", "Abs", "abs", "factorial", "floor", "ceiling"}),
    True, True)


def _sympy_text(text: str, caret_is_power: bool) -> str:
    if caret_is_power:  # sympy reads ^ as ** before Python sees the text: check what it will read
        text = text.replace("^", "**")
    safe = rg_safe.expression(text, SYMPY_SPEC)
    if safe is None:
        raise ValueError(f"text outside the accepted expression grammar: {text[:80]!r}")
    return safe


def safe_sympify(a: Any, *args: Any, **kwargs: Any) -> Any:
    """``sympy.sympify`` of ``a``; text must pass :data:`SYMPY_SPEC` (else ``ValueError``) and is re-printed."""
    import sympy

    if isinstance(a, str):
        a = _sympy_text(a, bool(kwargs.get("convert_xor", args[1] if len(args) > 1 else True)))
    return sympy.sympify(a, *args, **kwargs)


def safe_parse_expr(s: Any, *args: Any, **kwargs: Any) -> Any:
    """``sympy.parse_expr`` of ``s``; text must pass :data:`SYMPY_SPEC` (else ``ValueError``) and is re-printed."""
    from sympy.parsing.sympy_parser import T, convert_xor, parse_expr, standard_transformations

    if not isinstance(s, str):
        raise ValueError("parse_expr reads text only")
    chosen = kwargs.get("transformations", args[1] if len(args) > 1 else standard_transformations) or ()
    if isinstance(chosen, str):  # parse_expr's own group names
        chosen = T[:] if chosen == "all" else T[:6] if chosen == "implicit" else ()
    return parse_expr(_sympy_text(s, convert_xor in tuple(chosen)), *args, **kwargs)
