"""Which reasoning-gym datasets are usable as bootcamp tasks, and why the others are not.

:func:`bootcamp.compat.reasoning_gym.register_datasets` runs these checks
before it registers anything. A dataset is refused (skipped, with a reason)
when:

- ``cannot_build``: ``create_dataset(name, size=..., seed=0)`` fails with the
  default config (e.g. ``composite`` has no default datasets);
- ``too_slow``: building it takes over :data:`BUILD_BUDGET_S` (a problem
  seed picks a dataset seed, so every new seed is a build);
- ``no_reference_answer``: its first entry has ``answer=None`` (open-ended);
- ``not_deterministic``: two fresh builds with the same seed give different
  entries (question, answer or metadata) for the same index;
- ``not_deterministic_across_processes``: a child Python with another
  ``PYTHONHASHSEED`` builds different entries (one child for all datasets);
- ``fails_check``: :func:`bootcamp.check_task` fails on it, e.g. its scorer
  accepts other problems' answers, or misses its own reference answer.

The checks are "full" (all of the above) or "fast" (the first three, plus the
refusals a full run recorded for this reasoning-gym version in
:data:`KNOWN_REFUSED`): the fast mode is what the plugin hook uses at start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

#: (dataset seed, index) pairs compared between builds (as many as fit in :data:`PROBE_BUDGET_S`).
#: Many: some datasets differ at a few indices only (``codeio`` at index 26 of seed 0).
PROBES = tuple((0, i) for i in range(32)) + tuple((7, i) for i in range(8))
#: Seconds the first pass over :data:`PROBES` may take; the rebuild and the child compare the same entries.
PROBE_BUDGET_S = 1.5
#: Entries compared in the fast checks (the plugin hook at start-up).
FAST_PROBES = 4
#: Seeds :func:`bootcamp.check_task` runs per dataset in the full checks (no hostile answers).
CHECK_SEEDS = 6
#: Seconds one build with the default config may take (``acre`` takes about 5 s).
BUILD_BUDGET_S = 2.0
#: Seconds the cross-process child may take for all datasets together.
CHILD_TIMEOUT_S = 600.0

CANNOT_BUILD = "cannot_build"
NO_ANSWER = "no_reference_answer"
NOT_DETERMINISTIC = "not_deterministic"
NOT_DETERMINISTIC_ACROSS_PROCESSES = "not_deterministic_across_processes"
FAILS_CHECK = "fails_check"
TOO_SLOW = "too_slow"
REASONS = (CANNOT_BUILD, TOO_SLOW, NO_ANSWER, NOT_DETERMINISTIC, NOT_DETERMINISTIC_ACROSS_PROCESSES, FAILS_CHECK)

#: What a full run refused, per reasoning-gym version (``importlib.metadata``): name -> (reason, detail).
#: The fast checks apply it. Timing refusals are machine-dependent: ``knight_swap`` (1.4 s a build
#: unloaded, 4 s on a busy 2-core machine) is left out.
KNOWN_REFUSED: dict[str, dict[str, tuple[str, str]]] = {
    "0.1.25": {
        "acre": ("too_slow", "one build took 5-9 s (budget 2 s)"),
        "boxnet": ("no_reference_answer", "its entries have answer=None (open-ended)"),
        "codeio": ("not_deterministic", "a rebuild with the same seed gave other entries at seed 0 index 26"),
        "composite": ("cannot_build", "AssertionError: Must specify at least one dataset"),
        "game_of_life_halting": ("fails_check", "2/2 answers of other seeds scored 1.0: the verifier is too permissive; wrong answer \"I don't know\" scored 1.0"),
        "graph_color": ("no_reference_answer", "its entries have answer=None (open-ended)"),
        "isomorphic_strings": ("not_deterministic_across_processes", "a child Python with another PYTHONHASHSEED built other entries"),
        "list_functions": ("not_deterministic", "a rebuild with the same seed gave other entries at seed 0 index 0, seed 0 index 31"),
        "polynomial_multiplication": ("not_deterministic_across_processes", "a child Python with another PYTHONHASHSEED built other entries"),
        "propositional_logic": ("no_reference_answer", "its entries have answer=None (open-ended)"),
        "puzzle24": ("fails_check", "6/6 answers of other seeds scored 1.0: the verifier is too permissive"),
        "ransom_note": ("not_deterministic_across_processes", "a child Python with another PYTHONHASHSEED built other entries"),
        "rubiks_cube": ("no_reference_answer", "its entries have answer=None (open-ended)"),
        "rush_hour": ("no_reference_answer", "its entries have answer=None (open-ended)"),
        "word_ladder": ("not_deterministic_across_processes", "a child Python with another PYTHONHASHSEED built other entries"),
    },
}


@dataclass(frozen=True)
class Skipped:
    """A dataset that was not registered, and why (``reason`` is one of :data:`REASONS`)."""

    name: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


class Registration(list):
    """The ids :func:`register_datasets` registered (a list), with what it skipped and why.

    Attributes:
        skipped: dataset name -> :class:`~bootcamp.compat.rg_validation.Skipped`.
        already: ids an earlier call had registered (left as they were, not in the list).
        warnings: problems with the checks themselves (e.g. the cross-process child did not run).
        seconds: how long the call took.
    """

    def __init__(self) -> None:
        super().__init__()
        self.skipped: dict[str, Skipped] = {}
        self.already: list[str] = []
        self.warnings: list[str] = []
        self.seconds = 0.0

    def by_reason(self) -> dict[str, list[str]]:
        """Reason -> the dataset names skipped for it."""
        out: dict[str, list[str]] = {}
        for s in self.skipped.values():
            out.setdefault(s.reason, []).append(s.name)
        return out


def _canon(obj: Any) -> Any:
    """A JSON-able form of an entry part, stable across processes (sets sorted, objects by type name)."""
    if isinstance(obj, dict):
        return {str(k): _canon(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_canon(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((_canon(v) for v in obj), key=repr)
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    item = getattr(obj, "item", None)  # numpy scalars
    if callable(item) and getattr(obj, "shape", None) == ():
        return _canon(item())
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return _canon(tolist())
    return f"<{type(obj).__name__}>"


def entry_digest(entry: dict[str, Any]) -> str:
    """A digest of an entry's question, answer and metadata."""
    data = json.dumps(_canon({"q": entry.get("question"), "a": entry.get("answer"), "m": entry.get("metadata")}),
                      sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def fingerprints(name: str, size: int, count: int = len(PROBES), reverse: bool = False,
                 budget_s: float | None = None) -> list[str]:
    """Digests of the first ``count`` :data:`PROBES` entries of ``name``, each seed built fresh.

    ``reverse`` visits them in the other order; with ``budget_s`` it stops (keeping the order
    of :data:`PROBES`) once that many seconds have passed, so the result may be shorter.
    """
    import reasoning_gym

    probes = list(PROBES[:count])
    if reverse:
        probes.reverse()
    deadline = None if budget_s is None else time.perf_counter() + budget_s
    built: dict[int, Any] = {}
    out = []
    for seed, index in probes:
        if seed not in built:
            built[seed] = reasoning_gym.create_dataset(name, size=size, seed=seed)
        out.append(entry_digest(built[seed][index]))
        if deadline is not None and time.perf_counter() > deadline:
            break
    return out[::-1] if reverse else out


def check_builds(name: str, size: int, timed: bool = True,
                 probes: int | None = None) -> tuple[Skipped | None, list[str] | None]:
    """The in-process checks of one dataset: builds (in time, if ``timed``), has answers, same entries on a rebuild.

    ``probes``: how many :data:`PROBES` entries to compare (default: as many as fit in
    :data:`PROBE_BUDGET_S`). Returns the refusal or None, and the digests compared.
    """
    import reasoning_gym

    started = time.perf_counter()
    try:
        first = reasoning_gym.create_dataset(name, size=size, seed=0)[0]
    except Exception as exc:  # noqa: BLE001 - any failure to build is a reason to skip
        return Skipped(name, CANNOT_BUILD, f"{type(exc).__name__}: {exc}"[:200]), None
    took = time.perf_counter() - started
    if timed and took > BUILD_BUDGET_S:
        return Skipped(name, TOO_SLOW, f"one build took {took:.1f} s (budget {BUILD_BUDGET_S:g} s)"), None
    if first.get("answer") is None:
        return Skipped(name, NO_ANSWER, "its entries have answer=None (open-ended)"), None
    try:
        if probes is None:
            a = fingerprints(name, size, budget_s=PROBE_BUDGET_S)
        else:
            a = fingerprints(name, size, count=probes)
        b = fingerprints(name, size, count=len(a), reverse=True)
    except Exception as exc:  # noqa: BLE001
        return Skipped(name, CANNOT_BUILD, f"{type(exc).__name__}: {exc}"[:200]), None
    if a != b:
        differ = [f"seed {s} index {i}" for (s, i), x, y in zip(PROBES, a, b, strict=False) if x != y]
        return Skipped(name, NOT_DETERMINISTIC, "a rebuild with the same seed gave other entries at "
                       + ", ".join(differ)), None
    return None, a


def child_fingerprints(names: dict[str, int], size: int) -> tuple[dict[str, list[str] | str], str | None]:
    """Fingerprints of ``names`` (name -> how many probes) built in one child with another ``PYTHONHASHSEED``.

    Returns (name -> fingerprints or an error string, a problem with the child itself or None).
    """
    if not names:
        return {}, None
    mine = os.environ.get("PYTHONHASHSEED", "")
    other = str((int(mine) + 1) % 4294967296) if mine.isdigit() else "12345"
    env = {**os.environ, "PYTHONHASHSEED": other, "OMP_NUM_THREADS": "1"}
    try:
        proc = subprocess.run([sys.executable, "-m", "bootcamp.compat.rg_validation"],
                              input=json.dumps({"names": names, "size": size}), capture_output=True, text=True,
                              env=env, timeout=CHILD_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {}, f"the cross-process check did not run: {type(exc).__name__}: {exc}"[:300]
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            result = json.loads(line)
        except ValueError:
            continue
        if isinstance(result, dict):
            return result, None
    tail = (proc.stderr.strip().splitlines() or [f"status {proc.returncode}"])[-1]
    return {}, f"the cross-process check failed (status {proc.returncode}): {tail[:200]}"


def _child_main() -> None:
    request = json.loads(sys.stdin.read())
    result_fd = os.dup(1)
    os.dup2(2, 1)  # what datasets print (some do) goes to stderr; the result alone to the real stdout
    sys.stdout = sys.stderr
    out: dict[str, list[str] | str] = {}
    for name, count in request["names"].items():
        try:
            out[name] = fingerprints(name, request["size"], count=count)
        except Exception as exc:  # noqa: BLE001
            out[name] = f"{type(exc).__name__}: {exc}"[:200]
    data = ("\n" + json.dumps(out) + "\n").encode()
    while data:
        data = data[os.write(result_fd, data):]


def no_cross_process(check_task: Any) -> dict[str, Any]:
    """Keyword arguments turning off ``check_task``'s own per-task fresh process, where it has one.

    The cross-process comparison here runs once for all datasets (:func:`child_fingerprints`);
    a fresh interpreter per dataset would import reasoning-gym again each time.
    """
    import inspect

    try:
        return {"cross_process": False} if "cross_process" in inspect.signature(check_task).parameters else {}
    except (TypeError, ValueError):
        return {}


def check_conformance(task: Any) -> Skipped | None:
    """:func:`bootcamp.check_task` on ``task`` (no hostile answers: they run in ``bootcamp tasks check``)."""
    from bootcamp.checker import check_task

    name = task.params["dataset"]
    try:
        report = check_task(task, seeds=CHECK_SEEDS, hostile=False, quality_seeds=0,
                            **no_cross_process(check_task))
    except Exception as exc:  # noqa: BLE001 - the checker itself failing on a dataset is a refusal
        return Skipped(name, FAILS_CHECK, f"the checker raised {type(exc).__name__}: {exc}"[:300])
    if report.passed:
        return None
    return Skipped(name, FAILS_CHECK, "; ".join(report.failures[:2])[:300])


if __name__ == "__main__":
    _child_main()
