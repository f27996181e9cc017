"""Sequence puzzles: the next (or a missing) term of a sequence from a stated rule family."""

from __future__ import annotations

from typing import Any

from tasks.logic._common import Op, TableTask, register_table

_SHOWN = 6
_PRIMES = [p for p in range(2, 400) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _terms(fn: Any, c: list[int], count: int) -> list[int]:
    return [fn(c, n) for n in range(count)]


def _recur(c: list[int], n: int, step: Any, start: int) -> int:
    vals = list(c[:start])
    while len(vals) <= n:
        vals.append(step(c, vals))
    return vals[n]


_FAMILIES: dict[str, tuple[Any, Any, str]] = {
    "arithmetic": (lambda r: [r.randint(-50, 50), r.choice([-1, 1]) * r.randint(2, 25)],
                   lambda c, n: c[0] + c[1] * n, "an arithmetic progression"),
    "geometric": (lambda r: [r.choice([-1, 1]) * r.randint(1, 9), r.choice([-3, -2, 2, 3, 4, 5])],
                  lambda c, n: c[0] * c[1] ** n, "a geometric progression with an integer ratio"),
    "quadratic": (lambda r: [r.randint(1, 6) * r.choice([-1, 1]), r.randint(-10, 10), r.randint(-20, 20)],
                  lambda c, n: c[0] * n * n + c[1] * n + c[2], "a(n) = p*n^2 + q*n + r (a quadratic in n)"),
    "cubic": (lambda r: [r.randint(1, 3), r.randint(-5, 5), r.randint(-10, 10), r.randint(-20, 20)],
              lambda c, n: c[0] * n ** 3 + c[1] * n * n + c[2] * n + c[3], "a cubic polynomial in n"),
    "fibonacci_like": (lambda r: [r.randint(-10, 20), r.randint(1, 20)],
                       lambda c, n: _recur(c, n, lambda c, v: v[-1] + v[-2], 2),
                       "each term is the sum of the two before it"),
    "tribonacci_like": (lambda r: [r.randint(0, 5), r.randint(0, 5), r.randint(1, 9)],
                        lambda c, n: _recur(c, n, lambda c, v: v[-1] + v[-2] + v[-3], 3),
                        "each term is the sum of the three before it"),
    "linear_recurrence": (lambda r: [r.randint(1, 9), r.choice([2, 3, -2]), r.randint(-9, 9)],
                          lambda c, n: _recur(c[:1], n, lambda _, v: c[1] * v[-1] + c[2], 1),
                          "a(n) = p*a(n-1) + q for fixed integers p and q"),
    "alternating_ops": (lambda r: [r.randint(1, 9), r.randint(1, 9), r.choice([2, 3])],
                        lambda c, n: _recur(c[:1], n, lambda _, v: v[-1] + c[1] if len(v) % 2 else v[-1] * c[2], 1),
                        "the steps alternate between adding a fixed number and multiplying by a fixed number"),
    "interleaved": (lambda r: [r.randint(1, 30), r.randint(-6, 9), r.randint(1, 30), r.randint(-6, 9)],
                    lambda c, n: c[0] + c[1] * (n // 2) if n % 2 == 0 else c[2] + c[3] * (n // 2),
                    "two arithmetic progressions interleaved (odd and even positions)"),
    "power_offset": (lambda r: [r.randint(2, 5), r.randint(-20, 20), r.randint(0, 3)],
                     lambda c, n: c[0] ** (n + c[2]) + c[1], "a(n) = b^(n+s) + k for fixed integers b, s and k"),
    "factorial_like": (lambda r: [r.randint(1, 5), r.randint(1, 3)],
                       lambda c, n: _recur(c[:1], n, lambda _, v: v[-1] * (len(v) + c[1]), 1),
                       "a(n) = a(n-1) * (n + k) for a fixed integer k (n counted from 0)"),
    "prime_offset": (lambda r: [r.randint(0, 40), r.randint(-10, 10)],
                     lambda c, n: _PRIMES[c[0] + n] + c[1], "consecutive prime numbers plus a fixed offset"),
    "increasing_differences": (lambda r: [r.randint(-20, 20), r.randint(1, 9), r.randint(1, 6)],
                               lambda c, n: c[0] + c[1] * n + c[2] * n * (n - 1) // 2,
                               "the differences between consecutive terms grow by the same amount each step"),
}


def _next_op(name: str) -> Op:
    rule, fn, family = _FAMILIES[name]
    return Op(lambda r: {"c": rule(r)},
              lambda i: f"The sequence {', '.join(map(str, _terms(fn, i['c'], _SHOWN)))}, ... follows this rule: "
              f"{family}. What is the next term?",
              lambda i: fn(i["c"], _SHOWN), "int", f"Next term of a sequence: {family}.")


def _missing_op(name: str) -> Op:
    rule, fn, family = _FAMILIES[name]

    def shown(i: dict[str, Any]) -> str:
        terms = [str(t) for t in _terms(fn, i["c"], _SHOWN + 1)]
        terms[i["gap"]] = "?"
        return ", ".join(terms)

    return Op(lambda r: {"c": rule(r), "gap": r.randint(1, _SHOWN - 1)},
              lambda i: f"One term of the sequence {shown(i)} is missing. The rule: {family}. What is the missing term?",
              lambda i: fn(i["c"], i["gap"]), "int", f"Missing term of a sequence: {family}.")


_TABLE = {f"sequence_{name}": _next_op(name) for name in _FAMILIES}
_TABLE.update({f"sequence_missing_{name}": _missing_op(name) for name in ("geometric", "quadratic", "fibonacci_like")})
_TABLE["sequence_nth_arithmetic"] = Op(
    lambda r: {"c": _FAMILIES["arithmetic"][0](r), "k": r.randint(20, 500)},
    lambda i: f"The arithmetic progression starts {', '.join(map(str, _terms(_FAMILIES['arithmetic'][1], i['c'], 4)))}, "
    f"... What is term number {i['k']} (the first term is term number 1)?",
    lambda i: i["c"][0] + i["c"][1] * (i["k"] - 1), "int", "The n-th term of an arithmetic progression.")
_TABLE["sequence_sum_arithmetic"] = Op(
    lambda r: {"c": _FAMILIES["arithmetic"][0](r), "k": r.randint(10, 200)},
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
