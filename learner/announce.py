"""What a job tells its user while it runs: each phase as it starts, and progress bars that also
work where stderr is not a terminal (a log file, ``ray job logs``, CI).

:func:`phase` prints one plain line with the seconds since the job started (``[  12.3s] warm-up:
10 steps``). :func:`progress` is rich's progress bar on a terminal and, elsewhere, plain lines at
every tenth of the work (and at its end), so a job run under nohup still shows where it is.
"""

from __future__ import annotations

import sys
import time
from typing import Any

_START = time.monotonic()


def restart_clock() -> None:
    """Count :func:`phase` times from now (a job's start)."""
    global _START
    _START = time.monotonic()


def phase(text: str, enabled: bool = True) -> None:
    """One line on stderr: the seconds since the job started, and ``text``."""
    if enabled:
        print(f"[{time.monotonic() - _START:7.1f}s] {text}", file=sys.stderr, flush=True)


class LineProgress:
    """The part of rich's ``Progress`` the jobs use, as plain lines: one per tenth of each bar's total."""

    def __init__(self) -> None:
        self.bars: dict[int, dict[str, Any]] = {}

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: float | None = None, completed: float = 0, **_: Any) -> int:
        key = len(self.bars)
        shown = int(10 * completed / total) if total else -1
        self.bars[key] = {"description": description, "total": total or 0, "done": float(completed),
                          "shown": shown, "start": time.monotonic()}
        return key

    def advance(self, key: int, advance: float = 1) -> None:
        self.update(key, advance=advance)

    def update(self, key: int, advance: float = 0, description: str | None = None, completed: float | None = None,
               **_: Any) -> None:
        bar = self.bars[key]
        if description is not None:
            bar["description"] = description
        bar["done"] = completed if completed is not None else bar["done"] + advance
        total = bar["total"]
        tenth = int(10 * bar["done"] / total) if total else 0
        if tenth > bar["shown"] and (tenth > 0 or not total):
            bar["shown"] = tenth
            size = f"{bar['done']:g}/{total:g}" if total else f"{bar['done']:g}"
            print(f"  {bar['description']}: {size} ({time.monotonic() - bar['start']:.0f} s)", file=sys.stderr,
                  flush=True)


def progress(enabled: bool = True, transient: bool = False) -> Any:
    """A progress display on stderr: rich's bar on a terminal, :class:`LineProgress` elsewhere."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if enabled and not sys.stderr.isatty():
        return LineProgress()
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), disable=not enabled, transient=transient)
