"""Atmosphere, climate, ocean and the Earth's geometry."""

from __future__ import annotations

import math

from tasks.common.formula import SIGMA_SB, Formula, Var, add_formulas

_OMEGA = 7.292e-5
_MAGNUS = "Use the Magnus formula e_s(T) = 6.112 exp(17.625 T / (243.04 + T)) hPa with T in °C."
_SCALE = "isothermal at {T} K, with molar mass of air 0.02896 kg/mol, R = 8.314 J/(mol K) and g = 9.81 m/s^2"


def _scale_height(t: float) -> float:
    return 8.314 * t / (0.02896 * 9.81)


def _gamma(t: float, rh: float) -> float:
    return math.log(rh / 100) + 17.625 * t / (243.04 + t)


def _declination(n: float) -> float:
    """Cooper's formula, degrees."""
    return 23.45 * math.sin(math.radians(360 / 365 * (284 + n)))


def _day_length(v: dict) -> float:
    x = -math.tan(math.radians(v["lat"])) * math.tan(math.radians(_declination(v["n"])))
    return 2 * math.degrees(math.acos(x)) / 15


def _daily_insolation(v: dict) -> float:
    phi, delta = math.radians(v["lat"]), math.radians(_declination(v["n"]))
    h0 = math.acos(max(-1.0, min(1.0, -math.tan(phi) * math.tan(delta))))
    return 1361 / math.pi * (h0 * math.sin(phi) * math.sin(delta) + math.cos(phi) * math.cos(delta) * math.sin(h0))


def _haversine(v: dict) -> float:
    p1, p2 = math.radians(v["lat1"]), math.radians(v["lat2"])
    dp, dl = p2 - p1, math.radians(v["lon2"] - v["lon1"])
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def _heat_index(v: dict) -> float:
    t, r = v["T"], v["RH"]
    return (-42.379 + 2.04901523 * t + 10.14333127 * r - 0.22475541 * t * r - 6.83783e-3 * t * t
            - 5.481717e-2 * r * r + 1.22874e-3 * t * t * r + 8.5282e-4 * t * r * r - 1.99e-6 * t * t * r * r)


_DAY = "Use Cooper's formula δ = 23.45° × sin(360° × (284 + n) / 365) for the solar declination on day n."

TABLE = {
    "barometric_pressure": Formula(
        "Treating the atmosphere as " + _SCALE + ", and taking sea-level pressure as {p0} hPa, what is the pressure "
        "at an altitude of {z} m, in hPa?",
        (Var("T", 220, 300), Var("p0", 980, 1040), Var("z", 100, 20000)),
        lambda v: v["p0"] * math.exp(-v["z"] / _scale_height(v["T"])), "", rel_tol=0.005,
        description="Barometric formula, pressure at altitude."),
    "altitude_from_pressure": Formula(
        "Treating the atmosphere as " + _SCALE + ", at what altitude, in m, does the pressure fall to {p} hPa if "
        "sea-level pressure is {p0} hPa?",
        (Var("T", 220, 300), Var("p0", 980, 1040), Var("p", 50, 950)),
        lambda v: _scale_height(v["T"]) * math.log(v["p0"] / v["p"]), "", description="Altitude from pressure."),
    "lapse_rate_temperature": Formula(
        "The air temperature at a station {z0} m above sea level is {t0} °C. With a constant environmental lapse "
        "rate of {gamma} °C per km, what is the temperature at {z} m, in °C?",
        (Var("z0", 0, 2000), Var("t0", -10, 40), Var("gamma", 4, 9.8), Var("z", 2500, 9000)),
        lambda v: v["t0"] - v["gamma"] * (v["z"] - v["z0"]) / 1000, "", rel_tol=0.0, abs_tol=0.1, fixed=("gamma",),
        description="Temperature from a lapse rate."),
    "cloud_base_height": Formula(
        "At the surface the temperature is {t} °C and the dew point is {td} °C. Using the approximation that the "
        "lifting condensation level is 125 m higher for each °C of dew-point depression, how high is the cloud "
        "base, in m?",
        (Var("t", 5, 40), Var("td", -10, 30)),
        lambda v: 125 * (v["t"] - v["td"]), "", rel_tol=0.0, abs_tol=2.0,
        valid=lambda v: v["t"] - v["td"] >= 1, description="Cloud base from dew-point depression."),
    "dew_point": Formula(
        "The air temperature is {T} °C and the relative humidity is {RH}%. What is the dew point, in °C? " + _MAGNUS,
        (Var("T", -10, 40), Var("RH", 10, 99)),
        lambda v: 243.04 * _gamma(v["T"], v["RH"]) / (17.625 - _gamma(v["T"], v["RH"])), "", rel_tol=0.0,
        abs_tol=0.1, description="Dew point from temperature and relative humidity (Magnus)."),
    "relative_humidity": Formula(
        "The air temperature is {T} °C and the dew point is {Td} °C. What is the relative humidity, in percent? "
        + _MAGNUS,
        (Var("T", -10, 40), Var("Td", -20, 35)),
        lambda v: 100 * math.exp(17.625 * v["Td"] / (243.04 + v["Td"]) - 17.625 * v["T"] / (243.04 + v["T"])), "",
        rel_tol=0.0, abs_tol=0.3, valid=lambda v: v["Td"] < v["T"] - 0.5,
        description="Relative humidity from dew point (Magnus)."),
    "coriolis_parameter": Formula(
        "What is the Coriolis parameter f = 2Ω sin(latitude) at latitude {lat}°, in units of 10^-4 s^-1? Use "
        "Ω = 7.292 × 10^-5 rad/s (negative in the southern hemisphere).",
        (Var("lat", -89, 89, 5),),
        lambda v: 2 * _OMEGA * math.sin(math.radians(v["lat"])) * 1e4, "", rel_tol=0.005, abs_tol=0.002,
        valid=lambda v: abs(v["lat"]) > 2, description="Coriolis parameter at a latitude."),
    "geostrophic_wind": Formula(
        "At latitude {lat}°N the horizontal pressure gradient is {dp} hPa per 100 km and the air density is "
        "{rho} kg/m^3. What is the geostrophic wind speed, in m/s? Use f = 2Ω sin(latitude) with "
        "Ω = 7.292 × 10^-5 rad/s.",
        (Var("lat", 15, 80), Var("dp", 0.2, 5), Var("rho", 0.6, 1.3)),
        lambda v: v["dp"] * 100 / 1e5 / (v["rho"] * 2 * _OMEGA * math.sin(math.radians(v["lat"]))), "m/s",
        description="Geostrophic wind from a pressure gradient."),
    "great_circle_distance": Formula(
        "What is the great-circle distance, in km, between ({lat1}°, {lon1}°) and ({lat2}°, {lon2}°) "
        "(latitude, longitude; north and east positive)? Treat the Earth as a sphere of radius 6371 km.",
        (Var("lat1", -80, 80), Var("lon1", -180, 180), Var("lat2", -80, 80), Var("lon2", -180, 180)),
        _haversine, "", rel_tol=0.005, valid=lambda v: _haversine(v) > 100, description="Great-circle distance."),
    "solar_declination": Formula(
        "What is the solar declination, in degrees, at day n = {n} of the year (a fractional day number, counted "
        "from the start of the year)? " + _DAY,
        (Var("n", 1, 365.99, step=0.01),),
        lambda v: _declination(v["n"]), "", rel_tol=0.0, abs_tol=0.05,
        valid=lambda v: abs(_declination(v["n"])) > 0.5, description="Solar declination by day of year."),
    "day_length": Formula(
        "How many hours of daylight are there at latitude {lat}° on day n = {n} of the year? Use the sunrise "
        "equation cos(ω0) = -tan(latitude) tan(δ) with day length 2ω0/15° hours (no refraction). " + _DAY,
        (Var("lat", -65, 65), Var("n", 1, 365, step=1)),
        _day_length, "", rel_tol=0.0, abs_tol=0.05, description="Day length from latitude and date."),
    "daily_insolation": Formula(
        "What is the daily-mean top-of-atmosphere insolation, in W/m^2, at latitude {lat}° on day n = {n}? Use "
        "Q = (S0/π)(h0 sinφ sinδ + cosφ cosδ sin h0) with S0 = 1361 W/m^2, cos h0 = -tanφ tanδ (h0 in radians), "
        "and the Earth-Sun distance fixed at 1 AU. " + _DAY,
        (Var("lat", -65, 65), Var("n", 1, 365, step=1)),
        _daily_insolation, "", rel_tol=0.005, abs_tol=0.5, description="Daily mean insolation."),
    "co2_radiative_forcing": Formula(
        "Using ΔF = 5.35 ln(C/C0) W/m^2, what is the radiative forcing when CO2 rises from {c0} ppm to {c} ppm?",
        (Var("c0", 180, 400), Var("c", 200, 1200)),
        lambda v: 5.35 * math.log(v["c"] / v["c0"]), "", rel_tol=0.01, abs_tol=0.01,
        valid=lambda v: v["c"] > v["c0"] + 10, description="CO2 radiative forcing."),
    "equilibrium_warming": Formula(
        "Using ΔF = 5.35 ln(C/C0) W/m^2 and a climate sensitivity parameter of {lam} K per W/m^2, what is the "
        "equilibrium warming, in K, for CO2 rising from {c0} ppm to {c} ppm?",
        (Var("lam", 0.3, 1.2), Var("c0", 180, 400), Var("c", 420, 1200)),
        lambda v: v["lam"] * 5.35 * math.log(v["c"] / v["c0"]), "", fixed=("lam",), description="Equilibrium warming from CO2."),
    "radiative_equilibrium_temperature": Formula(
        "A planet orbits {d} AU from a Sun-like star (solar constant 1361 W/m^2 at 1 AU) and has Bond albedo {A}. "
        "What is its radiative equilibrium temperature, in K, for a rapidly rotating planet "
        "(T = (S(1 - A)/(4σ))^(1/4))? Use σ = 5.67 × 10^-8 W/(m^2 K^4).",
        (Var("d", 0.3, 40), Var("A", 0.05, 0.8, 2)),
        lambda v: (1361 / v["d"] ** 2 * (1 - v["A"]) / (4 * SIGMA_SB)) ** 0.25, "", rel_tol=0.005,
        description="Radiative equilibrium temperature of a planet."),
    "wind_chill": Formula(
        "Using the North American wind chill index WCI = 13.12 + 0.6215 T - 11.37 V^0.16 + 0.3965 T V^0.16 (T in "
        "°C, V in km/h at 10 m), what is the wind chill for T = {T} °C and V = {V} km/h?",
        (Var("T", -45, 10), Var("V", 5, 80)),
        lambda v: 13.12 + 0.6215 * v["T"] - 11.37 * v["V"] ** 0.16 + 0.3965 * v["T"] * v["V"] ** 0.16, "",
        rel_tol=0.0, abs_tol=0.1, description="Wind chill index."),
    "heat_index": Formula(
        "Using the Rothfusz regression HI = -42.379 + 2.04901523 T + 10.14333127 R - 0.22475541 T R - 6.83783e-3 T^2 "
        "- 5.481717e-2 R^2 + 1.22874e-3 T^2 R + 8.5282e-4 T R^2 - 1.99e-6 T^2 R^2 (T in °F, R relative humidity in "
        "percent), what is the heat index, in °F, for T = {T} °F and R = {RH}%?",
        (Var("T", 80, 110), Var("RH", 40, 90)),
        _heat_index, "", rel_tol=0.0, abs_tol=0.2, description="Heat index (Rothfusz regression)."),
    "seawater_density": Formula(
        "Using the linear equation of state ρ = 1027 × (1 - 2.0 × 10^-4 (T - 10) + 7.6 × 10^-4 (S - 35)) kg/m^3 "
        "(T in °C, S in g/kg), what is the density of seawater at T = {T} °C and S = {S} g/kg?",
        (Var("T", -2, 30), Var("S", 30, 40)),
        lambda v: 1027 * (1 - 2e-4 * (v["T"] - 10) + 7.6e-4 * (v["S"] - 35)), "kg/m^3", rel_tol=0.0, abs_tol=0.05,
        description="Seawater density from a linear equation of state."),
    "ocean_heat_content_warming": Formula(
        "How much heat, in units of 10^22 J, warms the upper {h} m of an ocean of area 3.61 × 10^14 m^2 by {dT} K? "
        "Take seawater density 1025 kg/m^3 and specific heat 3990 J/(kg K).",
        (Var("h", 50, 2000), Var("dT", 0.01, 1)),
        lambda v: 3.61e14 * v["h"] * 1025 * 3990 * v["dT"] / 1e22, "", fixed=("dT",), description="Ocean heat uptake for a warming."),
}

register = add_formulas("earth", TABLE)
