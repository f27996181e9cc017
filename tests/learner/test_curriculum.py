"""The curriculum: the level/weight state machine, its state in checkpoints, and a real CPU job whose
task's level rises with ``curriculum.enabled`` and stays put without it."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace
from typing import Any

import pytest

from bootcamp import Registry, Task
from bootcamp.mix import TaskSampler
from learner import checkpoint as ckpt_mod
from learner.config import apply_overrides, parse_config
from learner.curriculum import (
    Curriculum,
    CurriculumSampler,
    TaskLevels,
    checkpoint_state,
    job_curriculum,
    observe_groups,
    restore,
)
from learner.curriculum_config import CurriculumConfig

HIGH, LOW, MID = [1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 0, 0]


def _one(n_levels: int = 3, start: int = 1, **kw: Any) -> Curriculum:
    kw = {"window": 4, "min_groups_between_moves": 4, **kw}
    return Curriculum({"t": TaskLevels(n_levels, start)}, **kw)


def _feed(cur: Curriculum, groups: list[list[int]], task: str = "t") -> list[int]:
    """Observe each group at the task's current level; the level after each."""
    return [cur.observe(task, cur.level(task), g) for g in groups]


# -- the state machine --------------------------------------------------------------------------------
def test_moves_up_after_sustained_high_pass_rates_and_stops_at_the_top():
    cur = _one(3)
    # the 4th high group (min_groups_between_moves) moves it; the window empties at each move
    assert _feed(cur, [HIGH] * 12) == [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3]
    assert cur.tasks["t"].moves == 2 and cur.tasks["t"].history == [2, 3]


def test_moves_down_after_sustained_low_pass_rates_and_stops_at_level_one():
    cur = _one(3, start=3)
    assert _feed(cur, [LOW] * 12) == [3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1]


def test_rates_between_the_bounds_or_not_sustained_do_not_move():
    cur = _one(3, start=2)
    assert _feed(cur, [MID] * 20) == [2] * 20
    cur = _one(3, start=2, min_groups_between_moves=1)
    # the window's mean decides, not the last group: 0.5, 0.5, 0.5 then 1.0 averages 0.625
    assert _feed(cur, [MID, MID, MID, HIGH]) == [2, 2, 2, 2]
    # bounds are strict: exactly 0.8 is not above upper 0.8
    cur = _one(3, window=5, min_groups_between_moves=5)
    assert _feed(cur, [[1, 1, 1, 1, 0]] * 5) == [1] * 5


def test_respects_the_minimum_gap_between_moves():
    cur = _one(5, window=2, min_groups_between_moves=5)
    assert _feed(cur, [HIGH] * 10) == [1, 1, 1, 1, 2, 2, 2, 2, 2, 3]
    # after a move the gap counts again from zero, whatever the rate
    cur = _one(5, start=3, window=2, min_groups_between_moves=3)
    assert _feed(cur, [HIGH, HIGH, HIGH, LOW, LOW, LOW]) == [3, 3, 4, 4, 4, 3]


def test_never_outside_the_range_under_random_groups():
    rng = random.Random(0)
    cur = _one(4, start=2, window=3, min_groups_between_moves=1, upper=0.6, lower=0.4)
    levels = _feed(cur, [[rng.random() < 0.5 for _ in range(4)] for _ in range(2000)])
    assert set(levels) == {1, 2, 3, 4}  # it does move, both ways, and only within 1..4
    single = _one(1, min_groups_between_moves=1)  # a task without levels never moves
    assert _feed(single, [HIGH, LOW] * 10) == [1] * 20


def test_groups_of_another_level_are_counted_but_not_averaged():
    cur = _one(3)
    _feed(cur, [HIGH] * 4)
    assert cur.level("t") == 2 and cur.pass_rate("t") is None
    for _ in range(10):  # still in flight at level 1 when it moved: they say nothing about level 2
        assert cur.observe("t", 1, LOW) == 2
    assert cur.pass_rate("t") is None and cur.tasks["t"].stale == 10 and cur.tasks["t"].groups == 14


def test_level_none_is_the_default_level_and_scores_average():
    cur = Curriculum({"t": TaskLevels(3, 2, default=2)}, window=4, min_groups_between_moves=4)
    cur.observe("t", None, [0.5, 1.0])
    assert cur.pass_rate("t") == pytest.approx(0.75)
    cur.observe("t", 1, [1.0])  # another level: not averaged
    assert cur.pass_rate("t") == pytest.approx(0.75)


def test_weights_follow_learnability_with_the_floor_and_the_configured_weight():
    cur = Curriculum({"half": TaskLevels(1, 1), "solved": TaskLevels(1, 1), "new": TaskLevels(1, 1),
                      "heavy": TaskLevels(1, 1, weight=2.0), "tenth": TaskLevels(1, 1)}, floor=0.05)
    cur.observe("half", 1, [1, 0])  # p = 0.5: p(1-p) = 0.25
    cur.observe("solved", 1, [1, 1])  # p = 1: 0, floored at 0.05
    cur.observe("heavy", 1, [1, 0])  # 0.25 x weight 2
    cur.observe("tenth", 1, [1] + [0] * 9)  # p = 0.1: 0.09
    # "new" has no scored group yet: 0.25, the most a task can get
    raw = {"half": 0.25, "solved": 0.05, "new": 0.25, "heavy": 0.5, "tenth": 0.09}
    total = sum(raw.values())
    assert cur.weights() == pytest.approx({k: v / total for k, v in raw.items()})
    assert sum(cur.weights().values()) == pytest.approx(1.0)
    m = cur.metrics()
    assert m["curriculum/solved/level"] == 1.0 and m["curriculum/solved/pass_rate"] == 1.0
    assert m["curriculum/heavy/weight"] == pytest.approx(0.5 / total)
    assert "curriculum/new/pass_rate" not in m and "curriculum/new/weight" in m


def test_bad_arguments_are_errors():
    with pytest.raises(ValueError, match="lower"):
        _one(lower=0.8, upper=0.8)
    with pytest.raises(ValueError, match="floor"):
        _one(floor=0.0)
    with pytest.raises(ValueError, match="start level 4 outside 1..3"):
        Curriculum({"t": TaskLevels(3, 4)})
    cur = _one()
    with pytest.raises(ValueError, match="not in the mix"):
        cur.observe("nope", 1, HIGH)
    with pytest.raises(ValueError, match="empty group"):
        cur.observe("t", 1, [])


# -- state ---------------------------------------------------------------------------------------------
def _busy(seed: int = 1) -> tuple[Curriculum, list[list[int]]]:
    rng = random.Random(seed)
    groups = [[rng.random() < 0.7 for _ in range(4)] for _ in range(50)]
    cur = Curriculum({"a": TaskLevels(5, 1), "b": TaskLevels(3, 3, weight=3.0)}, window=6,
                     min_groups_between_moves=3, upper=0.7, lower=0.3)
    for i, g in enumerate(groups[:30]):
        task = "ab"[i % 2]
        cur.observe(task, cur.level(task), g)
    return cur, groups[30:]


def test_state_round_trip_through_json_continues_identically():
    cur, rest = _busy()
    state = json.loads(json.dumps(cur.state_dict()))
    fresh = Curriculum({"a": TaskLevels(5, 1), "b": TaskLevels(3, 3, weight=3.0)}, window=6,
                       min_groups_between_moves=3, upper=0.7, lower=0.3)
    fresh.load_state_dict(state)
    assert fresh.state_dict() == cur.state_dict() and fresh.weights() == cur.weights()
    for i, g in enumerate(rest):  # the same groups move both the same way
        task = "ab"[i % 2]
        assert fresh.observe(task, fresh.level(task), g) == cur.observe(task, cur.level(task), g)
    assert fresh.state_dict() == cur.state_dict()


def test_load_state_adapts_to_a_changed_mix_and_rejects_garbage():
    cur, _ = _busy()
    state = cur.state_dict()
    state["tasks"]["a"]["level"] = 9  # the task has fewer levels now: clamped, window emptied
    other = Curriculum({"a": TaskLevels(4, 1), "c": TaskLevels(2, 2)}, window=6)
    other.load_state_dict(state)
    assert other.level("a") == 4 and other.pass_rate("a") is None
    assert other.level("c") == 2 and "b" not in other.tasks  # new task keeps its start; gone task ignored
    for bad in ({}, {"format": 99, "tasks": {}}, {"format": 1, "tasks": {"a": {"level": "x"}}}, []):
        with pytest.raises(ValueError, match="curriculum state"):
            other.load_state_dict(bad)


def test_resume_restores_the_curriculum_through_the_checkpoint_helpers(tmp_path):
    cur, rest = _busy()
    for step in (2, 4):
        out = ckpt_mod.step_dir(tmp_path, step)
        out.mkdir(parents=True)
        ckpt_mod.write_state(out, {"step": step, "sampler": {}, **checkpoint_state(cur)})
    state = ckpt_mod.read_state(ckpt_mod.latest(tmp_path))
    resumed = Curriculum({"a": TaskLevels(5, 1), "b": TaskLevels(3, 3, weight=3.0)}, window=6,
                         min_groups_between_moves=3, upper=0.7, lower=0.3)
    assert restore(resumed, state) and resumed.state_dict() == cur.state_dict()
    assert resumed.level("a") != 1 or resumed.tasks["a"].groups > 0  # something was restored
    # a run without a curriculum writes nothing and restores nothing; an old checkpoint leaves the start
    assert checkpoint_state(None) == {} and not restore(None, state)
    fresh = Curriculum({"a": TaskLevels(5, 2)})
    assert not restore(fresh, {"step": 4, "sampler": {}}) and fresh.level("a") == 2


# -- config ----------------------------------------------------------------------------------------------
def test_config_defaults_and_errors_name_the_field():
    cfg = parse_config({"tasks": ["math/gcd"]})
    assert cfg.curriculum == CurriculumConfig() and not cfg.curriculum.enabled
    assert (cfg.curriculum.upper, cfg.curriculum.lower, cfg.curriculum.start_level) == (0.8, 0.2, None)
    for section, field in [({"lower": 0.9}, "curriculum.lower"), ({"upper": 1.5}, "curriculum.upper"),
                           ({"window": 0}, "curriculum.window"), ({"floor": 0.3}, "curriculum.floor"),
                           ({"min_groups_between_moves": 0}, "curriculum.min_groups_between_moves"),
                           ({"start_level": 0}, "curriculum.start_level"), ({"uper": 0.9}, "curriculum.uper")]:
        with pytest.raises(ValueError, match=field.replace(".", r"\.")):
            parse_config({"tasks": ["math/gcd"], "curriculum": section})


# -- sampling --------------------------------------------------------------------------------------------
class _Levelled:
    """A stand-in task with levels: records the level each problem is drawn at."""

    levels = ({}, {}, {})
    default_level = 2

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id

    def problem(self, seed: int, with_answer: bool = False, level: int | None = None) -> Any:
        return SimpleNamespace(task=self.task_id, seed=seed, level=level)


class _Plain:
    """A stand-in task without levels (its ``problem`` takes no level)."""

    def problem(self, seed: int, with_answer: bool = False) -> Any:
        return SimpleNamespace(task="plain", seed=seed, level=None)


class _Problems:
    def __init__(self) -> None:
        self.tasks = {"lev": _Levelled("lev"), "plain": _Plain()}

    def get(self, task_id: str) -> Any:
        return self.tasks[task_id]


def test_sampler_draws_at_the_curriculum_levels_and_weights():
    problems, mix = _Problems(), {"lev": 1.0, "plain": 1.0}
    cfg = CurriculumConfig(enabled=True, window=4, min_groups_between_moves=4)
    base = TaskSampler(mix, seed=0, seed_limit=1000, registry=problems)
    cur, sampler = job_curriculum(cfg, mix, problems, base)
    assert isinstance(sampler, CurriculumSampler) and cur is not None
    assert cur.level("lev") == 2 and cur.level("plain") == 1  # the default levels
    assert {(p.task, p.level) for p in sampler.sample(40)} == {("lev", 2), ("plain", None)}
    observe_groups(cur, [SimpleNamespace(trajectories=[SimpleNamespace(task="lev", identity={"level": 2},
                                                                        correct=True)] * 4)] * 4)
    for _ in range(8):  # "plain" is mastered: its weight falls to the floor
        cur.observe("plain", None, HIGH)
    assert cur.level("lev") == 3
    drawn = sampler.sample(400)
    assert {p.level for p in drawn if p.task == "lev"} == {3}
    share = sum(p.task == "plain" for p in drawn) / len(drawn)
    assert share == pytest.approx(cur.weights()["plain"], abs=0.05) and share < 0.25
    # the random stream and the state are the base sampler's: a resumed sampler repeats the draws
    state = json.loads(json.dumps(sampler.state_dict()))
    again = CurriculumSampler(TaskSampler(mix, seed=5, seed_limit=1000, registry=problems), cur)
    again.load_state_dict(state)
    assert [(p.task, p.seed) for p in again.sample(20)] == [(p.task, p.seed) for p in sampler.sample(20)]
    # disabled: the base sampler itself
    assert job_curriculum(CurriculumConfig(), mix, problems, base) == (None, base)


def test_start_level_option_clamps_to_each_task():
    problems, mix = _Problems(), {"lev": 1.0, "plain": 1.0}
    base = TaskSampler(mix, seed=0, registry=problems)
    cur, _ = job_curriculum(CurriculumConfig(enabled=True, start_level=5), mix, problems, base)
    assert (cur.level("lev"), cur.level("plain")) == (3, 1)
    # the job mix's level (a mix key task_id@L) is the start; a task named at several levels is one
    # task, with their weights added, starting at the lowest
    mix = {"lev@3": 1.0, "lev@1": 2.0, "plain": 1.0}
    cur, sampler = job_curriculum(CurriculumConfig(enabled=True), mix, problems,
                                  TaskSampler(mix, seed=0, registry=problems))
    assert cur.level("lev") == 1 and cur.tasks["lev"].spec.weight == 3.0 and sampler.ids == ["lev", "plain"]
    assert {p.level for p in sampler.sample(20) if p.task == "lev"} == {1}


# -- a real CPU job --------------------------------------------------------------------------------------
STEP_TASK = "generic/test_first_byte_multiple"
HAS_LEVELS = hasattr(Task, "at_level")


class FirstByteMultiple(Task):
    """Test-only, with levels: the response's first byte must be a multiple of 2**k (k = level - 1).

    Level 1 takes any response, so a random tiny model passes it every time; each level halves the
    bytes that pass.
    """

    id = STEP_TASK
    description = "Test-only task with levels: start the answer with a byte that is a multiple of 2**k."
    default_params = {"k": 0}
    levels = ({"k": 0}, {"k": 1}, {"k": 2}, {"k": 3})
    default_level = 1

    def generate(self, rng: Any) -> dict[str, Any]:
        return {"n": rng.randint(0, 9), "k": self.params["k"]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return f"Say something ({identity['n']})."

    def extract(self, response: str) -> str | None:
        return response

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        m = 2 ** self.params["k"]
        data = answer.encode()
        return 1.0 if m == 1 or (data and data[0] % m == 0) else 0.0

    def solve(self, identity: dict[str, Any]) -> str:
        return "@"  # 64

    def complexity(self, identity: dict[str, Any]) -> float:
        return float(2 ** identity["k"])


def _levels_registry() -> Registry:
    reg = Registry(load_plugins=False)
    reg.register(FirstByteMultiple, STEP_TASK)
    return reg


def _job(model_path: str, **over: Any):
    data = {
        "name": "curriculum", "seed": 2, "steps": 2, "model": {"path": model_path},
        "tasks": [{"id": STEP_TASK}],
        "rollout": {"engine": "hf", "prompts_per_step": 4, "samples_per_prompt": 4, "max_tokens": 4,
                    "max_model_len": 64},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 16, "filter_uniform_groups": False,
                    "weight_sync": "object_store"},
        "eval": {"problems_per_task": 0},
        "checkpoint": {"every": 1},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
        # four groups of level 1 (all pass) move the task up; lower 0: it never moves down in this test
        "curriculum": {"enabled": True, "window": 4, "min_groups_between_moves": 4, "lower": 0.0},
    }
    return parse_config(apply_overrides(data, over))


def _run(cfg, out, resume: bool = False) -> tuple[list[dict[str, Any]], list[list[int | None]]]:
    from learner.trainer import Trainer
    from rollout import testing

    class Recording(Trainer):
        """Records the level each kept group's problem was drawn at, per step."""

        drawn: list[list[int | None]] = []

        def collect(self):
            groups, gen = super().collect()
            self.drawn.append([g.trajectories[0].identity.get("level") for g in groups])
            return groups, gen

    testing.shared_ray()
    trainer = Recording(cfg, out, resume=resume, registry=_levels_registry())
    trainer.drawn = []
    trainer.run()
    rows = [r for r in map(json.loads, (out / "metrics.jsonl").read_text().splitlines()) if r.get("phase") == "rl"]
    return rows, trainer.drawn


@pytest.mark.slow
@pytest.mark.xfail(not HAS_LEVELS, reason="bootcamp.Task has no difficulty levels (Task.at_level) yet",
                   run=False)
def test_job_level_rises_with_the_curriculum_and_not_without(tiny_model, tmp_path):
    key = f"curriculum/{STEP_TASK}"
    rows, drawn = _run(_job(tiny_model), tmp_path / "cur")
    assert drawn[0] == [1, 1, 1, 1] and rows[0][f"{key}/level"] == 2.0  # level 1: all pass, so up
    assert set(drawn[1]) == {2}  # the next step's problems are drawn at the new level
    assert all(k in rows[0] for k in (f"{key}/weight", f"{key}/level")) and rows[0][f"{key}/weight"] == 1.0
    assert rows[0]["reward_mean"] == 1.0 and rows[1]["reward_mean"] < 1.0  # level 2 is harder
    state = ckpt_mod.read_state(ckpt_mod.latest(tmp_path / "cur"))
    saved = state["curriculum"]["tasks"][STEP_TASK]
    assert saved["level"] == rows[-1][f"{key}/level"] >= 2 and saved["groups"] == 8

    # --resume: the third step draws at the checkpoint's level, not at the start level
    rows, drawn = _run(_job(tiny_model, steps=3), tmp_path / "cur", resume=True)
    assert [r["step"] for r in rows] == [0, 1, 2] and set(drawn[0]) == {saved["level"]}
    assert ckpt_mod.read_state(ckpt_mod.latest(tmp_path / "cur"))["curriculum"]["tasks"][STEP_TASK]["groups"] == 12

    # the same job at a fixed level: every problem at the default level, no curriculum metrics
    rows, drawn = _run(_job(tiny_model, **{"curriculum.enabled": False}), tmp_path / "fixed")
    assert all(set(d) == {1} for d in drawn) and len(drawn) == 2
    assert not any(k.startswith("curriculum/") for r in rows for k in r)
    assert "curriculum" not in ckpt_mod.read_state(ckpt_mod.latest(tmp_path / "fixed"))
