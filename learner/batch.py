"""What the driver sends the learners: typed training records, and their padded tensors.

The driver builds a :class:`TrainBatch` (RL items from scored trajectories, or
supervised items for the warm-up), splits it into mini-batches and rank shards
with slices, and each learner pads its shard's micro-batches with :meth:`TrainBatch.pad`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import torch


@dataclass(frozen=True)
class TrainItem:
    """One sequence to train on.

    Attributes:
        prompt_ids: ``[P]`` prompt token ids (P >= 1), as the policy saw them.
        response_ids: ``[T]`` response token ids: the tokens the loss is on.
        logprobs: ``[T]`` log-prob of each response token under the policy that sampled it
            (the PPO ratio's denominator); empty for supervised items.
        advantage: the sequence's advantage (0 for supervised items).
    """

    prompt_ids: list[int]
    response_ids: list[int]
    logprobs: list[float] = field(default_factory=list)
    advantage: float = 0.0


@dataclass(frozen=True)
class PaddedBatch:
    """Right-padded tensors of B sequences (L: longest prompt + response; T: longest response).

    Attributes:
        input_ids: ``[B, L]`` long, prompt then response, zero-padded.
        attention_mask: ``[B, L]`` long, 1 on real tokens.
        logit_index: ``[B, T]`` long, the position whose logits predict response token t (``P - 1 + t``).
        targets: ``[B, T]`` long, the response tokens.
        mask: ``[B, T]`` float, 1 on real response tokens (0 on padding and on a rank's dummy row).
        old_logprobs: ``[B, T]`` float, the sampling log-probs (0 where none were given).
        advantages: ``[B]`` float.
    """

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    logit_index: torch.Tensor
    targets: torch.Tensor
    mask: torch.Tensor
    old_logprobs: torch.Tensor
    advantages: torch.Tensor


@dataclass(frozen=True)
class TrainBatch:
    """An ordered list of :class:`TrainItem`; slicing gives a batch (``batch[m::n]``: a mini-batch)."""

    items: Sequence[TrainItem] = ()

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[TrainItem]:
        return iter(self.items)

    def __getitem__(self, index: slice) -> TrainBatch:
        return TrainBatch(tuple(self.items[index]))

    def num_tokens(self) -> int:
        """Response tokens in the batch (what a token-mean loss divides by)."""
        return sum(len(it.response_ids) for it in self.items)

    def split(self, n: int) -> list[TrainBatch]:
        """``n`` contiguous micro-batches of ``ceil(len / n)`` items; trailing ones may be empty, so every
        rank can run the same number of forward/backward passes."""
        size = max(1, math.ceil(len(self) / n)) if self.items else 1
        return [self[i * size : (i + 1) * size] for i in range(n)]

    def pad(self, device: torch.device | str = "cpu") -> PaddedBatch:
        """The batch as right-padded tensors on ``device``.

        An empty batch becomes one dummy row with a zero mask: a rank with no data still runs the
        collectives of a forward/backward pass, and adds nothing to the loss.
        """
        items, dummy = list(self.items), not self.items
        if dummy:
            items = [TrainItem([0], [0], [0.0])]
        b = len(items)
        width = max(len(it.prompt_ids) + len(it.response_ids) for it in items)
        resp_w = max(len(it.response_ids) for it in items)
        ids = torch.zeros((b, width), dtype=torch.long)
        att = torch.zeros((b, width), dtype=torch.long)
        pos = torch.zeros((b, resp_w), dtype=torch.long)
        tgt = torch.zeros((b, resp_w), dtype=torch.long)
        mask = torch.zeros((b, resp_w))
        old = torch.zeros((b, resp_w))
        adv = torch.zeros(b)
        for i, it in enumerate(items):
            p, r = it.prompt_ids, it.response_ids
            seq = p + r
            ids[i, : len(seq)] = torch.tensor(seq)
            att[i, : len(seq)] = 1
            n = len(r)
            pos[i, :n] = torch.arange(len(p) - 1, len(p) - 1 + n)  # logits at position t predict token t+1
            tgt[i, :n] = torch.tensor(r)
            mask[i, :n] = 0.0 if dummy else 1.0
            if it.logprobs:
                old[i, :n] = torch.tensor(it.logprobs[:n])
            adv[i] = float(it.advantage)
        return PaddedBatch(ids.to(device), att.to(device), pos.to(device), tgt.to(device), mask.to(device),
                           old.to(device), adv.to(device))
