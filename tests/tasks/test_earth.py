"""Earth-science task library: registration, reference answers, known values."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from bootcamp.registry import Registry


def _registry(domain: str) -> Registry:
    reg = Registry(load_plugins=False)
    pkg = importlib.import_module(f"tasks.{domain}")
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"tasks.{domain}.{info.name}").register(reg)
    return reg


REG = _registry("earth")
IDS = REG.ids()


def value(task_id: str, identity: dict) -> float:
    return REG.get(task_id).value(identity)


def test_enough_ids() -> None:
    assert len(IDS) >= 22
    assert all(i.startswith("earth/") for i in IDS)


@pytest.mark.parametrize("task_id", IDS)
def test_reference_perturbed_invalid(task_id: str) -> None:
    t = REG.get(task_id)
    for seed in range(3):
        p = t.problem(seed, with_answer=True)
        assert t.verify(t.format_answer(p.answer), p.identity).correct
        for wrong in t.perturb(p.answer, p.identity):
            assert float(t.check(wrong, p.identity)) < 1.0
        assert t.verify(t.format_answer("banana"), p.identity).reason == "invalid_answer"


def test_known_values() -> None:
    assert value("earth/coriolis_parameter", {"lat": 45}) == pytest.approx(1.0312, abs=1e-4)
    assert value("earth/great_circle_distance", {"lat1": 0, "lon1": 0, "lat2": 0, "lon2": 90}) == pytest.approx(
        6371 * 3.14159265 / 2, rel=1e-6)
    assert value("earth/co2_radiative_forcing", {"c0": 280, "c": 560}) == pytest.approx(3.708, abs=1e-3)
    assert value("earth/radiative_equilibrium_temperature", {"d": 1.0, "A": 0.3}) == pytest.approx(254.6, abs=0.2)
    assert value("earth/dew_point", {"T": 20.0, "RH": 50.0}) == pytest.approx(9.26, abs=0.05)
    assert value("earth/relative_humidity", {"T": 20.0, "Td": 20.0}) == pytest.approx(100.0)
    assert value("earth/wind_chill", {"T": -10.0, "V": 20.0}) == pytest.approx(-17.9, abs=0.05)
    assert value("earth/heat_index", {"T": 90.0, "RH": 60.0}) == pytest.approx(100.0, abs=0.5)  # NWS table: 100 °F
    assert value("earth/radiocarbon_age", {"f": 50.0}) == pytest.approx(5730.0)
    assert value("earth/earthquake_energy_ratio", {"M1": 7.0, "M2": 5.0}) == pytest.approx(1000.0)
    assert value("earth/map_scale_distance", {"N": 50000, "d": 4.0}) == pytest.approx(2.0)
    assert value("earth/seawater_density", {"T": 10.0, "S": 35.0}) == pytest.approx(1027.0)


def test_day_length_and_declination() -> None:
    # Equinox-like declination near zero gives 12 h; polar summer is long.
    assert value("earth/solar_declination", {"n": 172}) == pytest.approx(23.45, abs=0.05)
    assert value("earth/day_length", {"lat": 0.0, "n": 100}) == pytest.approx(12.0, abs=1e-9)
    assert value("earth/day_length", {"lat": 60.0, "n": 172}) > 18


def test_barometric_round_trip() -> None:
    p = value("earth/barometric_pressure", {"T": 288.0, "p0": 1013.0, "z": 5000.0})
    assert value("earth/altitude_from_pressure", {"T": 288.0, "p0": 1013.0, "p": p}) == pytest.approx(5000.0)


def test_units_checked_for_dimensioned_answers() -> None:
    t = REG.get("earth/epicentre_distance")
    ident = {"dt": 100.0, "vp": 8.0, "vs": 4.0}
    assert t.value(ident) == pytest.approx(800.0)
    assert t.check("800 km", ident) == 1.0
    assert t.check("800000 m", ident) == 1.0
    assert float(t.check("800 s", ident)) == 0.0
    assert float(t.check("700", ident)) == 0.0
