"""The answer-kind protocol and the task base class built on it."""

from __future__ import annotations

from typing import Any, ClassVar

from bootcamp.task import Task
from bootcamp.types import Score, invalid
from bootcamp.verifiers.strings import unwrap

__all__ = ["Answer", "AnswerTask", "unwrap"]

class Answer:
    """One kind of answer: how the prompt asks for it, one parsing rule, one comparison.

    Subclasses implement :meth:`parse` (text to a value, or None) and may override
    :meth:`matches`, :meth:`write` and :meth:`near_misses` (or :meth:`compare`, to
    score with one verifier primitive). :meth:`check` never raises on model
    output: an answer over ``max_chars`` or one that does not parse scores
    ``invalid``; a parsed answer that does not match scores 0 with reason ``wrong``.
    """

    #: The sentence a prompt ends with.
    instruction: str = "Put the final answer in \\boxed{}."
    #: What the answer should have been, for the reason of an invalid answer.
    expects: str = "an answer"
    #: Longer answers are not parsed at all.
    max_chars: int = 200

    def parse(self, text: str) -> Any | None:
        """The value ``text`` states, or None when it does not follow this kind's rule."""
        raise NotImplementedError

    def matches(self, got: Any, expected: Any) -> bool:
        """True when the parsed answer ``got`` is the expected value."""
        return bool(got == expected)

    def check(self, text: object, expected: Any) -> float:
        """1.0 when ``text`` parses to ``expected``; 0 with a reason otherwise. Never raises on ``text``."""
        if not isinstance(text, str) or len(text) > self.max_chars:
            return invalid(f"expected {self.expects}")
        return self.compare(text, expected)

    def compare(self, text: str, expected: Any) -> float:
        """Score an answer of at most ``max_chars`` characters: parse it, then match it."""
        got = self.parse(text)
        if got is None:
            return invalid(f"expected {self.expects}")
        return 1.0 if self.matches(got, expected) else Score(0.0, "wrong")

    def write(self, expected: Any) -> str:
        """The reference answer text of ``expected``."""
        return str(expected)

    def near_misses(self, expected: Any) -> list[str]:
        """Answers close to ``expected`` that must not score 1.0."""
        return []


class AnswerTask(Task):
    """A task whose answer is one value of one :class:`Answer` kind.

    Subclasses implement ``generate``, ``question(identity)`` and ``value(identity)``
    (the expected answer) and set ``answer_kind`` (or override :meth:`answer_type`);
    ``prompt``, ``check``, ``solve`` and ``perturb`` follow. The prompt is the
    question, a blank line and the kind's instruction (override :meth:`instruction`
    to word it differently).
    """

    #: The answer kind of every problem of the task.
    answer_kind: ClassVar[Answer | None] = None

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        """The answer kind of the problem ``identity``."""
        if self.answer_kind is None:
            raise NotImplementedError(f"{type(self).__name__} sets no answer_kind")
        return self.answer_kind

    def question(self, identity: dict[str, Any]) -> str:
        """The question, without the answer-format instruction."""
        raise NotImplementedError

    def value(self, identity: dict[str, Any]) -> Any:
        """The expected answer of ``identity``."""
        raise NotImplementedError

    def instruction(self, identity: dict[str, Any]) -> str:
        """How the prompt asks for the answer."""
        return self.answer_type(identity).instruction

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self.question(identity)}\n\n{self.instruction(identity)}"

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return self.answer_type(identity).check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return self.answer_type(identity).write(self.value(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        misses = self.answer_type(identity).near_misses(self.value(identity))
        return [m for m in misses if m.strip() != answer.strip()]
