"""Every `python` block of docs/extending.md runs as it stands, each in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "extending.md"
EXPECTED = ["A new task family", "Difficulty levels", "A new verifier primitive", "A new reward kind",
            "A new reward backend", "A new RL algorithm", "A new rollout engine", "A new multi-turn environment"]


def _blocks() -> list[tuple[str, str]]:
    """(section title, code) for each ```python block, in order."""
    out, section, code = [], "", None
    for line in DOC.read_text().splitlines(keepends=True):
        if code is not None:
            if line.rstrip() == "```":
                out.append((section, "".join(code)))
                code = None
            else:
                code.append(line)
        elif line.startswith("## "):
            section = line[3:].strip()
        elif line.rstrip() == "```python":
            code = []
    return out


def test_every_extension_point_has_an_example():
    assert [title for title, _ in _blocks()] == EXPECTED


@pytest.mark.parametrize("title, code", _blocks(), ids=[t for t, _ in _blocks()])
def test_example_runs(title, code, tmp_path):
    script = tmp_path / "example.py"
    script.write_text(code)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"{title}:\n{proc.stderr[-3000:]}"
