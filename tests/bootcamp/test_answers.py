"""The SDK's answer types: one parsing rule per kind, the same verdict in every task family."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bootcamp.answers import (
    INTEGER,
    YES_NO,
    Answer,
    Choice,
    Expression,
    Formula,
    Number,
    Quantity,
    Sequence,
    Set,
    Smiles,
    Text,
    split_items,
    unwrap,
)
from bootcamp.hostile import hostile_answers
from bootcamp.verifiers.numeric import parse_integer

#: Hostile answers every kind must reject quickly, on top of bootcamp.hostile's list.
HOSTILE = hostile_answers() + [
    "1e999999", "-1e999999", "NaN", "inf", "−inf", "−0", "-0", "+0", "yes or no", "no or yes", "8 atoms",
    "{" * 5000 + "}" * 5000, "$" * 3000, "\\text{" * 3000 + "}" * 3000, "a, " * 5000, "1" * 100_000,
    "\\boxed{42}", "42 or 43", "A or B", "[[[1]]]", "∞", "1/0", "0/0",
]

# (kind, expected value, reference text, other right answers, wrong answers)
CASES: list[tuple[str, Answer, object, str, list[str], list[str]]] = [
    ("integer", INTEGER, 42, "42", [" 42 ", "$42$", "\\text{42}", "\\mathrm{42}", "+42", "42.", "042"],
     ["43", "-42", "42 atoms", "x = 42", "42.0", "84/2", "4.2e1", "4 2", "42, 43", "forty-two", "42!", "2^5"]),
    ("negative integer", INTEGER, -7, "-7", ["−7", "$-7$"], ["7", "- 7", "-7.0", "−7 K"]),
    ("thousands", INTEGER, 1_234_567, "1234567", ["1,234,567", "1 234 567", "1{,}234{,}567", "1\\,234\\,567"],
     ["1,2345,67", "1,234,5670", "12,34,567"]),
    ("big integer", INTEGER, 2**70 + 1, str(2**70 + 1), [f"{2**70 + 1:,}"], [str(2**70), f"{float(2**70 + 1)}"]),
    ("number", Number(0.01), 2.5, "2.5", ["2.51", "5/2", "\\frac{5}{2}", "2.5e0", "2.5 \\times 10^{0}",
                                          "\\approx 2.5", "~2.5", "$2.5$", "2.50."],
     ["2.6", "-2.5", "2.5 eV", "x = 2.5", "2.5%", "2.5 or 3", "2.5, 2.6", "2^1", "2**1", "25e-1 m"]),
    ("tiny number", Number(0.001), 6.022e23, "6.022e+23", ["6.022 \\times 10^{23}", "6.022e23", "6.022E23"],
     ["6.022", "6.022e22", "6.022 \\times 10^{23} mol^{-1}"]),
    ("absolute zero", Number(0.0, 0.1), 0.0, "0", ["0.05", "-0.05", "0.0"], ["-0", "-0.0", "+0", "0.2"]),
    ("percentage", Number(0.0, 0.5, percent=True), 52.5, "52.5", ["52.5%", "52.5 \\%", "52.3"], ["0.525", "52.5 pct"]),
    ("quantity", Quantity("m", 0.01), 3.0, "3", ["3 m", "300 cm", "0.003 km"], ["3 kg", "3 s", "30 cm"]),
    ("yes", YES_NO, True, "yes", ["Yes", "YES.", "yes!", "\\text{yes}", "$yes$"],
     ["no", "y", "true", "yes or no", "yes, no", "maybe", "yes because", "ye s"]),
    ("no", YES_NO, False, "no", ["No.", "\\textbf{no}"], ["yes", "n", "false", "no or yes", "nope"]),
    ("choice", Choice(["41", "42", "43", "44"]), "B", "B", ["b", "(B)", "B)", "Option B", "answer: B", "42",
                                                         "B) 42", "\\text{B}"],
     ["A", "C", "2", "Option 2", "2) 42", "A or B", "A, B", "AB", "E", "B) 43", "hello there"]),
    ("choice by index", Choice(["x", "y", "z", "w"]), 3, "D", ["d", "w"], ["C", "4", "D, A"]),
    ("text", Text(), "KHOOR ZRUOG", "KHOOR ZRUOG", ["khoor zruog", "KHOORZRUOG", "'KHOOR ZRUOG'", "\\texttt{KHOOR ZRUOG}"],
     ["KHOOR ZRUOH", "KHOOR", "KHOOR ZRUOG!"]),
    ("roman", Text("IVXLCDM"), "MCMXCIV", "MCMXCIV", ["mcmxciv", "M CM XC IV"], ["MCMXCIIII", "MCMXCIV5", "1994"]),
    ("formula", Formula(), "C9H8O4", "C9H8O4", ["O4C9H8", "C_{9}H_{8}O_{4}", "\\mathrm{C9H8O4}", "C₉H₈O₄", "C9 H8 O4"],
     ["C18H16O8", "C9H8O5", "C9H8O4+", "c9h8o4", "C9H8O4 molecule", "CHO", "C9H8O4, C9H8O4"]),
    ("ion", Formula(), "C2O4-2", "C2O4-2", ["C2O4^{2-}", "C_2O_4^{2-}", "C2O4^{-2}"], ["C2O4", "C2O4-", "C2O4^{2+}"]),
    ("composition", Formula(reduced=True), "Fe2O3", "Fe2O3", ["Fe4O6", "FeO1.5", "O3Fe2"], ["FeO", "Fe3O4", "Fe2O3+"]),
    ("smiles", Smiles(), "CCO", "CCO", ["OCC", "C(O)C", "InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3"],
     ["CCC", "COC", "CC", "C1CC((", "CCO.O"]),
    ("stereo", Smiles(), "C[C@H](N)C(=O)O", "C[C@H](N)C(=O)O", ["N[C@@H](C)C(=O)O"], ["C[C@@H](N)C(=O)O", "CC(N)C(=O)O"]),
    ("sequence", Sequence(INTEGER), [3, 1, 2], "3, 1, 2", ["3 1 2", "[3, 1, 2]", "(3; 1; 2)", "3 -> 1 -> 2", "3 → 1 → 2",
                                                          "3, 1 and 2"],
     ["1, 2, 3", "3, 1", "3, 1, 2, 2", "3,,1,2", "3, 1, 2,", "3, 1, 2 atoms", "3, 1 2", "312"]),
    ("set", Set(INTEGER), [1, 3, 5], "1, 3, 5", ["5, 3, 1", "{3, 5, 1}", "\\{1, 3, 5\\}", "5 1 3"],
     ["1, 3", "1, 3, 5, 5", "1, 3, 5, 7", "1; 3; 5; none"]),
    ("empty set", Set(INTEGER), [], "none", ["empty", "[]", "\\emptyset", "{}"], ["0", "-", "none, 1"]),
    ("formula set", Set(Formula(reduced=True)), ["LiSi", "Li"], "LiSi, Li", ["Li, LiSi", "Li2Si2, Li", "Li and LiSi"],
     ["LiSi", "LiSi, Li, Si", "LiSi, LiSi, Li", "LiSi + Li"]),
    ("expression", Expression(), "x^2 + 2x + 1", "x^2 + 2x + 1", ["(x+1)^2", "x^2+2*x+1", "1 + 2x + x^2"],
     ["(x-1)^2", "x^2 + 2x", "9**9**9"]),
]
IDS = [c[0] for c in CASES]


def _score(kind: Answer, text: str, expected: object) -> tuple[float, str | None]:
    s = kind.check(text, expected)
    return float(s), getattr(s, "reason", None)


@pytest.mark.parametrize("name,kind,expected,reference,right,wrong", CASES, ids=IDS)
def test_reference_and_right_answers_score_one(name, kind, expected, reference, right, wrong) -> None:
    assert kind.write(expected) == reference
    for text in [reference, *right]:
        assert kind.check(text, expected) == 1.0, (name, text)


@pytest.mark.parametrize("name,kind,expected,reference,right,wrong", CASES, ids=IDS)
def test_wrong_answers_score_below_one(name, kind, expected, reference, right, wrong) -> None:
    for text in wrong:
        score, reason = _score(kind, text, expected)
        assert score < 1.0 and reason in ("wrong", "invalid_answer", "format"), (name, text, score, reason)


@pytest.mark.parametrize("name,kind,expected,reference,right,wrong", CASES, ids=IDS)
def test_near_misses_score_below_one(name, kind, expected, reference, right, wrong) -> None:
    misses = kind.near_misses(expected)
    assert misses, name
    for text in misses:
        assert kind.check(text, expected) < 1.0, (name, text)


@pytest.mark.parametrize("name,kind,expected,reference,right,wrong", CASES, ids=IDS)
def test_hostile_answers_never_raise_and_score_below_one(name, kind, expected, reference, right, wrong) -> None:
    for text in HOSTILE:
        if text.strip().lower() == reference.lower():  # "None" is the empty list
            continue
        assert kind.check(text, expected) < 1.0, (name, text[:80])
    for bad in (None, 42, b"42", ["42"]):
        assert kind.check(bad, expected) == 0.0  # type: ignore[arg-type]


def test_invalid_answers_say_what_was_expected() -> None:
    s = INTEGER.check("8 atoms", 8)
    assert s == 0.0 and s.reason == "invalid_answer" and "integer" in s.detail
    assert INTEGER.check("9", 8).reason == "wrong"
    assert YES_NO.check("yes or no", True).reason == "invalid_answer"
    assert Choice(["a", "b"]).check("A, B", "A").reason == "format"


def test_parse_integer_rule() -> None:
    assert parse_integer("1,000") == 1000 and parse_integer("$-12$") == -12 and parse_integer("\\text{7}") == 7 == parse_integer("7.")
    for bad in ("8 atoms", "x = 8", "8.0", "1e3", "16/2", "-0", "+0", "1,00", "٣", "3+", "", None, "9" * 101):
        assert parse_integer(bad) is None, bad


def test_unwrap_and_split_items() -> None:
    assert unwrap("  $\\text{ yes }$ ") == "yes"
    assert unwrap("\\text{a}+\\text{b}") == "\\text{a}+\\text{b}"
    assert split_items("[1, 2; 3]") == ["1", "2", "3"]
    assert split_items("(NH4)2SO4, Ca(OH)2") == ["(NH4)2SO4", "Ca(OH)2"]
    assert split_items("none") == [] and split_items("") is None and split_items("1,,2") is None
    assert split_items(", " * 10) is None and split_items("x" * 20_000) is None


def test_import_is_light() -> None:
    code = ("import sys, json, bootcamp.answers; "
            "print(json.dumps([m for m in ('torch', 'ray', 'rdkit', 'pymatgen', 'sympy', 'vllm') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == []


# -- the same input gets the same verdict in every family that uses a kind -------------------------
INTEGER_TASKS = ["logic/island_count", "logic/popcount", "materials/atoms_per_formula_unit", "chem/heavy_atom_count",
                 "biology/hamming_distance", "biology/pcr_cycles_needed", "math/gcd"]
YES_NO_TASKS = ["logic/is_leap_year", "logic/syllogism", "materials/is_stable", "chem/same_molecule",
                "math/digit_below"]
#: Number tasks whose references are decimals (the variants below are built from each task's reference).
NUMBER_TASKS = ["chem/molecular_weight", "materials/molar_mass", "materials/mass_fraction", "biology/jukes_cantor_distance",
                "biology/michaelis_menten_rate"]
VARIANTS = [
    lambda r: r, lambda r: f" {r} ", lambda r: f"${r}$", lambda r: f"\\text{{{r}}}", lambda r: f"{r} atoms",
    lambda r: f"{r} units", lambda r: f"x = {r}", lambda r: f"{r} or {r}", lambda r: f"{r}, {r}", lambda r: f"[{r}]",
    lambda r: f"{r}^1", lambda r: f"{r}**1", lambda r: f"{r}³", lambda r: f"{r}+", lambda r: f"{r}.0",
    lambda r: f"{r}/1", lambda r: f"{r} or no", lambda r: "NaN", lambda r: "inf", lambda r: "1e999999",
    lambda r: "-0", lambda r: "yes or no",
]


def _verdicts(task_id: str) -> list[tuple[float, str | None]]:
    from bootcamp import get_task

    task = get_task(task_id)
    identity = task.problem(0).identity
    ref = task.solve(identity)
    out = []
    for v in VARIANTS:
        s = task.check(v(ref), identity)
        out.append((float(s), getattr(s, "reason", None)))
    return out


@pytest.mark.parametrize("group", [INTEGER_TASKS, YES_NO_TASKS, NUMBER_TASKS], ids=["integer", "yes/no", "number"])
def test_same_input_same_verdict_in_every_family(group: list[str]) -> None:
    verdicts = {task_id: _verdicts(task_id) for task_id in group}
    first = verdicts[group[0]]
    assert first[0] == (1.0, None)
    for task_id, got in verdicts.items():
        assert got == first, (task_id, [(i, a, b) for i, (a, b) in enumerate(zip(got, first, strict=True)) if a != b])


def test_families_use_the_sdk_kinds() -> None:
    from bootcamp import get_task
    from bootcamp.answers import AnswerTask, Integer, YesNo

    for task_id in INTEGER_TASKS + YES_NO_TASKS:
        task = get_task(task_id)
        identity = task.problem(0).identity
        assert isinstance(task, AnswerTask), task_id
        assert isinstance(task.answer_type(identity), (Integer, YesNo)), task_id
