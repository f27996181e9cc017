"""Difficulty levels of the materials composition and oxidation-state tasks: complexity rises level by level."""

from __future__ import annotations

import math
from collections import Counter

import pytest

import bootcamp
from tasks.materials.composition import comp, random_compound

SEEDS = range(30)


def _means(task_id: str) -> list[float]:
    task = bootcamp.get_task(task_id)
    return [sum(task.complexity(task.problem(s, level=lvl).identity) for s in SEEDS) / len(SEEDS)
            for lvl in range(1, task.n_levels + 1)]


@pytest.mark.parametrize("task_id", [
    "materials/molar_mass", "materials/oxidation_state", "materials/charge_balanced",
    "materials/empirical_formula_from_mass_percent", "materials/solid_solution_molar_mass",
    "materials/formula_from_ions", "materials/tolerance_factor", "materials/radius_ratio_coordination",
    "materials/oxygen_nonstoichiometry", "materials/tga_mass_loss",
])
def test_levels_rise(task_id):
    means = _means(task_id)
    assert len(means) >= 3
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means


def test_random_compound_is_charge_balanced():
    import random

    rng = random.Random(7)
    for n in (2, 3, 4, 5, 6):
        for _ in range(50):
            c = random_compound(rng, n, 5)
            assert len(c["amounts"]) == n
            assert sum(c["oxi"][el] * k for el, k in c["amounts"].items()) == 0
            assert math.gcd(*c["amounts"].values()) == 1
            assert {e.symbol for e in comp(c["formula"]).elements} == set(c["amounts"])


def test_oxidation_state_answers_spread():
    task = bootcamp.get_task("materials/oxidation_state")
    answers = Counter(task.solve(task.problem(s).identity) for s in range(300))
    assert answers.most_common(1)[0][1] / 300 < 0.2
    assert len({task.problem(s).prompt for s in range(300)}) >= 297


def test_molar_mass_problems_distinct_and_solved():
    task = bootcamp.get_task("materials/molar_mass")
    for lvl in range(1, task.n_levels + 1):
        probs = [task.problem(s, level=lvl) for s in range(200)]
        assert len({p.prompt for p in probs}) >= 198
        leveled = task.at_level(lvl)
        for p in probs[:10]:
            assert leveled.check(leveled.solve(p.identity), p.identity) == 1.0


def test_level_identity_and_hostile_answers():
    task = bootcamp.get_task("materials/oxidation_states")
    p = task.problem(3, level=5)
    assert p.identity["level"] == 5
    for bad in ["", "Fe: +99999999999", "x" * 10_000, "Fe: +3, Fe: +2", "\\boxed{O: -2}"]:
        assert task.check(bad, p.identity) < 1.0
