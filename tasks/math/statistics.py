"""Descriptive statistics of small data sets, as exact values."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, register_kinds

R = sp.Rational


def _data(rng: random.Random, lo: int = 1, hi: int = 30) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(rng.randint(5, 10))]


def _show(data: list[int]) -> str:
    return ", ".join(map(str, data))


def _mean(d: list[int]) -> sp.Rational:
    return R(sum(d), len(d))


def mean(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng)
    return f"Find the mean of the data {_show(d)}.", _mean(d)


def median(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng)
    s, m = sorted(d), len(d)
    med = R(s[m // 2]) if m % 2 else R(s[m // 2 - 1] + s[m // 2], 2)
    return f"Find the median of the data {_show(d)}.", med


def mode(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, 1, 9)
    top = rng.choice(d)
    d.append(top)
    while any(d.count(v) >= d.count(top) for v in set(d) - {top}):
        d.append(top)
    rng.shuffle(d)
    return f"Find the mode of the data {_show(d)}.", sp.Integer(top)


def variance_pop(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng)
    mu = _mean(d)
    return f"Find the population variance of the data {_show(d)}.", sum((v - mu) ** 2 for v in d) / len(d)


def variance_sample(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng)
    mu = _mean(d)
    return (f"Find the sample variance (dividing by $n-1$) of the data {_show(d)}.",
            sum((v - mu) ** 2 for v in d) / (len(d) - 1))


def std_pop(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng)
    mu = _mean(d)
    return (f"Find the exact population standard deviation of the data {_show(d)}.",
            sp.sqrt(sum((v - mu) ** 2 for v in d) / len(d)))


def weighted_mean(rng: random.Random, level: int) -> tuple[str, Any]:
    vals = _data(rng)
    ws = [rng.randint(1, 5) for _ in vals]
    return (f"Find the weighted mean of the values {_show(vals)} with weights {_show(ws)}.",
            R(sum(v * w for v, w in zip(vals, ws, strict=True)), sum(ws)))


def zscore(rng: random.Random, level: int) -> tuple[str, Any]:
    mu, sd, v = rng.randint(50, 100), rng.randint(2, 15), rng.randint(30, 130)
    return f"A score of {v} comes from a distribution with mean {mu} and standard deviation {sd}. Find its z-score.", \
        R(v - mu, sd)


def covariance(rng: random.Random, level: int) -> tuple[str, Any]:
    xs = _data(rng, 1, 12)
    ys = [rng.randint(1, 12) for _ in xs]
    mx, my = _mean(xs), R(sum(ys), len(ys))
    return (f"Find the population covariance of the paired data $x$ = {_show(xs)} and $y$ = {_show(ys)}.",
            sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / len(xs))


def regression_slope(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        xs = _data(rng, 1, 12)
        if len(set(xs)) > 1:
            break
    ys = [rng.randint(1, 20) for _ in xs]
    mx, my = _mean(xs), R(sum(ys), len(ys))
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / sum((a - mx) ** 2 for a in xs)
    return (f"Find the slope of the least-squares regression line of $y$ on $x$ for $x$ = {_show(xs)} and "
            f"$y$ = {_show(ys)}."), slope


def data_range(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng, -50, 50)
    return f"Find the range (maximum minus minimum) of the data {_show(d)}.", sp.Integer(max(d) - min(d))


def missing_value(rng: random.Random, level: int) -> tuple[str, Any]:
    d = _data(rng)
    target = rng.randint(5, 25)
    missing = target * (len(d) + 1) - sum(d)
    return (f"The data {_show(d)}, $t$ has mean {target}. Find $t$.", sp.Integer(missing))


KINDS = {f.__name__: f for f in (mean, median, mode, variance_pop, variance_sample, std_pop, weighted_mean, zscore,
                                 covariance, regression_slope, data_range, missing_value)}


class Statistics(SymTask):
    """Descriptive statistics with exact answers."""

    kinds = KINDS


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
