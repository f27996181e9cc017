import warnings
from pathlib import Path

import pytest

from learner.config import dump_config, load_config, parse_config, parse_overrides

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def test_minimal_config_and_shorthands():
    cfg = parse_config({"tasks": {"math/digit_add": 2, "math/digit_parity": 1}})
    assert [(t.id, t.weight) for t in cfg.tasks] == [("math/digit_add", 2.0), ("math/digit_parity", 1.0)]
    assert cfg.rollout.engine == "vllm" and cfg.learner.algorithm == "grpo"
    assert parse_config({"tasks": ["math/gcd"]}).tasks[0].weight == 1.0


@pytest.mark.parametrize("data, field", [
    ({"tasks": []}, "tasks"),
    ({"tasks": ["math/gcd"], "learner": {"micro_batch": 0}}, "learner.micro_batch"),
    ({"tasks": ["math/gcd"], "rollout": {"engine": "sglang"}}, "rollout.engine"),
    ({"tasks": ["math/gcd"], "rollout": {"samples_per_prompt": 1}}, "rollout.samples_per_prompt"),
    ({"tasks": ["math/gcd"], "rollout": {"max_tokens": 300, "max_model_len": 256}}, "rollout.max_tokens"),
    ({"tasks": ["math/gcd"], "rewards": {"mode": "service"}}, "rewards.url"),
    ({"tasks": ["math/gcd"], "learner": {"algorithm": "ppo"}}, "learner.algorithm"),
    ({"tasks": ["math/gcd"], "learner": {"entropy": {"method": "kl_cov"}}}, "learner.entropy.coef"),
    ({"tasks": ["math/gcd"], "learnr": {}}, "learnr"),
    ({"tasks": [{"id": "math/gcd", "weight": -1}]}, "tasks.0.weight"),
])
def test_errors_name_the_field(data, field):
    with pytest.raises(ValueError) as info:
        parse_config(data)
    assert f"{field}:" in str(info.value)


def test_yaml_round_trip_and_overrides(tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text("name: t\ntasks: [math/digit_add]\nlearner: {lr: 0.01}\n")
    cfg = load_config(path, {"steps": 3, "rollout.engine": "hf"})
    assert cfg.steps == 3 and cfg.rollout.engine == "hf" and cfg.learner.lr == 0.01
    again = tmp_path / "again.yaml"
    again.write_text(dump_config(cfg))
    assert load_config(again) == cfg


def test_set_overrides_are_yaml_values(tmp_path):
    over = parse_overrides(["warmup.steps=5", "rollout.engine=hf", "logging.progress=false", "model.path=null",
                            "learner.lr=0.001", "name="])
    assert over == {"warmup.steps": 5, "rollout.engine": "hf", "logging.progress": False, "model.path": None,
                    "learner.lr": 0.001, "name": ""}
    path = tmp_path / "job.yaml"
    path.write_text("tasks: [math/digit_add]\n")
    cfg = load_config(path, over | {"name": "x"})
    assert cfg.warmup.steps == 5 and cfg.rollout.engine == "hf" and cfg.logging.progress is False


@pytest.mark.parametrize("item, message", [
    ("warmup.steps", "KEY=VALUE"), ("=3", "KEY=VALUE"), ("a..b=1", "KEY=VALUE"), ("steps=[1", "not valid YAML"),
])
def test_set_overrides_reject_malformed_items(item, message):
    with pytest.raises(ValueError, match=message):
        parse_overrides([item])


def test_override_into_a_scalar_names_it(tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text("tasks: [math/digit_add]\nsteps: 3\n")
    with pytest.raises(ValueError, match="steps: is not a section"):
        load_config(path, {"steps.x": 1})
    with pytest.raises(ValueError, match="rollout.engin"):  # a typo is the config's unknown-field error
        load_config(path, {"rollout.engin": "hf"})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid(path):
    from bootcamp.mix import resolve_mix

    cfg = load_config(path)
    assert resolve_mix([(t.id, t.weight) for t in cfg.tasks])


def test_cli_rejects_a_bad_config(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_text("tasks: [math/digit_add]\nlearner: {micro_batch: 0}\n")
    # the console script, run outside the checkout: a stale bootcamp.egg-info there can hide entry points
    script = Path(sys.executable).parent / "bootcamp"
    result = subprocess.run([str(script), "train", str(bad)], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert "learner.micro_batch" in result.stderr


def test_kl_cov_on_policy_warns_that_it_does_little():
    base = {"tasks": ["math/gcd"], "learner": {"entropy": {"method": "kl_cov", "coef": 1.0}}}
    with pytest.warns(UserWarning, match="kl_cov"):
        parse_config(base)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_config({**base, "rollout": {"max_staleness": 1}})
        parse_config({"tasks": ["math/gcd"], "learner": {"updates_per_step": 2,
                                                           "entropy": {"method": "kl_cov", "coef": 1.0}}})
