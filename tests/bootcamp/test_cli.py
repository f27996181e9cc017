import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from bootcamp.cli import app
from bootcamp.export import parse_label

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_list_json_has_required_fields():
    result = run("tasks", "list", "--json")
    assert result.exit_code == 0, result.output
    tasks = json.loads(result.stdout)
    assert len(tasks) >= 4
    for t in tasks:
        assert {"id", "domain", "version", "description"} <= set(t)
    assert {t["domain"] for t in tasks} >= {"math", "biology"}


def test_list_filters_by_domain():
    tasks = json.loads(run("tasks", "list", "--domain", "biology", "--json").stdout)
    assert tasks and all(t["domain"] == "biology" for t in tasks)


def test_sample_json_with_answer():
    result = run("tasks", "sample", "math/modular_inverse", "-n", "3", "--seed", "5", "--with-answer", "--json")
    assert result.exit_code == 0, result.output
    problems = json.loads(result.stdout)
    assert [p["seed"] for p in problems] == [5, 6, 7]
    for p in problems:
        assert {"task", "seed", "prompt", "identity", "answer"} <= set(p)
        assert (p["identity"]["a"] * int(p["answer"])) % p["identity"]["m"] == 1


def test_sample_without_answer_omits_it():
    problems = json.loads(run("tasks", "sample", "math/gcd", "--json").stdout)
    assert "answer" not in problems[0]


def test_unknown_task_suggests_closest():
    result = run("tasks", "show", "math/modular_invers")
    assert result.exit_code == 2
    assert "math/modular_inverse" in result.output


def test_show_prints_example():
    info = json.loads(run("tasks", "show", "biology/gc_content").stdout)
    assert info["id"] == "biology/gc_content" and info["example"]["answer"]


def test_verify_prints_verdict():
    p = json.loads(run("tasks", "sample", "math/gcd", "--with-answer", "--json").stdout)[0]
    ok = run("verify", "math/gcd", "--identity", json.dumps(p["identity"]), "--response", f"\\boxed{{{p['answer']}}}")
    assert json.loads(ok.stdout)["correct"] is True
    bad = run("verify", "math/gcd", "--identity", json.dumps(p["identity"]), "--response", "\\boxed{-3}")
    assert json.loads(bad.stdout)["reason"] == "wrong"
    malformed = run("verify", "math/gcd", "--identity", "{not json", "--response", "x")
    assert malformed.exit_code == 2 and "not JSON" in malformed.output


def test_check_passes_and_fails():
    assert run("tasks", "check", "math/*", "--seeds", "3", "--quality-seeds", "0").exit_code == 0
    assert run("tasks", "check").exit_code == 2


def test_export_formats(tmp_path):
    jsonl = tmp_path / "p.jsonl"
    assert run("tasks", "export", "math/gcd", "biology/gc_*", "--n", "4", "--format", "jsonl", "--out", str(jsonl)).exit_code == 0
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert len(rows) == 8 and all(r["answer"] for r in rows)

    verl = tmp_path / "p.parquet"
    assert run("tasks", "export", "math/gcd", "--n", "5", "--format", "verl", "--out", str(verl)).exit_code == 0
    table = pq.read_table(verl).to_pylist()
    assert len(table) == 5
    row = table[0]
    assert row["data_source"] == "math/gcd" and row["ability"] == "math"
    assert row["prompt"][0]["role"] == "user" and "greatest common divisor" in row["prompt"][0]["content"]
    task_id, identity = parse_label(row["reward_model"]["ground_truth"])
    assert task_id == "math/gcd" and "numbers" in identity
    assert row["extra_info"]["index"] == 0

    orl = tmp_path / "o.jsonl"
    assert run("tasks", "export", "math/lcm", "--n", "2", "--format", "openrlhf", "--out", str(orl)).exit_code == 0
    first = json.loads(orl.read_text().splitlines()[0])
    assert set(first) == {"prompt", "label"} and parse_label(first["label"])[0] == "math/lcm"


def test_export_bad_format(tmp_path):
    result = run("tasks", "export", "math/gcd", "--format", "csv", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2 and "jsonl" in result.output


def test_parse_label_errors():
    with pytest.raises(ValueError, match="not JSON"):
        parse_label("nope")
    with pytest.raises(ValueError, match="JSON object"):
        parse_label('{"task": 1}')


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "bootcamp.cli", "tasks", "list", "--json"], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)


@pytest.mark.slow
def test_installing_example_plugin_adds_its_tasks(tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target),
         str(ROOT / "examples" / "plugin")],
        check=True, capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    before = subprocess.run([sys.executable, "-m", "bootcamp.cli", "tasks", "list", "--json"], capture_output=True,
                            text=True, env={k: v for k, v in env.items() if k != "PYTHONPATH"})
    after = subprocess.run([sys.executable, "-m", "bootcamp.cli", "tasks", "list", "--json"], capture_output=True,
                           text=True, env=env)
    ids_before = {t["id"] for t in json.loads(before.stdout)}
    ids_after = {t["id"] for t in json.loads(after.stdout)}
    assert "physics/example_free_fall" not in ids_before
    assert ids_after - ids_before == {"physics/example_free_fall"}
    check = subprocess.run([sys.executable, "-m", "bootcamp.cli", "tasks", "check", "physics/example_free_fall",
                            "--seeds", "5"], capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_export_refuses_to_overwrite_and_follows_the_suffix(tmp_path):
    out = tmp_path / "p.jsonl"
    out.write_text("".join(f'{{"row": {i}}}\n' for i in range(1000)))
    refused = run("tasks", "export", "math/gcd", "--n", "2", "--out", str(out))
    assert refused.exit_code == 2 and "--overwrite" in refused.output
    assert len(out.read_text().splitlines()) == 1000  # untouched
    assert run("tasks", "export", "math/gcd", "--n", "2", "--out", str(out), "--overwrite").exit_code == 0
    assert len(out.read_text().splitlines()) == 2
    # the format follows the suffix; a suffix that does not fit the format is refused
    parquet = tmp_path / "v.parquet"
    assert run("tasks", "export", "math/gcd", "--n", "2", "--out", str(parquet)).exit_code == 0
    assert len(pq.read_table(parquet).to_pylist()) == 2
    mismatch = run("tasks", "export", "math/gcd", "--n", "2", "--format", "verl", "--out", str(tmp_path / "x.jsonl"))
    assert mismatch.exit_code == 2 and ".parquet" in mismatch.output and not (tmp_path / "x.jsonl").exists()
    unknown = run("tasks", "export", "math/gcd", "--out", str(tmp_path / "x.csv"))
    assert unknown.exit_code == 2 and "--format" in unknown.output


def test_a_failed_export_leaves_the_old_file(tmp_path):
    from bootcamp.export import export
    from bootcamp.registry import REGISTRY

    out = tmp_path / "p.jsonl"
    out.write_text("old\n")

    def problems():
        yield REGISTRY.get("math/gcd").problem(0)
        raise RuntimeError("generator failed midway")

    with pytest.raises(RuntimeError):
        export(problems(), "jsonl", out)
    assert out.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["p.jsonl"]


def test_version_and_help_without_flag_types():
    from bootcamp import __version__

    version = run("--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"bootcamp {__version__}"
    for args in (("--help",), ("tasks", "export", "--help"), ("tasks", "check", "--help")):
        shown = run(*args)
        assert shown.exit_code == 0 and "<bool>" not in shown.stdout
    assert "Examples:" in run("tasks", "export", "--help").stdout


def test_export_splits_are_seed_disjoint_and_deterministic(tmp_path):
    out = tmp_path / "m.parquet"
    args = ("tasks", "export", "math/gcd", "math/lcm", "--n", "60", "--out", str(out), "--split", "train=0.8,val=0.2")
    assert run(*args).exit_code == 0
    train = pq.read_table(tmp_path / "m.train.parquet").to_pylist()
    val = pq.read_table(tmp_path / "m.val.parquet").to_pylist()
    assert len(train) + len(val) == 120 and 10 <= len(val) <= 45
    assert {r["extra_info"]["split"] for r in train} == {"train"} and {r["extra_info"]["split"] for r in val} == {"val"}
    seeds = {s: {r["extra_info"]["seed"] for r in rows} for s, rows in (("train", train), ("val", val))}
    assert not seeds["train"] & seeds["val"]
    # a seed keeps its split for every task and when more seeds are exported
    again = tmp_path / "more.jsonl"
    assert run("tasks", "export", "math/gcd", "--n", "90", "--out", str(again), "--split", "train=0.8,val=0.2").exit_code == 0
    rows = [json.loads(x) for x in (tmp_path / "more.val.jsonl").read_text().splitlines()]
    assert {r["seed"] for r in rows if r["seed"] < 60} == seeds["val"] and {r["split"] for r in rows} == {"val"}
    assert run(*args).exit_code == 2  # the split files exist now
    for bad in ("train=0.9,val=0.2", "train", "train=0.5,train=0.5", "a-b=1"):
        refused = run("tasks", "export", "math/gcd", "--out", str(tmp_path / "z.jsonl"), "--split", bad)
        assert refused.exit_code == 2 and "--split" in refused.output


def test_every_command_shows_examples_in_its_help():
    from bootcamp.cli import load_commands

    load_commands()  # serve, train, eval (as the console script does)
    root = typer.main.get_command(app)
    missing = []

    def walk(cmd: object, path: tuple[str, ...]) -> None:
        if hasattr(cmd, "commands"):  # a group (typer's own click)
            for name, sub in cmd.commands.items():
                walk(sub, (*path, name))
            return
        shown = run(*path, "--help")
        if shown.exit_code != 0 or "Examples:" not in shown.stdout or "<bool>" in shown.stdout:
            missing.append(" ".join(path))

    walk(root, ())
    assert not missing, f"commands without examples in --help: {missing}"
    assert {"train", "serve", "eval", "verify"} <= set(root.commands)
