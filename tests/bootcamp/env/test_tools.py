"""The generic tools (tasks/tools/), in process: schemas, happy paths, and hostile arguments.

Hostile arguments must give an error result quickly (never an exception, a hang or a huge
allocation). The sandbox itself is tested in test_sandbox_exec.py.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest

from bootcamp.env import TOOLS, InProcessExecutor, ToolCall, ToolError
from bootcamp.env.toolcall import ToolResult

#: Arguments a tool takes but does not require.
OPTIONAL = {"rdkit_descriptors": ("names",)}
GENERIC = {
    "calculator": ["expression"],
    "python": ["code"],
    "unit_convert": ["value", "from_unit", "to_unit"],
    "rdkit_canonical": ["smiles"],
    "rdkit_descriptors": ["smiles", "names"],
    "rdkit_substructure": ["smiles", "smarts"],
    "pymatgen_composition": ["formula"],
    "pymatgen_symmetry": ["structure"],
    "phase_diagram": ["formula"],
}
BIG = "9" * 10_000_000  # a 10 MB string

NACL = {"lattice": [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]], "species": ["Na"] * 4 + ["Cl"] * 4,
        "coords": [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5],
                   [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]]}
LI_O = [{"composition": "Li", "energy_per_atom": -1.9}, {"composition": "O2", "energy_per_atom": -4.9},
        {"composition": "Li2O", "energy_per_atom": -4.8}, {"composition": "Li2O2", "energy_per_atom": -4.3}]


def run(name: str, args: Any, identity: dict[str, Any] | None = None) -> ToolResult:
    """One call through the in-process executor (schema check included)."""
    call = ToolCall(name, args) if isinstance(args, dict) else ToolCall(name, error="arguments must be an object")
    return InProcessExecutor().run([call], tuple(GENERIC), {"identity": identity or {}, "memory": {}})[0]


def ok(name: str, **args: Any) -> str:
    res = run(name, args)
    assert res.error is None, res.error
    return res.output


def err(name: str, args: dict[str, Any], identity: dict[str, Any] | None = None) -> str:
    t0 = time.perf_counter()
    res = run(name, args, identity)
    assert time.perf_counter() - t0 < 2.0, f"{name} took too long on {str(args)[:80]}"
    assert res.error, f"{name} accepted {str(args)[:80]}: {res.output[:80]}"
    assert not res.output
    return res.error


# -- schemas ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(GENERIC))
def test_schema_is_fixed_and_closed(name: str) -> None:
    spec = TOOLS.get(name)
    params = spec.parameters
    assert params["type"] == "object" and params["additionalProperties"] is False
    required = [p for p in GENERIC[name] if p not in OPTIONAL.get(name, ())]
    assert list(params["properties"]) == GENERIC[name] and sorted(params["required"]) == sorted(required)
    assert spec.sandbox_only is (name == "python")
    json.dumps(spec.schema())


@pytest.mark.parametrize("args,why", [
    ({}, "missing required"), ({"expression": 5}, "must be string"), ({"expression": "1", "x": 1}, "unknown argument"),
    ({"expression": None}, "must be string"), ({"expression": ["1"]}, "must be string"),
])
def test_wrong_types_and_unknown_arguments_are_refused(args: dict, why: str) -> None:
    assert why in err("calculator", args)


# -- calculator ---------------------------------------------------------------------------------
@pytest.mark.parametrize("expr,value", [
    ("2**100", str(2**100)), ("2**200 - 1", str(2**200 - 1)), ("7/2", "3.5"), ("7//2", "3"), ("-7 % 3", "2"),
    ("factorial(20)", str(math.factorial(20))), ("comb(10, 3)", "120"), ("gcd(12, 18, 30)", "6"),
    ("sqrt(16)", "4"), ("sqrt(2)", repr(math.sqrt(2))), ("log(8, 2)", "3.0"), ("log10(1000)", "3.0"),
    ("exp(0)", "1.0"), ("sin(pi/2)", "1.0"), ("cos(0) + tan(0)", "1.0"), ("e", repr(math.e)),
    ("(1 + 2) * -3", "-9"), ("1e3 * 2", "2000.0"), ("abs(-5)", "5"), ("3**8000 % 1000", str(pow(3, 8000, 1000))),
])
def test_calculator(expr: str, value: str) -> None:
    assert ok("calculator", expression=expr) == value


@pytest.mark.parametrize("expr", [
    "9**9**9", "10**10**10", "2**13001", "(10**3000)*(10**3000)", "factorial(10**6)", "factorial(-1)",
    "comb(10**6, 5*10**5)", "10**400/3", "1e308*10", "0/0", "1/0", "5 % 0", "(-8)**(1/3)", "log(0)", "sqrt(-1)",
    "exp(1000)", "2^10", "x", "__import__('os').system('true')", "(1).__class__", "[1, 2]", "lambda: 1",
    "'a' * 3", "True + 1", "1 if 1 else 2", "sin(1, 2)", "sqrt(x=1)", "1 +", "", "   ",
    "(" * 300 + "1" + ")" * 300, "-" * 900 + "1", "+".join(["1"] * 400), "1" * 1001, BIG,
    "float('nan')", "nan", "inf", "1 < 2", "not 1", "a.b", "f(1)",
])
def test_calculator_refuses_hostile_expressions(expr: str) -> None:
    err("calculator", {"expression": expr})


def test_calculator_error_messages_are_helpful() -> None:
    assert "**" in err("calculator", {"expression": "2^10"})
    assert "bits" in err("calculator", {"expression": "9**9**9"})
    assert "division by zero" in err("calculator", {"expression": "1 // 0"})


# -- unit_convert -------------------------------------------------------------------------------
@pytest.mark.parametrize("value,src,dst,expected", [
    (1, "km", "m", 1000), (100, "°C", "K", 373.15), (212, "F", "C", 100), (25, "degC", "degF", 77),
    (0, "K", "°F", -459.67), (1, "atm", "Pa", 101325), (760, "Torr", "atm", 1), (1, "bar", "kPa", 100),
    (1, "kcal/mol", "kJ/mol", 4.184), (1, "eV", "kJ/mol", 96.4853321233), (1, "Å", "nm", 0.1),
    (1, "hartree", "eV", 27.211386246), (60, "mi/h", "km/h", 96.56064), (1, "eV", "cm^-1", 8065.54393735),
    (1, "kJ/mol", "cm-1", 83.5934722911), (1, "g/cm^3", "kg/m3", 1000), (1, "kWh", "MJ", 3.6),
    (2, "mmol", "mol", 0.002), (1, "J/(mol*K)", "cal/(mol*K)", 0.239005736138), (90, "deg", "rad", math.pi / 2),
    (1, "h", "s", 3600), (1, "lb", "g", 453.59237), (1, "uL", "mL", 0.001),
])
def test_unit_convert(value: float, src: str, dst: str, expected: float) -> None:
    out = ok("unit_convert", value=value, from_unit=src, to_unit=dst)
    number, unit = out.split(" ")[:2]
    assert unit == dst
    assert math.isclose(float(number), expected, rel_tol=1e-9, abs_tol=1e-9)


def test_unit_convert_names_the_constant_of_an_equivalence() -> None:
    assert "Avogadro" in ok("unit_convert", value=1, from_unit="eV", to_unit="kJ/mol")
    assert "(" not in ok("unit_convert", value=1, from_unit="J", to_unit="kJ")


@pytest.mark.parametrize("args", [
    {"value": float("nan"), "from_unit": "m", "to_unit": "km"},
    {"value": float("inf"), "from_unit": "m", "to_unit": "km"},
    {"value": 10**400, "from_unit": "m", "to_unit": "km"},
    {"value": True, "from_unit": "m", "to_unit": "km"},
    {"value": "1", "from_unit": "m", "to_unit": "km"},
    {"value": 1, "from_unit": "m", "to_unit": "s"},
    {"value": 1, "from_unit": "furlong", "to_unit": "m"},
    {"value": 1, "from_unit": BIG, "to_unit": "m"},
    {"value": 1, "from_unit": "m^99999", "to_unit": "m"},
    {"value": 1, "from_unit": "((((((m))))))", "to_unit": "m"},
    {"value": 1, "from_unit": "m)", "to_unit": "m"},
    {"value": 1, "from_unit": "/m", "to_unit": "m"},
    {"value": 1, "from_unit": "", "to_unit": "m"},
    {"value": 1, "from_unit": "m^", "to_unit": "m"},
    {"value": -300, "from_unit": "C", "to_unit": "K"},
    {"value": 1e300, "from_unit": "ly", "to_unit": "fm"},
    {"value": 1, "from_unit": "m", "to_unit": "km", "extra": 1},
])
def test_unit_convert_refuses_hostile_input(args: dict) -> None:
    err("unit_convert", args)


# -- rdkit --------------------------------------------------------------------------------------
def test_rdkit_tools() -> None:
    assert ok("rdkit_canonical", smiles="OCC") == "CCO"
    assert ok("rdkit_canonical", smiles="C1=CC=CC=C1") == "c1ccccc1"
    d = json.loads(ok("rdkit_descriptors", smiles="CC(=O)Oc1ccccc1C(=O)O"))  # aspirin
    assert d["formula"] == "C9H8O4" and abs(d["mol_weight"] - 180.159) < 0.01
    assert (d["hbd"], d["hba"], d["rings"], d["aromatic_rings"], d["heavy_atoms"]) == (1, 3, 1, 1, 13)
    assert set(d) == {"formula", "mol_weight", "logp", "tpsa", "hbd", "hba", "rotatable_bonds", "rings",
                      "aromatic_rings", "heavy_atoms", "qed"}
    assert 0 < d["qed"] < 1
    assert ok("rdkit_substructure", smiles="OCCO", smarts="[OX2H]") == "2"
    assert ok("rdkit_substructure", smiles="c1ccccc1", smarts="c") == "6"
    assert ok("rdkit_substructure", smiles="CCC", smarts="N") == "0"


@pytest.mark.parametrize("name,args", [
    ("rdkit_canonical", {"smiles": "C1CC"}), ("rdkit_canonical", {"smiles": "not a smiles"}),
    ("rdkit_canonical", {"smiles": BIG}), ("rdkit_canonical", {"smiles": "C" * 5000}),
    ("rdkit_canonical", {"smiles": ""}), ("rdkit_canonical", {"smiles": 42}),
    ("rdkit_canonical", {"smiles": "C%99"}), ("rdkit_canonical", {"smiles": "[Xx]"}),
    ("rdkit_descriptors", {"smiles": "c1cccc1"}), ("rdkit_descriptors", {"smiles": "C(" * 200}),
    ("rdkit_substructure", {"smiles": "CCO", "smarts": "[X"}), ("rdkit_substructure", {"smiles": "CCO", "smarts": BIG}),
    ("rdkit_substructure", {"smiles": "CCO", "smarts": "[$(C~O)]"}),
    ("rdkit_substructure", {"smiles": "CCO", "smarts": "C" * 100}),
    ("rdkit_substructure", {"smiles": "CCO"}),
])
def test_rdkit_refuses_hostile_input(name: str, args: dict) -> None:
    err(name, args)


# -- pymatgen -----------------------------------------------------------------------------------
def test_pymatgen_composition_and_symmetry() -> None:
    c = json.loads(ok("pymatgen_composition", formula="Fe2O3"))
    assert c["reduced_formula"] == "Fe2O3" and c["elements"] == ["Fe", "O"]
    assert abs(c["weight"] - 159.688) < 0.01 and c["atomic_fractions"] == {"Fe": 0.4, "O": 0.6}
    s = json.loads(ok("pymatgen_symmetry", structure=NACL))
    assert (s["space_group"], s["number"], s["crystal_system"]) == ("Fm-3m", 225, "cubic")
    assert abs(s["volume"] - 5.64**3) < 0.01 and abs(s["density"] - 2.16) < 0.01


def test_phase_diagram() -> None:
    ident = {"entries": LI_O}
    stable = json.loads(run("phase_diagram", {"formula": "Li2O"}, ident).output)
    assert stable["stable"] is True and stable["e_above_hull"] == 0
    bad = json.loads(run("phase_diagram", {"formula": "Li2O2"}, ident).output)
    # Li2O2 at -4.3 eV/atom vs 3/4 Li2O + 1/4 O2 (by atom) at 0.75 * -4.8 + 0.25 * -4.9 = -4.825
    assert bad["stable"] is False and abs(bad["e_above_hull"] - 0.525) < 1e-6
    assert bad["decomposition"] == {"Li2O": 0.75, "O2": 0.25}
    unknown = json.loads(run("phase_diagram", {"formula": "Li3O2"}, ident).output)
    assert unknown["e_above_hull"] is None and "Li2O" in unknown["decomposition"]


@pytest.mark.parametrize("name,args", [
    ("pymatgen_composition", {"formula": "Xx2"}), ("pymatgen_composition", {"formula": BIG}),
    ("pymatgen_composition", {"formula": "(((((((Fe)))))))"}), ("pymatgen_composition", {"formula": "Fe;rm -rf"}),
    ("pymatgen_composition", {"formula": ""}), ("pymatgen_composition", {"formula": "HHeLiBeBCNOFNe"}),
    ("pymatgen_composition", {"formula": "Fe99999999999"}),
    ("pymatgen_symmetry", {"structure": {}}), ("pymatgen_symmetry", {"structure": {**NACL, "species": ["Xx"] * 8}}),
    ("pymatgen_symmetry", {"structure": {**NACL, "coords": NACL["coords"][:3]}}),
    ("pymatgen_symmetry", {"structure": {**NACL, "lattice": [[1, 0, 0], [2, 0, 0], [0, 0, 1]]}}),
    ("pymatgen_symmetry", {"structure": {**NACL, "lattice": [[float("nan"), 0, 0], [0, 1, 0], [0, 0, 1]]}}),
    ("pymatgen_symmetry", {"structure": {**NACL, "lattice": [[1e9, 0, 0], [0, 1, 0], [0, 0, 1]]}}),
    ("pymatgen_symmetry", {"structure": {**NACL, "coords": [[float("inf"), 0, 0]] * 8}}),
    ("pymatgen_symmetry", {"structure": {"lattice": NACL["lattice"], "species": ["Na"] * 1000,
                                         "coords": [[0, 0, 0]] * 1000}}),
    ("pymatgen_symmetry", {"structure": {**NACL, "extra": 1}}), ("pymatgen_symmetry", {"structure": "NaCl"}),
])
def test_pymatgen_refuses_hostile_input(name: str, args: dict) -> None:
    err(name, args)


@pytest.mark.parametrize("formula,entries", [
    ("Li2O", None), ("Li2O", []), ("Li2O", [{"composition": "Li", "energy_per_atom": -1.0}] * 31),
    ("Li2O", LI_O[2:]),  # no elemental (terminal) entries
    ("Li2O", [*LI_O[:3], {"composition": "Li2O2", "energy_per_atom": float("nan")}]),
    ("Li2O", [*LI_O[:3], {"composition": "Xx", "energy_per_atom": -1.0}]),
    ("Li2O", [*LI_O[:3], "Li2O2"]), ("NaCl", LI_O), ("Xx", LI_O), (BIG, LI_O),
])
def test_phase_diagram_refuses_bad_entries_and_formulas(formula: str, entries: Any) -> None:
    err("phase_diagram", {"formula": formula}, {"entries": entries} if entries is not None else {})


# -- python (its function only: the executor tests run it in the sandbox) -----------------------
def test_python_tool_is_refused_in_process() -> None:
    assert "sandbox" in err("python", {"code": "print(1)"})


def test_python_tool_function() -> None:
    fn = TOOLS.get("python").fn  # trusted code here: the function itself, without a sandbox
    assert fn({"code": "print(1)\n2 + 3"}, {}) == "1\n5\n"
    assert fn({"code": "x = 1"}, {}) == "(no output)"
    with pytest.raises(ToolError, match=r"before\nZeroDivisionError \(line 2\)"):
        fn({"code": "print('before')\n1/0"}, {})
    with pytest.raises(ToolError, match="does not parse"):
        fn({"code": "def ("}, {})
    with pytest.raises(ToolError, match="at most"):
        fn({"code": "#" * 30_000}, {})
    out = fn({"code": "print('x' * 100_000)"}, {})
    assert len(out) < 17_000 and "output cut" in out
    assert "exit(3)" in fn({"code": "raise SystemExit(3)"}, {})
