"""The learning rate of each RL step: linear warm-up, then constant, linear or cosine decay.

A pure function of the step index, so a resumed run uses the same rate as an
uninterrupted one at every step.
"""

from __future__ import annotations

import math
from typing import Any


def learning_rate(learner: Any, step: int, total_steps: int) -> float:
    """Rate for RL step ``step`` (0-based) of ``total_steps``, from a ``LearnerConfig``.

    Warm-up ramps ``lr/w, 2lr/w, ..., lr`` over ``lr_warmup_steps`` (Adam's first steps move
    every weight by about lr whatever its gradient); the decay then goes from ``lr`` at the
    end of warm-up to ``lr * min_lr_ratio`` at the last step.
    """
    lr, warm = float(learner.lr), int(learner.lr_warmup_steps)
    if warm and step < warm:
        return lr * (step + 1) / warm
    schedule = learner.lr_schedule
    if schedule == "constant":
        return lr
    span = max(1, total_steps - warm - 1)
    t = min(1.0, max(0.0, (step - warm) / span))
    floor = float(learner.min_lr_ratio)
    shape = (1.0 - t) if schedule == "linear" else 0.5 * (1.0 + math.cos(math.pi * t))
    return lr * (floor + (1.0 - floor) * shape)
