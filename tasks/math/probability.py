"""Probability: dice, cards, urns, distributions and expectations, as exact values.

Levels add dice, draws, trials and conditions and widen the parameters (odd-sided dice, custom
decks, probabilities with larger denominators).
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

import sympy as sp

from tasks.math._common import _MATH_TOKEN, SymTask, register_kinds

FRACTION = "Give the exact value as a fraction in lowest terms (or an exact expression) in \\boxed{}."
R = sp.Rational
C = sp.binomial


def _sum_counts(faces: list[int]) -> dict[int, int]:
    """How many outcomes of fair dice with these face counts give each sum (convolution, not enumeration)."""
    counts = {0: 1}
    for f in faces:
        nxt: dict[int, int] = {}
        for total, c in counts.items():
            for v in range(1, f + 1):
                nxt[total + v] = nxt.get(total + v, 0) + c
        counts = nxt
    return counts


def _prob(rng: random.Random, top: int = 30) -> sp.Rational:
    """A probability a/b strictly between 0 and 1 with b <= ``top``."""
    b = rng.randint(2, top)
    return R(rng.randint(1, b - 1), b)


def _values(vals: list[int]) -> str:
    return ", ".join(map(str, vals[:-1])) + f" or {vals[-1]}" if len(vals) > 1 else str(vals[0])


def dice_sum(rng: random.Random, level: int) -> tuple[str, Any]:
    faces = [rng.randint(4, 20) for _ in range(2 + level)]
    counts = _sum_counts(faces)
    s = rng.randint(len(faces) + 1, sum(faces) - 1)
    kind = rng.choice(["exactly", "at least", "at most"])
    hits = sum(c for v, c in counts.items() if (v == s if kind == "exactly" else v >= s if kind == "at least"
                                                  else v <= s))
    dice = ", ".join(f"a fair {f}-sided die" for f in faces)
    return f"You roll {dice}. What is the probability that the sum is {kind} {s}?", R(hits, math.prod(faces))


def dice_at_least_one(rng: random.Random, level: int) -> tuple[str, Any]:
    faces = rng.randint(6, 40)
    target = sorted(rng.sample(range(1, faces + 1), rng.randint(1, 3)))
    nn, k = rng.randint(2, 3 + 2 * level), rng.randint(1, level)
    k = min(k, nn)
    p = R(len(target), faces)
    val = sum(C(nn, j) * p**j * (1 - p) ** (nn - j) for j in range(k, nn + 1))
    times = "at least once" if k == 1 else f"at least {k} times"
    return (f"A fair {faces}-sided die (faces 1 to {faces}) is rolled {nn} times. What is the probability that a "
            f"{_values(target)} comes up {times}?"), val


def dice_max(rng: random.Random, level: int) -> tuple[str, Any]:
    faces = rng.randint(4, 80 + 20 * level)
    nn, m = rng.randint(2, 3 + level), rng.randint(2, faces)
    j = rng.randint(1, m)
    val = R((m - j + 1) ** nn - (m - j) ** nn, faces**nn)
    extra = "" if j == 1 else f" and the smallest is at least {j}"
    return (f"A fair {faces}-sided die is rolled {nn} times. What is the probability that the largest value rolled "
            f"is exactly {m}{extra}?"), val


def cards_suit(rng: random.Random, level: int) -> tuple[str, Any]:
    suits, ranks = rng.randint(3, 12), rng.randint(5, 30 + 30 * level)
    kk = rng.randint(2, 4 + level)
    kind = rng.choice(["exactly", "at least"])
    h = rng.randint(0 if kind == "exactly" else 1, min(kk, ranks))  # "at least 0" is certain
    hit = range(h, h + 1) if kind == "exactly" else range(h, min(kk, ranks) + 1)
    val = sum(C(ranks, j) * C((suits - 1) * ranks, kk - j) for j in hit) / C(suits * ranks, kk)
    return (f"A deck has {suits} suits of {ranks} cards each. {kk} cards are drawn without replacement. What is the "
            f"probability that {kind} {h} of them are of the first suit?"), val


def cards_pair(rng: random.Random, level: int) -> tuple[str, Any]:
    suits, ranks = rng.randint(2, 12), rng.randint(6, 500 * level)
    kk = rng.randint(2, min(ranks, 6 + level))
    return (f"A deck has {ranks} ranks in each of {suits} suits ({ranks * suits} cards). {kk} cards are drawn "
            "without replacement. What is the probability that no two of them have the same rank?"), \
        C(ranks, kk) * suits**kk / C(ranks * suits, kk)


def urn_without(rng: random.Random, level: int) -> tuple[str, Any]:
    r, b, d = rng.randint(3, 30 * level), rng.randint(3, 30 * level), rng.randint(2, 3 + level)
    j = rng.randint(0, d)
    return (f"An urn holds {r} red and {b} blue balls. {d} balls are drawn without replacement. What is the "
            f"probability that exactly {j} are red?"), C(r, j) * C(b, d - j) / C(r + b, d)


def urn_with(rng: random.Random, level: int) -> tuple[str, Any]:
    r, b, d = rng.randint(1, 30 * level), rng.randint(1, 30 * level), rng.randint(2, 4 + level)
    j = rng.randint(0, d)
    p = R(r, r + b)
    return (f"An urn holds {r} red and {b} blue balls. {d} balls are drawn with replacement. What is the "
            f"probability that exactly {j} are red?"), C(d, j) * p**j * (1 - p) ** (d - j)


def binomial_pmf(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, p = rng.randint(3, 10 + 5 * level), _prob(rng, 100)
    kk = rng.randint(0, nn)
    return f"$X \\sim \\mathrm{{Binomial}}({nn}, {p})$. Find $P(X = {kk})$.", C(nn, kk) * p**kk * (1 - p) ** (nn - kk)


def binomial_at_least(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, p = rng.randint(3, 8 + 4 * level), _prob(rng, 100)
    kk = rng.randint(1, nn)
    val = sum(C(nn, j) * p**j * (1 - p) ** (nn - j) for j in range(kk, nn + 1))
    return f"$X \\sim \\mathrm{{Binomial}}({nn}, {sp.latex(p)})$. Find $P(X \\ge {kk})$.", val


def geometric_pmf(rng: random.Random, level: int) -> tuple[str, Any]:
    p, kk = _prob(rng, 1000), rng.randint(1, 6 * level)
    return (f"Independent trials each succeed with probability ${sp.latex(p)}$. What is the probability that "
            f"the first success happens on trial {kk}?"), (1 - p) ** (kk - 1) * p


def poisson_pmf(rng: random.Random, level: int) -> tuple[str, Any]:
    lam, kk = R(rng.randint(1, 299), rng.randint(1, 10)), rng.randint(0, 4 + 2 * level)  # e^{-lam}: lam <= 299
    return f"$X \\sim \\mathrm{{Poisson}}({sp.latex(lam)})$. Find $P(X = {kk})$ exactly.", \
        sp.exp(-lam) * lam**kk / sp.factorial(kk)


def expected_dice(rng: random.Random, level: int) -> tuple[str, Any]:
    faces = [rng.randint(4, 30) for _ in range(1 + 2 * level)]
    dice = ", ".join(f"a fair {f}-sided die" for f in faces)
    return f"What is the expected value of the sum of {dice} (faces 1 to the number of sides)?", \
        sum(R(f + 1, 2) for f in faces)


def expected_max_two(rng: random.Random, level: int) -> tuple[str, Any]:
    faces = [rng.randint(4, 200 * level) for _ in range(2 + (level - 1) // 2)]
    total = math.prod(faces)
    # E[max] = sum over v of P(max >= v) = sum of 1 - P(all < v), in integers over the common denominator
    val = sum(total - math.prod(min(v - 1, f) for f in faces) for v in range(1, max(faces) + 1))
    dice = ", ".join(f"a fair {f}-sided die" for f in faces)
    return f"You roll {dice}. What is the expected value of the largest number rolled?", R(val, total)


def expected_wait(rng: random.Random, level: int) -> tuple[str, Any]:
    faces, need = rng.randint(4, 100), rng.randint(1, 5 * 10 ** (level - 1))
    target = sorted(rng.sample(range(1, faces + 1), rng.randint(1, min(3, faces - 1))))
    return (f"A fair {faces}-sided die is rolled until a {_values(target)} has come up {need} time(s) in total. "
            "What is the expected number of rolls?"), R(need * faces, len(target))


def coupon(rng: random.Random, level: int) -> tuple[str, Any]:
    nn = rng.randint(3, 30 * level)  # the answer's denominator is about lcm(1..nn): keep it well under 1000 digits
    have = rng.randint(0, nn - 2)
    want = rng.randint(have + 1, nn)
    goal = "all of them" if want == nn else f"{want} different ones"
    start = "" if have == 0 else f" You already have {have} different ones."
    return (f"Each cereal box holds one of {nn} equally likely coupons.{start} What is the expected number of "
            f"further boxes needed to hold {goal}?"), sum(R(nn, nn - i) for i in range(have, want))


def bayes(rng: random.Random, level: int) -> tuple[str, Any]:
    den = 10 ** (2 + level)
    prev, sens, fpr = R(rng.randint(1, den // 10), den), R(rng.randint(8 * den // 10, den - 1), den), \
        R(rng.randint(1, 15 * den // 100), den)
    val = prev * sens / (prev * sens + (1 - prev) * fpr)
    return (f"A disease has prevalence {prev}. A test detects it with probability {sens} and gives a false positive "
            f"with probability {fpr}. Given a positive test, what is the probability of having the disease?"), val


def birthday(rng: random.Random, level: int) -> tuple[str, Any]:
    days, people = rng.randint(10, 20000), rng.randint(2, 3 + 2 * level)
    val = sp.prod([R(days - i, days) for i in range(people)])
    return (f"{people} people each pick one of {days} days uniformly at random, independently. What is the "
            "probability that all picked days are different?"), val


def binomial_variance(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, p = rng.randint(5, 1000 * level), _prob(rng, 50)
    return f"Find the variance of $X \\sim \\mathrm{{Binomial}}({nn}, {sp.latex(p)})$.", nn * p * (1 - p)


def coin_runs(rng: random.Random, level: int) -> tuple[str, Any]:
    nn, p = rng.randint(4, 12 + 8 * level), _prob(rng, 30)
    lo = rng.randint(0, nn)
    hi = rng.randint(lo, min(nn, lo + level * 2))
    what = f"exactly {lo} heads" if lo == hi else f"between {lo} and {hi} heads (inclusive)"
    return (f"A coin that lands heads with probability {p} is tossed {nn} times. What is the probability of "
            f"{what}?"), sum(C(nn, k) * p**k * (1 - p) ** (nn - k) for k in range(lo, hi + 1))


KINDS = {f.__name__: f for f in (
    dice_sum, dice_at_least_one, dice_max, cards_suit, cards_pair, urn_without, urn_with, binomial_pmf,
    binomial_at_least, geometric_pmf, poisson_pmf, expected_dice, expected_max_two, expected_wait, coupon, bayes,
    birthday, binomial_variance, coin_runs)}


class Probability(SymTask):
    """Probability questions with exact answers."""
    #: Generators whose problems do not yet get strictly harder level by level.
    unleveled_kinds = frozenset({"dice_at_least_one", "binomial_variance", "cards_pair"})

    #: 4: levels; generators widened (any-sided dice, custom decks, target sets, more conditions).
    version = 4
    kinds = KINDS
    answer_format = FRACTION

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bits of the question's numbers (dice, draws, trials, counts) plus the math tokens of the
        answer (more outcomes to add up give longer fractions)."""
        bits = sum(math.log2(1 + int(v)) for v in re.findall(r"\d+", identity["question"]))
        return float(bits + len(_MATH_TOKEN.findall(identity["answer"])))


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
