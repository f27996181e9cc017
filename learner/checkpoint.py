"""Checkpoint folders: ``checkpoints/step_000010/{policy/, optimizer.pt, state.json}``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any


def step_dir(run_dir: str | Path, step: int) -> Path:
    return Path(run_dir) / "checkpoints" / f"step_{step:06d}"


def write_state(ckpt: Path, state: dict[str, Any]) -> None:
    """Write ``state.json`` last: its presence marks a complete checkpoint."""
    tmp = ckpt / "state.json.tmp"
    tmp.write_text(json.dumps(state))
    tmp.rename(ckpt / "state.json")


def latest(run_dir: str | Path) -> Path | None:
    """The newest complete checkpoint in ``run_dir``, or None."""
    root = Path(run_dir) / "checkpoints"
    done = sorted(p for p in root.glob("step_*") if (p / "state.json").exists()) if root.exists() else []
    return done[-1] if done else None


def read_state(ckpt: Path) -> dict[str, Any]:
    return json.loads((ckpt / "state.json").read_text())


def prune(run_dir: str | Path, keep: int) -> None:
    """Delete all but the ``keep`` newest checkpoints."""
    root = Path(run_dir) / "checkpoints"
    done = sorted(p for p in root.glob("step_*") if (p / "state.json").exists())
    for p in done[:-keep]:
        shutil.rmtree(p, ignore_errors=True)
