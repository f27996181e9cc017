"""The quickstart figures in README.md, docs/training.md and examples/quickstart.yaml equal docs/figures/quickstart.json.

The JSON is written by ``bench/bench_quickstart.py --write``; the docs state its idle runs rounded
to 2 places, as ``0.35 -> 0.95 (seed 0)`` in prose and as a table in docs/training.md.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures" / "quickstart.json"
#: "0.35 -> 0.95 (seed 0)": before -> after RL for one seed.
SENTENCE = re.compile(r"(\d\.\d\d) -> (\d\.\d\d) \(seed (\d+)\)")
TABLE_HEADER = re.compile(r"^\| seed \| before RL \| after RL \| per task after \(([^)]*)\) \|")


def two_places(x: float) -> str:
    """``x`` rounded half-up to 2 places, as the docs write it (0.125 -> "0.13")."""
    return str(Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def published() -> dict[int, dict[str, object]]:
    """Idle runs of the figures file by seed: before, after and (when measured) per task after, 2 places."""
    doc = json.loads(FIGURES.read_text())
    out: dict[int, dict[str, object]] = {}
    for run in doc["runs"]:
        if run.get("loaded") or run.get("kernels"):  # the checks on load and other kernels
            continue
        per = run.get("per_task_after")
        out[int(run["seed"])] = {"before": two_places(run["before"]), "after": two_places(run["after"]),
                                 "per_task_after": {t: two_places(v) for t, v in per.items()} if per else None}
    return out


def sentence_figures(text: str) -> dict[int, tuple[str, str]]:
    """``{seed: (before, after)}`` from every "B -> A (seed S)" in ``text`` (line breaks and ``#`` ignored)."""
    flat = " ".join(line.strip().lstrip("#").strip() for line in text.splitlines())
    found: dict[int, tuple[str, str]] = {}
    for before, after, seed in SENTENCE.findall(flat):
        if int(seed) in found and found[int(seed)] != (before, after):
            raise ValueError(f"seed {seed} is stated twice with different figures")
        found[int(seed)] = (before, after)
    return found


def table_figures(text: str) -> dict[int, dict[str, object]]:
    """The quickstart table of docs/training.md: ``{seed: {before, after, per_task_after: {short name: x}}}``."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if TABLE_HEADER.match(line)), None)
    if start is None:
        raise ValueError("docs/training.md: no '| seed | before RL | after RL | per task after (...) |' table")
    names = [n.strip() for n in TABLE_HEADER.match(lines[start]).group(1).split("/")]
    rows: dict[int, dict[str, object]] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        seed, before, after, per = (c.strip() for c in line.strip("|").split("|")[:4])
        rows[int(seed)] = {"before": before, "after": after,
                           "per_task_after": dict(zip(names, (v.strip() for v in per.split("/")), strict=True))}
    return rows


def test_figures_file_is_complete():
    doc = json.loads(FIGURES.read_text())
    assert doc["source"] and doc["command"].startswith("bootcamp train examples/quickstart.yaml")
    assert published(), "no idle runs in docs/figures/quickstart.json"
    for run in doc["runs"]:
        assert 0.0 <= run["before"] <= 1.0 and 0.0 <= run["after"] <= 1.0, run


@pytest.mark.parametrize("doc", ["README.md", "examples/quickstart.yaml"])
def test_sentences_match_figures(doc):
    text = (ROOT / doc).read_text()
    if doc.endswith(".yaml"):  # the header comment only
        text = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    stated = sentence_figures(text)
    expected = {seed: (f["before"], f["after"]) for seed, f in published().items()}
    assert stated == expected, f"{doc} states {stated}, docs/figures/quickstart.json has {expected}"


def test_training_table_matches_figures():
    rows = table_figures((ROOT / "docs" / "training.md").read_text())
    figures = published()
    assert sorted(rows) == sorted(figures), f"docs/training.md has seeds {sorted(rows)}, figures {sorted(figures)}"
    for seed, fig in figures.items():
        row = rows[seed]
        assert (row["before"], row["after"]) == (fig["before"], fig["after"]), f"seed {seed}: {row} vs {fig}"
        if fig["per_task_after"]:  # per-task figures are checked once the file has them
            for short, value in row["per_task_after"].items():
                task = next(t for t in fig["per_task_after"] if t.split("/")[-1].endswith(short))
                assert value == fig["per_task_after"][task], f"seed {seed} {task}: table {value}, figures file"


def test_parsers_read_both_forms():
    prose = "# lifts reward 0.35 -> 0.95 (seed 0),\n# 0.44 -> 0.84 (seed 1); see docs."
    assert sentence_figures(prose) == {0: ("0.35", "0.95"), 1: ("0.44", "0.84")}
    with pytest.raises(ValueError, match="seed 0"):
        sentence_figures("0.35 -> 0.95 (seed 0) and 0.35 -> 0.96 (seed 0)")
    table = ("| seed | before RL | after RL | per task after (next / max) |\n| --- | --- | --- | --- |\n"
             "| 2 | 0.24 | 0.80 | 0.47 / 0.72 |\n\nafter")
    assert table_figures(table) == {2: {"before": "0.24", "after": "0.80",
                                        "per_task_after": {"next": "0.47", "max": "0.72"}}}
    assert two_places(0.9453125) == "0.95" and two_places(0.125) == "0.13"


def test_tool_use_table_matches_its_figures():
    """docs/environments.md's tool-use table is bench/bench_tool_use.py's table of docs/figures/tool_use.json."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_tool_use", ROOT / "bench" / "bench_tool_use.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    doc = json.loads((ROOT / "docs" / "figures" / "tool_use.json").read_text())
    assert doc["source"] == "bench/bench_tool_use.py" and len(doc["runs"]) >= 2
    for run in doc["runs"]:
        for when in ("before", "after"):
            assert all(0.0 <= run[when][k] <= 1.0 for k in ("pass_rate", "tool_call_rate")), run
    assert bench.format_table(doc["runs"]) in (ROOT / "docs" / "environments.md").read_text()
