"""Numbers with tolerance: plain, scientific notation, LaTeX ``\\times 10^{n}``, fractions, units.

Parsing never evaluates an expression: ``9**9**9`` is not a number here. An exact question
(:func:`check_integer`) reads the number as written, exactly (``42.0000000000000001`` is not
42, though it is as a float), and takes no answer marked approximate (:func:`states_approximation`).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from bootcamp.types import Score, invalid
from bootcamp.verifiers.strings import unwrap

MAX_NUMBER_CHARS = 200

_NUM = r"[-+−]?(?:\d+(?:\.\d*)?|\.\d+)"
_SCI_LATEX = re.compile(rf"^({_NUM})\s*(?:\\times|\\cdot|x|×|\*)\s*10\s*\^\s*\{{?\s*([-+−]?\d{{1,4}})\s*\}}?$")
_SCI_E = re.compile(rf"^({_NUM})[eE]([-+]?\d{{1,4}})$")
_FRAC_LATEX = re.compile(r"^([-+−]?)\\[dt]?frac\s*\{\s*([-+−]?\d{1,30})\s*\}\s*\{\s*([-+−]?\d{1,30})\s*\}$")
_FRAC = re.compile(r"^([-+−]?\d{1,30})\s*/\s*([-+−]?\d{1,30})$")
_PLAIN = re.compile(rf"^{_NUM}$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
#: Signs and words that state a value only approximately (``\\approx 42``, ``\\sim 42``, ``≈ 42``,
#: ``42 roughly``): an exact question gets no answer from them.
_APPROXIMATE = re.compile(
    r"\\(?:approx|thickapprox|approxeq|sim|simeq|thicksim|backsim|backsimeq|eqsim|doteq|doteqdot)(?![a-zA-Z])"
    r"|[≈≃∼≅≊≒≓⋍~]|(?<![a-zA-Z])(?:approx|approximately|roughly|about|around|nearly|almost|circa)(?![a-zA-Z])",
    re.IGNORECASE)
# A number followed by a unit word: keep the number.
# The unit must start like a unit (a letter, %, °, or \text/\mathrm), so "2^5" or "2 \cdot 3" is not "2".
_LEADING = re.compile(
    rf"^({_NUM}(?:[eE][-+]?\d{{1,4}})?)\s*((?![eE][-+]?\d)(?:\\(?:text|mathrm|rm)\b|[a-zA-Zµμ°Å%])[a-zA-Zµμ°Å%/·\s\^\-\d\{{\}}\\]*)$"
)


def _clean(text: str) -> str:
    text = text.strip().strip("$").strip()
    text = text.replace("\\,", "").replace("\\!", "").replace("{,}", "").replace("\\left", "").replace("\\right", "")
    text = text.replace("−", "-").replace("\u2009", "").replace("\u00a0", " ")
    if text.startswith("\\text{") and text.endswith("}"):
        text = text[6:-1]
    for prefix in ("approximately", "approx.", "\\approx", "~", "≈", "about"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
    if "=" in text:  # "x = 3.2": take the right-hand side
        text = text.rsplit("=", 1)[1].strip()
    return text.rstrip(".").strip()


def states_approximation(text: str) -> bool:
    """Whether ``text`` marks its value as approximate (``\\approx``, ``\\sim``, ``\\simeq``, ``≈``, "about", ...)."""
    return bool(_APPROXIMATE.search(text))


def parse_number(text: object, allow_units: bool = True) -> float | None:
    """The number a short answer states, or None. Never evaluates expressions."""
    if not isinstance(text, str) or not text or len(text) > MAX_NUMBER_CHARS:
        return None
    t = _clean(text)
    if not t:
        return None
    try:
        if _PLAIN.match(t):
            return float(t)
        if _THOUSANDS.match(t):
            return float(t.replace(",", ""))
        m = _SCI_E.match(t)
        if m:
            return float(t)
        m = _SCI_LATEX.match(t)
        if m:
            return float(m.group(1).replace("−", "-")) * 10.0 ** int(m.group(2).replace("−", "-"))
        m = _FRAC_LATEX.match(t)
        if m:
            sign = -1 if m.group(1) in ("-", "−") else 1
            return sign * float(Fraction(int(m.group(2).replace("−", "-")), int(m.group(3).replace("−", "-"))))
        m = _FRAC.match(t)
        if m:
            return float(Fraction(int(m.group(1).replace("−", "-")), int(m.group(2).replace("−", "-"))))
        if allow_units:
            m = _LEADING.match(t)
            if m and m.group(1) != t:
                return parse_number(m.group(1), allow_units=False)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return None


_INTEGER = re.compile(r"[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]{1,100})")


def parse_integer(text: object) -> int | None:
    """The integer an answer states when it is written as an integer alone, or None.

    Stricter than :func:`parse_number`: digits with an optional sign, thousands grouped by
    commas or spaces in threes (LaTeX ``{,}`` and ``\\,`` too), after
    :func:`~bootcamp.verifiers.strings.unwrap`, with an optional final period. No decimals, exponents, fractions or
    expressions, no words (``8 atoms``), no ``x = 8``, and no signed zero (``-0``).
    """
    if not isinstance(text, str) or not text or len(text) > MAX_NUMBER_CHARS:
        return None
    t = unwrap(text).replace("{,}", ",").replace("\\,", ",").replace("\u2009", ",").replace("\u202f", ",").replace("\u2212", "-")
    t = t.removesuffix(".").strip()
    if not _INTEGER.fullmatch(t):
        return None
    digits = t.replace(",", "").replace(" ", "")
    if digits[0] in "+-" and not digits.strip("+-0"):
        return None  # a signed zero is not how anyone writes 0
    return int(digits)


def close_enough(value: float, expected: float, rel_tol: float = 0.0, abs_tol: float = 0.0) -> bool:
    """True when ``value`` is within the relative or absolute tolerance of ``expected``."""
    if not (math.isfinite(value) and math.isfinite(expected)):
        return False
    return math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol)


def check_number(answer: str, expected: float, rel_tol: float = 1e-2, abs_tol: float = 0.0) -> float:
    """1.0 when ``answer`` states a number within tolerance of ``expected``; else 0 with a reason."""
    value = parse_number(answer)
    if value is None:
        return invalid("not a number")
    if close_enough(value, float(expected), rel_tol, abs_tol):
        return 1.0
    return Score(0.0, "wrong")


def exact_number(text: object) -> Fraction | None:
    """The number a short answer writes, exactly (decimals, ``e`` and ``\\times 10^{n}`` notation,
    fractions; no units), or None. ``0.1`` is one tenth, not the nearest float."""
    if not isinstance(text, str) or not text or len(text) > MAX_NUMBER_CHARS:
        return None
    t = _clean(text)
    try:
        if _PLAIN.match(t) or _SCI_E.match(t):
            return Fraction(t)
        if _THOUSANDS.match(t):
            return Fraction(t.replace(",", ""))
        m = _SCI_LATEX.match(t)
        if m:
            return Fraction(m.group(1).replace("−", "-")) * Fraction(10) ** int(m.group(2).replace("−", "-"))
        m = _FRAC_LATEX.match(t)
        if m:
            sign = -1 if m.group(1) in ("-", "−") else 1
            return sign * Fraction(int(m.group(2).replace("−", "-")), int(m.group(3).replace("−", "-")))
        m = _FRAC.match(t)
        if m:
            return Fraction(int(m.group(1).replace("−", "-")), int(m.group(2).replace("−", "-")))
    except (ValueError, ZeroDivisionError):
        return None
    return None


def check_integer(answer: str, expected: int) -> float:
    """1.0 when ``answer`` is exactly the integer ``expected``: compared as written, without rounding.

    An answer marked approximate (``\\approx 42``) is invalid; ``42.0`` is 42, ``42.0000000000000001`` is not.
    """
    if not isinstance(answer, str) or len(answer) > MAX_NUMBER_CHARS:
        return invalid("not a number")
    if states_approximation(answer):
        return invalid("an approximate value is not an exact integer")
    t = _clean(answer).replace(",", "")
    if re.fullmatch(r"[-+]?\d{1,80}", t):
        return 1.0 if int(t) == int(expected) else Score(0.0, "wrong")
    value = exact_number(answer)
    if value is None:
        return invalid("not a number")
    return 1.0 if value == int(expected) else Score(0.0, "wrong")


def tolerance_text(rel_tol: float = 0.0, abs_tol: float = 0.0) -> str:
    """How a prompt states the tolerance, e.g. 'within 1% (relative)'."""
    parts = []
    if rel_tol:
        parts.append(f"{rel_tol * 100:g}% (relative)")
    if abs_tol:
        parts.append(f"{abs_tol:g} (absolute)")
    return "within " + " or ".join(parts) if parts else "exactly"
