"""The reasoning-gym adapter, against the real package."""

import pytest

from bootcamp import Registry, check_task

rg = pytest.importorskip("reasoning_gym")
from bootcamp.compat.reasoning_gym import available_datasets, register_datasets  # noqa: E402

SAMPLE = ["basic_arithmetic", "chain_sum", "caesar_cipher", "graph_color", "shortest_path", "countdown"]


@pytest.fixture(scope="module")
def reg():
    registry = Registry(load_plugins=False)
    register_datasets([n for n in SAMPLE if n in available_datasets()], registry=registry)
    return registry


def test_registers_with_domains(reg):
    ids = reg.ids()
    assert "math/rg_basic_arithmetic" in ids
    assert "logic/rg_shortest_path" in ids
    assert "logic/rg_graph_color" not in ids  # no reference answer: skipped
    assert all(reg.entry(i).source == "reasoning_gym" for i in ids)


@pytest.mark.parametrize("name", ["math/rg_basic_arithmetic", "math/rg_chain_sum", "logic/rg_caesar_cipher"])
def test_conforms(reg, name):
    report = check_task(name, seeds=8, registry=reg)
    assert report.passed, report.failures


def test_scores_agree_with_reasoning_gym(reg):
    task = reg.get("math/rg_basic_arithmetic")
    p = task.problem(3, with_answer=True)
    ident = p.identity
    ds = rg.create_dataset(ident["dataset"], size=ident["size"], seed=ident["seed"])
    entry = ds[ident["index"]]
    assert p.answer == entry["answer"]
    assert entry["question"] in p.prompt
    for answer in (entry["answer"], "12345678", "x"):
        assert task.verify(f"<answer>{answer}</answer>", ident).score == ds.score_answer(answer, entry)


def test_countdown_scores_reference_and_rejects_a_changed_expression(reg):
    task = reg.get("logic/rg_countdown")
    p = task.problem(0, with_answer=True)
    assert task.verify(task.format_answer(p.answer), p.identity).correct
    assert task.verify(task.format_answer(p.answer + " + 1"), p.identity).score < 1.0


def test_unknown_dataset():
    with pytest.raises(ValueError, match="unknown reasoning-gym"):
        register_datasets(["no_such_dataset"], registry=Registry(load_plugins=False))


@pytest.mark.parametrize("name", ["countdown", "puzzle24", "polynomial_multiplication"])
def test_sandboxed_scoring_matches_in_process(name):
    from bootcamp.compat.reasoning_gym import EVALUATING_DATASETS, _score_in_process, score_sandboxed
    from bootcamp.verifiers import sandbox

    if not sandbox.available()[0]:
        pytest.skip("bwrap unavailable")
    assert name in EVALUATING_DATASETS
    ident = {"dataset": name, "seed": 1, "size": 100, "index": 3}
    ds = rg.create_dataset(name, size=100, seed=1)
    answer = str(ds[3]["answer"])
    for a in (answer, answer + "1"):
        assert float(score_sandboxed(ident, a)) == pytest.approx(float(_score_in_process(ident, a)))
