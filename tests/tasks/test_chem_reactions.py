"""Named-reaction tasks on generated substrates: sensible problems, levels that rise, stereo-aware and hostile-safe checks."""

from __future__ import annotations

import random
import statistics
import time

import pytest
from rdkit import Chem

from bootcamp.registry import Registry
from bootcamp.task import Task
from tasks.chem import reactions
from tasks.chem._reactions import REACTIONS, SubstrateSpec, draw_generated, forward, reacting_sites
from tasks.chem._substrates import GROUPS, stereo_elements


@pytest.fixture(scope="module")
def registry() -> Registry:
    reg = Registry(load_plugins=False)
    reactions.register(reg)
    return reg


def cip_labels(smiles: str) -> list[str]:
    mol = Chem.MolFromSmiles(smiles)
    return sorted(label for _, label in Chem.FindMolChiralCenters(mol, useLegacyImplementation=False))


# -- the generator ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(REACTIONS))
def test_generated_substrates_are_sensible(name: str) -> None:
    """Each substrate has one reacting site, the template gives one product, forbidden groups never appear."""
    reaction = REACTIONS[name]
    for level, params in enumerate(reactions._LEVELS, start=1):
        spec = SubstrateSpec(params["min_atoms"], params["max_atoms"], params["groups"], params["stereo"])
        for seed in range(3):
            reactants, product, groups = draw_generated(name, random.Random(f"{name}:{level}:{seed}"), spec)
            assert forward(name, tuple(reactants)) == (product,)
            for role, smiles in enumerate(reactants):
                mol = Chem.MolFromSmiles(smiles)
                assert mol is not None and reacting_sites(name, role, mol) == 1, (name, smiles)
                # Every stereo element of a substrate has its configuration drawn.
                assert all(i.specified == Chem.StereoSpecified.Specified for i in stereo_elements(mol)), smiles
            assert not set(groups) & reaction.forbid, (name, groups)
            assert set(groups) <= set(GROUPS)


def test_levels_grow_substrates_groups_and_stereo() -> None:
    spec_small, spec_big = SubstrateSpec(7, 13, 0, 0), SubstrateSpec(12, 22, 3, 2)
    small = [draw_generated("amide_coupling", random.Random(s), spec_small) for s in range(15)]
    big = [draw_generated("amide_coupling", random.Random(s), spec_big) for s in range(15)]
    assert all(g == [] for _, _, g in small)
    assert all(len(g) == 3 for _, _, g in big)
    stereo = [sum(len(stereo_elements(Chem.MolFromSmiles(r))) for r in rs) for rs, _, _ in big]
    assert min(stereo) >= 2
    atoms = [sum(Chem.MolFromSmiles(r).GetNumAtoms() for r in rs) for rs, _, _ in small]
    atoms_big = [sum(Chem.MolFromSmiles(r).GetNumAtoms() for r in rs) for rs, _, _ in big]
    assert statistics.mean(atoms_big) > statistics.mean(atoms) + 8


@pytest.mark.parametrize("task_id", ["chem/forward_amide_coupling", "chem/retro_sn2_azide"])
def test_complexity_rises_level_by_level(registry: Registry, task_id: str) -> None:
    task = registry.get(task_id)
    assert len(task.levels) == 5 and task.default_level == 3
    means = []
    for level in range(1, len(task.levels) + 1):
        means.append(statistics.mean(task.complexity(task.problem(s, level=level).identity) for s in range(30)))
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means


def test_level_one_poses_distinct_problems(registry: Registry) -> None:
    """Single-substrate reactions have the smallest space; the easiest level must still not repeat."""
    for task_id in ("chem/retro_alkene_hydrogenation", "chem/forward_finkelstein"):
        task = registry.get(task_id)
        prompts = {task.problem(s, level=1).prompt for s in range(80)}
        assert len(prompts) == 80, task_id


def test_default_level_reproduces_the_plain_problem(registry: Registry) -> None:
    task = registry.get("chem/forward_suzuki_coupling")
    for seed in range(3):
        plain, at_default = task.problem(seed), task.problem(seed, level=3)
        assert plain.identity == at_default.identity and plain.identity["level"] == 3
    assert task.problem(0, level=1).identity != task.problem(0).identity


# -- stereo is carried through ----------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "reactants", "product"),
    [
        ("mesylation", ("C[C@@H](O)c1ccccc1",), "C[C@@H](OS(C)(=O)=O)c1ccccc1"),
        ("amide_coupling", ("CC(=O)O", "C[C@H](N)c1ccccc1"), "CC(=O)N[C@@H](C)c1ccccc1"),
        ("ester_reduction", ("COC(=O)[C@@H](C)c1ccccc1",), "C[C@H](CO)c1ccccc1"),
        ("boc_deprotection", ("C[C@@H](NC(=O)OC(C)(C)C)c1ccccc1",), "C[C@@H](N)c1ccccc1"),
    ],
)
def test_templates_keep_substrate_stereocentres(name: str, reactants: tuple[str, ...], product: str) -> None:
    assert forward(name, reactants) == (Chem.MolToSmiles(Chem.MolFromSmiles(product)),)


def test_forward_check_is_stereo_aware(registry: Registry) -> None:
    task = registry.get("chem/forward_mesylation")
    identity = {"reactants": ["C[C@@H](O)c1ccccc1"], "product": "C[C@@H](OS(C)(=O)=O)c1ccccc1", "spectators": []}
    assert task.check("CS(=O)(=O)O[C@H](C)c1ccccc1", identity) == 1.0  # another spelling, same molecule
    assert task.check("C[C@H](OS(C)(=O)=O)c1ccccc1", identity) == 0.0  # the other enantiomer
    assert task.check("CC(OS(C)(=O)=O)c1ccccc1", identity) == 0.0  # stereo dropped


def test_generated_stereo_problems_grade_the_enantiomer_wrong(registry: Registry) -> None:
    task = registry.get("chem/forward_boc_deprotection")
    problem = task.problem(4, level=5, with_answer=True)
    product = problem.identity["product"]
    assert cip_labels(product)
    mirror = Chem.MolToSmiles(Chem.MolFromSmiles(product.replace("@@", "!").replace("@", "@@").replace("!", "@")))
    assert task.verify(f"\\boxed{{{product}}}", problem.identity).score == 1.0
    assert task.verify(f"\\boxed{{{mirror}}}", problem.identity).score < 1.0


# -- hostile answers ------------------------------------------------------------------------
def test_retro_refuses_huge_and_malformed_answers_fast(registry: Registry) -> None:
    task: Task = registry.get("chem/retro_amide_coupling")
    identity = {"product": "CC(=O)NCc1ccccc1", "reactants": ["CC(=O)O", "NCc1ccccc1"], "spectators": []}
    # Many reacting sites: without the size cap the template would run over every acid-amine pairing.
    poly_acid = "C(" + ")(".join(["C(=O)O"] * 3) + ")" + "CC(C(=O)O)" * 60
    poly_amine = "NCC(N)" * 60 + "N"
    hostile = [
        f"\\boxed{{{poly_acid}.{poly_amine}}}",
        "\\boxed{" + "C" * 5000 + "}",
        "\\boxed{C1CC(}",
        "\\boxed{CC(=O)O.NCc1ccccc1.C.C.C}",
        "\\boxed{" + "(" * 3000 + "}",
        "<answer>" + ".".join(["CC(=O)O"] * 500) + "</answer>",
    ]
    for response in hostile:
        start = time.perf_counter()
        verdict = task.verify(response, identity)
        assert verdict.score < 1.0, response[:40]
        assert time.perf_counter() - start < 2.0, response[:40]


def test_retro_accepts_only_routes_to_the_product(registry: Registry) -> None:
    task = registry.get("chem/retro_sn2_azide")
    problem = task.problem(7, with_answer=True)
    identity = problem.identity
    assert task.check(task.solve(identity), identity) == 1.0
    assert task.check(identity["product"], identity) == 0.0
    # Another halide of the same skeleton is a valid route too.
    halide = identity["reactants"][0]
    for x in ("Br", "Cl", "I"):
        other = halide.replace("Br", x).replace("Cl", x).replace("I", x)
        if Chem.MolFromSmiles(other) is not None and forward("sn2_azide", (other,)) == (identity["product"],):
            assert task.check(other, identity) == 1.0
