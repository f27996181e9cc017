"""Descriptive statistics of small data sets, as exact values.

Levels grow the data: more values, a wider range, and (for the z-score) more steps.
"""

from __future__ import annotations

import random
import re
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, register_kinds

R = sp.Rational


def _data(rng: random.Random, level: int, lo: int = 1, hi: int = 30) -> list[int]:
    """5-10 values in [lo, hi] at level 1; each level adds values and widens the range."""
    span = (hi - lo) * level
    return [rng.randint(lo, lo + span) for _ in range(rng.randint(5 + 3 * (level - 1), 10 + 4 * (level - 1)))]


def _show(data: list[int]) -> str:
    return ", ".join(map(str, data))


def _mean(d: list[int]) -> sp.Rational:
    return R(sum(d), len(d))


def _var(d: list[int]) -> sp.Rational:
    mu = _mean(d)
    return sum((v - mu) ** 2 for v in d) / len(d)


def mean(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level)
    return f"Find the mean of the data {_show(d)}.", _mean(d)


def median(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level)
    s, m = sorted(d), len(d)
    med = R(s[m // 2]) if m % 2 else R(s[m // 2 - 1] + s[m // 2], 2)
    return f"Find the median of the data {_show(d)}.", med


def mode(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level, 1, 9)
    top = rng.choice(d)
    d.append(top)
    while any(d.count(v) >= d.count(top) for v in set(d) - {top}):
        d.append(top)
    rng.shuffle(d)
    return f"Find the mode of the data {_show(d)}.", sp.Integer(top)


def variance_pop(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level)
    return f"Find the population variance of the data {_show(d)}.", _var(d)


def variance_sample(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level)
    return (f"Find the sample variance (dividing by $n-1$) of the data {_show(d)}.",
            _var(d) * len(d) / (len(d) - 1))


def std_pop(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level)
    return f"Find the exact population standard deviation of the data {_show(d)}.", sp.sqrt(_var(d))


def weighted_mean(rng: random.Random, level: int) -> tuple[str, Any]:
    vals = _data(rng, level)
    ws = [rng.randint(1, 5 * level) for _ in vals]
    return (f"Find the weighted mean of the values {_show(vals)} with weights {_show(ws)}.",
            R(sum(v * w for v, w in zip(vals, ws, strict=True)), sum(ws)))


def zscore(rng: random.Random, level: int) -> tuple[str, Any]:
    if level <= 2:  # the mean and standard deviation are given
        mu, sd, v = rng.randint(50, 100 * level), rng.randint(2, 15 * level), rng.randint(30, 130 * level)
        return (f"A score of {v} comes from a distribution with mean {mu} and standard deviation {sd}. "
                "Find its z-score."), R(v - mu, sd)
    # from level 3 they must first be computed from a data set
    while True:
        d = _data(rng, level - 2)
        if len(set(d)) > 1:
            break
    v = rng.randint(min(d) - 10, max(d) + 10)
    return (f"Find the exact z-score of the value {v} relative to the data {_show(d)}, using the data's mean and "
            "population standard deviation."), (v - _mean(d)) / sp.sqrt(_var(d))


def covariance(rng: random.Random, level: int) -> tuple[str, Any]:
    xs = _data(rng, level, 1, 12)
    ys = [rng.randint(1, 12 * level) for _ in xs]
    mx, my = _mean(xs), _mean(ys)
    return (f"Find the population covariance of the paired data $x$ = {_show(xs)} and $y$ = {_show(ys)}.",
            sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / len(xs))


def regression_slope(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        xs = _data(rng, level, 1, 12)
        if len(set(xs)) > 1:
            break
    ys = [rng.randint(1, 20 * level) for _ in xs]
    mx, my = _mean(xs), _mean(ys)
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / sum((a - mx) ** 2 for a in xs)
    return (f"Find the slope of the least-squares regression line of $y$ on $x$ for $x$ = {_show(xs)} and "
            f"$y$ = {_show(ys)}."), slope


def data_range(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level, -50, 50)
    return f"Find the range (maximum minus minimum) of the data {_show(d)}.", sp.Integer(max(d) - min(d))


def missing_value(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, level)
    target = rng.randint(5, 25 * level)
    missing = target * (len(d) + 1) - sum(d)
    return (f"The data {_show(d)}, $t$ has mean {target}. Find $t$.", sp.Integer(missing))


KINDS = {f.__name__: f for f in (mean, median, mode, variance_pop, variance_sample, std_pop, weighted_mean, zscore,
                                 covariance, regression_slope, data_range, missing_value)}


class Statistics(SymTask):
    """Descriptive statistics with exact answers."""

    #: 4: levels (more data values, wider ranges; the z-score from raw data from level 3).
    version = 4
    kinds = KINDS

    def complexity(self, identity: dict[str, Any]) -> float:
        """Numbers in the question (data values to process) plus the answer's math tokens."""
        return float(len(re.findall(r"-?\d+", identity["question"])) + len(identity["answer"]) / 4)


TABLE = [
    ("math/data_mean", "mean", "Mean of a data set."),
    ("math/data_median", "median", "Median of a data set."),
    ("math/data_mode", "mode", "Mode of a data set."),
    ("math/population_variance", "variance_pop", "Population variance."),
    ("math/sample_variance", "variance_sample", "Sample variance (n - 1)."),
    ("math/population_std", "std_pop", "Population standard deviation, exact."),
    ("math/weighted_mean", "weighted_mean", "Weighted mean."),
    ("math/z_score", "zscore", "z-score of a value."),
    ("math/covariance", "covariance", "Population covariance of paired data."),
    ("math/regression_slope", "regression_slope", "Least-squares regression slope."),
    ("math/data_range", "data_range", "Range of a data set."),
    ("math/missing_value_for_mean", "missing_value", "Missing value giving a target mean."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Statistics, TABLE)
