"""Spectroscopy tasks (1H/13C NMR, MS, IR, structure elucidation): the chemistry on known molecules, levels that
rise, references that score 1.0, and wrong or hostile answers that score below 1.0 quickly and never raise."""

from __future__ import annotations

import time

import pytest

from bootcamp.registry import Registry
from bootcamp.task import Task
from tasks.chem import elucidation, spectra_ir, spectra_ms, spectra_nmr
from tasks.chem._spectra import carbon_classes, environments, parse_formula, unsaturation
from tests.tasks._levels import assert_complexity_rises

MODULES = (spectra_nmr, spectra_ms, spectra_ir, elucidation)


@pytest.fixture(scope="module")
def registry() -> Registry:
    reg = Registry(load_plugins=False)
    for module in MODULES:
        module.register(reg)
    return reg


def _labels(smiles: str) -> list[str]:
    return sorted(e.label for e in environments(smiles))


# -- the NMR model on textbook molecules -------------------------------------------------------------
@pytest.mark.parametrize(("smiles", "labels"), [
    ("CCOC(C)=O", ["2H q", "3H s", "3H t"]),  # ethyl acetate
    ("CCOCC", ["4H q", "6H t"]),  # diethyl ether: the two ethyls are equivalent
    ("Cc1ccccc1", ["1H t", "2H d", "2H t", "3H s"]),  # toluene: ortho d, meta t, para t
    ("Cc1ccc(C)cc1", ["4H s", "6H s"]),  # p-xylene: equivalent ring protons do not split each other
    ("CC(C)O", ["1H br s", "1H septet", "6H d"]),  # 2-propanol: the OH does not couple
    ("CCCO", ["1H br s", "2H sextet", "2H t", "3H t"]),  # 1-propanol: the OCH2 is a triplet, not a quartet
    ("CCC(=O)NC", ["1H br s", "2H q", "3H s", "3H t"]),  # N-methylpropanamide: NH exchanges, NCH3 a singlet
])
def test_proton_environments_and_multiplicities(smiles: str, labels: list[str]) -> None:
    assert _labels(smiles) == labels


def test_carbon_signals_and_dept() -> None:
    assert len(carbon_classes("Cc1ccc(C)cc1")) == 3
    assert len(carbon_classes("CCC(=O)CC")) == 3
    dept = spectra_nmr.Dept("chem/x", cls="carbonyl")
    assert dept.answer_of("CCC(C)=O") == [2, 1, 0, 1]  # butanone: two CH3, one CH2, one C=O


def test_multiplicity_answers_parse_by_name_or_lines(registry: Registry) -> None:
    task = registry.get("chem/h_nmr_multiplicity_alcohol")
    identity = {"smiles": "CCCO", "atom": 2}  # the OCH2 of 1-propanol: a triplet
    for answer in ("t", "triplet", "Triplet", "3", "\\text{t}"):
        assert task.check(answer, identity) == 1.0, answer
    for answer in ("q", "4", "tt", "dt", "t, q", "", "3.0"):
        assert task.check(answer, identity) < 1.0, answer


# -- mass spectrometry -------------------------------------------------------------------------------
def test_ion_masses(registry: Registry) -> None:
    identity = {"smiles": "CCO"}
    assert registry.get("chem/ms_radical_cation_mz").check("46.0413", identity) == 1.0  # 46.04186 - e
    assert registry.get("chem/ms_protonated_mz").check("47.0491", identity) == 1.0
    assert registry.get("chem/ms_sodiated_mz").check("69.0311", identity) == 1.0
    assert registry.get("chem/ms_protonated_mz").check("47.0521", identity) < 1.0  # 3 mDa off
    assert registry.get("chem/ms_nominal_mass").check("46", identity) == 1.0


def test_halogen_clusters(registry: Registry) -> None:
    pattern = registry.get("chem/ms_halogen_pattern")
    assert pattern.check("100, 32", {"formula": "C6H5Cl"}) == 1.0  # 3:1
    assert pattern.check("100, 64, 10", {"formula": "CH2Cl2"}) == 1.0  # 9:6:1
    assert pattern.check("51, 100, 49", {"formula": "C2H4Br2"}) == 1.0  # 1:2:1
    assert pattern.check("100, 97", {"formula": "C6H5Cl"}) < 1.0
    count = registry.get("chem/ms_halogen_count")
    identity = {"formula": "C7H6BrClO"}
    assert count.check("1, 1", identity) == 1.0
    assert count.check("2, 0", identity) < 1.0
    assert "m/z 220" in count.prompt(identity) and "m/z 222" in count.prompt(identity)


def test_unsaturation_and_formula_from_mass(registry: Registry) -> None:
    assert unsaturation(parse_formula("C6H6")) == 4
    assert unsaturation(parse_formula("C5H5N")) == 4
    assert unsaturation(parse_formula("C2H3Cl")) == 1
    task = registry.get("chem/ms_formula_from_accurate_mass")
    identity = {"mass": 194.08038, "formula": "C8H10N4O2"}  # caffeine
    assert task.check("C8H10N4O2", identity) == 1.0
    assert task.check("C9H10N4O", identity) < 1.0  # not within 3 ppm
    assert task.check("C8H9N4O2", identity) < 1.0  # not a closed-shell formula


def test_neutral_loss_accepts_every_loss_the_groups_allow(registry: Registry) -> None:
    task = registry.get("chem/ms_neutral_loss")
    identity = {"smiles": "CCC(=O)CCCC", "loss": 28}  # a ketone with ethyl groups: CO or C2H4
    assert task.check("CO", identity) == 1.0
    assert task.check("C2H4", identity) == 1.0
    assert task.check("N2", identity) < 1.0  # 28, but no nitrogen to lose
    assert task.check("CH3", identity) < 1.0


def test_nitrogen_rule_is_balanced(registry: Registry) -> None:
    task = registry.get("chem/ms_nitrogen_rule")
    answers = [task.problem(seed, with_answer=True).answer for seed in range(40)]
    assert 12 <= answers.count("yes") <= 28


# -- IR ----------------------------------------------------------------------------------------------
def test_ir_band_lists_name_their_groups(registry: Registry) -> None:
    task = registry.get("chem/ir_groups_from_bands")
    for seed in range(20):
        p = task.problem(seed, with_answer=True)
        assert task.check(p.answer, p.identity) == 1.0
        assert task.check("alcohol, ketone, ester, nitrile, ether", p.identity) < 1.0 or \
            set(p.identity["groups"]) == {"alcohol", "ketone", "ester", "nitrile", "ether"}
    assert spectra_ir.regions_of("CCOC(=O)c1ccccc1") == ("E", "H", "L")  # sp2 C-H, ester C=O, ring


# -- structure elucidation ---------------------------------------------------------------------------
def test_any_structure_consistent_with_the_data_scores_one(registry: Registry) -> None:
    task = registry.get("chem/elucidation_ester")
    identity = task.problem(0).identity | {"smiles": "CC(=O)OC(C)(C)C"}  # tert-butyl acetate
    assert task.check("CC(=O)OC(C)(C)C", identity) == 1.0
    # methyl pivalate: another isomer, the same summary (9H s, 3H s; 4 carbon signals; an ester)
    assert task.check("COC(=O)C(C)(C)C", identity) == 1.0
    assert task.check("CCCC(=O)OCC", identity) < 1.0  # ethyl butanoate: same formula, other 1H and 13C
    assert task.check("CC(C)(C)CC(=O)O", identity) < 1.0  # an acid: other IR groups and 1H signals
    assert task.check("CC(=O)OC(C)C", identity) == 0.0  # other formula


# -- every family: references, perturbations, levels ------------------------------------------------
FAMILY_IDS = ("chem/h_nmr_signal_count_aromatic", "chem/h_nmr_integration_carbonyl",
              "chem/h_nmr_multiplicity_ester", "chem/c13_nmr_signal_count_amine", "chem/c13_dept_halide",
              "chem/ms_protonated_mz", "chem/ms_halogen_count", "chem/ms_halogen_pattern", "chem/ms_neutral_loss",
              "chem/ms_formula_from_accurate_mass", "chem/unsaturation_from_formula", "chem/ms_nitrogen_rule",
              "chem/ir_groups_from_bands", "chem/ir_carbonyl_type", "chem/ir_bands_of_molecule",
              "chem/elucidation_alkene")


@pytest.mark.parametrize("task_id", FAMILY_IDS)
def test_reference_scores_one_and_perturbations_less(registry: Registry, task_id: str) -> None:
    task = registry.get(task_id)
    for level in (1, task.n_levels):
        for seed in range(3):
            p = task.problem(seed, with_answer=True, level=level)
            assert task.verify(task.format_answer(p.answer), p.identity).score == 1.0
            for wrong in task.at_level(level).perturb(p.answer, p.identity):
                assert task.verify(task.format_answer(wrong), p.identity).score < 1.0, wrong


@pytest.mark.parametrize("task_id", FAMILY_IDS)
def test_levels_rise(task_id: str) -> None:
    assert_complexity_rises(task_id)


def test_about_sixty_distinct_questions(registry: Registry) -> None:
    ids = registry.ids(domain="chem")
    assert 55 <= len(ids) <= 70, len(ids)


# -- hostile answers -----------------------------------------------------------------------------------
HOSTILE = [
    "", "nan", "NaN", "inf", "-inf", "1e309", "9" * 5000, "C" * 100_000, "(" * 5000 + ")" * 5000,
    "[" * 3000 + "1" + "]" * 3000, "{" * 2000, "c1" * 2000, "C1CC" * 600, "[Na+].[Cl-]" * 200,
    "C(C(C(C(C(C(C(C(C(C(C(C(C(C(C(C(C(C(C(C))))))))))))))))))))", "InChI=1S/" + "C" * 3000,
    "\\boxed{\\boxed{\\boxed{1}}}", "1, " * 20_000, "C999H9999N999", "Cl" * 500, "{\"a\": [[[[[]]]]]}",
    "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",  # 79 carbons
    "[2H]C([2H])([2H])OC(=O)C(C)(C)C", "[CH2+]C", "[CH2]C", "C.C", "\x00\x01", "é" * 300,
]


@pytest.mark.parametrize("task_id", FAMILY_IDS + ("chem/elucidation_ester", "chem/ms_nominal_mass",
                                                  "chem/ir_xh_type"))
def test_hostile_answers_score_low_quickly(registry: Registry, task_id: str) -> None:
    task = registry.get(task_id)
    p = task.problem(1)
    for answer in HOSTILE:
        start = time.perf_counter()
        verdict = task.verify(task.format_answer(answer), p.identity)
        assert verdict.score < 1.0, answer[:40]
        assert verdict.reason != "verifier_error", (answer[:40], verdict.detail)
        assert time.perf_counter() - start < 0.5 * Task.time_budget, answer[:40]
        raw = task.check(answer, p.identity)  # check itself never raises either
        assert raw < 1.0


def test_elucidation_refuses_labelled_charged_and_huge_answers(registry: Registry) -> None:
    task = registry.get("chem/elucidation_ester")
    identity = task.problem(0).identity | {"smiles": "CC(=O)OC(C)(C)C"}
    assert task.check("[2H]C([2H])([2H])C(=O)OC(C)(C)C", identity) < 1.0  # deuterium is not hydrogen
    assert task.check("CC(=O)[O-].C[C+](C)C", identity) < 1.0  # an ion pair with the right atoms
    assert task.check("C" * 61, identity) < 1.0
