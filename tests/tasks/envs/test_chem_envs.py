"""The chemistry environments (tasks/envs/chem_*.py): reference policy, wrong and hostile answers,
determinism, JSON round-trip of the episode state.

The generic tools come from tasks/tools; where one is not installed yet, a minimal stand-in is registered
for this module only (and removed afterwards), so the episodes still exercise real tool calls.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Iterator
from typing import Any

import pytest

from bootcamp.env import TOOLS, InProcessExecutor, ToolError, get_env, run_reference, tool
from bootcamp.env.environment import Environment

ENV_IDS = ["chem/design_with_feedback", "chem/identify_by_profile", "chem/same_molecule_smiles",
           "chem/smarts_group_counts", "chem/molar_mass_large_formula"]
SEEDS = [0, 1, 2]
HOSTILE = ["", "x" * 1_000_000, "\\boxed{}", "\\boxed{)(*&^%$ ]] garbage}", "\\boxed{1}\\boxed{2}" * 20,
           "\\boxed{" + "C" * 5000 + "}", "\\boxed{" + "(" * 3000 + "}", "\\boxed{ñ∅\x00}", "<think>\\boxed{A}",
           "\\boxed{C1CC}", "\\boxed{-1, -2, -3}", "\\boxed{nan}", "\\boxed{1e999}"]


# -- stand-ins for generic tools that are not installed yet ------------------------------------
def _stub_descriptors(args: dict[str, Any], context: dict[str, Any]) -> str:
    from rdkit import Chem
    from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

    mol = Chem.MolFromSmiles(args["smiles"])
    if mol is None:
        raise ToolError("invalid SMILES")
    return json.dumps({"formula": rdMolDescriptors.CalcMolFormula(mol), "mol_weight": Descriptors.MolWt(mol),
                       "logp": Crippen.MolLogP(mol), "tpsa": rdMolDescriptors.CalcTPSA(mol),
                       "hbd": Lipinski.NumHDonors(mol), "hba": Lipinski.NumHAcceptors(mol),
                       "rotatable_bonds": rdMolDescriptors.CalcNumRotatableBonds(mol)})


def _stub_substructure(args: dict[str, Any], context: dict[str, Any]) -> str:
    from rdkit import Chem

    mol, patt = Chem.MolFromSmiles(args["smiles"]), Chem.MolFromSmarts(args["smarts"])
    if mol is None or patt is None:
        raise ToolError("invalid SMILES or SMARTS")
    return str(len(mol.GetSubstructMatches(patt)))


def _stub_canonical(args: dict[str, Any], context: dict[str, Any]) -> str:
    from rdkit import Chem

    mol = Chem.MolFromSmiles(args["smiles"])
    if mol is None:
        raise ToolError("invalid SMILES")
    return Chem.MolToSmiles(mol)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _stub_calculator(args: dict[str, Any], context: dict[str, Any]) -> str:
    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        raise ToolError("unsupported expression")

    return repr(ev(ast.parse(args["expression"], mode="eval").body))


STUBS = {"rdkit_descriptors": (_stub_descriptors, {"smiles": "string"}),
         "rdkit_substructure": (_stub_substructure, {"smiles": "string", "smarts": "string"}),
         "rdkit_canonical": (_stub_canonical, {"smiles": "string"}),
         "calculator": (_stub_calculator, {"expression": "string"})}


@pytest.fixture(scope="module", autouse=True)
def generic_tools() -> Iterator[None]:
    added = []
    for name, (fn, props) in STUBS.items():
        if name not in TOOLS.names():
            schema = {"type": "object", "properties": {k: {"type": t} for k, t in props.items()},
                      "required": list(props)}
            tool(name, f"test stand-in for {name}", schema)(fn)
            added.append(name)
    yield
    for name in added:
        TOOLS.remove(name)


# -- wrong answers, one per environment ----------------------------------------------------------
def _wrong(env_id: str, identity: dict[str, Any]) -> str:
    if env_id == "chem/design_with_feedback":
        return "C"  # methane: far below the MW window and without the group
    if env_id == "chem/identify_by_profile":
        return "B" if identity["answer"] != "B" else "C"
    if env_id == "chem/same_molecule_smiles":
        return ", ".join(str(n) for n in range(2, 9) if n not in identity["answer"]) or "2"
    if env_id == "chem/smarts_group_counts":
        return ", ".join(str(n + 1) for n in identity["answer"])
    if env_id == "chem/molar_mass_large_formula":
        return f"{identity['molar_mass'] + 1.0:.4f}"
    raise AssertionError(env_id)


def _first_answer(env: Environment, seed: int, action: str) -> float | None:
    state, _ = env.reset(seed)
    result = env.step(state, action, InProcessExecutor())
    return result.verdict.score if result.done else None


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_reference_policy_scores_one_with_working_tool_calls(env_id: str, seed: int) -> None:
    env = get_env(env_id)
    state, first = env.reset(seed)
    assert "\\boxed{}" in first and all(t in first for t in env.tools)
    n_calls = 0
    while True:
        result = env.step(state, env.reference_action(state), InProcessExecutor())
        assert all(r.error is None for r in result.tool_results), [r.error for r in result.tool_results]
        n_calls += len(result.tool_results)
        if result.done:
            break
        state = result.state
    assert result.verdict.score == 1.0, result.verdict
    assert n_calls >= 1
    assert run_reference(env, seed, InProcessExecutor()).verdict.score == 1.0


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_wrong_answer_scores_below_one(env_id: str, seed: int) -> None:
    env = get_env(env_id)
    state, _ = env.reset(seed)
    wrong = _wrong(env_id, state["identity"])
    score = _first_answer(env, seed, env.format_answer(wrong))
    assert score is not None and score < 1.0
    assert env.check(wrong, state["identity"], {}) < 1.0


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_hostile_answers_score_below_one_and_never_raise(env_id: str) -> None:
    env = get_env(env_id)
    state, _ = env.reset(0)
    for action in HOSTILE:
        score = _first_answer(env, 0, action)
        assert score is None or score < 1.0, action[:50]
        assert env.check(action[:20_000], state["identity"], {}) < 1.0
    assert env.check("X" + env.solve(state["identity"], {}), state["identity"], {}) < 1.0


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reset_is_deterministic_and_seeds_differ(env_id: str) -> None:
    env = get_env(env_id)
    assert env.reset(5) == env.reset(5)
    assert len({json.dumps(env.reset(s)[0]["identity"], sort_keys=True) for s in range(4)}) >= 3


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_state_round_trips_through_json(env_id: str) -> None:
    env = get_env(env_id)
    state, _ = env.reset(1)
    first = env.step(state, env.reference_action(state), InProcessExecutor())
    copy = json.loads(json.dumps(first.state))
    if first.done:
        return
    a = env.step(first.state, env.reference_action(first.state), InProcessExecutor())
    b = env.step(copy, env.reference_action(copy), InProcessExecutor())
    assert a.observation == b.observation and a.done == b.done
    assert (a.verdict and a.verdict.score) == (b.verdict and b.verdict.score)
    for r in (a, b):  # the tools' timings differ; everything else must agree
        r.state.pop("verdict", None)
    assert a.state == b.state


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_calculation_gives_the_answer(seed: int) -> None:
    """The reference policy's calculator result is the value its final answer states."""
    env = get_env("chem/molar_mass_large_formula")
    state, _ = env.reset(seed)
    outputs = []
    while True:
        result = env.step(state, env.reference_action(state), InProcessExecutor())
        outputs += [r.output for r in result.tool_results if r.name == "calculator"]
        if result.done:
            break
        state = result.state
    assert outputs and float(outputs[-1]) == pytest.approx(state["identity"]["molar_mass"], rel=1e-6)
