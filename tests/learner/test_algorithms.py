"""The algorithm registries: advantage estimators and loss aggregations, chosen apart in the config."""

import pytest
import torch

from bootcamp.extension import RegistrationError
from learner.advantages import compute_advantages
from learner.algorithms.advantages import ADVANTAGES, get_advantage, register_advantage
from learner.algorithms.loss_agg import LOSS_AGGS, get_loss_agg, register_loss_agg
from learner.batch import TrainBatch, TrainItem
from learner.config import LearnerConfig, parse_config
from learner.losses import policy_loss, ppo_clip_terms
from rollout.types import Trajectory

TASKS = ["math/gcd"]


def test_builtin_names_and_sorted_unknown_errors():
    assert ADVANTAGES.names() == ["dr_grpo", "grpo", "oreal", "rloo"]
    assert LOSS_AGGS.names() == ["seq_mean_token_mean", "seq_mean_token_sum", "token_mean"]
    with pytest.raises(ValueError, match=r"^learner.advantage: unknown 'ppo'; valid: dr_grpo, grpo, oreal, rloo$"):
        get_advantage("ppo")
    with pytest.raises(ValueError, match=r"^learner.loss_agg: unknown 'sum'; valid: seq_mean_token_mean, "
                                         r"seq_mean_token_sum, token_mean$"):
        get_loss_agg("sum")


def test_duplicate_registration_fails():
    with pytest.raises(RegistrationError, match="advantage estimator 'grpo' is already registered"):
        register_advantage("grpo", surrogate=ppo_clip_terms)(lambda rewards, correct: rewards)
    with pytest.raises(RegistrationError, match="loss aggregation 'token_mean' is already registered"):
        register_loss_agg("token_mean", unit="token")(lambda per_token, mask, max_tokens: per_token.sum())
    with pytest.raises(ValueError, match="unit"):
        register_loss_agg("per_row", unit="row")


# -- one sequence of 3 tokens with advantage a, one of 1 token with advantage b, sampled on-policy -------------
def _batch(a: float, b: float) -> TrainBatch:
    return TrainBatch([TrainItem([1, 2], [3, 4, 5], [-0.5, -1.0, -2.0], a), TrainItem([1], [6], [-0.3], b)])


def _objective(batch: TrainBatch, cfg: LearnerConfig, n_micro: int = 1, max_tokens: int = 4) -> float:
    """What the learner ranks compute together: micro-batch loss sums over the aggregation's normaliser."""
    norm = cfg.aggregation().normaliser(batch)
    total = 0.0
    for mb in batch.split(n_micro):
        p = mb.pad()
        loss, _ = policy_loss(p.old_logprobs.clone(), p.old_logprobs, p.advantages, p.mask, cfg,
                              max_tokens=max_tokens)
        total += float(loss)
    return total / norm


@pytest.mark.parametrize("loss_agg, expected", [
    # on-policy the per-token loss is -A: three tokens of -1 and one of +2
    ("token_mean", (-3.0 + 2.0) / 4),            # every token weighs the same
    ("seq_mean_token_mean", (-1.0 + 2.0) / 2),   # every sequence weighs the same
    ("seq_mean_token_sum", (-3.0 / 4 + 2.0 / 4) / 2),  # token sums over max_tokens (4), per sequence
])
@pytest.mark.parametrize("n_micro", [1, 2])
def test_grpo_with_each_aggregation_by_hand(loss_agg, expected, n_micro):
    cfg = parse_config({"tasks": TASKS, "learner": {"advantage": "grpo", "loss_agg": loss_agg}}).learner
    assert _objective(_batch(1.0, -2.0), cfg, n_micro) == pytest.approx(expected)


def test_default_aggregations_are_unchanged():
    batch = _batch(1.0, -2.0)
    assert _objective(batch, LearnerConfig(advantage="grpo")) == pytest.approx(0.5)
    assert _objective(batch, LearnerConfig(advantage="dr_grpo")) == pytest.approx(-0.125)
    assert _objective(batch, LearnerConfig(advantage="rloo")) == pytest.approx(0.5)


@pytest.fixture
def best_of_group():
    """A new estimator, registered the way a new module would: advantage 1 for the group's best, else 0,
    trained with a plain ``-A * logp`` surrogate and a token-mean loss by default."""

    def surrogate(logp, old_logp, adv, clip_low, clip_high):
        return -adv.unsqueeze(-1) * logp, torch.zeros_like(logp)

    @register_advantage("best_of_group", surrogate=surrogate, loss_agg="token_mean", min_group_size=3)
    def best_of_group(rewards, correct):
        return (rewards == rewards.max(dim=1, keepdim=True).values).float()

    yield best_of_group
    ADVANTAGES.remove("best_of_group")


def test_a_registered_estimator_is_selectable_and_used(best_of_group, tmp_path):
    from learner.trainer import Trainer

    with pytest.raises(ValueError, match="rollout.samples_per_prompt: best_of_group needs groups of at least 3"):
        parse_config({"tasks": TASKS, "rollout": {"samples_per_prompt": 2}, "learner": {"advantage": "best_of_group"}})
    cfg = parse_config({"tasks": TASKS, "rollout": {"samples_per_prompt": 3},
                        "learner": {"advantage": "best_of_group", "filter_uniform_groups": False}})
    assert "best_of_group" in ADVANTAGES.names()
    assert compute_advantages(torch.tensor([[0.2, 0.9, 0.5]]), "best_of_group").tolist() == [[0.0, 1.0, 0.0]]

    # the driver's advantage stage uses it
    trajs = [Trajectory("math/gcd", 0, {}, 0, [1], [2] * n, [-1.0] * n, "", "stop", 0, reward=r)
             for n, r in ((2, 0.2), (1, 0.9), (3, 0.5))]
    batch, _ = Trainer(cfg, tmp_path).advantages(trajs)
    assert [it.advantage for it in batch] == [0.0, 1.0, 0.0]

    # and the loss: its surrogate -A * logp, over its default token-mean (1 + 2 + 3 = 6 tokens)
    p = batch.pad()
    logp = torch.full_like(p.old_logprobs, -2.0)
    loss, _ = policy_loss(logp, p.old_logprobs, p.advantages, p.mask, cfg.learner)
    assert cfg.learner.aggregation().name == "token_mean"
    assert float(loss) / cfg.learner.aggregation().normaliser(batch) == pytest.approx(2.0 / 6)


def test_an_estimator_whose_default_aggregation_is_missing_is_a_config_error():
    @register_advantage("orphan", surrogate=ppo_clip_terms, loss_agg="nowhere")
    def orphan(rewards, correct):
        return rewards

    try:
        with pytest.raises(ValueError, match="learner.loss_agg: null means orphan's default 'nowhere'"):
            parse_config({"tasks": TASKS, "learner": {"advantage": "orphan"}})
        cfg = parse_config({"tasks": TASKS, "learner": {"advantage": "orphan", "loss_agg": "token_mean"}})
        assert cfg.learner.aggregation().name == "token_mean"
    finally:
        ADVANTAGES.remove("orphan")


def test_a_registered_aggregation_is_selectable():
    @register_loss_agg("seq_sum", unit="sequence")
    def seq_sum(per_token, mask, max_tokens):
        return (per_token * mask).sum()

    try:
        cfg = parse_config({"tasks": TASKS, "learner": {"loss_agg": "seq_sum"}}).learner
        # token sums (-3 and +2) averaged over the 2 sequences
        assert _objective(_batch(1.0, -2.0), cfg) == pytest.approx((-3.0 + 2.0) / 2)
    finally:
        LOSS_AGGS.remove("seq_sum")
