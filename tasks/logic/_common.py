"""Shared pieces of the logic tasks (private: not a task module).

Grid parsing, the logic-only answer kinds (digits in a base, truth values,
weekdays, dates, times) and the table-driven base class. Integers, numbers,
yes/no, words and lists use the SDK's answer types (:mod:`bootcamp.answers`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any, ClassVar

from bootcamp.answers import INTEGER, YES_NO, Answer, AnswerTask, Number, Sequence, Text, unwrap

#: Answers longer than this are rejected before any parsing.
MAX_ANSWER = 4000

GRID_FORMAT = ("Write the completed grid inside <answer></answer>, one row per line, "
               "values separated by spaces (e.g. '1 2 3').")

#: How logic prompts ask for an integer answer.
INT_HINT = "Give the final answer as an integer in \\boxed{}."

_INT_RE = re.compile(r"-?\d{1,9}")
_TEXT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,:+-"
_SEP_RE = re.compile(r"[\s,;|]+")


def too_long(answer: object, limit: int = MAX_ANSWER) -> bool:
    """True when ``answer`` is not a string or is over ``limit`` characters."""
    return not isinstance(answer, str) or len(answer) > limit


def parse_grid(answer: str, rows: int, cols: int) -> list[list[int]] | None:
    """A ``rows`` x ``cols`` grid of integers, read leniently, or None.

    Rows are lines (or ``/``/``;``-separated); cells are separated by spaces or
    commas, or are single digits written together (``123``).
    """
    if too_long(answer):
        return None
    text = answer.replace("[", " ").replace("]", " ").replace("(", " ").replace(")", " ")
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip(" \t,;|")]
    if len(lines) == 1 and rows > 1:
        lines = [p for p in re.split(r"[;/]", lines[0]) if p.strip(" ,|")]
    if len(lines) != rows:
        return None
    grid = []
    for line in lines:
        line = line.strip(" ,;|")
        if re.fullmatch(r"\d+", line) and len(line) == cols:
            row = [int(c) for c in line]
        else:
            tokens = [t for t in _SEP_RE.split(line) if t]
            if len(tokens) != cols or not all(_INT_RE.fullmatch(t) for t in tokens):
                return None
            row = [int(t) for t in tokens]
        grid.append(row)
    return grid


def parse_char_grid(answer: str, rows: int, cols: int, alphabet: str) -> list[str] | None:
    """A grid of single characters from ``alphabet`` (spaces ignored), or None."""
    if too_long(answer):
        return None
    lines = [ln.replace(" ", "").replace(",", "").replace("|", "") for ln in answer.strip().splitlines()]
    lines = [ln for ln in lines if ln]
    if len(lines) == 1 and rows > 1:
        lines = [p for p in re.split(r"[;/]", lines[0]) if p]
    if len(lines) != rows or any(len(ln) != cols or any(c not in alphabet for c in ln) for ln in lines):
        return None
    return lines


def grid_text(grid: list[list[int]]) -> str:
    return "\n".join(" ".join(str(v) for v in row) for row in grid)


def changed_cell_variants(grid: list[list[int]], values: list[int], rng: random.Random) -> list[str]:
    """The grid with one cell changed, and with two differing cells of a row swapped."""
    out = []
    r, c = rng.randrange(len(grid)), rng.randrange(len(grid[0]))
    g = [row[:] for row in grid]
    g[r][c] = rng.choice([v for v in values if v != g[r][c]])
    out.append(grid_text(g))
    for row_i, row in enumerate(grid):
        js = [j for j in range(len(row)) if row[j] != row[0]]
        if js:
            g = [x[:] for x in grid]
            g[row_i][0], g[row_i][js[0]] = g[row_i][js[0]], g[row_i][0]
            out.append(grid_text(g))
            break
    return out


# -- table-driven families: one class, one id per op ------------------------------------
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Radix(Text):
    """Digits in some base: case, spaces, underscores, a 0x/0b/0o prefix and leading zeros do not matter."""

    expects = "digits"

    def __init__(self) -> None:
        super().__init__(max_chars=300)

    def normalise(self, text: str) -> str:
        t = super().normalise(text).replace("_", "")
        if t[:2] in ("0X", "0B", "0O"):
            t = t[2:]
        return (t.lstrip("0") or "0") if t.isalnum() else t

    def parse(self, text: str) -> str | None:
        t = self.normalise(text)
        return t if t and t.isalnum() else None

    def near_misses(self, expected: Any) -> list[str]:
        return super().near_misses(expected)[:1]


class TruthValue(Answer):
    """``true`` or ``false`` (also ``t``/``f``/``1``/``0``)."""

    expects = "true or false"
    max_chars = 40

    def parse(self, text: str) -> bool | None:
        word = unwrap(text).strip(". ").lower()
        return {"true": True, "t": True, "1": True, "false": False, "f": False, "0": False}.get(word)

    def matches(self, got: Any, expected: Any) -> bool:
        return got == bool(expected)

    def write(self, expected: Any) -> str:
        return "true" if expected else "false"

    def near_misses(self, expected: Any) -> list[str]:
        return ["false" if expected else "true"]


class Weekday(Answer):
    """A weekday name, or an unambiguous prefix of at least three letters."""

    expects = "a weekday name"
    max_chars = 60

    def parse(self, text: str) -> str | None:
        t = unwrap(text).strip(". ").lower()
        hits = [d for d in _WEEKDAYS if t == d or (len(t) >= 3 and d.startswith(t))]
        return hits[0] if len(hits) == 1 else None

    def matches(self, got: Any, expected: Any) -> bool:
        return got == str(expected).lower()

    def near_misses(self, expected: Any) -> list[str]:
        i = _WEEKDAYS.index(str(expected).lower())
        return [_WEEKDAYS[(i + 1) % 7].capitalize(), _WEEKDAYS[(i + 3) % 7]]


class Stamp(Answer):
    """A date or time written in one numeric pattern; parsed to its zero-padded form."""

    max_chars = 60

    def __init__(self, pattern: str, form: str, expects: str) -> None:
        self.pattern, self.form, self.expects = re.compile(pattern), form, expects

    def parse(self, text: str) -> str | None:
        m = self.pattern.fullmatch(unwrap(text).strip(". "))
        return self.form.format(*(int(g) for g in m.groups())) if m else None

    def near_misses(self, expected: Any) -> list[str]:
        parts = [int(x) for x in re.split(r"[-:]", str(expected))]
        if len(parts) == 3:  # a date
            y, m, d = parts
            return [f"{y:04d}-{m:02d}-{d % 28 + 1:02d}", f"{y + 1:04d}-{m:02d}-{d:02d}"]
        h, m = parts
        return [f"{h:02d}:{(m + 1) % 60:02d}", f"{(h + 1) % 24:02d}:{m:02d}"]


class IntRow(Sequence):
    """Integers in order; the reference is written separated by spaces."""

    def write(self, expected: Any) -> str:
        return " ".join(str(v) for v in expected)


_DATE = Stamp(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", "{:04d}-{:02d}-{:02d}", "a date YYYY-MM-DD")
_TIME = Stamp(r"(\d{1,2}):(\d{2})", "{:02d}:{:02d}", "a time HH:MM")

#: Answer kind of a table op -> (the kind, how the prompt asks for it).
KINDS: dict[str, tuple[Answer, str]] = {
    "int": (INTEGER, INT_HINT),
    "ints": (IntRow(INTEGER, max_items=50), "Put the final answer in \\boxed{}."),
    "text": (Text(_TEXT_ALPHABET), "Put the final answer in \\boxed{}."),
    "radix": (Radix(), "Give the digits (no prefix) in \\boxed{}."),
    "yesno": (YES_NO, "Answer yes or no in \\boxed{}."),
    "bool": (TruthValue(), "Answer true or false in \\boxed{}."),
    "weekday": (Weekday(), "Give the weekday name (e.g. Monday) in \\boxed{}."),
    "date": (_DATE, "Give the date as YYYY-MM-DD in \\boxed{}."),
    "time": (_TIME, "Give the time as HH:MM (24-hour clock) in \\boxed{}."),
    "float": (Number(0.0, 0.01), "Give the number in \\boxed{} (within 0.01)."),
}


#: The scales of a table family's levels (level L draws at scale L); scale 3 is the family as first registered.
SCALES = (1, 2, 3, 4, 5)
DEFAULT_SCALE = 3


def pick(scale: int, values: tuple[Any, ...]) -> Any:
    """The value of ``values`` (one per scale 1..5) for ``scale``."""
    return values[min(max(int(scale), 1), len(values)) - 1]


def data_size(value: Any) -> float:
    """Symbols in a problem's data: digits of each integer, characters of each string, summed over lists and
    dicts (their keys are names, not data). A generic complexity measure: bigger operands, longer texts
    and more items all count."""
    if isinstance(value, bool):
        return 1.0
    if isinstance(value, int):
        return float(len(str(abs(value))))
    if isinstance(value, float):
        return float(len(f"{abs(value):g}".replace(".", "")))
    if isinstance(value, str):
        return float(len(value))
    if isinstance(value, dict):
        return sum(data_size(v) for k, v in value.items() if k != "level")
    if isinstance(value, list | tuple):
        return sum(data_size(v) for v in value)
    return 0.0


class Op:
    """One question of a table-driven family.

    ``gen(rng, scale)`` draws an identity at a scale (1..5, 3 the family's default); ``cx(identity)``
    measures a problem's complexity (default: the family's measure).
    """

    def __init__(self, gen: Callable[[random.Random, int], dict[str, Any]], question: Callable[[dict[str, Any]], str],
                 answer: Callable[[dict[str, Any]], Any], kind: str = "int", description: str = "",
                 cx: Callable[[dict[str, Any]], float] | None = None) -> None:
        self.gen, self.question, self.answer, self.kind, self.description = gen, question, answer, kind, description
        self.cx = cx


class TableTask(AnswerTask):
    """A family of small computed questions; ``params['op']`` picks one ``Op`` of ``table``.

    Levels set ``scale`` (1..5): each op's generator reads it and draws bigger operands, longer texts or
    larger structures. Scale 3 is the default level.
    """

    version = 3

    table: dict[str, Op] = {}
    default_params: dict[str, Any] = {"op": "", "scale": DEFAULT_SCALE}
    levels: ClassVar[tuple[dict[str, Any], ...]] = tuple({"scale": s} for s in SCALES)
    default_level: ClassVar[int | None] = DEFAULT_SCALE

    def _op(self) -> Op:
        return self.table[self.params["op"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return self._op().gen(rng, self.params["scale"])

    def complexity(self, identity: dict[str, Any]) -> float:
        """The op's own measure, else :meth:`measure` (the family's)."""
        cx = self._op().cx
        return float(cx(identity) if cx is not None else self.measure(identity))

    def measure(self, identity: dict[str, Any]) -> float:
        """The family's complexity measure; by default the symbols of the problem's data (:func:`data_size`)."""
        return data_size(identity)

    def answer_type(self, identity: dict[str, Any] | None = None) -> Answer:
        """The answer kind of the task's op."""
        return KINDS[self._op().kind][0]

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self._op().question(identity)} {KINDS[self._op().kind][1]}"

    def value(self, identity: dict[str, Any]) -> Any:
        return self._op().answer(identity)


def register_table(registry: Any, cls: type[TableTask], prefix: str = "logic/") -> None:
    """Register every op of ``cls.table`` under ``prefix + op``."""
    for name, op in cls.table.items():
        registry.register(cls, prefix + name, {"op": name}, op.description or cls.description)
