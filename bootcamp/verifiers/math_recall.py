"""Narrow text-level rules that let correct answers written in common non-math forms parse.

Each rule is small and documented; none lets an answer name two values for one:

- currency: ``\\$16386.17``, ``16386.17\\$`` and ``\\textdollar`` lose the sign (the number stays).
- percent words: ``28 percent``, ``28 pct``, ``28\\text{ percent}`` read as ``28\\%``.
  :func:`percent_number` gives the number before a trailing percent sign, so
  :func:`bootcamp.verifiers.math_equiv.check_math` can accept ``28\\%`` for ``28`` (the sign
  dropped or added) when the number is at least 1 in size; ``0.28\\%`` is never ``0.28``.
- units: :func:`strip_units` drops trailing unit words after a plain number (``125 miles``,
  ``5 cm``, ``3 m^2``, ``12\\text{ m}^2``); check_math uses it only when the reference is a
  plain number and the answer is not already a plain number.
  (``\\text{ miles}`` and ``\\textnormal{ miles}`` are dropped by the tokenizer.)
- bases: :func:`based_number` reads ``204_5``, ``204_{5}``, ``(204)_5`` as the integer 54;
  digits must be valid in the base (2 to 36) and include a decimal digit (or be at least two
  capitals, ``FF_{16}``), so ``a_{12}`` stays a name. A reference in a base other than 10
  wants the answer written in the same base (check_math); an answer in a base matches a
  plain reference by value.
- text answers: :func:`text_answer` normalises a word answer (``\\text{Evelyn}``) for a
  case-free comparison; only used when the reference is text, not math.
- ratios: :func:`ratio_parts` splits ``7:32`` (or ``7 \\colon 32``) into its parts.
"""

from __future__ import annotations

import re

_CURRENCY = re.compile(r"\\\$|\\textdollar(?![a-zA-Z])|\\text\{\s*\\?\$\s*\}|US\$")
_PERCENT_WORD = re.compile(r"(\d)\s*(?:\\(?:text|textnormal|mathrm|mbox)\s*\{\s*)?(?:percent|pct)\.?\s*\}?\s*$")
_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?"
_PERCENT_TAIL = re.compile(rf"^\s*({_NUM})\s*\\?%\s*$")
#: Unit words shorter than three letters that a plain number may carry.
_SHORT_UNITS = {"m", "cm", "mm", "km", "g", "kg", "mg", "s", "ms", "h", "hr", "ft", "yd", "mi", "lb", "oz", "l",
                "ml", "kl", "in", "sq", "cu", "k", "c", "f", "j", "kj", "w", "kw", "v", "a", "n", "pa", "hz"}
#: Words that are math, never units.
_NOT_UNITS = {"pi", "e", "i", "or", "and", "sqrt", "inf", "infty", "infinity", "ln", "log", "exp", "sin", "cos",
              "tan", "mod", "cup", "to"}
_UNIT_WORD = r"[A-Za-z]+\.?(?:\^\{?\d\}?)?"
_UNITS_TAIL = re.compile(rf"^\s*({_NUM}(?:\s*\\?%)?)\s*((?:{_UNIT_WORD})(?:\s*[/ ]\s*(?:{_UNIT_WORD}))*)\s*\.?\s*$")
_TEXT_UNIT = re.compile(r"\\(?:text|mathrm|mbox)\s*\{\s*([A-Za-z][A-Za-z ]*)\}")
_BASED = re.compile(r"^\s*\(?\s*([0-9A-Za-z]+)\s*\)?\s*_\s*\{?\s*\(?\s*(\d{1,2})\s*\)?\s*\}?\s*$")
_TEXT_WRAP = re.compile(r"^\\(?:text|textbf|textnormal|mathrm|textrm|mbox|textit|mathbf|mathit|operatorname)\s*\{(.*)\}$",
                        re.DOTALL)
_WORDS_ONLY = re.compile(r"[a-z][a-z' \-]*[a-z]|[a-z]")


def normalise(text: str) -> str:
    """Currency signs dropped, percent words as ``\\%`` (see the module docstring)."""
    t = _CURRENCY.sub("", text)
    t = re.sub(r"\\textnormal|\\textup|\\textsf", r"\\text", t)
    return _PERCENT_WORD.sub(r"\1\\%", t)


def percent_number(text: str) -> str | None:
    """The number before a trailing percent sign (``28\\%`` -> ``28``), or None."""
    m = _PERCENT_TAIL.match(text.replace("$", ""))
    if not m or not re.search(r"\d", m.group(1)):
        return None
    return m.group(1)


def strip_units(text: str) -> str | None:
    """``125 miles`` -> ``125``; None unless the text is a plain number followed by unit words."""
    t = _TEXT_UNIT.sub(r" \1", text.replace("$", ""))
    m = _UNITS_TAIL.match(t)
    if not m or not re.search(r"\d", m.group(1)):
        return None
    words = re.findall(r"[A-Za-z]+", m.group(2))
    if not words or any(w.lower() in _NOT_UNITS for w in words):
        return None
    if any(len(w) < 3 and w.lower() not in _SHORT_UNITS for w in words):
        return None
    return m.group(1)


def based_number(text: str) -> tuple[int, int] | None:
    """``(value, base)`` for ``204_5``, ``204_{5}``, ``(204)_5``; None otherwise or for invalid digits."""
    m = _BASED.match(text.replace("$", ""))
    if not m:
        return None
    digits, base = m.group(1), int(m.group(2))
    if not 2 <= base <= 36 or len(digits) > 64:
        return None
    if not any(c.isdigit() for c in digits) and not (len(digits) > 1 and digits.isupper()):
        return None  # "a_{12}" is a subscripted name, not the number 10
    try:
        return int(digits, base), base
    except ValueError:
        return None


def text_answer(text: str) -> str | None:
    """A word answer normalised for comparison (case, spacing, ``\\text{}``, final period); None if not words."""
    t = text.strip().replace("$", "").strip()
    for _ in range(3):
        m = _TEXT_WRAP.match(t)
        if not m:
            break
        t = m.group(1).strip()
    t = " ".join(t.replace("\\ ", " ").replace("~", " ").split()).rstrip(".").strip().casefold()
    if re.fullmatch(r"\([a-z]\)", t):
        t = t[1]  # a choice letter in parentheses
    if not t or len(t) > 200 or not _WORDS_ONLY.fullmatch(t):
        return None
    return t


def is_wrapped_text(text: str) -> bool:
    """Whether the whole text is one ``\\text{...}`` (or similar) group."""
    return _TEXT_WRAP.match(text.strip().replace("$", "").strip()) is not None


def ratio_parts(text: str) -> list[str] | None:
    """The parts of ``a:b`` or ``a:b:c`` (top level, at most 10), or None."""
    t = text.replace("\\colon", ":").replace("\\:", " ").replace("\\mathrel{:}", ":")
    if ":" not in t or ":=" in t:
        return None
    parts, depth, cur = [], 0, []
    for c in t:
        depth += c in "({["
        depth -= c in ")}]"
        if c == ":" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    if not 2 <= len(parts) <= 10 or any(not p.strip() for p in parts):
        return None
    return parts
