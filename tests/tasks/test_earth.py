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
    assert value("earth/radiocarbon_age", {"a": 7.0, "a0": 14.0}) == pytest.approx(5730.0)
    # 10^22 N m is Mw 8.6, so log10 E = 1.5 * 8.6 + 4.8 = 17.7.
    assert value("earth/earthquake_energy", {"mant": 1.0, "exp": 22}) == pytest.approx(10 ** 17.7)
    assert value("earth/sea_level_from_ice", {"V": 361.0, "rho": 1000}) == pytest.approx(1.0)
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


def _mean_complexity(task_id: str, level: int, seeds: int = 30) -> float:
    t = REG.get(task_id)
    return sum(t.complexity(t.problem(s, level=level).identity) for s in range(seeds)) / seeds


@pytest.mark.parametrize("task_id", ["earth/wind_chill", "earth/stokes_settling", "earth/coriolis_parameter"])
def test_levels_rise(task_id: str) -> None:
    t = REG.get(task_id)
    means = [_mean_complexity(task_id, level) for level in range(1, t.n_levels + 1)]
    assert t.n_levels == 5 and t.default_level == 1
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means
    assert t.problem(7) == t.problem(7, level=1)  # level 1 is today's problem


def test_temperature_inputs_converted_on_their_scale() -> None:
    t = REG.get("earth/wind_chill")
    plain = {"T": -10.0, "V": 20.0}
    assert t.value({"T": 263.15, "V": 20.0, "units": {"T": "K"}}) == pytest.approx(t.value(plain))
    assert t.value({"T": 14.0, "V": 20.0, "units": {"T": "°F"}}) == pytest.approx(t.value(plain))
    assert t.value({"T": -10.0, "V": 20 / 3.6, "units": {"V": "m/s"}}) == pytest.approx(t.value(plain))
    prompt = t.prompt({"T": 263.15, "V": 20.0, "units": {"T": "K"}, "level": 2})
    assert "T = 263.15 K" in prompt and "V = 20 km/h" in prompt


def test_temperature_differences_keep_their_unit() -> None:
    # A lapse rate in °C per km (a difference) must never be restated in K or °F.
    t = REG.get("earth/lapse_rate_temperature")
    for seed in range(40):
        ident = t.problem(seed, level=5).identity
        assert "gamma" not in ident["units"]
        assert t.verify(t.format_answer(t.solve(ident)), ident).correct
