"""Experiment trackers: the same scalars and the job's config reach Weights & Biases (offline) and
MLflow (a file store) as reach metrics.jsonl and TensorBoard."""

from __future__ import annotations

import json
import os
import time

import pytest

from learner.config import parse_config
from learner.metrics import MetricsLogger
from learner.trackers import build_trackers, missing_module

STEPS = [{"reward/mean": 0.25, "loss": 1.5, "pass@4": 0.5, "phase": "rl"},
         {"reward/mean": 0.75, "loss": 1.0, "pass@4": 1.0, "phase": "rl"}]


def _run(tmp_path, logging: dict) -> tuple[MetricsLogger, dict]:
    cfg = parse_config({"name": "tracked", "tasks": ["math/gcd"], "logging": logging})
    config = cfg.model_dump(mode="json", by_alias=True)
    log = MetricsLogger(tmp_path, trackers=build_trackers(cfg.logging))
    log.start(config, cfg.name)
    for step, row in enumerate(STEPS):
        log.log(step, row)
    log.close()
    return log, config


def test_mlflow_gets_the_metrics_and_the_config(tmp_path) -> None:
    pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    _run(tmp_path, {"tensorboard": False, "mlflow": {"experiment": "exp"}})
    client = MlflowClient(tracking_uri=(tmp_path / "mlruns").resolve().as_uri())
    exp = client.get_experiment_by_name("exp")
    (run,) = client.search_runs([exp.experiment_id])
    assert run.info.run_name == "tracked" and run.data.params["learner.lr"] == "0.0001"
    assert run.data.params["tasks"].startswith("[")
    history = client.get_metric_history(run.info.run_id, "reward/mean")
    assert [(m.step, m.value) for m in history] == [(0, 0.25), (1, 0.75)]
    assert [m.value for m in client.get_metric_history(run.info.run_id, "pass_4")] == [0.5, 1.0]


def _wandb_records(path) -> list:
    """The records of an offline run's .wandb file (a LevelDB-style log of protobuf records:
    32 KiB blocks, each record a 7-byte header (crc, length, type) and its bytes)."""
    import struct

    from wandb.proto import wandb_internal_pb2 as pb

    data, pos, block, part, out = path.read_bytes(), 7, 32768, b"", []
    while pos + 7 <= len(data):
        left = block - pos % block
        _, length, kind = struct.unpack("<IHB", data[pos:pos + 7]) if left >= 7 else (0, 0, 0)
        if left < 7 or (length == 0 and kind == 0):
            pos += left
            continue
        chunk, pos = data[pos + 7:pos + 7 + length], pos + 7 + length
        part = chunk if kind in (1, 2) else part + chunk
        if kind in (1, 4):
            record = pb.Record()
            record.ParseFromString(part)
            out.append(record)
    return out


def test_wandb_offline_gets_the_metrics_and_the_config(tmp_path, monkeypatch) -> None:
    pytest.importorskip("wandb")
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("WANDB_DISABLE_GIT", "true")
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    _run(tmp_path, {"tensorboard": False, "wandb": {"project": "p", "mode": "offline"}})
    (run_file,) = (tmp_path / "wandb").glob("offline-run-*/*.wandb")
    deadline = time.monotonic() + 30  # wandb's own service process finishes writing the file
    records = _wandb_records(run_file)
    while not any(r.WhichOneof("record_type") == "exit" for r in records):
        assert time.monotonic() < deadline, "the offline run file never got its exit record"
        time.sleep(0.2)
        records = _wandb_records(run_file)
    (run,) = [r.run for r in records if r.WhichOneof("record_type") == "run"]
    assert (run.display_name, run.project) == ("tracked", "p")
    config = {item.key: json.loads(item.value_json) for item in run.config.update}
    assert config["name"] == "tracked" and config["learner"]["lr"] == 0.0001
    history = [{i.key or "/".join(i.nested_key): json.loads(i.value_json) for i in r.history.item}
               for r in records if r.WhichOneof("record_type") == "history"]
    assert [(h["_step"], h["reward/mean"], h["pass@4"]) for h in history] == [(0, 0.25, 0.5), (1, 0.75, 1.0)]


def test_tensorboard_and_jsonl_still_get_every_step(tmp_path) -> None:
    _run(tmp_path, {"tensorboard": True})
    rows = [json.loads(x) for x in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [r["reward/mean"] for r in rows] == [0.25, 0.75]
    assert any(p.name.startswith("events.out.tfevents") for p in (tmp_path / "tensorboard").iterdir())


def test_a_missing_tracker_package_is_a_one_line_config_error(monkeypatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "wandb" else real(name, *a))
    assert "pip install 'bootcamp[trackers]'" in missing_module("wandb")
    from learner.preflight import check_trackers

    cfg = parse_config({"tasks": ["math/gcd"], "logging": {"wandb": {}}})
    assert check_trackers(cfg) == [missing_module("wandb")]
    assert os.environ.get("WANDB_MODE") != "online"
