"""Shared parsing and base classes of the logic tasks (private: not a task module)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.verifiers.numeric import check_number

#: Answers longer than this are rejected before any parsing.
MAX_ANSWER = 4000

GRID_FORMAT = ("Write the completed grid inside <answer></answer>, one row per line, "
               "values separated by spaces (e.g. '1 2 3').")

_INT_RE = re.compile(r"-?\d{1,9}")
_SEP_RE = re.compile(r"[\s,;|]+")


def too_long(answer: object, limit: int = MAX_ANSWER) -> bool:
    """True when ``answer`` is not a string or is over ``limit`` characters."""
    return not isinstance(answer, str) or len(answer) > limit


def strip_wrappers(text: str) -> str:
    """Drop LaTeX text wrappers, dollar signs and surrounding brackets."""
    text = text.strip().strip("$").strip()
    for w in ("\\text{", "\\mathrm{", "\\texttt{"):
        if text.startswith(w) and text.endswith("}"):
            text = text[len(w):-1]
    return text.strip()


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


def parse_int_list(answer: str, max_items: int = 400) -> list[int] | None:
    """Integers separated by spaces, commas, arrows or semicolons, or None."""
    if too_long(answer):
        return None
    text = strip_wrappers(answer).replace("->", ",").replace("→", ",").strip("[](){} .")
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    if not tokens or len(tokens) > max_items or not all(_INT_RE.fullmatch(t) for t in tokens):
        return None
    return [int(t) for t in tokens]


def parse_yes_no(answer: str) -> bool | None:
    if too_long(answer, 40):
        return None
    t = strip_wrappers(answer).strip(".! ").lower()
    if t in ("yes", "y"):
        return True
    if t in ("no", "n"):
        return False
    return None


def norm_text(text: str) -> str:
    """Upper-case, single spaces, no surrounding quotes."""
    return " ".join(strip_wrappers(text).strip("\"'").split()).upper()


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


class IntTask(Task):
    """A task whose answer is one integer; subclasses implement ``value``."""

    answer_hint = "Give the final answer as an integer in \\boxed{}."

    def value(self, identity: dict[str, Any]) -> int:
        raise NotImplementedError

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 200):
            return invalid("answer too long")
        return check_int_strict(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return str(self.value(identity))


class YesNoTask(Task):
    """A yes/no question; subclasses implement ``truth``."""

    answer_hint = "Answer with yes or no in \\boxed{}."

    def truth(self, identity: dict[str, Any]) -> bool:
        raise NotImplementedError

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = parse_yes_no(answer)
        if got is None:
            return invalid("expected yes or no")
        return 1.0 if got == self.truth(identity) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return "yes" if self.truth(identity) else "no"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return ["no" if answer == "yes" else "yes"]


class TextTask(Task):
    """An exact text answer compared after normalisation (case, spaces); subclasses implement ``text``."""

    def text(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def normalise(self, text: str) -> str:
        return norm_text(text)

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer):
            return invalid("answer too long")
        got = self.normalise(answer)
        if not got:
            return invalid("empty answer")
        return 1.0 if got == self.normalise(self.text(identity)) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return self.text(identity)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return text_variants(answer)


def text_variants(answer: str) -> list[str]:
    """One character changed, and the last two letters swapped when they differ."""
    out = []
    idx = [i for i, c in enumerate(answer) if c.isalnum()]
    if idx:
        i = idx[len(idx) // 2]
        c = answer[i]
        repl = "B" if c.upper() == "A" else "A"
        if c.isdigit():
            repl = "1" if c == "0" else "0"
        out.append(answer[:i] + repl + answer[i + 1:])
    out.append(answer + "X")
    return out


# -- table-driven families: one class, one id per op ------------------------------------
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _check_int(answer: str, expected: Any) -> float:
    return check_int_strict(answer, int(expected))


def check_int_strict(answer: str, expected: int) -> float:
    """1.0 for exactly the integer ``expected`` (thousands commas and spaces allowed); no expressions."""
    if too_long(answer, 200):
        return invalid("answer too long")
    t = strip_wrappers(answer).replace("−", "-").replace(",", "").replace(" ", "").rstrip(".")
    if "=" in t:
        t = t.rsplit("=", 1)[1]
    if not re.fullmatch(r"[-+]?\d{1,60}", t) or re.fullmatch(r"[-+]0+", t):
        return invalid("expected an integer")  # a signed zero is not a plain integer answer
    return 1.0 if int(t) == expected else Score(0.0)


def _check_text(answer: str, expected: Any) -> float:
    if too_long(answer, 2000):
        return invalid("answer too long")
    got = "".join(norm_text(answer).split())
    if not got or not re.fullmatch(r"[A-Z0-9_.,:+\-]+", got):
        return invalid("expected letters and digits")
    return 1.0 if got == "".join(str(expected).upper().split()) else Score(0.0)


def _check_radix(answer: str, expected: Any) -> float:
    """Digits in some base: case, spaces, underscores, a 0x/0b/0o prefix and leading zeros do not matter."""
    if too_long(answer, 300):
        return invalid("answer too long")
    got = "".join(norm_text(answer).replace("_", "").split())
    if got[:2] in ("0X", "0B", "0O"):
        got = got[2:]
    if not got or not got.isalnum():
        return invalid("expected digits")
    return 1.0 if (got.lstrip("0") or "0") == (str(expected).upper().lstrip("0") or "0") else Score(0.0)


def _check_yesno(answer: str, expected: Any) -> float:
    got = parse_yes_no(answer)
    if got is None:
        return invalid("expected yes or no")
    return 1.0 if got == bool(expected) else Score(0.0)


def _check_bool(answer: str, expected: Any) -> float:
    if too_long(answer, 40):
        return invalid("answer too long")
    t = strip_wrappers(answer).strip(". ").lower()
    got = {"true": True, "t": True, "1": True, "false": False, "f": False, "0": False}.get(t)
    if got is None:
        return invalid("expected true or false")
    return 1.0 if got == bool(expected) else Score(0.0)


def _check_weekday(answer: str, expected: Any) -> float:
    if too_long(answer, 60):
        return invalid("answer too long")
    t = strip_wrappers(answer).strip(". ").lower()
    hits = [d for d in _WEEKDAYS if t == d or (len(t) >= 3 and d.startswith(t))]
    if len(hits) != 1:
        return invalid("expected a weekday name")
    return 1.0 if hits[0] == str(expected).lower() else Score(0.0)


def _check_date(answer: str, expected: Any) -> float:
    if too_long(answer, 60):
        return invalid("answer too long")
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", strip_wrappers(answer).strip(". "))
    if not m:
        return invalid("expected a date YYYY-MM-DD")
    got = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return 1.0 if got == expected else Score(0.0)


def _check_time(answer: str, expected: Any) -> float:
    if too_long(answer, 40):
        return invalid("answer too long")
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", strip_wrappers(answer).strip(". "))
    if not m:
        return invalid("expected a time HH:MM")
    return 1.0 if f"{int(m.group(1)):02d}:{m.group(2)}" == expected else Score(0.0)


def _check_float(answer: str, expected: Any) -> float:
    if too_long(answer, 200):
        return invalid("answer too long")
    return check_number(strip_wrappers(answer), float(expected), rel_tol=0.0, abs_tol=0.01)


def _perturb_weekday(expected: Any) -> list[str]:
    i = _WEEKDAYS.index(str(expected).lower())
    return [_WEEKDAYS[(i + 1) % 7].capitalize(), _WEEKDAYS[(i + 3) % 7]]


def _perturb_date(expected: Any) -> list[str]:
    y, m, d = (int(x) for x in str(expected).split("-"))
    return [f"{y:04d}-{m:02d}-{d % 28 + 1:02d}", f"{y + 1:04d}-{m:02d}-{d:02d}"]


def _perturb_time(expected: Any) -> list[str]:
    h, m = (int(x) for x in str(expected).split(":"))
    return [f"{h:02d}:{(m + 1) % 60:02d}", f"{(h + 1) % 24:02d}:{m:02d}"]


def _perturb_float(expected: Any) -> list[str]:
    v = float(expected)
    return [f"{v + 0.5:g}", f"{v * 2 + 1:g}"]


def _perturb_int(expected: Any) -> list[str]:
    v = int(expected)
    return [str(v + 1), str(v - 1), str(-v - 3)]


#: answer kind -> (checker, answer instruction, near-miss maker)
KINDS: dict[str, tuple[Callable[[str, Any], float], str, Callable[[Any], list[str]]]] = {
    "int": (_check_int, "Give the final answer as an integer in \\boxed{}.", _perturb_int),
    "text": (_check_text, "Put the final answer in \\boxed{}.", lambda e: text_variants(str(e))),
    "radix": (_check_radix, "Give the digits (no prefix) in \\boxed{}.", lambda e: text_variants(str(e))[:1]),
    "yesno": (_check_yesno, "Answer yes or no in \\boxed{}.", lambda e: ["no" if e else "yes"]),
    "bool": (_check_bool, "Answer true or false in \\boxed{}.", lambda e: ["false" if e else "true"]),
    "weekday": (_check_weekday, "Give the weekday name (e.g. Monday) in \\boxed{}.", _perturb_weekday),
    "date": (_check_date, "Give the date as YYYY-MM-DD in \\boxed{}.", _perturb_date),
    "time": (_check_time, "Give the time as HH:MM (24-hour clock) in \\boxed{}.", _perturb_time),
    "float": (_check_float, "Give the number in \\boxed{} (within 0.01).", _perturb_float),
}


class Op:
    """One question of a table-driven family."""

    def __init__(self, gen: Callable[[random.Random], dict[str, Any]], question: Callable[[dict[str, Any]], str],
                 answer: Callable[[dict[str, Any]], Any], kind: str = "int", description: str = "") -> None:
        self.gen, self.question, self.answer, self.kind, self.description = gen, question, answer, kind, description


class TableTask(Task):
    """A family of small computed questions; ``params['op']`` picks one ``Op`` of ``table``."""

    table: dict[str, Op] = {}
    default_params: dict[str, Any] = {"op": ""}

    def _op(self) -> Op:
        return self.table[self.params["op"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return self._op().gen(rng)

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{self._op().question(identity)} {KINDS[self._op().kind][1]}"

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return KINDS[self._op().kind][0](answer, self._op().answer(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        value = self._op().answer(identity)
        if self._op().kind == "yesno":
            return "yes" if value else "no"
        if self._op().kind == "bool":
            return "true" if value else "false"
        return str(value)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        value = self._op().answer(identity)
        return [p for p in KINDS[self._op().kind][2](value) if p.strip().upper() != answer.strip().upper()]


def register_table(registry: Any, cls: type[TableTask], prefix: str = "logic/") -> None:
    """Register every op of ``cls.table`` under ``prefix + op``."""
    for name, op in cls.table.items():
        registry.register(cls, prefix + name, {"op": name}, op.description or cls.description)
