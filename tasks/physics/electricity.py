"""Circuits, electrostatics and magnetism."""

from __future__ import annotations

import math

from tasks.common.formula import E_CHARGE, EPS0, K_COULOMB, M_P, MU0, Formula, Var, add_formulas

_K = "Use k = 8.988 × 10^9 N m^2/C^2."


def _par(*rs: float) -> float:
    return 1 / sum(1 / r for r in rs)


def _solve2(a: list[list[float]], b: list[float]) -> tuple[float, float]:
    det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
    return (b[0] * a[1][1] - a[0][1] * b[1]) / det, (a[0][0] * b[1] - a[1][0] * b[0]) / det


def bridge_current(v: dict) -> float:
    """Current (mA) through R5 of a Wheatstone bridge, by nodal analysis (Kirchhoff's current law)."""
    e, r1, r2, r3, r4, r5 = v["E"], v["R1"], v["R2"], v["R3"], v["R4"], v["R5"]
    vb, vd = _solve2(
        [[1 / r1 + 1 / r2 + 1 / r5, -1 / r5], [-1 / r5, 1 / r3 + 1 / r4 + 1 / r5]],
        [e / r1, e / r3],
    )
    return abs(vb - vd) / r5 * 1000


def two_source_current(v: dict) -> float:
    """Current (mA) through R3 shared by two sources, from the node equation."""
    node = (v["E1"] / v["R1"] + v["E2"] / v["R2"]) / (1 / v["R1"] + 1 / v["R2"] + 1 / v["R3"])
    return node / v["R3"] * 1000


def solve_linear(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve ``a x = b`` by Gaussian elimination with partial pivoting (small dense systems)."""
    n = len(b)
    m = [row[:] + [rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def ladder_current(v: dict) -> float:
    """Current (mA) through the last rung R6 of a three-node ladder, by nodal analysis."""
    g = {k: 1 / v[k] for k in ("R1", "R2", "R3", "R4", "R5", "R6")}
    a = [
        [g["R1"] + g["R2"] + g["R3"], -g["R3"], 0.0],
        [-g["R3"], g["R3"] + g["R4"] + g["R5"], -g["R5"]],
        [0.0, -g["R5"], g["R5"] + g["R6"]],
    ]
    nodes = solve_linear(a, [v["E"] * g["R1"], 0.0, 0.0])
    return nodes[2] / v["R6"] * 1000


def _impedance(v: dict) -> float:
    w = 2 * math.pi * v["f"]
    return math.hypot(v["R"], w * v["L"] / 1000 - 1 / (w * v["C"] * 1e-6))


_R = lambda name: Var(name, 10, 1000, step=10)  # noqa: E731 - resistor values in ohm

TABLE = {
    "series_parallel_resistance": Formula(
        "A {R1} ohm resistor is in series with a parallel pair of {R2} ohm and {R3} ohm resistors. What is the "
        "equivalent resistance?",
        (_R("R1"), _R("R2"), _R("R3")),
        lambda v: v["R1"] + _par(v["R2"], v["R3"]), "ohm", rel_tol=0.005,
        description="Equivalent resistance of a series-parallel network."),
    "parallel_total_current": Formula(
        "Resistors of {R1} ohm, {R2} ohm and {R3} ohm are connected in parallel across an ideal {V} V battery. What "
        "total current does the battery supply?",
        (_R("R1"), _R("R2"), _R("R3"), Var("V", 1, 48)),
        lambda v: v["V"] / _par(v["R1"], v["R2"], v["R3"]), "A", rel_tol=0.005,
        description="Current drawn by parallel resistors."),
    "capacitor_network": Formula(
        "A {C1} µF capacitor is connected in series with a parallel pair of {C2} µF and {C3} µF capacitors. What is "
        "the equivalent capacitance?",
        (Var("C1", 1, 100), Var("C2", 1, 100), Var("C3", 1, 100)),
        lambda v: 1 / (1 / v["C1"] + 1 / (v["C2"] + v["C3"])), "µF", rel_tol=0.005,
        description="Equivalent capacitance of a series-parallel network."),
    "capacitor_energy": Formula(
        "How much energy is stored in a {C} µF capacitor charged to {V} V?",
        (Var("C", 0.1, 5000), Var("V", 1, 500)),
        lambda v: 0.5 * v["C"] * 1e-6 * v["V"] ** 2, "J",
        description="Energy stored in a capacitor."),
    "rc_charging_voltage": Formula(
        "An uncharged {C} µF capacitor is charged through a {R} kΩ resistor from an ideal {V} V source. What is the "
        "voltage across the capacitor {t} ms after the switch closes?",
        (Var("C", 1, 100), Var("R", 1, 100), Var("V", 3, 24), Var("t", 1, 5000)),
        lambda v: v["V"] * (1 - math.exp(-v["t"] / (v["R"] * v["C"]))), "V",
        valid=lambda v: 0.05 < v["t"] / (v["R"] * v["C"]) < 4, description="RC charging curve."),
    "rc_discharge_time": Formula(
        "A {C} µF capacitor charged to {V0} V discharges through a {R} kΩ resistor. How long until its voltage "
        "falls to {V} V?",
        (Var("C", 1, 500), Var("R", 1, 100), Var("V0", 5, 100), Var("V", 0.5, 80)),
        lambda v: v["R"] * 1e3 * v["C"] * 1e-6 * math.log(v["V0"] / v["V"]), "s",
        valid=lambda v: v["V"] < 0.9 * v["V0"], description="RC discharge time."),
    "wheatstone_bridge_current": Formula(
        "An ideal {E} V battery is connected across a bridge: from the positive terminal, R1 = {R1} ohm goes to "
        "node B and R3 = {R3} ohm goes to node D; from B, R2 = {R2} ohm, and from D, R4 = {R4} ohm, go to the "
        "negative terminal. A resistor R5 = {R5} ohm connects B and D. Using Kirchhoff's laws, what is the "
        "magnitude of the current through R5, in mA?",
        (Var("E", 2, 24), _R("R1"), _R("R2"), _R("R3"), _R("R4"), _R("R5")),
        bridge_current, "mA",
        valid=lambda v: bridge_current(v) > 0.5, description="Current in an unbalanced Wheatstone bridge."),
    "two_source_network": Formula(
        "Two ideal batteries share a load. Battery 1 ({E1} V) feeds node X through R1 = {R1} ohm, battery 2 "
        "({E2} V) feeds node X through R2 = {R2} ohm, and R3 = {R3} ohm connects X to the common negative "
        "terminal of both batteries. Using Kirchhoff's laws, what current flows through R3, in mA?",
        (Var("E1", 1, 24), Var("E2", 1, 24), _R("R1"), _R("R2"), _R("R3")),
        two_source_current, "mA", description="Two-source network solved with Kirchhoff's laws."),
    "ladder_network_current": Formula(
        "A ladder network is driven by an ideal {E} V battery. From the positive terminal, R1 = {R1} ohm leads to "
        "node 1; node 1 connects to the negative terminal (ground) through R2 = {R2} ohm and to node 2 through "
        "R3 = {R3} ohm; node 2 connects to ground through R4 = {R4} ohm and to node 3 through R5 = {R5} ohm; node 3 "
        "connects to ground through R6 = {R6} ohm. Using Kirchhoff's laws, what current flows through R6, in mA?",
        (Var("E", 2, 48), _R("R1"), _R("R2"), _R("R3"), _R("R4"), _R("R5"), _R("R6")),
        ladder_current, "mA", description="Three-node ladder network solved by nodal analysis (linear algebra)."),
    "rlc_impedance": Formula(
        "A series circuit has R = {R} ohm, L = {L} mH and C = {C} µF, driven at {f} Hz. What is the magnitude of "
        "its impedance?",
        (Var("R", 5, 500), Var("L", 1, 500), Var("C", 0.1, 100), Var("f", 50, 5000)),
        _impedance, "ohm", description="Impedance of a series RLC circuit."),
    "rlc_resonance": Formula(
        "What is the resonant frequency of a series circuit with L = {L} mH and C = {C} µF?",
        (Var("L", 0.1, 500), Var("C", 0.01, 100)),
        lambda v: 1 / (2 * math.pi * math.sqrt(v["L"] * 1e-3 * v["C"] * 1e-6)), "Hz",
        description="Resonant frequency of an LC circuit."),
    "rlc_average_power": Formula(
        "A series circuit with R = {R} ohm, L = {L} mH and C = {C} µF is driven by a {V} V (rms) source at {f} Hz. "
        "What average power does it dissipate?",
        (Var("R", 5, 500), Var("L", 1, 500), Var("C", 0.1, 100), Var("f", 50, 5000), Var("V", 5, 240)),
        lambda v: v["V"] ** 2 * v["R"] / _impedance(v) ** 2, "W", description="Average power in an AC circuit."),
    "heater_energy_cost": Formula(
        "A heater of resistance {R} ohm runs from {V} V for {t} hours. How much electrical energy does it use, in "
        "kWh?",
        (Var("R", 10, 200), Var("V", 100, 240), Var("t", 0.5, 12)),
        lambda v: v["V"] ** 2 / v["R"] * v["t"] / 1000, "kWh", description="Electrical energy used by a resistor."),
    "coulomb_force": Formula(
        "Point charges of {q1} µC and {q2} µC are {r} cm apart in vacuum. What is the magnitude of the force "
        "between them? " + _K,
        (Var("q1", 0.1, 50), Var("q2", 0.1, 50), Var("r", 1, 200)),
        lambda v: K_COULOMB * v["q1"] * v["q2"] * 1e-12 / (v["r"] / 100) ** 2, "N",
        description="Coulomb's law."),
    "field_between_charges": Formula(
        "Two positive point charges, {q1} nC and {q2} nC, are {d} cm apart. What is the magnitude of the electric "
        "field on the line between them, {x} cm from the first charge? " + _K,
        (Var("q1", 1, 100), Var("q2", 1, 100), Var("d", 4, 100), Var("x", 1, 99)),
        lambda v: abs(K_COULOMB * 1e-9 * (v["q1"] / (v["x"] / 100) ** 2 - v["q2"] / ((v["d"] - v["x"]) / 100) ** 2)),
        "N/C", valid=lambda v: 0.1 * v["d"] < v["x"] < 0.9 * v["d"]
        and abs(v["q1"] / v["x"] ** 2 - v["q2"] / (v["d"] - v["x"]) ** 2) > 0.05 * v["q1"] / v["x"] ** 2,
        description="Net field of two charges at a point between them."),
    "potential_two_charges": Formula(
        "A {q1} nC charge and a {q2} nC charge sit at two corners of a right triangle; the third corner is {a} cm "
        "from the first charge and {b} cm from the second. What is the electric potential at the third corner "
        "(zero at infinity)? " + _K,
        (Var("q1", -50, 50), Var("q2", -50, 50), Var("a", 1, 50), Var("b", 1, 50)),
        lambda v: K_COULOMB * 1e-9 * (v["q1"] / (v["a"] / 100) + v["q2"] / (v["b"] / 100)), "V", abs_tol=1.0,
        description="Electric potential from two point charges."),
    "parallel_plate_capacitance": Formula(
        "A parallel-plate capacitor has plates of area {A} cm^2 separated by {d} mm of a dielectric with "
        "constant {kappa}. What is its capacitance, in pF? Use ε0 = 8.854 × 10^-12 F/m.",
        (Var("A", 1, 1000), Var("d", 0.01, 5), Var("kappa", 1, 10)),
        lambda v: v["kappa"] * EPS0 * v["A"] * 1e-4 / (v["d"] * 1e-3) * 1e12, "pF",
        description="Capacitance of a parallel-plate capacitor."),
    "magnetic_force_charge": Formula(
        "A particle with charge {q} µC moves at {v} m/s through a uniform {B} T magnetic field, at {th} degrees to "
        "the field. What is the magnitude of the magnetic force on it?",
        (Var("q", 0.1, 100), Var("v", 100, 1e6), Var("B", 0.01, 3), Var("th", 10, 90)),
        lambda v: v["q"] * 1e-6 * v["v"] * v["B"] * math.sin(math.radians(v["th"])), "N",
        description="Lorentz force on a moving charge."),
    "force_on_wire": Formula(
        "A straight wire {L} m long carries {I} A in a uniform {B} mT field, at {th} degrees to the field. What is "
        "the magnitude of the magnetic force on the wire?",
        (Var("L", 0.05, 5), Var("I", 0.1, 50), Var("B", 1, 2000), Var("th", 10, 90)),
        lambda v: v["B"] * 1e-3 * v["I"] * v["L"] * math.sin(math.radians(v["th"])), "N",
        description="Magnetic force on a current-carrying wire."),
    "cyclotron_radius": Formula(
        "A proton moves at {v} m/s perpendicular to a uniform {B} T magnetic field. What is the radius of its "
        "circular path, in cm? Use m_p = 1.673 × 10^-27 kg and e = 1.602 × 10^-19 C.",
        (Var("v", 1e4, 3e7), Var("B", 0.05, 5)),
        lambda v: M_P * v["v"] / (E_CHARGE * v["B"]) * 100, "cm", description="Radius of a proton's circular orbit."),
    "solenoid_field": Formula(
        "A long solenoid {L} cm long has {N} turns and carries {I} A. What is the magnetic field inside it, in mT? "
        "Use μ0 = 4π × 10^-7 T m/A.",
        (Var("L", 5, 100), Var("N", 50, 5000, step=10), Var("I", 0.1, 20)),
        lambda v: MU0 * v["N"] / (v["L"] / 100) * v["I"] * 1000, "mT", description="Field inside a long solenoid."),
    "wire_field": Formula(
        "What is the magnetic field {r} cm from a long straight wire carrying {I} A, in µT? Use "
        "μ0 = 4π × 10^-7 T m/A.",
        (Var("r", 0.5, 100), Var("I", 0.5, 100)),
        lambda v: MU0 * v["I"] / (2 * math.pi * v["r"] / 100) * 1e6, "µT",
        description="Field of a long straight wire."),
    "faraday_emf": Formula(
        "A coil of {N} turns, each of area {A} cm^2, sits perpendicular to a uniform magnetic field that changes "
        "steadily from {B1} T to {B2} T in {t} ms. What is the magnitude of the average induced emf?",
        (Var("N", 10, 1000, step=10), Var("A", 1, 500), Var("B1", 0, 2), Var("B2", 0, 2), Var("t", 1, 1000)),
        lambda v: v["N"] * v["A"] * 1e-4 * abs(v["B2"] - v["B1"]) / (v["t"] / 1000), "V",
        valid=lambda v: abs(v["B2"] - v["B1"]) > 0.05, description="Faraday's law of induction."),
}

register = add_formulas("physics", TABLE)
