"""A training job whose reward service dies mid-run: the step waits for it and trains on real rewards.

The job scores through ``bootcamp serve`` (``rewards.mode: service``). After the first RL step
is logged the service is killed (SIGKILL by PID) and started again on the same port a few
seconds later; the job must finish every step, none skipped, with rewards the service computed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from _serving import free_port, wait_healthy  # noqa: I001

from learner.config import parse_config
from learner.trainer import Trainer
from rewards.scoring import ServiceScorer
from rollout import testing

pytestmark = pytest.mark.slow

CLI = ("import typer; from rewards.cli import add_commands; app = typer.Typer(); app.callback()(lambda: None); "
       "add_commands(app); app()")
STEPS = 4
DOWN_S = 4.0  # the service stays dead this long before it is started again (and then needs its start-up)


def _serve(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOOTCAMP_")}
    cmd = [sys.executable, "-c", CLI, "serve", "--port", str(port), "--pool-workers", "1", "--log-level", "warning"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _rl_rows(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / "metrics.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    return [r for r in rows if r.get("phase") == "rl"]


class Outage(threading.Thread):
    """Kills the service once the first RL step is logged, and starts it again ``DOWN_S`` later."""

    def __init__(self, port: int, first: subprocess.Popen, run_dir: Path) -> None:
        super().__init__(daemon=True)
        self.port, self.procs, self.run_dir = port, [first], run_dir
        self.killed_at = self.restarted_at = self.healthy_at = 0.0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not _rl_rows(self.run_dir):
                if self.stop.wait(0.05):
                    return
            os.kill(self.procs[0].pid, signal.SIGKILL)
            self.procs[0].wait(10)
            self.killed_at = time.monotonic()
            time.sleep(DOWN_S)
            self.procs.append(_serve(self.port))
            self.restarted_at = time.monotonic()
            wait_healthy(self.procs[-1], f"http://127.0.0.1:{self.port}", timeout=120)
            self.healthy_at = time.monotonic()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def cleanup(self) -> None:
        self.stop.set()
        self.join(130)
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the service and any verifier process left behind
            except ProcessLookupError:
                pass
            p.wait(10)


@pytest.mark.timeout(420)
def test_job_survives_a_reward_service_restart(tiny_model: str, tmp_path: Path) -> None:
    testing.shared_ray()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first = _serve(port)
    run_dir = tmp_path / "run"
    outage = Outage(port, first, run_dir)
    try:
        wait_healthy(first, url, timeout=120)
        cfg = parse_config({
            "name": "fault-reward", "seed": 1, "steps": STEPS,
            "model": {"path": tiny_model},
            "tasks": [{"id": "math/digit_add", "weight": 1}, {"id": "math/digit_parity", "weight": 1}],
            "warmup": {"steps": 0},
            "rollout": {"engine": "hf", "prompts_per_step": 4, "samples_per_prompt": 4, "max_tokens": 8,
                        "max_model_len": 128},
            "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False},
            "rewards": {"mode": "service", "url": url, "timeout_s": 30, "retry_budget_s": 180},
            "eval": {"problems_per_task": 1},
            "logging": {"progress": False, "tensorboard": False, "plot": False},
        })
        trainer = Trainer(cfg, run_dir)
        outage.start()
        start = time.monotonic()
        trainer.run()
        took = time.monotonic() - start
        outage.stop.set()
        outage.join(130)
        assert outage.error is None, outage.error
        assert outage.healthy_at > 0, "the job finished before the service was killed and restarted"
    finally:
        outage.cleanup()

    scorer = trainer.scorer
    assert isinstance(scorer, ServiceScorer) and scorer.urls == [url]
    rl = _rl_rows(run_dir)
    assert [r["step"] for r in rl] == list(range(STEPS))  # every step trained, none skipped
    for r in rl:
        tasks = {k for k in r if k.startswith("reward/")}  # the tasks this step sampled
        assert 0.0 <= r["reward_mean"] <= 1.0 and tasks and tasks <= {"reward/math/digit_add", "reward/math/digit_parity"}
        assert all(0.0 <= r[k] <= 1.0 for k in tasks), r
    assert scorer.retries > 0  # the outage was seen, and waited out
    # the steps after the first: the one that met the outage waited for the restart, the others did not
    score_times = [r["time/score"] for r in rl]
    outage_s = outage.healthy_at - outage.killed_at
    slow = max(score_times[1:])
    assert slow >= DOWN_S and slow >= 5 * sorted(score_times)[len(score_times) // 2], score_times
    ev = json.loads((run_dir / "eval.json").read_text())
    assert 0.0 <= ev["after"]["mean_reward"] <= 1.0  # the final eval scored through the restarted service
    print(f"reward-service outage {outage_s:.1f} s; score time per step {[round(t, 2) for t in score_times]} s; "
          f"retries {scorer.retries}; job {took:.0f} s")
