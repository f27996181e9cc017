"""Difficulty levels of the propositional, algorithmic and arithmetic-puzzle logic families."""

from __future__ import annotations

import pytest
from _levels import (
    assert_complexity_rises,
    assert_default_level_keeps_the_problem,
    assert_reference_solves_every_level,
)

import bootcamp
from tasks.logic.algorithms import batcher, chain_inputs, pruned_network, removal_order, sorts_all

# One task per module (a class of each file that gained levels), and the table families' hardest cases.
LEVELED = ["logic/truth_eval", "logic/cnf_sat", "logic/falsifying_assignment", "logic/lis_length",
           "logic/sorting_network_design", "logic/subset_sum", "logic/game_24", "logic/countdown"]


@pytest.mark.parametrize("task_id", LEVELED)
def test_mean_complexity_rises_level_by_level(task_id: str) -> None:
    assert_complexity_rises(task_id)


@pytest.mark.parametrize("task_id", LEVELED)
def test_reference_solves_every_level(task_id: str) -> None:
    assert_reference_solves_every_level(task_id)


def test_default_level_keeps_the_default_problem() -> None:
    assert_default_level_keeps_the_problem("logic/knapsack")


def test_two_valued_answers_are_balanced() -> None:
    for task_id in ("logic/truth_eval", "logic/equivalent_formulas", "logic/sorting_network_check"):
        task = bootcamp.get_task(task_id)
        answers = [task.problem(seed, with_answer=True, level=1).answer for seed in range(100)]
        assert 30 <= sum(a in ("yes", "true") for a in answers) <= 70, task_id


def test_removal_order_counts_from_the_start_person() -> None:
    assert removal_order(7, 3) == [3, 6, 2, 7, 5, 1, 4]  # the survivor of the classic problem is 4
    assert removal_order(5, 2, start=3) == [4, 1, 3, 2, 5]
    task = bootcamp.get_task("logic/josephus")
    assert task.check("4", {"n": 7, "k": 3, "start": 1, "m": 7}) == 1.0
    assert task.check("6", {"n": 7, "k": 3, "start": 1, "m": 7}) < 1.0


def test_design_networks_only_need_to_sort_the_promised_inputs() -> None:
    chains = [[0, 1, 2], [3, 4, 5]]  # two sorted halves: a merging network is enough
    net = pruned_network(6, chains)
    assert len(net) < len(batcher(6)) and sorts_all(net, 6, chain_inputs(6, chains))
    assert not sorts_all(net, 6)  # it does not sort arbitrary inputs
    task = bootcamp.get_task("logic/sorting_network_design")
    identity = {"n": 6, "chains": chains, "max_size": len(net), "net": net}
    assert task.check(task.solve(identity), identity) == 1.0
    assert task.check(", ".join(f"({a + 1},{b + 1})" for a, b in batcher(6)), identity) < 1.0  # over the bound
    assert task.verify("<answer>(1,9)</answer>", identity).score < 1.0


def test_game_24_targets_are_reachable() -> None:
    task = bootcamp.get_task("logic/game_24")
    for seed in range(20):
        problem = task.problem(seed, with_answer=True, level=5)
        assert len(problem.identity["numbers"]) == 6
        assert task.check(problem.answer, problem.identity) == 1.0
