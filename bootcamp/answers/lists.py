"""List answer kinds: an ordered sequence or an unordered set of items of one kind."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, ClassVar

from bootcamp.answers._base import Answer, AnswerTask, unwrap
from bootcamp.answers.numbers import INTEGER, Integer

_EMPTY = {"none", "empty", "\\emptyset", "\\varnothing", "∅"}
_SEPARATOR = re.compile(r"\s*(?:(?:[,;]|->|→)\s*(?:and\b)?|\band\b)\s*", re.I)
_OPEN, _CLOSE = "([{", ")]}"


def _wrapped(t: str) -> bool:
    """True when the first bracket closes at the very end, as in [a, b] (not in (NH4)2SO4 or (1) (2))."""
    if len(t) < 2 or t[0] not in _OPEN or t[-1] != _CLOSE[_OPEN.index(t[0])]:
        return False
    depth = 0
    for i, c in enumerate(t):
        depth += (c in _OPEN) - (c in _CLOSE)
        if depth == 0:
            return i == len(t) - 1
    return False


def split_items(text: object, max_items: int = 500, max_chars: int = 10_000) -> list[str] | None:
    """The items of a list answer, or None when it is not one.

    The rule: :func:`~bootcamp.answers.unwrap`, then one pair of brackets around
    the whole list (``[..]``, ``(..)``, ``{..}``, ``\\{..\\}``) is dropped. Items are
    separated by commas, semicolons, arrows (``->``, ``→``) or ``and``; with none of
    those, by white space. An empty item (``1,,2`` or a trailing comma) makes the
    answer invalid. ``none``, ``empty``, ``\\emptyset`` or empty brackets are the
    empty list; an empty answer is not.
    """
    if not isinstance(text, str) or len(text) > max_chars:
        return None
    t = unwrap(text).replace("\\{", "{").replace("\\}", "}").replace("\\left", "").replace("\\right", "").strip()
    if t.lower() in _EMPTY:
        return []
    if _wrapped(t):
        t = t[1:-1].strip()
        if not t or t.lower() in _EMPTY:
            return []
    if not t:
        return None
    parts = _SEPARATOR.split(t) if _SEPARATOR.search(t) else t.split()
    if len(parts) > max_items or any(not p.strip() for p in parts):
        return None
    return [p.strip() for p in parts]


class Sequence(Answer):
    """An ordered list of items of one kind (each item parsed by ``item``'s rule; see :func:`split_items`)."""

    def __init__(self, item: Answer = INTEGER, max_items: int = 500, noun: str = "items") -> None:
        self.item, self.max_items, self.noun = item, max_items, noun
        self.expects = f"a list of {noun}"
        self.max_chars = 10_000

    @property
    def instruction(self) -> str:  # type: ignore[override]
        return f"Give the {self.noun} in order, separated by commas, in \\boxed{{}}."

    def parse(self, text: str) -> list[Any] | None:
        items = split_items(text, self.max_items, self.max_chars)
        if items is None:
            return None
        values = [self.item.parse(i) if len(i) <= self.item.max_chars else None for i in items]
        return None if any(v is None for v in values) else values

    def matches(self, got: Any, expected: Any) -> bool:
        return len(got) == len(expected) and all(self.item.matches(g, e) for g, e in zip(got, expected, strict=True))

    def write(self, expected: Any) -> str:
        return ", ".join(self.item.write(e) for e in expected) or "none"

    def near_misses(self, expected: Any) -> list[str]:
        items = list(expected)
        out = [self.write(items[:-1]), self.item.write(0) if not items else "none"]
        changed = self.item.near_misses(items[0]) if items else []
        if changed:
            out.append(", ".join([changed[0]] + [self.item.write(e) for e in items[1:]]))
        out += [self.write(items[::-1]), self.write(items + items[:1])]
        return [w for w in dict.fromkeys(out) if self.check(w, expected) < 1.0]


class Set(Sequence):
    """An unordered list of items of one kind, compared as a multiset: order does not matter, repeats do."""

    @property
    def instruction(self) -> str:  # type: ignore[override]
        return f"List the {self.noun}, separated by commas and in any order, in \\boxed{{}}."

    def matches(self, got: Any, expected: Any) -> bool:
        if len(got) != len(expected):
            return False
        if isinstance(self.item, Integer):  # hashable values: count them instead of pairing them
            return Counter(got) == Counter(e if isinstance(e, int) else int(round(float(e))) for e in expected)
        left = list(got)
        for e in expected:
            hit = next((i for i, g in enumerate(left) if self.item.matches(g, e)), None)
            if hit is None:
                return False
            left.pop(hit)
        return True


class SequenceTask(AnswerTask):
    """A task whose answer is an ordered list; ``value`` returns the list, ``item_kind`` the kind of its items."""

    item_kind: ClassVar[Answer] = INTEGER
    noun: ClassVar[str] = "items"

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Sequence(self.item_kind, noun=self.noun)


class SetTask(SequenceTask):
    """A task whose answer is an unordered list (a multiset); ``value`` returns the items."""

    def answer_type(self, identity: dict[str, Any]) -> Answer:
        return Set(self.item_kind, noun=self.noun)


__all__ = ["Sequence", "SequenceTask", "Set", "SetTask", "split_items"]
