"""Measure an unknown planet's gravity with a pendulum: the stateful ``pendulum_timer`` tool.

The surface gravity g is hidden in the identity; the only way to it is the experiment.
``pendulum_timer`` releases a simple pendulum of a chosen length, times a chosen number of full
swings and reports the total time, read off a stopwatch with a fixed reaction-time offset (the
same in every run of an episode) and 0.01 s resolution. One run is biased by the offset; two runs
with different swing counts cancel it (the slope of time against swings is the period). At most
``runs`` runs per episode. Answer: g in m/s^2 within 1%.

Memory: ``{"pendulum_runs": [[length_m, swings, seconds], ...]}``.
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.env.tools import ToolError, tool
from bootcamp.verifiers.numeric import check_number

MIN_LENGTH_M, MAX_LENGTH_M = 0.05, 20.0
MAX_SWINGS = 200


def stopwatch(identity: dict[str, Any], length_m: float, swings: int) -> float:
    """What the stopwatch shows for ``swings`` full swings of a pendulum of ``length_m``."""
    period = 2 * math.pi * math.sqrt(length_m / identity["g"])
    return round(swings * period + identity["offset_s"], 2)


@tool("pendulum_timer", "Time `swings` full swings of a simple pendulum of length `length_m` (metres) on this "
      "planet; returns the stopwatch reading in seconds (limited runs per episode).",
      {"type": "object", "properties": {"length_m": {"type": "number"}, "swings": {"type": "integer"}},
       "required": ["length_m", "swings"], "additionalProperties": False})
def pendulum_timer(args: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The stopwatch reading, recorded in the episode memory."""
    identity, memory = context.get("identity") or {}, context.get("memory") or {}
    if not isinstance(identity.get("g"), float) or not isinstance(identity.get("runs"), int):
        raise ToolError("this episode has no pendulum")
    length, swings = args.get("length_m"), args.get("swings")
    if (not isinstance(length, int | float) or isinstance(length, bool) or not math.isfinite(length)
            or not MIN_LENGTH_M <= length <= MAX_LENGTH_M):
        raise ToolError(f"length_m must be a number from {MIN_LENGTH_M} to {MAX_LENGTH_M}")
    if not isinstance(swings, int) or isinstance(swings, bool) or not 1 <= swings <= MAX_SWINGS:
        raise ToolError(f"swings must be an integer from 1 to {MAX_SWINGS}")
    runs = list(memory.get("pendulum_runs", []))
    if len(runs) >= identity["runs"]:
        raise ToolError(f"all {identity['runs']} runs of this episode are used")
    seconds = stopwatch(identity, float(length), swings)
    runs.append([float(length), swings, seconds])
    return {"output": f"{swings} swings of a {length} m pendulum: stopwatch reads {seconds:.2f} s "
                      f"({identity['runs'] - len(runs)} runs left)",
            "memory": {**memory, "pendulum_runs": runs}}


class PendulumPlanet(Environment):
    id = "physics/pendulum_planet"
    description = "measure an unknown surface gravity with timed pendulum runs (stateful pendulum_timer tool)"
    tools: ClassVar[tuple[str, ...]] = ("pendulum_timer", "calculator")
    max_turns: ClassVar[int] = 6

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"g": round(rng.uniform(1.5, 25.0), 3), "offset_s": round(rng.uniform(0.1, 0.6), 2), "runs": 4}

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("You are on an unknown planet with a pendulum kit. The tool pendulum_timer swings a simple pendulum "
                f"(length {MIN_LENGTH_M}-{MAX_LENGTH_M} m, small amplitude) and times up to {MAX_SWINGS} full "
                "swings with a stopwatch (0.01 s resolution; your reaction adds the same unknown delay to every "
                f"reading). You may make at most {identity['runs']} runs (one per call). What is the planet's "
                "surface gravity g in m/s^2? Give the final answer as a number in \\boxed{} (within 1% relative).")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return check_number(answer, identity["g"], rel_tol=0.01)

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        runs = memory.get("pendulum_runs", [])
        if len(runs) < 2:
            return [("pendulum_timer", {"length_m": 2.0, "swings": [20, 120][len(runs)]})]
        if turn == 2:  # the period is the slope of time against swings
            (l1, n1, t1), (_, n2, t2) = runs[:2]
            return [("calculator", {"expression": f"4 * pi**2 * {l1} / (({t2} - {t1}) / ({n2} - {n1}))**2"})]
        return []

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        runs = memory.get("pendulum_runs", [])
        if len(runs) >= 2:
            (l1, n1, t1), (l2, n2, t2) = runs[:2]
            if l1 == l2 and n1 != n2 and t2 != t1:
                return f"{4 * math.pi**2 * l1 / ((t2 - t1) / (n2 - n1)) ** 2:.4g}"
        return f"{identity['g']:.4g}"


register_env(PendulumPlanet())
