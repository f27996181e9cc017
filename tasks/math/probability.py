"""Probability: dice, cards, urns, distributions and expectations, as exact values."""

from __future__ import annotations

import itertools
import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, register_kinds

FRACTION = "Give the exact value as a fraction in lowest terms (or an exact expression) in \\boxed{}."
R = sp.Rational
C = sp.binomial


def dice_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    dice, faces = rng.randint(2, 3), rng.choice([4, 6, 8])
    s = rng.randint(dice + 1, dice * faces - 1)
    hits = sum(1 for r in itertools.product(range(1, faces + 1), repeat=dice) if sum(r) == s)
    return f"{dice} fair {faces}-sided dice are rolled. What is the probability that the sum is {s}?", \
        R(hits, faces**dice)


def dice_at_least_one(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(2, 8)
    return f"A fair die is rolled {nn} times. What is the probability of at least one six?", 1 - R(5, 6) ** nn


def dice_max(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, m = rng.randint(2, 5), rng.randint(2, 6)
    return (f"A fair six-sided die is rolled {nn} times. What is the probability that the largest value rolled "
            f"is exactly {m}?"), R(m**nn - (m - 1) ** nn, 6**nn)


def cards_suit(rng: random.Random, level: int) -> tuple[str, Any]:
    kk = rng.randint(2, 6)
    h = rng.randint(1, kk)
    return (f"{kk} cards are drawn without replacement from a standard 52-card deck. What is the probability that "
            f"exactly {h} of them are hearts?"), C(13, h) * C(39, kk - h) / C(52, kk)


def cards_pair(rng: random.Random, level: int) -> tuple[str, Any]:
    kk = rng.randint(2, 5)
    return (f"{kk} cards are drawn from a standard 52-card deck without replacement. What is the probability that "
            "no two of them have the same rank?"), C(13, kk) * 4**kk / C(52, kk)


def urn_without(rng: random.Random, level: int) -> tuple[str, Any]:
    r, b, d = rng.randint(3, 10), rng.randint(3, 10), rng.randint(2, 4)
    j = rng.randint(0, d)
    return (f"An urn holds {r} red and {b} blue balls. {d} balls are drawn without replacement. What is the "
            f"probability that exactly {j} are red?"), C(r, j) * C(b, d - j) / C(r + b, d)


def urn_with(rng: random.Random, level: int) -> tuple[str, Any]:
    r, b, d = rng.randint(1, 9), rng.randint(1, 9), rng.randint(2, 5)
    j = rng.randint(0, d)
    p = R(r, r + b)
    return (f"An urn holds {r} red and {b} blue balls. {d} balls are drawn with replacement. What is the "
            f"probability that exactly {j} are red?"), C(d, j) * p**j * (1 - p) ** (d - j)


def binomial_pmf(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, p = rng.randint(3, 12), R(rng.randint(1, 9), 10)
    kk = rng.randint(0, nn)
    return f"$X \\sim \\mathrm{{Binomial}}({nn}, {p})$. Find $P(X = {kk})$.", C(nn, kk) * p**kk * (1 - p) ** (nn - kk)


def binomial_at_least(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, p = rng.randint(3, 10), R(1, rng.randint(2, 6))
    kk = rng.randint(1, nn)
    val = sum(C(nn, j) * p**j * (1 - p) ** (nn - j) for j in range(kk, nn + 1))
    return f"$X \\sim \\mathrm{{Binomial}}({nn}, {p})$. Find $P(X \\ge {kk})$.", val


def geometric_pmf(rng: random.Random, level: int) -> tuple[str, Any]:
    p, kk = R(1, rng.randint(2, 10)), rng.randint(1, 8)
    return (f"Independent trials each succeed with probability ${sp.latex(p)}$. What is the probability that "
            f"the first success happens on trial {kk}?"), (1 - p) ** (kk - 1) * p


def poisson_pmf(rng: random.Random, level: int) -> tuple[str, Any]:
    lam, kk = rng.randint(1, 8), rng.randint(0, 8)
    return f"$X \\sim \\mathrm{{Poisson}}({lam})$. Find $P(X = {kk})$ exactly.", \
        sp.exp(-lam) * sp.Integer(lam) ** kk / sp.factorial(kk)


def expected_dice(rng: random.Random, level: int) -> tuple[str, Any]:
    faces, nn = rng.choice([4, 6, 8, 10, 12, 20]), rng.randint(1, 5)
    return f"What is the expected value of the sum of {nn} fair {faces}-sided dice (faces 1 to {faces})?", \
        R(nn * (faces + 1), 2)


def expected_max_two(rng: random.Random, level: int) -> tuple[str, Any]:
    faces = rng.choice([4, 6, 8, 10, 12])
    val = sum(R(max(a, b), faces * faces) for a in range(1, faces + 1) for b in range(1, faces + 1))
    return f"Two fair {faces}-sided dice are rolled. What is the expected value of the larger number?", val


def expected_wait(rng: random.Random, level: int) -> tuple[str, Any]:
    faces, need = rng.choice([4, 6, 8, 10, 20]), rng.randint(1, 3)
    return (f"A fair {faces}-sided die is rolled until the value {faces} has appeared {need} time(s). What is the "
            "expected number of rolls?"), sp.Integer(need * faces)


def coupon(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(2, 10)
    return (f"Each cereal box holds one of {nn} equally likely coupons. What is the expected number of boxes needed "
            "to collect all of them?"), nn * sp.harmonic(nn)


def bayes(rng: random.Random, level: int) -> tuple[str, Any]:
    prev, sens, fpr = R(rng.randint(1, 10), 100), R(rng.randint(80, 99), 100), R(rng.randint(1, 15), 100)
    val = prev * sens / (prev * sens + (1 - prev) * fpr)
    return (f"A disease has prevalence {prev}. A test detects it with probability {sens} and gives a false positive "
            f"with probability {fpr}. Given a positive test, what is the probability of having the disease?"), val


def birthday(rng: random.Random, level: int) -> tuple[str, Any]:
    days, people = rng.choice([10, 12, 20, 30, 365]), rng.randint(2, 6)
    val = sp.prod([R(days - i, days) for i in range(people)])
    return (f"{people} people each pick one of {days} days uniformly at random, independently. What is the "
            "probability that all picked days are different?"), val


def binomial_variance(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, p = rng.randint(5, 100), R(rng.randint(1, 9), 10)
    return f"Find the variance of $X \\sim \\mathrm{{Binomial}}({nn}, {p})$.", nn * p * (1 - p)


def coin_runs(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(4, 12)
    kk = rng.randint(0, nn)
    return f"A fair coin is tossed {nn} times. What is the probability of exactly {kk} heads?", C(nn, kk) / 2**nn


KINDS = {f.__name__: f for f in (
    dice_sum, dice_at_least_one, dice_max, cards_suit, cards_pair, urn_without, urn_with, binomial_pmf,
    binomial_at_least, geometric_pmf, poisson_pmf, expected_dice, expected_max_two, expected_wait, coupon, bayes,
    birthday, binomial_variance, coin_runs)}


class Probability(SymTask):
    """Probability questions with exact answers."""

    kinds = KINDS
    answer_format = FRACTION


TABLE = [
    ("math/dice_sum_probability", "dice_sum", "Probability that dice show a given sum."),
    ("math/at_least_one_six", "dice_at_least_one", "Probability of at least one six in n rolls."),
    ("math/dice_maximum_probability", "dice_max", "Probability that the maximum of n dice equals m."),
    ("math/cards_hearts_probability", "cards_suit", "Exactly h hearts among k cards."),
    ("math/cards_distinct_ranks", "cards_pair", "k cards with all ranks different."),
    ("math/urn_without_replacement", "urn_without", "Hypergeometric urn probability."),
    ("math/urn_with_replacement", "urn_with", "Urn probability with replacement."),
    ("math/binomial_pmf", "binomial_pmf", "Binomial probability mass."),
    ("math/binomial_tail", "binomial_at_least", "Binomial upper tail probability."),
    ("math/geometric_pmf", "geometric_pmf", "Geometric probability of first success at trial k."),
    ("math/poisson_pmf", "poisson_pmf", "Poisson probability mass (exact, with e)."),
    ("math/expected_dice_sum", "expected_dice", "Expected sum of dice."),
    ("math/expected_max_of_two_dice", "expected_max_two", "Expected maximum of two dice."),
    ("math/expected_waiting_time", "expected_wait", "Expected rolls until k successes."),
    ("math/coupon_collector", "coupon", "Coupon collector expectation."),
    ("math/bayes_theorem", "bayes", "Posterior probability after a positive test."),
    ("math/birthday_problem", "birthday", "Probability that all picks are distinct."),
    ("math/binomial_variance", "binomial_variance", "Variance of a binomial variable."),
    ("math/coin_heads_probability", "coin_runs", "Exactly k heads in n fair tosses."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Probability, TABLE)
