"""Materials science beyond composition: hulls of 2-5 element systems, defects, XRD indexing, perovskites, packing."""

from __future__ import annotations

import math
import random
import time

import pytest
from pymatgen.core import Element

import bootcamp
from tasks.materials import _cells as P
from tasks.materials import _defect_model as D
from tasks.materials import _hull as H
from tasks.materials import _perovskite_ions as PV
from tasks.materials import perovskite as PVT
from tasks.materials import xrd_indexing as X
from tests.tasks._levels import assert_complexity_rises

MODULES = ("hull_systems", "defects", "xrd_indexing", "perovskite", "packing")
#: Private modules whose task classes a family module registers.
HELPERS = {"packing": ("_density_defects",)}


def _ids(module: str) -> list[str]:
    homes = {f"tasks.materials.{m}" for m in (module, *HELPERS.get(module, ()))}
    return sorted(tid for tid in bootcamp.list_tasks("materials/*")
                  if type(bootcamp.get_task(tid)).__module__ in homes)


ALL_IDS = [tid for m in MODULES for tid in _ids(m)]

HOSTILE = [
    "", " ", "{}", "[]", "none", "NaN", "nan, nan", "inf", "-inf", "1e999", "0x10", "1/0", "\\infty",
    "9" * 5000, "(" * 3000 + ")" * 3000, "{" * 500 + "}" * 500, "[[[[1, 2], [3]]]]",
    "Fe2O3: NaN, Fe: 0.5", "Fe2O3: 1e308, Fe: -1e308", "Fe2O3: 0.5, Fe2O3: 0.5", "Xx9999Q: 1",
    "(1 1 1), " * 2000, "(1 1 1)(2 0 0)" * 500, "(99999 0 0)", "(a b c)", "cPcPcP" * 3000, "C" * 100_000,
    "yes" * 10_000, "A, B, C, D, E", "\\boxed{\\boxed{\\boxed{1}}}", "Li" * 5000 + ": 1",
    "1, 2, 3, " * 3000, "((((((((((((((((((((Fe))))))))))))))))))))2O3: 1", "\x00\x01\x02", "𝟡𝟡𝟡𝟡𝟡𝟡.𝟡",
]


def test_about_sixty_distinct_ids_registered():
    counts = {m: len(_ids(m)) for m in MODULES}
    assert all(n >= 5 for n in counts.values()), counts
    assert sum(counts.values()) >= 50, counts


@pytest.mark.parametrize("task_id", ALL_IDS)
def test_reference_scores_one_and_perturbations_do_not(task_id):
    task = bootcamp.get_task(task_id)
    for level in range(1, task.n_levels + 1):
        for seed in (0, 7):
            p = task.problem(seed, with_answer=True, level=level)
            assert task.verify(task.format_answer(p.answer), p.identity).score == 1.0, (level, seed, p.answer)
            near = task.for_identity(p.identity).perturb(p.answer, p.identity)
            assert near, "every task offers near misses"
            for wrong in near:
                assert task.verify(task.format_answer(wrong), p.identity).score < 1.0, (level, seed, wrong)


@pytest.mark.parametrize("task_id", ALL_IDS)
def test_hostile_answers_score_low_fast_and_never_raise(task_id):
    task = bootcamp.get_task(task_id)
    p = task.problem(3, with_answer=True)
    for text in HOSTILE:
        start = time.perf_counter()
        verdict = task.verify(task.format_answer(text), p.identity)
        assert verdict.score < 1.0, text[:40]
        assert verdict.reason != "verifier_error", (text[:40], verdict)
        assert time.perf_counter() - start < 1.0, text[:40]


@pytest.mark.parametrize("task_id", ALL_IDS)
def test_levels_rise(task_id):
    assert_complexity_rises(task_id, seeds=30)


# -- hulls -----------------------------------------------------------------------------------------------


def test_decomposition_fractions_rebuild_the_composition_and_match_pymatgen():
    task = bootcamp.get_task("materials/decomposition_fractions")
    for seed in range(10):
        identity = task.problem(seed).identity
        fractions = task.value(identity)
        assert abs(sum(fractions.values()) - 1.0) < 1e-9
        target = H.phase_amounts(identity["target"])
        n = sum(target.values())
        rebuilt: dict[str, float] = {}
        for name, x in fractions.items():
            amounts = H.phase_amounts(name)
            m = sum(amounts.values())
            for el, k in amounts.items():
                rebuilt[el] = rebuilt.get(el, 0.0) + x * k / m
        assert all(abs(rebuilt.get(el, 0.0) - k / n) < 1e-9 for el, k in target.items())
        # the products lie on the hull, and the target is above it by at least the margin
        stable = set(H.analysis(identity)["stable"]) | set(identity["elements"])
        assert set(fractions) <= stable
        assert H.analysis(identity)["e_hull"][identity["target"]] >= H.MARGIN


def test_decomposition_reaction_balances_atoms():
    task = bootcamp.get_task("materials/decomposition_reaction")
    identity = task.problem(4).identity
    coefficients = task.value(identity)
    left = H.phase_amounts(identity["target"])
    right: dict[str, float] = {}
    for name, c in coefficients.items():
        for el, k in H.phase_amounts(name).items():
            right[el] = right.get(el, 0.0) + c * k
    assert all(abs(right[el] - k) < 1e-9 for el, k in left.items())


def test_formula_map_is_strict():
    kind = H.FormulaMap(0.0, 0.01)
    want = {"Fe2O3": 0.6, "Fe": 0.4}
    assert kind.check("Fe2O3: 0.6, Fe: 0.4", want) == 1.0
    assert kind.check("{Fe: 0.405; Fe4O6 = 0.6}", want) == 1.0  # order, braces, '=', a multiple of the formula
    for wrong in ("Fe2O3: 0.6", "Fe2O3: 0.6, Fe: 0.4, O: 0", "Fe2O3: 0.6, Fe: 0.45", "FeO: 0.6, Fe: 0.4",
                  "Fe2O3: 0.6, Fe2O3: 0.4", "Fe2O3 0.6, Fe 0.4", "Fe2O3: 0.6: 1, Fe: 0.4", "Fe2O3^{2+}: 0.6, Fe: 0.4",
                  "Fe2O3: 60%, Fe: 40%"):
        assert kind.check(wrong, want) < 1.0, wrong


def test_chemical_potential_windows_match_pymatgen_transition_chempots():
    task = bootcamp.get_task("materials/chemical_potential_window")
    for seed in range(8):
        identity = task.problem(seed).identity
        pd, _ = H.diagram(identity)
        anion = identity["elements"][1]
        critical = sorted(float(x) for x in pd.get_transition_chempots(Element(anion)))
        bounds = sorted({b for w in H.windows(identity).values() for b in w if math.isfinite(b)})
        # pymatgen lists the element's own reference (0) as well
        assert all(any(abs(b - c) < 1e-6 for c in critical) for b in bounds), (bounds, critical)


def test_stable_over_range_is_balanced_and_consistent():
    task = bootcamp.get_task("materials/stable_over_chemical_potential_range")
    answers = [task.problem(s, with_answer=True).answer for s in range(120)]
    assert 0.35 < answers.count("yes") / len(answers) < 0.65


def test_reaction_energy_is_exothermic_and_matches_a_hand_hull():
    system = {"elements": ["Li", "O"], "phases": [{"formula": "Li2O", "ef": -2.0}, {"formula": "Li2O2", "ef": -1.6}]}
    task = bootcamp.get_task("materials/phase_reaction_energy")
    # 2 Li + Li2O2 -> 2 Li2O: 6 atoms, products -2.0 * 6 eV, reactants -1.6 * 4 eV: (-12 + 6.4) / 6
    identity = {**system, "reactants": [["Li", 2], ["Li2O2", 1]]}
    assert task.value(identity) == pytest.approx((-12.0 + 6.4) / 6)


# -- defects ---------------------------------------------------------------------------------------------


def test_defect_formation_energy_by_hand():
    identity = {"host": "ZnO", "cation": "Zn", "anion": "O", "a": 1, "b": 1, "gap": 3.4, "vbm": 2.0, "bulk": -500.0,
                "added": {"O": -1}, "q": 2, "corr": 0.3, "fermi": 1.0, "e_def": -492.0,
                "mu": {"form": "absolute", "refs": {"O": -5.0}, "delta": {"O": -1.0}}}
    # -492 + 500 - (-1)(-6) + 2 (1 + 2) + 0.3
    assert D.formation_energy(identity, identity["e_def"], 2, 0.3, 1.0) == pytest.approx(8.0 - 6.0 + 6.0 + 0.3)
    limit = {**identity, "mu": {"form": "limit", "refs": {"Zn": -1.5, "O": -5.0}, "delta": {}, "dh": -3.6,
                                "rich": "Zn"}}
    assert D.chemical_potential(limit, "O") == pytest.approx(-5.0 - 3.6)  # O-poor: Δμ_O = ΔH_f
    assert D.chemical_potential(limit, "Zn") == pytest.approx(-1.5)


def test_transition_level_is_where_formation_energies_cross():
    task = bootcamp.get_task("materials/charge_transition_level")
    for seed in range(10):
        idt = task.problem(seed).identity
        eps = task.value(idt)
        c1, c2 = idt["corr"]
        f1 = idt["e1"] + idt["q1"] * (eps + idt["vbm"]) + c1
        f2 = idt["e2"] + idt["q2"] * (eps + idt["vbm"]) + c2
        assert f1 == pytest.approx(f2, abs=1e-9)
        assert -0.01 < eps < idt["gap"] + 0.01


def test_stable_charge_state_is_the_lowest_line_and_answers_spread():
    task = bootcamp.get_task("materials/stable_defect_charge_state")
    seen = set()
    for seed in range(60):
        idt = task.problem(seed, level=4).identity
        q = task.value(idt)
        energies = {int(k): e + int(k) * idt["fermi"] for k, e in idt["ef0"].items()}
        assert energies[q] == min(energies.values())
        seen.add(q)
    assert len(seen) >= 5


def test_negative_u_agrees_with_transition_levels():
    task = bootcamp.get_task("materials/negative_u_defect")
    for level in (1, 2, 3):
        for seed in range(10):
            idt = task.problem(seed, level=level).identity
            v = {int(q): e for q, e in idt["values"].items()}
            if idt["given"] != "ef0":
                v = {q: e + q * idt["vbm"] + idt["corr"][str(q)] for q, e in v.items()}
            plus_zero, zero_minus = v[0] - v[1], v[-1] - v[0]
            assert task.value(idt) == (plus_zero > zero_minus)


# -- XRD indexing ----------------------------------------------------------------------------------------


def test_generated_peaks_obey_bragg_and_centring():
    for lattice in X.LATTICES:
        for seed in range(5):
            pat = X.random_pattern(random.Random(seed), (lattice,), 8)
            lam = X.SOURCES[pat["source"]]
            for hkl, t in zip(pat["hkls"], pat["peaks"], strict=True):
                assert X.allowed(lattice, tuple(hkl))
                d = lam / (2 * math.sin(math.radians(t / 2)))
                assert 1 / d**2 == pytest.approx(X.inv_d2(pat, tuple(hkl)), rel=2e-3)


def test_cubic_indexing_has_one_reading_and_accepts_equivalent_indices():
    task = bootcamp.get_task("materials/xrd_index_cubic_pattern")
    idt = task.problem(2, level=3).identity
    assert len(X.cubic_readings(idt["peaks"], ("cP", "cI", "cF"))) == 1
    ref = task.solve(idt)
    permuted = ", ".join("(" + " ".join(str(-x) for x in reversed(h)) + ")" for h in idt["hkls"])
    assert task.check(permuted, idt) == 1.0  # (h k l) and (-l -k -h) are the same family
    compact = ", ".join("".join(map(str, h)) for h in idt["hkls"]) if all(max(h) < 10 for h in idt["hkls"]) else ref
    assert task.check(compact, idt) == 1.0


def test_forbidden_reflection_with_the_right_spacing_is_wrong():
    cell = {"lattice": "cI", "a": 4.0, "c": 4.0}
    kind = X.HklList(cell, [X.inv_d2(cell, (2, 2, 1))])
    # (2 2 1) and (3 0 0) share h² + k² + l² = 9 but body centring forbids both: no peak there
    assert kind.check("(2 2 1)", [[2, 2, 1]]) < 1.0
    cell_p = {"lattice": "cP", "a": 4.0, "c": 4.0}
    kind_p = X.HklList(cell_p, [X.inv_d2(cell_p, (2, 2, 1))])
    assert kind_p.check("(3 0 0)", [[2, 2, 1]]) == 1.0


def test_bravais_lattice_answers_are_balanced():
    task = bootcamp.get_task("materials/xrd_bravais_lattice")
    answers = [task.problem(s, with_answer=True).answer for s in range(100)]
    assert max(answers.count(x) for x in X.LATTICES) <= 35


# -- perovskites -----------------------------------------------------------------------------------------


def _abx3(a: tuple[str, int], b: tuple[str, int], x: tuple[str, int]) -> dict:
    return {"A": [[a[0], a[1], 1.0, PV.radius(*a, "XII")]], "B": [[b[0], b[1], 1.0, PV.radius(*b, "VI")]],
            "X": [[x[0], x[1], 1.0, PV.radius(*x, "VI")]]}


def test_known_perovskites():
    srtio3 = _abx3(("Sr", 2), ("Ti", 4), ("O", -2))
    assert PV.tolerance(srtio3) == pytest.approx((1.44 + 1.40) / (math.sqrt(2) * (0.605 + 1.40)), abs=1e-6)
    assert PV.tau(srtio3) == pytest.approx(3.80, abs=0.01) and PV.tau(srtio3) < 4.18
    assert PV.tolerance(srtio3) == pytest.approx(1.0016, abs=1e-4)  # the textbook t of about 1
    assert PVT.structure_class(_abx3(("Sr", 2), ("Zr", 4), ("O", -2))) == 3  # t = 0.947: cubic range
    assert PVT.structure_class(_abx3(("La", 3), ("In", 3), ("O", -2))) == 2  # t = 0.887: tilted (GdFeO3-type)
    assert PVT.structure_class(_abx3(("Ba", 2), ("Ti", 4), ("O", -2))) == 4  # t = 1.06: hexagonal polytypes
    assert PVT.structure_class(_abx3(("K", 1), ("Mg", 2), ("I", -1))) == 0  # μ = 0.33: no octahedra


def test_structure_class_answers_are_balanced():
    task = bootcamp.get_task("materials/perovskite_structure_class")
    answers = [task.problem(s, with_answer=True).answer for s in range(100)]
    assert max(answers.count(x) for x in "ABCDE") <= 35


# -- density and packing ---------------------------------------------------------------------------------


def test_rock_salt_density_and_volumes():
    nacl = {"amounts": {"Na": 1, "Cl": 1}, "z": 4,
            "cell": {"system": "cubic", "a": 5.64, "b": 5.64, "c": 5.64, "alpha": 90, "beta": 90, "gamma": 90}}
    assert P.x_ray_density(nacl) == pytest.approx(2.165, abs=0.005)
    hexagonal = {"a": 3.0, "b": 3.0, "c": 5.0, "alpha": 90, "beta": 90, "gamma": 120}
    assert P.cell_volume(hexagonal) == pytest.approx(math.sqrt(3) / 2 * 9 * 5)


def test_site_shares():
    # corners (1) + body centre (1) + all faces as two disjoint sets (1 + 2): fcc plus a body centre
    identity = {"sites": [["Cu", 0], ["Cu", 3], ["Cu", 4], ["Au", 5]], "interior": []}
    assert P.site_counts(identity) == {"Cu": 4.0, "Au": 1.0}


def test_lattice_parameter_from_density_inverts_density():
    task = bootcamp.get_task("materials/lattice_parameter_from_density")
    idt = task.problem(1, level=2).identity
    a = task.value(idt)
    rho = idt["z"] * P.molar_mass(idt["amounts"]) / (P.N_A * a**3 * 1e-24)
    assert rho == pytest.approx(idt["density"], rel=1e-9)
