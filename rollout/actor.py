"""The rollout worker: an engine plus tokenizer behind a Ray actor."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from rollout.types import Trajectory
from rollout.weight_receiver import WeightReceiver


class RolloutWorker(WeightReceiver):
    """Turns problems into trajectories with one engine; run it as a Ray actor via :func:`rollout_actor`."""

    def __init__(self, engine: str, model_path: str, chat_template: bool = False, prompt_suffix: str = "\n",
                 threads: int = 1, episodes: dict[str, Any] | None = None, **engine_options: Any) -> None:
        """``engine_options`` are checked against the engine's ``Options`` model (an unknown one is an error);
        ``episodes`` (the fields of :class:`rollout.episodes.EpisodeOptions`): every problem is played as a
        multi-turn episode with tools (:mod:`rollout.episodes`) instead of one response."""
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        import torch
        from transformers import AutoTokenizer

        torch.set_num_threads(threads)
        from rollout.engines import make_engine

        self.kind = engine
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        self.chat_template = chat_template
        self.prompt_suffix = prompt_suffix
        self.engine = make_engine(engine, model_path, **engine_options)
        self.max_model_len = engine_options.get("max_model_len")
        self.version = 0
        self.episodes: Any = None
        self.set_episodes(episodes)

    def set_episodes(self, episodes: dict[str, Any] | None) -> None:
        """Play problems as multi-turn episodes with these options (None: one response per problem)."""
        self.episodes = None
        if episodes is not None:
            from rollout.episodes import EpisodeOptions, ObservationFormat, make_executor

            options = EpisodeOptions(**episodes)
            self.executor = make_executor(options.executor)
            self.obs_format = ObservationFormat(self.tokenizer, self.chat_template)
            self.episodes = options

    def ready(self) -> str:
        return self.kind

    def node_id(self) -> str:
        """The Ray node this actor runs on."""
        import ray

        return ray.get_runtime_context().get_node_id()

    def pid(self) -> int:
        """This actor's process id."""
        return os.getpid()

    def generate(self, problems: list[dict[str, Any]], n: int, temperature: float, top_p: float,
                 max_tokens: int, seed: int, first_group: int = 0) -> tuple[list[Trajectory], dict[str, float]]:
        """``n`` trajectories per problem (dicts with task, seed, prompt, identity), stamped with the version,
        in problem order; stats: generated tokens and seconds."""
        start = time.perf_counter()
        groups = sorted(self.generate_stream(problems, n, temperature, top_p, max_tokens, seed, first_group),
                        key=lambda item: item[0])
        return ([t for _, trajs, _ in groups for t in trajs],
                {"tokens": sum(s["tokens"] for _, _, s in groups), "seconds": time.perf_counter() - start})

    def generate_stream(self, problems: list[dict[str, Any]], n: int, temperature: float, top_p: float,
                        max_tokens: int, seed: int, first_group: int = 0) -> Iterator[tuple[int, list[Trajectory],
                                                                                             dict[str, float]]]:
        """As :meth:`generate`, but yields ``(index in problems, the group's trajectories, stats)`` for each
        problem as soon as its group is done: at once per group with an engine that streams (``stream``),
        all at the end otherwise. Call it as a Ray streaming generator (``num_returns="streaming"``);
        ``stats`` are the group's generated tokens and the seconds since the call started."""
        from rollout.engine import format_prompt

        start = time.perf_counter()
        if self.episodes is not None:
            yield from self._episode_groups(problems, n, temperature, top_p, max_tokens, seed, first_group, start)
            return
        prompt_ids = [format_prompt(self.tokenizer, p["prompt"], self.chat_template, self.prompt_suffix)
                      for p in problems]
        stream = getattr(self.engine, "stream", None)
        args = (prompt_ids, n, temperature, top_p, max_tokens, seed)
        groups = stream(*args) if stream is not None else enumerate(self.engine.generate(*args))
        for g, samples in groups:
            p, ids = problems[g], prompt_ids[g]
            trajs = [Trajectory(task=p["task"], seed=p["seed"], identity=p["identity"], group=first_group + g,
                                prompt_ids=ids, response_ids=s.token_ids, logprobs=s.logprobs,
                                text=self.tokenizer.decode(s.token_ids, skip_special_tokens=True),
                                finish_reason=s.finish_reason, policy_version=self.version) for s in samples]
            yield g, trajs, {"tokens": float(sum(len(s.token_ids) for s in samples)),
                             "seconds": time.perf_counter() - start}

    def _episode_groups(self, problems: list[dict[str, Any]], n: int, temperature: float, top_p: float,
                        max_tokens: int, seed: int, first_group: int,
                        start: float) -> Iterator[tuple[int, list[Trajectory], dict[str, float]]]:
        """:meth:`generate_stream` in episode mode: every problem's ``n`` episodes, played together."""
        from rollout.engine import format_prompt
        from rollout.episodes import run_episodes

        groups = run_episodes(self.engine, self.tokenizer, problems, n, temperature, top_p, max_tokens, seed,
                              lambda text: format_prompt(self.tokenizer, text, self.chat_template, self.prompt_suffix),
                              self.episodes, self.executor, self.obs_format, self.version, first_group,
                              max_context=self.max_model_len)
        for g, trajs in enumerate(groups):
            tokens = float(sum(sum(t.loss_mask) for t in trajs))
            yield g, trajs, {"tokens": tokens, "seconds": time.perf_counter() - start}

    def load_weights(self, state: Any, version: int) -> int:
        """Take new weights (a state dict, or an object ref to one) and stamp later trajectories with ``version``."""
        self.engine.load_weights(state)
        self.version = version
        return version

    def probe(self, text: str = "1+1=?", max_tokens: int = 4) -> list[float]:
        """Greedy log-probs of a fixed prompt: a cheap fingerprint of the engine's current weights."""
        from rollout.engine import format_prompt

        ids = format_prompt(self.tokenizer, text, self.chat_template, self.prompt_suffix)
        return self.engine.generate([ids], 1, 0.0, 1.0, max_tokens, 0)[0][0].logprobs


def rollout_actor(num_gpus: float = 0.0) -> Any:
    """The Ray actor class of :class:`RolloutWorker` (no CPU reservation: it alternates with the learner)."""
    import ray

    return ray.remote(num_cpus=0, num_gpus=num_gpus)(RolloutWorker)
