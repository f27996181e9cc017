"""More number theory: primes, arithmetic functions, congruences, bases, digits."""

from __future__ import annotations

import math
import random
import re
from typing import Any

import sympy as sp
from sympy.functions.combinatorial.numbers import primepi, totient
from sympy.ntheory import factorint, isprime, n_order
from sympy.ntheory.modular import crt

from bootcamp import Score, Task, invalid
from tasks.math._common import SymTask, register_kinds

INT = "Give the answer as an integer in \\boxed{}."


def nth_prime(rng: random.Random, level: int) -> tuple[str, Any]:
    k = rng.randint(10, 150 * level)
    return f"What is the {k}-th prime number (the 1st prime is 2)?", sp.prime(k)


def prime_count(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(50, 2000 * level)
    return f"How many primes are less than or equal to {m}?", sp.Integer(primepi(m))


def totient_fn(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(20, 5000 * level)
    return f"Compute Euler's totient $\\varphi({m})$.", sp.Integer(totient(m))


def divisor_count(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(24, 10000 * level)
    return f"How many positive divisors does {m} have?", sp.Integer(sp.divisor_count(m))


def divisor_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(12, 5000 * level)
    return f"Find the sum of all positive divisors of {m}.", sp.Integer(sp.divisor_sigma(m))


def largest_prime_factor(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(100, 100000 * level)
    return f"What is the largest prime factor of {m}?", sp.Integer(max(factorint(m)))


def crt_pair(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        m1, m2, m3 = rng.sample([3, 4, 5, 7, 8, 9, 11, 13], 3)
        if math.gcd(m1, m2) == math.gcd(m1, m3) == math.gcd(m2, m3) == 1:
            break
    rs = [rng.randrange(m) for m in (m1, m2, m3)]
    val, _ = crt([m1, m2, m3], rs)
    return (f"Find the smallest non-negative integer $x$ with $x \\equiv {rs[0]} \\pmod{{{m1}}}$, "
            f"$x \\equiv {rs[1]} \\pmod{{{m2}}}$, $x \\equiv {rs[2]} \\pmod{{{m3}}}$."), sp.Integer(val)


def linear_congruence(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        m = rng.randint(7, 97)
        a = rng.randint(2, m - 1)
        if math.gcd(a, m) == 1:
            break
    b = rng.randint(1, m - 1)
    return (f"Find the smallest non-negative $x$ with ${a}x \\equiv {b} \\pmod{{{m}}}$.",
            sp.Integer(b * pow(a, -1, m) % m))


def diophantine(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, b = rng.randint(3, 40), rng.randint(3, 40)
        if math.gcd(a, b) == 1:
            break
    c = rng.randint(a * b, 4 * a * b)
    # count non-negative solutions of a x + b y = c
    cnt = sum(1 for xx in range(c // a + 1) if (c - a * xx) % b == 0)
    return f"How many pairs of non-negative integers $(x, y)$ satisfy ${a}x + {b}y = {c}$?", sp.Integer(cnt)


def diophantine_min(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, b = rng.randint(3, 40), rng.randint(3, 40)
        if math.gcd(a, b) == 1:
            break
    c = rng.randint(1, 200)
    x0 = next(v for v in range(1, b + 1) if (c - a * v) % b == 0)
    return (f"Among all integer solutions of ${a}x + {b}y = {c}$, find the smallest positive value of $x$.",
            sp.Integer(x0))


def to_base(rng: random.Random, level: int) -> tuple[str, Any]:
    base, m = rng.randint(2, 9), rng.randint(50, 5000 * level)
    digits = ""
    v = m
    while v:
        digits = str(v % base) + digits
        v //= base
    return (f"Write the decimal number {m} in base {base}. Answer with the digits only (no subscript).",
            sp.Integer(int(digits)))


def from_base(rng: random.Random, level: int) -> tuple[str, Any]:
    base, m = rng.choice([2, 3, 5, 7, 8, 16]), rng.randint(50, 5000 * level)
    digits = sp.ntheory.digits(m, base)[1:]
    s = "".join("0123456789ABCDEF"[d] for d in digits)
    return f"Convert ${s}_{{{base}}}$ to base 10.", sp.Integer(m)


def digit_sum_power(rng: random.Random, level: int) -> tuple[str, Any]:
    b, e = rng.randint(2, 9), rng.randint(10, 60 * level)
    return f"Find the sum of the decimal digits of ${b}^{{{e}}}$.", sp.Integer(sum(map(int, str(b**e))))


def digit_sum_factorial(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(10, 60 * level)
    return f"Find the sum of the decimal digits of ${m}!$.", sp.Integer(sum(map(int, str(math.factorial(m)))))


def trailing_zeros(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(30, 5000 * level)
    cnt, p = 0, 5
    while p <= m:
        cnt += m // p
        p *= 5
    return f"How many trailing zeros does ${m}!$ have in base 10?", sp.Integer(cnt)


def last_digits(rng: random.Random, level: int) -> tuple[str, Any]:
    b, e = rng.randint(2, 99), rng.randint(100, 10**6)
    return (f"What are the last two digits of ${b}^{{{e}}}$? Give them as a number from 0 to 99.",
            sp.Integer(pow(b, e, 100)))


def multiplicative_order(rng: random.Random, level: int) -> tuple[str, Any]:
    p = sp.prime(rng.randint(5, 60))
    a = rng.randint(2, p - 1)
    return f"Find the multiplicative order of {a} modulo {p}.", sp.Integer(n_order(a, p))


def primitive_root(rng: random.Random, level: int) -> tuple[str, Any]:
    p = sp.prime(rng.randint(4, 80))
    return f"Find the smallest primitive root modulo {p}.", sp.Integer(sp.primitive_root(p))


def quadratic_residues(rng: random.Random, level: int) -> tuple[str, Any]:
    p = sp.prime(rng.randint(4, 40))
    a = rng.randint(2, p - 1)
    return (f"Compute the Legendre symbol $\\left(\\frac{{{a}}}{{{p}}}\\right)$ (answer 1 or -1).",
            sp.Integer(sp.legendre_symbol(a, p) if a % p else 0))


def mobius(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(2, 3000)
    return f"Compute $\\sum_{{d \\mid {m}}} \\mu(d)\\, d$ where $\\mu$ is the Mobius function.", \
        sp.Integer(sum(sp.mobius(d) * d for d in sp.divisors(m)))


def repetend_length(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        m = rng.randint(3, 500)
        if math.gcd(m, 10) == 1:
            break
    return f"How many digits are in the repeating block of the decimal expansion of $1/{m}$?", \
        sp.Integer(n_order(10, m))


def count_coprime(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.sample([2, 3, 5, 7, 11], 2)
    m = rng.randint(100, 10000)
    cnt = m - m // a - m // b + m // (a * b)
    return f"How many integers from 1 to {m} are divisible by neither {a} nor {b}?", sp.Integer(cnt)


def fib_mod(rng: random.Random, level: int) -> tuple[str, Any]:
    k, m = rng.randint(20, 500), rng.randint(7, 100)
    return (f"Let $F_1 = F_2 = 1$ and $F_{{n}} = F_{{n-1}} + F_{{n-2}}$. Compute $F_{{{k}}} \\bmod {m}$.",
            sp.Integer(sp.fibonacci(k) % m))


KINDS = {f.__name__: f for f in (
    nth_prime, prime_count, totient_fn, divisor_count, divisor_sum, largest_prime_factor, crt_pair,
    linear_congruence, diophantine, diophantine_min, to_base, from_base, digit_sum_power, digit_sum_factorial,
    trailing_zeros, last_digits, multiplicative_order, primitive_root, quadratic_residues, mobius,
    repetend_length, count_coprime, fib_mod)}


class NumberTheory(SymTask):
    """Number theory questions with integer answers."""

    kinds = KINDS
    answer_format = INT


_FACTOR = re.compile(r"^(\d{1,12})(?:\s*\^\s*\{?\s*(\d{1,3})\s*\}?)?$")


class PrimeFactorization(Task):
    """Prime factorisation written as a product of prime powers (form and value checked)."""

    default_params = {"max_value": 100000}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"n": rng.randint(100, self.params["max_value"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Write the prime factorisation of {identity['n']} as a product of prime powers, e.g. "
                "2^3 \\cdot 3 \\cdot 5^2, in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > 300:
            return invalid("too long")
        text = answer.replace("$", "").replace("\\cdot", "*").replace("\\times", "*").replace("×", "*")
        text = text.replace("·", "*").replace("\\,", "").strip()
        value = 1
        for part in text.split("*"):
            m = _FACTOR.match(part.strip())
            if not m:
                return invalid("not a product of prime powers")
            p, e = int(m.group(1)), int(m.group(2) or 1)
            if not isprime(p) or e < 1:
                return Score(0.0, "wrong", f"{p} is not prime")
            value *= p**e
            if value > identity["n"]:
                return Score(0.0, "wrong")
        return 1.0 if value == identity["n"] else Score(0.0, "wrong")

    def solve(self, identity: dict[str, Any]) -> str:
        f = factorint(identity["n"])
        return " \\cdot ".join(f"{p}^{e}" if e > 1 else str(p) for p, e in sorted(f.items()))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        f = factorint(identity["n"])
        p = min(f)
        return [answer + " \\cdot 2", answer.replace(str(p), str(p + 1), 1), str(identity["n"])]


TABLE = [
    ("math/nth_prime", "nth_prime", "The k-th prime number."),
    ("math/prime_counting", "prime_count", "Number of primes up to n."),
    ("math/euler_totient", "totient_fn", "Euler's totient function."),
    ("math/divisor_count", "divisor_count", "Number of positive divisors."),
    ("math/divisor_sum", "divisor_sum", "Sum of positive divisors."),
    ("math/largest_prime_factor", "largest_prime_factor", "Largest prime factor."),
    ("math/chinese_remainder", "crt_pair", "Chinese remainder theorem with three moduli."),
    ("math/linear_congruence", "linear_congruence", "Solve ax = b mod m."),
    ("math/diophantine_count", "diophantine", "Count non-negative solutions of ax + by = c."),
    ("math/diophantine_smallest", "diophantine_min", "Smallest positive x in ax + by = c."),
    ("math/decimal_to_base", "to_base", "Convert a decimal number to base b <= 9."),
    ("math/base_to_decimal", "from_base", "Convert a number in base b to decimal."),
    ("math/digit_sum_power", "digit_sum_power", "Digit sum of a large power."),
    ("math/digit_sum_factorial", "digit_sum_factorial", "Digit sum of a factorial."),
    ("math/factorial_trailing_zeros", "trailing_zeros", "Trailing zeros of n!."),
    ("math/last_two_digits", "last_digits", "Last two digits of a large power."),
    ("math/multiplicative_order", "multiplicative_order", "Multiplicative order modulo a prime."),
    ("math/primitive_root", "primitive_root", "Smallest primitive root modulo a prime."),
    ("math/legendre_symbol", "quadratic_residues", "Legendre symbol (a/p)."),
    ("math/mobius_sum", "mobius", "Sum of mu(d) d over divisors."),
    ("math/repetend_length", "repetend_length", "Period of the decimal expansion of 1/n."),
    ("math/count_not_divisible", "count_coprime", "Inclusion-exclusion count of non-multiples."),
    ("math/fibonacci_mod", "fib_mod", "Fibonacci number modulo m."),
]


def register(registry: Any) -> None:
    register_kinds(registry, NumberTheory, TABLE)
    registry.register(PrimeFactorization, "math/prime_factorization", {},
                      "Prime factorisation as a product of prime powers.")
