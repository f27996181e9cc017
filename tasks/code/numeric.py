"""Code tasks on numbers and matrices: sieves, lcm, Fibonacci, bits, digit roots, matrix operations."""

from __future__ import annotations

import math
import random
from typing import Any

from tasks.code._base import CodeTask


def _matrix(rng: random.Random, rows: int, cols: int, lo: int = -9, hi: int = 9) -> list[list[int]]:
    return [[rng.randint(lo, hi) for _ in range(cols)] for _ in range(rows)]


class PrimeResidue(CodeTask):
    function = "primes"
    signature = "primes(n: int) -> list[int]"
    body = '''
def primes(n):
    if n < 2:
        return []
    sieve = [True] * (n + 1)
    sieve[0] = sieve[1] = False
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            for j in range(i * i, n + 1, i):
                sieve[j] = False
    return [p for p in range(2, n + 1) if sieve[p] and p % M == R]
'''
    bugs = [("for p in range(2, n + 1)", "for p in range(2, n)"), ("range(i * i, n + 1, i)", "range(i * i, n, i)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        m = rng.randint(3, 30)
        return {"M": m, "R": rng.choice([r for r in range(m) if math.gcd(r, m) == 1])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        return [[n] for n in [0, 1, 2, 49, 121, 100] + [self.size(rng, 10, 2000) for _ in range(self.reps(6))]]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns, in increasing order, all primes p <= n with p % {spec['M']} == {spec['R']} "
                "(n may be below 2; n is at most 10**5, so a sieve is fast enough).")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        m = spec["M"]
        others = [r for r in range(m) if math.gcd(r, m) == 1 and r != spec["R"]]
        return [{"M": m, "R": r} for r in others[:2]]


class LcmMod(CodeTask):
    function = "lcm_mod"
    signature = "lcm_mod(xs: list[int]) -> int"
    body = '''
from math import gcd

def lcm_mod(xs):
    l = 1
    for x in xs:
        l = l * x // gcd(l, x)
    return l % MOD
'''
    bugs = [("l * x // gcd(l, x)", "l * x"), ("l = 1", "l = 0")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        if rng.random() < 0.85:
            return {"MOD": rng.randint(50, 99_999)}
        return {"MOD": rng.choice([97, 1_000, 10_007, 65_536])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[]], [[4, 6]], [list(range(1, 41))]]
        for _ in range(self.reps(9)):
            base = rng.randint(2, 30)
            out.append([[base * rng.randint(1, 200) for _ in range(self.size(rng, 2, 8))]])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the least common multiple of the positive integers `xs`, modulo {spec['MOD']} "
                "(the lcm of an empty list is 1). The lcm itself may be huge.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"MOD": spec["MOD"] + 1}]


class FibMod(CodeTask):
    function = "fib_mod"
    signature = "fib_mod(n: int) -> int"
    body = '''
def fib_mod(n):
    a, b = A % MOD, B % MOD
    for _ in range(n):
        a, b = b, (a + b) % MOD
    return a
'''
    bugs = [("for _ in range(n)", "for _ in range(n + 1)"), ("(a + b) % MOD", "(a + b + 1) % MOD")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"A": rng.randint(0, 3), "B": rng.randint(1, 5), "MOD": rng.randint(10, 1000)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        return [[n] for n in [0, 1, 2, 10, 30, 100] + [self.size(rng, 3, 5_000) for _ in range(self.reps(6))]]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns g(n) mod {spec['MOD']} for the sequence g(0) = {spec['A']}, g(1) = {spec['B']}, "
                "g(k) = g(k-1) + g(k-2), where 0 <= n <= 10**5.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "MOD": spec["MOD"] + 1}, {**spec, "A": spec["B"], "B": spec["A"]}]


class BitCount(CodeTask):
    function = "bit_count"
    signature = "bit_count(n: int) -> int"
    body = '''
def bit_count(n):
    return bin(n & ((1 << BITS) - 1))[2:].zfill(BITS).count(DIGIT)
'''
    bugs = [("n & ", "abs(n) & "), (".zfill(BITS)", "")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"BITS": rng.choice([8, 10, 12, 16, 20, 24, 32, 48, 64]), "DIGIT": rng.choice("01")}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        half = 1 << (spec["BITS"] - 1)
        fixed = [0, -1, 1, -half, half - 1, -2]
        return [[n] for n in fixed + [rng.randint(-half, half - 1) for _ in range(self.reps(6))]]

    def describe(self, spec: dict[str, Any]) -> str:
        b, d = spec["BITS"], spec["DIGIT"]
        return (f"returns the number of {d} bits in the {b}-bit two's-complement representation of `n` (all {b} "
                f"bits, leading zeros included), where -2**{b - 1} <= n < 2**{b - 1} (so -1 has {b} one bits).")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "BITS": b} for b in (8, 12, 16, 24, 32, 64) if b != spec["BITS"]][:1] + [
            {**spec, "DIGIT": "1" if spec["DIGIT"] == "0" else "0"}]


class DigitalRoot(CodeTask):
    function = "digital_root"
    signature = "digital_root(n: int) -> int"
    body = '''
def digital_root(n):
    while n >= BASE:
        s = 0
        while n:
            n, r = divmod(n, BASE)
            s += r
        n = s
    return n
'''
    bugs = [("while n >= BASE", "if n >= BASE")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"BASE": rng.choice([b for b in range(2, 17) if b != 10])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        b = spec["BASE"]
        top = 10 ** self.size(rng, 4, 9)
        return [[n] for n in [0, b - 1, b, b * b - 1, 10**12] + [rng.randint(1, top) for _ in range(self.reps(7))]]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the digital root of the non-negative integer `n` in base {spec['BASE']}: replace n by the sum "
                f"of its base-{spec['BASE']} digits until it is a single base-{spec['BASE']} digit, and return that "
                "digit's value as an int.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"BASE": b} for b in (spec["BASE"] - 1, spec["BASE"] + 1) if b >= 2]


class MatMulMod(CodeTask):
    function = "matmul"
    signature = "matmul(a: list[list[int]], b: list[list[int]]) -> list[list[int]]"
    body = '''
def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) % MOD for j in range(len(b[0]))]
            for i in range(len(a))]
'''
    bugs = [("for k in range(len(b))", "for k in range(len(b) - 1)"), ("b[k][j]", "b[j][k]")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"MOD": rng.randint(5, 97)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[-3]], [[4]]]]
        for _ in range(self.reps(9)):
            n, k, m = self.size(rng, 1, 4), self.size(rng, 1, 4), self.size(rng, 1, 4)
            out.append([_matrix(rng, n, k, -20, 20), _matrix(rng, k, m, -20, 20)])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the matrix product a·b of two integer matrices (lists of rows; a is n×k and b is k×m, all "
                f"dimensions >= 1), with every entry reduced modulo {spec['MOD']} into the range 0..{spec['MOD'] - 1}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"MOD": spec["MOD"] + 1}]


class RotateMatrix(CodeTask):
    function = "rotate_matrix"
    signature = "rotate_matrix(m: list[list[int]]) -> list[list[int]]"
    body = '''
def rotate_matrix(m):
    for _ in range(TURNS):
        m = [list(row) for row in zip(*m[::-1])]
    return [[x + ADD for x in row] for row in m]
'''
    bugs = [("zip(*m[::-1])", "zip(*m)"), ("x + ADD", "x")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"TURNS": rng.randint(1, 3), "ADD": rng.randint(-9, 9)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[[1, 2], [3, 4]]], [[[1, 2, 3]]], [[[7]]]]
        return out + [[_matrix(rng, self.size(rng, 1, 4), self.size(rng, 2, 4), 0, 9)] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        add = f"with {spec['ADD']} added to every entry" if spec["ADD"] else "with the entries unchanged"
        return (f"returns the matrix `m` (a non-empty list of equal-length rows, possibly not square) rotated "
                f"clockwise by {90 * spec['TURNS']} degrees, {add}, as a new list of lists.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "TURNS": t} for t in (1, 2, 3) if t != spec["TURNS"]]


class Transpose(CodeTask):
    function = "transpose"
    signature = "transpose(m: list[list[int]]) -> list[list[int]]"
    body = '''
def transpose(m):
    rows, cols = len(m), len(m[0])
    if ANTI:
        return [[m[rows - 1 - j][cols - 1 - i] * MUL for j in range(rows)] for i in range(cols)]
    return [[m[j][i] * MUL for j in range(rows)] for i in range(cols)]
'''
    bugs = [("for j in range(rows)] for i in range(cols)]\n    return", "for j in range(rows)] for i in range(cols)][::-1]\n    return"),
            ("return [[m[j][i] * MUL for j", "return [[m[i][j] * MUL for j")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"ANTI": rng.random() < 0.5, "MUL": rng.choice([k for k in range(-6, 7) if k])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[[1, 2], [3, 4]]], [[[1, 2, 3]]]]
        return out + [[_matrix(rng, self.size(rng, 2, 4), self.size(rng, 1, 4), 1, 9)] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        if spec["ANTI"]:
            what = ("the anti-diagonal (from top-right to bottom-left): for an r×c input the result is c×r with "
                    "result[i][j] = m[r-1-j][c-1-i]")
        else:
            what = "the main diagonal: for an r×c input the result is c×r with result[i][j] = m[j][i]"
        mul = "" if spec["MUL"] == 1 else f", with every entry then multiplied by {spec['MUL']}"
        return f"returns the transpose of the non-empty rectangular matrix `m` across {what}{mul}."

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "ANTI": not spec["ANTI"]}, {**spec, "MUL": -spec["MUL"]}]


class Spiral(CodeTask):
    function = "spiral"
    signature = "spiral(m: list[list[int]]) -> list[int]"
    body = '''
def spiral(m):
    for _ in range(CORNER):  # turn the matrix counter-clockwise until the start corner is top-left
        m = [list(r) for r in zip(*m)][::-1]
    m = [list(r) for r in m]
    if not CLOCKWISE:
        m = [list(r) for r in zip(*m)]
    out = []
    while m:
        out.extend(m[0])
        m = [list(r) for r in zip(*m[1:])][::-1]
    return out[::-1] if REVERSED else out
'''
    bugs = [("][::-1]\n    return", "]\n    return")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"CLOCKWISE": rng.random() < 0.5, "CORNER": rng.randint(0, 3), "REVERSED": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3, 4]]], [[[1], [2], [3]]]]
        return out + [[_matrix(rng, self.size(rng, 2, 5), self.size(rng, 2, 5), 0, 99)] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        corner, first_cw, first_ccw = [("top-left", "rightwards along the top row", "downwards along the left column"),
                                       ("top-right", "downwards along the right column", "leftwards along the top row"),
                                       ("bottom-right", "leftwards along the bottom row", "upwards along the right column"),
                                       ("bottom-left", "upwards along the left column", "rightwards along the bottom row"),
                                       ][spec["CORNER"]]
        first = first_cw if spec["CLOCKWISE"] else first_ccw
        turn = "clockwise" if spec["CLOCKWISE"] else "counter-clockwise"
        return (f"returns the elements of the non-empty rectangular matrix `m` in spiral order: start at the "
                f"{corner} corner, go {first}, and keep turning {turn} along the outer ring, then the inner rings, "
                "until every element is listed once"
                + (". Return that sequence reversed (its last element first)." if spec["REVERSED"] else ".")
                )

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "CLOCKWISE": not spec["CLOCKWISE"]}, {**spec, "CORNER": (spec["CORNER"] + 1) % 4}]


def register(registry: Any) -> None:
    registry.register(PrimeResidue, "code/prime_sieve", {}, "Write a prime sieve filtered by a seed-chosen residue class.")
    registry.register(LcmMod, "code/lcm_mod", {}, "Write an lcm of a list modulo a seed-chosen modulus.")
    registry.register(FibMod, "code/fibonacci_mod", {}, "Write a generalised Fibonacci modulo m with seed-chosen start.")
    registry.register(BitCount, "code/bit_count", {}, "Write a popcount in a seed-chosen two's-complement width.")
    registry.register(DigitalRoot, "code/digital_root", {}, "Write a digital root in a seed-chosen base.")
    registry.register(MatMulMod, "code/matrix_multiply", {}, "Write a matrix product modulo a seed-chosen modulus.")
    registry.register(RotateMatrix, "code/matrix_rotate", {}, "Write a matrix rotation by a seed-chosen multiple of 90 degrees.")
    registry.register(Transpose, "code/matrix_transpose", {}, "Write a matrix transpose across the main or anti-diagonal.")
    registry.register(Spiral, "code/spiral_order", {}, "Write a clockwise or counter-clockwise spiral traversal.")
