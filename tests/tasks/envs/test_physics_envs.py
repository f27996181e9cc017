"""Physics and earth environments: the pendulum tool's limits and physics, the unit envs' numbers.

The contract tests of these environments (reference, hostile answers, determinism, JSON) are in
test_math_envs.py.
"""

from __future__ import annotations

import math

import pytest

from bootcamp.env.executor import InProcessExecutor
from bootcamp.env.registry import get_env
from bootcamp.env.toolcall import format_call
from bootcamp.env.tools import TOOLS, ToolError


def test_pendulum_timer_is_physical_and_rejects_bad_runs() -> None:
    env = get_env("physics/pendulum_planet")
    state, _ = env.reset(0)
    identity = state["identity"]
    fn = TOOLS.get("pendulum_timer").fn
    out = fn({"length_m": 1.0, "swings": 10}, {"identity": identity, "memory": {}})
    expected = 10 * 2 * math.pi * math.sqrt(1.0 / identity["g"]) + identity["offset_s"]
    assert f"{expected:.2f}" in out["output"] and out["memory"]["pendulum_runs"] == [[1.0, 10, round(expected, 2)]]
    for bad in ({"length_m": 0.0, "swings": 10}, {"length_m": 25.0, "swings": 10}, {"length_m": 1.0, "swings": 0},
                {"length_m": 1.0, "swings": 1000}, {"length_m": float("nan"), "swings": 5},
                {"length_m": 1.0, "swings": 2.5}, {"length_m": True, "swings": 5}):
        with pytest.raises(ToolError):
            fn(bad, {"identity": identity, "memory": {}})
    with pytest.raises(ToolError, match="no pendulum"):
        fn({"length_m": 1.0, "swings": 10}, {"identity": {}, "memory": {}})
    memory: dict = {}
    for _ in range(identity["runs"]):
        memory = fn({"length_m": 1.0, "swings": 10}, {"identity": identity, "memory": memory})["memory"]
    with pytest.raises(ToolError, match="runs"):
        fn({"length_m": 1.0, "swings": 10}, {"identity": identity, "memory": memory})


def test_one_pendulum_run_is_biased_by_the_reaction_delay() -> None:
    """g from a single short run misses the 1% window: the experiment needs two runs."""
    env = get_env("physics/pendulum_planet")
    misses = 0
    for seed in range(5):
        state, _ = env.reset(seed)
        step = env.step(state, format_call("pendulum_timer", {"length_m": 1.0, "swings": 5}), InProcessExecutor())
        (length, swings, seconds), = step.state["memory"]["pendulum_runs"]
        naive = 4 * math.pi**2 * length / (seconds / swings) ** 2
        misses += env.check(f"{naive:.4g}", state["identity"], step.state["memory"]) < 1.0
    assert misses >= 4


@pytest.mark.parametrize(("env_id", "field", "factor"), [
    ("physics/laser_photon_rate", "power_mw", 2.0),
    ("physics/ideal_gas_units", "mass_g", 2.0),
    ("earth/spreading_rate_units", "age_ma", 0.5),
])
def test_unit_envs_scale_with_their_inputs(env_id: str, field: str, factor: float) -> None:
    """The answer is linear in one input: doubling it doubles the expected value (catches unit slips)."""
    env = get_env(env_id)
    state, _ = env.reset(0)
    identity = dict(state["identity"])
    base = float(env.solve(identity, {}))
    identity[field] = identity[field] * factor
    assert float(env.solve(identity, {})) == pytest.approx(base * 2, rel=1e-3)


def test_known_values() -> None:
    laser = get_env("physics/laser_photon_rate")
    # 1 mW at 1 µm: 1e-3 * 1e-6 / (h c) = 5.034e15 photons/s
    assert float(laser.solve({"power_mw": 1.0, "wavelength_um": 1.0}, {})) == pytest.approx(5.0341e15, rel=1e-4)
    gas = get_env("physics/ideal_gas_units")
    # 1 mol of He at 0 °C in 22.414 L (0.79154 ft^3) is 1 atm = 14.696 psi
    one_atm = {"gas": "He", "molar_mass": 4.0026, "mass_g": 4.0026, "temp_c": 0.0, "volume_ft3": 0.791544}
    assert float(gas.solve(one_atm, {})) == pytest.approx(14.696, rel=1e-3)
    spread = get_env("earth/spreading_rate_units")
    # 100 mi in 1 Ma = 6336000 in / 1e6 yr = 6.336 in/yr
    assert float(spread.solve({"west_mi": 50.0, "east_mi": 50.0, "age_ma": 1.0}, {})) == pytest.approx(6.336)
    iso = get_env("earth/isochron_age")
    state, _ = iso.reset(0)
    assert float(iso.solve(state["identity"], {})) == pytest.approx(state["identity"]["age_ma"], rel=2e-3)


def test_answers_in_the_wrong_unit_score_zero() -> None:
    gas = get_env("physics/ideal_gas_units")
    state, _ = gas.reset(0)
    psi = float(gas.solve(state["identity"], {}))
    assert gas.check(f"{psi * 6894.757:.6g}", state["identity"], {}) < 1.0  # the pressure in Pa
    laser = get_env("physics/laser_photon_rate")
    state, _ = laser.reset(0)
    n = float(laser.solve(state["identity"], {}))
    assert laser.check(f"{n / 1000:.5e}", state["identity"], {}) < 1.0  # power read as W, not mW
