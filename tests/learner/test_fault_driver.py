"""A driver killed mid-run (SIGKILL, no cleanup) and resumed with `bootcamp train --resume`.

The driver starts a private local Ray; killing the driver's process group must take Ray's processes (GCS,
raylet, workers) with it. On resume the steps between the last checkpoint and the kill are trained again;
`metrics.jsonl` drops their old rows first, so it holds each step once.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml

from learner.metrics import read_metrics

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
STEPS = 6


def ckpt_dir(step: int) -> Path:
    return Path("checkpoints") / f"step_{step:06d}"


def _env() -> dict[str, str]:
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    env.pop("RAY_ADDRESS", None)  # a private local Ray, started (and owned) by the driver
    return env


def _config(path: Path, model: str) -> Path:
    cfg = {
        "name": "fault", "seed": 0, "steps": STEPS, "model": {"path": model},
        "tasks": [{"id": "math/digit_parity"}],
        "warmup": {"steps": 0},
        # steps long enough (a few tenths of a second) that the kill lands between two checkpoints
        "rollout": {"engine": "hf", "prompts_per_step": 4, "samples_per_prompt": 4, "max_tokens": 24,
                    "max_model_len": 128},
        "learner": {"num_ranks": 1, "lr": 0.01, "micro_batch": 4, "filter_uniform_groups": False},
        "checkpoint": {"every": 2},
        "eval": {"problems_per_task": 2},
        "logging": {"progress": False, "tensorboard": False, "plot": False},
    }
    path.write_text(yaml.safe_dump(cfg))
    return path


def _rl_rows(run: Path) -> list[dict]:
    """The RL rows of ``metrics.jsonl`` (a torn last line of a killed writer is skipped)."""
    return [r for r in read_metrics(run / "metrics.jsonl") if r.get("phase") == "rl"]


def _session_processes(sid: int) -> list[psutil.Process]:
    """Live (not zombie) processes of session ``sid``."""
    found = []
    for p in psutil.process_iter(["status"]):
        try:
            if os.getsid(p.pid) == sid and p.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(p)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``procs`` still running (the same process: pid and start time; zombies count as gone)."""
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.Error:
            continue
    return out


def _train(*args: str, cwd: Path | None = None, timeout: float = 400) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "bootcamp"), "train", *args], env=_env(), cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_killed_driver_resumes_from_its_last_checkpoint(tiny_model, tmp_path):
    config = _config(tmp_path / "job.yaml", tiny_model)
    run = tmp_path / "run"
    log = (tmp_path / "driver.log").open("w")
    driver = subprocess.Popen([str(BIN / "bootcamp"), "train", str(config), "--output", str(run)],
                              env=_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    sid = driver.pid  # start_new_session: the driver leads its own session and process group
    try:
        deadline = time.monotonic() + 300
        # step 2 logged: the step-2 checkpoint was written before it (steps 0-1) and step 3 is under way
        while not any(r["step"] >= 2 for r in _rl_rows(run)):
            assert driver.poll() is None, f"driver exited early:\n{(tmp_path / 'driver.log').read_text()[-3000:]}"
            assert time.monotonic() < deadline, "step 2 not logged in 300 s"
            time.sleep(0.05)
        tree = psutil.Process(driver.pid).children(recursive=True)
        names = {p.name() for p in _alive(tree)}
        assert any("raylet" in n for n in names) and any("gcs_server" in n for n in names), names
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone already when the driver ended on its own
            os.killpg(sid, signal.SIGKILL)
        driver.wait(timeout=30)
        log.close()

    # nothing of the killed driver's Ray survives: neither its session nor any process it had started
    deadline = time.monotonic() + 30
    while (_session_processes(sid) or _alive(tree)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _session_processes(sid), [p.cmdline()[:3] for p in _session_processes(sid)]
    assert not _alive(tree), [(p.pid, p.name()) for p in _alive(tree)]

    killed = _rl_rows(run)
    ckpts = sorted(p.name for p in (run / "checkpoints").glob("step_*") if (p / "state.json").exists())
    resumed_from = int(ckpts[-1].removeprefix("step_"))  # the newest complete checkpoint at the kill
    assert [r["step"] for r in killed][:resumed_from] == list(range(resumed_from)) and resumed_from >= 2
    assert killed[-1]["step"] >= resumed_from  # at least one step after the checkpoint is lost and will rerun
    eval_before = json.loads((run / "eval.json").read_text())["before"]
    state = json.loads((run / ckpt_dir(resumed_from) / "state.json").read_text())  # pruned once the run goes on

    proc = _train(str(config), "--resume", "--output", str(run))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1])["output"] == str(run)

    # metrics.jsonl stays one history: on resume the rows of the steps after the checkpoint are dropped,
    # and those steps are trained and logged again -- every step 0..5 exactly once, in order
    rl = _rl_rows(run)
    assert [r["step"] for r in rl] == list(range(STEPS))
    assert rl[:resumed_from] == killed[:resumed_from]  # the rows before the checkpoint are the killed run's
    assert rl[resumed_from] != killed[resumed_from]  # the lost step's row is the rerun's (new timings)
    versions = [r["policy_version"] for r in rl]
    assert versions == sorted(set(versions)), versions  # one update (and weight sync) per step, none lost
    # the resumed run continued from the checkpoint's policy version, not from the killed run's later one
    assert rl[resumed_from - 1]["policy_version"] == state["version"]
    assert rl[resumed_from]["policy_version"] == state["version"] + 1
    events = [json.loads(x) for x in (run / "events.jsonl").read_text().splitlines()]
    assert [e["from_step"] for e in events if e["event"] == "resumed"] == [resumed_from]

    final = run / "checkpoints" / f"step_{STEPS:06d}"
    assert (final / "state.json").exists() and json.loads((final / "state.json").read_text())["step"] == STEPS
    ev = json.loads((run / "eval.json").read_text())
    assert set(ev) == {"before", "after"} and ev["before"] == eval_before  # no second "before" eval on resume


def test_resume_without_a_checkpoint(tiny_model, tmp_path):
    config = _config(tmp_path / "job.yaml", tiny_model)
    # no --output and no runs/fault-* folder under the working directory: a clear error, before any work
    proc = _train(str(config), "--resume", cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "--resume: no runs/fault-* folder; pass --output" in proc.stderr
    assert not (tmp_path / "runs").exists()

    # a run folder without a (complete) checkpoint: --resume is an error (nothing to continue), at once
    run = tmp_path / "empty"
    (run / "checkpoints" / "step_000004").mkdir(parents=True)  # a checkpoint cut short: no state.json
    proc = _train(str(config), "--resume", "--output", str(run), "--steps", "1", timeout=120)
    assert proc.returncode == 2 and "has no complete checkpoint" in proc.stderr and "--resume-or-start" in proc.stderr
    assert not (run / "config.yaml").exists()
    # --resume-or-start starts the job there from step 0
    proc = _train(str(config), "--resume-or-start", "--output", str(run), "--steps", "1",
                  "--set", "eval.problems_per_task=0", "--set", "checkpoint.every=0")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [r["step"] for r in _rl_rows(run)] == [0]
    events = [json.loads(x) for x in (run / "events.jsonl").read_text().splitlines()] \
        if (run / "events.jsonl").exists() else []
    assert not [e for e in events if e["event"] == "resumed"]
    assert (run / "checkpoints" / "step_000001" / "state.json").exists()
