"""Warm-up data: supervised examples from reference solutions before RL (``warmup`` in the job config).

Single-turn jobs learn each problem's reference answer (``task.solve`` in the task's answer format).
With ``rollout.episodes`` a problem is an episode: a share ``warmup.reference_episodes`` of the examples
are the environment's reference policy (its tool calls, their results, its answer), laid out and masked
as the rollout lays out the policy's episodes (tool results carry no loss); the rest answer at once.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.types import Problem
from learner.batch import TrainItem
from learner.config import JobConfig


class WarmupData:
    """Turns drawn problems into :class:`TrainItem` s for the job ``cfg``."""

    def __init__(self, cfg: JobConfig, tokenizer: Any, problems: Any) -> None:
        from rollout.engine import format_prompt

        self.cfg, self.tokenizer, self.problems = cfg, tokenizer, problems
        self.encode = lambda text: format_prompt(tokenizer, text, cfg.model.chat_template, cfg.model.prompt_suffix)
        self.rng = random.Random(f"{cfg.seed}:warmup-episodes")
        self.episodes = cfg.rollout.episodes
        if self.episodes is not None:
            from rollout.episodes import EpisodeOptions, ObservationFormat, make_executor

            self.options = EpisodeOptions(**self.episodes.model_dump())
            self.executor = make_executor(self.episodes.executor)
            self.obs_format = ObservationFormat(tokenizer, cfg.model.chat_template)

    def item(self, p: Problem) -> TrainItem:
        if self.episodes is not None:
            return self.episode_item(p)
        task = self.problems.get(p.task)
        eos = self.tokenizer.eos_token_id
        answer = task.format_answer(task.solve(p.identity))
        response = self.tokenizer(answer, add_special_tokens=False)["input_ids"] + ([eos] if eos is not None else [])
        return TrainItem(self.encode(p.prompt), response)

    def episode_item(self, p: Problem) -> TrainItem:
        from rollout.episodes import make_env, reference_episode

        env = make_env({"task": p.task}, self.options)
        use_tools = self.rng.random() < self.cfg.warmup.reference_episodes
        prompt, response, mask = reference_episode(env, p.seed, self.executor, self.tokenizer, self.encode,
                                                   self.obs_format, use_tools)
        return TrainItem(prompt, response, loss_mask=mask)
