"""``bootcamp serve``: several uvicorn workers behind one port sharing Redis; the Ray Serve builder."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from _serving import free_port, stop, wait_healthy  # noqa: I001

from bootcamp.export import make_label

# The root app with this package's commands added (as the bootcamp.commands entry point does).
CLI = ("import typer; from rewards.cli import add_commands; app = typer.Typer(); app.callback()(lambda: None); "
       "add_commands(app); app()")


def test_serve_help_lists_the_options() -> None:
    out = subprocess.run([sys.executable, "-c", CLI, "serve", "--help"],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    for opt in ("--host", "--port", "--redis-url", "--workers", "--api-key-file", "--protect-docs"):
        assert opt in out.stdout
    assert "--api-key " not in out.stdout  # keys are never taken on the command line


def test_serve_refuses_a_missing_reward_model_folder(tmp_path) -> None:
    missing = tmp_path / "no-such-rm"
    out = subprocess.run([sys.executable, "-c", CLI, "serve", "--port", str(free_port()), "--reward-model",
                          str(missing)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip() == f"bootcamp serve: --reward-model: {missing} does not exist (give a transformers model folder)"
    config = tmp_path / "rewards.yaml"
    config.write_text(f"backends: {{rm: {{type: classifier, path: {tmp_path}}}}}\n")  # a folder, but no model
    out = subprocess.run([sys.executable, "-c", CLI, "serve", "--port", str(free_port()), "--rewards-config",
                          str(config)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "backends.rm.path" in out.stderr and "config.json" in out.stderr



def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return kids


@pytest.mark.slow
def test_serve_with_two_workers_and_redis(redis_url: str) -> None:
    port = free_port()
    cmd = [sys.executable, "-c", CLI, "serve", "--port", str(port),
           "--workers", "2", "--pool-workers", "1", "--redis-url", redis_url, "--log-level", "warning"]
    key = "k1-0123456789abcdef"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "BOOTCAMP_API_KEYS": key})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url)
        assert len(_children(proc.pid)) >= 2  # the uvicorn supervisor and its two workers
        h = httpx.get(url + "/healthz").json()
        assert h["cache"]["kind"] == "redis"
        auth = {"Authorization": f"Bearer {key}"}
        label = make_label("math/gcd", {"numbers": [12, 18]})
        assert httpx.post(url + "/get_reward", json={"query": ["x"], "labels": [label]}).status_code == 401
        pids = set()
        for _ in range(12):  # fresh connections spread over the workers
            r = httpx.post(url + "/get_reward", json={"query": ["\\boxed{6}"], "labels": [label]}, headers=auth,
                           timeout=60)
            assert r.status_code == 200 and r.json()["rewards"] == [1.0]
            pids.add(httpx.get(url + "/healthz").json()["pid"])
        assert pids  # usually both workers answered; the kernel picks
        import redis

        r = redis.Redis.from_url(redis_url)
        assert len(r.keys("bootcamp:verdict:*")) == 1  # one verdict, computed once, shared
        r.close()
    finally:
        stop(proc)


def test_ray_serve_builder_builds_an_application() -> None:
    pytest.importorskip("ray.serve", reason="ray[serve] is not installed")
    from ray.serve import Application

    from rewards.serve_deployment import build

    app = build({"pool_workers": 1, "redis_url": "redis://127.0.0.1:6379/0", "num_replicas": 2})
    assert isinstance(app, Application)
    with pytest.raises(ValueError):
        build({"pool_workers": 0})


def test_serve_yaml_points_at_the_builder() -> None:
    import importlib
    from pathlib import Path

    import yaml

    cfg = yaml.safe_load((Path(__file__).resolve().parents[2] / "deploy" / "serve.yaml").read_text())
    app = cfg["applications"][0]
    module, name = app["import_path"].split(":")
    assert callable(getattr(importlib.import_module(module), name))
    from rewards.service import Settings

    args = dict(app["args"])
    args.pop("num_replicas", None)
    Settings.model_validate(args)
