"""The materials task library: reference answers, hand-checked values, wrong and invalid answers."""

import math

import pytest

import bootcamp
from tasks.materials import _structures as S
from tasks.materials.elastic import _props, elastic_tensor
from tasks.materials.reactions import REACTIONS, balance
from tasks.materials.stability import hull_info

IDS = bootcamp.list_tasks("materials/*")


def _task(task_id):
    return bootcamp.get_task(task_id)


def test_library_size_and_loading():
    assert len(IDS) >= 110
    assert "builtin" not in bootcamp.REGISTRY.plugin_errors


@pytest.mark.parametrize("task_id", IDS)
def test_reference_scores_one_and_perturbations_do_not(task_id):
    task = _task(task_id)
    for seed in range(3):
        p = task.problem(seed, with_answer=True)
        assert task.verify(task.format_answer(p.answer), p.identity).correct, (task_id, seed, p.answer)
        for wrong in task.perturb(p.answer, p.identity):
            if wrong.strip() != p.answer.strip():
                assert task.check(wrong, p.identity) < 1.0, (task_id, seed, wrong)
    verdict = task.verify(task.format_answer("#?!"), p.identity)
    assert verdict.score == 0.0 and verdict.reason == "invalid_answer", (task_id, verdict)


def _crystal(proto, species, a, **extra):
    return {"proto": proto, "species": species, "a": a, **extra}


def test_structures_by_hand():
    nacl = _crystal("rocksalt", ["Na", "Cl"], 5.64)
    assert S.symmetry(nacl)["number"] == 225
    assert S.structure(nacl).density == pytest.approx(4 * 58.443 / 6.02214076e23 / (5.64e-8) ** 3, rel=1e-3)
    assert S.shortest_distance(nacl) == pytest.approx(2.82, rel=1e-5)
    assert S.coordination(nacl, "Na", "Cl") == 6
    cscl = _crystal("cscl", ["Cs", "Cl"], 4.12)
    assert S.coordination(cscl, "Cs", "Cl") == 8
    assert S.shortest_distance(cscl) == pytest.approx(4.12 * math.sqrt(3) / 2, rel=1e-5)
    rutile = _crystal("rutile", ["Ti", "O"], 4.594, c=2.959, u=0.305)
    assert S.symmetry(rutile)["symbol"] == "P4_2/mnm"
    assert S.coordination(rutile, "Ti", "O") == 6 and S.coordination(rutile, "O", "Ti") == 3
    wurtzite = _crystal("wurtzite", ["Zn", "O"], 3.25, c=5.21, u=0.382)
    assert S.symmetry(wurtzite)["number"] == 186 and S.coordination(wurtzite, "Zn", "O") == 4
    spinel = _crystal("spinel", ["Mg", "Al", "O"], 8.08, u=0.387)
    assert len(S.structure(spinel)) == 56 and S.symmetry(spinel)["primitive_sites"] == 14
    assert S.formula(spinel) == "MgAl2O4"
    assert S.formula(_crystal("fluorite", ["O", "Li"], 4.61)) == "Li2O"
    assert S.symmetry(_crystal("diamond", ["Si"], 5.431))["symbol"] == "Fd-3m"
    assert S.symmetry(_crystal("cdi2", ["Cd", "I"], 4.24, c=6.84, u=0.25))["crystal_system"] == "trigonal"


def test_composition_values_by_hand():
    assert _task("materials/molar_mass").check("159.69", {"formula": "Fe2O3"}) == 1.0
    assert _task("materials/molar_mass").check("143.09", {"formula": "Fe2O3"}) == 0.0
    wt = _task("materials/mass_fraction")
    assert wt.check("69.94", {"formula": "Fe2O3", "element": "Fe"}) == 1.0
    assert wt.check("30.06", {"formula": "Fe2O3", "element": "Fe"}) == 0.0
    assert _task("materials/electron_count").check("76", {"formula": "Fe2O3"}) == 1.0
    assert _task("materials/reduced_formula").check("Fe2O3", {"cell": {"Fe": 4, "O": 6}}) == 1.0
    assert _task("materials/reduced_formula").check("Fe4O6", {"cell": {"Fe": 4, "O": 6}}) == 0.0


def test_oxidation_tasks():
    states = _task("materials/oxidation_states")
    ident = {"formula": "LiFePO4", "oxi": {"Li": 1, "Fe": 2, "P": 5, "O": -2}}
    assert states.check("Li: +1, Fe: +2, P: +5, O: -2", ident) == 1.0
    assert states.check("Fe: 2+, Li: 1+, O: 2-, P: 5+", ident) == 1.0
    assert states.check("Li: +1, Fe: +3, P: +5, O: -2", ident) == 0.0
    assert states.check("nonsense", ident).reason == "invalid_answer"
    avg = _task("materials/average_oxidation_state")
    assert avg.check("2.667", {"formula": "Fe3O4", "element": "Fe"}) == 1.0
    assert avg.check("3", {"formula": "Fe3O4", "element": "Fe"}) == 0.0
    t = _task("materials/tolerance_factor")
    ident = {"formula": "SrTiO3", "radii": {"A": 1.44, "B": 0.605, "X": 1.40}}
    assert t.check("1.002", ident) == 1.0
    assert _task("materials/formula_from_ions").check("Al2(SO4)3", {"cation": "Al", "qc": 3, "anion": "SO4", "qa": -2}) == 1.0


def _sym(crystal):
    """A prototype crystal written as a generated one (cell and every atom), as the symmetry tasks pose it."""
    s = S.structure(crystal)
    lat = [round(x, 4) for x in (*s.lattice.abc, *s.lattice.angles)]
    return {"sym": {"lattice": lat, "sites": [[x.specie.symbol, [round(float(v), 6) for v in x.frac_coords]]
                                              for x in s]}}


def test_space_group_symbol_spellings():
    task = _task("materials/space_group_symbol")
    ident = _sym(_crystal("wurtzite", ["Ga", "N"], 3.19, c=5.19, u=0.377))
    for good in ["P6_3mc", "P63mc", "P 6_3 m c", "$P6_{3}mc$", r"\mathrm{P6_3mc}"]:
        assert task.check(good, ident) == 1.0, good
    for bad in ["P6/mmm", "P6_3/mmc", "Fm-3m"]:
        assert task.check(bad, ident) == 0.0, bad
    assert task.check("225", ident).reason == "invalid_answer"
    cubic = _sym(_crystal("rocksalt", ["Mg", "O"], 4.21))
    assert task.check(r"Fm\bar{3}m", cubic) == 1.0
    assert task.check("F m -3 m", cubic) == 1.0
    assert _task("materials/point_group").check("m-3m", cubic) == 1.0
    assert _task("materials/point_group").check("4/m-32/m", cubic) == 1.0
    assert _task("materials/crystal_system").check("Cubic", cubic) == 1.0
    assert _task("materials/space_group_number").check("225", cubic) == 1.0


def test_symmetry_answers_are_drawn_first():
    """Generated crystals carry the drawn space group, and no crystal system or point group dominates."""
    from collections import Counter

    from tasks.materials import _symgen as G

    systems, groups = Counter(), Counter()
    task = _task("materials/point_group")
    for seed in range(40):
        p = task.problem(seed, with_answer=True, level=1)
        sym = G.symmetry(p.identity["sym"])
        systems[sym["crystal_system"]] += 1
        groups[p.answer] += 1
        assert len(p.identity["sym"]["sites"]) <= 12
    assert len(systems) == 7 and max(systems.values()) <= 12
    assert max(groups.values()) <= 8


@pytest.mark.parametrize("task_id", ["materials/crystal_system", "materials/density", "materials/cif_density",
                                     "materials/energy_above_hull", "materials/is_stable"])
def test_levels_rise(task_id):
    task = _task(task_id)
    assert len(task.levels) >= 4 and task.at_level(task.default_level) is task
    means = []
    for level in range(1, len(task.levels) + 1):
        ids = [task.problem(seed, level=level).identity for seed in range(30)]
        assert all(i["level"] == level for i in ids)
        means.append(sum(task.at_level(level).complexity(i) for i in ids) / len(ids))
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means


def test_miller_indices():
    task = _task("materials/miller_indices_from_intercepts")
    ident = {"hkl": [1, -1, 0], "scale": 1}
    for good in ["(1 -1 0)", r"(1\bar{1}0)", "1,-1,0", "(-1 1 0)", "1-10"]:
        assert task.check(good, ident) == 1.0, good
    assert task.check("(2 -2 0)", ident) == 0.0
    direction = _task("materials/miller_bravais_direction")
    assert direction.check("[2 -1 -1 0]", {"given": [1, 0, 0]}) == 1.0
    assert direction.check("[-2 1 1 0]", {"given": [1, 0, 0]}) == 0.0  # the opposite direction


def test_xrd_values_by_hand():
    cu = {"crystal": _crystal("fcc", ["Cu"], 3.615), "source": "Cu Kα"}
    two_theta_111 = 2 * math.degrees(math.asin(1.54184 * math.sqrt(3) / (2 * 3.615)))
    assert _task("materials/xrd_strongest_peak").check(f"{two_theta_111:.2f}", cu) == 1.0
    assert _task("materials/xrd_strongest_hkl").check("(1 1 1)", cu) == 1.0
    assert _task("materials/xrd_strongest_hkl").check("(2 0 0)", cu) == 0.0
    pos = _task("materials/xrd_peak_position")
    assert pos.check(f"{two_theta_111:.3f}", {**cu, "hkl": [1, 1, 1]}) == 1.0
    allowed = _task("materials/xrd_reflection_allowed")
    assert allowed.check("no", {"lattice": "body-centred cubic", "hkl": [1, 0, 0]}) == 1.0
    assert allowed.check("no", {"lattice": "diamond cubic", "hkl": [2, 0, 0]}) == 1.0
    assert allowed.check("yes", {"lattice": "diamond cubic", "hkl": [4, 0, 0]}) == 1.0


def test_reactions_are_uniquely_balanced():
    for i, (reactants, products) in enumerate(REACTIONS):
        coef = balance(i)
        assert len(coef) == len(reactants) + len(products) and min(coef) > 0
        assert math.gcd(*coef) == 1


def test_balance_reaction_checks_the_balance():
    task = _task("materials/balance_reaction")
    i = next(k for k, r in enumerate(REACTIONS) if r == (["C3H8", "O2"], ["CO2", "H2O"]))
    ident = {"reaction": i}
    assert task.check("1, 5, 3, 4", ident) == 1.0
    assert task.check("1; 5; 3; 4", ident) == 1.0
    assert task.check("1, 5, 3, 5", ident) == 0.0
    assert task.check("2, 10, 6, 8", ident) == 0.0  # balanced but not the smallest whole numbers
    assert task.check("1, 5, 3", ident) == 0.0
    assert task.check("one, five", ident).reason == "invalid_answer"


def test_stability_by_hand():
    system = {"elements": ["Li", "Si"], "target": 1,
              "phases": [{"formula": "LiSi", "ef": -1.0}, {"formula": "Li2Si", "ef": -0.5}]}
    info = hull_info(system)
    assert info["e_hull"] == pytest.approx(1 / 6, abs=1e-6)  # hull at x_Si = 1/3 is -2/3
    assert sorted(info["products"]) == ["Li", "LiSi"] and info["stable"] == ["LiSi"]
    assert _task("materials/energy_above_hull").check("0.1667", system) == 1.0
    assert _task("materials/is_stable").check("no", system) == 1.0
    assert _task("materials/decomposition_products").check("LiSi, Li", system) == 1.0
    assert _task("materials/decomposition_products").check("LiSi", system) == 0.0
    assert _task("materials/stable_phases").check("LiSi, Li2Si", system) == 0.0


def test_cif_tasks_reject_wrong_structures():
    task = _task("materials/write_cif")
    p = task.problem(0, with_answer=True)
    assert task.check(p.answer, p.identity) == 1.0
    other = task.problem(1, with_answer=True)
    assert task.check(other.answer, p.identity) < 1.0
    assert task.check("data_x\nnot a cif", p.identity).reason == "invalid_answer"


def test_elastic_closed_forms_match_pymatgen():
    for c in [(168, 121, 75), (49, 13, 13), (1076, 125, 577)]:
        p, et = _props(*c), elastic_tensor(*c)
        assert p["g_reuss"] == pytest.approx(et.g_reuss)
        assert p["y_mod"] == pytest.approx(et.y_mod / 1e9)
        assert p["poisson"] == pytest.approx(et.homogeneous_poisson)
        assert p["universal_anisotropy"] == pytest.approx(et.universal_anisotropy)
    e100 = _task("materials/directional_youngs_modulus")
    ident = {"material": "Cu", "c11": 168.0, "c12": 121.0, "c44": 75.0, "density": 8.96, "direction": "[100]"}
    s11 = (168 + 121) / ((168 - 121) * (168 + 2 * 121))
    assert e100.check(f"{1 / s11:.2f}", ident) == 1.0


def test_numeric_answers_refuse_expressions():
    task = _task("materials/charge_balance_stoichiometry")
    ident = {"amounts": {"Fe": 2.0, "O": 3.0}, "unknown": "Fe", "oxi": {"Fe": 3, "O": -2}}
    assert task.check("2", ident) == 1.0
    assert task.check("2^2^2", ident).reason == "invalid_answer"
    assert task.check("2**1", ident).reason == "invalid_answer"
