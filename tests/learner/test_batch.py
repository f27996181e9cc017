"""The driver -> learner hand-off: typed items, slicing into mini-batches and shards, padding by hand."""

import torch

from learner.algorithms.loss_agg import get_loss_agg
from learner.batch import TrainBatch, TrainItem


def _batch() -> TrainBatch:
    return TrainBatch([
        TrainItem([10, 11], [20, 21, 22], [-0.1, -0.2, -0.3], 1.5),
        TrainItem([12], [23], [-0.4], -0.5),
        TrainItem([13, 14, 15], [24, 25]),  # supervised: no log-probs, no advantage
    ])


def test_pad_by_hand():
    p = _batch().pad()
    assert p.input_ids.tolist() == [[10, 11, 20, 21, 22], [12, 23, 0, 0, 0], [13, 14, 15, 24, 25]]
    assert p.attention_mask.tolist() == [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 1, 1, 1, 1]]
    # the logit at position P - 1 + t predicts response token t
    assert p.logit_index.tolist() == [[1, 2, 3], [0, 0, 0], [2, 3, 0]]
    assert p.targets.tolist() == [[20, 21, 22], [23, 0, 0], [24, 25, 0]]
    assert p.mask.tolist() == [[1, 1, 1], [1, 0, 0], [1, 1, 0]]
    assert torch.allclose(p.old_logprobs, torch.tensor([[-0.1, -0.2, -0.3], [-0.4, 0, 0], [0, 0, 0]]))
    assert p.advantages.tolist() == [1.5, -0.5, 0.0]
    assert p.input_ids.dtype == torch.long and p.mask.dtype == torch.float32


def test_empty_batch_pads_to_one_masked_dummy_row():
    p = TrainBatch().pad()
    assert p.input_ids.shape == (1, 2) and p.mask.tolist() == [[0.0]]


def test_slices_split_and_counts():
    b = _batch()
    assert len(b) == 3 and b.num_tokens() == 6
    assert [it.response_ids for it in b[0::2]] == [[20, 21, 22], [24, 25]]  # a mini-batch / a rank's shard
    assert [len(mb) for mb in b.split(2)] == [2, 1]
    assert [len(mb) for mb in b[1:2].split(3)] == [1, 0, 0]  # equal micro-batch counts on every rank
    assert [len(mb) for mb in TrainBatch().split(2)] == [0, 0]


def test_normalisers_count_sequences_or_tokens():
    b = _batch()
    assert get_loss_agg("seq_mean_token_mean").normaliser(b) == 3.0
    assert get_loss_agg("seq_mean_token_sum").normaliser(b) == 3.0
    assert get_loss_agg("token_mean").normaliser(b) == 6.0
