"""A training job whose scored groups go through a Redis stream (``stream.backend: redis``), its driver
killed by PID mid-step and resumed: every scored group is trained on exactly once in the run's history.

Against a real redis-server (the session fixture). The job publishes each scored group and reads it
back through the consumer group; groups are acknowledged only when a checkpoint holds their step.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from learner.metrics import read_metrics

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
STEPS, PROMPTS, EVERY = 24, 3, 4
STREAM = "bootcamp:stream:test-durable"


def _env() -> dict[str, str]:
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    env.pop("RAY_ADDRESS", None)
    return env


def _rl_rows(run: Path) -> list[dict]:
    """The RL rows of ``metrics.jsonl`` (a torn last line of a killed writer is skipped)."""
    return [r for r in read_metrics(run / "metrics.jsonl") if r.get("phase") == "rl"]


def test_killed_driver_replays_uncheckpointed_groups_from_redis(tiny_model, redis_url, tmp_path):
    import redis

    cfg = {
        "name": "durable", "seed": 0, "steps": STEPS, "model": {"path": tiny_model},
        "tasks": [{"id": "math/digit_parity"}, {"id": "math/digit_add"}],
        "warmup": {"steps": 0},
        "rollout": {"engine": "hf", "prompts_per_step": PROMPTS, "samples_per_prompt": 2, "max_tokens": 6,
                    "max_model_len": 64},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 6, "filter_uniform_groups": False},
        "checkpoint": {"every": EVERY, "keep": 10},
        "stream": {"backend": "redis", "url": redis_url, "name": STREAM},
        "eval": {"problems_per_task": 0},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    }
    config = tmp_path / "job.yaml"
    config.write_text(yaml.safe_dump(cfg))
    run = tmp_path / "run"
    r = redis.Redis.from_url(redis_url, decode_responses=True)

    log = (tmp_path / "driver.log").open("w")
    driver = subprocess.Popen([str(BIN / "bootcamp"), "train", str(config), "--output", str(run)], env=_env(),
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        # killed just after a step that follows a checkpoint was logged: its groups are read, not acked
        while not any(row["step"] >= EVERY and row["step"] % EVERY == 0 for row in _rl_rows(run)):
            assert driver.poll() is None, f"driver exited early:\n{(tmp_path / 'driver.log').read_text()[-3000:]}"
            assert time.monotonic() < deadline, "no step after a checkpoint in 300 s"
            time.sleep(0.05)
    finally:
        os.killpg(driver.pid, signal.SIGKILL)
        driver.wait(timeout=30)
        log.close()
    done = sorted(int(p.parent.name.split("_")[1]) for p in (run / "checkpoints").glob("step_*/state.json"))
    ckpt = done[-1]  # where the resumed run starts (the driver may have got one checkpoint further)
    assert EVERY <= ckpt < STEPS
    pending = r.xpending(STREAM, "learner")["pending"]
    before = {row["step"]: row["stream_ids"] for row in _rl_rows(run)}
    lost = [i for step, ids in before.items() if step >= ckpt for i in ids]  # read after the checkpoint
    assert pending >= max(len(lost), 1), f"{pending} pending; read after the step-{ckpt} checkpoint: {lost}"

    resumed = subprocess.run([str(BIN / "bootcamp"), "train", str(config), "--output", str(run), "--resume"],
                             env=_env(), capture_output=True, text=True, timeout=400)
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    rows = _rl_rows(run)
    assert [row["step"] for row in rows] == list(range(STEPS))
    ids = [i for row in rows for i in row["stream_ids"]]
    # every step read exactly its batch, and no group appears twice in the run's history
    assert all(len(row["stream_ids"]) == PROMPTS for row in rows)
    assert len(ids) == len(set(ids)) == STEPS * PROMPTS
    # ... and every group ever published is in it: nothing scored was lost or trained on twice
    info = r.xinfo_stream(STREAM)
    assert info["entries-added"] == STEPS * PROMPTS
    assert r.xpending(STREAM, "learner")["pending"] == 0 and info["length"] == 0
    # the groups read after the checkpoint were replayed in the same steps, not generated again
    assert sum(row["replayed_groups"] for row in rows) >= pending
    assert [row["stream_ids"] for row in rows[:ckpt]] == [before[s] for s in range(ckpt)]  # checkpointed steps kept
    for step in range(ckpt, STEPS):
        if step in before:
            assert rows[step]["stream_ids"] == before[step]
    events = [json.loads(x) for x in (run / "events.jsonl").read_text().splitlines()]
    assert any(e["event"] == "resumed" and e["from_step"] == ckpt for e in events)
