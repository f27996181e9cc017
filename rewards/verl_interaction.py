"""A verl multi-turn *interaction* that plays bootcamp episodes through the reward service.

verl's multi-turn rollout asks an interaction object for the next user turn after each assistant
turn. :class:`BootcampInteraction` has the shape of verl's ``BaseInteraction`` (verl need not be
installed here): each rollout request starts an episode on the service, each assistant message is
sent as one episode step, and the step's observation (tool results) comes back as the next user
message until the episode ends with its verdict's score as the reward.

Point verl at it with an interaction config file (``actor_rollout_ref.rollout.multi_turn.
interaction_config_path=bootcamp_interaction.yaml``)::

    interaction:
      - name: bootcamp
        class_name: rewards.verl_interaction.BootcampInteraction
        config:
          url: http://reward-service:8000      # or a list of replicas (they need a shared redis_url)
          api_key: ${oc.env:BOOTCAMP_API_KEY}

and give each dataset row ``extra_info.interaction_kwargs = {"name": "bootcamp", "env":
"math/big_multiplication", "seed": 17}`` (optional ``"tools": [...]`` for a plain task id played
with tools). The row's prompt must be the episode's first observation, which is deterministic in
the seed: ``bootcamp.env.get_env(env).reset(seed)[1]`` computes it locally (or
``TaskEnvironment(task_id, tools).reset(seed)[1]`` for a task). The observation the service
returned is also kept as ``start_observation(instance_id)``, so a mismatch can be detected.

The policy calls tools by writing Hermes / Qwen ``<tool_call>`` blocks in its message; an assistant
message that carries OpenAI-style ``tool_calls`` instead is turned back into such blocks.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from bootcamp.env.toolcall import format_call
from rewards.client import AsyncBootcampClient, RewardServiceError

#: Statuses after which the episode cannot go on, and the trajectory ends with reward 0 (and says why).
_EPISODE_OVER = frozenset({404, 409, 413, 422})


class BootcampInteraction:
    """verl ``BaseInteraction`` over the episode API (see the module docstring).

    Args:
        config: ``url`` (a service URL or a list of replicas), ``api_key`` (optional), ``timeout``
            (seconds per request, default 120: a step runs tools), ``name`` (default ``bootcamp``).
    """

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = dict(config)
        self.name = self.config.get("name", "bootcamp")
        url = self.config.get("url")
        if not url:
            raise ValueError("BootcampInteraction: config needs 'url' (the reward service)")
        self.client = AsyncBootcampClient(url, api_key=self.config.get("api_key"),
                                          timeout=float(self.config.get("timeout", 120.0)))
        self._instances: dict[str, dict[str, Any]] = {}

    async def start_interaction(self, instance_id: str | None = None, **kwargs: Any) -> str:
        """Start an episode of ``kwargs["env"]`` with ``kwargs.get("seed", 0)`` (and ``tools``); returns
        the instance id (a new one when ``instance_id`` is None)."""
        env = kwargs.get("env")
        if not isinstance(env, str) or not env:
            raise ValueError("start_interaction: interaction_kwargs need 'env' (an environment or task id)")
        seed = kwargs.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"start_interaction: 'seed' must be an integer, got {type(seed).__name__}")
        instance_id = instance_id or str(uuid.uuid4())
        episode = await self.client.create_episode(env, seed, kwargs.get("tools"))
        self._instances[instance_id] = {"episode": episode["id"], "env": env, "seed": seed,
                                        "observation": episode["observation"], "done": False, "reward": 0.0,
                                        "verdict": None, "turn": 0}
        return instance_id

    def start_observation(self, instance_id: str) -> str:
        """The first observation the service gave (what the dataset's prompt should be)."""
        return self._instance(instance_id)["observation"]

    async def generate_response(self, instance_id: str, messages: list[dict[str, Any]],
                                **kwargs: Any) -> tuple[bool, str, float, dict[str, Any]]:
        """Step the episode with the last assistant message.

        Returns:
            ``(should_terminate, next user message, reward, metadata)``: while the episode goes on the
            message is the tool results and the reward 0.0; at its end, the verdict's score and a
            short summary. An episode the service refuses to go on with (expired, finished, an
            oversized message) ends with reward 0.0 and ``metadata["error"]``.
        """
        inst = self._instance(instance_id)
        if inst["done"]:
            return True, "", inst["reward"], {"verdict": inst["verdict"], "turn": inst["turn"]}
        action = last_assistant_text(messages)
        try:
            out = await self.client.step_episode(inst["episode"], action)
        except RewardServiceError as exc:
            if exc.status not in _EPISODE_OVER:
                raise  # the service is down or failed: not a zero reward for the policy
            inst.update(done=True, reward=0.0)
            return True, "", 0.0, {"error": f"HTTP {exc.status}: {exc.detail}", "turn": inst["turn"]}
        inst["turn"] = out["turn"]
        meta = {"turn": out["turn"], "tool_results": out["tool_results"]}
        if not out["done"]:
            return False, out["observation"] or "", 0.0, meta
        verdict = out["verdict"] or {}
        reward = float(verdict.get("score", 0.0))
        inst.update(done=True, reward=reward, verdict=verdict)
        meta["verdict"] = verdict
        return True, f"Episode over: score {reward:g} ({verdict.get('reason', 'ok')}).", reward, meta

    async def calculate_score(self, instance_id: str, **kwargs: Any) -> float:
        """The episode's final score (0.0 until it ends)."""
        return float(self._instance(instance_id)["reward"])

    async def finalize_interaction(self, instance_id: str, **kwargs: Any) -> None:
        """Delete the episode on the service and forget the instance."""
        inst = self._instances.pop(instance_id, None)
        if inst is not None:
            await self.client.delete_episode(inst["episode"], missing_ok=True)

    async def aclose(self) -> None:
        """Close the HTTP client (verl does not call this; a long-lived trainer may)."""
        await self.client.aclose()

    def _instance(self, instance_id: str) -> dict[str, Any]:
        try:
            return self._instances[instance_id]
        except KeyError:
            raise KeyError(f"no interaction {instance_id!r}: call start_interaction first") from None


def last_assistant_text(messages: list[dict[str, Any]]) -> str:
    """The last assistant message as text, with OpenAI ``tool_calls`` written back as ``<tool_call>``
    blocks (when the text does not already hold them). No assistant message gives ""."""
    for msg in reversed(messages):
        if not isinstance(msg, dict) or msg.get("role") != "assistant":
            continue
        content = msg.get("content")
        if isinstance(content, list):  # content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict)
                              and isinstance(p.get("text"), str))
        text = content if isinstance(content, str) else ""
        calls = msg.get("tool_calls")
        if isinstance(calls, list) and calls and "<tool_call>" not in text:
            blocks = [_call_block(c) for c in calls]
            text = "\n".join([text, *(b for b in blocks if b)]).strip()
        return text
    return ""


def _call_block(call: Any) -> str:
    """One OpenAI tool call as a ``<tool_call>`` block; malformed arguments are passed on as they are,
    so the environment answers them with an error observation."""
    fn = call.get("function") if isinstance(call, dict) else None
    if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
        return ""
    args = fn.get("arguments", {})
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except (ValueError, RecursionError):
            pass
    if isinstance(args, dict):
        return format_call(fn["name"], args)
    return "<tool_call>" + json.dumps({"name": fn["name"], "arguments": args}) + "</tool_call>"
