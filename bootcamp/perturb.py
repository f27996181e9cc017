"""Generic perturbations of reference answers, used to show verifiers are not permissive."""

from __future__ import annotations

from fractions import Fraction


def _as_number(text: str) -> float | None:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        return None


def perturb_numeric(answer: str) -> list[str]:
    """Wrong numbers near a numeric answer: shifted, scaled and sign-flipped."""
    value = _as_number(answer)
    if value is None:
        return []
    candidates = [value * 1.5 + 1.0, value * 0.5 - 1.0, -value]
    if value.is_integer() and abs(value) < 1000:
        candidates.append(value + 1)
    out = []
    for c in candidates:
        if abs(c - value) > 1e-6 * max(1.0, abs(value)):
            out.append(str(int(c)) if c.is_integer() and abs(c) < 1e15 else repr(c))
    return out
