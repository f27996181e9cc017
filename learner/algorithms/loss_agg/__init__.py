"""Policy-loss aggregations, one module per aggregation, and the registry ``learner.loss_agg`` is looked up in.

An aggregation reduces a per-token loss ``[B, T]`` (with its 0/1 ``mask``) of one
micro-batch to a sum, in a unit the driver then divides by: the number of
sequences or of response tokens in the whole mini-batch (all micro-batches and
ranks), so that any split adds up to the same mean as one big batch. A new
aggregation is one new module here plus a test::

    from learner.algorithms.loss_agg import register_loss_agg

    @register_loss_agg("seq_sum", unit="sequence")
    def seq_sum(per_token, mask, max_tokens):
        return (per_token * mask).sum()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bootcamp.extension import ExtensionRegistry

if TYPE_CHECKING:
    import torch

    from learner.batch import TrainBatch

ENTRY_POINT_GROUP = "bootcamp.loss_aggs"

#: ``(per_token [B, T], mask [B, T], max_tokens) -> scalar sum``
AggregateFn = Callable[["torch.Tensor", "torch.Tensor", int], "torch.Tensor"]


@dataclass(frozen=True)
class LossAggregation:
    """A registered aggregation.

    Attributes:
        name: the ``learner.loss_agg`` value that selects it.
        reduce: the micro-batch sum (see :data:`AggregateFn`).
        unit: what the sum is divided by: the mini-batch's ``sequence`` or ``token`` count.
    """

    name: str
    reduce: AggregateFn
    unit: Literal["sequence", "token"]

    def normaliser(self, batch: TrainBatch) -> float:
        """The divisor for a mini-batch: its number of sequences or of response tokens (at least 1)."""
        return float(max(1, len(batch) if self.unit == "sequence" else batch.num_tokens()))


LOSS_AGGS: ExtensionRegistry[LossAggregation] = ExtensionRegistry("loss aggregation", "learner.loss_agg", package=__name__,
                                                entry_points=ENTRY_POINT_GROUP)


def register_loss_agg(name: str, *, unit: Literal["sequence", "token"]) -> Callable[[AggregateFn], AggregateFn]:
    """Decorator: register a reduction as aggregation ``name``; returns the function unchanged."""
    if unit not in ("sequence", "token"):
        raise ValueError(f"loss aggregation {name!r}: unit must be 'sequence' or 'token', got {unit!r}")

    def decorate(fn: AggregateFn) -> AggregateFn:
        LOSS_AGGS.add(name, LossAggregation(name, fn, unit))
        return fn

    return decorate


def get_loss_agg(name: str) -> LossAggregation:
    """The aggregation registered as ``name``; an unknown name is a ``ValueError`` listing the valid ones."""
    return LOSS_AGGS.get(name)
