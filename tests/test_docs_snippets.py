"""Snippets in docs/ and the README that a user would save as a script run as one, in a fresh interpreter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _snippet(doc: str, marker: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(), flags=re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"{doc}: {len(found)} python blocks contain {marker!r}"
    return found[0]


def test_the_in_process_router_snippet_runs_as_a_script(tmp_path) -> None:
    script = tmp_path / "router_snippet.py"
    script.write_text(_snippet("docs/rewards.md", "SandboxPool(workers=2"))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "1.0 rule"
    assert "Traceback" not in out.stderr


# (document, a line that picks the block, what its output must contain)
STANDALONE = [
    ("README.md", 'get_task("math/modular_inverse")', "0.0 wrong"),
    ("README.md", "class FreeFall(bootcamp.Task)", ""),
    ("docs/environments.md", 'get_env("math/polynomial_probe")', "1.0"),
    ("docs/rewards.md", '@register_kind("length")', ""),
]


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "snippet.py"
    script.write_text(code)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=env)


def test_standalone_snippets_run_as_scripts(tmp_path) -> None:
    failed = []
    for doc, marker, expected in STANDALONE:
        out = _run(_snippet(doc, marker), tmp_path)
        if out.returncode != 0 or expected not in out.stdout:
            failed.append(f"{doc} ({marker}): exit {out.returncode}, stdout {out.stdout[-300:]!r}\n{out.stderr[-1500:]}")
    assert not failed, "\n".join(failed)
