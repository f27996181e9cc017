"""Unit-aware quantity parsing and checking (bootcamp.verifiers.units)."""

from __future__ import annotations

import math
import time

import pytest

from bootcamp.hostile import hostile_answers
from bootcamp.verifiers.units import check_quantity, convert, parse_quantity, parse_unit


@pytest.mark.parametrize(
    ("text", "value", "scale"),
    [
        ("9.8 m/s^2", 9.8, 1.0),
        ("980 cm/s**2", 980.0, 0.01),
        ("3 kJ", 3.0, 1000.0),
        ("1.2e3 J", 1200.0, 1.0),
        ("1.2 \\times 10^{3} \\mathrm{J}", 1200.0, 1.0),
        ("5 m s^-1", 5.0, 1.0),
        ("5 m\\,s^{-1}", 5.0, 1.0),
        ("2 kΩ", 2.0, 1000.0),
        ("7 µC", 7.0, 1e-6),
        ("4.5 MeV", 4.5, 1.602176634e-13),
        ("3 kWh", 3.0, 3.6e6),
        ("20 mL", 20.0, 1e-6),
        ("9.8 m/s²", 9.8, 1.0),
        ("1,500 m", 1500.0, 1.0),
        ("10\\,000 m", 10000.0, 1.0),
        ("3~\\text{kJ}", 3.0, 1000.0),
    ],
)
def test_parse_quantity(text: str, value: float, scale: float) -> None:
    parsed = parse_quantity(text)
    assert parsed is not None
    number, unit = parsed
    assert number == pytest.approx(value)
    assert unit is not None and unit[0] == pytest.approx(scale, rel=1e-9)


def test_bare_number_has_no_unit() -> None:
    assert parse_quantity("42") == (42.0, None)
    assert parse_quantity("-3.5e-2") == (-0.035, None)


def test_dimensions_of_compound_units() -> None:
    assert parse_unit("J/(kg K)")[1] == parse_unit("m^2 s^-2 K^-1")[1]
    assert parse_unit("N*m")[1] == parse_unit("J")[1]
    assert parse_unit("mph")[1] == parse_unit("km/h")[1]
    assert parse_unit("W")[1] != parse_unit("J")[1]


def test_convert_known_values() -> None:
    assert convert(1, "atm", "kPa") == pytest.approx(101.325)
    assert convert(36, "km/h", "m/s") == pytest.approx(10.0)
    assert convert(1, "mi", "km") == pytest.approx(1.609344)
    assert convert(1, "kWh", "MJ") == pytest.approx(3.6)
    with pytest.raises(ValueError):
        convert(1, "kg", "m")


def test_check_quantity_converts_and_rejects_wrong_dimension() -> None:
    assert check_quantity("980 cm/s^2", 9.8, "m/s^2") == 1.0
    assert check_quantity("9.8", 9.8, "m/s^2") == 1.0
    assert check_quantity("3 kJ", 3000, "J") == 1.0
    wrong_dim = check_quantity("9.8 kg", 9.8, "m/s^2")
    assert float(wrong_dim) == 0.0 and wrong_dim.reason == "wrong"
    assert float(check_quantity("9.0 m/s^2", 9.8, "m/s^2")) == 0.0
    assert float(check_quantity("3 kW", 3000, "J")) == 0.0


def test_strict_unit_mode() -> None:
    assert float(check_quantity("3 kJ", 3000, "J", convert_units=False)) == 0.0
    assert check_quantity("3000 J", 3000, "J", convert_units=False) == 1.0


def test_unparseable_answers_are_invalid() -> None:
    for text in ("garbage", "9**9**9", "3 furlongs", "(" * 50 + "m" + ")" * 50, "3 m^999"):
        result = check_quantity(text, 3.0, "m")
        assert float(result) == 0.0 and result.reason == "invalid_answer", text


def test_hostile_answers_fast_and_never_correct() -> None:
    for text in hostile_answers():
        start = time.perf_counter()
        score = float(check_quantity(text, 1.0, "m"))
        assert time.perf_counter() - start < 0.05
        assert score < 1.0 or text.strip() in ("1",)
        assert not math.isnan(score)
