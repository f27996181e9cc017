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
        prox_logprobs: ``[T]`` log-probs under the learner's policy before this step's updates (the
            proximal policy of decoupled PPO, recomputed by the learners); empty: the current forward's.
        loss_mask: ``[T]`` 1 on the tokens the loss is on, 0 on tokens the policy did not write (a
            multi-turn episode's tool results and other observations); empty: every response token.
    """

    prompt_ids: list[int]
    response_ids: list[int]
    logprobs: list[float] = field(default_factory=list)
    advantage: float = 0.0
    prox_logprobs: list[float] = field(default_factory=list)
    loss_mask: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.loss_mask and len(self.loss_mask) != len(self.response_ids):
            raise ValueError(f"TrainItem: loss_mask has {len(self.loss_mask)} entries for "
                             f"{len(self.response_ids)} response tokens")

    def token_mask(self) -> torch.Tensor | float:
        """The loss mask of the response tokens (1.0 for all when none is given)."""
        return torch.tensor(self.loss_mask, dtype=torch.float32) if self.loss_mask else 1.0

    def loss_tokens(self) -> int:
        """Response tokens the loss is on."""
        return sum(self.loss_mask) if self.loss_mask else len(self.response_ids)


@dataclass(frozen=True)
class PaddedBatch:
    """The model's input rows (R rows of width L) and B sequences' response tokens (T: longest response).

    Padded (:meth:`TrainBatch.pad`): one sequence per row, right-padded (R = B). Packed
    (:meth:`TrainBatch.pack`): several sequences per row, each with its own positions (``position_ids``
    restart at 0), so attention stays within a sequence; the tail of a row is padding.

    Attributes:
        input_ids: ``[R, L]`` long, prompt then response of each sequence, zero-padded.
        attention_mask: ``[R, L]`` long, 1 on real tokens (padded); None when packed (the positions say
            it); ``[R, 1, L, L]`` bool, True where a query may attend a key, when prompts are shared.
        logit_index: ``[B, T]`` long, the column whose logits predict response token t (``start + P - 1 + t``).
        targets: ``[B, T]`` long, the response tokens.
        mask: ``[B, T]`` float, 1 on the response tokens the loss is on (0 on padding, on a rank's dummy
            row, and on observation tokens of multi-turn episodes: their ``loss_mask``).
        old_logprobs: ``[B, T]`` float, the sampling log-probs (0 where none were given).
        advantages: ``[B]`` float.
        row_index: ``[B]`` long, the row each sequence is in.
        position_ids: ``[R, L]`` long when packed, else None.
        prox_logprobs: ``[B, T]`` float, the learner's pre-step log-probs, or None when not given.
        padding: input positions that are padding (for the padding-share metric).
    """

    input_ids: torch.Tensor
    attention_mask: torch.Tensor | None
    logit_index: torch.Tensor
    targets: torch.Tensor
    mask: torch.Tensor
    old_logprobs: torch.Tensor
    advantages: torch.Tensor
    row_index: torch.Tensor | None = None
    position_ids: torch.Tensor | None = None
    prox_logprobs: torch.Tensor | None = None
    padding: int = 0

    def select_logits(self, logits: torch.Tensor) -> torch.Tensor:
        """Model logits ``[R, L, V]`` -> the logits that predict each response token, ``[B, T, V]``."""
        rows = self.row_index if self.row_index is not None else torch.arange(len(self.logit_index),
                                                                               device=logits.device)
        flat = rows.unsqueeze(-1) * logits.shape[1] + self.logit_index
        return logits.reshape(-1, logits.shape[-1])[flat]


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
        """Response tokens the loss is on (what a token-mean loss divides by; observation tokens excluded)."""
        return sum(it.loss_tokens() for it in self.items)

    def split(self, n: int) -> list[TrainBatch]:
        """``n`` contiguous micro-batches of ``ceil(len / n)`` items; trailing ones may be empty, so every
        rank can run the same number of forward/backward passes."""
        size = max(1, math.ceil(len(self) / n)) if self.items else 1
        return [self[i * size : (i + 1) * size] for i in range(n)]

    def split_tokens(self, n: int) -> list[TrainBatch]:
        """``n`` contiguous micro-batches with about equal prompt + response tokens each (trailing ones may
        be empty): what packed micro-batches are cut from."""
        lengths = [len(it.prompt_ids) + len(it.response_ids) for it in self.items]
        total, out, start, acc = sum(lengths), [], 0, 0
        for k in range(1, n):
            target = total * k / n
            end = start
            while end < len(lengths) and acc + lengths[end] / 2 < target:
                acc += lengths[end]
                end += 1
            out.append(self[start:end])
            start = end
        out.append(self[start:])
        return out

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
        old, prox, adv = self._response_tensors(items, dummy)
        for i, it in enumerate(items):
            p, r = it.prompt_ids, it.response_ids
            seq = p + r
            ids[i, : len(seq)] = torch.tensor(seq)
            att[i, : len(seq)] = 1
            n = len(r)
            pos[i, :n] = torch.arange(len(p) - 1, len(p) - 1 + n)  # logits at position t predict token t+1
            tgt[i, :n] = torch.tensor(r)
            mask[i, :n] = 0.0 if dummy else it.token_mask()
        padding = b * width - sum(len(it.prompt_ids) + len(it.response_ids) for it in items)
        return PaddedBatch(ids.to(device), att.to(device), pos.to(device), tgt.to(device), mask.to(device),
                           old.to(device), adv.to(device), prox_logprobs=_to(prox, device), padding=padding)

    def pack(self, width: int, device: torch.device | str = "cpu") -> PaddedBatch:
        """The batch packed into rows of ``width`` tokens (wider when one sequence is longer).

        Sequences go first-fit in decreasing length into rows; each keeps its own positions
        (``position_ids`` restart at 0), so a causal model attends within it only, and the loss
        terms equal :meth:`pad`'s. An empty batch is one masked dummy row, as in :meth:`pad`.
        """
        items, dummy = list(self.items), not self.items
        if dummy:
            items = [TrainItem([0], [0], [0.0])]
        lengths = [len(it.prompt_ids) + len(it.response_ids) for it in items]
        rows, used = _first_fit(lengths, width)  # item indices per row
        b, resp_w = len(items), max(len(it.response_ids) for it in items)
        ids = torch.zeros((len(rows), used), dtype=torch.long)
        positions = torch.zeros((len(rows), used), dtype=torch.long)
        row_of = torch.zeros(b, dtype=torch.long)
        col = torch.zeros((b, resp_w), dtype=torch.long)
        tgt = torch.zeros((b, resp_w), dtype=torch.long)
        mask = torch.zeros((b, resp_w))
        old, prox, adv = self._response_tensors(items, dummy)
        for r, members in enumerate(rows):
            start = 0
            for i in members:
                it = items[i]
                seq, n = it.prompt_ids + it.response_ids, len(it.response_ids)
                ids[r, start : start + len(seq)] = torch.tensor(seq)
                positions[r, start : start + len(seq)] = torch.arange(len(seq))
                row_of[i] = r
                col[i, :n] = torch.arange(start + len(it.prompt_ids) - 1, start + len(it.prompt_ids) - 1 + n)
                tgt[i, :n] = torch.tensor(it.response_ids)
                mask[i, :n] = 0.0 if dummy else it.token_mask()
                start += len(seq)
            positions[r, start:] = torch.arange(used - start)  # the padding tail is a sequence of its own
        padding = len(rows) * used - sum(lengths)
        return PaddedBatch(ids.to(device), None, col.to(device), tgt.to(device), mask.to(device), old.to(device),
                           adv.to(device), row_index=row_of.to(device), position_ids=positions.to(device),
                           prox_logprobs=_to(prox, device), padding=padding)

    def pack_shared(self, width: int, device: torch.device | str = "cpu") -> PaddedBatch:
        """The batch packed with each distinct prompt once: ``[prompt][response 1]...[response k]`` per prompt.

        Sequences with the same ``prompt_ids`` (a group's G responses) share one copy of the prompt:
        every response attends to the prompt and to itself (a 4-D boolean mask, ``[R, 1, L, L]``), its
        positions continue from the prompt's, and the logit at the prompt's last position predicts
        each response's first token. So the log-probs, loss and gradients equal :meth:`pad`'s, on
        about ``P + G * T`` tokens per group instead of ``G * (P + T)``. Bundles (a prompt and its
        responses) go first-fit, longest first, into rows of ``width`` tokens (wider for a longer bundle).
        """
        items, dummy = list(self.items), not self.items
        if dummy:
            items = [TrainItem([0], [0], [0.0])]
        bundles: dict[tuple[int, ...], list[int]] = {}
        for i, it in enumerate(items):
            bundles.setdefault(tuple(it.prompt_ids), []).append(i)
        keys = list(bundles)
        sizes = {k: len(k) + sum(len(items[i].response_ids) for i in members) for k, members in bundles.items()}
        placed, used = _first_fit([sizes[k] for k in keys], width)
        rows = [[keys[j] for j in row] for row in placed]
        b, resp_w = len(items), max(len(it.response_ids) for it in items)
        ids = torch.zeros((len(rows), used), dtype=torch.long)
        positions = torch.zeros((len(rows), used), dtype=torch.long)
        allowed = torch.zeros((len(rows), 1, used, used), dtype=torch.bool)
        row_of = torch.zeros(b, dtype=torch.long)
        col = torch.zeros((b, resp_w), dtype=torch.long)
        tgt = torch.zeros((b, resp_w), dtype=torch.long)
        mask = torch.zeros((b, resp_w))
        old, prox, adv = self._response_tensors(items, dummy)
        causal = torch.ones((used, used), dtype=torch.bool).tril()
        for r, keys in enumerate(rows):
            start = 0
            for key in keys:
                p_len = len(key)
                ids[r, start : start + p_len] = torch.tensor(key)
                positions[r, start : start + p_len] = torch.arange(p_len)
                allowed[r, 0, start : start + p_len, start : start + p_len] = causal[:p_len, :p_len]
                at = start + p_len
                for i in bundles[key]:
                    resp = items[i].response_ids
                    n = len(resp)
                    ids[r, at : at + n] = torch.tensor(resp)
                    positions[r, at : at + n] = torch.arange(p_len, p_len + n)
                    allowed[r, 0, at : at + n, start : start + p_len] = True  # the shared prompt
                    allowed[r, 0, at : at + n, at : at + n] = causal[:n, :n]  # itself, causally
                    row_of[i] = r
                    col[i, 0] = start + p_len - 1  # the prompt's last position predicts token 0
                    if n > 1:
                        col[i, 1:n] = torch.arange(at, at + n - 1)
                    tgt[i, :n] = torch.tensor(resp)
                    mask[i, :n] = 0.0 if dummy else items[i].token_mask()
                    at += n
                start = at
            tail = torch.arange(start, used)
            allowed[r, 0, tail, tail] = True  # padding attends to itself only (no empty softmax rows)
        padding = len(rows) * used - sum(sizes.values())
        return PaddedBatch(ids.to(device), allowed.to(device), col.to(device), tgt.to(device), mask.to(device),
                           old.to(device), adv.to(device), row_index=row_of.to(device),
                           position_ids=positions.to(device), prox_logprobs=_to(prox, device), padding=padding)

    @staticmethod
    def _response_tensors(items: list[TrainItem], dummy: bool) -> tuple[torch.Tensor, torch.Tensor | None,
                                                                         torch.Tensor]:
        """Sampling log-probs ``[B, T]``, proximal log-probs ``[B, T]`` (None if no item has them), advantages."""
        b, resp_w = len(items), max(len(it.response_ids) for it in items)
        old = torch.zeros((b, resp_w))
        prox = torch.zeros((b, resp_w)) if any(it.prox_logprobs for it in items) else None
        adv = torch.zeros(b)
        for i, it in enumerate(items):
            n = len(it.response_ids)
            if it.logprobs:
                old[i, :n] = torch.tensor(it.logprobs[:n])
            if prox is not None and it.prox_logprobs:
                prox[i, :n] = torch.tensor(it.prox_logprobs[:n])
            adv[i] = 0.0 if dummy else float(it.advantage)
        return old, prox, adv


def _first_fit(sizes: list[int], width: int) -> tuple[list[list[int]], int]:
    """Indices of ``sizes`` placed first-fit, largest first (ties in index order), into rows of ``width``
    (widened to the largest size); returns the rows and the columns the fullest row uses (at least 1)."""
    width = max(width, *sizes)
    rows: list[list[int]] = []
    free: list[int] = []
    for i in sorted(range(len(sizes)), key=lambda k: (-sizes[k], k)):
        slot = next((r for r, room in enumerate(free) if room >= sizes[i]), None)
        if slot is None:
            rows.append([])
            free.append(width)
            slot = len(rows) - 1
        rows[slot].append(i)
        free[slot] -= sizes[i]
    return rows, max(width - min(free), 1)


def _to(t: torch.Tensor | None, device: torch.device | str) -> torch.Tensor | None:
    return None if t is None else t.to(device)
