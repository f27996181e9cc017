"""The reasoning-gym adapter, against the real package."""

import pytest

from bootcamp import Registry, Task, check_task

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


# -- registration: checks, atomicity, the plugin hook --------------------------------------------------------

from bootcamp.compat import reasoning_gym as rgc  # noqa: E402
from bootcamp.compat import rg_validation as rv  # noqa: E402
from bootcamp.registry import RegistrationError, _call_with_registry  # noqa: E402


@pytest.fixture(scope="module")
def refusals():
    registry = Registry(load_plugins=False)
    result = register_datasets(["composite", "graph_color", "puzzle24", "codeio", "chain_sum"], registry=registry)
    return registry, result


def test_unusable_datasets_are_skipped_with_reasons(refusals):
    registry, result = refusals
    assert list(result) == ["math/rg_chain_sum"] == registry.ids()
    reasons = {name: s.reason for name, s in result.skipped.items()}
    assert reasons["composite"] == rv.CANNOT_BUILD
    assert reasons["graph_color"] == rv.NO_ANSWER
    assert reasons["puzzle24"] == rv.FAILS_CHECK and "other seeds" in result.skipped["puzzle24"].detail
    # codeio differs at one index in 40: refused when the 1.5 s probe budget reaches it (see below)
    assert reasons.get("codeio", rv.NOT_DETERMINISTIC) == rv.NOT_DETERMINISTIC
    assert result.by_reason()[rv.CANNOT_BUILD][0] == "composite"


def test_codeio_differs_between_rebuilds():
    skipped, _ = rv.check_builds("codeio", rgc.DATASET_SIZE, timed=False, probes=32)
    assert skipped is not None and skipped.reason == rv.NOT_DETERMINISTIC
    assert "seed 0 index 26" in skipped.detail


class _Conflict(Task):
    """Someone else's task under an id the adapter wants."""

    def generate(self, rng):
        return {}

    def prompt(self, identity):
        return "?"

    def check(self, answer, identity):
        return 0.0

    def solve(self, identity):
        return "x"


def test_registration_is_all_or_nothing_and_a_retry_works():
    registry = Registry(load_plugins=False)
    registry.register(_Conflict, "logic/rg_caesar_cipher", source="other")
    with pytest.raises(RegistrationError, match="nothing was registered"):
        register_datasets(["chain_sum", "caesar_cipher"], registry=registry, checks="fast")
    assert registry.ids() == ["logic/rg_caesar_cipher"]
    registry.unregister("logic/rg_caesar_cipher")
    first = register_datasets(["chain_sum", "caesar_cipher"], registry=registry, checks="fast")
    assert sorted(first) == ["logic/rg_caesar_cipher", "math/rg_chain_sum"]
    again = register_datasets(["chain_sum", "caesar_cipher", "basic_arithmetic"], registry=registry, checks="fast")
    assert list(again) == ["math/rg_basic_arithmetic"]
    assert sorted(again.already) == ["logic/rg_caesar_cipher", "math/rg_chain_sum"]


def test_a_failure_while_registering_rolls_back():
    class Flaky(Registry):
        calls = 0

        def register(self, *args, **kwargs):
            Flaky.calls += 1
            if Flaky.calls == 2:
                raise RegistrationError("boom")
            return super().register(*args, **kwargs)

    registry = Flaky(load_plugins=False)
    with pytest.raises(RegistrationError, match="boom"):
        register_datasets(["chain_sum", "caesar_cipher"], registry=registry, checks="fast")
    assert registry.ids() == []
    assert len(register_datasets(["chain_sum", "caesar_cipher"], registry=registry, checks="fast")) == 2


def test_strict_refuses_everything_when_one_is_unusable():
    registry = Registry(load_plugins=False)
    with pytest.raises(ValueError, match="graph_color"):
        register_datasets(["chain_sum", "graph_color"], registry=registry, checks="fast", strict=True)
    assert registry.ids() == []


def test_cross_process_difference_is_a_refusal(monkeypatch):
    monkeypatch.setattr(rgc, "child_fingerprints", lambda names, size: ({n: ["different"] for n in names}, None))
    monkeypatch.setattr(rgc, "check_conformance", lambda task: None)
    result = register_datasets(["chain_sum"], registry=Registry(load_plugins=False))
    assert list(result) == []
    assert result.skipped["chain_sum"].reason == rv.NOT_DETERMINISTIC_ACROSS_PROCESSES


def test_child_fingerprints_match_for_a_deterministic_dataset():
    theirs, problem = rv.child_fingerprints({"chain_sum": 6}, rgc.DATASET_SIZE)
    assert problem is None
    assert theirs["chain_sum"] == rv.fingerprints("chain_sum", rgc.DATASET_SIZE, count=6)


def test_plugin_hook_reads_the_environment(monkeypatch):
    registry = Registry(load_plugins=False)
    monkeypatch.delenv(rgc.ENV_VAR, raising=False)
    assert rgc.register_from_env(registry) is None
    monkeypatch.setenv(rgc.ENV_VAR, "chain_sum, graph_color")
    _call_with_registry(rgc.register_from_env, registry, source="reasoning_gym")
    assert registry.ids() == ["math/rg_chain_sum"]
    assert registry.entry("math/rg_chain_sum").source == "reasoning_gym"
    _call_with_registry(rgc.register_from_env, registry, source="reasoning_gym")  # idempotent
    monkeypatch.setenv(rgc.PARITY_ENV_VAR, "1")
    monkeypatch.setenv(rgc.ENV_VAR, "caesar_cipher")
    _call_with_registry(rgc.register_from_env, registry, source="reasoning_gym")
    assert registry.entry("logic/rg_caesar_cipher").cls is rgc.ReasoningGymParityTask


def test_entry_point_line_makes_them_visible(monkeypatch):
    """The line to add under [project.entry-points."bootcamp.tasks"], loaded as the registry loads plugins."""
    from importlib import metadata

    import bootcamp.registry as registry_module

    ep = metadata.EntryPoint(name="reasoning_gym", value="bootcamp.compat.reasoning_gym:register_from_env",
                             group="bootcamp.tasks")

    def entry_points(group):
        return [ep] if group == "bootcamp.tasks" else []

    monkeypatch.setattr(registry_module.metadata, "entry_points", entry_points)
    monkeypatch.setenv(rgc.ENV_VAR, "caesar_cipher")
    registry = Registry()
    assert "logic/rg_caesar_cipher" in registry and not registry.plugin_errors
    assert registry.entry("logic/rg_caesar_cipher").source == "reasoning_gym"
    monkeypatch.setenv(rgc.ENV_VAR, "no_such_dataset")
    broken = Registry()
    assert broken.ids() == [] and "unknown reasoning-gym" in broken.plugin_errors["reasoning_gym"]
