import warnings
from pathlib import Path

import pytest

from learner.config import dump_config, load_config, parse_config, parse_overrides

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def test_minimal_config_and_shorthands():
    cfg = parse_config({"tasks": {"math/digit_add": 2, "math/digit_parity": 1}})
    assert [(t.id, t.weight) for t in cfg.tasks] == [("math/digit_add", 2.0), ("math/digit_parity", 1.0)]
    assert cfg.rollout.engine == "vllm" and cfg.learner.advantage == "grpo" and cfg.learner.loss_agg is None
    assert parse_config({"tasks": ["math/gcd"]}).tasks[0].weight == 1.0


@pytest.mark.parametrize("data, field", [
    ({"tasks": []}, "tasks"),
    ({"tasks": ["math/gcd"], "learner": {"micro_batch": 0}}, "learner.micro_batch"),
    ({"tasks": ["math/gcd"], "rollout": {"engine": "sglang"}}, "rollout.engine"),
    ({"tasks": ["math/gcd"], "rollout": {"samples_per_prompt": 1}}, "rollout.samples_per_prompt"),
    ({"tasks": ["math/gcd"], "rollout": {"max_tokens": 300, "max_model_len": 256}}, "rollout.max_tokens"),
    ({"tasks": ["math/gcd"], "rewards": {"mode": "service"}}, "rewards.url"),
    ({"tasks": ["math/gcd"], "learner": {"advantage": "ppo"}}, "learner.advantage"),
    ({"tasks": ["math/gcd"], "learner": {"loss_agg": "seq_max"}}, "learner.loss_agg"),
    ({"tasks": ["math/gcd"], "learner": {"algorithm": "grpo", "advantage": "rloo"}}, "learner.algorithm"),
    ({"tasks": ["math/gcd"], "rollout": {"engine_options": {"vllm": {"kv_cahe_gib": 2}}}},
     "rollout.engine_options.vllm.kv_cahe_gib"),
    ({"tasks": ["math/gcd"], "rollout": {"engine_options": {"vllm": {"kv_cache_gib": 0}}}},
     "rollout.engine_options.vllm.kv_cache_gib"),
    ({"tasks": ["math/gcd"], "rollout": {"engine": "hf", "engine_options": {"hf": {"kv_cache_gib": 2}}}},
     "rollout.engine_options.hf.kv_cache_gib"),
    ({"tasks": ["math/gcd"], "rollout": {"engine_options": {"vllm": {"seed": 3}}}}, "rollout.engine_options.vllm.seed"),
    ({"tasks": ["math/gcd"], "rollout": {"engine_options": {"kv_cache_gib": 2}}}, "rollout.engine_options.kv_cache_gib"),
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
    from learner.config import ConfigDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigDeprecationWarning)  # examples use the current keys
        cfg = load_config(path)
    from bootcamp.env.job_problems import job_problems
    from bootcamp.registry import REGISTRY

    # a job with episodes may name registered environments
    assert resolve_mix([(t.id, t.weight) for t in cfg.tasks], job_problems(REGISTRY, cfg.rollout.episodes is not None))


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


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"learner.advantage: unknown 'ppo'; valid: dr_grpo, grpo, oreal, rloo"):
        parse_config({"tasks": ["math/gcd"], "learner": {"advantage": "ppo"}})
    with pytest.raises(ValueError, match=r"rollout.engine: unknown 'sglang'; valid: hf, vllm"):
        parse_config({"tasks": ["math/gcd"], "rollout": {"engine": "sglang"}})
    with pytest.raises(ValueError, match=r"learner.loss_agg: unknown 'x'; valid: seq_mean_token_mean, "
                                         r"seq_mean_token_sum, token_mean"):
        parse_config({"tasks": ["math/gcd"], "learner": {"loss_agg": "x"}})


@pytest.mark.parametrize("advantage, loss_agg", [
    ("grpo", "seq_mean_token_mean"), ("dr_grpo", "seq_mean_token_sum"), ("rloo", "seq_mean_token_mean"),
    ("oreal", "seq_mean_token_mean"),
])
def test_null_loss_agg_is_the_estimators_own(advantage, loss_agg):
    lc = parse_config({"tasks": ["math/gcd"], "learner": {"advantage": advantage}}).learner
    assert lc.loss_agg is None and lc.aggregation().name == loss_agg
    chosen = parse_config({"tasks": ["math/gcd"], "learner": {"advantage": advantage, "loss_agg": "token_mean"}})
    assert chosen.learner.aggregation().name == "token_mean"


def test_deprecated_algorithm_key_is_advantage(tmp_path):
    with pytest.warns(DeprecationWarning, match="learner.advantage"):
        cfg = parse_config({"tasks": ["math/gcd"], "learner": {"algorithm": "dr_grpo"}})
    assert cfg.learner.advantage == "dr_grpo" and cfg.learner.aggregation().name == "seq_mean_token_sum"
    assert "algorithm" not in dump_config(cfg)  # the run folder records the new key


def test_engine_options_per_engine_and_the_old_kv_cache_key():
    cfg = parse_config({"tasks": ["math/gcd"], "rollout": {"num_actors": 2, "seed": 5, "max_model_len": 64,
                                                           "engine_options": {"vllm": {"kv_cache_gib": 3}}}})
    opts = cfg.rollout.engine_config(1)
    assert (opts.kv_cache_gib, opts.seed, opts.max_model_len, opts.device) == (3, 6, 64, "cpu")
    assert opts.worker_env() == {"VLLM_CPU_KVCACHE_SPACE": "3"}
    # switching engines keeps the file valid: another engine's options are checked, not used
    hf = parse_config({"tasks": ["math/gcd"], "rollout": {"engine": "hf", "num_gpus_per_actor": 1,
                                                          "engine_options": {"vllm": {"kv_cache_gib": 3}}}})
    assert hf.rollout.engine_kwargs(0) == {"max_model_len": 256, "seed": 0, "device": "cuda"}
    assert hf.rollout.engine_config().worker_env() == {}
    with pytest.warns(DeprecationWarning, match="rollout.engine_options.vllm.kv_cache_gib"):
        old = parse_config({"tasks": ["math/gcd"], "rollout": {"kv_cache_gib": 2}})
    assert old.rollout.engine_options == {"vllm": {"kv_cache_gib": 2}}


def test_cli_shows_the_deprecation(tmp_path):
    import subprocess
    import sys

    job = tmp_path / "old.yaml"
    job.write_text("tasks: [math/digit_add]\nlearner: {algorithm: grpo, micro_batch: 0}\n")
    script = Path(sys.executable).parent / "bootcamp"
    result = subprocess.run([str(script), "train", str(job)], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert "learner.algorithm is deprecated" in result.stderr and "learner.micro_batch" in result.stderr


def test_a_registered_engine_is_selectable_from_a_config():
    from rollout.engines import ENGINES, EngineOptions, register_engine

    class NullOptions(EngineOptions):
        width: int = 1

    @register_engine("null")
    class NullEngine:
        Options = NullOptions

    try:
        cfg = parse_config({"tasks": ["math/gcd"], "rollout": {"engine": "null", "engine_options": {"null": {"width": 3}}}})
        assert cfg.rollout.engine_config().width == 3
        with pytest.raises(ValueError, match="rollout.engine_options.null.depth"):
            parse_config({"tasks": ["math/gcd"], "rollout": {"engine": "null", "engine_options": {"null": {"depth": 3}}}})
    finally:
        ENGINES.remove("null")


def test_share_prompts_needs_packing():
    import pytest

    from learner.config import LearnerConfig

    with pytest.raises(ValueError, match="learner.share_prompts: needs learner.packing"):
        LearnerConfig(share_prompts=True)
    assert LearnerConfig(share_prompts=True, packing=True).share_prompts


@pytest.mark.parametrize(("rewards", "message"), [
    ({"backends": {"v": {"base_url": "http://x"}}}, "needs a 'type'"),
    ({"backends": {"v": {"type": "oracle"}}}, "valid: classifier, judge, reference, similarity, verifier"),
    ({"backends": {"v": {"type": "verifier"}}}, "needs 'base_url' or 'launch'"),
    ({"backends": {"v": {"type": "verifier", "base_url": "http://x", "launch": {"tiny_verifier": True}}}},
     "'launch' or 'base_url', not both"),
    ({"backends": {"v": {"type": "reference", "launch": {"model": "m"}}}}, "only a 'verifier' or 'judge'"),
    ({"backends": {"v": {"type": "verifier", "launch": {}}}}, "exactly one of 'model'"),
    ({"backends": {"r": {"type": "reference"}}}, "needs 'path' \\(or 'tiny'\\)"),
    ({"backends": {"r": {"type": "verifier", "base_url": "http://x", "tiny": {}}}}, "only a 'reference' or 'classifier'"),
    ({"spec_overrides": {"math/*": {"combine": "second_opinion", "parts": [{"name": "rule"}]}}}, "exactly two parts"),
    ({"mode": "service", "url": "http://x", "spec_overrides": {"math/*": {}}}, "in-process only"),
])
def test_reward_backends_and_overrides_are_checked(rewards, message):
    data = {"tasks": ["math/gcd"], "rewards": rewards}
    with pytest.raises(ValueError, match=message):
        parse_config(data)


def test_mixture_metrics_share_of_deciding_kinds():
    from learner.metrics import reward_metrics
    from rollout.types import Trajectory

    def traj(decided, disagreement=None):
        extra = {"decided_by": decided} if decided else {}
        if disagreement is not None:
            extra["disagreement"] = disagreement
        extra["part_latency_ms"] = {"rule": 2.0, **({"verifier": 10.0} if decided == "verifier" else {})}
        return Trajectory("math/gcd", 0, {}, 0, [1], [2], [0.0], "x", "stop", 0, extra=extra)

    m = reward_metrics([traj("rule", False), traj("rule", True), traj("verifier"), traj("rule", False)])
    assert m["decided/rule"] == 0.75 and m["decided/verifier"] == 0.25
    assert m["disagreement_rate"] == pytest.approx(1 / 3)
    assert m["time/reward_part_ms/rule"] == 2.0 and m["time/reward_part_ms/verifier"] == 10.0
    assert not any(k.startswith("decided/") for k in reward_metrics([traj(None)]))


def test_task_entries_with_a_level():
    from bootcamp.mix import TaskSampler, resolve_mix

    cfg = parse_config({"tasks": ["math/gcd", {"id": "math/modular_power", "level": 1, "weight": 3}]})
    assert [(t.task, t.level) for t in cfg.tasks] == [("math/gcd", None), ("math/modular_power", 1)]
    # the job builds its mix from (t.id, t.weight): the key keeps the level
    mix = resolve_mix([(t.id, t.weight) for t in cfg.tasks])
    assert mix == {"math/gcd": 1.0, "math/modular_power@1": 3.0}
    drawn = [p for p in TaskSampler(mix, seed=0).sample(40) if p.task == "math/modular_power"]
    assert drawn and all(p.level == 1 and p.identity["e"] <= 100 for p in drawn)
    assert parse_config(yaml_round_trip(dump_config(cfg))).tasks == cfg.tasks
    for bad in (0, True, "2"):
        with pytest.raises(ValueError, match=r"tasks\.1: \{id: math/modular_power, level: .*\}: a level is"):
            parse_config({"tasks": ["math/gcd", {"id": "math/modular_power", "level": bad}]})
    with pytest.raises(ValueError, match=r"\{id: math/modular_power, level: 9\}: .*1\.\.5"):
        resolve_mix([(t.id, t.weight) for t in parse_config(
            {"tasks": [{"id": "math/modular_power", "level": 9}]}).tasks])


def yaml_round_trip(text: str) -> dict:
    import yaml

    return yaml.safe_load(text)
