"""pass@k (the unbiased estimator) and the eval aggregation per problem, task and domain, without Ray."""

from fractions import Fraction
from itertools import combinations
from math import comb

import pytest

from learner.evaluation import greedy_metrics, pass_at_k, sampled_metrics
from rollout.types import Trajectory


def _brute_force(n: int, c: int, k: int) -> float:
    """Share of the k-subsets of n samples (the first c correct) that hold a correct one."""
    subsets = list(combinations(range(n), k))
    return sum(any(i < c for i in s) for s in subsets) / len(subsets)


def test_hand_computed_values():
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)  # 1 - C(3,2)/C(5,2) = 1 - 3/10
    assert pass_at_k(4, 1, 2) == pytest.approx(0.5)  # 1 - C(3,2)/C(4,2) = 1 - 3/6
    assert pass_at_k(4, 2, 2) == pytest.approx(5 / 6)
    assert pass_at_k(200, 1, 100) == pytest.approx(0.5)


@pytest.mark.parametrize("n", [1, 3, 8])
def test_no_correct_is_zero_all_correct_is_one(n):
    for k in range(1, n + 1):
        assert pass_at_k(n, 0, k) == 0.0
        assert pass_at_k(n, n, k) == 1.0


@pytest.mark.parametrize("n", [1, 2, 5, 16])
def test_k1_is_the_fraction_correct(n):
    for c in range(n + 1):
        assert pass_at_k(n, c, 1) == pytest.approx(c / n)


def test_matches_enumeration_over_subsets():
    for n in range(1, 8):
        for c in range(n + 1):
            for k in range(1, n + 1):
                assert pass_at_k(n, c, k) == pytest.approx(_brute_force(n, c, k), abs=1e-12), (n, c, k)


def test_stable_for_large_n_and_monotone_in_k():
    n, c = 1000, 37
    exact = [1 - Fraction(comb(n - c, k), comb(n, k)) for k in (1, 10, 100, 500)]
    got = [pass_at_k(n, c, k) for k in (1, 10, 100, 500)]
    assert got == pytest.approx([float(x) for x in exact], rel=1e-9)
    assert got == sorted(got) and got[-1] < 1.0


@pytest.mark.parametrize(("n", "c", "k", "field"), [
    (3, 1, 4, "k must be in"), (3, 1, 0, "k must be in"), (3, 4, 1, "c must be in"), (3, -1, 1, "c must be in"),
    (0, 0, 1, "n must be"), (3.0, 1, 1, "n must be an int"), (3, True, 1, "c must be an int"),
])
def test_bad_inputs_are_errors(n, c, k, field):
    with pytest.raises(ValueError, match=field):
        pass_at_k(n, c, k)


# -- aggregation ----------------------------------------------------------------------------------
def _traj(task: str, seed: int, group: int, correct: bool, reward: float | None = None, length: int = 3) -> Trajectory:
    return Trajectory(task=task, seed=seed, identity={}, group=group, prompt_ids=[1], response_ids=[0] * length,
                      logprobs=[0.0] * length, text="", finish_reason="stop", policy_version=2,
                      reward=float(correct) if reward is None else reward, correct=correct)


def _problem(task, seed, group, correct, rewards=None):
    rewards = rewards or [None] * len(correct)
    return [_traj(task, seed, group, bool(c), r) for c, r in zip(correct, rewards, strict=True)]


@pytest.fixture
def samples():
    # math/a: 2 problems (1 and 2 of 4 correct); math/b: 1 problem with partial credit, none correct;
    # logic/c: 1 problem, all correct. Shuffled order: grouping must not depend on it.
    trajs = (_problem("math/a", 10, 0, [1, 0, 0, 0]) + _problem("math/a", 11, 1, [1, 1, 0, 0])
             + _problem("math/b", 10, 2, [0, 0, 0, 0], [0.5, 0.5, 0.0, 0.0]) + _problem("logic/c", 3, 3, [1, 1, 1, 1]))
    return trajs[::3] + trajs[1::3] + trajs[2::3]


def test_sampled_metrics_per_task_domain_and_all(samples):
    m = sampled_metrics(samples, [1, 2, 4])
    a, b, c = m["per_task"]["math/a"], m["per_task"]["math/b"], m["per_task"]["logic/c"]
    assert a == pytest.approx({"problems": 2, "pass@1": (1 / 4 + 2 / 4) / 2, "pass@2": (0.5 + 5 / 6) / 2,
                               "pass@4": 1.0, "mean@4": 3 / 8, "response_len": 3.0})
    assert b == pytest.approx({"problems": 1, "pass@1": 0.0, "pass@2": 0.0, "pass@4": 0.0, "mean@4": 0.25,
                               "response_len": 3.0})
    assert c["pass@1"] == c["pass@4"] == c["mean@4"] == 1.0
    # a domain is the problem-weighted mean of its tasks
    math = m["per_domain"]["math"]
    assert math["problems"] == 3
    for key in ("pass@1", "pass@2", "pass@4", "mean@4"):
        assert math[key] == pytest.approx((2 * a[key] + b[key]) / 3)
        assert m["all"][key] == pytest.approx((3 * math[key] + c[key]) / 4)
    assert m["per_domain"]["logic"] == pytest.approx(c)
    # pass@1 is the mean sample correctness when every problem has the same sample count
    assert m["all"]["pass@1"] == pytest.approx(sum(t.correct for t in samples) / len(samples))
    assert m["per_problem"][0] == {"task": "logic/c", "seed": 3, "n": 4, "correct": 4, "mean_reward": 1.0}
    assert [(p["task"], p["correct"]) for p in m["per_problem"]] == [
        ("logic/c", 4), ("math/a", 1), ("math/a", 2), ("math/b", 0)]


def test_sampled_metrics_rejects_uneven_counts_and_large_k(samples):
    with pytest.raises(ValueError, match="different sample counts"):
        sampled_metrics(samples[:-1], [1])
    with pytest.raises(ValueError, match="k must be in"):
        sampled_metrics(samples, [5])
    with pytest.raises(ValueError, match="no trajectories"):
        sampled_metrics([], [1])


def test_sampled_metrics_of_episodes_report_the_tool_call_rate():
    trajs = _problem("math/a", 1, 0, [1, 0, 0, 0]) + _problem("math/a", 2, 1, [0, 0, 0, 0])
    for t, calls in zip(trajs, [1, 2, 0, 0, 0, 0, 0, 1], strict=True):
        t.extra["tool_calls"] = calls
    m = sampled_metrics(trajs, [1])
    assert m["all"]["tool_call_rate"] == pytest.approx((2 / 4 + 1 / 4) / 2)
    trajs[3].correct = True  # correct without a tool call; trajs[0] was correct with one
    assert sampled_metrics(trajs, [1])["all"]["correct_without_tool"] == pytest.approx((1 / 4 + 0) / 2)
    assert "tool_call_rate" not in sampled_metrics(_problem("math/a", 1, 0, [1, 0]), [1])["all"]  # one-shot


def test_greedy_metrics_keep_the_trainer_keys():
    trajs = [_traj("math/a", 1, 0, True), _traj("math/a", 2, 1, False, 0.5, length=5),
             _traj("logic/c", 1, 2, False, 0.0, length=1)]
    g = greedy_metrics(trajs, version=7)
    assert g["mean_reward"] == pytest.approx(0.5) and g["pass_rate"] == pytest.approx(1 / 3)
    assert g["response_len"] == pytest.approx(3.0) and g["n"] == 3 and g["policy_version"] == 7
    assert g["per_task"] == pytest.approx({"logic/c": 0.0, "math/a": 0.75})
    assert g["per_domain"] == pytest.approx({"logic": 0.0, "math": 0.75})
    assert g["per_task_pass_rate"] == pytest.approx({"logic/c": 0.0, "math/a": 0.5})
    assert g["per_domain_pass_rate"] == pytest.approx({"logic": 0.0, "math": 0.5})
