"""Rubric verifier for open-ended answers: key-point coverage with anti-gaming caps.

A key point is a JSON dict ``{"name", "any", "none"}``. ``any`` lists
alternatives; an alternative is a list of terms that must all occur in one
sentence. A term is a phrase (case-insensitive, whole words, a trailing ``*``
matches any word ending) or a number ``{"num": value, "tol": tolerance}``.
``none`` lists phrases that, anywhere in the answer, cancel the point (e.g.
"not significant" cancels "significant").

The score is the share of key points covered, capped when the answer is too
short, too long, or a bare list of key terms.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bootcamp.types import Score, invalid

#: Answers longer than this are not read (a hard cap, reason ``too_long``).
MAX_CHARS = 4000
#: Over this many words the score is capped (the prompt asks for 2-6 sentences).
MAX_WORDS = 160
MIN_WORDS = 15
MIN_SENTENCES = 2
#: Cap for answers that break the form (too short, too long, keyword lists).
FORM_CAP = 0.5
#: More than this share of the words being key terms reads as a keyword list.
MAX_KEY_SHARE = 0.6
#: Natural prose has many function words; a list of terms has almost none.
MIN_FUNCTION_SHARE = 0.12

FUNCTION_WORDS = frozenset(
    "a an the is are was were be been being of in on at to for from by with and or but so as than "
    "that this these those it its which who whom whose because while whereas since when where their "
    "there they them has have had does do did not no can could will would should may might must "
    "more most less least into per about between both each also then thus therefore only very".split()
)

_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’.][A-Za-z0-9]+)*")
_NUM_RE = re.compile(r"(?<![\w.,])[-−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SENT_RE = re.compile(r"(?<=[.!?;])\s+|\n+")


@lru_cache(maxsize=8192)
def phrase_regex(phrase: str) -> re.Pattern[str]:
    """A case-insensitive whole-word regex for a phrase (``*`` at the end: any word ending)."""
    wild = phrase.endswith("*")
    body = phrase[:-1] if wild else phrase
    parts = [re.escape(p) for p in body.split()]
    pattern = r"\s+".join(parts)
    tail = r"[\w-]*" if wild else ""
    return re.compile(r"(?<![A-Za-z0-9])" + pattern + tail + r"(?![A-Za-z0-9])", re.IGNORECASE)


def num(value: float, tol: float) -> dict[str, float]:
    """A number term."""
    return {"num": float(value), "tol": float(tol)}


def point(name: str, *alternatives: Any, none: list[str] | None = None) -> dict[str, Any]:
    """A key point. Each alternative is a term or a list of terms required in one sentence."""
    alts = [list(a) if isinstance(a, (list, tuple)) else [a] for a in alternatives]
    return {"name": name, "any": alts, "none": list(none or [])}


def sentences(text: str) -> list[str]:
    """Sentences of a text (split at ``.!?;`` followed by space, or at newlines)."""
    return [s for s in _SENT_RE.split(text) if s.strip()]


def numbers(text: str) -> list[float]:
    out = []
    for m in _NUM_RE.finditer(text):
        token = m.group().replace("−", "-").replace(",", "")
        if len(token) > 30:
            continue
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def _term_in(term: Any, sentence: str, nums: list[float]) -> bool:
    if isinstance(term, dict):
        return any(abs(x - term["num"]) <= term["tol"] + 1e-9 for x in nums)
    return phrase_regex(term).search(sentence) is not None


def covered(kp: dict[str, Any], text: str, sents: list[str], sent_nums: list[list[float]]) -> bool:
    """Whether the answer covers one key point."""
    if any(phrase_regex(p).search(text) for p in kp.get("none", [])):
        return False
    for alt in kp["any"]:
        # Cheap pruning: a phrase absent from the whole text rules the alternative out.
        if any(isinstance(t, str) and phrase_regex(t).search(text) is None for t in alt):
            continue
        for s, nums in zip(sents, sent_nums, strict=True):
            if all(_term_in(t, s, nums) for t in alt):
                return True
    return False


def _key_spans(keypoints: list[dict[str, Any]], text: str) -> list[tuple[int, int]]:
    spans = []
    for kp in keypoints:
        for alt in kp["any"]:
            for t in alt:
                if isinstance(t, str):
                    spans.extend(m.span() for m in phrase_regex(t).finditer(text))
    for m in _NUM_RE.finditer(text):
        spans.append(m.span())
    return spans


def grade(answer: str, keypoints: list[dict[str, Any]]) -> float:
    """Score an open answer against its key points (see the module docstring)."""
    if not isinstance(answer, str):
        return invalid("not text")
    text = answer.strip()
    if len(text) > MAX_CHARS:
        return Score(0.0, "too_long", f"answer over {MAX_CHARS} characters")
    words = list(_WORD_RE.finditer(text))
    if not any(any(c.isalpha() for c in w.group()) for w in words):
        return invalid("no words")
    if len(words) > 3 * MAX_WORDS:
        return Score(0.0, "wrong", f"far too long ({len(words)} words)")
    sents = sentences(text)
    sent_nums = [numbers(s) for s in sents]
    hits = [covered(kp, text, sents, sent_nums) for kp in keypoints]
    score = sum(hits) / max(1, len(keypoints))
    problems = []
    n_words = len(words)
    full = sum(1 for s in sents if len(_WORD_RE.findall(s)) >= 3)
    if n_words < MIN_WORDS or full < MIN_SENTENCES:
        problems.append(f"too short ({n_words} words, {full} sentences)")
    if n_words > MAX_WORDS:
        problems.append(f"too long ({n_words} words > {MAX_WORDS})")
    spans = sorted(_key_spans(keypoints, text))
    key_words = 0
    j = 0
    for w in words:
        while j < len(spans) and spans[j][1] <= w.start():
            j += 1
        if any(a <= w.start() < b for a, b in spans[j:j + 8]):
            key_words += 1
    function = sum(1 for w in words if w.group().lower() in FUNCTION_WORDS)
    if n_words and (key_words / n_words > MAX_KEY_SHARE or function / n_words < MIN_FUNCTION_SHARE):
        problems.append("reads like a keyword list, not an explanation")
    if problems:
        score = min(score, FORM_CAP)
    missing = [kp["name"] for kp, h in zip(keypoints, hits, strict=True) if not h]
    if score >= 1.0:
        return 1.0
    detail = "; ".join(([f"missing: {', '.join(missing)}"] if missing else []) + problems)
    return Score(score, "wrong", detail)
