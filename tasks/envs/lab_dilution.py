"""A serial dilution under pipette and tube limits: the stateful ``lab_pipette`` tool.

A dye stock (mM) must become ``target_ul`` µL of a µM solution in tube F. The pipette moves 1 to
1000 µL per transfer and a tube holds 2000 µL, so a dilution factor of 2000-36000 takes an
intermediate tube. Actions (one per call): ``transfer`` (source: stock, water or a tube; dest: a
tube; volume_ul), ``measure`` (a tube's dye concentration in µM, 3 significant figures) and
``discard`` (empty a tube). Mixing is instant and volumes add.

Score 1 needs tube F (checked from the episode memory) within 2% of the target concentration and
5% of the target volume, and the reported concentration within 1% of tube F's.

Memory: ``{"dilution": {"tubes": {name: [volume µL, dye pmol]}, "actions": int}}``.
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

TUBES = ("A", "B", "C", "F")
TUBE_UL = 2000.0
PIPETTE_UL = (1.0, 1000.0)
MAX_ACTIONS = 14


def _state(memory: dict[str, Any]) -> dict[str, Any]:
    state = memory.get("dilution") or {}
    tubes = state.get("tubes") or {}
    return {"tubes": {t: [float(v) for v in tubes.get(t, [0.0, 0.0])] for t in TUBES},
            "actions": int(state.get("actions", 0))}


def concentration(tube: list[float]) -> float:
    """µM of dye in a tube ([volume µL, dye pmol]); 0 when empty."""
    return tube[1] / tube[0] if tube[0] > 0 else 0.0


def _sig3(x: float) -> str:
    return f"{x:.3g}"


@tool("lab_pipette", "Act on this episode's dilution bench: action 'transfer' (source 'stock' | 'water' | a tube, "
      "dest a tube, volume_ul), 'measure' (tube) or 'discard' (tube). Tubes: A, B, C, F. One action per call.",
      {"type": "object", "properties": {"action": {"type": "string", "enum": ["transfer", "measure", "discard"]},
                                        "source": {"type": "string"}, "dest": {"type": "string"},
                                        "tube": {"type": "string"}, "volume_ul": {"type": "number"}},
       "required": ["action"], "additionalProperties": False})
def lab_pipette(args: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Do one action; the tubes' new contents go into the episode memory."""
    identity, memory = context.get("identity") or {}, context.get("memory") or {}
    if not isinstance(identity.get("stock_mm"), float):
        raise ToolError("this episode has no dilution bench")
    state = _state(memory)
    if state["actions"] >= MAX_ACTIONS:
        raise ToolError(f"all {MAX_ACTIONS} actions of this episode are used")
    tubes = state["tubes"]
    action = args.get("action")
    if action == "transfer":
        source, dest, volume = args.get("source"), args.get("dest"), args.get("volume_ul")
        if dest not in TUBES:
            raise ToolError(f"dest must be a tube: {', '.join(TUBES)}")
        if source not in ("stock", "water", *TUBES) or source == dest:
            raise ToolError("source must be 'stock', 'water' or another tube")
        if (not isinstance(volume, int | float) or isinstance(volume, bool) or not math.isfinite(volume)
                or not PIPETTE_UL[0] <= volume <= PIPETTE_UL[1]):
            raise ToolError(f"volume_ul must be from {PIPETTE_UL[0]:g} to {PIPETTE_UL[1]:g} (the pipette's range)")
        volume = float(volume)
        if tubes[dest][0] + volume > TUBE_UL + 1e-9:
            raise ToolError(f"tube {dest} holds {TUBE_UL:g} µL; it has {tubes[dest][0]:.1f} µL")
        if source in TUBES:
            src = tubes[source]
            if src[0] < volume - 1e-9:
                raise ToolError(f"tube {source} has only {src[0]:.1f} µL")
            dye = concentration(src) * volume
            tubes[source] = [max(0.0, src[0] - volume), max(0.0, src[1] - dye)]
        else:
            dye = identity["stock_mm"] * 1000.0 * volume if source == "stock" else 0.0
        tubes[dest] = [tubes[dest][0] + volume, tubes[dest][1] + dye]
        text = f"moved {volume:g} µL of {source} into tube {dest}; tube {dest} holds {tubes[dest][0]:.1f} µL"
    elif action in ("measure", "discard"):
        name = args.get("tube")
        if name not in TUBES:
            raise ToolError(f"{action} needs tube, one of: {', '.join(TUBES)}")
        if action == "measure":
            if tubes[name][0] <= 0:
                raise ToolError(f"tube {name} is empty")
            text = f"tube {name}: {tubes[name][0]:.1f} µL at {_sig3(concentration(tubes[name]))} µM"
        else:
            tubes[name] = [0.0, 0.0]
            text = f"tube {name} is empty"
    else:
        raise ToolError("action must be one of: transfer, measure, discard")
    state["actions"] += 1
    return {"output": text, "memory": {**memory, "dilution": state}}


def plan(identity: dict[str, Any]) -> list[dict[str, Any]]:
    """The reference's transfers: stock -> A (1000 µL), 20 µL of A -> F, water to the target volume."""
    stock_um, target_um, target_ul = identity["stock_mm"] * 1000.0, identity["target_um"], identity["target_ul"]
    a_um = target_um * target_ul / 20.0
    s1 = round(1000.0 * a_um / stock_um, 4)
    steps = [("stock", "A", s1), ("water", "A", round(1000.0 - s1, 4)), ("A", "F", 20.0)]
    water = target_ul - 20.0
    while water > 0:
        steps.append(("water", "F", min(water, PIPETTE_UL[1])))
        water -= min(water, PIPETTE_UL[1])
    return [{"action": "transfer", "source": s, "dest": d, "volume_ul": v} for s, d, v in steps]


class SerialDilution(Environment):
    id = "chem/lab_dilution"
    description = "a two-step serial dilution under pipette and tube limits (stateful lab_pipette tool)"
    tools: ClassVar[tuple[str, ...]] = ("lab_pipette", "calculator")
    max_turns: ClassVar[int] = 10
    max_tool_calls: ClassVar[int] = 20

    def generate(self, rng: random.Random) -> dict[str, Any]:
        stock = float(rng.choice([5, 10, 20, 50]))
        factor = math.exp(rng.uniform(math.log(2000), math.log(36000)))
        return {"stock_mm": stock, "target_um": float(f"{stock * 1000 / factor:.3g}"),
                "target_ul": float(rng.randrange(800, 1501, 100))}

    def prompt(self, identity: dict[str, Any]) -> str:
        i = identity
        return (f"Starting from a {i['stock_mm']:g} mM dye stock and water, prepare {i['target_ul']:g} µL of "
                f"{i['target_um']:g} µM dye in tube F. Use the tool lab_pipette (one action per call: transfer "
                f"with source, dest and volume_ul; measure with tube; discard with tube; at most {MAX_ACTIONS} "
                f"actions). The pipette moves {PIPETTE_UL[0]:g}-{PIPETTE_UL[1]:g} µL per transfer; tubes A, B, C, F "
                f"hold {TUBE_UL:g} µL each. Tube F must end within 2% of the target concentration and 5% of the "
                "volume. Then give tube F's measured concentration in µM as a number in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        tube = _state(memory)["tubes"]["F"]
        if tube[0] <= 0:
            return Score(0.0, "wrong", "tube F is empty")
        conc = concentration(tube)
        score = check_number(answer, conc, rel_tol=0.01)
        if score < 1.0:
            return score
        if abs(conc - identity["target_um"]) > 0.02 * identity["target_um"]:
            return Score(0.0, "wrong", f"tube F is at {conc:.4g} µM")
        if abs(tube[0] - identity["target_ul"]) > 0.05 * identity["target_ul"]:
            return Score(0.0, "wrong", f"tube F holds {tube[0]:.1f} µL")
        return 1.0

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        steps = [*plan(identity), {"action": "measure", "tube": "F"}]
        done = _state(memory)["actions"]
        return [("lab_pipette", steps[done])] if done < len(steps) else []

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        tube = _state(memory)["tubes"]["F"]
        return _sig3(concentration(tube)) if tube[0] > 0 else f"{identity['target_um']:g}"


register_env(SerialDilution())
