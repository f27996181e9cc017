"""Synthesis planning: the reaction library, the building blocks, route replay (valid routes, each kind of invalid
step, hostile answers), alternative routes found by search, levels, and the tools."""

from __future__ import annotations

import itertools
import json
import random
import statistics
import time

import pytest
from rdkit import Chem

from bootcamp.registry import Registry
from tasks.chem import _blocks, synthesis
from tasks.chem._blocks import block_set, generate_blocks, load_blocks
from tasks.chem._library import LIBRARY, rxn_of
from tasks.chem._routes import check_step, parse_route, replay, route_json, unique_product
from tests.tasks._levels import assert_complexity_rises


@pytest.fixture(scope="module")
def registry() -> Registry:
    reg = Registry(load_plugins=False)
    synthesis.register(reg)
    return reg


def _can(s: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(s))


# -- the library ---------------------------------------------------------------------------------------
def test_library_is_large_and_described() -> None:
    assert len(LIBRARY) >= 40
    for r in LIBRARY.values():
        assert len(r.requires) == rxn_of(r.name).GetNumReactantTemplates(), r.name
        assert r.title and r.reagents and r.dropped


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_each_template_makes_its_example(name: str) -> None:
    """Each template, run on its known pair, gives exactly the known product (as one valid step)."""
    reactants, product = LIBRARY[name].example
    cans = tuple(_can(s) for s in reactants)
    made = unique_product(name, cans)
    assert made is not None
    assert Chem.MolToSmiles(Chem.MolFromSmiles(made), isomericSmiles=False) == \
        Chem.MolToSmiles(Chem.MolFromSmiles(product), isomericSmiles=False)
    assert check_step(cans, _can(product))[0] is not None


def test_forbidden_group_and_mixture_rule_a_step_out() -> None:
    # A Grignard reagent is quenched by a carboxylic acid in the ketone partner.
    name, why = check_step((_can("CC(=O)c1ccc(C(=O)O)cc1"), _can("C[Mg]Br")), _can("CC(C)(O)c1ccc(C(=O)O)cc1"))
    assert name is None and "carboxylic acid" in why
    # Two different amines: acylation at either one is a mixture, not a step.
    name, why = check_step((_can("OC(=O)c1ccccc1"), _can("NCc1ccc(N)cc1")), _can("Nc1ccc(CNC(=O)c2ccccc2)cc1"))
    assert name is None and "mixture" in why


# -- the building blocks -------------------------------------------------------------------------------
def test_blocks_are_many_canonical_unique_and_reactive() -> None:
    blocks = load_blocks()
    smiles = [s for s, _ in blocks]
    assert len(smiles) >= 300 and len(set(smiles)) == len(smiles) and smiles == sorted(smiles)
    for s in smiles[::7]:
        mol = Chem.MolFromSmiles(s)
        assert mol is not None and Chem.MolToSmiles(mol) == s


def test_block_file_is_what_the_generator_makes() -> None:
    assert tuple(generate_blocks()) == load_blocks()
    assert _blocks.PATH.read_text().startswith("# Building blocks")


# -- route replay ----------------------------------------------------------------------------------------
ACID, AMINE = _can("OC(=O)c1ccc(Br)cc1"), _can("NCc1ccccc1")
AMIDE = _can("O=C(NCc1ccccc1)c1ccc(Br)cc1")
BORONIC, BIARYL = _can("OB(O)c1ccccc1"), _can("O=C(NCc1ccccc1)c1ccc(-c2ccccc2)cc1")
GOOD = [{"reactants": [ACID, AMINE], "product": AMIDE}, {"reactants": [AMIDE, BORONIC], "product": BIARYL}]


def _score(route: object, target: str = BIARYL, max_steps: int = 2) -> float:
    steps = parse_route(route if isinstance(route, str) else json.dumps({"steps": route}))
    return steps if not isinstance(steps, list) else replay(steps, target, max_steps)


def test_a_valid_route_scores_one() -> None:
    assert {ACID, AMINE, BORONIC} <= block_set()
    assert _score(GOOD) == 1.0
    # Non-canonical spellings of the same molecules are the same route.
    respelled = [{"reactants": ["C1=CC(Br)=CC=C1C(O)=O", "c1ccccc1CN"], "product": "O=C(NCc1ccccc1)c1ccc(Br)cc1"},
                 GOOD[1]]
    assert _score(respelled) == 1.0


@pytest.mark.parametrize("route, needle", [
    ([{"reactants": [_can("OC(=O)c1ccc(Br)cc1C1CC1"), AMINE], "product": "O=C(NCc1ccccc1)c1ccc(Br)cc1C1CC1"}],
     "step 1: reactant"),  # an unavailable reactant
    ([{"reactants": [ACID, AMINE], "product": _can("O=C(NCc1ccccc1)c1ccc(Cl)cc1")}], "step 1: no template"),
    (list(reversed(GOOD)), "step 1: reactant"),  # a later product used first
    (GOOD + [{"reactants": [ACID, AMINE], "product": AMIDE}], "at most 2"),  # too long
    (GOOD[:1], "not the target"),  # the wrong final product
])
def test_each_kind_of_invalid_step_scores_zero_with_its_reason(route: list, needle: str) -> None:
    score = _score(route)
    assert score == 0.0 and needle in (score.detail or ""), score.detail


@pytest.mark.parametrize("answer", [
    "", "not json", "{", "[]", '{"steps": []}', '{"steps": 3}', '{"steps": [{"reactants": "CCO", "product": "CC"}]}',
    '{"steps": [{"reactants": ["C1CC"], "product": "CC"}]}', json.dumps({"steps": [{"reactants": [1.5], "product": None}]}),
    '{"steps": [{"reactants": [NaN], "product": "CC"}]}', "[" * 5000 + "]" * 5000, "x" * 200_000,
    json.dumps({"steps": [{"reactants": ["C" * 400], "product": "C"}]}),
    json.dumps({"steps": [{"reactants": [ACID, AMINE, BORONIC, AMIDE], "product": AMIDE}]}),
    json.dumps({"steps": [{"reactants": [ACID + "." + AMINE], "product": AMIDE}]}),
])
def test_malformed_and_hostile_routes_score_zero_quickly(answer: str) -> None:
    start = time.perf_counter()
    assert _score(answer) == 0.0
    assert time.perf_counter() - start < 1.0


def test_a_route_of_many_large_reactants_stays_fast() -> None:
    """Eight steps of three 80-atom reactants each: refused (too many steps) before any template runs; the
    longest allowed route of large reactants is bounded by the per-step template budget."""
    big = "c1ccc(" + "C" * 60 + "C(=O)O)cc1"
    for n in (8, 5):
        route = [{"reactants": [big, big, big], "product": big}] * n
        start = time.perf_counter()
        assert _score(route, max_steps=5) == 0.0
        assert time.perf_counter() - start < 1.0


# -- tasks: reference, perturbations, hostile answers, levels, timing -------------------------------------------
IDS = ["chem/synthesis_route", "chem/synthesis_route_amide", "chem/synthesis_retro_ether",
       "chem/synthesis_forward_amine", "chem/synthesis_repair_step", "chem/synthesis_repair_route"]


@pytest.mark.parametrize("task_id", IDS)
def test_reference_scores_one_and_perturbations_less(registry: Registry, task_id: str) -> None:
    task = registry.get(task_id)
    for level in (1, len(task.levels)):
        for seed in range(2):
            p = task.problem(seed, with_answer=True, level=level)
            sub = task.for_identity(p.identity)
            assert task.verify(task.format_answer(p.answer), p.identity).score == 1.0
            wrong = sub.perturb(p.answer, p.identity)
            assert wrong and all(sub.check(w, p.identity) < 1.0 for w in wrong)
            for hostile in ("", "{}", "null", "[[[[", '{"step": true}', "C" * 5000, "\x00"):
                assert task.verify(task.format_answer(hostile), p.identity).score < 1.0


def test_repair_step_wants_the_broken_step(registry: Registry) -> None:
    task = registry.get("chem/synthesis_repair_step")
    p = task.problem(1, with_answer=True)
    answer = json.loads(p.answer)
    assert task.check(p.answer, p.identity) == 1.0
    other = answer["step"] % len(p.identity["route"]) + 1
    assert task.check(json.dumps({**answer, "step": other}), p.identity) == 0.0


@pytest.mark.parametrize("task_id", ["chem/synthesis_route", "chem/synthesis_retro_amide",
                                     "chem/synthesis_forward_ester"])
def test_levels_rise(task_id: str) -> None:
    assert_complexity_rises(task_id, seeds=20)


def test_verify_time_is_small(registry: Registry) -> None:
    task = registry.get("chem/synthesis_route")
    times = []
    for level in range(1, 6):
        for seed in range(6):
            p = task.problem(seed, with_answer=True, level=level)
            start = time.perf_counter()
            assert task.verify(task.format_answer(p.answer), p.identity).score == 1.0
            times.append(time.perf_counter() - start)
    times.sort()
    p50, p99 = statistics.median(times), times[int(0.99 * (len(times) - 1))]
    print(f"synthesis_route verify p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    assert p50 < 0.2


# -- search finds other routes ------------------------------------------------------------------------------
def _siblings() -> dict[str, set[str]]:
    """Blocks that share a scaffold (the same fragment with another handle), by block."""
    blocks = block_set()
    scaffolds = _blocks._benzenes() + list(_blocks._HETARYL) + list(_blocks._ALKYL)
    scaffolds += _blocks._arylmethyl(scaffolds[: -len(_blocks._ALKYL)])
    handles = sorted({h for h, _ in _blocks._HANDLES} | {"CO", "CN"})
    out: dict[str, set[str]] = {}
    for s in scaffolds:
        group = set()
        for h in handles:
            mol = Chem.MolFromSmiles(s.replace("[*]", h))
            if mol is not None and Chem.MolToSmiles(mol) in blocks:
                group.add(Chem.MolToSmiles(mol))
        for b in group:
            out.setdefault(b, set()).update(group)
    return out


def _search(target: str, pool: list[str], depth: int) -> list[list[dict]]:
    """Breadth-first search over library templates: routes of at most ``depth`` steps from ``pool``."""
    routes = []
    made: dict[str, list[dict]] = {}  # intermediate -> the steps that make it
    layer = list(pool)
    for _ in range(depth):
        new: dict[str, list[dict]] = {}
        mols = list(pool) + list(made)
        for a in layer:
            for n in LIBRARY:
                for combo in [(a,)] + [(a, b) for b in mols]:
                    product = unique_product(n, tuple(combo))
                    if product is None or product in made or product in new or product in block_set():
                        continue
                    steps = [s for r in combo for s in made.get(r, [])]
                    steps.append({"reactants": list(combo), "product": product})
                    if product == target:
                        routes.append(steps)
                    elif len(steps) < depth:
                        new[product] = steps
        made.update(new)
        layer = list(new)
    return routes


@pytest.mark.slow
def test_search_finds_other_valid_routes(registry: Registry) -> None:
    """For sampled targets, a breadth-first search over the templates and the blocks near the generator's
    (the same scaffolds with other handles) finds routes other than the generator's; each scores 1.0."""
    siblings = _siblings()
    task = registry.get("chem/synthesis_route_amide")
    found_other = 0
    for seed in range(2):
        p = task.problem(seed, level=1)
        route = p.identity["route"]
        pool = sorted({s for step in route for r in step["reactants"] for s in siblings.get(r, {r})})
        alternatives = _search(p.identity["target"], pool, depth=2)
        own = [{"reactants": s["reactants"], "product": s["product"]} for s in route]
        for alt in alternatives:
            assert _score(alt, p.identity["target"], 2) == 1.0
            if sorted(map(json.dumps, alt)) != sorted(map(json.dumps, own)):
                found_other += 1
    print(f"search found {found_other} routes other than the generator's for 2 targets")
    assert found_other >= 2


def test_route_json_round_trips() -> None:
    assert json.loads(route_json(GOOD)) == {"steps": GOOD}
    assert list(itertools.chain.from_iterable(s["reactants"] for s in GOOD))


# -- the tools ----------------------------------------------------------------------------------------------
def test_tools_apply_reactions_and_find_blocks() -> None:
    from bootcamp.env.tools import ToolError
    from tasks.tools.synthesis import building_blocks, reaction_apply

    out = json.loads(reaction_apply({"reaction": "amide_coupling", "reactants": [AMINE, ACID]}, {}))
    assert out["products"] == [AMIDE] and out["unique"] and out["ruled_out_by"] is None
    assert json.loads(building_blocks({"query": ACID, "by": "smiles"}, {}))["is_block"]
    found = json.loads(building_blocks({"query": "boronic acid", "by": "group", "limit": 5}, {}))
    assert found["count"] > 100 and len(found["blocks"]) == 5
    found = json.loads(building_blocks({"query": "c1ccccc1B(O)O", "by": "substructure", "limit": 25}, {}))
    assert 0 < len(found["blocks"]) <= 25
    for bad in ({"reaction": "nope", "reactants": [ACID]}, {"reaction": "amide_coupling", "reactants": ["C" * 999]},
                {"reaction": "amide_coupling", "reactants": [ACID] * 4}, {"reaction": "amide_coupling", "reactants": []}):
        with pytest.raises(ToolError):
            reaction_apply(bad, {})
    for bad in ({"query": "[$(CC)]", "by": "substructure"}, {"query": "C" * 40, "by": "substructure"},
                {"query": "x", "by": "group"}, {"query": ACID, "by": "smiles", "limit": 10_000}):
        with pytest.raises(ToolError):
            building_blocks(bad, {})


def test_environment_reference_solves() -> None:
    from bootcamp.env.registry import ENVIRONMENTS

    env = ENVIRONMENTS.get("chem/synthesis_planning")
    state, _ = env.reset(3)
    for _ in range(env.max_turns):
        result = env.step(state, env.reference_action(state))
        state = result.state
        if result.done:
            break
    assert result.verdict is not None and result.verdict.score == 1.0
    assert random.Random(0)  # seeded generation only
