"""More number theory: primes, arithmetic functions, congruences, bases, digits.

Levels grow the numbers (one more decimal digit per level where the work grows with the size) and
the number of conditions (moduli, divisors, digits asked for).
"""

from __future__ import annotations

import itertools
import math
import random
import re
from typing import Any, ClassVar

import sympy as sp
from sympy.functions.combinatorial.numbers import primepi, totient
from sympy.ntheory import factorint, isprime, n_order
from sympy.ntheory.modular import crt

from bootcamp import Score, Task, invalid
from tasks.math._common import SymTask, register_kinds

INT = "Give the answer as an integer in \\boxed{}."


def _digits(rng: random.Random, d: int) -> int:
    """A random integer with exactly ``d`` decimal digits."""
    return rng.randint(10 ** (d - 1), 10**d - 1)


def _prime_index(rng: random.Random, level: int) -> int:
    """A prime drawn by index: below about 1,200 at level 1, twice the range each level."""
    return int(sp.prime(rng.randint(5, 200 * 2 ** (level - 1))))


def nth_prime(rng: random.Random, level: int) -> tuple[str, Any]:
    # the k-th prime after a start: the search window and the start grow with the level
    k, start = rng.randint(1, level), _digits(rng, 4 + level)
    val = start
    for _ in range(k):
        val = sp.nextprime(val)
    if k == 1:
        return f"What is the smallest prime number greater than {start}?", sp.Integer(val)
    return (f"List the prime numbers greater than {start} in increasing order. What is the {k}-th number of that "
            "list?"), sp.Integer(val)


def prime_count(rng: random.Random, level: int) -> tuple[str, Any]:
    lo = rng.randint(1, 1000 * 4 ** (level - 1))
    hi = lo + rng.randint(50, 300 * level)
    return f"How many primes $p$ satisfy ${lo} \\le p \\le {hi}$?", sp.Integer(primepi(hi) - primepi(lo - 1))


def totient_fn(rng: random.Random, level: int) -> tuple[str, Any]:
    m = _digits(rng, 4 + level)
    return f"Compute Euler's totient $\\varphi({m})$.", sp.Integer(totient(m))


def divisor_count(rng: random.Random, level: int) -> tuple[str, Any]:
    # the count is drawn first (then a number with it), so no count dominates the answers
    target = rng.choice([2, 4, 6, 8, 10, 12, 16, 18, 20, 24, 32, 36, 48])
    m = _digits(rng, 4 + level)
    for _ in range(5000):
        if sp.divisor_count(m) == target:
            break
        m = _digits(rng, 4 + level)
    return f"How many positive divisors does ${m}$ have?", sp.Integer(sp.divisor_count(m))


def divisor_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    m = _digits(rng, 4 + level)
    return f"Find the sum of all positive divisors of ${m}$.", sp.Integer(sp.divisor_sigma(m))


def largest_prime_factor(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(100, 100000) if level == 1 else _digits(rng, 4 + level)
    return f"What is the largest prime factor of {m}?", sp.Integer(max(factorint(m)))


def _coprime_moduli(rng: random.Random, count: int, top: int) -> list[int]:
    """``count`` pairwise coprime moduli in [3, top] (prime powers of distinct primes)."""
    out = []
    for p in rng.sample(list(sp.primerange(2, top + 1)), count):
        out.append(rng.choice([p**e for e in range(1, 10) if 3 <= p**e <= top]))
    return out


def crt_pair(rng: random.Random, level: int) -> tuple[str, Any]:
    if level == 1:
        while True:
            mods = rng.sample([3, 4, 5, 7, 8, 9, 11, 13], 3)
            if math.gcd(mods[0], mods[1]) == math.gcd(mods[0], mods[2]) == math.gcd(mods[1], mods[2]) == 1:
                break
    else:  # more congruences, bigger moduli
        mods = _coprime_moduli(rng, 2 + level, 10 + 10 * level)
    rs = [rng.randrange(m) for m in mods]
    val, _ = crt(mods, rs)
    eqs = ", ".join(f"$x \\equiv {r} \\pmod{{{m}}}$" for r, m in zip(rs, mods, strict=True))
    return f"Find the smallest non-negative integer $x$ with {eqs}.", sp.Integer(val)


def linear_congruence(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        m = rng.randint(7, 97 * 10 ** (level - 1))
        a = rng.randint(2, m - 1)
        if math.gcd(a, m) == 1:
            break
    b = rng.randint(1, m - 1)
    return (f"Find the smallest non-negative $x$ with ${a}x \\equiv {b} \\pmod{{{m}}}$.",
            sp.Integer(b * pow(a, -1, m) % m))


def diophantine(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, b = rng.randint(3, 40 * level), rng.randint(3, 40 * level)
        if math.gcd(a, b) == 1:
            break
    # c up to (8 + 4 level) ab: the count (about c / ab) spreads over many values
    c = rng.randint(a * b, (8 + 4 * level) * a * b)
    # count non-negative solutions of a x + b y = c: x runs over one residue class modulo b
    x0 = c * pow(a, -1, b) % b
    cnt = 0 if a * x0 > c else (c - a * x0) // (a * b) + 1
    return f"How many pairs of non-negative integers $(x, y)$ satisfy ${a}x + {b}y = {c}$?", sp.Integer(cnt)


def diophantine_min(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, b = rng.randint(3, 40 * 3 ** (level - 1)), rng.randint(3, 40 * 3 ** (level - 1))
        if math.gcd(a, b) == 1:
            break
    c = rng.randint(1, 200 * 3 ** (level - 1))
    x0 = c * pow(a, -1, b) % b or b
    return (f"Among all integer solutions of ${a}x + {b}y = {c}$, find the smallest positive value of $x$.",
            sp.Integer(x0))


def to_base(rng: random.Random, level: int) -> tuple[str, Any]:
    base, m = rng.randint(2, 9), rng.randint(50, 5000 * 4 ** (level - 1))
    digits = ""
    v = m
    while v:
        digits = str(v % base) + digits
        v //= base
    return (f"Write the decimal number {m} in base {base}. Answer with the digits only (no subscript).",
            sp.Integer(int(digits)))


def from_base(rng: random.Random, level: int) -> tuple[str, Any]:
    base, m = rng.choice([2, 3, 5, 7, 8, 16]), rng.randint(50, 5000 * 4 ** (level - 1))
    digits = sp.ntheory.digits(m, base)[1:]
    s = "".join("0123456789ABCDEF"[d] for d in digits)
    return f"Convert ${s}_{{{base}}}$ to base 10.", sp.Integer(m)


def digit_sum_power(rng: random.Random, level: int) -> tuple[str, Any]:
    b, e = rng.randint(2, 999), rng.randint(10, 30 * level)
    return f"Find the sum of the decimal digits of ${b}^{{{e}}}$.", sp.Integer(sum(map(int, str(b**e))))


def digit_sum_factorial(rng: random.Random, level: int) -> tuple[str, Any]:
    # a quotient of factorials: the product of the integers from a + 1 to m (more factors each level)
    a = rng.randint(2, 5000)
    m = a + rng.randint(3, 6 * level)
    val = math.prod(range(a + 1, m + 1))
    return (f"Find the sum of the decimal digits of $\\frac{{{m}!}}{{{a}!}}$.",
            sp.Integer(sum(map(int, str(val)))))


def _legendre_valuation(m: int, p: int) -> int:
    cnt, q = 0, p
    while q <= m:
        cnt += m // q
        q *= p
    return cnt


def trailing_zeros(rng: random.Random, level: int) -> tuple[str, Any]:
    if level == 1:
        m = rng.randint(30, 5000)
        return f"How many trailing zeros does ${m}!$ have in base 10?", sp.Integer(_legendre_valuation(m, 5))
    # other bases from level 3: the scarcest prime power of the base decides
    m, base = _digits(rng, 3 + level), 10 if level == 2 else rng.randint(6, 12 * level)
    cnt = min(_legendre_valuation(m, p) // e for p, e in factorint(base).items())
    return f"How many trailing zeros does ${m}!$ have in base {base}?", sp.Integer(cnt)


def last_digits(rng: random.Random, level: int) -> tuple[str, Any]:
    nd = (2, 2, 3, 3, 4)[min(level, 5) - 1]
    b, e = rng.randint(2, 99 * 10 ** (nd - 2)), rng.randint(100, 10 ** (6 + 3 * (level - 1)))
    what = "two" if nd == 2 else f"{nd}"
    return (f"What are the last {what} digits of ${b}^{{{e}}}$? Give them as a number from 0 to {10**nd - 1}.",
            sp.Integer(pow(b, e, 10**nd)))


def multiplicative_order(rng: random.Random, level: int) -> tuple[str, Any]:
    p = _prime_index(rng, level)
    a = rng.randint(2, p - 1)
    return f"Find the multiplicative order of {a} modulo {p}.", sp.Integer(n_order(a, p))


def primitive_root(rng: random.Random, level: int) -> tuple[str, Any]:
    p = _prime_index(rng, level)
    c = rng.randint(1, p // 2)
    g = next(v for v in range(c + 1, p) if n_order(v, p) == p - 1)
    return f"Find the smallest primitive root modulo {p} that is greater than {c}.", sp.Integer(g)


def quadratic_residues(rng: random.Random, level: int) -> tuple[str, Any]:
    # the symbol is drawn first so the two answers are balanced
    want = rng.choice([1, -1])
    p = _prime_index(rng, level)
    while True:
        a = rng.randint(2, p - 1) if level <= 2 else rng.randint(p + 1, p * 10 ** (level - 2))
        if a % p and sp.legendre_symbol(a % p, p) == want:
            break
    return (f"Compute the Legendre symbol $\\left(\\frac{{{a}}}{{{p}}}\\right)$ (answer 1 or -1).",
            sp.Integer(want))


def mobius(rng: random.Random, level: int) -> tuple[str, Any]:
    m = _digits(rng, 4 + level)
    return f"Compute $\\sum_{{d \\mid {m}}} \\mu(d)\\, d$ where $\\mu$ is the Mobius function.", \
        sp.Integer(math.prod(1 - p for p in factorint(m)))


def repetend_length(rng: random.Random, level: int) -> tuple[str, Any]:
    # the period of 1/m in base b is the order of b modulo m
    base = rng.randint(2, 16)
    while True:
        m = rng.randint(3, 3000 * 4 ** (level - 1))
        if math.gcd(m, base) == 1:
            break
    where = "decimal expansion" if base == 10 else f"expansion in base {base}"
    return f"How many digits are in the repeating block of the {where} of $1/{m}$?", sp.Integer(n_order(base, m))


def count_coprime(rng: random.Random, level: int) -> tuple[str, Any]:
    ds = rng.sample([2, 3, 5, 7, 11, 13, 17][: 5 + (level - 1) // 2], 1 + level)
    m = rng.randint(100, 10000 * 10 ** (level - 1))
    # inclusion-exclusion over the subsets of the (pairwise coprime) divisors
    cnt = sum((-1) ** len(sub) * (m // math.prod(sub)) for r in range(len(ds) + 1)
              for sub in itertools.combinations(ds, r))
    if len(ds) == 2:
        return f"How many integers from 1 to {m} are divisible by neither {ds[0]} nor {ds[1]}?", sp.Integer(cnt)
    names = ", ".join(map(str, ds[:-1])) + f" and {ds[-1]}"
    return f"How many integers from 1 to {m} are divisible by none of {names}?", sp.Integer(cnt)


def fib_mod(rng: random.Random, level: int) -> tuple[str, Any]:
    k, m = rng.randint(20, 500 * 10 ** (level - 1)), rng.randint(7, 100 * level)
    return (f"Let $F_1 = F_2 = 1$ and $F_{{n}} = F_{{n-1}} + F_{{n-2}}$. Compute $F_{{{k}}} \\bmod {m}$.",
            sp.Integer(_fib_mod(k, m)))


def _fib_mod(k: int, m: int) -> int:
    """F_k mod m by fast doubling (F_k itself has about k/5 digits)."""
    a, b = 0, 1  # F_0, F_1
    for bit in bin(k)[2:]:
        a, b = a * (2 * b - a) % m, (a * a + b * b) % m  # F_2j, F_2j+1
        if bit == "1":
            a, b = b, (a + b) % m
    return a


KINDS = {f.__name__: f for f in (
    nth_prime, prime_count, totient_fn, divisor_count, divisor_sum, largest_prime_factor, crt_pair,
    linear_congruence, diophantine, diophantine_min, to_base, from_base, digit_sum_power, digit_sum_factorial,
    trailing_zeros, last_digits, multiplicative_order, primitive_root, quadratic_residues, mobius,
    repetend_length, count_coprime, fib_mod)}


def _digit_sum_size(identity: dict[str, Any]) -> float:
    """Digits of the number whose digits are summed (read back from the question's formula)."""
    nums = [int(v) for v in re.findall(r"\d+", identity["question"])]
    if "frac" in identity["question"]:
        m, a = nums[0], nums[1]
        return sum(math.log10(v) for v in range(a + 1, m + 1))
    return nums[1] * math.log10(nums[0])


class NumberTheory(SymTask):
    """Number theory questions with integer answers."""

    #: 4: levels (bigger numbers, more moduli and divisors); small problem spaces widened.
    version = 4
    #: Kinds whose difficulty is not the size of their formulas: the digits of the number to digit-sum.
    _SIZES: ClassVar[dict[str, Any]] = {"digit_sum_power": _digit_sum_size, "digit_sum_factorial": _digit_sum_size}

    def complexity(self, identity: dict[str, Any]) -> float:
        size = self._SIZES.get(self.params["kind"])
        return float(size(identity)) if size else super().complexity(identity)
    kinds = KINDS
    answer_format = INT


_FACTOR = re.compile(r"^(\d{1,12})(?:\s*\^\s*\{?\s*(\d{1,3})\s*\}?)?$")


class PrimeFactorization(Task):
    """Prime factorisation written as a product of prime powers (form and value checked).

    Levels raise ``max_value`` tenfold each: bigger numbers, more and larger prime factors to find.
    """

    #: 2: levels.
    version = 2
    default_params = {"max_value": 100000}
    levels = tuple({"max_value": 10**e} for e in range(5, 10))
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Decimal digits of n plus its prime factors counted with multiplicity."""
        n = identity["n"]
        return float(len(str(n)) + sum(factorint(n).values()))

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
