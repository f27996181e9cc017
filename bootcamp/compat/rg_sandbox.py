"""reasoning-gym's ``score_answer`` in a warm bubblewrap template (see ``bootcamp/verifiers/warm.py``).

The answer handed here has already passed the dataset's strict grammar (``rg_safe.py``) and been
re-printed, so no model text is evaluated; the sandbox bounds time and memory of the scorer (sympy can
still be slow on an inert expression) and keeps a library bug from reaching the service. Failure
reasons come from what this process observed: its deadline, the sandbox's start, the runner's report.
"""

from __future__ import annotations

import functools
import json
import os
import signal
from typing import Any

from bootcamp.types import Score
from bootcamp.verifiers import sandbox, warm

_SCORER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "verifiers", "_rg_scorer.py")
#: Memory cap of the scorer's sandbox as a whole (reasoning-gym, sympy), where a cgroup can be made.
SANDBOX_MEMORY_BYTES = 3 << 30


@functools.lru_cache(maxsize=2)
def _kind(python: str, start_s: float) -> warm.Kind:
    runner = f"{sandbox.RUNNER_DIR}/{os.path.basename(_SCORER)}"
    cmd = sandbox.argv([python, "-I", "-S", "-B", runner, sandbox.SITE_ROOT], runner=[_SCORER, warm.SERVE],
                       site=True)
    return warm.Kind("rg", tuple(cmd), template=True, start_timeout_s=start_s, memory_bytes=SANDBOX_MEMORY_BYTES,
                     cwd="/", env=tuple(sandbox.host_env().items()))


def kind(start_s: float) -> warm.Kind:
    """The warm-pool kind of the reasoning-gym scorer (for pre-warming and benches)."""
    return _kind(sandbox.interpreter(), float(start_s))


def prewarm_kind() -> warm.Kind:
    """The warm kind of the scorer (see :func:`bootcamp.verifiers.warm.prewarm`)."""
    from bootcamp.compat.reasoning_gym import SCORE_START_S

    return kind(SCORE_START_S)


def score_sandboxed(identity: dict[str, Any], answer: str, entry: dict | None, timeout_s: float, start_s: float,
                    memory_mb: int) -> float:
    """``score_answer`` of ``identity``'s dataset on ``answer`` (already grammar-checked) in the sandbox."""
    try:
        entry = json.loads(json.dumps(entry)) if entry is not None else None
    except (TypeError, ValueError):
        entry = None
    payload = json.dumps({
        "entry": entry, "dataset": identity["dataset"], "seed": identity["seed"], "size": identity["size"],
        "index": identity["index"], "answer": answer, "memory_mb": memory_mb, "cpu_s": int(start_s + timeout_s) + 1,
    }).encode()
    records: list[dict] = []

    def on_record(rec: dict, now: float) -> float | None:
        records.append(rec)
        return now + timeout_s if rec == {"ready": 1} else None

    try:
        box, stop = warm.run(kind(start_s), payload, on_record, start_s, 1 << 16)
    except warm.StartFailed as exc:
        return Score(0.0, "verifier_error", str(exc))
    ready = {"ready": 1} in records
    if not ready:
        fatal = next((r for r in records if "fatal" in r), None)
        if fatal is not None:
            return Score(0.0, "verifier_error", str(fatal.get("detail", ""))[:300])
        if stop == "timeout":
            return Score(0.0, "verifier_error", f"the scorer did not take the answer within {start_s:g} s")
        return Score(0.0, "verifier_error", "the scorer sandbox failed: " + warm.cause(box.stderr, box.returncode))
    if stop == "timeout":
        return Score(0.0, "timeout", f"the scorer ran over {timeout_s:g} s")
    if stop == "output":
        return Score(0.0, "invalid_answer", "the scorer printed too much")
    results = [r for r in records if r != {"ready": 1} and not (set(r) <= {"end", "status"})]
    if len(results) == 1 and set(results[0]) == {"score"} and isinstance(results[0]["score"], (int, float)):
        value = float(results[0]["score"])
        return max(0.0, min(1.0, value)) if value == value else 0.0
    if len(results) == 1 and set(results[0]) == {"error"}:
        return Score(0.0, "invalid_answer", str(results[0]["error"])[:200])
    if results:
        return Score(0.0, "invalid_answer", "the scorer's output was not one result")
    end = next((r for r in records if set(r) <= {"end", "status"} and "end" in r), None)
    status = end.get("status") if end else None
    if isinstance(status, int) and os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGKILL, signal.SIGXCPU):
        return Score(0.0, "timeout", "the scorer hit its CPU or memory limit")
    if box.oom_killed():
        return Score(0.0, "timeout", "the scorer hit its memory limit")
    return Score(0.0, "invalid_answer", "the scorer ended without a result")
