"""Reward functions for other RL stacks: verl's ``compute_score`` and TRL's ``reward_funcs``.

Both score in-process by default (``task.verify``: fast, no hard timeout) or, when
a URL is given (or ``BOOTCAMP_REWARD_URL`` is set), through the reward service,
which adds the sandbox pool, the cache and reward models.

The label is the string ``bootcamp.export.make_label(task_id, identity)`` writes;
the exporters put it in verl's ``reward_model.ground_truth`` and OpenRLHF's
``label`` column.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any

from bootcamp.export import parse_label
from bootcamp.registry import REGISTRY
from bootcamp.types import Verdict

URL_ENV = "BOOTCAMP_REWARD_URL"
KEY_ENV = "BOOTCAMP_API_KEY"


@functools.lru_cache(maxsize=8)
def _client(url: str, api_key: str | None) -> Any:
    # One keep-alive client per URL and process: verl calls compute_score once per sample.
    from rewards.client import BootcampClient

    return BootcampClient(url, api_key=api_key)


def _resolve_url(url: str | None) -> str | None:
    return url if url is not None else (os.environ.get(URL_ENV) or None)


def score_labels(responses: Sequence[str], labels: Sequence[str], url: str | None = None,
                 api_key: str | None = None) -> list[Verdict]:
    """Verdicts for responses against ``make_label`` labels, in-process or through the service at ``url``."""
    items = []
    for response, label in zip(responses, labels, strict=True):
        task_id, identity = parse_label(label)
        items.append((task_id, identity, response if isinstance(response, str) else ""))
    url = _resolve_url(url)
    if url:
        return _client(url, api_key or os.environ.get(KEY_ENV)).verify_batch(items)
    return [REGISTRY.get(t).verify(r, i) for t, i, r in items]


def compute_score(data_source: str, solution_str: str, ground_truth: str, extra_info: dict | None = None,
                  **kwargs: Any) -> float:
    """verl's custom reward function (``custom_reward_function.path`` = this module, ``name`` = compute_score).

    ``ground_truth`` is the label string; ``data_source`` (the task id) is only a fallback.
    """
    try:
        task_id, _ = parse_label(ground_truth)
    except ValueError:
        if not data_source:
            raise
        raise ValueError(f"ground_truth for {data_source!r} is not a bootcamp label") from None
    return float(score_labels([solution_str], [ground_truth])[0].score)


def compute_score_batch(data_sources: Sequence[str], solution_strs: Sequence[str], ground_truths: Sequence[str],
                        extra_infos: Sequence[dict | None] | None = None, **kwargs: Any) -> list[float]:
    """verl's batch reward-manager form: one request for the whole batch."""
    return [float(v.score) for v in score_labels(list(solution_strs), list(ground_truths))]


def _completion_text(completion: Any) -> str:
    """A TRL completion: a string, or a conversation (list of ``{"role", "content"}``)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list):
        texts = [m.get("content", "") for m in completion if isinstance(m, dict) and m.get("role", "assistant") == "assistant"]
        return "".join(t if isinstance(t, str) else "" for t in texts)
    if isinstance(completion, dict):
        return str(completion.get("content", ""))
    return ""


def make_trl_reward(url: str | None = None, label_column: str = "label", task_column: str | None = None,
                    identity_column: str | None = None, api_key: str | None = None,
                    name: str = "bootcamp_reward") -> Callable[..., list[float]]:
    """A TRL ``reward_funcs`` entry: ``fn(prompts, completions, **columns) -> list[float]``.

    The task and identity come from the dataset: a ``label_column`` of ``make_label`` strings
    (default), or a ``task_column`` plus an ``identity_column`` (a dict or its JSON).
    """
    import json

    from bootcamp.export import make_label

    def reward(prompts: Sequence[Any] | None = None, completions: Sequence[Any] | None = None,
               **kwargs: Any) -> list[float]:
        completions = list(completions or [])
        if task_column and identity_column:
            ids = [i if isinstance(i, dict) else json.loads(i) for i in kwargs[identity_column]]
            labels = [make_label(t, i) for t, i in zip(kwargs[task_column], ids, strict=False)]
        else:
            if label_column not in kwargs:
                raise KeyError(f"the dataset has no {label_column!r} column (columns: {sorted(kwargs)})")
            labels = list(kwargs[label_column])
        texts = [_completion_text(c) for c in completions]
        return [float(v.score) for v in score_labels(texts, labels, url=url, api_key=api_key)]

    reward.__name__ = name
    reward.__qualname__ = name
    return reward
