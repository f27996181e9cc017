"""Policy losses on token tensors: pure torch functions.

Shapes: ``logp``, ``old_logp``, ``ref_logp``, ``mask`` are ``[B, T]`` (response
tokens; ``mask`` is 1 on real tokens); ``adv`` is ``[B]`` (one advantage per sequence).
Losses return ``(sum, stats)``: the sum of per-token (or per-sequence) terms,
which the caller divides by a global normaliser (the loss aggregation's unit,
see :mod:`learner.algorithms.loss_agg`) so that micro-batches and ranks add up
to the same mean as one big batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from learner.algorithms.loss_agg import get_loss_agg

if TYPE_CHECKING:
    from learner.config import LearnerConfig


def token_logprobs(logits: torch.Tensor, targets: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """Log-probability of each target token: logits ``[B, T, V]``, targets ``[B, T]`` -> ``[B, T]``."""
    logits = logits.float() / temperature
    return torch.gather(logits.log_softmax(-1), -1, targets.unsqueeze(-1)).squeeze(-1)


def entropy_from_logits(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """Entropy of the next-token distribution at each position: ``[B, T, V]`` -> ``[B, T]``."""
    logp = (logits.float() / temperature).log_softmax(-1)
    return -(logp.exp() * logp).sum(-1)


def kl_penalty(logp: torch.Tensor, ref_logp: torch.Tensor, estimator: str = "k3") -> torch.Tensor:
    """Per-token KL(pi || ref) estimate from samples of pi: k1 = log(pi/ref), k3 = r - log r - 1 with r = ref/pi."""
    diff = ref_logp - logp
    if estimator == "k1":
        return -diff
    if estimator == "k3":
        return torch.exp(diff) - diff - 1.0
    raise ValueError(f"learner.kl_estimator: unknown estimator {estimator!r}")


def ppo_clip_terms(
    logp: torch.Tensor, old_logp: torch.Tensor, adv: torch.Tensor, clip_low: float, clip_high: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token clipped surrogate loss ``-min(r A, clip(r, 1-lo, 1+hi) A)`` and a clipped-token indicator."""
    ratio = torch.exp(logp - old_logp)
    a = adv.unsqueeze(-1)
    unclipped = ratio * a
    clipped = ratio.clamp(1.0 - clip_low, 1.0 + clip_high) * a
    loss = -torch.minimum(unclipped, clipped)
    return loss, (clipped < unclipped).float()


def kl_cov_mask(logp: torch.Tensor, adv: torch.Tensor, mask: torch.Tensor, ratio: float) -> torch.Tensor:
    """KL-Cov: the top ``ratio`` share of tokens by covariance of log-prob and advantage (``[B, T]`` 0/1).

    Those tokens drive entropy collapse; a KL penalty on them alone keeps entropy up
    (Cui et al., 2025, "The Entropy Mechanism of RL for Reasoning LMs").
    """
    m = mask.bool()
    n = int(m.sum())
    out = torch.zeros_like(logp)
    k = max(1, int(n * ratio)) if n else 0
    if k == 0:
        return out
    lp = logp.detach()[m]
    a = adv.unsqueeze(-1).expand_as(logp)[m]
    cov = (lp - lp.mean()) * (a - a.mean())
    top = torch.topk(cov, k).indices
    flat = torch.zeros(n, dtype=logp.dtype, device=logp.device)
    flat[top] = 1.0
    out[m] = flat
    return out


def aggregate(per_token: torch.Tensor, mask: torch.Tensor, loss_agg: str, max_tokens: int) -> torch.Tensor:
    """Sum of a per-token loss over a micro-batch under the aggregation registered as ``loss_agg``."""
    return get_loss_agg(loss_agg).reduce(per_token, mask, max_tokens)


def policy_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    adv: torch.Tensor,
    mask: torch.Tensor,
    cfg: LearnerConfig,
    *,
    ref_logp: torch.Tensor | None = None,
    entropy: torch.Tensor | None = None,
    max_tokens: int = 1,
    weights: torch.Tensor | None = None,
) -> tuple[torch.Tensor, dict[str, float]]:
    """The whole per-micro-batch objective under ``cfg``; returns (loss sum, stats sums).

    The surrogate is the estimator's (``cfg.advantage``), the reduction ``cfg.loss_agg`` or the
    estimator's default; ``ref_logp`` (``[B, T]``) adds the KL term when ``cfg.kl_coef > 0``;
    ``entropy`` (``[B, T]``) is needed by the ``bonus`` entropy method only; ``max_tokens`` is the
    constant of ``seq_mean_token_sum``; ``weights`` (``[B, T]``, no gradient) scale each token's surrogate
    (truncated importance weights for tokens another policy sampled).
    """
    per_tok, clipfrac = cfg.estimator().surrogate(logp, old_logp, adv, cfg.clip_low, cfg.clip_high)
    if weights is not None:
        per_tok = per_tok * weights.detach()
    stats: dict[str, float] = {}
    if ref_logp is not None and cfg.kl_coef > 0:
        kl = kl_penalty(logp, ref_logp, cfg.kl_estimator)
        per_tok = per_tok + cfg.kl_coef * kl
        stats["kl_sum"] = float((kl.detach() * mask).sum())
    ent = cfg.entropy
    if ent.method == "bonus" and entropy is not None:
        per_tok = per_tok - ent.coef * entropy
    elif ent.method == "kl_cov":
        sel = kl_cov_mask(logp, adv, mask, ent.kl_cov_ratio)
        per_tok = per_tok + ent.coef * sel * (logp - old_logp).abs()
        stats["kl_cov_tokens"] = float(sel.sum())
    loss = cfg.aggregation().reduce(per_tok, mask, max_tokens)
    stats["clip_sum"] = float((clipfrac * mask).sum())
    stats["ratio_sum"] = float((torch.exp(logp - old_logp).detach() * mask).sum())
    return loss, stats
