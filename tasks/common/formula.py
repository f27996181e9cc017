"""Table-driven numeric tasks: a question template, sampled inputs, a formula, a unit, a tolerance.

Physics, earth-science and biology modules describe each id as a :class:`Formula`
(a computed quantity, not a chemical formula) and register them all through
:class:`ComputedQuantityTask`; the per-id differences live in the table (the
``formula`` param names the entry), never in task-name dispatch. Answers are
checked by the SDK's answer kinds: an exact integer, a number, or a quantity
with a unit (:mod:`bootcamp.answers`).

Difficulty levels apply to every formula at once. Level 1 is the formula as
written. Higher levels restate inputs in other units (``conversions``: how many
inputs, each a conversion step the solver must undo, e.g. km/h to m/s or °C to
K) and demand more precision (``precision``: more significant figures in the
inputs and a tighter tolerance on the answer). A converted input is found from
the text right after its placeholder in the question (``{v} km/h``) in
:data:`UNIT_ALTERNATIVES`; a formula lists in ``fixed`` the inputs that must
keep their unit (temperature differences).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bootcamp.answers import INTEGER, Answer, AnswerTask, Number, Quantity
from bootcamp.verifiers.numeric import tolerance_text

# Constants stated in the prompts that use them.
G_EARTH = 9.81
G_NEWTON = 6.674e-11
C_LIGHT = 2.998e8
H_PLANCK = 6.626e-34
E_CHARGE = 1.602e-19
K_B = 1.381e-23
N_A = 6.022e23
R_GAS = 8.314
K_COULOMB = 8.988e9
EPS0 = 8.854e-12
MU0 = 4e-7 * math.pi
SIGMA_SB = 5.67e-8
M_E = 9.109e-31
M_P = 1.673e-27

#: Per ``precision`` step: the factor on the formula's tolerances and the significant figures added to inputs.
TOLERANCE_FACTORS = (1.0, 0.5, 0.2, 0.1, 0.05)
EXTRA_SIG = (0, 1, 1, 2, 2)

# Offsets of the affine temperature scales, as (unit, other unit): value_in_other = a * value + b.
_AFFINE: dict[tuple[str, str], tuple[float, float]] = {
    ("°C", "K"): (1.0, 273.15), ("K", "°C"): (1.0, -273.15), ("°C", "°F"): (1.8, 32.0), ("°F", "°C"): (5 / 9, -160 / 9),
}

#: Unit as a question writes it after an input -> other units of the same quantity, with the factor that
#: turns a value in the first unit into the second (affine temperature scales: see ``_AFFINE``). Only
#: conversions a student knows without a stated factor.
UNIT_ALTERNATIVES: dict[str, tuple[tuple[str, float], ...]] = {
    "m": (("cm", 100.0), ("km", 1e-3), ("mm", 1e3)),
    "cm": (("m", 1e-2), ("mm", 10.0)),
    "mm": (("cm", 0.1), ("µm", 1e3)),
    "km": (("m", 1e3),),
    "µm": (("mm", 1e-3), ("nm", 1e3)),
    "nm": (("µm", 1e-3), ("pm", 1e3)),
    "pm": (("nm", 1e-3),),
    "m^2": (("cm^2", 1e4),),
    "cm^2": (("m^2", 1e-4), ("mm^2", 100.0)),
    "km^2": (("m^2", 1e6),),
    "L": (("mL", 1e3), ("m^3", 1e-3)),
    "mL": (("L", 1e-3), ("µL", 1e3)),
    "µL": (("mL", 1e-3),),
    "s": (("ms", 1e3), ("min", 1 / 60)),
    "ms": (("s", 1e-3), ("µs", 1e3)),
    "minutes": (("hours", 1 / 60), ("seconds", 60.0)),
    "hours": (("minutes", 60.0),),
    "days": (("hours", 24.0),),
    "kg": (("g", 1e3),),
    "kg m^2": (("g cm^2", 1e7),),
    "g": (("kg", 1e-3), ("mg", 1e3)),
    "mg": (("g", 1e-3), ("µg", 1e3)),
    "µg": (("mg", 1e-3), ("ng", 1e3)),
    "m/s": (("km/h", 3.6), ("cm/s", 100.0)),
    "km/h": (("m/s", 1 / 3.6),),
    "km/s": (("m/s", 1e3),),
    "m/s^2": (("cm/s^2", 100.0),),
    "m/day": (("cm/day", 100.0),),
    "rev/s": (("rev/min", 60.0),),
    "Hz": (("kHz", 1e-3),),
    "N": (("kN", 1e-3),),
    "N/m": (("N/cm", 1e-2), ("kN/m", 1e-3)),
    "kg/m^3": (("g/cm^3", 1e-3),),
    "g/m": (("kg/m", 1e-3),),
    "Pa": (("kPa", 1e-3),),
    "hPa": (("Pa", 100.0), ("kPa", 0.1)),
    "kPa": (("Pa", 1e3), ("MPa", 1e-3)),
    "mPa": (("Pa", 1e-3),),
    "GPa": (("MPa", 1e3),),
    "W/m^2": (("mW/m^2", 1e3), ("µW/cm^2", 100.0)),
    "V": (("mV", 1e3), ("kV", 1e-3)),
    "A": (("mA", 1e3),),
    "ohm": (("kΩ", 1e-3),),
    "kΩ": (("ohm", 1e3), ("MΩ", 1e-3)),
    "µF": (("nF", 1e3), ("mF", 1e-3)),
    "mH": (("H", 1e-3), ("µH", 1e3)),
    "µC": (("nC", 1e3), ("mC", 1e-3)),
    "nC": (("µC", 1e-3), ("pC", 1e3)),
    "T": (("mT", 1e3),),
    "mT": (("T", 1e-3), ("µT", 1e3)),
    "mol": (("mmol", 1e3),),
    "µM": (("nM", 1e3), ("mM", 1e-3)),
    "mM": (("µM", 1e3), ("M", 1e-3)),
    "nM": (("µM", 1e-3), ("pM", 1e3)),
    "µM/s": (("nM/s", 1e3), ("µM/min", 60.0)),
    "µmol/min": (("nmol/min", 1e3), ("µmol/s", 1 / 60)),
    "mg/mL": (("µg/mL", 1e3), ("mg/L", 1e3)),
    "kBq": (("Bq", 1e3), ("MBq", 1e-3)),
    "degrees": (("rad", math.pi / 180),),
    "degree": (("rad", math.pi / 180),),
    "°C": (("K", 1.0), ("°F", 1.0)),
    "K": (("°C", 1.0),),
    "°F": (("°C", 1.0),),
}


@dataclass(frozen=True)
class Var:
    """One sampled input: uniform in [lo, hi] (log-uniform with ``log``, for a range over decades) rounded
    to ``sig`` significant figures, a multiple of ``step`` above ``lo``, or one of ``choices``."""

    name: str
    lo: float = 0.0
    hi: float = 1.0
    sig: int = 3
    step: float | None = None
    choices: tuple[Any, ...] = ()
    log: bool = False

    def sample(self, rng: random.Random, extra_sig: int = 0) -> Any:
        """One value; ``extra_sig`` more significant figures for a continuous input."""
        if self.choices:
            return self.choices[rng.randrange(len(self.choices))]
        if self.step is not None:
            n = int(round((self.hi - self.lo) / self.step))
            value = self.lo + self.step * rng.randint(0, n)
            return int(value) if float(self.step).is_integer() and float(self.lo).is_integer() else round(value, 10)
        if self.log:
            return round_sig(math.exp(rng.uniform(math.log(self.lo), math.log(self.hi))), self.sig + extra_sig)
        return round_sig(rng.uniform(self.lo, self.hi), self.sig + extra_sig)


@dataclass(frozen=True)
class Formula:
    """One numeric question: ``question`` is formatted with the sampled inputs.

    ``fixed`` names inputs never restated in another unit (e.g. a temperature difference in °C,
    which the affine °C-to-K conversion would get wrong).
    """

    question: str
    variables: tuple[Var, ...]
    answer: Callable[[dict[str, Any]], float]
    unit: str = ""
    rel_tol: float = 0.01
    abs_tol: float = 0.0
    valid: Callable[[dict[str, Any]], bool] | None = None
    description: str = ""
    convert: bool = True
    integer: bool = False
    extra: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None)
    fixed: tuple[str, ...] = ()


#: Every formula by task id; filled by the modules that define them, at import.
FORMULAS: dict[str, Formula] = {}


def round_sig(x: float, sig: int = 3) -> float:
    """``x`` rounded to ``sig`` significant figures."""
    return float(f"{x:.{sig}g}") if x else 0.0


def fmt(x: Any) -> str:
    """A sampled value as the prompt shows it."""
    if isinstance(x, str):
        return x
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e6):
        return str(int(x))
    if 1e-3 <= abs(x) < 1e6:
        return f"{x:g}"
    mantissa, exponent = f"{x:.6g}".split("e") if "e" in f"{x:.6g}" else (f"{x:.6g}", "0")
    return f"{mantissa} × 10^{int(exponent)}"


_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNIT_ALTERNATIVES, key=len, reverse=True))


@cache
def input_units(f: Formula) -> dict[str, str]:
    """The unit each convertible input of ``f`` is written in (from the text after its placeholder)."""
    names = {v.name for v in f.variables if not v.choices} - set(f.fixed)
    found: dict[str, str] = {}
    for m in re.finditer(r"\{(\w+)\} (" + _UNIT_RE + r")(?=[\s.,;:?)]|$)", f.question):
        if m.group(1) in names:
            found.setdefault(m.group(1), m.group(2))
    return found


def _to_other(value: float, unit: str, other: str) -> float:
    if (unit, other) in _AFFINE:
        a, b = _AFFINE[(unit, other)]
        return a * value + b
    return value * dict(UNIT_ALTERNATIVES[unit])[other]


def _from_other(value: float, unit: str, other: str) -> float:
    if (other, unit) in _AFFINE:
        a, b = _AFFINE[(other, unit)]
        return a * value + b
    return value / dict(UNIT_ALTERNATIVES[unit])[other]


def _answer_type(f: Formula, scale: float = 1.0) -> Answer:
    if f.integer:
        return INTEGER
    if f.unit:
        return Quantity(f.unit, f.rel_tol * scale, f.abs_tol * scale, f.convert)
    return Number(f.rel_tol * scale, f.abs_tol * scale)


def _answer_clause(f: Formula, scale: float = 1.0) -> str:
    if f.integer:
        return "Give the final answer as an integer in \\boxed{}."
    if not f.unit:
        return (f"Give the final answer as a number in \\boxed{{}} "
                f"({tolerance_text(f.rel_tol * scale, f.abs_tol * scale)}).")
    return _answer_type(f, scale).instruction


class ComputedQuantityTask(AnswerTask):
    """A numeric question from the :data:`FORMULAS` table, with levels of unit conversion and precision."""

    description = "A numeric science question from a formula table."
    default_params: dict[str, Any] = {"formula": "", "conversions": 0, "precision": 0}
    levels = (
        {"conversions": 0, "precision": 0},
        {"conversions": 1, "precision": 1},
        {"conversions": 2, "precision": 2},
        {"conversions": 3, "precision": 3},
        {"conversions": 99, "precision": 4},
    )
    default_level = 1

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        if self.params["formula"] not in FORMULAS:
            raise ValueError(f"unknown formula {self.params['formula']!r}")
        precision = self.params["precision"]
        if not isinstance(precision, int) or not 0 <= precision < len(TOLERANCE_FACTORS):
            raise ValueError(f"precision must be an integer in 0..{len(TOLERANCE_FACTORS) - 1}, got {precision!r}")
        if not isinstance(self.params["conversions"], int) or self.params["conversions"] < 0:
            raise ValueError(f"conversions must be a non-negative integer, got {self.params['conversions']!r}")
        self.formula = FORMULAS[self.params["formula"]]
        self.scale = TOLERANCE_FACTORS[precision]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        f = self.formula
        extra_sig = EXTRA_SIG[self.params["precision"]]
        convertible = sorted(input_units(f))
        for _ in range(200):
            values = {v.name: v.sample(rng, extra_sig) for v in f.variables}
            units: dict[str, str] = {}
            if self.params["conversions"] and convertible:
                chosen = rng.sample(convertible, min(self.params["conversions"], len(convertible)))
                for name in sorted(chosen):
                    unit = input_units(f)[name]
                    other = rng.choice(UNIT_ALTERNATIVES[unit])[0]
                    units[name] = other
                    values[name] = self._shown(f, name, _to_other(values[name], unit, other), unit, other, extra_sig)
                values["units"] = units
            base = self.inputs(values)
            if f.valid is not None and not f.valid(base):
                continue
            try:
                result = f.answer(base)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            if math.isfinite(result) and abs(result) > 10 * f.abs_tol and abs(result) < 1e300:
                return values
        raise RuntimeError(f"{self.task_id}: no valid sample in 200 tries")

    @staticmethod
    def _shown(f: Formula, name: str, value: float, unit: str, other: str, extra_sig: int) -> float:
        """A converted input as the prompt states it: two decimals on a temperature scale, else the input's
        significant figures (six for a stepped input, so nothing is lost)."""
        if (unit, other) in _AFFINE:
            return round(value, 2)
        var = next(v for v in f.variables if v.name == name)
        shown = round_sig(value, 6 if var.step is not None else var.sig + extra_sig)
        return int(shown) if shown.is_integer() and abs(shown) < 1e6 else shown

    def inputs(self, identity: dict[str, Any]) -> dict[str, Any]:
        """The inputs of ``identity`` in the units the formula is written in (converted inputs turned back)."""
        units = identity.get("units") or {}
        if not units:
            return identity
        own = input_units(self.formula)
        values = dict(identity)
        for name, other in units.items():
            values[name] = _from_other(float(identity[name]), own[name], other)
        return values

    def prompt(self, identity: dict[str, Any]) -> str:
        units = identity.get("units") or {}
        question = self.formula.question
        for name, other in units.items():
            question = question.replace(f"{{{name}}} {input_units(self.formula)[name]}", f"{{{name}}} {other}")
        shown = {k: fmt(v) for k, v in identity.items() if isinstance(v, str | int | float)}
        if self.formula.extra is not None:
            shown.update(self.formula.extra(self.inputs(identity)))
            shown.update({name: fmt(identity[name]) for name in units})
        return question.format(**shown) + " " + _answer_clause(self.formula, self.scale)

    @property
    def version(self) -> int:  # type: ignore[override]
        """3 where the answer is an integer or a unitless number (the SDK's stricter rules), else 2: levels."""
        return 2 if self.formula.unit and not self.formula.integer else 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Steps of the reference solution (the formula, plus one per input restated in another unit) plus the
        precision step of the identity's level (each adds input digits or tightens the answer's tolerance)."""
        task = self.for_identity(identity)
        return 1.0 + len(identity.get("units") or {}) + task.params["precision"]

    def value(self, identity: dict[str, Any]) -> float:
        """The exact answer of ``identity``."""
        return float(self.formula.answer(self.inputs(identity)))

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return _answer_type(self.formula, self.scale)

    def solve(self, identity: dict[str, Any]) -> str:
        """The reference answer, with as many digits as the level's tolerance needs (six at least)."""
        kind, value = self.answer_type(identity), self.value(identity)
        if isinstance(kind, Quantity):
            for sig in (6, 8, 10, 12, 17):
                text = f"{value:.{sig}g}"
                if float(kind.check(text, value)) >= 1.0:
                    return text
        return kind.write(value)


def add_formulas(domain: str, table: dict[str, Formula]) -> Callable[[Any], None]:
    """Put ``table`` into :data:`FORMULAS` under ``domain/name`` and return a ``register`` hook."""
    for name, f in table.items():
        FORMULAS[f"{domain}/{name}"] = f

    def register(registry: Any) -> None:
        for name, f in table.items():
            task_id = f"{domain}/{name}"
            registry.register(ComputedQuantityTask, task_id, {"formula": task_id}, f.description or None)

    return register
