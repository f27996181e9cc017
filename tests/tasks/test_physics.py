"""Physics task library: registration, reference answers, wrong answers, known values."""

from __future__ import annotations

import importlib
import math
import pkgutil

import pytest

from bootcamp.registry import Registry
from tasks.common.formula import FORMULAS, ComputedQuantityTask
from tasks.physics.electricity import bridge_current, ladder_current, solve_linear, two_source_current


def _registry(domain: str) -> Registry:
    reg = Registry(load_plugins=False)
    pkg = importlib.import_module(f"tasks.{domain}")
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"tasks.{domain}.{info.name}").register(reg)
    return reg


REG = _registry("physics")
IDS = REG.ids()


def task(task_id: str) -> ComputedQuantityTask:
    return REG.get(task_id)


def test_enough_distinct_ids() -> None:
    assert len(IDS) >= 55
    assert all(i.startswith("physics/") for i in IDS)
    # Conversions share a template but not their unit pairs.
    assert len({(FORMULAS[i].question, tuple(v.choices for v in FORMULAS[i].variables)) for i in IDS}) == len(IDS)


@pytest.mark.parametrize("task_id", IDS)
def test_reference_and_perturbed(task_id: str) -> None:
    t = REG.get(task_id)
    for seed in range(3):
        p = t.problem(seed, with_answer=True)
        assert "\\boxed" in p.prompt
        assert t.verify(t.format_answer(p.answer), p.identity).correct
        for wrong in t.perturb(p.answer, p.identity):
            assert float(t.check(wrong, p.identity)) < 1.0, (wrong, p.answer)
        assert t.verify(t.format_answer("no idea"), p.identity).reason == "invalid_answer"


def test_projectile_range_known_value_and_units() -> None:
    t = task("physics/projectile_range")
    ident = {"v": 10.0, "th": 45.0}
    assert t.value(ident) == pytest.approx(100 / 9.81)
    assert t.check("10.19", ident) == 1.0
    assert t.check("1019 cm", ident) == 1.0
    assert t.check("0.01019 km", ident) == 1.0
    assert float(t.check("10.19 s", ident)) == 0.0  # wrong dimension
    assert float(t.check("11.5", ident)) == 0.0


def test_pendulum_and_orbit_values() -> None:
    assert task("physics/pendulum_period").value({"L": 1.0, "gg": 9.81}) == pytest.approx(2.006, abs=1e-3)
    # Low Earth orbit at 400 km: about 7.67 km/s and 92.6 minutes.
    assert task("physics/orbital_speed").value({"body": "Earth", "alt": 400}) == pytest.approx(7670, rel=2e-3)
    assert task("physics/orbital_period").value({"body": "Earth", "alt": 400}) == pytest.approx(92.6 / 60, rel=3e-3)
    assert task("physics/orbital_speed").check("7.67 km/s", {"body": "Earth", "alt": 400}) == 1.0


def test_kirchhoff_networks() -> None:
    balanced = {"E": 10, "R1": 100, "R2": 200, "R3": 300, "R4": 600, "R5": 50}
    assert bridge_current(balanced) == pytest.approx(0.0, abs=1e-9)
    # Symmetric two-source network: node voltage by hand = 4 V across 100 ohm -> 40 mA.
    v = {"E1": 6, "E2": 6, "R1": 100, "R2": 100, "R3": 100}
    assert two_source_current(v) == pytest.approx(40.0)
    # All 100 ohm ladder from 10 V, reduced by hand with series/parallel rules: 7.692 mA in the last rung.
    ladder = {"E": 10, **{f"R{i}": 100 for i in range(1, 7)}}
    assert ladder_current(ladder) == pytest.approx(100 / 13)
    assert solve_linear([[0.0, 2.0], [1.0, 1.0]], [4.0, 3.0]) == pytest.approx([1.0, 2.0])  # needs pivoting


def test_modern_physics_values() -> None:
    assert task("physics/hydrogen_spectral_line").value({"n1": 2, "n2": 3, "z": 0.0}) == pytest.approx(656.5, abs=0.5)
    assert task("physics/hydrogen_spectral_line").value({"n1": 2, "n2": 3, "z": 1.0}) == pytest.approx(1313, abs=1)
    # 500 nm photons (2.48 eV) leaving 0.5 eV electrons: work function 1.98 eV, threshold about 626 nm.
    assert task("physics/photoelectric_threshold").value({"lam": 500, "K": 0.5}) == pytest.approx(626.3, abs=0.5)
    assert task("physics/relativistic_kinetic_energy").value({"particle": "a proton", "beta": 0.6}) == pytest.approx(
        0.25 * 938.27)
    assert task("physics/photon_energy").value({"lam": 500}) == pytest.approx(2.48, abs=0.005)
    assert task("physics/time_dilation").value({"beta": 0.6, "t0": 8}) == pytest.approx(10.0)
    t = task("physics/photon_energy")
    assert t.check("3.97e-19 J", {"lam": 500}) == 1.0


def test_conversions_need_the_target_unit() -> None:
    t = task("physics/convert_speed")
    ident = {"x": 36.0, "pair": "km/h|m/s"}
    assert t.value(ident) == pytest.approx(10.0)
    assert t.check("10", ident) == 1.0
    assert float(t.check("36", ident)) == 0.0  # echoing the input is wrong


def test_signed_answers() -> None:
    t = task("physics/elastic_collision_velocity")
    ident = {"m1": 1.0, "m2": 3.0, "u": 4.0}
    assert t.value(ident) == pytest.approx(-2.0)
    assert t.check("-2", ident) == 1.0
    assert float(t.check("2", ident)) == 0.0


def test_thermo_values() -> None:
    assert task("physics/carnot_efficiency").value({"th": 326.85, "tc": 26.85}) == pytest.approx(50.0)
    assert task("physics/ideal_gas_moles").value({"P": 101.325, "T": 273.15, "V": 22.414}) == pytest.approx(1.0, rel=1e-3)
    assert math.isclose(task("physics/adiabatic_temperature").value({"T1": 300, "r": 2}), 300 * 2 ** 0.4)
    # Only kelvin is accepted for the adiabatic temperature.
    assert float(task("physics/adiabatic_temperature").check("0.3959 kK", {"T1": 300, "r": 2})) == 0.0


LEVEL_IDS = ["physics/final_velocity", "physics/rc_charging_voltage", "physics/half_life_remaining",
             "physics/ideal_gas_pressure", "physics/string_harmonic", "physics/brewster_angle"]


@pytest.mark.parametrize("task_id", LEVEL_IDS)
def test_levels_rise(task_id: str) -> None:
    t = REG.get(task_id)
    assert t.n_levels == 5 and t.default_level == 1
    means = []
    for level in range(1, t.n_levels + 1):
        idents = [t.problem(s, level=level).identity for s in range(30)]
        means.append(sum(t.complexity(i) for i in idents) / len(idents))
        for ident in idents[:5]:
            assert t.verify(t.format_answer(t.solve(ident)), ident).correct
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means
    assert t.problem(3) == t.problem(3, level=1)  # level 1 is today's problem


def test_converted_inputs_and_prompt() -> None:
    t = task("physics/final_velocity")
    plain = {"u": 10.0, "a": 2.0, "t": 5.0}
    converted = {"u": 36.0, "a": 200.0, "t": 5000.0, "units": {"u": "km/h", "a": "cm/s^2", "t": "ms"}, "level": 4}
    assert t.value(converted) == pytest.approx(t.value(plain)) == pytest.approx(20.0)
    prompt = t.at_level(4).prompt(converted)
    assert "36 km/h" in prompt and "200 cm/s^2" in prompt and "5000 ms" in prompt and "0.1%" in prompt
    assert t.verify(t.format_answer("20"), converted).correct
    assert float(t.check("36", converted)) == 0.0  # echoing a converted input is wrong


def test_higher_levels_demand_more_precision() -> None:
    t = task("physics/final_velocity")
    ident = {"u": 10.0, "a": 2.0, "t": 5.0}
    assert t.verify(t.format_answer("20.1"), {**ident, "level": 1}).correct  # within 1%
    assert not t.verify(t.format_answer("20.1"), {**ident, "level": 5}).correct  # outside 0.05%
    assert t.verify(t.format_answer("20.005"), {**ident, "level": 5}).correct


def test_level_inputs_are_given_to_more_figures() -> None:
    t = task("physics/pendulum_period")
    digits = [len(str(t.problem(s, level=5).identity["gg"]).replace(".", "").lstrip("0")) for s in range(30)]
    assert max(digits) == 5  # three figures at level 1, five at level 5


def test_hostile_identity_units_cost_one_verdict() -> None:
    t = task("physics/final_velocity")
    for units in ({"u": "parsec"}, {"nope": "km/h"}, "km/h", {"u": None}):
        verdict = t.verify(t.format_answer("20"), {"u": 10.0, "a": 2.0, "t": 5.0, "units": units, "level": 2})
        assert not verdict.correct
