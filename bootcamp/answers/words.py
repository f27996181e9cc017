"""Answer kinds made of words: yes/no, one option of a fixed set, an exact word or code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from bootcamp.answers._base import Answer, AnswerTask, unwrap
from bootcamp.types import invalid
from bootcamp.verifiers.strings import MAX_STRING_CHARS, check_choice, normalize_text, parse_choice


class YesNo(Answer):
    """``yes`` or ``no`` (any case, an optional final ``.`` or ``!``); ``y``, ``true`` or ``yes or no`` do not parse."""

    instruction = "Answer yes or no in \\boxed{}."
    expects = "yes or no"
    max_chars = 40

    def parse(self, text: str) -> bool | None:
        return {"yes": True, "no": False}.get(unwrap(text).rstrip(".!").strip().lower())

    def matches(self, got: Any, expected: Any) -> bool:
        return got == bool(expected)

    def write(self, expected: Any) -> str:
        return "yes" if expected else "no"

    def near_misses(self, expected: Any) -> list[str]:
        return ["no" if expected else "yes", "yes or no"]


class Choice(Answer):
    """One option of a fixed set, picked by its letter or its full text (:func:`~bootcamp.verifiers.strings.parse_choice`).

    Several letters (``A, C``) are hedging and score 0 with reason ``format``. An
    option number (``2``) does not pick an option: the prompt asks for a letter.
    The expected value is the right letter, or its 0-based index.
    """

    instruction = "Answer with the option's letter in \\boxed{}."
    expects = "one option letter"
    max_chars = MAX_STRING_CHARS

    def __init__(self, options: Sequence[str] | None = None) -> None:
        self.options = list(options) if options else None

    def _by_number(self, text: str) -> bool:
        """True when ``text`` picks an option by its number rather than by its letter or text."""
        if not self.options:
            return False
        folded = normalize_text(text)
        if any(folded == normalize_text(str(o)) for o in self.options):
            return False
        return parse_choice(text, self.options) is not None and parse_choice(text) is None

    def parse(self, text: str) -> str | None:
        return None if self._by_number(text) else parse_choice(text, self.options)

    def compare(self, text: str, expected: Any) -> float:
        if self._by_number(text):
            return invalid(f"expected {self.expects}")
        return check_choice(text, self.write(expected), self.options)

    def write(self, expected: Any) -> str:
        return chr(ord("A") + expected) if isinstance(expected, int) else str(expected).strip().upper()

    def near_misses(self, expected: Any) -> list[str]:
        right = self.write(expected)
        letters = [chr(ord("A") + i) for i in range(len(self.options) if self.options else 4)]
        wrong = [c for c in letters if c != right]
        return wrong + [f"{right}, {wrong[0]}"] if wrong else []


class Text(Answer):
    """A word or code compared exactly after normalisation.

    The rule: :func:`~bootcamp.answers.unwrap`, surrounding quotes or backticks
    dropped, every white-space character dropped, upper-cased; with ``alphabet``,
    any other character makes the answer invalid.
    """

    expects = "a word or code"

    def __init__(self, alphabet: str | None = None, max_chars: int = 2000) -> None:
        self.alphabet = alphabet
        self.max_chars = max_chars

    def normalise(self, text: str) -> str:
        """The comparable form of ``text``."""
        return "".join(unwrap(text).strip("\"'`").split()).upper()

    def parse(self, text: str) -> str | None:
        t = self.normalise(text)
        if not t or (self.alphabet is not None and any(c not in self.alphabet for c in t)):
            return None
        return t

    def matches(self, got: Any, expected: Any) -> bool:
        return bool(got == self.normalise(str(expected)))

    def near_misses(self, expected: Any) -> list[str]:
        text = str(expected)
        idx = [i for i, c in enumerate(text) if c.isalnum()]
        out = []
        if idx:
            i = idx[len(idx) // 2]
            c = text[i]
            repl = ("1" if c == "0" else "0") if c.isdigit() else ("B" if c.upper() == "A" else "A")
            if self.alphabet and repl not in self.alphabet:
                repl = next((a for a in self.alphabet if a.upper() != c.upper()), repl)
            out.append(text[:i] + repl + text[i + 1:])
        return out + [text + (self.alphabet[0] if self.alphabet else "X")]


#: The one yes/no kind every yes/no task uses.
YES_NO = YesNo()


class YesNoTask(AnswerTask):
    """A yes/no question; ``value`` returns a bool."""

    answer_kind = YES_NO


class ChoiceTask(AnswerTask):
    """A multiple-choice question; ``value`` returns the right letter (or 0-based index).

    ``options(identity)`` lists the option texts in letter order, so an answer may
    also state the right option's text; the question shows the options.
    """

    def options(self, identity: dict[str, Any]) -> list[str] | None:
        """The option texts of ``identity`` in letter order (None: letters only)."""
        return None

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Choice(self.options(identity))


class TextTask(AnswerTask):
    """A task whose answer is one word or code (:class:`Text`), optionally over ``alphabet``."""

    alphabet: ClassVar[str | None] = None

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Text(self.alphabet)


__all__ = ["YES_NO", "Choice", "ChoiceTask", "Text", "TextTask", "YesNo", "YesNoTask"]
