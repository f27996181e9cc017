"""Snippets in docs/ that a user would save as a script run as one (here: the in-process router)."""

from __future__ import annotations

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
