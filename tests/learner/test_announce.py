"""Where stderr is no terminal (a log file, ray job logs), a job still shows its phases and progress."""

from __future__ import annotations

import io
import sys

from learner import announce


def test_phases_and_plain_progress_lines(monkeypatch) -> None:
    err = io.StringIO()  # not a terminal
    monkeypatch.setattr(sys, "stderr", err)
    announce.restart_clock()
    announce.phase("Ray: starting a local cluster")
    announce.phase("hidden", enabled=False)
    with announce.progress(True) as bars:
        assert isinstance(bars, announce.LineProgress)
        bar = bars.add_task("eval", total=40)
        for _ in range(40):
            bars.advance(bar)
        resumed = bars.add_task("RL", total=10, completed=4)
        bars.update(resumed, advance=1, description="step 5 reward 0.50")
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("[") and lines[0].endswith("s] Ray: starting a local cluster")
    assert not any("hidden" in line for line in lines)
    evals = [line for line in lines if line.strip().startswith("eval:")]
    assert len(evals) == 10 and evals[0].strip().startswith("eval: 4/40") and evals[-1].strip().startswith("eval: 40/40")
    assert [line.strip().split(" (")[0] for line in lines if "step 5" in line] == ["step 5 reward 0.50: 5/10"]


def test_a_terminal_gets_the_rich_bar_and_progress_off_prints_nothing(monkeypatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    assert not isinstance(announce.progress(True), announce.LineProgress)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with announce.progress(False) as bars:
        bars.update(bars.add_task("x", total=3), advance=3)
    assert err.getvalue() == ""
