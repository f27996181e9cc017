"""Strings: exact and normalised comparison, and multiple-choice letters.

Every function is linear in its input and never raises on model output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bootcamp.types import Score, invalid

#: Answers longer than this are not compared (a policy spamming text is wrong, not slow).
MAX_STRING_CHARS = 10_000

_LATEX_WRAPPERS = re.compile(r"\\(?:text|textbf|mathrm|mathbf|operatorname)\s*\{([^{}]*)\}")
_PUNCT_EDGE = " \t\n.,;:!?\"'`$"


_WRAPPER = re.compile(r"^\\(?:text|textrm|textbf|texttt|mathrm|mathbf|mathtt|operatorname)\s*\{(.*)\}$", re.S)


def _closes_at_end(text: str, start: int) -> bool:
    """True when the brace opened just before ``start`` closes at the very end of ``text``."""
    depth = 1
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def unwrap(text: str) -> str:
    """``text`` without surrounding white space, ``$...$`` and one ``\\text{...}``-style wrapper.

    The first step of every answer type (:mod:`bootcamp.answers`): a policy may format
    its final answer as LaTeX, but the wrapper carries no meaning. A wrapper is only
    removed when its brace closes at the end (``\\text{a}+\\text{b}`` stays as it is).
    """
    t = text.strip()
    if len(t) > 1 and t[0] == "$" and t[-1] == "$":
        t = t.strip("$").strip()
    m = _WRAPPER.match(t)
    if m and _closes_at_end(t, m.start(1)):
        t = m.group(1).strip()
    return t


def normalize_text(text: str, case: bool = False) -> str:
    """Unicode NFKC, ``\\text{}`` unwrapped, whitespace collapsed, edge punctuation dropped."""
    text = unicodedata.normalize("NFKC", text)
    text = _LATEX_WRAPPERS.sub(r"\1", text)
    text = " ".join(text.split()).strip(_PUNCT_EDGE)
    return text if case else text.casefold()


def check_exact(answer: str, truth: str) -> float:
    """1.0 when ``answer`` equals ``truth`` exactly (surrounding whitespace ignored)."""
    if not isinstance(answer, str) or len(answer) > MAX_STRING_CHARS:
        return invalid("not a short string")
    return 1.0 if answer.strip() == str(truth).strip() else Score(0.0, "wrong")


def check_string(answer: str, truth: str | Sequence[str], case: bool = False) -> float:
    """1.0 when ``answer`` matches ``truth`` (or any of several truths) after :func:`normalize_text`."""
    if not isinstance(answer, str) or len(answer) > MAX_STRING_CHARS:
        return invalid("not a short string")
    got = normalize_text(answer, case)
    if not got:
        return invalid("empty answer")
    truths = [truth] if isinstance(truth, str) else list(truth)
    return 1.0 if any(got == normalize_text(str(t), case) for t in truths) else Score(0.0, "wrong")


_CHOICE_RE = re.compile(
    r"^(?:\(?\s*(?:option|choice|answer)?\s*(?:is)?\s*[:\-]?\s*)?\(?\s*([A-Za-z]|\d{1,2})\s*[\).:]?(?:\s+.*)?$", re.S | re.I
)


_OTHER_LETTERS = re.compile(r"(?:\s*(?:and|or|,|&|/)?\s*\(?[A-Za-z]\)?)+", re.I)


def parse_choice(answer: str, choices: Sequence[str] | None = None) -> str | None:
    """The option letter an answer picks (``"B"``, ``"(b)"``, ``"B) 42"``, or an option's text), or None.

    With ``choices`` (the option texts in order), an answer may also state the option's text,
    and a letter past the last option does not parse. A 1-based number picks an option too
    when ``choices`` are given.
    """
    if not isinstance(answer, str) or len(answer) > MAX_STRING_CHARS:
        return None
    text = normalize_text(answer, case=True)
    if not text:
        return None
    n = len(choices) if choices else 26
    if choices:
        folded = normalize_text(text)
        for i, c in enumerate(choices):
            if folded == normalize_text(str(c)):
                return chr(ord("A") + i)
    m = _CHOICE_RE.match(text)
    if not m:
        return None
    token = m.group(1)
    # A lone lowercase word like "a" is a letter; text after a letter must not be a different option.
    if token.isdigit():
        if not choices:
            return None
        idx = int(token) - 1
    else:
        idx = ord(token.upper()) - ord("A")
    if not 0 <= idx < n:
        return None
    rest = text[m.end(1):].strip(" ).:-")
    if rest and choices and normalize_text(rest) != normalize_text(str(choices[idx])):
        return None
    if rest and _OTHER_LETTERS.fullmatch(rest):
        return None  # "A or B": hedging
    return chr(ord("A") + idx)


def check_choice(answer: str, truth: str, choices: Sequence[str] | None = None) -> float:
    """1.0 when ``answer`` picks the option ``truth`` (a letter, e.g. ``"C"``).

    Several letters ("A, C" or "AC") are hedging and score 0 with reason ``format``.
    """
    if not isinstance(answer, str) or len(answer) > MAX_STRING_CHARS:
        return invalid("not a short string")
    picked = parse_choice(answer, choices)
    if picked is None:
        stripped = re.sub(r"[\s,;/&()]|and|or", "", answer.strip())
        if 1 < len(stripped) <= 26 and stripped.isalpha() and stripped.isupper():
            return Score(0.0, "format", "several options picked")
        return invalid("not an option letter")
    want = parse_choice(str(truth), choices) or str(truth).strip().upper()
    return 1.0 if picked == want else Score(0.0, "wrong")
