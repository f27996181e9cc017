"""Register reasoning-gym datasets as bootcamp tasks (optional dependency: ``pip install reasoning-gym``).

A problem's identity is ``{"dataset", "seed", "index", "size"}``: the verifier
rebuilds the same entry from it (reasoning-gym datasets are procedural and
deterministic per seed and index), so identities stay small and plain JSON
whatever metadata a dataset keeps. Open-ended datasets (no reference answer)
are skipped.

Some datasets' ``score_answer`` evaluates the model's text (``eval``,
``sympy.parse_expr``): :data:`EVALUATING_DATASETS`. Those are scored in the
code sandbox (``bootcamp.verifiers.sandbox``): a child Python under bubblewrap
imports reasoning-gym, rebuilds the entry and calls ``score_answer``, with
rlimits and a hard deadline (``SCORE_TIMEOUT_S`` after its imports); a hung or
killed scorer gives ``timeout``, a sandbox failure ``verifier_error``. When
isolation is unavailable those datasets give ``verifier_error`` unless
``BOOTCAMP_UNSAFE_SANDBOX=1``. Every other dataset is scored in-process: the
list comes from reading reasoning-gym 0.1.25's scorers (``grep`` for ``eval``,
``exec``, ``parse_expr``, ``sympify`` on the answer); re-check it when
upgrading reasoning-gym, or add a dataset here to sandbox it.
"""

from __future__ import annotations

import functools
import json
import os
import random
import subprocess
from typing import Any

from bootcamp.registry import REGISTRY, Registry
from bootcamp.task import Task
from bootcamp.types import Score, invalid

#: reasoning-gym package (first level under ``reasoning_gym.``) -> our domain.
DOMAIN_OF_PACKAGE = {
    "arithmetic": "math", "algebra": "math", "geometry": "math", "probability": "math",
    "code": "code", "graphs": "logic", "games": "logic", "logic": "logic", "cognition": "logic",
    "algorithmic": "logic", "arc": "logic", "induction": "logic", "composite": "logic",
}
#: Entries drawn from per dataset seed; a problem seed picks a dataset seed and an index.
DATASET_SIZE = 10_000
MAX_ANSWER_CHARS = 20_000
#: Datasets whose ``score_answer`` evaluates model text: scored in the sandbox, never in-process.
EVALUATING_DATASETS = frozenset({
    "countdown", "puzzle24", "n_queens", "binary_matrix", "spiral_matrix", "string_insertion",
    "simple_integration", "intermediate_integration", "polynomial_multiplication",
})
#: Seconds a sandboxed scorer may take after its imports; start-up (importing reasoning-gym) gets its own.
SCORE_TIMEOUT_S = 3.0
SCORE_START_S = 20.0
SCORE_MEMORY_MB = 2048
_SCORER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "verifiers", "_rg_scorer.py")


@functools.lru_cache(maxsize=256)
def _dataset(name: str, seed: int, size: int) -> Any:
    import reasoning_gym

    return reasoning_gym.create_dataset(name, size=size, seed=seed)


@functools.lru_cache(maxsize=4096)
def _entry(name: str, seed: int, size: int, index: int) -> dict[str, Any]:
    return _dataset(name, seed, size)[index]


class ReasoningGymTask(Task):
    """One reasoning-gym dataset as a task."""

    default_params = {"dataset": "", "size": DATASET_SIZE}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        size = self.params["size"]
        return {"dataset": self.params["dataset"], "seed": rng.randrange(1000), "index": rng.randrange(size),
                "size": size}

    def _entry(self, identity: dict[str, Any]) -> dict[str, Any]:
        return _entry(identity["dataset"], identity["seed"], identity["size"], identity["index"])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (self._entry(identity)["question"]
                + "\n\nPut your final answer inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if not isinstance(answer, str) or len(answer) > MAX_ANSWER_CHARS:
            return invalid("answer too long")
        if identity["dataset"] in EVALUATING_DATASETS:
            return score_sandboxed(identity, answer)
        entry = self._entry(identity)
        try:
            score = _dataset(identity["dataset"], identity["seed"], identity["size"]).score_answer(answer, entry)
        except Exception as exc:  # noqa: BLE001 - their scorer failing on model output is a zero
            return Score(0.0, "invalid_answer", f"{type(exc).__name__}: {exc}"[:200])
        return float(score or 0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return str(self._entry(identity)["answer"])

    def format_answer(self, answer: str) -> str:
        return f"<answer>{answer}</answer>"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return []


def _score_in_process(identity: dict[str, Any], answer: str) -> float:
    entry = _entry(identity["dataset"], identity["seed"], identity["size"], identity["index"])
    try:
        score = _dataset(identity["dataset"], identity["seed"], identity["size"]).score_answer(answer, entry)
    except Exception as exc:  # noqa: BLE001
        return Score(0.0, "invalid_answer", f"{type(exc).__name__}: {exc}"[:200])
    return float(score or 0.0)


def score_sandboxed(identity: dict[str, Any], answer: str, timeout_s: float = SCORE_TIMEOUT_S) -> float:
    """``score_answer`` of ``identity``'s dataset on ``answer``, in a killable bubblewrap sandbox."""
    from bootcamp.verifiers import sandbox
    from bootcamp.verifiers.code_exec import _communicate

    how = sandbox.mode()
    if how is None:
        return Score(0.0, "verifier_error", sandbox.unavailable_detail())
    if how == "unsafe":
        return _score_in_process(identity, answer)
    try:  # the entry as this process built it (some datasets' generation varies with the hash seed)
        entry = json.loads(json.dumps(_entry(identity["dataset"], identity["seed"], identity["size"],
                                             identity["index"])))
    except (TypeError, ValueError):
        entry = None
    payload = json.dumps({
        "entry": entry, "dataset": identity["dataset"], "seed": identity["seed"], "size": identity["size"],
        "index": identity["index"], "answer": answer, "memory_mb": SCORE_MEMORY_MB,
        "cpu_s": int(SCORE_START_S + timeout_s) + 1, "site": sandbox.SITE_ROOT,
    }).encode()
    runner = f"{sandbox.RUNNER_DIR}/{os.path.basename(_SCORER)}"
    cmd = sandbox.argv([sandbox.interpreter(), "-I", "-S", "-B", runner], runner=_SCORER, site=True)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd="/", env=sandbox.host_env(), start_new_session=True, close_fds=True)
    except OSError as exc:
        return Score(0.0, "verifier_error", f"cannot start the sandbox: {exc}")
    try:
        out, err, stop, ready = _communicate(proc, payload, timeout_s, SCORE_START_S, 1 << 16)
    finally:
        sandbox.kill(proc)
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe and not pipe.closed:
                pipe.close()
    if stop == "timeout":
        return Score(0.0, "timeout", f"the scorer ran over {timeout_s:g} s")
    if stop == "start":
        return Score(0.0, "timeout", f"the scorer did not start within {SCORE_START_S:g} s")
    records = []
    for line in out.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict):
            records.append(rec)
    started = False
    for rec in records:
        started = started or "ready" in rec
        if "fatal" in rec and not started:
            return Score(0.0, "verifier_error", str(rec.get("detail", ""))[:300])
        if "score" in rec and isinstance(rec["score"], (int, float)):
            value = float(rec["score"])
            return max(0.0, min(1.0, value)) if value == value else 0.0
        if "error" in rec:
            return Score(0.0, "invalid_answer", str(rec["error"])[:200])
    if not started:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"status {proc.returncode}"]
        return Score(0.0, "verifier_error", f"the scorer sandbox failed to start: {tail[0][:200]}")
    sig = sandbox.exit_signal(proc.returncode, True)
    if sig in (9, 24):  # SIGKILL, SIGXCPU: a resource limit
        return Score(0.0, "timeout", "the scorer hit its CPU or memory limit")
    if stop == "output":
        return Score(0.0, "invalid_answer", "the scorer printed too much")
    return Score(0.0, "verifier_error", f"the scorer ended without a result (status {proc.returncode})")


def available_datasets() -> dict[str, str]:
    """reasoning-gym dataset names with a reference answer -> our domain."""
    from reasoning_gym.factory import DATASETS

    out = {}
    for name, (cls, _cfg) in sorted(DATASETS.items()):
        package = cls.__module__.split(".")[1]
        out[name] = DOMAIN_OF_PACKAGE.get(package, "logic")
    return out


def register_datasets(names: list[str] | None = None, registry: Registry | None = None,
                      prefix: str = "rg_") -> list[str]:
    """Register reasoning-gym datasets (all by default) as ``<domain>/rg_<name>``; returns the ids.

    Datasets whose first entry has no reference answer (open-ended) are skipped.
    """
    reg = registry if registry is not None else REGISTRY
    known = available_datasets()
    unknown = sorted(set(names or []) - set(known))
    if unknown:
        raise ValueError(f"unknown reasoning-gym dataset(s) {unknown}")
    ids = []
    for name in names or list(known):
        if _entry(name, 0, DATASET_SIZE, 0).get("answer") is None:
            continue
        task_id = f"{known[name]}/{prefix}{name}"
        reg.register(ReasoningGymTask, task_id, {"dataset": name}, f"reasoning-gym dataset '{name}'",
                     source="reasoning_gym")
        ids.append(task_id)
    return ids
