"""`ray job submit` end to end: a head with its dashboard (the job server) on loopback runs `bootcamp train`.

The entrypoint is a shell command the head runs (in its job supervisor, with the head's environment plus the
submission's runtime env). Ray sets RAY_ADDRESS for it to the head's GCS address, so `bootcamp train` without
`--address` must join that cluster, not start a private Ray next to it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from _serving import free_port

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
#: What every job and its actors need on 2 shared cores (and offline); passed as the submission's runtime env.
JOB_ENV = {"OMP_NUM_THREADS": "1", "RAY_AUTH_MODE": "disabled", "HF_HUB_OFFLINE": "1"}


@dataclass
class Head:
    """A running `ray start --head` with the dashboard: its GCS address and its job server URL."""

    gcs: str
    dashboard: str


def _env() -> dict[str, str]:
    env = {**os.environ, **JOB_ENV}
    env.pop("RAY_ADDRESS", None)  # the CLI calls below name the head explicitly
    return env


@pytest.fixture(scope="module")
def ray_head() -> Iterator[Head]:
    """A Ray head on 127.0.0.1 with the dashboard, in its own session; killed as a whole at the end."""
    port, dash = free_port(), free_port()
    # Every port of its own: the test session's Ray (started by earlier tests) holds the default ones, and a
    # dashboard agent that cannot bind its port never registers ("No available agent to submit job").
    agent, grpc, env_agent, metrics, client = (free_port() for _ in range(5))
    temp = tempfile.mkdtemp(prefix="rayjob", dir="/tmp")  # short: Ray's socket paths have a length limit
    head = subprocess.Popen(
        [str(BIN / "ray"), "start", "--head", "--block", f"--port={port}", "--node-ip-address=127.0.0.1",
         "--num-cpus=2", "--dashboard-host=127.0.0.1", f"--dashboard-port={dash}", "--include-dashboard=true",
         f"--dashboard-agent-listen-port={agent}", f"--dashboard-agent-grpc-port={grpc}",
         f"--runtime-env-agent-port={env_agent}", f"--metrics-export-port={metrics}",
         f"--ray-client-server-port={client}", "--disable-usage-stats", f"--temp-dir={temp}"],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{dash}"
    try:
        deadline = time.monotonic() + 180
        while True:  # the job server answers once the dashboard's job module is up
            if head.poll() is not None:
                pytest.fail(f"ray start failed: {head.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/api/jobs/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the Ray dashboard (job server) did not come up in 180 s")
            time.sleep(1)
        yield Head(gcs=f"127.0.0.1:{port}", dashboard=url)
    finally:
        os.killpg(head.pid, signal.SIGKILL)  # the head's whole session: GCS, raylet, dashboard, workers, jobs
        head.wait(timeout=60)
        shutil.rmtree(temp, ignore_errors=True)


def _ray_job(head: Head, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``ray job <args> --address <job server>``."""
    cmd = [str(BIN / "ray"), "job", args[0], "--address", head.dashboard, *args[1:]]
    return subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=timeout)


def _submit(head: Head, config: Path, out: Path) -> str:
    """Submit ``bootcamp train CONFIG --output OUT`` (no ``--address``) and return the submission id."""
    sid = f"bootcamp-{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + 120
    while True:
        proc = _ray_job(head, "submit", "--submission-id", sid, "--no-wait",
                        "--runtime-env-json", json.dumps({"env_vars": JOB_ENV}),
                        "--", str(BIN / "bootcamp"), "train", str(config), "--output", str(out))
        # the job server answers before the head's dashboard agent has registered: Ray says to try again
        if "No available agent" not in proc.stderr or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return sid


def _wait(head: Head, sid: str, timeout: float) -> str:
    """Poll ``ray job status`` until the job ends; returns SUCCEEDED, FAILED or STOPPED."""
    words = {"succeeded": "SUCCEEDED", "failed": "FAILED", "was stopped": "STOPPED"}
    deadline = time.monotonic() + timeout
    while True:
        proc = _ray_job(head, "status", sid)
        out = proc.stdout + proc.stderr  # the CLI's logger writes the status line to either
        found = re.search(rf"Job '{re.escape(sid)}' (succeeded|failed|was stopped)", out)
        if found:
            return words[found.group(1)]
        if time.monotonic() > deadline:
            logs = _ray_job(head, "logs", sid).stdout
            _ray_job(head, "stop", sid)
            pytest.fail(f"job {sid} still running after {timeout:.0f} s:\n{out}\n{logs[-3000:]}")
        time.sleep(3)


def _job_info(head: Head, sid: str) -> dict:
    """The job server's record of a submission (status, entrypoint, and driver_info once a driver joined)."""
    response = httpx.get(f"{head.dashboard}/api/jobs/{sid}", timeout=10)
    response.raise_for_status()
    return response.json()


def _write_config(path: Path, model: str, task: str = "math/digit_parity") -> Path:
    cfg = {
        "name": "submitted", "seed": 0, "steps": 2, "model": {"path": model},
        "tasks": [{"id": task}],
        "warmup": {"steps": 0},
        "rollout": {"engine": "hf", "prompts_per_step": 2, "samples_per_prompt": 2, "max_tokens": 6,
                    "max_model_len": 64},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False},
        "eval": {"problems_per_task": 2},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    }
    path.write_text(yaml.safe_dump(cfg))
    return path


def test_submitted_job_joins_the_head_and_finishes(ray_head, tiny_model, tmp_path):
    out = tmp_path / "run"
    sid = _submit(ray_head, _write_config(tmp_path / "job.yaml", tiny_model), out)
    status = _wait(ray_head, sid, timeout=420)
    logs = _ray_job(ray_head, "logs", sid).stdout
    assert status == "SUCCEEDED", logs[-4000:]

    # the driver joined the head it was submitted to: the job server saw a driver register for this submission
    # (a driver that started a private Ray would never show up here)
    info = _job_info(ray_head, sid)
    assert info["status"] == "SUCCEEDED" and info["driver_info"], info
    assert info["driver_info"]["id"] and int(info["driver_info"]["pid"]) > 0

    # the job's logs carry the CLI's final JSON line, which names the run folder
    final = json.loads(next(line for line in reversed(logs.splitlines()) if line.startswith("{")))
    assert final["output"] == str(out) and set(final["eval"]) == {"before", "after"}

    rows = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if r.get("phase") == "rl"] == [0, 1]
    assert not any(r.get("phase") == "warmup" for r in rows)
    ev = json.loads((out / "eval.json").read_text())
    assert set(ev) == {"before", "after"} and 0 <= ev["after"]["mean_reward"] <= 1
    assert (out / "checkpoints" / "step_000002" / "state.json").exists()
    assert json.loads((out / "checkpoints" / "step_000002" / "state.json").read_text())["step"] == 2


def test_submitted_job_with_a_bad_config_fails_with_the_error_in_its_logs(ray_head, tiny_model, tmp_path):
    out = tmp_path / "run"
    sid = _submit(ray_head, _write_config(tmp_path / "bad.yaml", tiny_model, task="math/no_such_task"), out)
    assert _wait(ray_head, sid, timeout=180) == "FAILED"
    logs = _ray_job(ray_head, "logs", sid).stdout
    assert "unknown task 'math/no_such_task'" in logs, logs[-3000:]
    assert _job_info(ray_head, sid)["status"] == "FAILED"
    assert not (out / "metrics.jsonl").exists()
