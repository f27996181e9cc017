"""Unit-heavy physics with ``unit_convert`` and ``calculator``: mixed SI / imperial / prefixed units.

* ``physics/laser_photon_rate``: photons per second from a laser's power (mW) and wavelength (µm).
* ``physics/ideal_gas_units``: the pressure in psi of a gas given by mass, °C and ft^3.
* ``physics/photon_energy_with_calculator``: the single-turn task with the calculator.

Answers are numbers within 1% (``bootcamp.verifiers.numeric``). The reference policy converts with
``unit_convert``, computes with ``calculator``, then answers with the value it computes itself.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from bootcamp.env.environment import Environment
from bootcamp.env.registry import register_env
from bootcamp.verifiers.numeric import check_number
from tasks.envs.math_with_calculator import WithCalculator

H = 6.62607015e-34  # J s
C = 2.99792458e8  # m/s
R = 8.314462618  # J/(mol K)
FT3_M3 = 0.028316846592
PSI_PA = 6894.757293168
REL_TOL = 0.01


class LaserPhotonRate(Environment):
    id = "physics/laser_photon_rate"
    description = "photons per second of a laser from mW and µm (unit_convert + calculator)"
    tools: ClassVar[tuple[str, ...]] = ("unit_convert", "calculator")
    max_turns: ClassVar[int] = 5

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"power_mw": round(rng.uniform(0.5, 500.0), 1), "wavelength_um": round(rng.uniform(0.25, 12.0), 3)}

    def expected(self, identity: dict[str, Any]) -> float:
        return identity["power_mw"] * 1e-3 * identity["wavelength_um"] * 1e-6 / (H * C)

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"A laser emits {identity['power_mw']} mW of light at a wavelength of {identity['wavelength_um']} µm. "
                f"How many photons does it emit per second? Use h = 6.62607015e-34 J s and c = 2.99792458e8 m/s. "
                "Give the final answer as a number (e.g. 1.23e16) in \\boxed{} (within 1% relative).")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return check_number(answer, self.expected(identity), rel_tol=REL_TOL)

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{self.expected(identity):.5e}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        p, lam = identity["power_mw"], identity["wavelength_um"]
        if turn == 0:
            return [("unit_convert", {"value": p, "from_unit": "mW", "to_unit": "W"}),
                    ("unit_convert", {"value": lam, "from_unit": "um", "to_unit": "m"})]
        if turn == 1:  # N = P lambda / (h c), with lambda in µm: P * lambda_um / (6.626 * 2.998) * 10^20
            return [("calculator", {"expression": f"{p / 1000!r} * {lam!r} / (6.62607015 * 2.99792458) * 10**20"})]
        return []


GASES = {"N2": 28.014, "O2": 31.998, "CO2": 44.009, "Ar": 39.948, "He": 4.0026, "CH4": 16.043}


class IdealGasUnits(Environment):
    id = "physics/ideal_gas_units"
    description = "ideal-gas pressure in psi from grams, °C and ft^3 (unit_convert + calculator)"
    tools: ClassVar[tuple[str, ...]] = ("unit_convert", "calculator")
    max_turns: ClassVar[int] = 6

    def generate(self, rng: random.Random) -> dict[str, Any]:
        gas = rng.choice(sorted(GASES))
        return {"gas": gas, "molar_mass": GASES[gas], "mass_g": round(rng.uniform(5.0, 800.0), 1),
                "temp_c": round(rng.uniform(-30.0, 300.0), 1), "volume_ft3": round(rng.uniform(0.5, 25.0), 2)}

    def pressure_pa(self, identity: dict[str, Any]) -> float:
        n = identity["mass_g"] / identity["molar_mass"]
        return n * R * (identity["temp_c"] + 273.15) / (identity["volume_ft3"] * FT3_M3)

    def prompt(self, identity: dict[str, Any]) -> str:
        i = identity
        return (f"A rigid tank of {i['volume_ft3']} ft^3 holds {i['mass_g']} g of {i['gas']} (molar mass "
                f"{i['molar_mass']} g/mol) at {i['temp_c']} °C. Treating it as an ideal gas (R = 8.314462618 "
                "J/(mol K)), what is its pressure in psi? Give the final answer in psi as a number in \\boxed{} "
                "(within 1% relative).")

    def check(self, answer: str, identity: dict[str, Any], memory: dict[str, Any]) -> float:
        return check_number(answer, self.pressure_pa(identity) / PSI_PA, rel_tol=REL_TOL)

    def solve(self, identity: dict[str, Any], memory: dict[str, Any]) -> str:
        return f"{self.pressure_pa(identity) / PSI_PA:.5g}"

    def reference_calls(self, identity: dict[str, Any], memory: dict[str, Any], turn: int) -> list[tuple[str, dict]]:
        i = identity
        if turn == 0:
            return [("unit_convert", {"value": i["volume_ft3"], "from_unit": "ft^3", "to_unit": "m^3"})]
        if turn == 1:
            v_m3 = i["volume_ft3"] * FT3_M3
            return [("calculator", {"expression": f"{i['mass_g']} / {i['molar_mass']} * 8.314462618 * "
                                                  f"({i['temp_c']} + 273.15) / {v_m3!r}"})]
        if turn == 2:
            return [("unit_convert", {"value": round(self.pressure_pa(i), 3), "from_unit": "Pa", "to_unit": "psi"})]
        return []


register_env(LaserPhotonRate())
register_env(IdealGasUnits())
register_env(WithCalculator("physics/photon_energy", "photon energy from a wavelength, with the calculator"))
