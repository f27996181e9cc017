"""Synthesis planning with tools: plan a route to a target, checking steps with ``reaction_apply`` and looking
building blocks up with ``building_blocks`` before answering.

Targets are made as in the route tasks (:mod:`tasks.chem.synthesis`): 2 or 3 library reactions applied to
building blocks. The final answer is a route in JSON and is replayed by the same verifier as the route tasks,
so any valid route of at most the stated length scores 1.0. The reference policy checks that its blocks are in
the set and runs each step of the generator's route through ``reaction_apply``, then answers that route.
"""

from __future__ import annotations

import random
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env


class SynthesisPlanning(Environment):
    """Plan a 2-3 step synthesis route with reaction and building-block tools."""

    id = "chem/synthesis_planning"
    description = ("Plan a multi-step synthesis route from building blocks, applying library reactions and looking "
                   "up building blocks with tools before answering.")
    tools = ("reaction_apply", "building_blocks")
    max_turns = 6
    max_tool_calls = 16
    time_budget = 2.0

    def generate(self, rng: random.Random) -> dict[str, Any]:
        from tasks.chem._routegen import make_route

        steps = rng.choice((2, 3))
        route = make_route(rng, steps)
        return {"target": route[-1]["product"], "max_steps": steps,
                "route": [{"reaction": s["reaction"], "reactants": s["reactants"], "product": s["product"]}
                          for s in route]}

    def prompt(self, identity: dict[str, Any]) -> str:
        from tasks.chem.synthesis import _EXAMPLE, _RULES, library_text

        return (f"Plan a synthesis of {identity['target']} in at most {identity['max_steps']} steps from this "
                f"task's building blocks (look them up with building_blocks). Reactions (one per step, names as "
                f"reaction_apply takes them): {', '.join(_names())}. Their reagents: {library_text()}. {_RULES} "
                f"Check steps with reaction_apply. Answer with the route as JSON in \\boxed{{}}: "
                f'{{"steps": [{{"reactants": ["SMILES", ...], "product": "SMILES"}}, ...]}}, e.g. {_EXAMPLE}. '
                "Any valid route is accepted.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        from tasks.chem._routes import parse_route, replay

        steps = parse_route(answer)
        if not isinstance(steps, list):
            return steps
        return replay(steps, identity["target"], identity["max_steps"])

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        from tasks.chem._routes import route_json

        return route_json(identity["route"])

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        if turn > 0:
            return []
        route = identity["route"]
        calls: list[tuple[str, dict]] = [("building_blocks", {"query": route[0]["reactants"][0], "by": "smiles"})]
        calls += [("reaction_apply", {"reaction": s["reaction"], "reactants": s["reactants"]}) for s in route]
        return calls


def _names() -> list[str]:
    from tasks.chem._library import LIBRARY

    return list(LIBRARY)


register_env(SynthesisPlanning())
