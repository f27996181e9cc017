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
    assert task("physics/pendulum_period").value({"L": 1.0}) == pytest.approx(2.006, abs=1e-3)
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
    assert task("physics/hydrogen_spectral_line").value({"n1": 2, "n2": 3}) == pytest.approx(656.5, abs=0.5)
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
