"""Biology task library: registration, reference answers, wrong answers, known values.

Reference values marked "Biopython" were computed once with Biopython 1.84 (not a dependency).
"""

from __future__ import annotations

import importlib
import pkgutil
from fractions import Fraction

import pytest
from _levels import assert_complexity_rises

from bootcamp.registry import Registry
from tasks.biology._seq import codon_table, translate
from tasks.biology.genetics import offspring
from tasks.biology.phylogenetics import clades, fitch_score, parse_newick, upgma
from tasks.biology.proteins import AVERAGE, isoelectric_point, net_charge
from tasks.biology.restriction import fragments, sites
from tasks.biology.sequences import tm_nearest_neighbour
from tasks.biology.strings import longest_common_substring_length, motif_positions
from tasks.common.strings import edit_distance


def _registry(domain: str) -> Registry:
    reg = Registry(load_plugins=False)
    pkg = importlib.import_module(f"tasks.{domain}")
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"tasks.{domain}.{info.name}").register(reg)
    return reg


REG = _registry("biology")
IDS = REG.ids()


def check(task_id: str, answer: str, identity: dict) -> float:
    return float(REG.get(task_id).check(answer, identity))


def test_enough_ids_and_examples_kept() -> None:
    assert len(IDS) >= 55
    assert {"biology/reverse_complement", "biology/gc_content"} <= set(IDS)


@pytest.mark.parametrize("task_id", IDS)
def test_reference_perturbed_invalid(task_id: str) -> None:
    t = REG.get(task_id)
    for seed in range(3):
        p = t.problem(seed, with_answer=True)
        assert t.verify(t.format_answer(p.answer), p.identity).correct, p.answer
        for wrong in t.perturb(p.answer, p.identity):
            if wrong.strip() != p.answer.strip():
                assert float(t.check(wrong, p.identity)) < 1.0, (wrong, p.answer)
        assert t.verify(t.format_answer("@@ not an answer @@"), p.identity).reason == "invalid_answer"


def test_codon_tables_match_ncbi() -> None:
    # Biopython: Seq("ATGAGATGAATAAGG").translate(table=2) == "M*WM*", table 6 "ATGTAATAGCTGTGA" -> "MQQL*"
    assert translate("ATGAGATGAATAAGG", codon_table(2)) == "M*WM*"
    assert translate("ATGTAATAGCTGTGA", codon_table(6)) == "MQQL*"
    assert codon_table(3)["CTT"] == "T" and codon_table(1)["CTT"] == "L"


def test_translation_tasks_use_their_table() -> None:
    ident = {"sequence": "AUGUGAAAAUAG"}
    assert check("biology/translate_table2", "MWK", ident) == 1.0
    assert check("biology/translate_mrna", "MWK", ident) == 0.0
    assert check("biology/translate_table2", "M W K", ident) == 1.0


def test_reverse_translation_accepts_synonyms_only() -> None:
    ident = {"protein": "MKL"}
    assert check("biology/reverse_translation", "ATGAAACTGTAA", ident) == 1.0
    assert check("biology/reverse_translation", "ATGAAGTTATGA", ident) == 1.0
    assert check("biology/reverse_translation", "ATGAAACTG", ident) == 0.0  # no stop
    assert check("biology/reverse_translation", "ATGAAATTTTAA", ident) == 0.0  # F, not L


def test_strand_tasks() -> None:
    ident = {"sequence": "ATGCCT"}
    assert check("biology/complement", "TACGGA", ident) == 1.0
    assert check("biology/transcription", "AUGCCU", ident) == 1.0
    assert check("biology/transcription_from_template", "AGGCAU", ident) == 1.0
    assert check("biology/transcription", "ATGCCT", ident) == 0.0


def test_melting_temperatures() -> None:
    assert REG.get("biology/tm_wallace").value({"sequence": "ATGCATGC"}) == 24
    # Biopython Tm_NN(seq, nn_table=DNA_NN3, dnac1=125, dnac2=125, saltcorr=0)
    assert tm_nearest_neighbour("CGTTGAATCCAGGTAC") == pytest.approx(59.588, abs=1e-3)
    assert tm_nearest_neighbour("AGCTTACGGATCCAAGTCA") == pytest.approx(67.559, abs=1e-3)


def test_string_algorithms() -> None:
    assert edit_distance("ACGT", "AGT") == 1
    assert edit_distance("GATTACA", "GCATGCT") == 4
    assert longest_common_substring_length("ACGTACGT", "TTACGTT") == 5
    assert motif_positions("ATATATA", "ATA") == [1, 3, 5]
    assert check("biology/motif_positions", "3, 1, 5", {"sequence": "ATATATA", "motif": "ATA"}) == 1.0
    assert check("biology/longest_common_substring", "TACGT", {"a": "ACGTACGT", "b": "TTACGTT"}) == 1.0
    assert check("biology/longest_common_substring", "ACGT", {"a": "ACGTACGT", "b": "TTACGTT"}) == 0.0


def test_restriction_digest() -> None:
    seq = "AAAAGAATTCAAAAAAAAAAGAATTCAAAA"
    assert sites(seq, "EcoRI") == [4, 20]
    assert fragments(seq, ["EcoRI"]) == [5, 9, 16]
    assert fragments(seq, ["EcoRI"], circular=True) == [14, 16]
    ident = {"sequence": seq, "enzymes": ["EcoRI"]}
    assert check("biology/restriction_fragments_linear", "16, 5, 9", ident) == 1.0
    assert check("biology/restriction_fragments_linear", "14, 16", ident) == 0.0
    assert check("biology/restriction_fragments_circular", "[14, 16]", ident) == 1.0
    assert check("biology/restriction_sites", "5, 21", ident) == 1.0


def test_protein_properties() -> None:
    t = REG.get("biology/protein_average_mass")
    # Biopython ProteinAnalysis("MKWVTFISLLLLFSSAYS").molecular_weight() = 2106.52 (slightly different masses)
    assert t.value({"protein": "MKWVTFISLLLLFSSAYS"}) == pytest.approx(2106.52, abs=0.1)
    assert t.value({"protein": "G"}) == pytest.approx(AVERAGE["G"] + 18.01524)
    assert REG.get("biology/protein_gravy").value({"protein": "MKWVTFISLLLLFSSAYS"}) == pytest.approx(1.28889, abs=1e-4)
    assert REG.get("biology/protein_extinction_coefficient").value({"protein": "WYCCC"}) == 5500 + 1490 + 125
    pi = isoelectric_point("DEKRHAC")
    assert abs(net_charge("DEKRHAC", pi)) < 1e-6
    assert isoelectric_point("KKKK") > 10 and isoelectric_point("DDDD") < 4


def test_mendelian_crosses() -> None:
    assert offspring("Aa", "Aa") == {"AA": Fraction(1, 4), "Aa": Fraction(1, 2), "aa": Fraction(1, 4)}
    ident = {"parent1": "AaBb", "parent2": "AaBb", "target": ["aa", "Bb"]}
    assert check("biology/cross_genotype_probability", "1/8", ident) == 1.0
    assert check("biology/cross_genotype_probability", "0.125", ident) == 1.0
    assert check("biology/cross_genotype_probability", "\\frac{1}{8}", ident) == 1.0
    assert check("biology/cross_genotype_probability", "1/4", ident) == 0.0
    ident = {"parent1": "AaBb", "parent2": "AaBb", "target": ["dominant", "recessive"]}
    assert check("biology/cross_phenotype_probability", "3/16", ident) == 1.0
    ratio = {"parent1": "AaBb", "parent2": "AaBb", "offspring": 32}
    assert check("biology/dihybrid_phenotype_ratio", "18:6:6:2", ratio) == 1.0
    assert check("biology/dihybrid_phenotype_ratio", "9:3:3:1", ratio) == 0.0  # counts, not the ratio
    assert check("biology/dihybrid_phenotype_ratio", "18:6:2:6", ratio) == 0.0


def test_sex_linkage_blood_groups_families() -> None:
    # Carrier mother x normal father: a son is affected with probability 1/4 over all children.
    assert check("biology/x_linked_probability", "1/4", {"mother": 1, "father": 0, "question": "an affected son"}) == 1.0
    abo = {"p1": "AO", "rh1": "DD", "p2": "BO", "rh2": "Dd", "group": "O+", "n": 1, "k": 1}
    assert check("biology/abo_blood_type_probability", "1/4", abo) == 1.0
    assert check("biology/carrier_family_binomial", "9/16", {"n": 2, "k": 0, "mode": "exactly"}) == 1.0


def test_phylogenetics() -> None:
    dist = [[0, 2, 8, 8], [2, 0, 8, 8], [8, 8, 0, 4], [8, 8, 4, 0]]
    tree, height, unique = upgma(list("ABCD"), dist)
    assert height == pytest.approx(4.0)
    assert clades(tree) == clades(parse_newick("((A,B),(C,D));"))
    assert clades(parse_newick("((B:1,A:1):3,(D:2,C:2):2);")) == clades(tree)
    assert parse_newick("((A,B)") is None and parse_newick("(" * 100 + "A" + ")" * 100) is None
    tree = parse_newick("((A,B),(C,D));")
    assert fitch_score(tree, {"A": "A", "B": "A", "C": "G", "D": "G"}) == 1
    assert fitch_score(tree, {"A": "A", "B": "G", "C": "A", "D": "G"}) == 2
    assert REG.get("biology/unrooted_tree_count").value({"n": 5}) == 15
    assert REG.get("biology/rooted_tree_count").value({"n": 5}) == 105


def test_quantitative_biology() -> None:
    assert REG.get("biology/michaelis_menten_rate").value({"Vmax": 10, "Km": 5, "S": 5}) == pytest.approx(5.0)
    assert REG.get("biology/hw_carrier_frequency").value({"N": 10000}) == pytest.approx(0.0198)
    assert REG.get("biology/pcr_cycles_needed").value({"N0": 1, "E": 1.0, "target": 1024}) == 10
    assert REG.get("biology/km_from_two_rates").value({"Vmax": 10, "Km": 7, "S1": 1, "S2": 200}) == pytest.approx(7.0)


@pytest.mark.parametrize("task_id", [
    "biology/gc_content", "biology/tm_basic", "biology/edit_distance", "biology/consensus_sequence",
    "biology/translate_table2", "biology/mrna_count", "biology/protein_isoelectric_point",
    "biology/restriction_fragments_circular", "biology/upgma_tree", "biology/fitch_parsimony_score",
    "biology/rooted_tree_count", "biology/dihybrid_phenotype_ratio",
    "biology/abo_blood_type_probability",
])
def test_levels_rise(task_id: str) -> None:
    t = REG.get(task_id)
    assert_complexity_rises(task_id)
    assert t.problem(0, level=t.default_level) == t.problem(0)


def test_widened_genetics() -> None:
    # the offspring counts of a dihybrid cross, and the binomial ABO/Rh chance, are exact
    dihybrid = REG.get("biology/dihybrid_phenotype_ratio")
    ident = {"parent1": "AaBb", "parent2": "AaBb", "offspring": 160}
    assert check("biology/dihybrid_phenotype_ratio", "90:30:30:10", ident) == 1.0
    assert check("biology/dihybrid_phenotype_ratio", "9:3:3:1", ident) == 0.0
    assert dihybrid.value({"parent1": "GgRr", "parent2": "ggRR", "offspring": 16}) == [8, 0, 8, 0]
    abo = {"p1": "AO", "rh1": "Dd", "p2": "BO", "rh2": "dd", "group": "O-", "n": 2, "k": 1}
    # one child is O- with chance 1/4 * 1/2 = 1/8; exactly one of two: 2 * 1/8 * 7/8 = 7/32
    assert check("biology/abo_blood_type_probability", "7/32", abo) == 1.0
    assert check("biology/abo_blood_type_probability", "0", abo) == 0.0
    circular = REG.get("biology/restriction_fragments_circular")
    assert all(len(circular.value(circular.problem(s).identity)) >= 2 for s in range(20))
