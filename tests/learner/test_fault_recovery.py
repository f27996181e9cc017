"""Faults injected into a running job (kill by PID): a rollout actor, a learner rank.

Each test kills a real actor process with SIGKILL in the middle of a step and checks that the run
still has every step once, that every step trained on a full batch, and that the recovery is
counted (``metrics.jsonl``, ``events.jsonl``).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from learner.config import apply_overrides, parse_config
from learner.group import actor_state
from learner.trainer import Trainer
from rollout import testing

pytestmark = pytest.mark.slow


def _config(model_path: str, **over):
    data = {
        "name": "fault", "seed": 3, "steps": 4,
        "model": {"path": model_path},
        "tasks": [{"id": "math/digit_add"}, {"id": "math/digit_parity"}],
        "warmup": {"steps": 0},
        "rollout": {"engine": "hf", "prompts_per_step": 4, "samples_per_prompt": 4, "max_tokens": 6,
                    "max_model_len": 64},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 8, "filter_uniform_groups": False},
        "eval": {"problems_per_task": 0},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    }
    return parse_config(apply_overrides(data, over))


def _kill(handle, pid: int | None = None) -> int:
    """SIGKILL the actor's process (``pid``: asked first when not given) and wait until Ray lists it as dead."""
    import ray

    pid = pid or ray.get(handle.pid.remote())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while actor_state(handle) != "DEAD":
        assert time.monotonic() < deadline, "Ray did not notice the killed actor"
        time.sleep(0.1)
    return pid


def _rl_rows(run: Path) -> list[dict]:
    rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    return [r for r in rows if r.get("phase") == "rl"]


def _events(run: Path) -> list[dict]:
    path = run / "events.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


class _KillRolloutAfterLookAhead(Trainer):
    """Kills rollout actor 1 right after the next batch's requests went out at step ``at``."""

    at = 1
    killed_pid: int | None = None
    probes: list | None = None

    def look_ahead(self) -> None:
        import ray

        if self.current_step != self.at or self.killed_pid is not None:
            return super().look_ahead()
        pid = ray.get(self.rollout[1].pid.remote())  # asked first: once requests are queued it would wait
        super().look_ahead()
        self.killed_pid = _kill(self.rollout[1], pid)  # while its requests are in flight

    def run_phases(self):
        out = super().run_phases()
        self.probes = self.probe()  # both engines, after the last push
        return out


def test_rollout_actor_killed_mid_step_is_restarted_and_its_prompts_reissued(tiny_model, tmp_path):
    testing.shared_ray()
    cfg = _config(tiny_model, **{"rollout.num_actors": 2, "rollout.max_staleness": 1, "rollout.chunk_prompts": 1})
    run = tmp_path / "run"
    trainer = _KillRolloutAfterLookAhead(cfg, run)
    trainer.run()

    rows = _rl_rows(run)
    assert [r["step"] for r in rows] == [0, 1, 2, 3]
    # every step trained on a full batch: nothing the dead actor held was dropped
    assert all(r["effective_batch"] == 16 and r["groups_kept"] == 4 for r in rows)
    assert sum(r["reissued_groups"] for r in rows) >= 1
    assert [r["rollout_restarts"] for r in rows] == [0, 0, 1, 1]
    assert [r["policy_version"] for r in rows] == [1, 2, 3, 4]
    restarts = [e for e in _events(run) if e["event"] == "rollout_restart"]
    assert len(restarts) == 1 and restarts[0]["actor"] == 1
    # the restarted engine got the learner's weights: both engines answer alike
    assert trainer.probes is not None and trainer.probes[0] == pytest.approx(trainer.probes[1], abs=1e-4)


def test_rollout_restarts_are_bounded(tiny_model, tmp_path):
    testing.shared_ray()
    cfg = _config(tiny_model, **{"steps": 3, "rollout.num_actors": 2, "rollout.max_staleness": 1,
                                 "rollout.chunk_prompts": 1, "fault.max_rollout_restarts": 0})
    with pytest.raises(Exception, match="max_rollout_restarts"):
        _KillRolloutAfterLookAhead(cfg, tmp_path / "run").run()


class _KillLearnerInUpdate(Trainer):
    """Kills learner rank ``rank`` at the start of step ``at``'s update (once)."""

    at, rank = 3, 1
    killed_pid: int | None = None

    def update(self, batch, sft=False, lr=None):
        if not sft and self.current_step == self.at and self.killed_pid is None:
            self.killed_pid = _kill(self.learners[self.rank])
        return super().update(batch, sft=sft, lr=lr)


def test_learner_rank_killed_restarts_the_job_from_its_checkpoint(tiny_model, tmp_path):
    testing.shared_ray()
    cfg = _config(tiny_model, **{"steps": 5, "learner.num_ranks": 2, "checkpoint.every": 2})
    run = tmp_path / "run"
    trainer = _KillLearnerInUpdate(cfg, run)
    trainer.run()

    rows = _rl_rows(run)
    # one history: steps 2 and 3 (after the step-2 checkpoint) were trained and logged again
    assert [r["step"] for r in rows] == [0, 1, 2, 3, 4]
    assert [r["policy_version"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["learner_restarts"] for r in rows] == [0, 0, 1, 1, 1]
    assert all(r["effective_batch"] == 16 for r in rows)
    events = [e for e in _events(run) if e["event"] == "learner_restart"]
    assert len(events) == 1 and events[0]["from_step"] == 2 and "step_000002" in events[0]["from_checkpoint"]
    assert "ActorDiedError" in events[0]["error"] or "RayActorError" in events[0]["error"]
    state = json.loads((run / "checkpoints" / "step_000005" / "state.json").read_text())
    assert state["step"] == 5 and state["version"] == 5


def test_learner_restarts_are_bounded(tiny_model, tmp_path):
    testing.shared_ray()
    cfg = _config(tiny_model, **{"steps": 2, "fault.max_learner_restarts": 0})
    trainer = _KillLearnerInUpdate(cfg, tmp_path / "run")
    trainer.at, trainer.rank = 0, 0
    with pytest.raises(Exception, match="(?i)actor"):
        trainer.run()
