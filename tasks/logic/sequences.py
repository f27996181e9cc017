"""Sequence puzzles: the next (or a missing) term of a sequence from a stated rule family."""

from __future__ import annotations

import math
from typing import Any

from tasks.logic._common import Op, TableTask, pick, register_table

_SHOWN = 6
_PRIMES = [p for p in range(2, 12000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _terms(fn: Any, c: list[int], count: int) -> list[int]:
    return [fn(c, n) for n in range(count)]


def _recur(c: list[int], n: int, step: Any, start: int) -> int:
    vals = list(c[:start])
    while len(vals) <= n:
        vals.append(step(c, vals))
    return vals[n]


def _pm(r: Any, lo: int, hi: int) -> int:
    return r.choice([-1, 1]) * r.randint(lo, hi)


def _k(s: int) -> int:
    """How much a scale widens a family's coefficients (scale 3 draws as the family first did)."""
    return pick(s, (1, 2, 3, 10, 100))


def _old_or(s: int, old: Any, new: Any) -> Any:
    return old() if s == 3 else new()


# interleaved progressions: start and step ranges by scale (scale 3 is the family as first drawn)
_IL_START, _IL_DOWN, _IL_UP = (15, 20, 30, 300, 3000), (4, 5, 6, 60, 600), (6, 7, 9, 90, 900)

# name -> (coefficients(rng, scale), term(c, n), how the rule is stated)
_FAMILIES: dict[str, tuple[Any, Any, str]] = {
    "arithmetic": (lambda r, s: [r.randint(-pick(s, (500, 2000, 10**4, 10**5, 10**7)),
                                           pick(s, (500, 2000, 10**4, 10**5, 10**7))),
                                 _pm(r, 2, pick(s, (30, 100, 500, 5000, 10**5)))],
                   lambda c, n: c[0] + c[1] * n, "an arithmetic progression"),
    "geometric": (lambda r, s: [_pm(r, 1, pick(s, (2500, 5000, 10**4, 10**5, 10**6))),
                                r.choice(pick(s, ([-3, -2, 2, 3, 4, 5],) * 3 + ([-5, -4, -3, 3, 4, 5, 6, 7],
                                                                               [-9, -7, -6, 6, 7, 8, 9, 11])))],
                  lambda c, n: c[0] * c[1] ** n, "a geometric progression with an integer ratio"),
    "quadratic": (lambda r, s: [_pm(r, 1, pick(s, (3, 6, 12, 30, 100))), r.randint(-pick(s, (20, 30, 50, 200, 1000)),
                                                                                  pick(s, (20, 30, 50, 200, 1000))),
                                r.randint(-pick(s, (50, 100, 200, 1000, 10**4)), pick(s, (50, 100, 200, 1000, 10**4)))],
                  lambda c, n: c[0] * n * n + c[1] * n + c[2], "a(n) = p*n^2 + q*n + r (a quadratic in n)"),
    "cubic": (lambda r, s: _old_or(s, lambda: [r.randint(1, 3), r.randint(-5, 5), r.randint(-10, 10), r.randint(-20, 20)],
                                   lambda: [r.randint(1, pick(s, (1, 2, 3, 8, 30))),
                                            r.randint(-pick(s, (4, 5, 5, 50, 500)), pick(s, (4, 5, 5, 50, 500))),
                                            r.randint(-pick(s, (6, 8, 10, 100, 1000)), pick(s, (6, 8, 10, 100, 1000))),
                                            r.randint(-pick(s, (50, 30, 20, 1000, 10**4)),
                                                      pick(s, (50, 30, 20, 1000, 10**4)))]),
              lambda c, n: c[0] * n ** 3 + c[1] * n * n + c[2] * n + c[3], "a cubic polynomial in n"),
    "fibonacci_like": (lambda r, s: [r.randint(-pick(s, (100, 300, 1000, 10**4, 10**6)), pick(s, (100, 300, 1000, 10**4,
                                                                                                10**6))),
                                     r.randint(1, pick(s, (100, 300, 1000, 10**4, 10**6)))],
                       lambda c, n: _recur(c, n, lambda c, v: v[-1] + v[-2], 2),
                       "each term is the sum of the two before it"),
    "tribonacci_like": (lambda r, s: [r.randint(0, pick(s, (20, 50, 100, 1000, 10**5))),
                                      r.randint(0, pick(s, (20, 50, 100, 1000, 10**5))),
                                      r.randint(1, pick(s, (40, 100, 200, 2000, 10**5)))],
                        lambda c, n: _recur(c, n, lambda c, v: v[-1] + v[-2] + v[-3], 3),
                        "each term is the sum of the three before it"),
    "linear_recurrence": (lambda r, s: [r.randint(1, pick(s, (200, 500, 1000, 10**4, 10**5))),
                                        r.choice(pick(s, ([2, 3, -2],) * 3 + ([2, 3, 4, -2, -3], [3, 4, 5, -3, -4, -5]))),
                                        r.randint(-pick(s, (30, 100, 300, 3000, 10**5)), pick(s, (30, 100, 300, 3000,
                                                                                                 10**5)))],
                          lambda c, n: _recur(c[:1], n, lambda _, v: c[1] * v[-1] + c[2], 1),
                          "a(n) = p*a(n-1) + q for fixed integers p and q"),
    "alternating_ops": (lambda r, s: [r.randint(1, pick(s, (100, 300, 1000, 10**4, 10**5))),
                                      r.randint(1, pick(s, (100, 300, 1000, 10**4, 10**5))),
                                      r.choice(pick(s, ([2, 3], [2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6, 7],
                                                        [6, 7, 8, 9, 11, 12])))],
                        lambda c, n: _recur(c[:1], n, lambda _, v: v[-1] + c[1] if len(v) % 2 else v[-1] * c[2], 1),
                        "the steps alternate between adding a fixed number and multiplying by a fixed number"),
    "interleaved": (lambda r, s: _old_or(s, lambda: [r.randint(1, 30), r.randint(-6, 9), r.randint(1, 30),
                                                     r.randint(-6, 9)],
                                         lambda: [r.randint(1, pick(s, _IL_START)), r.randint(-pick(s, _IL_DOWN), pick(s, _IL_UP)),
                                                  r.randint(1, pick(s, _IL_START)),
                                                  r.randint(-pick(s, _IL_DOWN), pick(s, _IL_UP))]),
                    lambda c, n: c[0] + c[1] * (n // 2) if n % 2 == 0 else c[2] + c[3] * (n // 2),
                    "two arithmetic progressions interleaved (odd and even positions)"),
    "power_offset": (lambda r, s: [r.randint(2, pick(s, (5, 6, 7, 9, 13))),
                                   r.randint(-pick(s, (2000, 5000, 10**4, 10**5, 10**6)), pick(s, (2000, 5000, 10**4,
                                                                                                  10**5, 10**6))),
                                   r.randint(0, pick(s, (2, 3, 3, 5, 8)))],
                     lambda c, n: c[0] ** (n + c[2]) + c[1], "a(n) = b^(n+s) + k for fixed integers b, s and k"),
    "factorial_like": (lambda r, s: [r.randint(1, pick(s, (2000, 5000, 10**4, 10**5, 10**6))),
                                     r.randint(1, pick(s, (12, 15, 20, 40, 80)))],
                       lambda c, n: _recur(c[:1], n, lambda _, v: v[-1] * (len(v) + c[1]), 1),
                       "a(n) = a(n-1) * (n + k) for a fixed integer k (n counted from 0)"),
    "prime_offset": (lambda r, s: [r.randint(0, pick(s, (150, 200, 300, 600, 1200))),
                                   r.randint(-pick(s, (300, 1000, 3000, 10**4, 10**5)), pick(s, (300, 1000, 3000,
                                                                                                10**4, 10**5)))],
                     lambda c, n: _PRIMES[c[0] + n] + c[1], "consecutive prime numbers plus a fixed offset"),
    "increasing_differences": (lambda r, s: [r.randint(-pick(s, (300, 1000, 3000, 10**4, 10**6)),
                                                       pick(s, (300, 1000, 3000, 10**4, 10**6))),
                                             r.randint(1, pick(s, (20, 50, 100, 1000, 10**4))),
                                             r.randint(1, pick(s, (6, 10, 20, 100, 1000)))],
                               lambda c, n: c[0] + c[1] * n + c[2] * n * (n - 1) // 2,
                               "the differences between consecutive terms grow by the same amount each step"),
}


def _digits_cx(fn: Any) -> Any:
    """Digits of the terms a solver reads and writes (the shown ones and the answer), as log10 sizes."""
    return lambda i: float(sum(math.log10(1 + abs(t)) for t in _terms(fn, i["c"], _SHOWN + 1)))


def _next_op(name: str) -> Op:
    rule, fn, family = _FAMILIES[name]
    return Op(lambda r, s: {"c": rule(r, s)},
              lambda i: f"The sequence {', '.join(map(str, _terms(fn, i['c'], _SHOWN)))}, ... follows this rule: "
              f"{family}. What is the next term?",
              lambda i: fn(i["c"], _SHOWN), "int", f"Next term of a sequence: {family}.", _digits_cx(fn))


def _missing_op(name: str) -> Op:
    rule, fn, family = _FAMILIES[name]

    def shown(i: dict[str, Any]) -> str:
        terms = [str(t) for t in _terms(fn, i["c"], _SHOWN + 1)]
        terms[i["gap"]] = "?"
        return ", ".join(terms)

    return Op(lambda r, s: {"c": rule(r, s), "gap": r.randint(1, _SHOWN - 1)},
              lambda i: f"One term of the sequence {shown(i)} is missing. The rule: {family}. What is the missing term?",
              lambda i: fn(i["c"], i["gap"]), "int", f"Missing term of a sequence: {family}.", _digits_cx(fn))


def _arith(r: Any, s: int) -> list[int]:
    """An arithmetic progression's start and step, as first drawn at scale 3."""
    start, step = pick(s, (20, 30, 50, 500, 5000)), pick(s, (10, 15, 25, 250, 2500))
    return [r.randint(-start, start), r.choice([-1, 1]) * r.randint(2, step)]


_TABLE = {f"sequence_{name}": _next_op(name) for name in _FAMILIES}
_TABLE.update({f"sequence_missing_{name}": _missing_op(name) for name in ("geometric", "quadratic", "fibonacci_like")})
_TABLE["sequence_nth_arithmetic"] = Op(
    lambda r, s: {"c": _arith(r, s), "k": r.randint(*pick(s, ((20, 100), (20, 200), (20, 500), (500, 10**4),
                                                              (10**4, 10**6))))},
    lambda i: f"The arithmetic progression starts {', '.join(map(str, _terms(_FAMILIES['arithmetic'][1], i['c'], 4)))}, "
    f"... What is term number {i['k']} (the first term is term number 1)?",
    lambda i: i["c"][0] + i["c"][1] * (i["k"] - 1), "int", "The n-th term of an arithmetic progression.")
_TABLE["sequence_sum_arithmetic"] = Op(
    lambda r, s: {"c": _arith(r, s), "k": r.randint(*pick(s, ((10, 40), (10, 100), (10, 200), (200, 5000),
                                                              (5000, 10**6))))},
    lambda i: f"What is the sum of the first {i['k']} terms of the arithmetic progression "
    f"{', '.join(map(str, _terms(_FAMILIES['arithmetic'][1], i['c'], 4)))}, ...?",
    lambda i: i["k"] * i["c"][0] + i["c"][1] * i["k"] * (i["k"] - 1) // 2, "int",
    "Sum of the first n terms of an arithmetic progression.")


class SequenceTask(TableTask):
    """Sequence questions picked by ``op``."""

    description = "Sequence puzzles."
    table = _TABLE


def register(registry: Any) -> None:
    register_table(registry, SequenceTask)
