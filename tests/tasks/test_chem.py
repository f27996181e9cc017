"""The chemistry task library: known values, wrong answers, invalid answers, reference answers."""

from __future__ import annotations

import importlib
import pkgutil
import random

import pytest
from _levels import assert_complexity_rises, assert_default_level_keeps_the_problem
from rdkit import Chem

import tasks.chem
from bootcamp.registry import Registry
from bootcamp.task import Task
from bootcamp.verifiers.formula import parse_charged_formula
from tasks.chem._common import POOL, variants
from tasks.chem._molgen import SIZES, build, steered
from tasks.chem._reactions import BLOCKS, REACTIONS, forward

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"
CAFFEINE = "Cn1c(=O)c2c(ncn2C)n(C)c1=O"


@pytest.fixture(scope="module")
def registry() -> Registry:
    reg = Registry(load_plugins=False)
    for info in pkgutil.iter_modules(tasks.chem.__path__, prefix="tasks.chem."):
        if not info.name.rsplit(".", 1)[1].startswith("_"):
            hook = getattr(importlib.import_module(info.name), "register", None)
            if hook:
                hook(reg)
    return reg


def task(registry: Registry, task_id: str) -> Task:
    return registry.get(task_id)


def test_library_size_and_ids(registry: Registry) -> None:
    ids = registry.ids(domain="chem")
    assert len(ids) >= 260
    assert {"chem/descriptor_tpsa", "chem/descriptor_mollogp", "chem/molecular_formula", "chem/forward_suzuki_coupling",
            "chem/retro_amide_coupling", "chem/reaction_conditions", "chem/design_mw_logp"} <= set(ids)
    assert sum(i.startswith("chem/descriptor_fr_") for i in ids) >= 30


def test_molecule_pool_parses_and_is_unique() -> None:
    assert len(POOL) >= 300
    canon = [Chem.MolToSmiles(Chem.MolFromSmiles(s)) for _, s in POOL]
    assert len(set(canon)) == len(canon)
    for role, blocks in BLOCKS.items():
        assert all(Chem.MolFromSmiles(b) is not None for b in blocks), role


# -- known values, by hand ----------------------------------------------------------
@pytest.mark.parametrize(
    ("task_id", "smiles", "right", "wrong"),
    [
        ("chem/molecular_formula", ASPIRIN, "C9H8O4", "C9H8O3"),
        ("chem/molecular_formula", CAFFEINE, "C8H10N4O2", "C8H10N4O"),
        ("chem/molecular_formula", "CC(=O)OCC[N+](C)(C)C", "C7H16NO2+", "C7H16NO2"),
        ("chem/molecular_weight", ASPIRIN, "180.16", "181.2"),
        ("chem/exact_mass", ASPIRIN, "180.0423", "180.05"),
        ("chem/heavy_atom_count", ASPIRIN, "13", "21"),
        ("chem/hydrogen_count", ASPIRIN, "8", "6"),
        ("chem/carbon_count", CAFFEINE, "8", "7"),
        ("chem/nitrogen_count", CAFFEINE, "4", "3"),
        ("chem/ring_count", CAFFEINE, "2", "1"),
        ("chem/aromatic_ring_count", ASPIRIN, "1", "2"),
        ("chem/degree_of_unsaturation", "c1ccccc1", "4", "3"),
        ("chem/degree_of_unsaturation", ASPIRIN, "6", "5"),
        ("chem/hbond_donors", ASPIRIN, "1", "2"),
        ("chem/hbond_acceptors", ASPIRIN, "4", "3"),
        ("chem/rotatable_bonds", ASPIRIN, "2", "3"),
        ("chem/descriptor_tpsa", ASPIRIN, "63.6", "66.0"),
        ("chem/descriptor_mollogp", ASPIRIN, "1.31", "1.5"),
        ("chem/stereocentre_count", "C[C@H](N)C(=O)O", "1", "2"),
        ("chem/stereocentre_count", "CC(N)C(=O)O", "1", "0"),
        ("chem/cip_labels", "C[C@H](N)C(=O)O", "1:S", "1:R"),
        ("chem/functional_groups", ASPIRIN, "ester, carboxylic acid", "carboxylic acid"),
        ("chem/functional_groups", ASPIRIN, "Carboxylic-Acids; Esters", "ester, ketone, carboxylic acid"),
    ],
)
def test_known_values(registry: Registry, task_id: str, smiles: str, right: str, wrong: str) -> None:
    t = task(registry, task_id)
    identity = {"smiles": smiles}
    assert t.check(right, identity) == 1.0
    assert t.check(wrong, identity) < 1.0


def test_formula_parser() -> None:
    assert parse_charged_formula("C_{9}H_{8}O_{4}") == parse_charged_formula("C9H8O4")
    assert parse_charged_formula("C2O4^{2-}") == parse_charged_formula("C2O4-2")
    assert parse_charged_formula("NO2+")[1] == 1  # type: ignore[index]
    for bad in ("Xx9Yy8", "H" + "2" * 400, "c9h8o4", "C9 H8 O4!", ""):
        assert parse_charged_formula(bad) is None


# -- reactions ----------------------------------------------------------------------
def test_forward_templates_give_the_textbook_products() -> None:
    assert forward("amide_coupling", ("CC(=O)O", "NCc1ccccc1")) == ("CC(=O)NCc1ccccc1",)
    assert forward("suzuki_coupling", ("Brc1ccccc1", "OB(O)c1ccccc1")) == ("c1ccc(-c2ccccc2)cc1",)
    assert forward("fischer_esterification", ("CC(=O)O", "CCO")) == ("CCOC(C)=O",)
    assert forward("boc_deprotection", ("CC(C)(C)OC(=O)N1CCOCC1",)) == ("C1COCCN1",)
    assert forward("diels_alder", ("C=CC=C", "C=CC(=O)OC")) == ("COC(=O)C1CC=CCC1",)
    assert forward("cuaac_click", ("[N-]=[N+]=NCc1ccccc1", "C#Cc1ccccc1")) == ("c1ccc(Cn2cc(-c3ccccc3)nn2)cc1",)
    # A stereocentre away from the reacting atoms is kept.
    assert forward("amide_coupling", ("CC(=O)O", "C[C@H](N)c1ccccc1")) == ("CC(=O)N[C@@H](C)c1ccccc1",)


def test_every_template_has_a_unique_product_for_most_blocks() -> None:
    for name, reaction in REACTIONS.items():
        combos = [tuple(random.Random(k).choice(BLOCKS[r]) for r in reaction.roles) for k in range(20)]
        unique = sum(len(forward(name, c)) == 1 for c in combos)
        assert unique >= 15, name


def test_forward_reaction_check(registry: Registry) -> None:
    t = task(registry, "chem/forward_amide_coupling")
    identity = {"reactants": ["CC(=O)O", "NCc1ccccc1"], "product": "CC(=O)NCc1ccccc1"}
    assert t.check("O=C(C)NCc1ccccc1", identity) == 1.0
    assert t.check("CC(=O)OCc1ccccc1", identity) == 0.0
    assert t.verify("\\boxed{C1CC(}", identity).reason == "invalid_answer"


def test_retrosynthesis_accepts_every_valid_route(registry: Registry) -> None:
    amide = task(registry, "chem/retro_amide_coupling")
    identity = {"product": "CC(=O)NCc1ccccc1", "reactants": ["CC(=O)O", "NCc1ccccc1"]}
    assert amide.check("CC(=O)O.NCc1ccccc1", identity) == 1.0
    assert amide.check("NCc1ccccc1.OC(C)=O", identity) == 1.0  # order does not matter
    assert amide.check("CC(=O)O.NCC", identity) == 0.0
    assert amide.check("CC(=O)O", identity) == 0.0  # one reactant short
    assert amide.verify("<answer>CC(=O)O.Xx</answer>", identity).reason == "invalid_answer"
    hydrolysis = task(registry, "chem/retro_ester_hydrolysis")
    identity = {"product": "O=C(O)c1ccccc1", "reactants": ["COC(=O)c1ccccc1"]}
    assert hydrolysis.check("CCOC(=O)c1ccccc1", identity) == 1.0  # the ethyl ester works too
    assert hydrolysis.check("CCOC(=O)c1ccccc1C", identity) == 0.0


def test_condition_choice(registry: Registry) -> None:
    t = task(registry, "chem/reaction_conditions")
    identity = t.generate(random.Random(3))
    right = t.solve(identity)
    assert t.check(right, identity) == 1.0
    assert t.check(f"({right.lower()})", identity) == 1.0
    assert t.check(identity["options"][identity["answer"]], identity) == 1.0
    letters = "ABCDEFGH"[: len(identity["options"])]
    assert len(letters) == 8  # the default level offers eight options, so a constant letter earns about 1/8
    assert all(t.check(w, identity) == 0.0 for w in letters if w != right)
    assert t.verify("\\boxed{Z}", identity).reason == "invalid_answer"


# -- identity and design ------------------------------------------------------------
def test_identity_tasks(registry: Registry) -> None:
    same = task(registry, "chem/same_molecule")
    assert same.check("yes", {"a": "OCC", "b": "CCO"}) == 1.0
    assert same.check("no", {"a": "C[C@H](N)C(=O)O", "b": "C[C@@H](N)C(=O)O"}) == 1.0
    canon = task(registry, "chem/canonical_smiles")
    identity = {"smiles": "OC(=O)c1ccccc1OC(C)=O", "canonical": ASPIRIN}
    assert canon.check(ASPIRIN, identity) == 1.0
    assert canon.check("OC(=O)c1ccccc1OC(C)=O", identity) == 0.5
    kekule = task(registry, "chem/kekule_smiles")
    assert kekule.check("CC1=CC=CC=C1", {"smiles": "Cc1ccccc1"}) == 1.0
    assert kekule.check("Cc1ccccc1", {"smiles": "Cc1ccccc1"}) == 0.0
    inchi = task(registry, "chem/smiles_from_inchi")
    assert inchi.check("OCC", {"inchi": "InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3"}) == 1.0
    assert inchi.check("COC", {"inchi": "InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3"}) == 0.0
    mirror = task(registry, "chem/enantiomer")
    assert mirror.check("C[C@@H](N)C(=O)O", {"smiles": "C[C@H](N)C(=O)O"}) == 1.0
    assert mirror.check("C[C@H](N)C(=O)O", {"smiles": "C[C@H](N)C(=O)O"}) == 0.0


def test_design_accepts_any_molecule_meeting_the_constraints(registry: Registry) -> None:
    t = task(registry, "chem/design_formula")
    identity = {"constraints": [{"kind": "formula", "value": "C2H6O"}], "witness": "CCO"}
    assert t.check("COC", identity) == 1.0  # dimethyl ether is an isomer too
    assert t.check("CCCO", identity) < 1.0
    assert t.check("CCO.C", identity) < 1.0
    t = task(registry, "chem/design_mw_logp")
    identity = {"constraints": [{"kind": "mw", "min": 170, "max": 190}, {"kind": "logp", "min": 1.0, "max": 1.5}],
                "witness": ASPIRIN}
    assert t.check(ASPIRIN, identity) == 1.0
    assert t.check("CCCCCCCCCCCC", identity) < 1.0


def test_variants_are_different_molecules() -> None:
    for smiles in (ASPIRIN, CAFFEINE, "C[C@H](N)C(=O)O"):
        out = variants(smiles)
        assert out
        assert Chem.MolToSmiles(Chem.MolFromSmiles(smiles)) not in out


# -- every id: reference answer right, perturbations wrong, garbage invalid -------------
def test_every_id_solves_and_rejects(registry: Registry) -> None:
    for task_id in registry.ids(domain="chem"):
        t = task(registry, task_id)
        identity = t.generate(random.Random(f"{task_id}:test"))
        answer = t.solve(identity)
        assert t.verify(t.format_answer(answer), identity).correct, task_id
        for wrong in t.perturb(answer, identity):
            if wrong.strip() != answer.strip():
                assert t.check(wrong, identity) < 1.0, (task_id, wrong)
        verdict = t.verify("\\boxed{Xx(((}", identity)
        assert verdict.reason == "invalid_answer", (task_id, verdict)


def test_descriptor_tasks_are_answered_with_their_tool():
    """A descriptor task is a tool task: its episode offers rdkit_descriptors, whose value for the
    problem's molecule (asked by name) scores 1.0; an unknown name is a tool error."""
    import json as _json

    import bootcamp
    import tasks.tools  # noqa: F401 - registers the tools
    from bootcamp.env import TOOLS, ToolError
    from bootcamp.env.task_env import TaskEnvironment

    tool = TOOLS.get("rdkit_descriptors")
    ids = bootcamp.list_tasks("chem/descriptor_*")
    for task_id in ids[::8]:
        task = bootcamp.get_task(task_id)
        assert task.tool_task and TaskEnvironment(task_id, tools=None).tools == ("rdkit_descriptors",)
        for seed in range(3):
            problem = task.problem(seed)
            name = task.params["descriptor"]
            value = _json.loads(tool.fn({"smiles": problem.identity["smiles"], "names": [name]}, {}))[name]
            assert task.verify(task.format_answer(str(value)), problem.identity).score == 1.0, (task_id, seed, value)
    with pytest.raises(ToolError, match="unknown descriptor"):
        tool.fn({"smiles": "CCO", "names": ["__import__"]}, {})
    with pytest.raises(ToolError, match="at most"):
        tool.fn({"smiles": "CCO", "names": ["TPSA"] * 21}, {})
    assert TaskEnvironment("chem/largest_ring_size", tools=None).tools == ()


# -- generated molecules and levels ---------------------------------------------------------
def test_generated_molecules_are_distinct_sized_and_canonical() -> None:
    means = []
    for size, spec in SIZES.items():
        out = [build(random.Random(f"t:{size}:{k}"), size) for k in range(100)]
        assert len(set(out)) >= 99, size
        heavy = []
        for smiles in out:
            mol = Chem.MolFromSmiles(smiles)
            assert mol is not None and Chem.MolToSmiles(mol) == smiles
            assert not any(a.GetNumRadicalElectrons() for a in mol.GetAtoms())
            assert spec.heavy[0] <= mol.GetNumHeavyAtoms() <= spec.heavy[1] + 8
            heavy.append(mol.GetNumHeavyAtoms())
        means.append(sum(heavy) / len(heavy))
    assert all(a * 1.15 < b for a, b in zip(means, means[1:], strict=False)), means


def test_generation_is_fast() -> None:
    import time

    build(random.Random(0), 3)  # the blocks are parsed once per process
    start = time.perf_counter()
    for k in range(100):
        build(random.Random(k), 3)
    assert (time.perf_counter() - start) / 100 < 0.01  # a few ms at most, even on a loaded machine


@pytest.mark.parametrize("task_id", [
    "chem/sulfur_count", "chem/descriptor_chi3n", "chem/molecular_formula", "chem/canonical_smiles",
    "chem/stereocentre_count", "chem/tanimoto_similarity", "chem/reaction_reagents", "chem/design_mw_logp",
    "chem/ring_count", "chem/functional_groups",
])
def test_levels_rise(task_id: str) -> None:
    assert_complexity_rises(task_id)
    assert_default_level_keeps_the_problem(task_id)


@pytest.mark.parametrize("task_id", ["chem/sulfur_count", "chem/hbond_donors", "chem/double_bond_count",
                                     "chem/descriptor_fr_nh2", "chem/stereocentre_count"])
def test_rare_counts_spread(task_id: str) -> None:
    """A count that is mostly 0 in plain molecules is steered (the number of carriers drawn first): no
    answer takes over at any level."""
    import bootcamp

    t = bootcamp.get_task(task_id)
    for level in (1, 3, 5):
        answers = [t.at_level(level).solve(t.problem(seed, level=level).identity) for seed in range(60)]
        top = max(answers.count(a) for a in set(answers))
        assert top / len(answers) <= 0.3 and len(set(answers)) >= 4, (level, sorted(answers))


def test_steered_draw_is_deterministic() -> None:
    from rdkit.Chem import Lipinski

    def value(smiles: str) -> float:
        return float(Lipinski.NHOHCount(Chem.MolFromSmiles(smiles)))

    a = [steered(random.Random(k), 2, "test:nhoh", value) for k in range(5)]
    b = [steered(random.Random(k), 2, "test:nhoh", value) for k in range(5)]
    assert a == b


def test_same_molecule_is_balanced(registry: Registry) -> None:
    t = task(registry, "chem/same_molecule")
    answers = [t.solve(t.problem(seed).identity) for seed in range(80)]
    assert 0.35 <= answers.count("yes") / len(answers) <= 0.65
