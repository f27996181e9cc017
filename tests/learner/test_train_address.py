"""`bootcamp train --address`: the same job on an existing Ray cluster (a head started here with `ray start`)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from learner.actor import free_address

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture
def ray_head():
    port = free_address()[1]
    temp = tempfile.mkdtemp(prefix="rayhead", dir="/tmp")  # short: Ray's socket paths have a length limit
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "OMP_NUM_THREADS": "1"}
    head = subprocess.Popen(
        [str(BIN / "ray"), "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
         "--node-ip-address=127.0.0.1", "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    address = f"127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:  # the GCS port answers once the head is up
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if head.poll() is not None:
                pytest.fail(f"ray start failed: {head.stderr.read().decode()[-2000:]}")
            time.sleep(1)
    yield address
    os.killpg(head.pid, signal.SIGKILL)  # the head's whole session: GCS, raylet, workers (SIGTERM drains 30 s)
    head.wait(timeout=60)
    shutil.rmtree(temp, ignore_errors=True)


def test_train_joins_an_existing_cluster(ray_head, tiny_model, tmp_path):
    cfg = {
        "name": "addr", "seed": 0, "steps": 2, "model": {"path": tiny_model},
        "tasks": [{"id": "math/digit_parity"}],
        "rollout": {"engine": "hf", "prompts_per_step": 2, "samples_per_prompt": 2, "max_tokens": 6,
                    "max_model_len": 64},
        "learner": {"num_ranks": 2, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False},
        "eval": {"problems_per_task": 2},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    }
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(cfg))
    out = tmp_path / "run"
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "OMP_NUM_THREADS": "1"}
    env.pop("RAY_ADDRESS", None)
    proc = subprocess.run([str(BIN / "bootcamp"), "train", str(path), "--address", ray_head, "--output", str(out)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if r.get("phase") == "rl"] == [0, 1]
    assert json.loads((out / "eval.json").read_text()).keys() == {"before", "after"}
    assert json.loads(proc.stdout.strip().splitlines()[-1])["output"] == str(out)
