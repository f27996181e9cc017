"""`bootcamp eval`: a real evaluation of a checkpoint in a subprocess, its errors, and the eval config."""

import json
import os
import shutil
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from learner.config import parse_config
from learner.evaluation import resolve_model_dir

BIN = Path(sys.executable).parent
TASKS = ["math/digit_parity", "math/digit_below"]
ENV = {**os.environ, "RAY_AUTH_MODE": "disabled", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
       "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _bootcamp(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(ENV)
    env.pop("RAY_ADDRESS", None)
    return subprocess.run([str(BIN / "bootcamp"), *args], env=env, capture_output=True, text=True, timeout=timeout)


def _job(tmp_path: Path, **eval_over) -> Path:
    cfg = {"name": "evalcli", "tasks": TASKS,
           "rollout": {"engine": "hf", "prompts_per_step": 2, "samples_per_prompt": 2, "max_tokens": 12,
                       "max_model_len": 64},
           "eval": {"problems_per_task": 8, "pass_k": [1, 2], "samples": 4, **eval_over},
           "logging": {"progress": False}}
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def _brute_pass(n: int, c: int, k: int) -> float:
    subsets = list(combinations(range(n), k))
    return sum(any(i < c for i in s) for s in subsets) / len(subsets)


@pytest.mark.slow
def test_eval_a_checkpoint_end_to_end(tiny_model, tmp_path):
    # a checkpoint folder as training writes it: policy/ (a transformers folder) and state.json
    ckpt = tmp_path / "run" / "checkpoints" / "step_000004"
    shutil.copytree(tiny_model, ckpt / "policy")
    (ckpt / "state.json").write_text(json.dumps({"step": 4, "version": 4}))
    # --set: 2 problems per task (the YAML says 8)
    proc = _bootcamp("eval", str(_job(tmp_path)), "--checkpoint", str(ckpt), "--set", "eval.problems_per_task=2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    out = Path(summary["output"])
    assert out.parent == ckpt and out.name.startswith("eval_")
    assert "pass@2" in proc.stderr and "math/digit_parity" in proc.stderr  # the table
    res = json.loads(out.read_text())

    # today's greedy keys at the top level, the same entry under "greedy"
    for key in ("mean_reward", "pass_rate", "response_len", "per_task", "per_domain", "n", "policy_version"):
        assert res[key] == res["greedy"][key], key
    assert res["n"] == 4 and res["policy_version"] == 4 == summary["policy_version"]
    assert set(res["per_task"]) == set(TASKS) and set(res["per_domain"]) == {"math"}
    assert res["per_domain"]["math"] == pytest.approx(sum(res["per_task"].values()) / 2)
    assert res["mean_reward"] == pytest.approx(res["per_domain"]["math"])

    s = res["sampled"]
    assert s["settings"] == {"n": 4, "temperature": 1.0, "top_p": 1.0, "max_tokens": 12, "seed": 0, "pass_k": [1, 2]}
    problems = s["per_problem"]
    assert len(problems) == 4 and all(p["n"] == 4 for p in problems)
    assert {(p["task"], p["seed"]) for p in problems} == {(t, 1_000_000_000 + i) for t in TASKS for i in range(2)}
    correct = sum(p["correct"] for p in problems)  # the random-init test model rarely passes anything
    assert s["all"]["pass@1"] == pytest.approx(correct / 16)  # pass@1 = mean sample correctness
    for task in TASKS:
        row = s["per_task"][task]
        own = [p for p in problems if p["task"] == task]
        assert row["problems"] == 2
        assert row["pass@1"] <= row["pass@2"] <= 1.0
        assert row["pass@2"] == pytest.approx(sum(_brute_pass(4, p["correct"], 2) for p in own) / 2)
        assert row["mean@4"] == pytest.approx(sum(p["mean_reward"] for p in own) / 2)
    for key in ("pass@1", "pass@2", "mean@4", "response_len"):
        assert s["per_domain"]["math"][key] == pytest.approx(sum(s["per_task"][t][key] for t in TASKS) / 2)
        assert s["all"][key] == pytest.approx(s["per_domain"]["math"][key])
    assert 0 < s["all"]["response_len"] <= 12 and 0 < res["response_len"] <= 12
    assert summary["sampled"] == s["all"]


def test_eval_errors_exit_2(tmp_path):
    job = _job(tmp_path)
    proc = _bootcamp("eval", str(job), "--checkpoint", str(tmp_path / "missing"), timeout=120)
    assert proc.returncode == 2 and "no such folder" in proc.stderr, proc.stderr[-2000:]
    (tmp_path / "run" / "checkpoints" / "step_000002" / "policy").mkdir(parents=True)
    (tmp_path / "run" / "checkpoints" / "step_000002" / "policy" / "config.json").write_text("{}")
    proc = _bootcamp("eval", str(job), "--checkpoint", str(tmp_path / "run"), "--set", "eval.pass_k=[2]",
                     timeout=120)
    assert proc.returncode == 2 and "not a model" in proc.stderr and "step_000002" in proc.stderr, proc.stderr
    proc = _bootcamp("eval", str(job), "--checkpoint", str(tmp_path), "--set", "eval.samples=1", timeout=120)
    assert proc.returncode == 2 and "eval.samples" in proc.stderr, proc.stderr[-2000:]


def test_resolve_model_dir(tiny_model, tmp_path):
    assert resolve_model_dir(tiny_model) == (Path(tiny_model), 0)
    (tmp_path / "cfg_only").mkdir()
    (tmp_path / "cfg_only" / "config.json").write_text("{}")
    with pytest.raises(ValueError, match="no weights"):
        resolve_model_dir(tmp_path / "cfg_only")
    with pytest.raises(ValueError, match="not a folder"):
        resolve_model_dir(tmp_path / "cfg_only" / "config.json")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        resolve_model_dir(tmp_path / "nope")


def _eval_cfg(**over):
    return parse_config({"tasks": ["math/digit_add"], "eval": over}).eval


def test_eval_config():
    assert _eval_cfg().pass_k == [] and _eval_cfg().num_samples() == 0  # greedy only, as before
    ev = _eval_cfg(pass_k=[8, 1, 8], temperature=0.7, top_p=0.9)
    assert ev.pass_k == [1, 8] and ev.num_samples() == 8 and ev.temperature == 0.7
    assert _eval_cfg(pass_k=[1, 2], samples=16).num_samples() == 16
    for over, field in [({"pass_k": [0]}, "eval.pass_k"), ({"pass_k": [4], "samples": 2}, "eval.samples"),
                        ({"samples": 4}, "eval.samples"), ({"pass_k": [1], "temperature": 0}, "eval.temperature"),
                        ({"pass_k": [1], "top_p": 1.5}, "eval.top_p")]:
        with pytest.raises(ValueError, match=field.replace(".", r"\.")):
            _eval_cfg(**over)


@pytest.mark.slow
def test_eval_plays_the_episodes_of_an_environment_job(tiny_model, tmp_path):
    """The tool-use example names a registered environment: `bootcamp eval` plays its episodes."""
    ckpt = tmp_path / "ckpt"
    shutil.copytree(tiny_model, ckpt / "policy")
    (ckpt / "state.json").write_text(json.dumps({"step": 1, "version": 1}))
    example = Path(__file__).parents[2] / "examples" / "tool_use.yaml"
    proc = _bootcamp("eval", str(example), "--checkpoint", str(ckpt), "--set", "eval.problems_per_task=2",
                     "--set", "eval.samples=2", "--set", "rollout.episodes.turn_tokens=16")
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(Path(json.loads(proc.stdout.strip().splitlines()[-1])["output"]).read_text())
    assert res["n"] == 2 and set(res["per_task"]) == {"math/three_digit_product"}
    assert "tool_call_rate" in res and 0.0 <= res["sampled"]["all"]["tool_call_rate"] <= 1.0
