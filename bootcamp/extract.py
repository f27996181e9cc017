"""Final-answer extraction from model responses.

The rules: drop everything up to the last ``</think>`` (an unclosed ``<think>``
means the model never answered), judged on the whole response before any cap
cuts it; then the final answers are the
``\\boxed{...}`` groups (nested braces allowed) and ``<answer>...</answer>``
blocks. One answer, or several that agree, is the answer; several that
disagree is hedging and earns nothing. Every scan is linear in the response.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The text after the thinking is cut to its last this-many characters before answers are
#: searched. The cut comes after :func:`strip_thinking` has seen the whole response, so it can
#: never drop a ``<think>`` and leave its unfinished thinking to be read as the answer.
MAX_SCAN_CHARS = 200_000
#: More final answers than this is spam, not an answer.
MAX_ANSWERS = 16
#: A single answer longer than this is not an answer a verifier should parse.
MAX_ANSWER_CHARS = 20_000

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
_OPEN_RE = re.compile(r"<think>", re.IGNORECASE)
_CLOSE_RE = re.compile(r"</think>", re.IGNORECASE)


@dataclass(frozen=True)
class Extraction:
    """What was found: the answer (or None) and why."""

    answer: str | None
    reason: str  # "ok", "no_answer" or "format"

    @property
    def ok(self) -> bool:
        return self.answer is not None


def _last_close(response: str) -> int:
    """Index just after the last ``</think>`` (any case), or -1; linear, without a lowered copy."""
    end = -1
    for m in _CLOSE_RE.finditer(response):
        end = m.end()
    return end


def strip_thinking(response: str) -> str | None:
    """The text after the reasoning block, or None when the block never closes.

    Looks at the whole response, however long: callers cap what it returns
    (:func:`answer_text`), never what it is given, or a cut that drops the
    ``<think>`` would leave unfinished thinking looking like an answer.
    """
    close = _last_close(response)
    if close >= 0:
        return response[close:]
    if _OPEN_RE.search(response):
        return None
    return response


def answer_text(response: str) -> str | None:
    """The part of a response answers are read from: after the thinking, at most :data:`MAX_SCAN_CHARS`.

    None when the thinking never closes, however long the response is.
    """
    text = strip_thinking(response)
    if text is None:
        return None
    return text[-MAX_SCAN_CHARS:] if len(text) > MAX_SCAN_CHARS else text


def _matching_brace(text: str, start: int) -> int:
    """Index of the ``}`` closing the group whose body starts at ``start``; -1 if unclosed."""
    depth = 1
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "{}":
            i += 2  # an escaped brace is content, not structure
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def boxed_answers(text: str, limit: int = MAX_ANSWERS + 1) -> list[str]:
    """All ``\\boxed{...}`` contents in order (at most ``limit``)."""
    found: list[str] = []
    pos = 0
    while len(found) < limit:
        m = _BOX_RE.search(text, pos)
        if m is None:
            break
        end = _matching_brace(text, m.end())
        if end < 0:
            break  # unclosed: nothing after it can close either
        found.append(text[m.end() : end])
        pos = end + 1
    return found


def tagged_answers(text: str, limit: int = MAX_ANSWERS + 1) -> list[str]:
    """All ``<answer>...</answer>`` contents in order (at most ``limit``)."""
    lower = text.lower()
    found: list[str] = []
    pos = 0
    while len(found) < limit:
        start = lower.find("<answer>", pos)
        if start < 0:
            break
        end = lower.find("</answer>", start + 8)
        if end < 0:
            break
        found.append(text[start + 8 : end])
        pos = end + 9
    return found


def _normalise(answer: str) -> str:
    return " ".join(answer.split())


def find_answer(response: object) -> Extraction:
    """Extract the final answer from a response, with the reason when there is none."""
    if not isinstance(response, str) or not response:
        return Extraction(None, "no_answer")
    text = answer_text(response)
    if text is None:
        return Extraction(None, "no_answer")
    answers = boxed_answers(text)
    if len(answers) <= MAX_ANSWERS:
        answers += tagged_answers(text, MAX_ANSWERS + 1 - len(answers))
    if not answers:
        return Extraction(None, "no_answer")
    if len(answers) > MAX_ANSWERS:
        return Extraction(None, "format")
    distinct = {_normalise(a) for a in answers}
    if len(distinct) > 1:
        return Extraction(None, "format")
    answer = answers[-1].strip()
    if not answer:
        return Extraction(None, "no_answer")
    if len(answer) > MAX_ANSWER_CHARS:
        return Extraction(None, "format")
    return Extraction(answer, "ok")


def extract_answer(response: object) -> str | None:
    """The final answer of a response, or None (see :func:`find_answer`)."""
    return find_answer(response).answer


def wrap_answer(answer: str) -> str:
    """Format a reference answer the way the default extractor reads it back."""
    depth = 0
    balanced = True
    for c in answer:
        depth += c == "{"
        depth -= c == "}"
        if depth < 0:
            balanced = False
            break
    if balanced and depth == 0 and "\\boxed" not in answer:
        return f"The final answer is \\boxed{{{answer}}}."
    return f"<answer>{answer}</answer>"
