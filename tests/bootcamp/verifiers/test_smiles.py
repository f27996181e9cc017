"""The SMILES/InChI verifier primitive."""

from __future__ import annotations

import time

import pytest

from bootcamp.hostile import hostile_answers
from bootcamp.verifiers.smiles import (
    canonical_smiles,
    check_smiles,
    check_smiles_set,
    parse_molecule,
    same_molecule,
)

ETHANOL_INCHI = "InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3"
L_ALANINE = "C[C@H](N)C(=O)O"
D_ALANINE = "C[C@@H](N)C(=O)O"


@pytest.mark.parametrize(
    ("answer", "truth"),
    [
        ("OCC", "CCO"),
        ("C(C)O", "CCO"),
        ("c1ccccc1", "C1=CC=CC=C1"),
        ("OC(=O)c1ccccc1OC(C)=O", "CC(=O)Oc1ccccc1C(=O)O"),  # aspirin written two ways
        ("N[C@@H](C)C(=O)O", L_ALANINE),  # same centre, atoms in another order
        (ETHANOL_INCHI, "CCO"),
        ("  `CCO`  ", "CCO"),
    ],
)
def test_equivalent_smiles_score_one(answer: str, truth: str) -> None:
    assert check_smiles(answer, truth) == 1.0


def test_enantiomers_differ_only_with_stereo() -> None:
    assert check_smiles(D_ALANINE, L_ALANINE) == 0.0
    assert check_smiles(D_ALANINE, L_ALANINE, stereo=False) == 1.0
    assert not same_molecule(D_ALANINE, L_ALANINE)
    assert same_molecule(D_ALANINE, L_ALANINE, stereo=False)
    assert check_smiles("C/C=C/C", "C/C=C\\C") == 0.0  # E and Z but-2-ene


def test_different_molecule_is_wrong_not_invalid() -> None:
    score = check_smiles("CCN", "CCO")
    assert score == 0.0
    assert getattr(score, "reason", "wrong") == "wrong"


@pytest.mark.parametrize("bad", ["", "garbage", "C1CC", "c1cccc1", "CC(C", "C" * 5000, "Fe1000000000000O1",
                                 "InChI=1S/garbage", "CCO ethanol", "日本語", None])
def test_invalid_answers(bad: object) -> None:
    assert parse_molecule(bad) is None
    score = check_smiles(bad, "CCO")  # type: ignore[arg-type]
    assert score == 0.0
    assert score.reason == "invalid_answer"


def test_canonical_smiles() -> None:
    assert canonical_smiles("OCC") == "CCO"
    assert canonical_smiles("C1=CC=CC=C1") == "c1ccccc1"
    assert canonical_smiles(L_ALANINE, stereo=False) == "CC(N)C(=O)O"
    assert canonical_smiles("not a smiles") is None


def test_smiles_set_is_order_free() -> None:
    truths = ["CCO", "c1ccccc1"]
    assert check_smiles_set("c1ccccc1.OCC", truths) == 1.0
    assert check_smiles_set("OCC, C1=CC=CC=C1", truths) == 1.0
    assert check_smiles_set("CCO", truths) == 0.0
    assert check_smiles_set("CCO.c1ccccc1.C", truths) == 0.0
    assert check_smiles_set("CCO, xyz", truths).reason == "invalid_answer"


def test_hostile_answers_are_fast_and_never_one() -> None:
    for h in hostile_answers():
        start = time.perf_counter()
        assert check_smiles(h, "CCO") < 1.0
        assert check_smiles_set(h, ["CCO"]) < 1.0
        assert time.perf_counter() - start < 0.5
