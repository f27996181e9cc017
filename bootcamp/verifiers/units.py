"""Quantities with units: parse "9.8 m/s^2", "980 cm/s**2", "3 kJ" and compare in a target unit.

Unit symbols come from ``sympy.physics.units`` (scale factors and dimensions are
read once into a table); parsing is a small bounded recursive-descent parser over
that table, so no answer text is ever evaluated by sympy. A dimension mismatch
(an answer in joules for a question about watts) is a wrong answer.
"""

from __future__ import annotations

import math
import re

from sympy.physics import units as _u
from sympy.physics.units.prefixes import PREFIXES as _PREFIXES
from sympy.physics.units.systems.si import SI as _SI
from sympy.physics.units.systems.si import dimsys_SI as _DIMSYS

from bootcamp.types import Score, invalid
from bootcamp.verifiers.numeric import close_enough, parse_number

MAX_QUANTITY_CHARS = 200
_MAX_DEPTH = 4
_BASE_DIMS = ("mass", "length", "time", "current", "temperature", "amount_of_substance", "luminous_intensity")

# symbol -> sympy quantity; ``True`` in the second slot means SI prefixes may be attached.
_SYMBOLS: dict[str, tuple[str, bool]] = {
    "m": ("meter", True), "g": ("gram", True), "s": ("second", True), "A": ("ampere", True),
    "K": ("kelvin", True), "mol": ("mole", True), "cd": ("candela", False), "N": ("newton", True),
    "J": ("joule", True), "W": ("watt", True), "Pa": ("pascal", True), "Hz": ("hertz", True),
    "C": ("coulomb", True), "V": ("volt", True), "ohm": ("ohm", True), "F": ("farad", True),
    "T": ("tesla", True), "Wb": ("weber", True), "H": ("henry", True), "eV": ("electronvolt", True),
    "L": ("liter", True), "l": ("liter", True), "bar": ("bar", True), "atm": ("atmosphere", False),
    "mmHg": ("mmHg", False), "torr": ("torr", False), "Torr": ("torr", False), "psi": ("psi", False),
    "lb": ("pound", False), "ft": ("foot", False), "in": ("inch", False), "mi": ("mile", False),
    "min": ("minute", False), "h": ("hour", False), "hr": ("hour", False), "d": ("day", False),
    "day": ("day", False), "yr": ("year", False), "y": ("year", False), "a": ("year", False),
    "rad": ("radian", False), "sr": ("steradian", False), "AU": ("astronomical_unit", False),
    "au": ("astronomical_unit", False), "ly": ("lightyear", False), "Da": ("dalton", True),
    "u": ("dalton", False), "deg": ("degree", False), "°": ("degree", False), "Bq": ("becquerel", True),
}
_WORDS = {
    "meter": "m", "meters": "m", "metre": "m", "metres": "m", "second": "s", "seconds": "s",
    "sec": "s", "gram": "g", "grams": "g", "kilogram": "kg", "kilograms": "kg", "joule": "J",
    "joules": "J", "watt": "W", "watts": "W", "newton": "N", "newtons": "N", "pascal": "Pa",
    "volt": "V", "volts": "V", "ampere": "A", "amperes": "A", "amp": "A", "amps": "A",
    "coulomb": "C", "coulombs": "C", "farad": "F", "tesla": "T", "hertz": "Hz", "kelvin": "K",
    "ohms": "ohm", "Ohm": "ohm", "Ohms": "ohm", "liter": "L", "liters": "L", "litre": "L",
    "litres": "L", "hour": "h", "hours": "h", "minute": "min", "minutes": "min", "days": "day",
    "year": "yr", "years": "yr", "degree": "deg", "degrees": "deg", "radian": "rad", "radians": "rad",
    "mole": "mol", "moles": "mol", "kph": "km/h", "mph": "mi/h", "Wh": "W*h", "kWh": "kW*h",
}


def _build_table() -> dict[str, tuple[float, tuple[int, ...]]]:
    table = {}
    for sym, (name, _) in _SYMBOLS.items():
        q = getattr(_u, name)
        deps = _DIMSYS.get_dimensional_dependencies(_SI.get_quantity_dimension(q))
        by_name = {str(dim.name): int(power) for dim, power in deps.items()}
        # sympy's scale factors are relative to the gram; ours are SI (kilogram).
        scale = float(_SI.get_quantity_scale_factor(q)) / 1000.0 ** by_name.get("mass", 0)
        table[sym] = (scale, tuple(by_name.get(d, 0) for d in _BASE_DIMS))
    return table


_TABLE = _build_table()
_PREFIX = {("u" if k == "mu" else k): float(v.scale_factor) for k, v in _PREFIXES.items()}
_PREFIX["µ"] = _PREFIX["μ"] = _PREFIX["u"]
_ZERO = (0,) * len(_BASE_DIMS)

Unit = tuple[float, tuple[int, ...]]


def _lookup(symbol: str) -> Unit | None:
    symbol = _WORDS.get(symbol, symbol)
    if "/" in symbol or "*" in symbol:  # a word that stands for a compound (mph, kWh)
        return parse_unit(symbol)
    if symbol in _TABLE:
        return _TABLE[symbol]
    for plen in (2, 1):
        pre, rest = symbol[:plen], symbol[plen:]
        if pre in _PREFIX and rest in _TABLE and _SYMBOLS[rest][1]:
            scale, dims = _TABLE[rest]
            return scale * _PREFIX[pre], dims
    return None


_TOKEN = re.compile(r"\s*(?:(?P<word>[A-Za-zµμΩ°]+)|(?P<num>[-+]?\d+(?:\.\d+)?)|(?P<op>\*\*|[*/^()·⋅.]))")


def _tokens(text: str) -> list[str] | None:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            return None
        tok = m.group("word") or m.group("num") or m.group("op")
        out.append({"**": "^", "·": "*", "⋅": "*", ".": "*"}.get(tok, tok))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, toks: list[str]) -> None:
        self.toks, self.i = toks, 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def product(self, depth: int) -> Unit | None:
        scale, dims = 1.0, _ZERO
        divide = False
        first = True
        while (tok := self.peek()) is not None and tok != ")":
            if tok in ("*", "/"):
                if first:
                    return None
                divide = tok == "/"
                self.i += 1
                tok = self.peek()
                if tok is None:
                    return None
            elif not first:
                divide = False  # juxtaposition multiplies: "m s^-1"
            factor = self.power(depth)
            if factor is None:
                return None
            sign = -1 if divide else 1
            scale *= factor[0] ** sign
            dims = tuple(a + sign * b for a, b in zip(dims, factor[1], strict=False))
            first = False
        return None if first else (scale, dims)

    def power(self, depth: int) -> Unit | None:
        tok = self.peek()
        if tok == "(":
            if depth >= _MAX_DEPTH:
                return None
            self.i += 1
            base = self.product(depth + 1)
            if base is None or self.peek() != ")":
                return None
            self.i += 1
        elif tok is not None and re.fullmatch(r"[A-Za-zµμΩ°]+", tok):
            self.i += 1
            base = _lookup(tok)
            if base is None:
                return None
        else:
            return None
        exp = 1
        if self.peek() == "^":
            self.i += 1
            tok = self.peek()
            if tok is None or not re.fullmatch(r"[-+]?\d{1,2}", tok):
                return None
            exp = int(tok)
            self.i += 1
        elif re.fullmatch(r"[-+]?\d", self.peek() or ""):
            exp = int(self.peek())  # "m2", "s-2" written without a caret
            self.i += 1
        return base[0] ** exp, tuple(d * exp for d in base[1])


def _normalise_unit(text: str) -> str:
    t = text.strip().strip("$").strip()
    for a, b in (("\\mathrm", ""), ("\\text", ""), ("\\,", " "), ("\\ ", " "), ("\\cdot", "*"),
                 ("\\times", "*"), ("\\Omega", "ohm"), ("Ω", "ohm"), ("\\mu ", "u"), ("\\mu", "u"),
                 ("\\circ", "°"), ("^\\circ", "°"), ("{", ""), ("}", ""), ("−", "-"), ("\\", ""), ("~", " "),
                 ("⁻¹", "^-1"), ("⁻²", "^-2"), ("⁻³", "^-3"), ("¹", "^1"), ("²", "^2"), ("³", "^3")):
        t = t.replace(a, b)
    t = t.replace("^°", "°")
    return t.strip()


def parse_unit(text: str) -> Unit | None:
    """``(scale to SI, dimension exponents)`` of a unit string, or None when it does not parse."""
    if not isinstance(text, str) or len(text) > MAX_QUANTITY_CHARS:
        return None
    t = _normalise_unit(text)
    if not t:
        return 1.0, _ZERO
    toks = _tokens(t)
    if not toks or len(toks) > 40:
        return None
    p = _Parser(toks)
    unit = p.product(0)
    if unit is None or p.peek() is not None:
        return None
    return unit


_NUM = r"[-+−]?(?:\d+(?:\.\d*)?|\.\d+)"
_QUANTITY = re.compile(
    rf"^\s*({_NUM}(?:\s*[eE][-+−]?\d{{1,4}}|\s*(?:\\times|\\cdot|×|\*|x)\s*10\s*(?:\^|\*\*)\s*\{{?\s*[-+−]?\d{{1,4}}\s*\}}?)?)"
    r"\s*(.*)$",
    re.S,
)


def parse_quantity(text: str) -> tuple[float, Unit | None] | None:
    """The number and unit an answer states; the unit is None when none is written."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_QUANTITY_CHARS:
        return None
    t = text.strip().strip("$").strip()
    for prefix in ("\\approx", "≈", "~", "approximately", "about"):
        if t.lower().startswith(prefix):
            t = t[len(prefix):].strip()
    if "=" in t:
        t = t.rsplit("=", 1)[1].strip()
    # A thin space between digits groups thousands; elsewhere it separates number and unit.
    t = re.sub(r"(?<=\d)(?:\\,|\{,\})(?=\d)", "", t).replace("\\,", " ").rstrip(".").strip()
    t = re.sub(r"^([-+−]?\d{1,3})((?:,\d{3})+)(?![\d.])", lambda m: m.group(1) + m.group(2).replace(",", ""), t)
    m = _QUANTITY.match(t)
    if m is None:
        return None
    number = parse_number(m.group(1).replace(" ", ""), allow_units=False)
    if number is None or not math.isfinite(number):
        return None
    rest = m.group(2).strip()
    if not rest:
        return number, None
    unit = parse_unit(rest)
    if unit is None:
        return None
    return number, unit


def convert(value: float, unit: str, target: str) -> float:
    """``value`` in ``unit`` expressed in ``target`` (both must parse and share a dimension)."""
    a, b = parse_unit(unit), parse_unit(target)
    if a is None or b is None or a[1] != b[1]:
        raise ValueError(f"cannot convert {unit!r} to {target!r}")
    return value * a[0] / b[0]


def check_quantity(
    answer: str, expected: float, unit: str, rel_tol: float = 1e-2, abs_tol: float = 0.0, convert_units: bool = True
) -> float:
    """1.0 when ``answer`` states ``expected`` (a value in ``unit``) within tolerance.

    A bare number is read in ``unit``. With ``convert_units`` an answer in another unit of
    the same dimension is converted first; a different dimension is wrong. Without it,
    only ``unit`` itself (any spelling with the same scale) is accepted.
    """
    parsed = parse_quantity(answer)
    if parsed is None:
        return invalid("not a number with a known unit")
    value, got = parsed
    if got is not None and got != (1.0, _ZERO):
        target = parse_unit(unit)
        if target is None:
            raise ValueError(f"unknown target unit {unit!r}")
        if got[1] != target[1]:
            return Score(0.0, "wrong", "dimension mismatch")
        if not convert_units and not math.isclose(got[0], target[0], rel_tol=1e-9):
            return Score(0.0, "wrong", f"answer must be in {unit}")
        value = value * got[0] / target[0]
    if close_enough(value, float(expected), rel_tol, abs_tol):
        return 1.0
    return Score(0.0, "wrong")
