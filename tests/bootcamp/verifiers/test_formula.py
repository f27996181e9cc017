"""Formula parsing, formula equivalence and CIF structure matching."""

import time

import pytest
from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifWriter

from bootcamp.hostile import hostile_answers
from bootcamp.verifiers.formula import (
    check_formula,
    check_structure,
    parse_cif,
    parse_formula,
    same_composition,
)


@pytest.mark.parametrize("text", [
    "Fe2O3", "Fe_2O_3", "Fe_{2}O_{3}", r"\mathrm{Fe_2O_3}", r"$\mathrm{Fe}_{2}\mathrm{O}_{3}$", "Fe₂O₃",
    r"\ce{Fe2O3}", "Fe2 O3", "O3Fe2",
])
def test_parse_formula_accepts_common_spellings(text):
    comp = parse_formula(text)
    assert comp is not None
    assert comp.reduced_formula == "Fe2O3"


def test_parse_formula_groups_hydrates_and_fractions():
    assert parse_formula("Ca3(PO4)2").formula.replace(" ", "") == "Ca3P2O8"
    hydrate = parse_formula("CuSO4·5H2O")
    assert hydrate["H"] == 10 and hydrate["O"] == 9
    assert parse_formula("La0.8Sr0.2MnO3")["Sr"] == pytest.approx(0.2)


@pytest.mark.parametrize("text", [
    "Fe1000000000000O1", "Xx9Yy8", "garbage", "NACL", "Fe2O3)", "((Fe)", "Fe0O3", "D2O", "", "2", "H" + "2" * 400,
    "x" * 50_000, "Fe2O3" * 30, None, 42,
])
def test_parse_formula_rejects_nonsense(text):
    assert parse_formula(text) is None


def test_check_formula_compares_atom_for_atom_by_default():
    assert check_formula("O3Fe2", "Fe2O3") == 1.0
    assert check_formula("C2H4O2", "C2H4O2") == 1.0
    assert check_formula("Fe4O6", "Fe2O3") == 0.0
    assert check_formula("CH2O", "C2H4O2") == 0.0  # formaldehyde is not acetic acid
    assert check_formula("CH2O", "C6H12O6") == 0.0  # nor glucose
    assert check_formula("C2H4O2", "CH2O") == 0.0
    assert check_formula("FeO", "Fe2O3") == 0.0
    assert check_formula("Co2O3", "Fe2O3") == 0.0
    assert check_formula("CO", "Co") == 0.0  # case matters: carbon monoxide is not cobalt


def test_check_formula_compares_reduced_compositions_when_asked():
    assert check_formula("Fe4O6", "Fe2O3", reduced=True) == 1.0
    assert check_formula("FeO1.5", "Fe2O3", reduced=True) == 1.0
    assert check_formula("CH2O", "C6H12O6", reduced=True) == 1.0  # why molecules must not ask for it
    assert check_formula("FeO", "Fe2O3", reduced=True) == 0.0
    assert check_formula("Fe2O3S", "Fe2O3", reduced=True) == 0.0


@pytest.mark.parametrize("reduced", [False, True])
def test_same_composition_never_matches_other_elements(reduced):
    a, b = parse_formula("Fe2O3"), parse_formula("Fe2S3")
    assert not same_composition(a, b, reduced)
    assert same_composition(parse_formula("Fe2O3"), parse_formula("O3Fe2"), reduced)


def test_check_formula_invalid_answer_has_reason():
    score = check_formula("not a formula", "Fe2O3")
    assert score == 0.0 and score.reason == "invalid_answer"


@pytest.mark.parametrize("reduced", [False, True])
def test_check_formula_survives_hostile_answers_quickly(reduced):
    start = time.perf_counter()
    for h in hostile_answers():
        assert check_formula(h, "NaCl", reduced=reduced) < 1.0
        assert check_formula(h, "C6H12O6", reduced=reduced) < 1.0
    assert time.perf_counter() - start < 2.0


def _rocksalt(a: float, cation: str = "Na") -> Structure:
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(a), [cation, "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def test_check_structure_matches_equivalent_cells():
    truth = str(CifWriter(_rocksalt(5.64)))
    primitive = str(CifWriter(_rocksalt(5.64).get_primitive_structure()))
    symmetrised = str(CifWriter(_rocksalt(5.64), symprec=0.01))
    assert check_structure(truth, truth) == 1.0
    assert check_structure(primitive, truth) == 1.0
    assert check_structure(symmetrised, truth) == 1.0


def test_check_structure_rejects_wrong_lattice_and_species():
    truth = str(CifWriter(_rocksalt(5.64)))
    assert check_structure(str(CifWriter(_rocksalt(6.2))), truth) == 0.0
    assert check_structure(str(CifWriter(_rocksalt(5.64, "K"))), truth) == 0.0
    fewer = _rocksalt(5.64)
    fewer.remove_sites([0])
    assert check_structure(str(CifWriter(fewer)), truth) == 0.0


def test_check_structure_invalid_and_oversized_cifs():
    truth = str(CifWriter(_rocksalt(5.64)))
    for bad in ["garbage", "data_x\n_cell_length_a 5", "x" * 50_000, ""]:
        score = check_structure(bad, truth)
        assert score == 0.0 and score.reason == "invalid_answer"
    huge = str(CifWriter(_rocksalt(5.64) * (4, 4, 4)))  # 512 sites: over the cap
    assert parse_cif(huge) is None
    assert check_structure(huge, truth).reason == "invalid_answer"


def test_check_structure_is_fast_on_hostile_answers():
    truth = str(CifWriter(_rocksalt(5.64)))
    start = time.perf_counter()
    for h in hostile_answers():
        assert check_structure(h, truth) < 1.0
    assert time.perf_counter() - start < 1.0


_HEADER = """# a comment line
data_test
{tag}
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
 _atom_site_label
 _atom_site_type_symbol
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
 _atom_site_occupancy
{rows}
"""


def test_check_structure_reads_symmetric_cifs_without_operations():
    truth = str(CifWriter(_rocksalt(5.64)))
    rows = "  Na1 Na 0 0 0 1\n  Cl1 Cl 0.5 0.5 0.5 1"
    for tag in ["_symmetry_space_group_name_H-M 'F m -3 m'", "_space_group_name_H-M_alt 'Fm-3m'",
                "_symmetry_Int_Tables_number 225"]:
        assert check_structure(_HEADER.format(tag=tag, rows=rows), truth) == 1.0, tag
    unknown = _HEADER.format(tag="_symmetry_space_group_name_H-M 'Q 9'", rows=rows)
    assert check_structure(unknown, truth).reason == "invalid_answer"


def test_check_structure_refuses_cifs_that_expand_to_thousands_of_sites():
    # 60 general positions in Fm-3m expand to 11,520 sites: pymatgen would take minutes.
    rows = "\n".join(f"  Na{i} Na 0.{i + 11:02d} 0.{i + 23:02d} 0.{i + 37:02d} 1" for i in range(60))
    bomb = _HEADER.format(tag="_symmetry_space_group_name_H-M 'F m -3 m'", rows=rows)
    truth = str(CifWriter(_rocksalt(5.64)))
    start = time.perf_counter()
    assert check_structure(bomb, truth).reason == "invalid_answer"
    assert time.perf_counter() - start < 0.5
