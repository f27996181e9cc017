"""The verl interaction adapter driven by a small fake verl multi-turn loop against a live service."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from bootcamp.env import ENVIRONMENTS, InProcessExecutor
from rewards.service import Settings, create_app
from rewards.verl_interaction import BootcampInteraction, last_assistant_text

ENV = "math/big_multiplication"


@pytest.fixture(scope="module")
def server(live_server):
    with live_server(create_app(Settings(pool_workers=1, warm_pool=False))) as srv:
        yield srv


async def fake_verl_rollout(interaction: BootcampInteraction, kwargs: dict[str, Any], policy: Any,
                            max_user_turns: int = 8) -> tuple[float, list[dict[str, Any]], list[dict[str, Any]]]:
    """What verl's multi-turn rollout does with an interaction: start, alternate assistant turns and
    interaction turns until it says stop, score, finalize."""
    iid = await interaction.start_interaction(None, **kwargs)
    messages = [{"role": "user", "content": interaction.start_observation(iid)}]
    metas = []
    for _ in range(max_user_turns):
        messages.append(policy(messages))
        done, text, reward, meta = await interaction.generate_response(iid, messages)
        metas.append(meta)
        if done:
            break
        messages.append({"role": "user", "content": text})
    score = await interaction.calculate_score(iid)
    await interaction.finalize_interaction(iid)
    return score, messages, metas


def reference_policy(env_id: str, seed: int) -> Any:
    """The environment's reference policy, fed from the conversation (a local mirror of the episode)."""
    env = ENVIRONMENTS.get(env_id)
    state = {"s": env.reset(seed)[0]}

    def act(messages: list[dict[str, Any]]) -> dict[str, Any]:
        if len(messages) > 1:  # fold the previous assistant turn into the mirror
            state["s"] = env.step(state["s"], messages[-2]["content"], InProcessExecutor()).state
        return {"role": "assistant", "content": env.reference_action(state["s"])}

    return act


def test_reference_policy_earns_one_and_wrong_answer_less(server) -> None:
    async def main() -> None:
        inter = BootcampInteraction({"url": server.url, "name": "bootcamp"})
        score, messages, metas = await fake_verl_rollout(inter, {"env": ENV, "seed": 11},
                                                         reference_policy(ENV, 11))
        assert score == 1.0 and metas[-1]["verdict"]["correct"]
        assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
        assert "<tool_response>" in messages[2]["content"]
        assert messages[0]["content"] == ENVIRONMENTS.get(ENV).reset(11)[1]

        score, _, metas = await fake_verl_rollout(inter, {"env": ENV, "seed": 11},
                                                  lambda m: {"role": "assistant", "content": "\\boxed{42}"})
        assert score == 0.0 and metas[-1]["verdict"]["reason"] in ("ok", "wrong")
        assert not inter._instances  # finalized
        await inter.aclose()

    asyncio.run(main())


def test_openai_tool_calls_task_with_tools_and_cleanup(server) -> None:
    async def main() -> None:
        inter = BootcampInteraction({"url": server.url})
        iid = await inter.start_interaction("row-1", env="math/gcd", seed=2, tools=["calculator"])
        assert iid == "row-1"
        call = {"role": "assistant", "content": "",
                "tool_calls": [{"type": "function", "function": {"name": "calculator",
                                                                 "arguments": json.dumps({"expression": "6*7"})}}]}
        done, text, reward, meta = await inter.generate_response(iid, [{"role": "user", "content": "q"}, call])
        assert not done and reward == 0.0 and "42" in text and meta["tool_results"][0]["error"] is None
        assert await inter.calculate_score(iid) == 0.0
        episode = inter._instances[iid]["episode"]
        await inter.finalize_interaction(iid)
        async with httpx.AsyncClient() as c:
            assert (await c.get(f"{server.url}/v1/episodes/{episode}")).status_code == 404
        await inter.finalize_interaction(iid)  # twice is fine
        # an episode the service dropped ends the trajectory with reward 0 and says why
        iid = await inter.start_interaction(env=ENV, seed=0)
        await inter.client.delete_episode(inter._instances[iid]["episode"])
        done, _, reward, meta = await inter.generate_response(iid, [{"role": "assistant", "content": "\\boxed{1}"}])
        assert done and reward == 0.0 and "404" in meta["error"]
        assert (await inter.generate_response(iid, []))[0] is True
        with pytest.raises(ValueError):
            await inter.start_interaction(env=ENV, seed="3")
        await inter.aclose()

    asyncio.run(main())


def test_last_assistant_text() -> None:
    assert last_assistant_text([]) == ""
    msgs = [{"role": "assistant", "content": "old"}, {"role": "user", "content": "u"},
            {"role": "assistant", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]
    assert last_assistant_text(msgs) == "ab"
    bad = {"role": "assistant", "content": None,
           "tool_calls": [{"function": {"name": "calculator", "arguments": "{oops"}}, {"nothing": 1}]}
    text = last_assistant_text([bad])
    assert text.startswith("<tool_call>") and "{oops" in text and text.count("<tool_call>") == 1
    with pytest.raises(ValueError):
        BootcampInteraction({})
