"""Difficulty levels of the puzzle and search logic families, and the wider generators behind them."""

from __future__ import annotations

import collections
import random

import pytest
from _levels import (
    assert_complexity_rises,
    assert_default_level_keeps_the_problem,
    assert_reference_solves_every_level,
)

import bootcamp
from tasks.logic.placement import MagicSquare
from tasks.logic.puzzles import syllogism_valid
from tasks.logic.state_puzzles import Hanoi, MissionariesCannibals, WaterJug
from tasks.logic.words import Anagram, AnagramCount

# One task per module (a class of each file that gained levels).
LEVELED = ["logic/graph_coloring_4", "logic/kakuro", "logic/kenken", "logic/maze_shortest_length", "logic/n_queens",
           "logic/zebra", "logic/hanoi_scrambled_moves", "logic/sudoku_killer", "logic/word_ladder"]


@pytest.mark.parametrize("task_id", LEVELED)
def test_mean_complexity_rises_level_by_level(task_id: str) -> None:
    assert_complexity_rises(task_id)


@pytest.mark.parametrize("task_id", LEVELED)
def test_reference_solves_every_level(task_id: str) -> None:
    assert_reference_solves_every_level(task_id)


def test_default_level_keeps_the_default_problem() -> None:
    assert_default_level_keeps_the_problem("logic/zebra")


def test_hanoi_moves_use_the_generated_peg_names() -> None:
    task = Hanoi("logic/hanoi_moves")
    identity = {"pos": [0, 0], "target": 2, "pegs": "XQZ"}
    assert task.check("X->Q, X->Z, Q->Z", identity) == 1.0
    assert task.check("A->B, A->C, B->C", identity) < 1.0  # the default names are not these pegs
    assert task.check("X->Z, X->Z, Q->Z", identity) < 1.0  # big disk on small


def test_water_jug_starts_from_the_given_filling_and_goal() -> None:
    task = WaterJug("logic/water_jug")
    identity = {"caps": [3, 5], "start": [3, 0], "goal": 3, "where": "B"}
    assert task.check("pour A B", identity) == 1.0
    assert task.check("fill A", identity) < 1.0  # 3 litres, but in jug A
    total = {"caps": [3, 5], "start": [1, 1], "goal": 8, "where": "total"}
    assert task.check("fill A, fill B", total) == 1.0 and task.check("fill B", total) < 1.0


def test_river_crossing_reads_the_group_letters() -> None:
    task = MissionariesCannibals("logic/river_crossing")
    identity = {"n": 1, "cap": 2, "start": [1, 1, 0], "groups": ["monks", "trolls"]}
    assert task.check("MT", identity) == 1.0
    assert task.verify("<answer>MC</answer>", identity).reason == "invalid_answer"
    problem = task.problem(7, with_answer=True, level=4)
    assert task.check(problem.answer, problem.identity) == 1.0


def test_magic_square_progression_checks_its_own_numbers() -> None:
    task = MagicSquare("logic/magic_square_3x3", order=3, blank_fraction=0.7, progression=True)
    identity = {"n": 3, "start": 10, "step": 2, "solution": [[12, 22, 20], [26, 18, 10], [16, 14, 24]],
                "givens": [[12, 0, 0], [0, 18, 0], [0, 0, 0]]}
    assert task.check("12 22 20\n26 18 10\n16 14 24", identity) == 1.0
    assert task.check("2 7 6\n9 5 1\n4 3 8", identity) < 1.0  # magic, but not these numbers


def test_syllogism_validity_over_chains() -> None:
    # terms: 0 = S, 1 = P, 2.. = middles.  Barbara: all M are P, all S are M => all S are P.
    assert syllogism_valid([["A", 2, 1], ["A", 0, 2]], ["A", 0, 1])
    assert not syllogism_valid([["A", 2, 1], ["A", 0, 2]], ["I", 0, 1])  # no existential import
    assert syllogism_valid([["A", 0, 2], ["A", 2, 3], ["E", 3, 1]], ["E", 0, 1], 4)
    assert not syllogism_valid([["A", 0, 2], ["I", 2, 3], ["A", 3, 1]], ["A", 0, 1], 4)
    assert syllogism_valid([["E", 0, 1]], ["E", 1, 0], 2) and not syllogism_valid([["A", 0, 1]], ["A", 1, 0], 2)
    task = bootcamp.get_task("logic/syllogism")
    answers = collections.Counter(task.problem(seed, with_answer=True, level=4).answer for seed in range(60))
    assert min(answers.values()) >= 18  # balanced by construction


def test_anagram_pile_accepts_any_listed_word_it_can_spell() -> None:
    task = Anagram("logic/anagram")
    identity = {"letters": "tsnoex", "length": 5, "word": "stone"}
    assert task.check("STONE", identity) == 1.0 and task.check("notes", identity) == 1.0
    assert task.check("stones", identity) < 1.0  # wrong length
    assert task.check("tenor", identity) < 1.0  # no r in the pile
    assert task.check("tonse", identity) < 1.0  # not a listed word


def test_anagram_count_spreads_its_answers() -> None:
    task = AnagramCount("logic/anagram_count")
    counts = collections.Counter(task.value(task.generate(random.Random(seed))) for seed in range(300))
    assert len(counts) >= 6 and max(counts.values()) < 0.25 * 300
