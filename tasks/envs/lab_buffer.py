"""Prepare an acetate buffer of a target pH, volume and strength: the stateful ``lab_buffer`` tool.

Stocks: 1.00 M acetic acid (``acid``), 1.00 M sodium acetate (``acetate``) and ``water``. Actions
(one per call): ``add`` (a reagent and a volume in mL), ``measure_ph``, ``discard`` (empty the
beaker and start again). The beaker's pH is the Henderson-Hasselbalch value (pKa 4.76) when both
forms are present, the weak acid / weak base value when one is, 7 for water alone.

Score 1 needs the beaker (checked from the episode memory) within 0.05 pH of the target, its
volume within 1% and its total acetate concentration within 5% of the targets, and the reported
final pH within 0.006 of the beaker's (the meter reads to 0.01).

Memory: ``{"buffer": {"acid": mL, "acetate": mL, "water": mL, "actions": int}}``.
"""

from __future__ import annotations

import math
import random
from typing import Any, ClassVar

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.env.tools import ToolError, tool
from bootcamp.types import Score
from bootcamp.verifiers.numeric import check_number

PKA = 4.76
STOCK_M = 1.0
BEAKER_ML = 500.0
MAX_ACTIONS = 12
REAGENTS = ("acid", "acetate", "water")


def _state(memory: dict[str, Any]) -> dict[str, Any]:
    state = memory.get("buffer") or {}
    return {**{r: float(state.get(r, 0.0)) for r in REAGENTS}, "actions": int(state.get("actions", 0))}


def beaker(state: dict[str, Any]) -> tuple[float, float, float | None]:
    """(volume mL, total acetate mol/L, pH or None when empty) of the beaker."""
    volume = sum(state[r] for r in REAGENTS)
    if volume <= 0:
        return 0.0, 0.0, None
    acid, base = state["acid"] * STOCK_M / volume, state["acetate"] * STOCK_M / volume  # mol/L
    if acid > 0 and base > 0:
        ph = PKA + math.log10(base / acid)
    elif acid > 0:
        ph = 0.5 * (PKA - math.log10(acid))
    elif base > 0:
        ph = 14.0 - 0.5 * ((14.0 - PKA) - math.log10(base))
    else:
        ph = 7.0
    return volume, acid + base, ph


@tool("lab_buffer", "Act on this episode's beaker: action 'add' (reagent 'acid' | 'acetate' | 'water', volume_ml), "
      "'measure_ph' or 'discard'. One action per call.",
      {"type": "object", "properties": {"action": {"type": "string", "enum": ["add", "measure_ph", "discard"]},
                                        "reagent": {"type": "string", "enum": list(REAGENTS)},
                                        "volume_ml": {"type": "number"}},
       "required": ["action"], "additionalProperties": False})
def lab_buffer(args: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Do one action; the beaker's new contents go into the episode memory."""
    identity, memory = context.get("identity") or {}, context.get("memory") or {}
    if not isinstance(identity.get("target_ph"), float):
        raise ToolError("this episode has no buffer to prepare")
    state = _state(memory)
    if state["actions"] >= MAX_ACTIONS:
        raise ToolError(f"all {MAX_ACTIONS} actions of this episode are used")
    action = args.get("action")
    if action == "add":
        reagent, volume = args.get("reagent"), args.get("volume_ml")
        if reagent not in REAGENTS:
            raise ToolError(f"add needs reagent, one of: {', '.join(REAGENTS)}")
        if not isinstance(volume, int | float) or isinstance(volume, bool) or not math.isfinite(volume) or volume <= 0:
            raise ToolError("add needs a positive volume_ml")
        if beaker(state)[0] + volume > BEAKER_ML + 1e-9:
            raise ToolError(f"the beaker holds {BEAKER_ML:g} mL")
        state[reagent] = round(state[reagent] + float(volume), 6)
        text = f"added {volume} mL of {reagent}; the beaker holds {beaker(state)[0]:.2f} mL"
    elif action == "measure_ph":
        ph = beaker(state)[2]
        if ph is None:
            raise ToolError("the beaker is empty")
        text = f"pH meter reads {ph:.2f}"
    elif action == "discard":
        state.update({r: 0.0 for r in REAGENTS})
        text = "the beaker is empty"
    else:
        raise ToolError("action must be one of: add, measure_ph, discard")
    state["actions"] += 1
    return {"output": text, "memory": {**memory, "buffer": state}}


def recipe(identity: dict[str, Any]) -> dict[str, float]:
    """mL of each stock for the target buffer (Henderson-Hasselbalch)."""
    total = identity["target_m"] * identity["target_ml"] / STOCK_M  # mL of stock in all
    ratio = 10 ** (identity["target_ph"] - PKA)  # acetate / acid
    acetate = total * ratio / (1 + ratio)
    acid = total - acetate
    return {"acid": round(acid, 3), "acetate": round(acetate, 3),
            "water": round(identity["target_ml"] - round(acid, 3) - round(acetate, 3), 3)}


class BufferPrep(Environment):
    id = "chem/lab_buffer"
    description = "prepare an acetate buffer of a given pH, volume and strength (stateful lab_buffer tool)"
    tools: ClassVar[tuple[str, ...]] = ("lab_buffer", "calculator")
    max_turns: ClassVar[int] = 8
    max_tool_calls: ClassVar[int] = 16

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"target_ph": round(rng.uniform(4.0, 5.6), 2), "target_ml": float(rng.choice([50, 100, 200, 250])),
                "target_m": rng.choice([0.05, 0.1, 0.2])}

    def prompt(self, identity: dict[str, Any]) -> str:
        i = identity
        return (f"Prepare {i['target_ml']:g} mL of acetate buffer at pH {i['target_ph']:.2f} whose total acetate "
                f"concentration (acetic acid + acetate) is {i['target_m']} M. Stocks: {STOCK_M:.2f} M acetic acid "
                f"('acid'), {STOCK_M:.2f} M sodium acetate ('acetate') and 'water'; pKa = {PKA}. Use the tool "
                "lab_buffer (one action per call: add with reagent and volume_ml, measure_ph, discard; at most "
                f"{MAX_ACTIONS} actions). The beaker must end within 0.05 of the target pH, 1% of the volume and "
                "5% of the concentration. Then give the final pH you measured as a number in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        volume, conc, ph = beaker(_state(memory))
        if ph is None:
            return Score(0.0, "wrong", "the beaker is empty")
        score = check_number(answer, ph, abs_tol=0.006)  # the meter reads to 0.01
        if score < 1.0:
            return score
        if abs(ph - identity["target_ph"]) > 0.05:
            return Score(0.0, "wrong", f"the beaker is at pH {ph:.2f}")
        if abs(volume - identity["target_ml"]) > 0.01 * identity["target_ml"]:
            return Score(0.0, "wrong", f"the beaker holds {volume:.1f} mL")
        if abs(conc - identity["target_m"]) > 0.05 * identity["target_m"]:
            return Score(0.0, "wrong", f"the total acetate concentration is {conc:.4f} M")
        return 1.0

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        state, plan = _state(memory), recipe(identity)
        for reagent in REAGENTS:  # one stateful action per message
            if state[reagent] == 0.0 and plan[reagent] > 0:
                return [("lab_buffer", {"action": "add", "reagent": reagent, "volume_ml": plan[reagent]})]
        adds = sum(1 for r in REAGENTS if plan[r] > 0)
        return [("lab_buffer", {"action": "measure_ph"})] if state["actions"] == adds else []

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        ph = beaker(_state(memory))[2]
        return f"{ph if ph is not None else identity['target_ph']:.2f}"


register_env(BufferPrep())
