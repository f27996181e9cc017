"""Levels of the counting, probability, geometry, linear algebra, number theory, complex/vector and
statistics families: harder problems level by level, wide problem spaces, spread answers, right values."""

from __future__ import annotations

import itertools
import math
import random
import re
import statistics
from collections import Counter
from fractions import Fraction

import pytest
import sympy as sp

import bootcamp
from tasks.math import combinatorics, number_theory_more, probability

#: One task per family module (two where a module holds two classes).
LEVELED = ["math/catalan_number", "math/committee_count", "math/complex_argument", "math/vector_dot_product",
           "math/triangle_inradius", "math/matrix_rank", "math/eigenvector", "math/divisor_count",
           "math/prime_factorization", "math/dice_sum_probability", "math/coupon_collector", "math/z_score"]


@pytest.mark.parametrize("task_id", LEVELED)
def test_complexity_rises_with_level(task_id: str) -> None:
    task = bootcamp.get_task(task_id)
    assert len(task.levels) == 5 and task.default_level == 1
    means = [statistics.mean(task.at_level(lv).complexity(task.problem(s, level=lv).identity) for s in range(30))
             for lv in range(1, 6)]
    assert all(b > a for a, b in itertools.pairwise(means)), means


@pytest.mark.parametrize("task_id", ["math/cards_distinct_ranks", "math/catalan_number", "math/at_least_one_six",
                                     "math/sphere_volume", "math/roots_of_unity", "math/primitive_root"])
def test_small_problem_spaces_widened(task_id: str) -> None:
    task = bootcamp.get_task(task_id)
    for level in (1, 3) if task.levels else (None,):  # a kind without levels yet poses its level-1 problem
        prompts = {task.problem(s, level=level).prompt for s in range(100)}
        assert len(prompts) >= 99, (level, len(prompts))


@pytest.mark.parametrize("task_id", ["math/matrix_rank", "math/null_space_dimension", "math/divisor_count",
                                     "math/diophantine_count"])
def test_no_answer_dominates(task_id: str) -> None:
    task = bootcamp.get_task(task_id)
    answers = Counter(task.problem(s).identity["answer"] for s in range(120))
    assert answers.most_common(1)[0][1] <= 0.25 * 120, answers.most_common(3)


def test_legendre_symbol_balanced() -> None:
    task = bootcamp.get_task("math/legendre_symbol")
    answers = Counter(task.problem(s, level=2).identity["answer"] for s in range(100))
    assert set(answers) == {"1", "-1"} and min(answers.values()) >= 35


def _ints(text: str) -> list[int]:
    return [int(v) for v in re.findall(r"\d+", text)]


def test_reduced_counts_by_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(30):
        question, answer = combinatorics.derangements(rng, 1)
        size, _, m = _ints(question)
        if size <= 7:
            count = sum(all(p[i] != i for i in range(size)) for p in itertools.permutations(range(size)))
            assert answer == count % m
        question, answer = combinatorics.catalan_fn(rng, 1)
        size, m = _ints(question)
        assert answer == sp.binomial(2 * size, size) / (size + 1) % m


def test_blocked_paths_match_inclusion_exclusion() -> None:
    rng = random.Random(3)
    for _ in range(10):
        question, answer = combinatorics.grid_paths_blocked(rng, 1)
        a, b, px, py, m = _ints(question)[2:]
        total = math.comb(a + b, a) - math.comb(px + py, px) * math.comb(a - px + b - py, a - px)
        assert answer == total % m


def test_dice_sum_by_enumeration() -> None:
    rng = random.Random(11)
    for _ in range(5):
        question, answer = probability.dice_sum(rng, 1)
        *faces, target = _ints(question)
        kind = re.search(r"sum is (exactly|at least|at most)", question).group(1)
        ok = {"exactly": lambda v, t=target: v == t, "at least": lambda v, t=target: v >= t,
              "at most": lambda v, t=target: v <= t}
        outcomes = list(itertools.product(*[range(1, f + 1) for f in faces]))
        assert answer == sp.Rational(sum(ok[kind](sum(r)) for r in outcomes), len(outcomes))


def test_expected_maximum_by_enumeration() -> None:
    rng = random.Random(2)
    question, answer = probability.expected_max_two(rng, 3)
    faces = _ints(question)
    outcomes = list(itertools.product(*[range(1, f + 1) for f in faces]))
    assert answer == sp.Rational(Fraction(sum(max(r) for r in outcomes), len(outcomes)))


def test_number_theory_values() -> None:
    rng = random.Random(0)
    question, answer = number_theory_more.totient_fn(rng, 1)
    m = _ints(question)[0]
    assert answer == sum(math.gcd(m, k) == 1 for k in range(1, m + 1))
    question, answer = number_theory_more.diophantine(rng, 2)
    a, b, c = _ints(question)[-3:]
    assert answer == sum(1 for x in range(c // a + 1) if (c - a * x) % b == 0)
    question, answer = number_theory_more.fib_mod(rng, 3)
    k, m = _ints(question)[-2:]
    assert answer == sp.fibonacci(k) % m
    for level in (1, 2, 4):
        question, answer = number_theory_more.trailing_zeros(rng, level)
        m, base = (_ints(question) + [10])[:2]
        # Legendre: the base's prime powers in m!, the scarcest one decides
        expect = min(sum(m // p**i for i in range(1, 64)) // e for p, e in sp.factorint(base).items())
        assert answer == expect, question
        if m <= 5000:  # and by brute force where the factorial is small enough
            value, zeros = math.factorial(m), 0
            while value % base == 0:
                value //= base
                zeros += 1
            assert answer == zeros, question


def test_eigenvector_three_by_three() -> None:
    task = bootcamp.get_task("math/eigenvector")
    problem = task.problem(4, with_answer=True, level=3)
    assert "v_3" in problem.prompt
    assert task.verify(task.format_answer(problem.answer), problem.identity).correct
    assert task.check("(1, 0)", problem.identity) < 1.0  # too short for a 3x3 matrix
    assert task.check("(0, 0, 0)", problem.identity) < 1.0


def test_prime_factorization_levels() -> None:
    task = bootcamp.get_task("math/prime_factorization")
    assert task.problem(0).identity == task.problem(0, level=1).identity
    big = task.problem(0, with_answer=True, level=5)
    assert big.identity["n"] <= 10**9 and task.verify(task.format_answer(big.answer), big.identity).correct
