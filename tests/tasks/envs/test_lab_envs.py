"""Lab environments: each stateful bench tool's chemistry and refusals, and checks that read the memory.

The contract tests (reference, hostile answers, determinism, JSON) are in test_math_envs.py.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from bootcamp.env.executor import InProcessExecutor
from bootcamp.env.registry import get_env
from bootcamp.env.toolcall import format_call
from bootcamp.env.tools import TOOLS, ToolError


def act(env_id: str, tool: str, actions: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    """Play ``actions`` (one call per message) and return the state."""
    env = get_env(env_id)
    state, _ = env.reset(seed)
    for args in actions:
        result = env.step(state, format_call(tool, args), InProcessExecutor())
        assert not result.done and result.tool_results[0].error is None, result.tool_results[0].error
        state = result.state
    return state


# -- titration -------------------------------------------------------------------------------------------
def test_titration_ph_curve() -> None:
    from tasks.envs.lab_titration import flask_ph

    identity = {"sample_ml": 20.0, "base_m": 0.1, "acid_m": 0.1}
    assert flask_ph(identity, 0.0) == pytest.approx(1.0)
    assert flask_ph(identity, 20.0) == pytest.approx(7.0)
    assert flask_ph(identity, 10.0) == pytest.approx(-math.log10(0.001 / 0.030), abs=1e-6)
    assert flask_ph(identity, 30.0) == pytest.approx(14 + math.log10(0.001 / 0.050), abs=1e-6)


def test_titration_tool_refuses_bad_actions() -> None:
    env = get_env("chem/lab_titration")
    state, _ = env.reset(0)
    fn, ctx = TOOLS.get("lab_titration").fn, {"identity": state["identity"], "memory": {}}
    for bad in ({"action": "add_titrant"}, {"action": "add_titrant", "volume_ml": -1.0},
                {"action": "add_titrant", "volume_ml": 51.0}, {"action": "add_titrant", "volume_ml": float("inf")},
                {"action": "boil"}, {"action": "measure_ph", "volume_ml": 1.0}):
        with pytest.raises(ToolError):
            fn(bad, ctx)
    with pytest.raises(ToolError):
        fn({"action": "measure_ph"}, {"identity": {}, "memory": {}})
    memory: dict = {}
    for _ in range(15):
        memory = fn({"action": "read_burette"}, {"identity": state["identity"], "memory": memory})["memory"]
    with pytest.raises(ToolError, match="actions"):
        fn({"action": "read_burette"}, {"identity": state["identity"], "memory": memory})


def test_titration_needs_the_endpoint_not_just_the_number() -> None:
    env = get_env("chem/lab_titration")
    state, _ = env.reset(0)
    identity = state["identity"]
    right = f"{identity['acid_m']}"
    assert env.check(right, identity, {}) < 1.0  # nothing titrated
    v_eq = identity["acid_m"] * identity["sample_ml"] / identity["base_m"]
    over = act("chem/lab_titration", "lab_titration", [{"action": "add_titrant", "volume_ml": round(v_eq + 1, 2)}])
    assert env.check(right, identity, over["memory"]) < 1.0  # overshot
    ok = act("chem/lab_titration", "lab_titration", [{"action": "add_titrant", "volume_ml": round(v_eq, 3)}])
    assert env.check(right, identity, ok["memory"]) == 1.0
    assert env.check(f"{identity['acid_m'] * 1.03:.4f}", identity, ok["memory"]) < 1.0


# -- buffer ----------------------------------------------------------------------------------------------
def test_buffer_tool_refuses_bad_actions_and_discards() -> None:
    env = get_env("chem/lab_buffer")
    state, _ = env.reset(0)
    fn, ctx = TOOLS.get("lab_buffer").fn, {"identity": state["identity"], "memory": {}}
    for bad in ({"action": "add", "reagent": "HCl", "volume_ml": 5.0}, {"action": "add", "reagent": "acid"},
                {"action": "add", "reagent": "acid", "volume_ml": 0}, {"action": "add", "reagent": "water",
                                                                        "volume_ml": 501.0},
                {"action": "measure_ph"}, {"action": "stir"}):
        with pytest.raises(ToolError):
            fn(bad, ctx)
    out = fn({"action": "add", "reagent": "acid", "volume_ml": 10.0}, ctx)
    out = fn({"action": "discard"}, {"identity": state["identity"], "memory": out["memory"]})
    assert out["memory"]["buffer"]["acid"] == 0.0 and out["memory"]["buffer"]["actions"] == 2


def test_buffer_check_reads_the_beaker() -> None:
    from tasks.envs.lab_buffer import PKA, beaker, recipe

    env = get_env("chem/lab_buffer")
    state, _ = env.reset(1)
    identity = state["identity"]
    plan = recipe(identity)
    adds = [{"action": "add", "reagent": r, "volume_ml": plan[r]} for r in ("acid", "acetate", "water")]
    done = act("chem/lab_buffer", "lab_buffer", adds, seed=1)
    volume, conc, ph = beaker(done["memory"]["buffer"])
    assert ph == pytest.approx(identity["target_ph"], abs=0.01) and volume == pytest.approx(identity["target_ml"])
    assert conc == pytest.approx(identity["target_m"], rel=1e-3)
    assert env.check(f"{ph:.2f}", identity, done["memory"]) == 1.0
    assert env.check(f"{ph + 0.05:.2f}", identity, done["memory"]) < 1.0  # not what the meter reads
    # the right pH at a tenth of the strength: the beaker is wrong, so is the score
    weak = act("chem/lab_buffer", "lab_buffer", [{**a, "volume_ml": a["volume_ml"] / 10} for a in adds[:2]]
               + [{"action": "add", "reagent": "water", "volume_ml": identity["target_ml"] * 0.99 - 0.0}], seed=1)
    _, weak_conc, weak_ph = beaker(weak["memory"]["buffer"])
    assert weak_ph == pytest.approx(ph, abs=0.01) and weak_conc < 0.2 * identity["target_m"]
    assert env.check(f"{weak_ph:.2f}", identity, weak["memory"]) < 1.0
    assert env.check(f"{PKA:.2f}", identity, {}) < 1.0  # an empty beaker


# -- dilution --------------------------------------------------------------------------------------------
def test_pipette_tool_refuses_bad_transfers() -> None:
    env = get_env("chem/lab_dilution")
    state, _ = env.reset(0)
    fn, ctx = TOOLS.get("lab_pipette").fn, {"identity": state["identity"], "memory": {}}
    for bad in ({"action": "transfer", "source": "stock", "dest": "Z", "volume_ul": 10.0},
                {"action": "transfer", "source": "acid", "dest": "A", "volume_ul": 10.0},
                {"action": "transfer", "source": "A", "dest": "A", "volume_ul": 10.0},
                {"action": "transfer", "source": "stock", "dest": "A", "volume_ul": 0.5},
                {"action": "transfer", "source": "stock", "dest": "A", "volume_ul": 1500.0},
                {"action": "transfer", "source": "B", "dest": "A", "volume_ul": 10.0},  # B is empty
                {"action": "measure", "tube": "A"}, {"action": "measure"}, {"action": "spin", "tube": "A"}):
        with pytest.raises(ToolError):
            fn(bad, ctx)
    memory = ctx["memory"]
    for _ in range(2):
        memory = fn({"action": "transfer", "source": "water", "dest": "C", "volume_ul": 1000.0},
                    {"identity": state["identity"], "memory": memory})["memory"]
    with pytest.raises(ToolError, match="holds"):
        fn({"action": "transfer", "source": "water", "dest": "C", "volume_ul": 1.0},
           {"identity": state["identity"], "memory": memory})


def test_dilution_mass_balance_and_one_step_is_not_enough() -> None:
    env = get_env("chem/lab_dilution")
    state, _ = env.reset(2)
    identity = state["identity"]
    stock_um = identity["stock_mm"] * 1000
    s = act("chem/lab_dilution", "lab_pipette", [
        {"action": "transfer", "source": "stock", "dest": "A", "volume_ul": 10.0},
        {"action": "transfer", "source": "water", "dest": "A", "volume_ul": 990.0},
        {"action": "transfer", "source": "A", "dest": "F", "volume_ul": 100.0}], seed=2)
    a, f = s["memory"]["dilution"]["tubes"]["A"], s["memory"]["dilution"]["tubes"]["F"]
    assert a[0] == pytest.approx(900.0) and a[1] / a[0] == pytest.approx(stock_um / 100)
    assert f[1] / f[0] == pytest.approx(stock_um / 100)
    # the smallest one-step dilution into the target volume is still too strong
    assert stock_um * 1.0 / identity["target_ul"] > 1.02 * identity["target_um"]
    assert env.check(f"{identity['target_um']:g}", identity, {}) < 1.0  # tube F empty
