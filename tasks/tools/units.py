"""The ``unit_convert`` tool: a value from one unit to another (SI prefixes, compounds, temperatures).

Units are parsed by a small bounded parser over a table of symbols (no sympy: the tool must start fast
in a fresh sandbox every turn): products and quotients (``kJ/mol``, ``kg*m^2/s^2``, ``J/(mol*K)``),
integer powers (``m^2``, ``m**2``, ``s-1``, ``cm⁻¹``) and any SI prefix on the symbols that take one.
Between two units of the same dimension the value is scaled; temperatures convert with their offsets
(``K``, ``°C``/``degC``/``C``, ``°F``/``degF``/``F``, ``R``); and a few physical equivalences are applied
when the dimensions differ by exactly one of them, with a note saying so: per mole <-> per particle
(Avogadro's number), energy <-> frequency (Planck's constant), energy <-> wavenumber (h c).
"""

from __future__ import annotations

import math
import re
from typing import Any

from bootcamp.env.tools import ToolError, tool

#: Longest unit string accepted.
MAX_UNIT_CHARS = 60
#: Largest power a unit may be raised to, and deepest parenthesis nesting.
MAX_POWER = 12
MAX_PARENS = 3

# Dimension exponents, in this order: length, mass, time, current, temperature, amount.
Dims = tuple[int, int, int, int, int, int]
_ZERO: Dims = (0, 0, 0, 0, 0, 0)


def _d(length: int = 0, mass: int = 0, time: int = 0, current: int = 0, temp: int = 0, amount: int = 0) -> Dims:
    return (length, mass, time, current, temp, amount)


_ENERGY = _d(2, 1, -2)
#: symbol -> (SI scale, dimension, takes an SI prefix)
_UNITS: dict[str, tuple[float, Dims, bool]] = {
    # length
    "m": (1.0, _d(1), True), "Å": (1e-10, _d(1), False), "angstrom": (1e-10, _d(1), False),
    "ft": (0.3048, _d(1), False), "in": (0.0254, _d(1), False), "mi": (1609.344, _d(1), False),
    "yd": (0.9144, _d(1), False), "au": (1.495978707e11, _d(1), False), "AU": (1.495978707e11, _d(1), False),
    "ly": (9.4607304725808e15, _d(1), False), "pc": (3.0856775814913673e16, _d(1), True),
    "bohr": (5.29177210903e-11, _d(1), False),
    # mass
    "g": (1e-3, _d(mass=1), True), "t": (1e3, _d(mass=1), False), "lb": (0.45359237, _d(mass=1), False),
    "oz": (0.028349523125, _d(mass=1), False), "Da": (1.66053906660e-27, _d(mass=1), True),
    "u": (1.66053906660e-27, _d(mass=1), False), "amu": (1.66053906660e-27, _d(mass=1), False),
    # time
    "s": (1.0, _d(time=1), True), "min": (60.0, _d(time=1), False), "h": (3600.0, _d(time=1), False),
    "hr": (3600.0, _d(time=1), False), "d": (86400.0, _d(time=1), False), "day": (86400.0, _d(time=1), False),
    "yr": (31_557_600.0, _d(time=1), True), "a": (31_557_600.0, _d(time=1), False),
    # electric current, charge, potential, resistance, capacitance
    "A": (1.0, _d(current=1), True), "C": (1.0, _d(time=1, current=1), True),
    "V": (1.0, _d(2, 1, -3, -1), True), "ohm": (1.0, _d(2, 1, -3, -2), True), "Ω": (1.0, _d(2, 1, -3, -2), True),
    "F": (1.0, _d(-2, -1, 4, 2), True), "T": (1.0, _d(0, 1, -2, -1), True),
    # temperature (in a compound, and as a difference), amount
    "K": (1.0, _d(temp=1), True), "mol": (1.0, _d(amount=1), True),
    # energy, power, force, pressure, frequency, volume
    "J": (1.0, _ENERGY, True), "eV": (1.602176634e-19, _ENERGY, True), "cal": (4.184, _ENERGY, True),
    "Ha": (4.3597447222071e-18, _ENERGY, False), "hartree": (4.3597447222071e-18, _ENERGY, False),
    "Ry": (2.1798723611035e-18, _ENERGY, False), "erg": (1e-7, _ENERGY, False), "Wh": (3600.0, _ENERGY, True),
    "W": (1.0, _d(2, 1, -3), True), "N": (1.0, _d(1, 1, -2), True), "dyn": (1e-5, _d(1, 1, -2), False),
    "Pa": (1.0, _d(-1, 1, -2), True), "bar": (1e5, _d(-1, 1, -2), True), "atm": (101_325.0, _d(-1, 1, -2), False),
    "Torr": (101_325.0 / 760, _d(-1, 1, -2), False), "torr": (101_325.0 / 760, _d(-1, 1, -2), False),
    "mmHg": (133.322387415, _d(-1, 1, -2), False), "psi": (6894.757293168, _d(-1, 1, -2), False),
    "Hz": (1.0, _d(time=-1), True), "L": (1e-3, _d(3), True), "l": (1e-3, _d(3), True),
    # angles are dimensionless
    "rad": (1.0, _ZERO, False), "deg": (math.pi / 180, _ZERO, False), "°": (math.pi / 180, _ZERO, False),
}
_WORDS = {
    "meter": "m", "meters": "m", "metre": "m", "metres": "m", "angstroms": "angstrom", "inch": "in",
    "inches": "in", "foot": "ft", "feet": "ft", "mile": "mi", "miles": "mi", "gram": "g", "grams": "g",
    "kilogram": "kg", "kilograms": "kg", "pound": "lb", "pounds": "lb", "second": "s", "seconds": "s",
    "sec": "s", "minute": "min", "minutes": "min", "hour": "h", "hours": "h", "days": "day", "year": "yr",
    "years": "yr", "ampere": "A", "amp": "A", "coulomb": "C", "volt": "V", "volts": "V", "kelvin": "K",
    "mole": "mol", "moles": "mol", "joule": "J", "joules": "J", "calorie": "cal", "calories": "cal",
    "electronvolt": "eV", "watt": "W", "watts": "W", "newton": "N", "newtons": "N", "pascal": "Pa",
    "atmosphere": "atm", "atmospheres": "atm", "hertz": "Hz", "liter": "L", "liters": "L", "litre": "L",
    "litres": "L", "degree": "deg", "degrees": "deg", "radian": "rad", "radians": "rad", "ohms": "ohm",
}
_PREFIXES = {
    "Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3, "h": 1e2, "da": 1e1,
    "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6, "µ": 1e-6, "μ": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15,
    "a": 1e-18, "z": 1e-21, "y": 1e-24,
}
# Absolute temperatures: name -> (scale to kelvin, offset in kelvin): T_K = value * scale + offset.
_TEMPERATURES = {
    "K": (1.0, 0.0), "kelvin": (1.0, 0.0),
    "°C": (1.0, 273.15), "degC": (1.0, 273.15), "C": (1.0, 273.15), "celsius": (1.0, 273.15),
    "°F": (5 / 9, 273.15 - 32 * 5 / 9), "degF": (5 / 9, 273.15 - 32 * 5 / 9), "F": (5 / 9, 273.15 - 32 * 5 / 9),
    "fahrenheit": (5 / 9, 273.15 - 32 * 5 / 9), "R": (5 / 9, 0.0), "°R": (5 / 9, 0.0), "rankine": (5 / 9, 0.0),
}
# In a compound (J/°C) a temperature unit is a temperature difference.
_DIFFERENCES = {"°C": "K", "degC": "K", "celsius": "K", "°F": "°F", "degF": "°F", "°R": "°F", "degR": "°F"}
_UNITS["°F"] = (5 / 9, _d(temp=1), False)

_N_A = 6.02214076e23
_H = 6.62607015e-34
_C = 299_792_458.0
#: (name, value, dimension) of the constants an equivalence may bring in.
_EQUIVALENCES: list[tuple[str, float, Dims]] = [
    ("Avogadro's number N_A = 6.02214076e23 /mol", _N_A, _d(amount=-1)),
    ("Planck's constant h = 6.62607015e-34 J s", _H, _d(2, 1, -1)),
    ("h c = 1.98644586e-25 J m", _H * _C, _d(3, 1, -2)),
]
_EQUIVALENCES += [(f"{a[0]} and {b[0]}", a[1] * b[1], tuple(x + y for x, y in zip(a[2], b[2], strict=True)))
                  for a in _EQUIVALENCES[:1] for b in _EQUIVALENCES[1:]]

Unit = tuple[float, Dims]
_TOKEN = re.compile(r"\s*(?:(?P<word>[A-Za-zµμΩÅ°]+)|(?P<num>[-+]?\d+)|(?P<op>\*\*|[*/^()·⋅]))")
_SUPERSCRIPTS = str.maketrans({"⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5",
                               "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"})


def _symbol(word: str) -> Unit:
    word = _DIFFERENCES.get(word, word)
    word = _WORDS.get(word, _WORDS.get(word.lower(), word))
    if word == "kg":
        return _UNITS["g"][0] * 1e3, _UNITS["g"][1]
    if word in _UNITS:
        scale, dims, _ = _UNITS[word]
        return scale, dims
    for plen in (2, 1):
        pre, rest = word[:plen], word[plen:]
        if pre in _PREFIXES and rest in _UNITS and _UNITS[rest][2]:
            scale, dims, _ = _UNITS[rest]
            return scale * _PREFIXES[pre], dims
    raise ToolError(f"unknown unit {word!r}")


class _Parser:
    """Recursive descent over tokens: product := factor (('*' | '/' | juxtaposition) factor)*."""

    def __init__(self, text: str) -> None:
        self.toks: list[str] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                if not text[pos:].strip():
                    break
                raise ToolError(f"cannot read the unit at {text[pos:pos + 10]!r}")
            tok = m.group("word") or m.group("num") or m.group("op")
            self.toks.append({"**": "^", "·": "*", "⋅": "*"}.get(tok, tok))
            pos = m.end()
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def product(self, depth: int) -> Unit:
        scale, dims, first = 1.0, _ZERO, True
        while (tok := self.peek()) is not None and tok != ")":
            sign = 1
            if tok in ("*", "/"):
                if first:
                    raise ToolError(f"a unit cannot start with {tok!r}")
                sign = -1 if tok == "/" else 1
                self.i += 1
            f_scale, f_dims = self.factor(depth)
            scale *= f_scale**sign
            dims = tuple(a + sign * b for a, b in zip(dims, f_dims, strict=True))  # type: ignore[assignment]
            first = False
        if first:
            raise ToolError("empty unit")
        return scale, dims

    def factor(self, depth: int) -> Unit:
        tok = self.peek()
        if tok == "(":
            if depth >= MAX_PARENS:
                raise ToolError("unit nested too deeply")
            self.i += 1
            base = self.product(depth + 1)
            if self.peek() != ")":
                raise ToolError("unbalanced parentheses in the unit")
            self.i += 1
        elif tok is not None and tok[0] not in "*/^()+-" and not tok.isdigit():
            self.i += 1
            base = _symbol(tok)
        elif tok == "1" and self.i == 0:  # "1/s"
            self.i += 1
            base = (1.0, _ZERO)
        else:
            raise ToolError(f"unexpected {tok!r} in the unit")
        power = 1
        if self.peek() == "^":
            self.i += 1
        if (tok := self.peek()) is not None and re.fullmatch(r"[-+]?\d+", tok):
            power = int(tok)
            self.i += 1
            if abs(power) > MAX_POWER:
                raise ToolError(f"unit power {power} is out of range")
        elif self.toks[self.i - 1] == "^":
            raise ToolError("'^' must be followed by an integer")
        return base[0] ** power, tuple(d * power for d in base[1])  # type: ignore[return-value]


def parse_unit(text: str) -> Unit:
    """``(scale to SI, dimension exponents)`` of a unit string.

    Raises:
        ToolError: the unit is empty, too long, or does not parse.
    """
    if not isinstance(text, str) or not text.strip():
        raise ToolError("a unit must be a non-empty string")
    if len(text) > MAX_UNIT_CHARS:
        raise ToolError(f"unit of {len(text)} characters; at most {MAX_UNIT_CHARS}")
    t = text.strip().translate(_SUPERSCRIPTS).replace("−", "-")
    p = _Parser(t)
    if not p.toks:
        raise ToolError("empty unit")
    unit = p.product(0)
    if p.peek() is not None:
        raise ToolError("unbalanced parentheses in the unit")
    return unit


def _dims_text(dims: Dims) -> str:
    names = ("m", "kg", "s", "A", "K", "mol")
    parts = [n if e == 1 else f"{n}^{e}" for n, e in zip(names, dims, strict=True) if e]
    return " ".join(parts) or "dimensionless"


def convert(value: float, from_unit: str, to_unit: str) -> tuple[float, str]:
    """``value`` in ``from_unit`` expressed in ``to_unit``, and a note naming any constant used ("" if none).

    Raises:
        ToolError: a unit does not parse, the dimensions do not match (even through an equivalence), or
            the result is not finite.
    """
    a, b = from_unit.strip() if isinstance(from_unit, str) else "", to_unit.strip() if isinstance(to_unit, str) else ""
    if a in _TEMPERATURES and b in _TEMPERATURES:
        (sa, oa), (sb, ob) = _TEMPERATURES[a], _TEMPERATURES[b]
        kelvin = value * sa + oa
        if kelvin < -1e-9:
            raise ToolError(f"{value} {a} is below absolute zero")
        return (kelvin - ob) / sb, ""
    (sa, da), (sb, db) = parse_unit(from_unit), parse_unit(to_unit)
    note = ""
    if da == db:
        result = value * sa / sb
    else:
        for name, const, dc in _EQUIVALENCES:
            if tuple(x - y for x, y in zip(da, db, strict=True)) == dc:  # from = to * const
                result, note = value * sa / const / sb, name
                break
            if tuple(y - x for x, y in zip(da, db, strict=True)) == dc:  # to = from * const
                result, note = value * sa * const / sb, name
                break
        else:
            raise ToolError(f"cannot convert {from_unit!r} ({_dims_text(da)}) to {to_unit!r} ({_dims_text(db)})")
    if not math.isfinite(result):
        raise ToolError("the converted value is not a finite number")
    return result, note


@tool("unit_convert",
      "Convert a value between units: SI prefixes and compound units (kJ/mol, kg*m^2/s^2, J/(mol*K)), length, "
      "mass, time, energy (J, eV, cal, kcal, Ha, kJ/mol), pressure (Pa, bar, atm, Torr, mmHg, psi), temperature "
      "(K, °C, °F) and amount. Per-mole and per-particle energies, frequencies and wavenumbers convert too.",
      {"type": "object",
       "properties": {"value": {"type": "number"},
                      "from_unit": {"type": "string", "description": "e.g. kcal/mol"},
                      "to_unit": {"type": "string", "description": "e.g. eV"}},
       "required": ["value", "from_unit", "to_unit"], "additionalProperties": False},
      timeout_s=5.0)
def unit_convert(args: dict[str, Any], context: dict[str, Any]) -> str:
    """The ``unit_convert`` tool: ``"<value> <to_unit>"`` (plus the constant used, when one was)."""
    value = args["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ToolError("value must be a number")
    try:
        value = float(value)
    except OverflowError:
        raise ToolError("value is too large") from None
    if not math.isfinite(value):
        raise ToolError("value must be a finite number")
    result, note = convert(value, args["from_unit"], args["to_unit"])
    text = f"{result:.12g} {args['to_unit'].strip()}"
    return text if not note else f"{text} (using {note})"
