"""Titrate an HCl sample of unknown concentration with NaOH: the stateful ``lab_titration`` tool.

The flask holds ``sample_ml`` of HCl whose concentration is hidden; the burette holds 50 mL of NaOH
of known concentration. Actions (one per call): ``add_titrant`` (a volume in mL; titrant cannot be
taken back), ``measure_ph`` (a pH meter reading to 0.01) and ``read_burette``. The vessel's pH is
exact strong acid / strong base chemistry with water's autoionisation (25 °C, Kw = 1e-14).

Score 1 needs both: the reported concentration within 1%, and the flask brought to its endpoint
(its true pH between 4 and 10 at the end, checked from the episode memory). A pH reading of the
untitrated sample alone does not give 1%, and overshooting the endpoint cannot be undone.

Memory: ``{"titration": {"titrant_ml": float, "actions": int}}``.
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

BURETTE_ML = 50.0
MAX_ACTIONS = 15
ENDPOINT_PH = (4.0, 10.0)
KW = 1e-14


def flask_ph(identity: dict[str, Any], titrant_ml: float) -> float:
    """The true pH of the flask after ``titrant_ml`` of NaOH."""
    volume_l = (identity["sample_ml"] + titrant_ml) / 1000.0
    excess = (identity["acid_m"] * identity["sample_ml"] - identity["base_m"] * titrant_ml) / 1000.0 / volume_l
    h = (excess + math.sqrt(excess * excess + 4 * KW)) / 2  # charge balance: [H+] - Kw/[H+] = excess acid
    return -math.log10(h)


def _state(memory: dict[str, Any]) -> dict[str, Any]:
    state = memory.get("titration") or {}
    return {"titrant_ml": float(state.get("titrant_ml", 0.0)), "actions": int(state.get("actions", 0))}


@tool("lab_titration", "Act on this episode's titration: action 'add_titrant' (with volume_ml), 'measure_ph' or "
      "'read_burette'. One action per call.",
      {"type": "object", "properties": {"action": {"type": "string", "enum": ["add_titrant", "measure_ph",
                                                                             "read_burette"]},
                                        "volume_ml": {"type": "number"}},
       "required": ["action"], "additionalProperties": False})
def lab_titration(args: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Do one action; the new burette reading goes into the episode memory."""
    identity, memory = context.get("identity") or {}, context.get("memory") or {}
    if not all(isinstance(identity.get(k), float) for k in ("acid_m", "base_m", "sample_ml")):
        raise ToolError("this episode has no titration")
    state = _state(memory)
    if state["actions"] >= MAX_ACTIONS:
        raise ToolError(f"all {MAX_ACTIONS} actions of this episode are used")
    action = args.get("action")
    if action == "add_titrant":
        volume = args.get("volume_ml")
        if not isinstance(volume, int | float) or isinstance(volume, bool) or not math.isfinite(volume) or volume <= 0:
            raise ToolError("add_titrant needs a positive volume_ml")
        if state["titrant_ml"] + volume > BURETTE_ML + 1e-9:
            raise ToolError(f"the burette holds {BURETTE_ML:g} mL; {BURETTE_ML - state['titrant_ml']:.3f} mL are left")
        state["titrant_ml"] = round(state["titrant_ml"] + float(volume), 6)
        text = f"added {volume} mL of NaOH; {state['titrant_ml']:.3f} mL added in all"
    elif action == "measure_ph":
        if "volume_ml" in args:
            raise ToolError("measure_ph takes no volume_ml")
        text = f"pH meter reads {flask_ph(identity, state['titrant_ml']):.2f}"
    elif action == "read_burette":
        text = f"{state['titrant_ml']:.3f} mL of NaOH added; {BURETTE_ML - state['titrant_ml']:.3f} mL left"
    else:
        raise ToolError("action must be one of: add_titrant, measure_ph, read_burette")
    state["actions"] += 1
    return {"output": text, "memory": {**memory, "titration": state}}


class Titration(Environment):
    id = "chem/lab_titration"
    description = "titrate HCl of unknown concentration to its endpoint and report it (stateful lab_titration tool)"
    tools: ClassVar[tuple[str, ...]] = ("lab_titration", "calculator")
    max_turns: ClassVar[int] = 8
    max_tool_calls: ClassVar[int] = 16

    def generate(self, rng: random.Random) -> dict[str, Any]:
        sample = float(rng.choice([10, 20, 25]))
        base = rng.choice([0.1, 0.2])
        acid = round(rng.uniform(8.0, 40.0) * base / sample, 4)
        return {"sample_ml": sample, "base_m": base, "acid_m": acid}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"A flask holds {identity['sample_ml']:g} mL of hydrochloric acid of unknown concentration. A "
                f"burette holds {BURETTE_ML:g} mL of {identity['base_m']} M NaOH. With the tool lab_titration "
                "(one action per call: add_titrant with volume_ml, measure_ph, read_burette; at most "
                f"{MAX_ACTIONS} actions) titrate the acid to its equivalence point: the flask must end between "
                f"pH {ENDPOINT_PH[0]:g} and {ENDPOINT_PH[1]:g}, and titrant cannot be removed. What is the HCl "
                "concentration in mol/L? Give the final answer as a number in \\boxed{} (within 1% relative).")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        score = check_number(answer, identity["acid_m"], rel_tol=0.01)
        if score < 1.0:
            return score
        ph = flask_ph(identity, _state(memory)["titrant_ml"])
        if not ENDPOINT_PH[0] <= ph <= ENDPOINT_PH[1]:
            return Score(0.0, "wrong", f"the flask is at pH {ph:.2f}, not at its endpoint")
        return 1.0

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        state = _state(memory)
        if state["titrant_ml"] == 0.0:
            v_eq = identity["acid_m"] * identity["sample_ml"] / identity["base_m"]
            return [("lab_titration", {"action": "add_titrant", "volume_ml": round(v_eq, 3)})]
        if state["actions"] == 1:
            return [("lab_titration", {"action": "measure_ph"})]
        return []

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        # c_acid = c_base * V_endpoint / V_sample, from the titrant actually added
        titrant = _state(memory)["titrant_ml"] or identity["acid_m"] * identity["sample_ml"] / identity["base_m"]
        return f"{identity['base_m'] * titrant / identity['sample_ml']:.4g}"


register_env(Titration())
