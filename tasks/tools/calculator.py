"""The ``calculator`` tool: arithmetic on exact big integers and floats, by walking the syntax tree.

The expression is parsed with :func:`ast.parse` and only a whitelist of nodes is evaluated (numbers,
``+ - * / // % **``, unary signs, parentheses, calls of the named functions, the constants ``pi`` and
``e``); nothing is ever handed to Python's ``eval``. Every operation whose cost grows with the size of
its operands is bounded before it runs: an integer result may have at most :data:`MAX_INT_BITS` bits
(about 3,900 digits), so ``9**9**9`` or ``factorial(10**6)`` is refused in microseconds instead of
running for minutes. A non-finite or complex result is an error too.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from typing import Any

from bootcamp.env.tools import ToolError, tool

#: Longest expression accepted.
MAX_EXPRESSION_CHARS = 1000
#: Most bits of any integer the calculator builds (keeps every result printable: Python refuses to
#: print integers over 4,300 digits).
MAX_INT_BITS = 13_000
#: Deepest syntax tree evaluated (nesting of parentheses, signs and calls).
MAX_DEPTH = 60
#: Most syntax-tree nodes of one expression.
MAX_NODES = 400

_CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
_SIMPLE_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)

Number = int | float


def _check_int(value: Number) -> Number:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ToolError(f"integer result over {MAX_INT_BITS} bits (about {int(MAX_INT_BITS * 0.30103)} digits)")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("the result is not a finite number (overflow or an undefined operation)")
    return value


def _as_float(x: Number) -> float:
    try:
        return float(x)
    except OverflowError:
        raise ToolError("a value is too large to convert to a float") from None


def _pow(a: Number, b: Number) -> Number:
    if isinstance(a, int) and isinstance(b, int):
        if b < 0:
            a, b = _as_float(a), float(b)  # what Python does, but with a clean overflow message
        elif abs(a) > 1 and (b > MAX_INT_BITS or b * math.log2(abs(a)) > MAX_INT_BITS + 1):
            raise ToolError(f"integer result over {MAX_INT_BITS} bits (about {int(MAX_INT_BITS * 0.30103)} digits)")
    result = a**b
    if isinstance(result, complex):
        raise ToolError("the result is complex (a negative number to a fractional power)")
    return result


def _binop(op: ast.operator, a: Number, b: Number) -> Number:
    try:
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
                raise ToolError(f"integer result over {MAX_INT_BITS} bits")
            return a * b
        if isinstance(op, ast.Div):
            return a / b
        if isinstance(op, ast.FloorDiv):
            return a // b
        if isinstance(op, ast.Mod):
            return a % b
        if isinstance(op, ast.Pow):
            return _pow(a, b)
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except OverflowError:
        raise ToolError("numerical overflow") from None
    raise ToolError(f"operator {type(op).__name__} is not supported")


def _int_arg(name: str, x: Number, lo: int, hi: int) -> int:
    if isinstance(x, float):
        if not x.is_integer():
            raise ToolError(f"{name} needs whole numbers, got {x!r}")
        x = int(x)
    if not lo <= x <= hi:
        raise ToolError(f"{name} needs an argument in [{lo}, {hi}], got {x}")
    return x


def _factorial(n: Number) -> int:
    n = _int_arg("factorial", n, 0, 10**7)
    if math.lgamma(n + 1) / math.log(2) > MAX_INT_BITS:
        raise ToolError(f"factorial({n}) has over {MAX_INT_BITS} bits")
    return math.factorial(n)


def _comb(n: Number, k: Number) -> int:
    n = _int_arg("comb", n, 0, 10**9)
    k = _int_arg("comb", k, 0, 10**9)
    if k > n:
        return 0
    bits = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(2)
    if bits > MAX_INT_BITS:
        raise ToolError(f"comb({n}, {k}) has over {MAX_INT_BITS} bits")
    return math.comb(n, k)


def _gcd(*xs: Number) -> int:
    return math.gcd(*(_int_arg("gcd", x, -(2**MAX_INT_BITS), 2**MAX_INT_BITS) for x in xs))


def _sqrt(x: Number) -> Number:
    if x < 0:
        raise ToolError("sqrt of a negative number")
    if isinstance(x, int):
        r = math.isqrt(x)
        if r * r == x:
            return r
    return math.sqrt(_as_float(x))


def _log(x: Number, base: Number | None = None) -> float:
    if x <= 0 or (base is not None and (base <= 0 or base == 1)):
        raise ToolError("log needs a positive argument (and a positive base other than 1)")
    return math.log(x) if base is None else math.log(x) / math.log(base)


def _log10(x: Number) -> float:
    if x <= 0:
        raise ToolError("log10 needs a positive argument")
    return math.log10(x)


def _exp(x: Number) -> float:
    return math.exp(_as_float(x))


def _trig(fn: Callable[[float], float]) -> Callable[[Number], float]:
    def call(x: Number) -> float:
        return fn(_as_float(x))

    return call


#: name -> (function, least and most positional arguments)
_FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int]] = {
    "sqrt": (_sqrt, 1, 1), "exp": (_exp, 1, 1), "log": (_log, 1, 2), "log10": (_log10, 1, 1),
    "sin": (_trig(math.sin), 1, 1), "cos": (_trig(math.cos), 1, 1), "tan": (_trig(math.tan), 1, 1),
    "factorial": (_factorial, 1, 1), "comb": (_comb, 2, 2), "gcd": (_gcd, 1, 16),
    "abs": (abs, 1, 1),
}


def _check_shape(tree: ast.AST) -> None:
    """Refuse trees that are too big or too deep before evaluating anything (iterative: no recursion)."""
    count, stack = 0, [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ToolError(f"expression too large (over {MAX_NODES} syntax nodes)")
        if depth > MAX_DEPTH:
            raise ToolError(f"expression nested too deeply (over {MAX_DEPTH} levels)")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _eval(node: ast.AST) -> Number:
    if isinstance(node, ast.Expression):
        return _eval(node.body)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ToolError(f"only numbers are allowed, got {node.value!r}"[:200])
        return _check_int(node.value)
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        raise ToolError(f"unknown name {node.id!r}; constants: {', '.join(_CONSTANTS)}; "
                        f"functions: {', '.join(_FUNCTIONS)}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _eval(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.BitXor):
            raise ToolError("'^' is not a power here: write a ** b")
        if not isinstance(node.op, _SIMPLE_OPS):
            raise ToolError(f"operator {type(node.op).__name__} is not supported; use + - * / // % **")
        return _check_int(_binop(node.op, _eval(node.left), _eval(node.right)))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            raise ToolError(f"unknown function; functions: {', '.join(_FUNCTIONS)}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ToolError("functions take positional arguments only")
        fn, lo, hi = _FUNCTIONS[node.func.id]
        if not lo <= len(node.args) <= hi:
            raise ToolError(f"{node.func.id} takes {lo}{'' if lo == hi else f' to {hi}'} argument(s)")
        args = [_eval(a) for a in node.args]
        try:
            return _check_int(fn(*args))
        except (ValueError, ArithmeticError) as exc:
            raise ToolError(f"{node.func.id}: {exc}"[:200]) from None
    raise ToolError(f"{type(node).__name__} is not allowed in an expression")


def evaluate(expression: str) -> Number:
    """The value of ``expression`` (see the module docstring).

    Raises:
        ToolError: the expression is too long, does not parse, uses anything outside the whitelist,
            or its value is too large, not finite or complex.
    """
    if not isinstance(expression, str) or not expression.strip():
        raise ToolError("expression must be a non-empty string")
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise ToolError(f"expression of {len(expression)} characters; at most {MAX_EXPRESSION_CHARS}")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ToolError(f"cannot parse the expression ({type(exc).__name__}: {str(exc)[:100]})") from None
    _check_shape(tree)
    return _eval(tree)


def format_value(value: Number) -> str:
    """Integers exactly; floats in their shortest round-tripping form."""
    return str(value) if isinstance(value, int) else repr(float(value))


@tool("calculator",
      "Evaluate an arithmetic expression exactly (big integers) or in floating point. Supports + - * / // % **, "
      "parentheses, sqrt, exp, log (natural, or log(x, base)), log10, sin, cos, tan, abs, factorial, comb, gcd, "
      "and the constants pi and e. Returns the value.",
      {"type": "object",
       "properties": {"expression": {"type": "string", "description": "e.g. 2**100 - factorial(20) / 3"}},
       "required": ["expression"], "additionalProperties": False},
      timeout_s=5.0)
def calculator(args: dict[str, Any], context: dict[str, Any]) -> str:
    """The ``calculator`` tool (see :func:`evaluate`)."""
    return format_value(evaluate(args["expression"]))
