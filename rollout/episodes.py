"""Multi-turn rollouts: episodes of environments with tools, batched across episodes, as trajectories.

Each problem (a task id and seed) is played as an episode of ``TaskEnvironment(task, tools)`` (any task
attempted with a tool set; episode ``s`` is the task's problem ``s``) or of a registered environment. All
live episodes generate their next turn together (one engine call per turn, one sample each); each message
goes to its environment's ``step``; a tool call's results come back as observation tokens appended to the
episode's context, and the episode goes on until its final answer, its turn budget, or its token budget.

The trajectory's ``response_ids`` are every token after the first prompt, the policy's turns and the
observations interleaved; ``loss_mask`` is 1 on the policy's tokens and 0 on the observations (whose
``logprobs`` are 0), so the learner trains on what the policy wrote only. The reward is the environment's
verdict (``extra["env_verdict"]``: the trainer does not score it again), and ``extra`` records the tool calls.

Observations are rendered with the tokenizer's chat template as ``tool`` messages when the job uses chat
templates (the text between the assistant turn's end and the next generation prompt), else as plain text
(``"\\n" + observation + "\\n"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rollout.types import Trajectory


@dataclass
class EpisodeOptions:
    """How episodes run: ``tools`` offered to a task (empty: only registered environments have tools),
    ``max_turns`` for a task's episode, ``turn_tokens`` per generated turn, ``executor`` (``sandbox``,
    or ``in_process`` for tools that run no model code)."""

    tools: list[str] = field(default_factory=list)
    max_turns: int = 4
    turn_tokens: int = 64
    executor: str = "sandbox"


@dataclass
class _Live:
    """One episode in flight."""

    problem: int  # index of its problem
    env: Any
    state: dict[str, Any]
    context: list[int]  # prompt + response so far
    prompt_len: int
    response: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    mask: list[int] = field(default_factory=list)
    tool_calls: int = 0
    tool_errors: int = 0
    verdict: Any = None
    finish: str = "stop"


def make_env(problem: dict[str, Any], options: EpisodeOptions) -> Any:
    """The environment of a problem: a registered environment id, else the task with ``options.tools``."""
    from bootcamp.env.registry import ENVIRONMENTS
    from bootcamp.env.task_env import TaskEnvironment

    env_id = problem["task"]
    if env_id in ENVIRONMENTS:
        return ENVIRONMENTS.get(env_id)
    tools = tuple(options.tools) or TaskEnvironment(env_id, tools=None).tools  # a tool task brings its own
    return TaskEnvironment(env_id, tools=tools, max_turns=options.max_turns if tools else 1)


def make_executor(name: str) -> Any:
    from bootcamp.env import InProcessExecutor
    from bootcamp.env.sandbox_exec import SandboxExecutor

    if name == "sandbox":
        return SandboxExecutor()
    if name == "in_process":
        return InProcessExecutor()
    raise ValueError(f"episodes.executor: unknown {name!r}; valid: in_process, sandbox")


class ObservationFormat:
    """Token ids of an observation turn (chat template ``tool`` message, or plain text)."""

    def __init__(self, tokenizer: Any, chat_template: bool) -> None:
        self.tokenizer = tokenizer
        self.chat = bool(chat_template and getattr(tokenizer, "chat_template", None))

    def ids(self, observation: str) -> list[int]:
        if not self.chat:
            return self.tokenizer("\n" + observation + "\n", add_special_tokens=False)["input_ids"]
        base = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
        before = self.tokenizer.apply_chat_template(base, tokenize=False)
        after = self.tokenizer.apply_chat_template(base + [{"role": "tool", "content": observation}],
                                                   tokenize=False, add_generation_prompt=True)
        delta = after[len(before):] if after.startswith(before) else after
        return self.tokenizer(delta, add_special_tokens=False)["input_ids"]


def run_episodes(engine: Any, tokenizer: Any, problems: list[dict[str, Any]], n: int, temperature: float,
                 top_p: float, max_tokens: int, seed: int, format_prompt: Callable[[str], list[int]],
                 options: EpisodeOptions, executor: Any, obs_format: ObservationFormat, version: int = 0,
                 first_group: int = 0, max_context: int | None = None) -> list[list[Trajectory]]:
    """``n`` episodes per problem (dicts with task, seed, identity), to the end; returns their trajectories
    grouped by problem, in order.

    ``format_prompt`` turns the environment's first observation into the policy's prompt ids;
    ``max_tokens`` bounds each episode's response (turns and observations together), ``max_context`` (the
    engine's context length) its prompt and response; an episode that runs out of either ends with
    reason ``budget``; ``seed`` seeds the engine per turn.
    """
    live: list[_Live] = []
    for i, p in enumerate(problems):
        for _ in range(n):
            env = make_env(p, options)
            state, first = env.reset(int(p["seed"]))
            ids = format_prompt(first)
            live.append(_Live(i, env, state, list(ids), len(ids)))
    episodes = list(live)
    turn = 0
    limit = max_context or 1 << 30
    while live:
        live = [e for e in live if len(e.context) < limit or _out_of_room(e)]
        if not live:
            break
        room = [max(1, min(options.turn_tokens, max_tokens - len(e.response), limit - len(e.context))) for e in live]
        samples = [g[0] for g in engine.generate([e.context for e in live], 1, temperature, top_p, max(room),
                                                 seed + 7919 * turn)]
        turn += 1
        still: list[_Live] = []
        for e, s, cap in zip(live, samples, room, strict=True):
            ids, lps = list(s.token_ids[:cap]), list(s.logprobs[:cap])
            e.response += ids
            e.logprobs += lps
            e.mask += [1] * len(ids)
            e.context += ids
            text = tokenizer.decode(ids, skip_special_tokens=True)
            result = e.env.step(e.state, text, executor)
            e.state = result.state
            e.tool_calls += len(result.tool_results)
            e.tool_errors += sum(r.error is not None for r in result.tool_results)
            if result.done:
                e.verdict = result.verdict
                e.finish = s.finish_reason if len(ids) < cap or s.finish_reason == "stop" else "length"
                continue
            obs = obs_format.ids(result.observation or "")
            if len(e.response) + len(obs) >= max_tokens or len(e.context) + len(obs) >= limit:  # no room to answer
                e.verdict, e.finish = None, "length"
                continue
            e.response += obs
            e.logprobs += [0.0] * len(obs)
            e.mask += [0] * len(obs)
            e.context += obs
            still.append(e)
        live = still
    return _trajectories(episodes, problems, n, tokenizer, version, first_group)


def reference_episode(env: Any, seed: int, executor: Any, tokenizer: Any, format_prompt: Callable[[str], list[int]],
                      obs_format: ObservationFormat, use_tools: bool = True) -> tuple[list[int], list[int], list[int]]:
    """Episode ``seed`` played by the environment's scripted reference policy, as token ids laid out as
    :func:`run_episodes` lays out a policy's episode: ``(prompt ids, response ids, loss mask)``, each message
    ending with the end-of-sequence token (mask 1) and the tool results between them (mask 0). With
    ``use_tools=False`` the policy answers at once (the reference answer, no tool call). Warm-up data."""
    state, first = env.reset(seed)
    eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    response: list[int] = []
    mask: list[int] = []
    while True:
        action = env.reference_action(state) if use_tools else env.reference_answer(state)
        ids = tokenizer(action, add_special_tokens=False)["input_ids"] + eos
        response += ids
        mask += [1] * len(ids)
        result = env.step(state, action, executor)
        if result.done:
            return format_prompt(first), response, mask
        obs = obs_format.ids(result.observation or "")
        response += obs
        mask += [0] * len(obs)
        state = result.state


def _out_of_room(e: _Live) -> bool:
    """Mark an episode whose context is full as ended (no verdict: reason budget); returns False."""
    e.verdict, e.finish = None, "length"
    return False


def _trajectories(episodes: list[_Live], problems: list[dict[str, Any]], n: int, tokenizer: Any, version: int,
                  first_group: int) -> list[list[Trajectory]]:
    from bootcamp.types import Verdict

    groups: list[list[Trajectory]] = [[] for _ in problems]
    for e in episodes:
        p = problems[e.problem]
        verdict = e.verdict or Verdict.failed("budget", "the episode ran out of tokens")
        groups[e.problem].append(Trajectory(
            task=p["task"], seed=p["seed"], identity=p["identity"], group=first_group + e.problem,
            prompt_ids=e.context[: e.prompt_len], response_ids=e.response, logprobs=e.logprobs,
            text=tokenizer.decode(e.response, skip_special_tokens=True), finish_reason=e.finish,
            policy_version=version, reward=verdict.score, correct=verdict.correct, reason=verdict.reason,
            loss_mask=e.mask,
            extra={"env_verdict": True, "turns": e.state["turn"], "tool_calls": e.tool_calls,
                   "tool_errors": e.tool_errors}))
    return groups
