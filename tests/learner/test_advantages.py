import math

import pytest
import torch

from learner.advantages import compute_advantages, informative_groups, scale_negatives
from learner.algorithms.advantages.dr_grpo import dr_grpo_advantages
from learner.algorithms.advantages.grpo import grpo_advantages
from learner.algorithms.advantages.oreal import oreal_advantages
from learner.algorithms.advantages.rloo import rloo_advantages


def test_grpo_by_hand():
    # group [1, 0, 0, 1]: mean 0.5, unbiased std sqrt(1/3)
    adv = grpo_advantages(torch.tensor([[1.0, 0.0, 0.0, 1.0]]))
    s = math.sqrt(1 / 3)
    assert adv.tolist()[0] == pytest.approx([0.5 / s, -0.5 / s, -0.5 / s, 0.5 / s], rel=1e-4)


def test_grpo_uniform_group_is_zero():
    assert grpo_advantages(torch.tensor([[1.0, 1.0, 1.0]])).abs().max() < 1e-4


def test_dr_grpo_by_hand():
    adv = dr_grpo_advantages(torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.5, 0.5, 1.0, 0.0]]))
    assert adv.tolist() == [pytest.approx([0.75, -0.25, -0.25, -0.25]), pytest.approx([0.0, 0.0, 0.5, -0.5])]


def test_rloo_by_hand():
    # sample 0: 1 - mean(0, 0, 1) = 2/3; sample 1: 0 - mean(1, 0, 1) = -2/3
    adv = rloo_advantages(torch.tensor([[1.0, 0.0, 0.0, 1.0]]))
    assert adv.tolist()[0] == pytest.approx([2 / 3, -2 / 3, -2 / 3, 2 / 3])


def test_oreal_weights():
    r = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
    adv = oreal_advantages(r, r >= 1)
    assert adv[0, 0] == pytest.approx(1.0)  # behaviour cloning weight on the correct one
    assert (adv[0, 1:] < 0).all()
    # negatives rescaled so their total weight matches the one positive
    assert adv[0, 1:].sum() == pytest.approx(-1.0, rel=1e-4)


def test_dispatch_and_unknown():
    r = torch.tensor([[1.0, 0.0]])
    assert torch.equal(compute_advantages(r, "dr_grpo"), dr_grpo_advantages(r))
    with pytest.raises(ValueError, match="learner.advantage: unknown 'ppo2'; valid: dr_grpo, grpo, oreal, rloo"):
        compute_advantages(r, "ppo2")


def test_informative_groups():
    r = torch.tensor([[1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
    assert informative_groups(r).tolist() == [False, True, False]


def test_scale_negatives_by_hand():
    adv = torch.tensor([[1.5, -0.5, 0.0, -1.0]])
    assert scale_negatives(adv, 0.0).tolist() == [[1.5, 0.0, 0.0, 0.0]]
    assert scale_negatives(adv, 0.5).tolist() == [[1.5, -0.25, 0.0, -0.5]]
    assert torch.equal(scale_negatives(adv, 1.0), adv)
