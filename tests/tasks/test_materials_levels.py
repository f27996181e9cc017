"""Difficulty levels of the materials composition and oxidation-state tasks: complexity rises level by level."""

from __future__ import annotations

import math
from collections import Counter

import pytest

import bootcamp
from tasks.materials.composition import comp, random_compound

SEEDS = range(30)


def _means(task_id: str) -> list[float]:
    task = bootcamp.get_task(task_id)
    return [sum(task.complexity(task.problem(s, level=lvl).identity) for s in SEEDS) / len(SEEDS)
            for lvl in range(1, task.n_levels + 1)]


@pytest.mark.parametrize("task_id", [
    "materials/molar_mass", "materials/oxidation_state", "materials/charge_balanced",
    "materials/empirical_formula_from_mass_percent", "materials/solid_solution_molar_mass",
    "materials/formula_from_ions", "materials/tolerance_factor", "materials/radius_ratio_coordination",
    "materials/oxygen_nonstoichiometry", "materials/tga_mass_loss",
    # one class of each file given levels later
    "materials/zener_anisotropy", "materials/born_stability", "materials/theoretical_capacity",
    "materials/lithium_content_after_charge", "materials/absorption_edge_wavelength",
    "materials/vacancy_concentration", "materials/diffusion_activation_energy", "materials/doping_oxygen_vacancies",
    "materials/strained_cell_angle", "materials/epitaxial_c_parameter", "materials/plane_normal_angle",
    "materials/vegard_composition", "materials/thermal_expansion_lattice", "materials/miller_indices_from_intercepts",
    "materials/zone_axis", "materials/planar_density", "materials/interstitial_site_radius",
    "materials/theoretical_yield", "materials/limiting_reagent", "materials/hydrate_water_count",
    "materials/evolved_gas_volume", "materials/reaction_enthalpy", "materials/scherrer_crystallite_size",
    "materials/balance_reaction", "materials/reaction_coefficient", "materials/xrd_peak_position",
    "materials/xrd_lattice_parameter", "materials/xrd_reflection_allowed", "materials/formation_energy_per_atom",
])
def test_levels_rise(task_id):
    means = _means(task_id)
    assert len(means) >= 3
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means


def test_random_compound_is_charge_balanced():
    import random

    rng = random.Random(7)
    for n in (2, 3, 4, 5, 6):
        for _ in range(50):
            c = random_compound(rng, n, 5)
            assert len(c["amounts"]) == n
            assert sum(c["oxi"][el] * k for el, k in c["amounts"].items()) == 0
            assert math.gcd(*c["amounts"].values()) == 1
            assert {e.symbol for e in comp(c["formula"]).elements} == set(c["amounts"])


def test_oxidation_state_answers_spread():
    task = bootcamp.get_task("materials/oxidation_state")
    answers = Counter(task.solve(task.problem(s).identity) for s in range(300))
    assert answers.most_common(1)[0][1] / 300 < 0.2
    assert len({task.problem(s).prompt for s in range(300)}) >= 297


def test_molar_mass_problems_distinct_and_solved():
    task = bootcamp.get_task("materials/molar_mass")
    for lvl in range(1, task.n_levels + 1):
        probs = [task.problem(s, level=lvl) for s in range(200)]
        assert len({p.prompt for p in probs}) >= 198
        leveled = task.at_level(lvl)
        for p in probs[:10]:
            assert leveled.check(leveled.solve(p.identity), p.identity) == 1.0


def test_level_identity_and_hostile_answers():
    task = bootcamp.get_task("materials/oxidation_states")
    p = task.problem(3, level=5)
    assert p.identity["level"] == 5
    for bad in ["", "Fe: +99999999999", "x" * 10_000, "Fe: +3, Fe: +2", "\\boxed{O: -2}"]:
        assert task.check(bad, p.identity) < 1.0


def test_restated_inputs_give_the_same_answer():
    """Compliances, unit conversions and d-spacings restate the same problem: the answer follows the prompt."""
    from tasks.materials.elastic import _props, _voigt

    task = bootcamp.get_task("materials/bulk_modulus")
    for seed in range(10):
        ident = task.problem(seed, level=4).identity
        s11, s12 = (v * {"GPa^-1": 1e3, "Mbar^-1": 10.0, "Pa^-1": 1e12}.get(u, 1.0) for _, v, u in ident["given"][:2])
        assert math.isclose(1 / (3 * (s11 + 2 * s12) / 1000), _props(ident["c11"], ident["c12"], ident["c44"])["k_voigt"],
                            rel_tol=2e-4)
        assert _voigt(ident["c11"], ident["c12"], ident["c44"]).shape == (6, 6)
    vegard = bootcamp.get_task("materials/vegard_composition")
    for seed in range(10):
        p = vegard.problem(seed, level=3, with_answer=True)
        assert abs(float(p.answer) - p.identity["x"]) < 0.003, p.identity
    gas = bootcamp.get_task("materials/evolved_gas_volume")
    p = gas.problem(1, level=3)
    tc, shown, unit = p.identity["units"]
    assert f"{tc} °C" in p.prompt and unit in p.prompt


def test_doping_levels_agree():
    """Two dopants in mol% with the second at 0 mol% give the single-dopant (original) answer."""
    task = bootcamp.get_task("materials/doping_oxygen_vacancies")
    one = {"host": "ZrO2", "dopant": "Y2O3", "cation": "Y", "charge": 3, "mol_percent": 8.0}
    two = {"host": "ZrO2", "basis": "mol", "dopants": [["Y2O3", "Y", 3, 8.0], ["CaO", "Ca", 2, 0.0]], "level": 4}
    assert math.isclose(task.value(one), task.at_level(4).value(two))
    assert task.verify("\\boxed{1e9}", two).score < 1.0


def test_generated_syntheses_balance():
    """Every generated synthesis balances: each element has the same count on both sides."""
    import random

    from tasks.materials.reactions import balance_species, synthesis

    rng = random.Random(3)
    for cations in (2, 3, 5):
        for _ in range(20):
            reactants, products = synthesis(rng, cations, 4)
            coefs = balance_species(tuple(reactants), tuple(products))
            left, right = Counter(), Counter()
            for c, s in zip(coefs, reactants + products, strict=True):
                side = left if s in reactants else right
                for el, n in comp(s).items():
                    side[el.symbol] += c * n
            assert left == right, (reactants, products, coefs)


def test_reflection_rules():
    """Extinctions: bcc (1 0 0) absent, fcc (1 1 1) present, hcp (0 0 1) absent, C-centred (1 1 0) present."""
    from tasks.materials.xrd import allowed

    assert not allowed("body-centred cubic", [1, 0, 0])
    assert allowed("face-centred cubic", [-1, 1, 1])
    assert not allowed("hexagonal close-packed", [0, 0, 1])
    assert allowed("hexagonal close-packed", [1, 0, 1])
    assert allowed("C-centred orthorhombic", [1, 1, 0]) and not allowed("C-centred orthorhombic", [1, 0, 0])
    assert not allowed("diamond cubic", [2, 0, 0]) and allowed("diamond cubic", [4, 0, 0])
