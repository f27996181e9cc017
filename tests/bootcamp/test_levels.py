"""Difficulty levels: the task contract, registration, exports, the CLI and the job's task mix."""

import json
import random
import statistics
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from bootcamp import RegistrationError, Registry, Task
from bootcamp.cli import app
from bootcamp.export import export, iter_problems, parse_label
from bootcamp.mix import TaskSampler, mix_key, resolve_mix, split_key
from bootcamp.registry import REGISTRY
from bootcamp.verifiers.numeric import check_integer

FAMILIES = {"math/modular_power": 5, "logic/lights_out": 4, "biology/reverse_complement": 5}
runner = CliRunner()


class Estimate(Task):
    """Estimate a product; each level has its own tolerance (a test family)."""

    id = "math/test_estimate"
    description = "Estimate a product within a tolerance."
    default_params = {"digits": 2, "tolerance": 0.1}
    levels = ({"digits": 1, "tolerance": 0.0}, {"digits": 2, "tolerance": 0.1}, {"digits": 3, "tolerance": 0.3})
    default_level = 2

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["digits"]
        return {"a": rng.randint(10 ** (n - 1), 10**n - 1), "b": rng.randint(10 ** (n - 1), 10**n - 1)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Estimate {identity['a']} * {identity['b']} in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        exact = identity["a"] * identity["b"]
        try:
            value = float(answer)
        except ValueError:
            return 0.0
        return 1.0 if abs(value - exact) <= self.params["tolerance"] * exact else 0.0

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] * identity["b"])

    def complexity(self, identity: dict[str, Any]) -> float:
        return float(len(str(identity["a"])) + len(str(identity["b"])))


class Plain(Task):
    """Add two digits (no levels)."""

    id = "math/test_plain"
    description = "Add two digits."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"a": rng.randint(0, 9), "b": rng.randint(0, 9)}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"{identity['a']} + {identity['b']} = ? Answer in \\boxed{{}}."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_integer(answer, identity["a"] + identity["b"])

    def solve(self, identity: dict[str, Any]) -> str:
        return str(identity["a"] + identity["b"])


@pytest.fixture
def reg() -> Registry:
    r = Registry(load_plugins=False)
    r.register(Estimate)
    r.register(Plain)
    return r


# -- the task contract ------------------------------------------------------------------------------------------
def test_at_level_is_cached_and_carries_the_level_params(reg):
    task = reg.get("math/test_estimate")
    assert task.n_levels == 3 and reg.get("math/test_plain").n_levels == 1
    assert task.at_level(None) is task and task.at_level(2) is task  # the default level is the task itself
    easy = task.at_level(1)
    assert easy is task.at_level(1) and easy is not task and type(easy) is Estimate
    assert easy.task_id == task.task_id and easy.params == {"digits": 1, "tolerance": 0.0}
    assert easy.at_level(None) is easy and easy.at_level(2) is task and easy.at_level(3) is task.at_level(3)


@pytest.mark.parametrize("bad", [0, 4, -1, "2", 2.0, True])
def test_bad_level_names_the_range(reg, bad):
    with pytest.raises(ValueError, match=r"math/test_estimate.*1\.\.3"):
        reg.get("math/test_estimate").at_level(bad)
    with pytest.raises(ValueError, match=r"math/test_estimate.*1\.\.3"):
        reg.get("math/test_estimate").problem(0, level=bad)


def test_task_without_levels_behaves_as_before(reg):
    plain = reg.get("math/test_plain")
    assert plain.levels == () and plain.default_level is None and plain.at_level(1) is plain
    with pytest.raises(ValueError, match="no difficulty levels"):
        plain.at_level(2)
    p = plain.problem(3)
    assert p.level is None and "level" not in p.identity
    assert p.identity == plain.generate(random.Random("math/test_plain:3"))
    # a stray "level" in a level-less task's identity is not read
    assert plain.verify(f"\\boxed{{{plain.solve(p.identity)}}}", {**p.identity, "level": 7}).correct
    with pytest.raises(NotImplementedError, match="complexity"):
        plain.complexity(p.identity)


def test_problem_records_the_level_and_draws_each_level_from_its_own_stream(reg):
    task = reg.get("math/test_estimate")
    default = task.problem(5)
    assert default.level == 2 and default.identity["level"] == 2 and list(default.identity)[-1] == "level"
    assert {k: v for k, v in default.identity.items() if k != "level"} == task.generate(
        random.Random("math/test_estimate:5"))
    assert task.problem(5, level=2) == default
    hard = task.problem(5, level=3)
    assert hard.level == hard.identity["level"] == 3 and hard.identity["a"] >= 100
    assert {k: v for k, v in hard.identity.items() if k != "level"} == task.at_level(3).generate(
        random.Random("math/test_estimate:L3:5"))
    assert task.at_level(3).problem(5) == hard  # a level's task draws at its own level
    assert hard.model_dump()["level"] == 3 and json.loads(hard.model_dump_json())["identity"]["level"] == 3


def test_verify_follows_the_identitys_level(reg):
    task = reg.get("math/test_estimate")
    for level, tolerance in ((1, 0.0), (2, 0.1), (3, 0.3)):
        p = task.problem(11, level=level)
        exact = p.identity["a"] * p.identity["b"]
        near = f"\\boxed{{{exact * 1.2}}}"  # 20% off: only level 3's tolerance takes it
        assert task.verify(near, p.identity).correct is (tolerance >= 0.2)
        assert task.verify(f"\\boxed{{{exact}}}", p.identity).correct
    p = task.problem(11, level=3)
    # the same answer against the same numbers, claimed as level 1: level 1's tolerance applies
    assert not task.verify(f"\\boxed{{{p.identity['a'] * p.identity['b'] * 1.2}}}", {**p.identity, "level": 1}).correct
    for bad in (9, "3", None):
        verdict = task.verify("\\boxed{1}", {**p.identity, "level": bad})
        assert verdict.score == 0.0
        if bad is not None:
            assert verdict.reason == "verifier_error" and "1..3" in verdict.detail


def test_info_lists_levels(reg):
    info = reg.get("math/test_estimate").info()
    assert (info["levels"], info["default_level"], info["tool_task"], info["space_size"]) == (3, 2, False, None)
    plain = reg.get("math/test_plain").info()
    assert (plain["levels"], plain["default_level"]) == (0, None)


# -- registration -----------------------------------------------------------------------------------------------
def _variant(**attrs: Any) -> type[Task]:
    return type("Variant", (Estimate,), attrs)


@pytest.mark.parametrize("attrs, params, match", [
    ({"levels": ({"digits": 1}, {"digitz": 2})}, None, r"math/test_variant: level 2 overrides 'digitz'"),
    ({"default_level": 4}, None, r"math/test_variant: default_level must be a level in 1\.\.3, got 4"),
    ({"default_level": None}, None, r"math/test_variant: default_level must be a level in 1\.\.3, got None"),
    ({"default_level": 1}, None, r"math/test_variant: default level 1 sets digits=1 .* digits is 2"),
    ({}, {"tolerance": 0.2}, r"math/test_variant: default level 2 sets tolerance=0\.1 .* tolerance is 0\.2"),
    ({"levels": (), "default_level": 1}, None, r"math/test_variant: default_level is 1 but .* no levels"),
    ({"levels": [["digits", 1]]}, None, r"math/test_variant: levels must be a tuple of dicts"),
    ({"space_size": 0}, None, r"math/test_variant: space_size"),
    ({"tool_task": "yes"}, None, r"math/test_variant: tool_task"),
])
def test_bad_level_declarations_fail_at_registration(attrs, params, match):
    with pytest.raises(RegistrationError, match=match):
        Registry(load_plugins=False).register(_variant(**attrs), "math/test_variant", params)


def test_a_level_that_cannot_be_built_fails_at_registration():
    class Checked(Estimate):
        levels = ({"digits": 0, "tolerance": 0.0}, {"digits": 2, "tolerance": 0.1})

        def __init__(self, task_id: str | None = None, **params: Any) -> None:
            super().__init__(task_id, **params)
            if self.params["digits"] < 1:
                raise ValueError("digits must be at least 1")

    with pytest.raises(RegistrationError, match=r"math/test_checked: cannot build level 1 .*digits must be"):
        Registry(load_plugins=False).register(Checked, "math/test_checked")


# -- the families with levels -----------------------------------------------------------------------------------
@pytest.mark.parametrize("task_id", sorted(FAMILIES))
def test_family_default_level_is_todays_problem(task_id):
    task = REGISTRY.get(task_id)
    assert task.n_levels == FAMILIES[task_id] and task.at_level(task.default_level) is task
    assert task.levels[task.default_level - 1] == {k: task.params[k] for k in task.levels[task.default_level - 1]}
    for seed in range(20):
        p = task.problem(seed, with_answer=True)
        today = task.generate(random.Random(f"{task_id}:{seed}"))  # how problem(seed) drew before levels
        assert p.identity == {**today, "level": task.default_level} and p.level == task.default_level
        assert p.prompt == task.prompt(today) and p.answer == task.solve(today)


@pytest.mark.parametrize("task_id", sorted(FAMILIES))
def test_family_levels_differ_are_deterministic_and_verify(task_id):
    task = REGISTRY.get(task_id)
    for level in range(1, task.n_levels + 1):
        problems = [task.problem(s, with_answer=True, level=level) for s in range(10)]
        assert problems == [task.problem(s, with_answer=True, level=level) for s in range(10)]
        assert all(p.level == p.identity["level"] == level for p in problems)
        if level != task.default_level:
            assert all(p.identity != task.problem(p.seed).identity for p in problems)
        for p in problems:
            assert task.verify(task.format_answer(p.answer), p.identity).correct
            assert not task.verify(task.format_answer(p.answer + "1"), p.identity).correct


@pytest.mark.parametrize("task_id", sorted(FAMILIES))
def test_family_mean_complexity_rises_level_by_level(task_id):
    task = REGISTRY.get(task_id)
    means = [statistics.mean(task.complexity(task.problem(s, level=lv).identity) for s in range(200))
             for lv in range(1, task.n_levels + 1)]
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means


# -- exports ----------------------------------------------------------------------------------------------------
def test_exports_carry_the_level(tmp_path):
    ids = ["biology/reverse_complement", "math/modular_power"]
    rows = tmp_path / "p.jsonl"
    assert export(iter_problems(ids, 3, level=4), "jsonl", rows) == 6
    lines = [json.loads(line) for line in rows.read_text().splitlines()]
    assert all(r["level"] == 4 == r["identity"]["level"] for r in lines)
    assert len(lines[0]["identity"]["sequence"]) == 48

    verl = tmp_path / "p.parquet"
    export(iter_problems(["logic/lights_out"], 4, level=3), "verl", verl)
    frame = pd.read_parquet(verl)
    assert [e["level"] for e in frame["extra_info"]] == [3] * 4
    assert all(json.loads(e["identity"])["size"] == 6 for e in frame["extra_info"])
    assert all(parse_label(g["ground_truth"])[1]["level"] == 3 for g in frame["reward_model"])

    orl = tmp_path / "o.jsonl"
    export(iter_problems(["math/modular_power"], 2, level=1), "openrlhf", orl)
    for line in orl.read_text().splitlines():
        task_id, identity = parse_label(json.loads(line)["label"])
        assert task_id == "math/modular_power" and identity["level"] == 1 and identity["e"] <= 100

    plain = tmp_path / "plain.jsonl"
    export(iter_problems(["generic/number"], 1), "jsonl", plain)
    assert json.loads(plain.read_text())["level"] is None


def test_export_rejects_a_level_a_task_lacks():
    with pytest.raises(ValueError, match=r"logic/lights_out: level must be an integer in 1\.\.4"):
        list(iter_problems(["math/modular_power", "logic/lights_out"], 1, level=5))


# -- the CLI ----------------------------------------------------------------------------------------------------
def test_cli_sample_and_show_levels():
    result = runner.invoke(app, ["tasks", "sample", "logic/lights_out", "-n", "2", "--level", "4", "--json"])
    assert result.exit_code == 0, result.output
    problems = json.loads(result.stdout)
    assert [p["level"] for p in problems] == [4, 4] and all(p["identity"]["size"] == 7 for p in problems)
    text = runner.invoke(app, ["tasks", "sample", "logic/lights_out", "--level", "1"])
    assert "level=1" in text.stdout
    info = json.loads(runner.invoke(app, ["tasks", "show", "biology/reverse_complement"]).stdout)
    assert (info["levels"], info["default_level"]) == (5, 3)
    assert info["level_overrides"][0] == {"length": 8} and info["example"]["level"] == 3


def test_cli_export_level(tmp_path):
    out = tmp_path / "v.parquet"
    result = runner.invoke(app, ["tasks", "export", "math/modular_power", "--n", "3", "--format", "verl",
                                 "--level", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [e["level"] for e in pd.read_parquet(out)["extra_info"]] == [3, 3, 3]


@pytest.mark.parametrize("command", [["tasks", "sample", "logic/lights_out"],
                                     ["tasks", "export", "logic/lights_out", "generic/number", "--out", "unused.jsonl"],
                                     ["tasks", "show", "logic/lights_out"]])
def test_cli_out_of_range_level_is_a_one_line_error(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*command, "--level", "9"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "1..4" in lines[0] and "logic/lights_out" in lines[0]
    assert not (tmp_path / "unused.jsonl").exists()


def test_cli_verify_follows_the_level():
    p = json.loads(runner.invoke(app, ["tasks", "sample", "biology/reverse_complement", "--level", "5",
                                       "--with-answer", "--json"]).stdout)[0]
    result = runner.invoke(app, ["verify", "biology/reverse_complement", "--identity", json.dumps(p["identity"]),
                                 "--response", f"\\boxed{{{p['answer']}}}"])
    assert json.loads(result.stdout)["correct"] is True


# -- the job's task mix -----------------------------------------------------------------------------------------
def test_mix_keys_round_trip():
    assert mix_key("generic/number") == "generic/number" and mix_key("generic/number", 2) == "generic/number@2"
    assert split_key("generic/number@2") == ("generic/number", 2) and split_key("generic/number") == ("generic/number", None)
    with pytest.raises(ValueError, match="positive integer"):
        split_key("generic/number@x")


def test_mix_entries_with_levels_draw_at_that_level():
    class Entry:
        def __init__(self, id: str, weight: float = 1.0, level: int | None = None) -> None:
            self.id, self.weight, self.level = id, weight, level

    mix = resolve_mix([("math/modular_power", 1.0, 1), Entry("math/modular_power", 3.0, 4),
                       ("generic/number", 1.0), ("logic/lights_out@3", 2.0)])
    assert mix == {"math/modular_power@1": 1.0, "math/modular_power@4": 3.0, "generic/number": 1.0,
                   "logic/lights_out@3": 2.0}
    drawn = TaskSampler(mix, seed=3).sample(200)
    by_key: dict[Any, list] = {}
    for p in drawn:
        by_key.setdefault((p.task, p.level), []).append(p)
    assert set(by_key) == {("math/modular_power", 1), ("math/modular_power", 4), ("generic/number", None),
                           ("logic/lights_out", 3)}
    assert all(p.identity["e"] <= 100 for p in by_key[("math/modular_power", 1)])
    assert max(p.identity["e"] for p in by_key[("math/modular_power", 4)]) > 10**6
    assert all(p.identity["size"] == 6 for p in by_key[("logic/lights_out", 3)])
    held = TaskSampler(mix, seed=3, seed_limit=1000).eval_problems(2)
    assert len(held) == 8 and {(p.task, p.level) for p in held} == set(by_key) and all(p.seed >= 1000 for p in held)


def test_plain_mix_is_unchanged():
    mix = resolve_mix([("math/modular_power", 1.0)])
    assert mix == {"math/modular_power": 1.0}
    p = TaskSampler(mix, seed=0).sample(1)[0]
    assert p.level == 3 and p == REGISTRY.get("math/modular_power").problem(p.seed)


@pytest.mark.parametrize("entries, match", [
    ([("math/modular_power", 1.0, 7)], r"\{id: math/modular_power, level: 7\}: .*1\.\.5"),
    ([("generic/number", 1.0, 2)], r"\{id: generic/number, level: 2\}: generic/number: has no difficulty levels"),
    ([("generic/*", 1.0, 3)], r"\{id: generic/\*, level: 3\}: generic/\w+: has no"),
    ([("math/modular_power@2", 1.0, 3)], r"names level 2, the entry level 3"),
    ([("math/modular_power", 1.0, 2, 9)], r"expected \(id, weight\)"),
])
def test_bad_mix_entries_name_the_entry(entries, match):
    with pytest.raises(ValueError, match=match):
        resolve_mix(entries)
