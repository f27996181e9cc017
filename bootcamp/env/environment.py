"""The environment contract: multi-turn episodes with tools, beside the single-turn task contract.

An episode is a JSON dict (its *state*), so it can be stored (the reward service keeps episodes in
Redis) and resumed in another process. An environment is stateless: ``reset(seed)`` gives the first
state and observation; ``step(state, action, executor)`` takes the policy's message and gives the next
state and observation, or, at the end, the verdict.

The turn protocol (Hermes / Qwen tool calling): a message with ``<tool_call>`` blocks calls the
environment's tools; their results are the next observation (``<tool_response>`` blocks). A message
without a tool call is the final answer: it is graded and the episode ends. An episode that reaches
``max_turns`` messages without a final answer ends with score 0 (reason ``budget``); calls beyond
``max_tool_calls`` and oversized messages get error observations. Token budgets belong to the
rollout (it knows the tokenizer): it stops an episode whose tokens run out.

Subclasses implement ``generate``, ``prompt``, ``check`` and ``solve`` as a task does, plus
``reference_calls`` when the reference policy should use tools; the tools an environment offers are
named in ``tools`` (registry :data:`bootcamp.env.tools.TOOLS`). Tools read ``context``:
``{"identity": ..., "memory": ...}``; a tool that changes the episode (a simulated lab step) returns
``{"output": text, "memory": new memory}`` instead of text (see :func:`apply_results`).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from bootcamp.env.executor import InProcessExecutor, ToolExecutor
from bootcamp.env.toolcall import (
    MAX_CALLS_PER_TURN,
    ToolResult,
    format_call,
    format_results,
    parse_tool_calls,
)
from bootcamp.env.tools import TOOLS
from bootcamp.extract import find_answer, wrap_answer
from bootcamp.task import Task
from bootcamp.types import Verdict

#: Most characters of the episode memory (JSON) a tool may leave behind.
MAX_MEMORY_CHARS = 100_000


@dataclass
class StepResult:
    """What one step gives back: the new ``state``, the next ``observation`` (None once ``done``),
    the ``verdict`` at the end, and the turn's ``tool_results``."""

    state: dict[str, Any]
    observation: str | None
    done: bool
    verdict: Verdict | None = None
    tool_results: list[ToolResult] = field(default_factory=list)


class Environment:
    """Base class of every multi-turn environment (see the module docstring)."""

    id: ClassVar[str] = ""
    version: ClassVar[int] = 1
    description: ClassVar[str] = ""
    domain_name: ClassVar[str] = ""  # defaults to the id's first part
    tools: ClassVar[tuple[str, ...]] = ()
    max_turns: ClassVar[int] = 6
    max_tool_calls: ClassVar[int] = 12
    max_action_chars: ClassVar[int] = 20_000
    #: How the first observation declares the tools: ``schema`` (each tool's OpenAI JSON declaration) or
    #: ``signature`` (one ``name(arguments)`` line: a short prompt for a small model's context).
    tool_prompt: ClassVar[str] = "schema"
    #: Seconds ``check`` may take on any input (the environment checker enforces it).
    time_budget: ClassVar[float] = 2.0

    def __init__(self, env_id: str | None = None) -> None:
        self.env_id = env_id or self.id

    @property
    def seed_key(self) -> str:
        """What episode seeds are mixed with (the id; a task's environment uses the task's id)."""
        return self.env_id

    @property
    def domain(self) -> str:
        return self.domain_name or self.env_id.split("/", 1)[0]

    # -- what a subclass implements ------------------------------------------------------------
    def generate(self, rng: random.Random) -> dict[str, Any]:
        """A JSON identity, deterministic in ``rng``'s seed."""
        raise NotImplementedError

    def prompt(self, identity: dict[str, Any]) -> str:
        """The task as the policy first sees it (the tool list and protocol are added by ``reset``)."""
        raise NotImplementedError

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        """Score the final answer in [0, 1]; never raises on model output."""
        raise NotImplementedError

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        """A final answer ``check`` scores 1.0 (after the reference calls, when there are any)."""
        raise NotImplementedError

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        """The tool calls the reference policy makes at ``turn`` (``[(name, arguments)]``); [] answers."""
        return []

    def format_answer(self, answer: str) -> str:
        return wrap_answer(answer)

    def extract(self, response: str) -> str | None:
        return find_answer(response).answer

    # -- the episode -----------------------------------------------------------------------------
    def reset(self, seed: int) -> tuple[dict[str, Any], str]:
        """The first state and observation of episode ``seed`` (deterministic in it)."""
        identity = self.generate(random.Random(f"{self.seed_key}:{seed}"))
        json.dumps(identity)  # an identity must be JSON
        first = self.prompt(identity) + self.tool_instructions()
        state = {"env": self.env_id, "version": self.version, "seed": seed, "identity": identity, "turn": 0,
                 "tool_calls": 0, "memory": {}, "done": False, "verdict": None,
                 "history": [{"role": "user", "content": first}]}
        return state, first

    def tool_instructions(self) -> str:
        """The tools and the calling protocol, appended to the first observation (none without tools)."""
        if not self.tools:
            return ""
        if self.tool_prompt == "signature":
            decls = ", ".join(f"{n}({', '.join(TOOLS.get(n).parameters.get('properties', {}))})" for n in self.tools)
            return f"\nTools: {decls}. Call: <tool_call>{{\"name\": ..., \"arguments\": {{...}}}}</tool_call>"
        decls = "\n".join(json.dumps(TOOLS.get(n).schema()) for n in self.tools)
        return ("\n\nYou may call tools. Tools:\n" + decls + "\nTo call one, write "
                + format_call("<name>", {"<argument>": "<value>"})
                + " (several per message allowed). Their results come back in <tool_response> blocks. "
                "A message without a tool call is your final answer.")

    def step(self, state: dict[str, Any], action: str, executor: ToolExecutor | None = None) -> StepResult:
        """Take the policy's message; never raises on a hostile action (a bad call is an error observation).

        Raises:
            ValueError: ``state`` is not one of this environment's live episodes (a caller's bug).
        """
        if state.get("env") != self.env_id or state.get("done"):
            raise ValueError(f"step: not a live episode of {self.env_id} (env {state.get('env')!r}, "
                             f"done {state.get('done')!r})")
        state = json.loads(json.dumps(state))  # never change the caller's copy
        action = action if isinstance(action, str) else ""
        state["turn"] += 1
        state["history"].append({"role": "assistant", "content": action[: self.max_action_chars]})
        if len(action) > self.max_action_chars:
            return self._continue(state, [ToolResult("?", error=f"message of {len(action)} characters; "
                                                              f"at most {self.max_action_chars}")])
        calls = parse_tool_calls(action) if self.tools else []
        if not calls:
            return self._finish(state, self.grade(action, state["identity"], state["memory"]))
        room = max(0, min(MAX_CALLS_PER_TURN, self.max_tool_calls - state["tool_calls"]))
        state["tool_calls"] += len(calls)
        results = (executor or InProcessExecutor()).run(calls[:room], self.tools,
                                                        {"identity": state["identity"], "memory": state["memory"]})
        results += [ToolResult(c.name or "?", error="tool-call budget of this turn or episode used up")
                    for c in calls[room:]]
        apply_results(state, results)
        return self._continue(state, results)

    def _continue(self, state: dict[str, Any], results: list[ToolResult]) -> StepResult:
        if state["turn"] >= self.max_turns:
            verdict = Verdict.failed("budget", f"no final answer within {self.max_turns} turns")
            return self._finish(state, verdict, results)
        obs = format_results(results)
        state["history"].append({"role": "tool", "content": obs})
        return StepResult(state, obs, False, None, results)

    def _finish(self, state: dict[str, Any], verdict: Verdict, results: list[ToolResult] | None = None) -> StepResult:
        state["done"], state["verdict"] = True, verdict.model_dump(mode="json")
        return StepResult(state, None, True, verdict, results or [])

    def grade(self, response: str, identity: dict[str, Any], memory: dict[str, Any]) -> Verdict:
        """The final message's verdict (extract, then ``check``); never raises."""
        start = time.perf_counter()
        try:
            answer = self.extract(response)
            if answer is None:
                return Verdict.failed("no_answer")
            raw = self.check(answer, identity, memory)
        except Exception as exc:  # noqa: BLE001 - a crashing verifier costs one verdict
            return Verdict.failed("verifier_error", f"{type(exc).__name__}: {exc}"[:500])
        return Task.to_verdict(raw, answer, (time.perf_counter() - start) * 1000)

    def reference_action(self, state: dict[str, Any]) -> str:
        """The scripted reference policy's next message (tool calls, then the final answer)."""
        calls = self.reference_calls(state["identity"], state["memory"], state["turn"])
        if calls:
            return "\n".join(format_call(name, args) for name, args in calls)
        return self.reference_answer(state)

    def reference_answer(self, state: dict[str, Any]) -> str:
        """The reference policy's final answer from ``state`` (no further tool call)."""
        return self.format_answer(self.solve(state["identity"], state["memory"]))

    def info(self) -> dict[str, Any]:
        return {"id": self.env_id, "domain": self.domain, "version": self.version,
                "description": self.description, "tools": list(self.tools), "max_turns": self.max_turns}


def apply_results(state: dict[str, Any], results: list[ToolResult]) -> None:
    """Fold stateful tools' memory into the episode (the last one a call of the turn left; each call
    already saw its predecessor's; capped at ``MAX_MEMORY_CHARS``)."""
    for r in results:
        if r.error is None and r.memory is not None:
            if len(json.dumps(r.memory)) <= MAX_MEMORY_CHARS:
                state["memory"] = r.memory
            else:
                r.output, r.error = "", "the tool's episode memory is too large"


def run_reference(env: Environment, seed: int, executor: ToolExecutor | None = None) -> StepResult:
    """Play episode ``seed`` with the reference policy to the end; returns the last step."""
    state, _ = env.reset(seed)
    for _ in range(env.max_turns):
        result = env.step(state, env.reference_action(state), executor)
        if result.done:
            return result
        state = result.state
    raise RuntimeError(f"{env.env_id}: the reference policy did not finish within {env.max_turns} turns")
