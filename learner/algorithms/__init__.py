"""The RL algorithm extension points: advantage estimators and policy-loss aggregations.

- :mod:`learner.algorithms.advantages`: ``learner.advantage`` (grpo, dr_grpo, rloo, oreal, ...)
- :mod:`learner.algorithms.loss_agg`: ``learner.loss_agg`` (token_mean, seq_mean_token_mean, ...)

Each is a registry filled from one module per entry; a new algorithm is one new
module in the matching package plus a test.
"""
