"""Short RL jobs end to end: rollout engine -> scorer -> FSDP2 learners on gloo -> weight sync."""

import json
from pathlib import Path

import pytest

from learner.config import apply_overrides, parse_config
from learner.schedule import learning_rate
from learner.trainer import Trainer
from rollout import testing

pytestmark = pytest.mark.slow


def _config(model_path, **over):
    data = {
        "name": "e2e", "seed": 1, "steps": 2,
        "model": {"path": model_path},
        "tasks": [{"id": "math/digit_add", "weight": 1}, {"id": "math/digit_parity", "weight": 1}],
        "warmup": {"steps": 6, "batch": 8, "lr": 0.02},
        "rollout": {"prompts_per_step": 4, "samples_per_prompt": 4, "max_tokens": 8, "max_model_len": 128},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False},
        "eval": {"problems_per_task": 2},
        "logging": {"progress": False, "tensorboard": True, "plot": True},
    }
    return parse_config(apply_overrides(data, over))


def _hf_probe(path):
    from rollout.actor import RolloutWorker

    return RolloutWorker("hf", str(path)).probe()


def _check_run(run_dir: Path, steps: int):
    rows = [json.loads(x) for x in (run_dir / "metrics.jsonl").read_text().splitlines()]
    rl = [r for r in rows if r.get("phase") == "rl"]
    assert [r["step"] for r in rl] == list(range(steps))
    for r in rl:
        assert 0.0 <= r["reward_mean"] <= 1.0 and "reward/math/digit_add" in r and "reward_domain/math" in r
        assert r["pass_rate"] <= r["reward_mean"] + 1e-9
        assert r["grad_norm"] >= 0 and r["entropy"] > 0 and r["tokens_per_s"] > 0 and r["learner_tokens_per_s"] > 0
        assert {"time/generate", "time/update", "time/sync"} <= set(r)
    assert [r["policy_version"] for r in rl] == sorted(r["policy_version"] for r in rl)
    assert any(r.get("phase") == "warmup" for r in rows)
    ev = json.loads((run_dir / "eval.json").read_text())
    assert set(ev) == {"before", "after"} and 0 <= ev["after"]["mean_reward"] <= 1
    assert (run_dir / "config.yaml").exists() and (run_dir / "learning_curve.png").stat().st_size > 0
    assert list((run_dir / "tensorboard").glob("events.*"))
    return rl


def test_vllm_engine_with_two_fsdp2_ranks(vllm_rollout, tiny_model, tmp_path):
    import ray

    cfg = _config(tiny_model, **{"learner.num_ranks": 2, "rollout.engine": "vllm"})
    trainer = Trainer(cfg, tmp_path / "run", rollout_actors=[vllm_rollout])
    trainer.run()
    _check_run(tmp_path / "run", 2)
    final = tmp_path / "run" / "checkpoints" / "step_000002" / "policy"
    engine_probe = ray.get(vllm_rollout.probe.remote())
    # the engine holds exactly the learners' final weights, which differ from the initial ones
    assert engine_probe == pytest.approx(_hf_probe(final), abs=2e-3)
    assert engine_probe != pytest.approx(_hf_probe(tiny_model), abs=1e-3)


class _ProbingTrainer(Trainer):
    def close(self):
        if self.rollout:
            self.final_probe = self.probe()[0]
        super().close()


def test_hf_engine_rloo_kl_and_resume(tiny_model, tmp_path):
    testing.shared_ray()
    run = tmp_path / "run"
    over = {"rollout.engine": "hf", "learner.advantage": "rloo", "learner.kl_coef": 0.05,
            "learner.entropy": {"method": "kl_cov", "coef": 1.0, "kl_cov_ratio": 0.1},
            "checkpoint.every": 1, "rollout.max_staleness": 1,
            # the ratio against the engine's log-probs (not the learner's own, as tis takes it): KL-Cov
            # then has |logp - logp_old| > 0 to act on although this tiny model earns no reward
            "learner.off_policy": "none", "learner.packing": True, "learner.gradient_checkpointing": True,
            "learner.lr_warmup_steps": 1, "learner.lr_schedule": "linear", "learner.min_lr_ratio": 0.5,
            "learner.negative_weight": 0.5}
    trainer = _ProbingTrainer(_config(tiny_model, **over), run)
    trainer.run()
    rl = _check_run(run, 2)
    # the learners stepped at the scheduled rates
    assert [r["lr"] for r in rl] == pytest.approx([learning_rate(trainer.cfg.learner, s, 2) for s in (0, 1)])
    assert all(r["staleness"] <= 1 for r in rl) and any(r["kl"] > 0 for r in rl)
    # the reference is the warmed-up policy: no KL before the first RL update has moved it
    assert rl[0]["kl"] < 1e-5 < rl[-1]["kl"]
    final = run / "checkpoints" / "step_000002" / "policy"
    assert trainer.final_probe == pytest.approx(_hf_probe(final), abs=1e-4)
    assert trainer.final_probe != pytest.approx(_hf_probe(tiny_model), abs=1e-3)

    # resume: continue from step 2 to step 3 without warm-up or a new "before" eval
    before = json.loads((run / "eval.json").read_text())["before"]
    resumed = _ProbingTrainer(_config(tiny_model, steps=3, **over), run, resume=True)
    resumed.run()
    rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if r.get("phase") == "rl"] == [0, 1, 2]
    # the resumed step is the last of 3: the decay's floor, as in an uninterrupted 3-step run
    assert rows[-1]["lr"] == pytest.approx(0.5 * resumed.cfg.learner.lr)
    assert json.loads((run / "eval.json").read_text())["before"] == before
    assert (run / "checkpoints" / "step_000003" / "state.json").exists()
