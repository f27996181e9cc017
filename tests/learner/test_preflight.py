"""A job's plain mistakes fail in a second with one line and exit 2, before Ray or a model starts, and
a run folder is never written over by accident."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from learner.preflight import PreflightError, prepare_run_folder

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    from learner.cli import add_commands

    app = typer.Typer()
    add_commands(app)
    return app


def _train(cli, *args: str):
    return CliRunner().invoke(cli, ["train", *args])


def _job(tmp_path: Path, text: str) -> str:
    path = tmp_path / "job.yaml"
    path.write_text(text)
    return str(path)


def _a_run(folder: Path, checkpoint: bool = False) -> None:
    folder.mkdir(parents=True)
    (folder / "metrics.jsonl").write_text('{"step": 1}\n')
    (folder / "config.yaml").write_text("tasks: [math/gcd]\n")
    if checkpoint:
        (folder / "checkpoints" / "step_000002").mkdir(parents=True)
        (folder / "checkpoints" / "step_000002" / "state.json").write_text(json.dumps({"step": 2}))


def test_an_existing_run_is_refused_continued_or_cleared(tmp_path) -> None:
    run = tmp_path / "run"
    _a_run(run, checkpoint=True)
    with pytest.raises(PreflightError, match="already holds a run.*--resume.*--overwrite"):
        prepare_run_folder(run)
    assert (run / "metrics.jsonl").exists()
    assert prepare_run_folder(run, resume=True) is True
    assert prepare_run_folder(run, overwrite=True) is False and not run.exists()
    with pytest.raises(PreflightError, match="choose one"):
        prepare_run_folder(run, resume=True, overwrite=True)
    # a fresh folder, or one with unrelated files, is a new run
    assert prepare_run_folder(tmp_path / "new") is False
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("x")
    assert prepare_run_folder(tmp_path / "notes") is False


def test_resume_without_a_checkpoint_is_an_error_unless_resume_or_start(tmp_path) -> None:
    run = tmp_path / "run"
    _a_run(run, checkpoint=False)
    with pytest.raises(PreflightError, match="no complete checkpoint.*--resume-or-start"):
        prepare_run_folder(run, resume=True)
    with pytest.raises(PreflightError, match="does not exist"):
        prepare_run_folder(tmp_path / "missing", resume=True)
    assert prepare_run_folder(run, resume_or_start=True) is False
    _a_run(tmp_path / "done", checkpoint=True)
    assert prepare_run_folder(tmp_path / "done", resume_or_start=True) is True


@pytest.mark.parametrize(("text", "args", "expected"), [
    ("model:\n  path: x\n tasks: [math/gcd]\n", (), "line 3, column 2"),
    ("tasks: [math/gcd]\nmodel: {path: /nonexistent/model}\n", (), "model.path: /nonexistent/model does not exist"),
    ("tasks: [math/no_such_task]\n", (), "math/no_such_task"),
    ("tasks: [math/gcd]\nstream: {backend: redis, url: 'redis://127.0.0.1:1/0'}\n", (), "no Redis answers"),
    ("tasks: [math/gcd]\nrewards: {reward_model_path: /nonexistent/rm}\n", (), "rewards.reward_model_path"),
])
def test_plain_mistakes_are_one_line_errors_before_anything_starts(cli, tmp_path, monkeypatch, text, args,
                                                                   expected) -> None:
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    result = _train(cli, _job(tmp_path, text), "--output", str(tmp_path / "run"), *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) <= 3
    assert not (tmp_path / "run").exists()  # no run folder left behind
    assert time.monotonic() - start < 30  # no model, no Ray (seconds, on a loaded machine)


def test_a_config_folder_and_an_existing_run(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = _train(cli, str(tmp_path))
    assert folder.exit_code == 2 and "is a folder" in folder.output
    run = tmp_path / "run"
    _a_run(run)
    again = _train(cli, _job(tmp_path, "tasks: [math/gcd]\n"), "--output", str(run))
    assert again.exit_code == 2 and "already holds a run" in again.output
    assert (run / "metrics.jsonl").read_text() == '{"step": 1}\n'
    resumed = _train(cli, _job(tmp_path, "tasks: [math/gcd]\n"), "--output", str(run), "--resume")
    assert resumed.exit_code == 2 and "no complete checkpoint" in resumed.output


def test_the_console_script_reports_a_yaml_typo_in_one_line(tmp_path) -> None:
    bad = _job(tmp_path, "tasks: [math/gcd\n")
    result = subprocess.run([str(BIN / "bootcamp"), "train", bad], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert "not valid YAML: line" in result.stderr and "Traceback" not in result.stderr
