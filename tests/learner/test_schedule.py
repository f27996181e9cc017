"""The learning-rate schedule against hand-computed rates."""

import math

import pytest

from learner.config import LearnerConfig
from learner.schedule import learning_rate


def rates(total: int, **kw) -> list[float]:
    cfg = LearnerConfig(**kw)
    return [learning_rate(cfg, s, total) for s in range(total)]


def test_constant_with_warmup_ramps_then_holds():
    assert rates(6, lr=1e-3, lr_warmup_steps=4) == pytest.approx([2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3])


def test_linear_decays_from_peak_to_floor_at_the_last_step():
    r = rates(5, lr=1.0, lr_schedule="linear", min_lr_ratio=0.2)
    assert r == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2])


def test_cosine_after_warmup_hits_peak_midpoint_and_floor():
    r = rates(7, lr=1.0, lr_warmup_steps=2, lr_schedule="cosine", min_lr_ratio=0.0)
    assert r[:2] == pytest.approx([0.5, 1.0])  # warm-up
    assert r[2] == pytest.approx(1.0)  # decay steps 2..6: t = 0, 1/4, 1/2, 3/4, 1
    assert r[3] == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
    assert r[4] == pytest.approx(0.5)
    assert r[-1] == pytest.approx(0.0)
    assert all(a >= b for a, b in zip(r[1:-1], r[2:], strict=True))  # never rises after warm-up


def test_schedule_is_a_function_of_the_step_so_resume_matches():
    cfg = LearnerConfig(lr=1e-3, lr_warmup_steps=3, lr_schedule="cosine", min_lr_ratio=0.1)
    assert [learning_rate(cfg, s, 50) for s in range(20, 30)] == [learning_rate(cfg, s, 50) for s in range(20, 30)]
    assert learning_rate(cfg, 60, 50) == pytest.approx(1e-4)  # past the end: stays at the floor


def test_bad_schedule_is_rejected_with_the_field_name():
    with pytest.raises(ValueError, match="lr_schedule"):
        LearnerConfig(lr_schedule="step")
