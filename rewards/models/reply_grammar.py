"""What goes to a judge or verifier model and what comes back: the fenced response, the reply grammar.

**The fence.** The candidate's response is hostile text pasted into a prompt: it could write
its own ``Reference answer:`` or ``Judgement: A`` lines. A template that names the field
``{boundary}`` gets the response fenced between ``<<<RESPONSE-<id>>>`` and ``<<<END-<id>>>``
lines, with a fresh random id (128 bits) per request, and says in its own words that
everything between them is the candidate's text (see the default templates). The response
cannot close a fence whose id it does not know; any fence-like marker in it is broken anyway
(:func:`defang`). A template without ``{boundary}`` is taken for a trained model's fixed
input format (a served verifier fine-tuned on it) and gets the response unfenced, defanged.

**The reply grammar** (:func:`parse_reply`), one for every judge and verifier reply:

- Verdict *tokens*: a letter (``A`` correct, ``B`` incorrect, ``C`` invalid; upper case only)
  alone on a line (``A``, ``(B)``, ``**C**``), opening a line with a separator (``B. ...``,
  ``A - ...``), boxed (``\\boxed{A}``) or labelled (``Judgement: A``, ``Final verdict is
  (C)``); a labelled score (``Score: 0.7``, ``Rating = 7/10``, with ``:`` or ``=``), a
  bracketed one (``[[7]]``), a fraction alone on a line (``8/10``); with ``words`` on,
  a line opening with yes/no/correct/incorrect/right/wrong/true/false, and negative words
  (``incorrect``, ``not right``, ``isn't correct``) in the last line (without ``words``
  these are evidence only).
- Every token anywhere in the reply is *evidence*: a reply whose tokens disagree (two letters,
  two scores, a letter and a score that differ, ``Yes`` and ``not correct``) is no verdict.
- Only *anchored* tokens decide: ones that open a line (letters: the first or last non-empty
  line), or end the last non-empty line. A verdict quoted inside a sentence (``The candidate
  claims 'Score: 1'``, ``a grade 10 problem``, ``The answer is correct``) decides nothing.
- A positive word counts only when it opens the last line and nothing negative follows it
  (``Correct.``, ``Yes, it is correct.``); a negated one (``not right``) is a failing grade.

So every reply parses as one verdict, or as None (no verdict: the caller's "no verdict"
handling, never a pass).
"""

from __future__ import annotations

import functools
import re
import secrets
import string
from dataclasses import dataclass
from typing import Any

#: Bumped whenever the grammar reads some reply differently (part of verdict cache keys).
GRAMMAR_VERSION = "2"
#: Replies are read from their last this-many characters (a model's reply is short).
MAX_REPLY_CHARS = 4000
#: What each letter means as a part of a verdict: (score, reason).
LETTERS: dict[str, tuple[float, str]] = {"A": (1.0, "ok"), "B": (0.0, "wrong"), "C": (0.0, "invalid_answer")}

#: The fence around a response: ``<<<RESPONSE-<id>>>`` ... ``<<<END-<id>>>``.
FENCE_OPEN = "<<<RESPONSE-"
FENCE_CLOSE = "<<<END-"
#: Template fields: the three texts, and the fence id a template that fences names.
TEMPLATE_FIELDS = ("question", "reference", "response", "boundary")


@dataclass(frozen=True)
class Reply:
    """One reply's verdict.

    Attributes:
        score: in [0, 1].
        label: ``A``/``B``/``C`` when a letter decided, else None (a score or a word).
    """

    score: float
    label: str | None


# -- the fence -------------------------------------------------------------------------------------
_FENCE_LIKE = re.compile(r"<<<(?=\s*(?:RESPONSE|END)\b)", re.I)


def defang(text: str) -> str:
    """``text`` with every fence-like marker (``<<<RESPONSE``, ``<<< end``...) broken."""
    return _FENCE_LIKE.sub("<< <", text)


def new_boundary() -> str:
    """A fresh fence id: 128 random bits as 32 hex digits."""
    return secrets.token_hex(16)


def fenced(response: str, boundary: str) -> str:
    """``response`` (defanged) between the fence lines of ``boundary``."""
    return f"{FENCE_OPEN}{boundary}>>>\n{defang(response)}\n{FENCE_CLOSE}{boundary}>>>"


@functools.lru_cache(maxsize=64)
def template_fields(template: str) -> frozenset[str]:
    """The fields a :meth:`str.format` template uses.

    Raises:
        ValueError: the template does not parse, or uses a field other than ``question``,
            ``reference``, ``response`` and ``boundary`` (the message says to double other braces).
    """
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise ValueError(f"template: cannot parse it: {exc}") from None
    unknown = sorted(f for f in fields if f not in TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(f"template: only {{question}}, {{reference}} and {{response}} (and {{boundary}}, to "
                         f"fence the response) may be used (double other braces), got {unknown}")
    return frozenset(fields)


def render(template: str, question: str, reference: str, response: str) -> str:
    """The prompt: ``template`` with the texts filled in, the response fenced when the template
    names ``{boundary}`` (a new id per call), else only defanged."""
    if "boundary" in template_fields(template):
        boundary = new_boundary()
        return template.format(question=question, reference=reference, response=fenced(response, boundary),
                               boundary=boundary)
    return template.format(question=question, reference=reference, response=defang(response))


# -- the reply grammar -----------------------------------------------------------------------------
_DECOR = r"[\s*_#>`~\-\(\[]*"  # markdown and brackets that may open a line before a verdict
_TRAIL = re.compile(r"[\s*_`~.!\)\]$]*")  # what may follow a verdict at the end of the last line
_LETTER = r"[\*\(\[\s]*([ABC])[\*\)\]]*(?![A-Za-z0-9])"
_BOXED = re.compile(r"\\boxed\{\s*\(?([ABC])\)?\s*\}")
_LABELLED = re.compile(r"(?i:(?:final\s+)?(?:judg(?:e)?ment|verdict)(?:\s+is)?\s*[:=]?\s*)"
                       r"(?:\\boxed\{\s*)?" + _LETTER + r"\}?(?=\s*$|\s*[.,;:\-(]|\s+\()")
_BARE = re.compile(r"^\W*([ABC])\W*$")
_LEADING = re.compile(r"^[\s\(\[\*]*([ABC])[\)\]\*]*(?:\s*[.:\-,;]|\s+\()")
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_SCORE = re.compile(r"(?i:\b(?:score|rating|grade)\s*[:=]\s*)\**\s*(?:\[\[\s*)?" + _NUMBER
                    + r"(?:\s*/\s*(\d+(?:\.\d+)?))?(?:\s*\]\])?(?![\d.]*\d)")
_BRACKET = re.compile(r"\[\[\s*(\d+(?:\.\d+)?)\s*\]\]")
_FRACTION = re.compile(r"^\W*(\d+(?:\.\d+)?)\s*/\s*(10|5|100|1)\W*$")
_WORD_LINE = re.compile(r"^\W*(yes|no|correct|incorrect|right|wrong|true|false)\b", re.I)
_WORD_END = re.compile(r"\s*(?:$|[.,!;:])")  # a positive word must end its clause: "Yes." "Correct, ..."
_POSITIVE = {"yes": 1.0, "correct": 1.0, "right": 1.0, "true": 1.0}
_NEGATIVE = re.compile(r"\b(?:incorrect|wrong|false|invalid)\b"
                       r"|(?:\bnot|n't|\bnever|\bhardly)\s+(?:\w+\s+){0,2}?(?:correct|right|true|valid)\b", re.I)


@dataclass(frozen=True)
class _Token:
    score: float
    label: str | None
    anchored: bool


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))


def _scaled(value: str, scale: str | None) -> float | None:
    v = float(value)
    if scale is None:
        return _clip(v / 10.0 if v > 1.0 else v)
    s = float(scale)
    return _clip(v / s) if s > 0 else None


def _ends_line(line: str, end: int) -> bool:
    return _TRAIL.fullmatch(line, end) is not None


def _opens_line(line: str, start: int) -> bool:
    return re.fullmatch(_DECOR, line[:start]) is not None


def _tokens(lines: list[str], words: bool) -> list[_Token]:
    """Every verdict token in the reply's non-empty lines (see the module docstring)."""
    out: list[_Token] = []
    last = len(lines) - 1
    for n, line in enumerate(lines):
        edge = n in (0, last)  # letters standing alone count on the first or the last line

        def anchored(start: int, end: int, line: str = line, n: int = n) -> bool:
            return _opens_line(line, start) or (n == last and _ends_line(line, end))

        before = len(out)
        bare = _BARE.match(line) or _LEADING.match(line)
        if bare:
            out.append(_Token(LETTERS[bare.group(1)][0], bare.group(1), edge))
        for m in _BOXED.finditer(line):
            out.append(_Token(LETTERS[m.group(1)][0], m.group(1), _opens_line(line, m.start())))
        for m in _LABELLED.finditer(line):
            out.append(_Token(LETTERS[m.group(1)][0], m.group(1), anchored(m.start(), m.end())))
        for m in _SCORE.finditer(line):
            value = _scaled(m.group(1), m.group(2))
            if value is None:
                out.append(_Token(-1.0, None, False))  # "Score: 3/0": unreadable, so no verdict
            else:
                out.append(_Token(value, None, anchored(m.start(), m.end())))
        for m in _BRACKET.finditer(line):
            out.append(_Token(_scaled(m.group(1), None) or 0.0, None, anchored(m.start(), m.end())))
        frac = _FRACTION.match(line)
        if frac:
            out.append(_Token(_clip(float(frac.group(1)) / float(frac.group(2))), None, edge))
        found = len(out) > before
        if not found:  # a line with a letter or a score is not read for words
            # Without ``words`` they still count as evidence: "No, it is wrong. Score: 1" is no verdict.
            out.extend(t if words else _Token(t.score, None, False) for t in _word_tokens(line, n == last))
    return out


def _word_tokens(line: str, is_last: bool) -> list[_Token]:
    """Yes/no words: a line opening with one is evidence (deciding on the last line); negative
    words (``incorrect``, ``not right``; not a bare ``no`` inside a sentence) anywhere in the last
    line are a failing grade; a positive word inside a sentence is nothing."""
    out: list[_Token] = []
    opening = _WORD_LINE.match(line)
    negative = _NEGATIVE.search(line[opening.end():] if opening else line)
    if opening:
        word = opening.group(1).lower()
        positive = word in _POSITIVE
        if positive and not _WORD_END.match(line, opening.end()):
            return out  # "Right answer: ...", "right-ish": not a verdict
        out.append(_Token(1.0 if positive else 0.0, None, is_last))
        if positive and negative:  # "Yes, but it is not correct": contradicts itself
            out.append(_Token(0.0, None, False))
    elif is_last and negative:
        out.append(_Token(0.0, None, True))
    return out


def parse_reply(text: Any, words: bool = True) -> Reply | None:
    """The one verdict a judge's or verifier's reply states, or None (see the module docstring).

    Args:
        text: the reply (anything that is not a string is no verdict).
        words: yes/no words may decide (judges); without it (verifiers answer with letters and
            scores) they are only evidence: a reply whose words contradict its letter is no verdict.
    """
    if not isinstance(text, str):
        return None
    lines = [line.strip() for line in text[-MAX_REPLY_CHARS:].splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    tokens = _tokens(lines, words)
    letters = {t.label for t in tokens if t.label is not None}
    scores = {round(t.score, 9) for t in tokens}
    if len(letters) > 1 or len(scores) > 1 or any(t.score < 0 for t in tokens):
        return None  # conflicting verdicts, or an unreadable score: no verdict
    deciding = [t for t in tokens if t.anchored]
    if not deciding:
        return None
    labelled = [t for t in deciding if t.label is not None]
    chosen = labelled[0] if labelled else deciding[0]
    return Reply(chosen.score, chosen.label)
