"""Mechanics: kinematics, projectiles, Newton's laws, friction, energy, momentum, rotation."""

from __future__ import annotations

import math

from tasks.common.formula import G_EARTH as g
from tasks.common.formula import Formula, Var, add_formulas

_G = "Use g = 9.81 m/s^2."
_RAD = math.radians

# Rolling bodies: I = k m r^2.
ROLLERS = {"solid sphere": 0.4, "hollow sphere": 2 / 3, "solid cylinder": 0.5, "thin hoop": 1.0}

TABLE = {
    "final_velocity": Formula(
        "A car moving at {u} m/s accelerates uniformly at {a} m/s^2 for {t} s. What is its final speed?",
        (Var("u", 0, 30), Var("a", 0.5, 5), Var("t", 1, 20)),
        lambda v: v["u"] + v["a"] * v["t"], "m/s",
        description="Final speed under constant acceleration (v = u + a t)."),
    "displacement": Formula(
        "An object starts with velocity {u} m/s and has constant acceleration {a} m/s^2 along the same line. "
        "How far does it travel in {t} s?",
        (Var("u", 0, 25), Var("a", 0.2, 6), Var("t", 2, 30)),
        lambda v: v["u"] * v["t"] + 0.5 * v["a"] * v["t"] ** 2, "m",
        description="Displacement under constant acceleration."),
    "braking_distance": Formula(
        "A car travelling at {v} km/h brakes with a constant deceleration of {a} m/s^2. What distance does it "
        "need to stop?",
        (Var("v", 30, 140), Var("a", 3, 9)),
        lambda v: (v["v"] / 3.6) ** 2 / (2 * v["a"]), "m",
        description="Braking distance from a speed in km/h."),
    "free_fall_time": Formula(
        "On a world where g = {gg} m/s^2, a stone is dropped from rest from a height of {h} m. Ignoring air "
        "resistance, how long does it take to reach the ground?",
        (Var("h", 2, 500), Var("gg", 1.6, 25)),
        lambda v: math.sqrt(2 * v["h"] / v["gg"]), "s",
        description="Time to fall from rest through a height."),
    "projectile_range": Formula(
        "A projectile is launched from level ground at {v} m/s at {th} degrees above the horizontal. Ignoring air "
        "resistance, what is its horizontal range on level ground? " + _G,
        (Var("v", 5, 80), Var("th", 10, 80)),
        lambda v: v["v"] ** 2 * math.sin(2 * _RAD(v["th"])) / g, "m",
        description="Range of a projectile on level ground."),
    "projectile_max_height": Formula(
        "A ball is kicked at {v} m/s at {th} degrees above the horizontal. Ignoring air resistance, what maximum "
        "height above the launch point does it reach? " + _G,
        (Var("v", 5, 60), Var("th", 15, 85)),
        lambda v: (v["v"] * math.sin(_RAD(v["th"]))) ** 2 / (2 * g), "m",
        description="Maximum height of a projectile."),
    "horizontal_launch_distance": Formula(
        "A ball rolls off a horizontal table top {h} m high with speed {v} m/s. How far from the foot of the table "
        "(horizontally) does it land? " + _G,
        (Var("h", 0.5, 3), Var("v", 0.5, 8)),
        lambda v: v["v"] * math.sqrt(2 * v["h"] / g), "m",
        description="Landing distance of a horizontally launched projectile."),
    "two_force_acceleration": Formula(
        "Two horizontal forces of {f1} N and {f2} N act on a {m} kg block on a frictionless floor, with an angle of "
        "{th} degrees between them. What is the magnitude of the block's acceleration?",
        (Var("f1", 5, 100), Var("f2", 5, 100), Var("m", 1, 50), Var("th", 10, 170)),
        lambda v: math.sqrt(v["f1"] ** 2 + v["f2"] ** 2 + 2 * v["f1"] * v["f2"] * math.cos(_RAD(v["th"]))) / v["m"],
        "m/s^2", description="Acceleration under two forces at an angle."),
    "atwood_acceleration": Formula(
        "In an ideal Atwood machine (massless string, frictionless massless pulley) masses of {m1} kg and {m2} kg "
        "hang on either side. What is the magnitude of their acceleration? " + _G,
        (Var("m1", 0.5, 20), Var("m2", 0.5, 20)),
        lambda v: abs(v["m1"] - v["m2"]) * g / (v["m1"] + v["m2"]), "m/s^2",
        valid=lambda v: abs(v["m1"] - v["m2"]) > 0.1, description="Acceleration of an Atwood machine."),
    "atwood_tension": Formula(
        "In an ideal Atwood machine masses of {m1} kg and {m2} kg hang on either side of a massless frictionless "
        "pulley. What is the tension in the string? " + _G,
        (Var("m1", 0.5, 20), Var("m2", 0.5, 20)),
        lambda v: 2 * v["m1"] * v["m2"] * g / (v["m1"] + v["m2"]), "N",
        description="String tension in an Atwood machine."),
    "incline_friction_acceleration": Formula(
        "A block slides down a {th} degree incline. The coefficient of kinetic friction is {mu}. What is the "
        "magnitude of its acceleration down the slope? " + _G,
        (Var("th", 20, 70), Var("mu", 0.05, 0.6, 2)),
        lambda v: g * (math.sin(_RAD(v["th"])) - v["mu"] * math.cos(_RAD(v["th"]))), "m/s^2",
        valid=lambda v: math.tan(_RAD(v["th"])) > v["mu"] + 0.1,
        description="Acceleration down an incline with kinetic friction."),
    "angled_pull_friction": Formula(
        "A {m} kg crate on a horizontal floor is pulled by a rope with force {f} N at {th} degrees above the "
        "horizontal. The coefficient of kinetic friction is {mu}. What is the crate's acceleration? " + _G,
        (Var("m", 5, 60), Var("f", 20, 400), Var("th", 5, 50), Var("mu", 0.1, 0.5, 2)),
        lambda v: (v["f"] * math.cos(_RAD(v["th"])) - v["mu"] * (v["m"] * g - v["f"] * math.sin(_RAD(v["th"]))))
        / v["m"], "m/s^2",
        valid=lambda v: v["m"] * g > v["f"] * math.sin(_RAD(v["th"]))
        and v["f"] * math.cos(_RAD(v["th"])) > v["mu"] * (v["m"] * g - v["f"] * math.sin(_RAD(v["th"]))) + 5,
        description="Acceleration of a crate pulled at an angle against friction."),
    "work_at_angle": Formula(
        "A force of {f} N pulls a sled {d} m along level ground; the force makes an angle of {th} degrees with the "
        "direction of motion. How much work does the force do?",
        (Var("f", 10, 500), Var("d", 1, 100), Var("th", 0, 75)),
        lambda v: v["f"] * v["d"] * math.cos(_RAD(v["th"])), "J",
        description="Work done by a force at an angle."),
    "energy_conservation_speed": Formula(
        "A roller-coaster car passes a point at {v0} m/s and then descends a vertical drop of {h} m without friction. "
        "What is its speed at the bottom? " + _G,
        (Var("v0", 0, 15), Var("h", 2, 80)),
        lambda v: math.sqrt(v["v0"] ** 2 + 2 * g * v["h"]), "m/s",
        description="Speed after a drop from energy conservation."),
    "spring_launch_speed": Formula(
        "A spring with constant {k} N/m is compressed by {x} cm and launches a {m} g ball horizontally on a "
        "frictionless surface. What is the launch speed?",
        (Var("k", 50, 2000), Var("x", 1, 20), Var("m", 10, 500)),
        lambda v: v["x"] / 100 * math.sqrt(v["k"] / (v["m"] / 1000)), "m/s",
        description="Speed from stored spring energy."),
    "lifting_power": Formula(
        "A motor lifts a {m} kg load at constant speed through {h} m in {t} s. What is its average mechanical power "
        "output? " + _G,
        (Var("m", 5, 2000), Var("h", 1, 50), Var("t", 2, 120)),
        lambda v: v["m"] * g * v["h"] / v["t"], "W",
        description="Power needed to lift a load."),
    "elastic_collision_velocity": Formula(
        "A {m1} kg cart moving at {u} m/s collides head-on, elastically, with a {m2} kg cart at rest on a "
        "frictionless track. What is the velocity of the first cart after the collision (positive in its original "
        "direction of motion, negative if it bounces back)?",
        (Var("m1", 0.5, 10), Var("m2", 0.5, 10), Var("u", 1, 10)),
        lambda v: (v["m1"] - v["m2"]) / (v["m1"] + v["m2"]) * v["u"], "m/s", abs_tol=0.01,
        valid=lambda v: abs(v["m1"] - v["m2"]) > 0.3, description="1D elastic collision, first body's velocity."),
    "inelastic_collision_energy_loss": Formula(
        "A {m1} kg object moving at {u1} m/s collides with and sticks to a {m2} kg object moving at {u2} m/s in the "
        "same direction. How much kinetic energy is lost in the collision?",
        (Var("m1", 0.5, 20), Var("m2", 0.5, 20), Var("u1", 3, 20), Var("u2", 0, 2.5)),
        lambda v: 0.5 * v["m1"] * v["m2"] / (v["m1"] + v["m2"]) * (v["u1"] - v["u2"]) ** 2, "J",
        description="Kinetic energy lost in a perfectly inelastic collision."),
    "impulse_average_force": Formula(
        "A {m} g ball hits a wall at {v1} m/s and rebounds along the same line at {v2} m/s. The contact lasts {t} ms. "
        "What is the magnitude of the average force of the wall on the ball?",
        (Var("m", 50, 600), Var("v1", 3, 40), Var("v2", 1, 30), Var("t", 1, 50)),
        lambda v: v["m"] / 1000 * (v["v1"] + v["v2"]) / (v["t"] / 1000), "N",
        description="Average force from impulse in a rebound."),
    "centripetal_force": Formula(
        "A {m} kg object moves in a horizontal circle of radius {r} m at a constant speed of {v} m/s. What net "
        "(centripetal) force acts on it?",
        (Var("m", 0.1, 1500), Var("r", 0.5, 200), Var("v", 1, 40)),
        lambda v: v["m"] * v["v"] ** 2 / v["r"], "N",
        description="Centripetal force for uniform circular motion."),
    "banked_curve_speed": Formula(
        "A road curve of radius {r} m is banked at {th} degrees. At what speed can a car take the curve with no "
        "friction needed? " + _G,
        (Var("r", 20, 500), Var("th", 3, 35)),
        lambda v: math.sqrt(v["r"] * g * math.tan(_RAD(v["th"]))), "m/s",
        description="Design speed of a banked curve."),
    "conical_pendulum_period": Formula(
        "A conical pendulum has a string of length {L} m that makes a constant angle of {th} degrees with the "
        "vertical. What is the period of its circular motion? " + _G,
        (Var("L", 0.2, 5), Var("th", 5, 70)),
        lambda v: 2 * math.pi * math.sqrt(v["L"] * math.cos(_RAD(v["th"])) / g), "s",
        description="Period of a conical pendulum."),
    "rolling_incline_speed": Formula(
        "A {shape} starts from rest and rolls without slipping down a slope, dropping a vertical height of {h} m. "
        "What is the speed of its centre at the bottom? " + _G,
        (Var("shape", choices=tuple(ROLLERS)), Var("h", 0.2, 20, 4, log=True)),
        lambda v: math.sqrt(2 * g * v["h"] / (1 + ROLLERS[v["shape"]])), "m/s",
        description="Speed of a body rolling down a slope (moment of inertia by shape)."),
    "angular_momentum_spin": Formula(
        "A skater spins at {w} rev/s with moment of inertia {i1} kg m^2, then pulls in her arms so that her moment "
        "of inertia becomes {i2} kg m^2. What is her new rate of spin, in rev/s?",
        (Var("w", 0.5, 3), Var("i1", 2, 8), Var("i2", 0.6, 1.9)),
        lambda v: v["w"] * v["i1"] / v["i2"], "",
        description="Conservation of angular momentum."),
    "torque_lever_balance": Formula(
        "A uniform {M} kg plank of length {L} m is balanced on a pivot at its centre. A {m1} kg mass sits {d1} m "
        "to the left of the pivot. How far to the right of the pivot must a {m2} kg mass be placed to balance it?",
        (Var("M", 1, 20), Var("L", 2, 6), Var("m1", 1, 50), Var("d1", 0.1, 1), Var("m2", 1, 50)),
        lambda v: v["m1"] * v["d1"] / v["m2"], "m",
        valid=lambda v: v["m1"] * v["d1"] / v["m2"] < v["L"] / 2, description="Torque balance on a lever."),
}

register = add_formulas("physics", TABLE)
