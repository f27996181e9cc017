"""Tests of the logic-puzzle task library (tasks/logic)."""

from __future__ import annotations

import random
import time

import pytest

import bootcamp
from tasks.logic import _cipher_algos as C
from tasks.logic import _graph as G
from tasks.logic.algorithms import batcher, josephus, sorts_all
from tasks.logic.arith_puzzles import BadExpression, evaluate, parse_expression
from tasks.logic.bits import to_roman
from tasks.logic.dates import _easter

LOGIC_IDS = bootcamp.list_tasks("logic/*")


def _task(task_id: str) -> bootcamp.Task:
    return bootcamp.get_task(task_id)


def test_registry_has_enough_logic_ids() -> None:
    assert len(LOGIC_IDS) >= 160


@pytest.mark.parametrize("task_id", LOGIC_IDS)
def test_reference_scores_one_and_near_misses_do_not(task_id: str) -> None:
    task = _task(task_id)
    for seed in range(3):
        problem = task.problem(seed, with_answer=True)
        assert problem.prompt.strip()
        verdict = task.verify(task.format_answer(problem.answer), problem.identity)
        assert verdict.correct, (seed, problem.answer, verdict)
        for wrong in task.perturb(problem.answer, problem.identity):
            if wrong.strip() != problem.answer.strip():
                assert task.check(wrong, problem.identity) < 1.0, (seed, wrong)


@pytest.mark.parametrize("task_id", LOGIC_IDS)
def test_garbage_is_invalid_and_fast(task_id: str) -> None:
    task = _task(task_id)
    identity = task.problem(0).identity
    assert task.verify("<answer>@@@ ### !!!</answer>", identity).reason == "invalid_answer"
    start = time.perf_counter()
    for hostile in ("x" * 50_000, "9**9**9", "(" * 500 + ")" * 500, "1,2,3," * 2000):
        assert task.check(hostile, identity) < 1.0
    assert time.perf_counter() - start < 1.0


# -- any valid solution scores, not only the stored one -----------------------------------
def test_sudoku_accepts_another_valid_grid_and_rejects_a_broken_one() -> None:
    task = _task("logic/sudoku")
    solution = [[1, 2, 3, 4], [3, 4, 1, 2], [2, 1, 4, 3], [4, 3, 2, 1]]
    other = [[1, 2, 3, 4], [3, 4, 1, 2], [4, 3, 2, 1], [2, 1, 4, 3]]
    identity = {"size": 4, "solution": solution, "givens": [[0] * 4 for _ in range(4)]}
    assert task.check("1234\n3412\n4321\n2143", identity) == 1.0
    assert task.check("1 2 3 4 / 3 4 1 2 / 4 3 2 1 / 2 1 4 3", identity) == 1.0
    assert task.check("\n".join(" ".join(map(str, r)) for r in other), identity) == 1.0
    assert task.check("1234\n3412\n4321\n2134", identity) < 1.0  # duplicate in a column
    identity["givens"][0][0] = 2
    assert task.check("1234\n3412\n4321\n2143", identity) < 1.0  # breaks a given


def test_n_queens_accepts_any_valid_placement() -> None:
    task = _task("logic/n_queens")
    identity = {"n": 6, "solution": [1, 3, 5, 0, 2, 4], "fixed": []}
    assert task.check("2 4 6 1 3 5", identity) == 1.0
    assert task.check("5 3 1 6 4 2", identity) == 1.0  # the mirror image, not the stored one
    assert task.check("1 2 3 4 5 6", identity) < 1.0
    assert task.verify("<answer>a b c</answer>", identity).reason == "invalid_answer"


def test_game_24_checks_the_expression_not_a_string() -> None:
    task = _task("logic/game_24")
    identity = {"numbers": [1, 2, 3, 8], "target": 24, "expr": "8 * 3 * (2 - 1)"}
    assert task.check("(8-2)*(3+1)", identity) == 1.0
    assert task.check("8 × 3 × (2 − 1)", identity) == 1.0
    assert task.check("8*3*1", identity) < 1.0  # does not use 2
    assert task.check("(8+2)*3-1", identity) < 1.0  # 29
    assert task.verify("<answer>__import__('os').system('x')</answer>", identity).reason == "invalid_answer"
    with pytest.raises(BadExpression):
        evaluate(parse_expression("2**100"), [])


def test_graph_coloring_and_topological_order_accept_alternatives() -> None:
    coloring = _task("logic/graph_coloring")
    identity = {"n": 3, "k": 3, "edges": [[0, 1, 1], [1, 2, 1]], "colors": [1, 2, 1]}
    assert coloring.check("1 2 1", identity) == 1.0
    assert coloring.check("3 1 2", identity) == 1.0
    assert coloring.check("1 1 2", identity) < 1.0
    topo = _task("logic/topological_order")
    dag = {"n": 4, "edges": [[0, 1, 1], [0, 2, 1], [1, 3, 1], [2, 3, 1]]}
    assert topo.check("0 1 2 3", dag) == 1.0
    assert topo.check("0, 2, 1, 3", dag) == 1.0
    assert topo.check("1 0 2 3", dag) < 1.0


def test_hanoi_move_lists_are_simulated() -> None:
    task = _task("logic/hanoi_moves")
    identity = {"pos": [0, 0, 0], "target": 2}
    assert task.check("A->C, A->B, C->B, A->C, B->A, B->C, A->C", identity) == 1.0
    assert task.check("AC AB CB AC BA BC AC", identity) == 1.0
    assert task.check("A->B, A->B, C->B, A->C, B->A, B->C, A->C", identity) < 1.0  # big disk on small
    assert task.check("A->C, A->B, C->B, A->C, B->A, B->C", identity) < 1.0  # not finished


def test_maze_path_is_walked() -> None:
    task = _task("logic/maze_path")
    identity = {"maze": ["#####", "#S..#", "###.#", "#E..#", "#####"]}
    assert task.check("RRDDLL", identity) == 1.0
    assert task.check("right right down down left left", identity) == 1.0
    assert task.check("DD", identity) < 1.0


def test_cnf_sat_accepts_any_satisfying_assignment() -> None:
    task = _task("logic/cnf_sat")
    identity = {"n": 3, "clauses": [[1, 2, 3], [-1, 2, 3]], "plant": [0, 1, 0]}
    assert task.check("010", identity) == 1.0
    assert task.check("x1=1, x2=0, x3=1", identity) == 1.0
    assert task.check("100", identity) < 1.0


# -- known values, worked by hand ----------------------------------------------------------
def test_classical_ciphers_match_textbook_examples() -> None:
    assert C.caesar("HELLO", 3, 1) == "KHOOR"
    assert C.vigenere("ATTACK AT DAWN", "LEMON", 1) == "LXFOPV EF RNHR"
    assert C.rail_fence("WEAREDISCOVEREDFLEEATONCE", 3, 1) == "WECRLTEERDSOEEFEAOCAIVDEN"
    assert C.playfair("HIDE THE GOLD IN THE TREE STUMP", "PLAYFAIREXAMPLE", 1) == "BMODZBXDNABEKUDMUIXMMOUVIF"
    assert C.atbash("ABC", 0, 1) == "ZYX"
    assert C.morse("SOS", 0, 1) == "... --- ..."
    assert C.b64("HELLO", 0, 1) == "aGVsbG8="
    assert C.affine("AFFINE CIPHER", [5, 8], 1) == "IHHWVC SWFRCP"


def test_cipher_tasks_normalise_case_and_spacing() -> None:
    task = _task("logic/caesar_encode")
    identity = {"plain": "HELLO WORLD", "key": 3}
    assert task.check("khoor  zruog", identity) == 1.0
    assert task.check("KHOOR ZRUOH", identity) < 1.0
    decode = _task("logic/rail_fence_decode")
    ident = {"plain": "WE ARE DISCOVERED", "key": 3}
    assert decode.check("WEARE DISCOVERED", ident) == 1.0


def test_dates_known_values() -> None:
    assert _easter(2024).isoformat() == "2024-03-31"
    assert _easter(2025).isoformat() == "2025-04-20"
    task = _task("logic/day_of_week")
    assert task.check("Monday", {"a": "2024-01-01"}) == 1.0
    assert task.check("Tue", {"a": "2024-01-01"}) < 1.0
    assert _task("logic/iso_week").check("53", {"a": "2021-01-03"}) == 1.0
    assert _task("logic/days_between").check("366", {"a": "2024-01-01", "b": "2025-01-01"}) == 1.0
    assert _task("logic/is_leap_year").check("no", {"y": 1900}) == 1.0
    assert _task("logic/clock_angle").check("7.5", {"h": 3, "m": 10, "n": 5}) == 1.0
    assert _task("logic/days_in_month").check("29 28 31", {"ym": [[2000, 2], [1900, 2], [2023, 1]]}) == 1.0
    assert _task("logic/days_in_month").check("29 29 31", {"ym": [[2000, 2], [1900, 2], [2023, 1]]}) < 1.0
    assert _task("logic/easter_date").check("2024-05-19", {"y": 2024, "feast": "Pentecost (Whit Sunday)", "off": 49}) == 1.0


def test_number_puzzles_known_values() -> None:
    assert to_roman(1994) == "MCMXCIV"
    assert _task("logic/int_to_roman").check("mcmxciv, xlvii", {"v": [1994, 47]}) == 1.0
    assert _task("logic/int_to_roman").check("MCMXCIIII,XLVII", {"v": [1994, 47]}) < 1.0
    assert _task("logic/int_to_roman").check("MCMXCIVXLVII", {"v": [1994, 47]}) < 1.0  # the split must show
    assert josephus(7, 3) == 4
    assert _task("logic/popcount").check("3", {"n": 7}) == 1.0
    assert _task("logic/decimal_to_hex").check("0xff", {"n": 255}) == 1.0
    assert _task("logic/decimal_to_hex").check("2^2^2^2", {"n": 255}) < 1.0
    assert all(sorts_all(batcher(n), n) for n in range(2, 9))
    assert len(batcher(4)) == 5


def test_graph_algorithms_known_values() -> None:
    g = {"n": 4, "edges": [[0, 1, 3], [0, 2, 2], [1, 3, 2], [2, 3, 1], [1, 2, 1]]}
    assert G.max_flow(g, 0, 3) == 3
    assert G.mst_weight(g) == 4
    assert G.dijkstra(g, 0)[3] == 3
    assert G.spanning_trees({"n": 4, "edges": [[u, v, 1] for u in range(4) for v in range(u + 1, 4)]}) == 16
    assert G.chromatic_number({"n": 5, "edges": [[i, (i + 1) % 5, 1] for i in range(5)]}) == 3


def test_knights_and_knaves_checks_consistency() -> None:
    task = _task("logic/knights_knaves")
    # Alice: "Bob is a knave"; Bob: "Alice and I are the same kind" -> Alice knight, Bob knave.
    identity = {"n": 2, "statements": [[0, "is_knave", [1]], [1, "same", [0, 1]]], "types": [True, False]}
    assert task.check("Alice: knight, Bob: knave", identity) == 1.0
    assert task.check("Alice is a knave, Bob is a knight", identity) < 1.0
    assert task.verify("<answer>Alice: knight</answer>", identity).reason == "invalid_answer"


def test_generation_is_fast() -> None:
    start = time.perf_counter()
    for task_id in LOGIC_IDS:
        task = _task(task_id)
        for seed in range(3):
            problem = task.problem(seed, with_answer=True)
            task.check(problem.answer, problem.identity)
    per_call = (time.perf_counter() - start) / (3 * len(LOGIC_IDS))
    assert per_call < 0.05


def test_generation_is_deterministic() -> None:
    for task_id in LOGIC_IDS[::7]:
        task = _task(task_id)
        assert task.problem(5).model_dump() == task.problem(5).model_dump()
        assert task.generate(random.Random(1)) == task.generate(random.Random(1))


@pytest.mark.parametrize("size", [4, 6, 9])
@pytest.mark.parametrize("extra", [{}, {"diagonal": True}, {"killer": True}, {"parity": True}, {"inequalities": 8}])
def test_sudoku_size_is_a_parameter(size: int, extra: dict) -> None:
    from tasks.logic.sudoku import Sudoku

    task = Sudoku("logic/sudoku", size=size, **extra)
    for seed in range(3):
        identity = task.generate(random.Random(seed))
        assert task.check(task.solve(identity), identity) == 1.0
        assert all(task.check(p, identity) < 1.0 for p in task.perturb(task.solve(identity), identity))
    with pytest.raises(ValueError):
        Sudoku("logic/sudoku", size=5)


# -- difficulty levels ------------------------------------------------------------------------
LEVELED = ["logic/popcount", "logic/roman_addition", "logic/caesar_encode", "logic/binary_decode", "logic/add_days",
           "logic/days_in_month", "logic/sequence_cubic", "logic/sequence_geometric", "logic/graph_diameter",
           "logic/has_euler_circuit"]


@pytest.mark.parametrize("task_id", LEVELED)
def test_complexity_rises_level_by_level(task_id: str) -> None:
    task = _task(task_id)
    assert task.n_levels >= 3 and task.default_level is not None
    assert task.problem(4).model_dump() == task.problem(4, level=task.default_level).model_dump()
    means = []
    for level in range(1, task.n_levels + 1):
        solver = task.at_level(level)
        values = [solver.complexity(task.problem(seed, level=level).identity) for seed in range(30)]
        means.append(sum(values) / len(values))
    assert means == sorted(means) and len(set(means)) == len(means), means


@pytest.mark.parametrize("task_id", ["logic/has_euler_circuit", "logic/is_bipartite", "logic/has_cycle",
                                     "logic/is_power_of_two", "logic/is_leap_year"])
def test_two_valued_tasks_are_balanced_at_every_level(task_id: str) -> None:
    task = _task(task_id)
    for level in range(1, task.n_levels + 1):
        answers = [task.problem(seed, level=level, with_answer=True).answer for seed in range(100)]
        assert 0.3 <= answers.count(answers[0]) / len(answers) <= 0.7, (level, answers.count(answers[0]))
