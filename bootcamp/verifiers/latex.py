"""A small, guarded LaTeX / plain-text math parser that builds sympy objects directly.

No ``eval``, no ``sympify`` of model text, no antlr: a tokenizer and a
recursive-descent parser. Every power, root, factorial, binomial and logarithm
is checked before sympy evaluates it (:mod:`bootcamp.verifiers.math_limits`),
so ``9**9**9`` or ``factorial(10**9)`` is rejected instead of computed. Errors
raise :class:`ParseError`; callers turn them into ``None``.
"""

from __future__ import annotations

import re

import sympy as sp

from bootcamp.verifiers.math_limits import (  # noqa: F401 - re-exported: the parser's guards live there
    MAX_FACTORIAL,
    MAX_RESULT_DIGITS,
    MAX_SYMBOLIC_EXP,
    ParseError,
    guarded_binomial,
    guarded_factorial,
    guarded_log,
    guarded_pow,
    guarded_root,
)
from bootcamp.verifiers.numeric import states_approximation  # noqa: F401 - re-exported for the math checks

MAX_CHARS = 500
MAX_DEPTH = 40
#: Longest number literal, in digits.
MAX_DIGITS = 100
MAX_ITEMS = 100


class ParenTuple(sp.Tuple):
    """``(a, b)``: a tuple, or an open interval when compared with one."""


class BracketTuple(sp.Tuple):
    """``[a, b]``: a list, or a closed interval when compared with one."""


class Chain(sp.Tuple):
    """An inequality chain ``a < b <= c`` read left to right with ``<``/``<=`` (``>`` chains are reversed).

    Arguments alternate expressions and strictness flags: ``(a, 1, b, 0, c)``, 1 for ``<``.
    """


_FUNCS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sec": sp.sec, "csc": sp.csc, "cot": sp.cot,
    "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "asin": sp.asin, "acos": sp.acos,
    "atan": sp.atan, "arccot": sp.acot, "acot": sp.acot, "sinh": sp.sinh, "cosh": sp.cosh,
    "tanh": sp.tanh, "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh, "exp": sp.exp,
    "ln": sp.log, "log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "Abs": sp.Abs, "floor": sp.floor,
    "ceil": sp.ceiling, "ceiling": sp.ceiling, "factorial": None, "binomial": None, "Matrix": None,
    "conjugate": sp.conjugate,
}
_CONSTS = {"pi": sp.pi, "oo": sp.oo, "inf": sp.oo, "infty": sp.oo, "infinity": sp.oo, "E": sp.E,
           "e": sp.E, "i": sp.I, "I": sp.I}
_WORDS = {"or": ",", "and": ",", "cup": "cup", "in": "in"}
_REJECT = {"nan", "none", "null", "true", "false", "undefined", "zoo", "dne", "import"}
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
          "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi",
          "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega"}
_NAMES = sorted(set(_FUNCS) | set(_CONSTS) | set(_WORDS), key=len, reverse=True)
#: Known multi-letter names, longest first (regex alternation tries them in order).
_NAME_RE = re.compile("|".join(re.escape(name) for name in _NAMES if len(name) > 1))
_RELS = {"=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "le": "<=", "leq": "<=", "ge": ">=",
         "geq": ">=", "lt": "<", "gt": ">", "ne": "!=", "neq": "!=", "leqslant": "<=", "geqslant": ">="}

_STRIP = re.compile(r"\\\\|\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg|displaystyle|"
                    r"textstyle|limits|quad|qquad|,|;|:|!|\s)(?![a-zA-Z])")
_UNICODE = str.maketrans({"−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "÷": "/", "π": "\\pi ",
                          "∞": "\\infty ", "≤": "<=", "≥": ">=", "≠": "!=", "∪": "\\cup ", "√": "\\sqrt ",
                          "²": "^2", "³": "^3", "°": "", "∈": "\\in ", "\u2009": " ", "\u00a0": " ",
                          "\u200b": "", "\ufeff": ""})
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)(?:[eE]([-+]?\d+)(?![a-zA-Z]))?")


def clean(text: str) -> str:
    """Normalise spacing, unicode and cosmetic LaTeX; raise when the text is too long."""
    if len(text) > 4 * MAX_CHARS:
        raise ParseError("too long")
    t = text.translate(_UNICODE).strip()
    for a, b in (("\\[", ""), ("\\]", ""), ("\\(", ""), ("\\)", "")):
        t = t.replace(a, b)
    t = t.replace("$", "").strip()
    # "exact \approx decimal": keep the exact part; a leading "\approx" is just dropped
    t = t.replace("≈", "\\approx")
    if "\\approx" in t:
        head, _, tail = t.partition("\\approx")
        t = head if head.strip() else tail
    t = re.sub(r"\^\s*\{?\s*\\circ\s*\}?|\\degree|\\circ", "", t)
    t = re.sub(r"\\[dt]frac", r"\\frac", t)
    t = re.sub(r"\\frac\s*(\w)\s*(\w)", r"\\frac{\1}{\2}", t)
    t = re.sub(r"\\sqrt\s*(\w)", r"\\sqrt{\1}", t)
    t = _MIXED.sub(_mixed, t)
    t = t.replace("{,}", "").replace("\\%", "%").replace("**", "^").replace("\\lbrace", "\\{")
    t = t.replace("\\rbrace", "\\}").replace("\\lvert", "|").replace("\\rvert", "|").replace("\\vert", "|")
    t = t.replace("\\mid", "|").replace("\\|", "|")
    t = re.sub(r"(?<=\d)(?:\\,|\\ |\{,\}|\\;|\\!)(?=\d{3}(?!\d))", "", t)  # 1\,000 is a thousand
    t = _STRIP.sub(lambda m: m.group(0) if m.group(0) == "\\\\" else " ", t)  # a row break "\\" stays
    t = t.strip().rstrip(".").strip()
    if _THOUSANDS.match(t):
        t = t.replace(",", "")
    if len(t) > MAX_CHARS:
        raise ParseError("too long")
    return t


_MIXED = re.compile(r"(?<![\w.}^_{\\])(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}")


def _mixed(m: re.Match[str]) -> str:
    """``3\\frac{1}{2}`` is the mixed number 3 1/2 when the fraction is proper; else a product."""
    whole, num, den = m.groups()
    if int(num) < int(den):
        return f"({whole}+{num}/{den})"
    return m.group(0)


def _read_group(t: str, i: int) -> tuple[str, int]:
    """The content of the brace group opening at ``t[i] == '{'`` and the index after it."""
    depth = 0
    for j in range(i, len(t)):
        if t[j] == "{":
            depth += 1
        elif t[j] == "}":
            depth -= 1
            if depth == 0:
                return t[i + 1 : j], j + 1
    raise ParseError("unclosed brace")


def tokenize(t: str) -> list[tuple[str, object]]:
    """Tokens: ('num', Rational), ('sym', name), ('func', name), ('const', name), ('op', text)."""
    out: list[tuple[str, object]] = []
    i, n = 0, len(t)
    while i < n:
        c = t[i]
        if c.isspace():
            i += 1
        elif c.isdigit() or (c == "." and i + 1 < n and t[i + 1].isdigit()):
            m = _NUMBER.match(t, i)
            digits, exp = m.group(1), m.group(2)
            if len(digits) > MAX_DIGITS or (exp and abs(int(exp)) > 300):
                raise ParseError("number too large")
            value = sp.Rational(digits) * (sp.Integer(10) ** int(exp) if exp else 1)
            out.append(("num", value))
            i = m.end()
        elif c == "\\":
            m = re.match(r"\\([a-zA-Z]+|.)", t[i:])
            if not m:
                raise ParseError("lone backslash")
            cmd = m.group(1)
            i += m.end()
            if cmd in ("text", "mathrm", "textbf", "mathbf", "operatorname", "mbox", "textrm", "mathit",
                       "boldsymbol", "mathbb", "textit", "mathsf", "textnormal", "textup"):
                while i < n and t[i] == " ":
                    i += 1
                if i >= n or t[i] != "{":
                    raise ParseError("bad \\text")
                body, i = _read_group(t, i)
                body = body.strip()
                if cmd == "mathbb" and body == "R":
                    out.append(("const", "reals"))
                elif body.lower() in _WORDS:
                    out.append(("op", _WORDS[body.lower()]))
                elif body in _FUNCS:
                    out.append(("func", body))
                elif len(body) == 1 and body.isalpha():
                    out += tokenize(body)
                elif body and not re.fullmatch(r"[a-zA-Z .]+", body):
                    out += tokenize(body)
                # else: a unit or filler word, dropped
            elif cmd in ("begin", "end"):
                body, i = _read_group(t, i) if i < n and t[i] == "{" else ("", i)
                out.append(("op", cmd))
            elif cmd in ("pi", "infty", "e"):
                out.append(("const", cmd))
            elif cmd in _GREEK:
                out.append(("sym", cmd))
            elif cmd in _RELS:
                out.append(("op", _RELS[cmd]))
            elif cmd in ("cdot", "times", "ast"):
                out.append(("op", "*"))
            elif cmd == "div":
                out.append(("op", "/"))
            elif cmd in ("frac", "sqrt", "binom", "cup", "in", "lfloor", "rfloor", "lceil", "rceil"):
                out.append(("op", cmd))
            elif cmd in _FUNCS:
                out.append(("func", cmd))
            elif cmd in ("emptyset", "varnothing"):
                out.append(("const", "empty"))
            elif cmd in ("{", "}", "\\"):
                out.append(("op", "\\" + cmd))
            else:
                raise ParseError(f"unknown command \\{cmd}")
        elif c.isalpha() and c.isascii():
            j = i
            while j < n and t[j].isalpha() and t[j].isascii():
                j += 1
            out += _split_word(t[i:j])
            i = j
            if i < n and t[i] == "_" and out[-1][0] == "sym":
                i += 1
                if i < n and t[i] == "{":
                    sub, i = _read_group(t, i)
                else:
                    sub, i = t[i : i + 1], i + 1
                if not re.fullmatch(r"[a-zA-Z0-9]{1,4}", sub.strip()):
                    raise ParseError("bad subscript")
                out[-1] = ("sym", f"{out[-1][1]}_{sub.strip()}")
        elif t.startswith(("<=", ">=", "!="), i):
            out.append(("op", t[i : i + 2]))
            i += 2
        elif c in "+-*/^()[]{},;=<>|!_&'%":
            out.append(("op", c))
            i += 1
        else:
            raise ParseError(f"unexpected character {c!r}")
        if (len(out) >= 2 and out[-1][0] == "num" and out[-2][0] == "num"
                and (len(out) < 3 or out[-3] not in (("op", "_"), ("op", "^")))):
            raise ParseError("two numbers side by side")  # "1 000" is not 0, "2 3" is not 6
    return out


def _split_word(word: str) -> list[tuple[str, object]]:
    """Split a letter run into known names (longest first) and one-letter symbols."""
    if word.lower() in _REJECT:
        raise ParseError(f"not a value: {word}")
    if word in _GREEK:
        return [("sym", word)]
    out: list[tuple[str, object]] = []
    i, letters = 0, 0
    while i < len(word):
        m = _NAME_RE.match(word, i)
        if m:
            name = m.group(0)
            kind = "func" if name in _FUNCS else "const" if name in _CONSTS else "op"
            out.append((kind, _WORDS.get(name, name)))
            i = m.end()
        else:
            ch = word[i]
            out.append(("const", ch) if ch in _CONSTS else ("sym", ch))
            letters += 1
            i += 1
    if letters > 3:
        raise ParseError(f"unknown word {word!r}")
    return out
