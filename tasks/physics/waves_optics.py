"""Oscillations, gravitation, waves, sound and optics."""

from __future__ import annotations

import math

from tasks.common.formula import G_EARTH as g
from tasks.common.formula import G_NEWTON, Formula, Var, add_formulas, fmt

_RAD = math.radians
_DEG = math.degrees
_V_SOUND = 343.0

# name: (mass kg, radius m)
BODIES = {
    "Earth": (5.972e24, 6.371e6), "Mars": (6.417e23, 3.39e6), "the Moon": (7.342e22, 1.737e6),
    "Venus": (4.867e24, 6.052e6), "Jupiter": (1.898e27, 6.991e7), "Mercury": (3.301e23, 2.44e6),
}
_BODY = Var("body", choices=tuple(BODIES))


def _body(v: dict) -> dict:
    mass, radius = BODIES[v["body"]]
    return {"M": fmt(mass), "R": fmt(radius / 1000)}


_GRAV = "Use G = 6.674 × 10^-11 N m^2/kg^2; {body} has mass {M} kg and radius {R} km."

TABLE = {
    "gravitational_force": Formula(
        "Two spheres of mass {m1} kg and {m2} kg have centres {r} m apart. What is the gravitational force between "
        "them? Use G = 6.674 × 10^-11 N m^2/kg^2.",
        (Var("m1", 1, 5000), Var("m2", 1, 5000), Var("r", 0.2, 20)),
        lambda v: G_NEWTON * v["m1"] * v["m2"] / v["r"] ** 2, "N",
        description="Newton's law of gravitation."),
    "orbital_speed": Formula(
        "A satellite orbits {body} in a circular orbit {alt} km above the surface. What is its orbital speed? "
        + _GRAV,
        (_BODY, Var("alt", 100, 5000, 4)),
        lambda v: math.sqrt(G_NEWTON * BODIES[v["body"]][0] / (BODIES[v["body"]][1] + v["alt"] * 1000)), "m/s",
        extra=_body, description="Speed of a circular orbit."),
    "orbital_period": Formula(
        "A satellite orbits {body} in a circular orbit {alt} km above the surface. What is its orbital period, in "
        "hours? " + _GRAV,
        (_BODY, Var("alt", 100, 40000)),
        lambda v: 2 * math.pi * math.sqrt((BODIES[v["body"]][1] + v["alt"] * 1000) ** 3
                                          / (G_NEWTON * BODIES[v["body"]][0])) / 3600, "h",
        extra=_body, description="Period of a circular orbit (Kepler's third law)."),
    "escape_velocity": Formula(
        "A planet has mass {M} kg and radius {R} km. What is the escape velocity from its surface? "
        "Use G = 6.674 × 10^-11 N m^2/kg^2.",
        (Var("mant", 1, 9.99), Var("exp", 22, 27, step=1), Var("R", 1000, 80000)),
        lambda v: math.sqrt(2 * G_NEWTON * v["mant"] * 10.0 ** v["exp"] / (v["R"] * 1000)) / 1000, "km/s",
        extra=lambda v: {"M": fmt(v["mant"] * 10.0 ** v["exp"])},
        description="Escape velocity from a planet's surface."),
    "surface_gravity": Formula(
        "A planet has {mm} times the mass of Earth and {rr} times its radius. What is the gravitational acceleration "
        "at its surface? Take g = 9.81 m/s^2 at Earth's surface.",
        (Var("mm", 0.05, 300), Var("rr", 0.3, 12)),
        lambda v: g * v["mm"] / v["rr"] ** 2, "m/s^2", valid=lambda v: 0.2 < v["mm"] / v["rr"] ** 3 < 5,
        description="Surface gravity scaled from Earth's."),
    "spring_mass_period": Formula(
        "A {m} kg mass oscillates on a spring of constant {k} N/m. What is the period of the motion?",
        (Var("m", 0.05, 10), Var("k", 5, 2000)),
        lambda v: 2 * math.pi * math.sqrt(v["m"] / v["k"]), "s",
        description="Period of a mass on a spring."),
    "shm_max_speed": Formula(
        "A {m} kg mass on a spring of constant {k} N/m oscillates with amplitude {A} cm. What is its maximum speed?",
        (Var("m", 0.05, 10), Var("k", 5, 2000), Var("A", 1, 30)),
        lambda v: v["A"] / 100 * math.sqrt(v["k"] / v["m"]), "m/s",
        description="Maximum speed in simple harmonic motion."),
    "shm_position": Formula(
        "A particle moves as x(t) = {A} cm × cos({w} t), with t in seconds and the angle in radians. What is x at "
        "t = {t} s, in cm?",
        (Var("A", 1, 20), Var("w", 0.5, 10), Var("t", 0.1, 5)),
        lambda v: v["A"] * math.cos(v["w"] * v["t"]), "cm", abs_tol=0.05,
        description="Position in simple harmonic motion at a given time."),
    "pendulum_period": Formula(
        "What is the period of a simple pendulum of length {L} m for small oscillations, on a world where "
        "g = {gg} m/s^2?",
        (Var("L", 0.05, 20), Var("gg", 1.6, 25)),
        lambda v: 2 * math.pi * math.sqrt(v["L"] / v["gg"]), "s",
        description="Small-angle period of a simple pendulum."),
    "pendulum_length": Formula(
        "What length must a simple pendulum have for a small-oscillation period of {T} s on a world where "
        "g = {gg} m/s^2?",
        (Var("T", 0.3, 6), Var("gg", 1.6, 25)),
        lambda v: v["gg"] * (v["T"] / (2 * math.pi)) ** 2, "m",
        description="Pendulum length for a given period."),
    "physical_pendulum_rod": Formula(
        "A thin uniform rod of length {L} m swings about a pivot at one end, on a world where g = {gg} m/s^2. "
        "What is its period for small oscillations?",
        (Var("L", 0.1, 5), Var("gg", 1.6, 25)),
        lambda v: 2 * math.pi * math.sqrt(2 * v["L"] / (3 * v["gg"])), "s",
        description="Period of a rod pivoted at one end."),
    "string_wave_speed": Formula(
        "A string with linear mass density {mu} g/m is under a tension of {T} N. What is the speed of transverse "
        "waves on it?",
        (Var("mu", 0.3, 30), Var("T", 5, 500)),
        lambda v: math.sqrt(v["T"] / (v["mu"] / 1000)), "m/s",
        description="Wave speed on a stretched string."),
    "string_harmonic": Formula(
        "A string {L} m long, fixed at both ends, has linear mass density {mu} g/m and tension {T} N. What is the "
        "frequency of its harmonic number {n} (n = 1 is the fundamental)?",
        (Var("L", 0.3, 3), Var("mu", 0.3, 30), Var("T", 5, 500), Var("n", 1, 6, step=1)),
        lambda v: v["n"] / (2 * v["L"]) * math.sqrt(v["T"] / (v["mu"] / 1000)), "Hz",
        description="Harmonic frequency of a string fixed at both ends."),
    "closed_pipe_harmonic": Formula(
        "A pipe {L} m long is closed at one end and open at the other and filled with air at {T} °C. What is the "
        "frequency of its resonance number {n} (n = 1 is the fundamental; only odd harmonics exist)? Take the "
        "speed of sound as v = 331.3 + 0.606 T m/s (T in °C) and ignore end corrections.",
        (Var("L", 0.1, 4), Var("n", 1, 5, step=1), Var("T", -20, 40)),
        lambda v: (2 * v["n"] - 1) * (331.3 + 0.606 * v["T"]) / (4 * v["L"]), "Hz",
        description="Resonances of a pipe closed at one end."),
    "doppler_source": Formula(
        "An ambulance siren emits {f} Hz while moving at {vs} m/s {direction} a stationary listener. What frequency "
        "does the listener hear? Take the speed of sound as 343 m/s.",
        (Var("f", 200, 2000), Var("vs", 5, 60), Var("direction", choices=("towards", "away from"))),
        lambda v: v["f"] * _V_SOUND / (_V_SOUND - v["vs"] if v["direction"] == "towards" else _V_SOUND + v["vs"]),
        "Hz", rel_tol=0.002, description="Doppler shift for a moving source."),
    "doppler_both_moving": Formula(
        "A car horn of {f} Hz moves at {vs} m/s towards a cyclist who rides at {vo} m/s towards the car. What "
        "frequency does the cyclist hear? Take the speed of sound as 343 m/s.",
        (Var("f", 200, 2000), Var("vs", 5, 40), Var("vo", 2, 15)),
        lambda v: v["f"] * (_V_SOUND + v["vo"]) / (_V_SOUND - v["vs"]), "Hz", rel_tol=0.002,
        description="Doppler shift with source and observer approaching."),
    "sound_intensity_level": Formula(
        "A sound has intensity {I} W/m^2. What is its sound intensity level in decibels (reference "
        "10^-12 W/m^2)?",
        (Var("I", 1e-10, 1e-1, 4, log=True),),
        lambda v: 10 * math.log10(v["I"] / 1e-12), "", rel_tol=0.0, abs_tol=0.2,
        extra=lambda v: {"I": fmt(v["I"])}, description="Sound intensity level from intensity."),
    "sound_level_distance": Formula(
        "A small source gives a sound level of {L1} dB at {r1} m. Assuming spherical spreading with no absorption, "
        "what is the sound level at {r2} m, in dB?",
        (Var("L1", 50, 120), Var("r1", 1, 20), Var("r2", 2, 500)),
        lambda v: v["L1"] - 20 * math.log10(v["r2"] / v["r1"]), "", rel_tol=0.0, abs_tol=0.2,
        valid=lambda v: v["r2"] > v["r1"] * 1.2, description="Sound level falling off with distance."),
    "thin_lens_image": Formula(
        "An object is {do} cm in front of a thin converging lens of focal length {f} cm. Where is the image? Give "
        "the image distance in cm, positive for a real image on the far side of the lens and negative for a "
        "virtual image.",
        (Var("do", 5, 100), Var("f", 3, 60)),
        lambda v: 1 / (1 / v["f"] - 1 / v["do"]), "cm",
        valid=lambda v: abs(v["do"] - v["f"]) > 0.5, description="Thin-lens equation, image distance."),
    "lens_magnification": Formula(
        "An object is {do} cm in front of a thin converging lens of focal length {f} cm. What is the lateral "
        "magnification (negative for an inverted image)?",
        (Var("do", 5, 100), Var("f", 3, 60)),
        lambda v: -(1 / (1 / v["f"] - 1 / v["do"])) / v["do"], "", abs_tol=0.005,
        valid=lambda v: abs(v["do"] - v["f"]) > 0.5, description="Thin-lens magnification."),
    "concave_mirror_image": Formula(
        "An object stands {do} cm in front of a concave mirror with radius of curvature {R} cm. What is the image "
        "distance in cm, positive for a real image in front of the mirror and negative for a virtual image behind it?",
        (Var("do", 5, 100), Var("R", 6, 120)),
        lambda v: 1 / (2 / v["R"] - 1 / v["do"]), "cm",
        valid=lambda v: abs(v["do"] - v["R"] / 2) > 0.5, description="Mirror equation for a concave mirror."),
    "snell_refraction": Formula(
        "Light passes from a medium of refractive index {n1} into one of index {n2}, hitting the interface at "
        "{th} degrees from the normal. What is the angle of refraction from the normal, in degrees?",
        (Var("n1", 1.0, 1.8), Var("n2", 1.0, 2.4), Var("th", 5, 80)),
        lambda v: _DEG(math.asin(v["n1"] * math.sin(_RAD(v["th"])) / v["n2"])), "", rel_tol=0.005,
        valid=lambda v: v["n1"] * math.sin(_RAD(v["th"])) / v["n2"] < 0.98, description="Snell's law."),
    "critical_angle": Formula(
        "What is the critical angle for total internal reflection, in degrees, for light going from a medium of "
        "refractive index {n1} into one of index {n2}?",
        (Var("n1", 1.3, 2.5, 4), Var("n2", 1.0, 1.5, 4)),
        lambda v: _DEG(math.asin(v["n2"] / v["n1"])), "", rel_tol=0.005,
        valid=lambda v: v["n2"] < v["n1"] - 0.05, description="Critical angle for total internal reflection."),
    "brewster_angle": Formula(
        "Light in a medium of refractive index {n1} reflects off a medium of index {n2}. At what angle of incidence "
        "(degrees) is the reflected light completely polarised?",
        (Var("n1", 1.0, 1.5, 4), Var("n2", 1.3, 2.5, 4)),
        lambda v: _DEG(math.atan(v["n2"] / v["n1"])), "", rel_tol=0.003, description="Brewster's angle."),
    "diffraction_grating_angle": Formula(
        "Light of wavelength {lam} nm falls normally on a diffraction grating with {N} lines per mm. At what angle "
        "from the normal, in degrees, is the order-{m} maximum?",
        (Var("lam", 400, 700), Var("N", 100, 1200, step=50), Var("m", 1, 3, step=1)),
        lambda v: _DEG(math.asin(v["m"] * v["lam"] * 1e-9 * v["N"] * 1000)), "", rel_tol=0.005,
        valid=lambda v: v["m"] * v["lam"] * 1e-6 * v["N"] < 0.97, description="Diffraction grating maxima."),
    "double_slit_fringe_spacing": Formula(
        "In a double-slit experiment the slits are {d} mm apart, the screen is {L} m away and the light has "
        "wavelength {lam} nm. What is the spacing between adjacent bright fringes (small-angle approximation)?",
        (Var("d", 0.05, 2), Var("L", 0.5, 5), Var("lam", 400, 700)),
        lambda v: v["lam"] * 1e-9 * v["L"] / (v["d"] * 1e-3) * 1000, "mm",
        description="Fringe spacing in Young's double-slit experiment."),
    "single_slit_central_width": Formula(
        "Light of wavelength {lam} nm passes through a single slit {a} µm wide onto a screen {L} m away. What is the "
        "width of the central bright maximum (small-angle approximation)?",
        (Var("lam", 400, 700), Var("a", 10, 200), Var("L", 0.5, 5)),
        lambda v: 2 * v["lam"] * 1e-9 * v["L"] / (v["a"] * 1e-6) * 1000, "mm",
        description="Width of the central maximum of single-slit diffraction."),
}

register = add_formulas("physics", TABLE)
