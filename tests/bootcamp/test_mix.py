"""The weighted task mix: seeded, resumable, held-out eval seeds."""

import pytest

from bootcamp.mix import TaskSampler, resolve_mix


def test_resolve_mix_splits_glob_weight():
    mix = resolve_mix([("math/digit_*", 2.0), ("math/gcd", 1.0)])
    assert mix["math/gcd"] == 1.0
    digit = [k for k in mix if k.startswith("math/digit_")]
    assert len(digit) >= 4
    assert sum(mix[k] for k in digit) == pytest.approx(2.0)


def test_resolve_mix_unknown_id_names_it():
    with pytest.raises(KeyError, match="math/digit_ad"):
        resolve_mix([("math/digit_ad", 1.0)])


def test_sampler_is_deterministic_and_resumable():
    mix = {"math/digit_add": 1.0, "math/digit_parity": 3.0}
    a, b = TaskSampler(mix, seed=5), TaskSampler(mix, seed=5)
    first = [p.model_dump() for p in a.sample(6)]
    assert first == [p.model_dump() for p in b.sample(6)]
    state = a.state_dict()
    nxt = [p.model_dump() for p in a.sample(4)]
    c = TaskSampler(mix, seed=99)
    c.load_state_dict(state)
    assert [p.model_dump() for p in c.sample(4)] == nxt
    assert c.drawn == 10


def test_sampler_respects_weights_and_eval_seeds_are_disjoint():
    s = TaskSampler({"math/digit_add": 1.0, "math/digit_parity": 9.0}, seed=0, seed_limit=1000)
    drawn = s.sample(400)
    share = sum(p.task == "math/digit_parity" for p in drawn) / len(drawn)
    assert 0.8 < share < 0.97
    assert all(p.seed < 1000 for p in drawn)
    held = s.eval_problems(3)
    assert len(held) == 6 and all(p.seed >= 1000 for p in held)
