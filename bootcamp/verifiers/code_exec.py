"""Run untrusted Python against hidden tests in a sandbox (bubblewrap; see ``sandbox.py``).

One call of :func:`run_python` uses one fresh ``python -I -S`` process under
``bwrap``, started ahead by the warm pool (``warm.py``) and destroyed after this one candidate. Cheap checks come first and need no process: a length
cap, ``ast.parse`` and the required function defined at top level, so garbage
answers are rejected in microseconds.

Isolation is the kernel's: the child (``_code_runner.py``) runs under
``bwrap`` with its own pid, network, mount, IPC and UTS namespaces, no network,
a read-only view of only the interpreter and ``/usr``, a private tmpfs working
directory, an empty environment, as uid ``nobody`` with no capabilities, and
rlimits (address space, CPU, file size, no new processes, no core files). At
the deadline the whole sandbox is killed (its pid-1 process takes the
namespace with it) and reaped. The runner's audit hook (no sockets, processes,
signals, writes outside the work dir) is a second layer only: it can be
switched off from inside and nothing relies on it.

Fail closed: when bwrap does not work here, the verdict is ``verifier_error``
and no code runs, unless ``BOOTCAMP_UNSAFE_SANDBOX=1`` (then the old plain
subprocess path runs: new session, drop to nobody when root, rlimits, hook).

Verdict integrity: the candidate shares the runner's result channel, so this
process trusts only the shape it expects (ready, one record per test in order,
done) and computes the verdict itself from the values; a record out of place
makes the run an ``error``. Failure reasons come from what this process saw:
its own deadline (``timeout``), the output cap, the cgroup's OOM count
(``memory``), the CPU time the sandbox used; never from the exit status. Only a
failure before the candidate started (the sandbox did not start, the runner
could not lock itself down) is ``verifier_error`` (never cached, never
``wrong``); anything after is the candidate's (``error``, scored ``wrong``).

Timing: the runner reports when the candidate's code starts; ``timeout_s``
counts from then, plus ``DEADLINE_GRACE_S`` for pipes and scheduling.

Expected outputs never enter the child: it streams each call's (JSON-plain)
result back and this process compares, so a candidate cannot read the answers
out of its own process memory.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bootcamp.extract import answer_text, extract_answer
from bootcamp.types import Score, invalid
from bootcamp.verifiers import sandbox, warm

#: Answers longer than this are rejected before any process starts.
MAX_SOURCE_CHARS = 20_000
#: Bytes the candidate may write to files inside its temporary directory.
MAX_FILE_BYTES = 1 << 20
#: Reasons an :class:`ExecResult` may carry.
EXEC_REASONS = ("ok", "wrong", "timeout", "error", "invalid_answer", "memory", "verifier_error")
#: Seconds the child may take to start (interpreter, imports) before the candidate's clock starts.
START_TIMEOUT_S = 10.0
#: Memory cap of one code sandbox as a whole (process, tmpfs), where a cgroup can be made.
SANDBOX_MEMORY_BYTES = 1 << 30
#: Slack on top of ``timeout_s`` for the result pipe and scheduling on a loaded machine.
DEADLINE_GRACE_S = 0.25
#: Absolute and relative tolerance for float results.
FLOAT_TOL = 1e-6

_RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_code_runner.py")
_NOBODY = 65534


@dataclass
class ExecResult:
    """The outcome of running a candidate against its tests."""

    passed: int
    total: int
    reason: str  # one of EXEC_REASONS
    detail: str = ""
    stderr: str = ""  # the candidate's (capped) stdout and stderr, merged
    seconds: float = 0.0

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total


def _parse(source: object, function: str) -> tuple[ast.Module | None, str | None]:
    if not isinstance(source, str) or not source.strip():
        return None, "empty answer"
    if len(source) > MAX_SOURCE_CHARS:
        return None, f"answer over {MAX_SOURCE_CHARS} characters"
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return None, f"does not parse as Python: {type(exc).__name__}"
    if not any(isinstance(node, ast.FunctionDef) and node.name == function for node in tree.body):
        return None, f"no top-level function `{function}`"
    return tree, None


def precheck(source: object, function: str) -> str | None:
    """Why ``source`` cannot be a solution defining ``function`` (None when it may be); no process."""
    return _parse(source, function)[1]


def imported_modules(tree: ast.AST) -> list[str]:
    """Top-level names of the absolute imports anywhere in ``tree`` (sorted), plus lazy dependencies."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    if names & {"datetime", "time"}:
        names.add("_strptime")  # strptime imports it lazily, after the child may have dropped root
    return sorted(names)


def same_value(got: Any, expected: Any, tol: float = FLOAT_TOL) -> bool:
    """Deep equality of JSON values; floats within ``tol`` (absolute or relative); bools stay bools."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, float):
        return (isinstance(got, (int, float)) and math.isfinite(got) and math.isfinite(expected)
                and math.isclose(got, expected, rel_tol=tol, abs_tol=tol))
    if isinstance(expected, int):
        return (type(got) is int and got == expected) or (type(got) is float and got == expected)
    if isinstance(expected, list):
        return (isinstance(got, list) and len(got) == len(expected)
                and all(same_value(g, e, tol) for g, e in zip(got, expected, strict=True)))
    if isinstance(expected, dict):
        return (isinstance(got, dict) and got.keys() == expected.keys()
                and all(same_value(got[k], expected[k], tol) for k in expected))
    return type(got) is type(expected) and got == expected


def _env(workdir: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def _kind(boxed: bool) -> warm.Kind:
    return _kinds(boxed, sandbox.interpreter() if boxed else sys.executable)


@functools.lru_cache(maxsize=4)
def _kinds(boxed: bool, python: str) -> warm.Kind:
    if boxed:
        runner = f"{sandbox.RUNNER_DIR}/{os.path.basename(_RUNNER)}"
        cmd = sandbox.argv([python, "-I", "-S", "-B", runner], runner=[_RUNNER, warm.SERVE])
        return warm.Kind("code", tuple(cmd), template=False, start_timeout_s=START_TIMEOUT_S,
                         memory_bytes=SANDBOX_MEMORY_BYTES, cwd="/", env=tuple(sandbox.host_env().items()))
    return warm.Kind("code-unsafe", (python, "-I", "-S", "-B", _RUNNER), template=False,
                     start_timeout_s=START_TIMEOUT_S, cwd="/", env=tuple(_env("/tmp").items()))


def prewarm_kind() -> warm.Kind:
    """The warm kind of the code runner (see :func:`bootcamp.verifiers.warm.prewarm`)."""
    return _kind(sandbox.mode() == "bwrap")


def run_python(
    source: str,
    tests: list[dict],
    function: str,
    timeout_s: float = 2.0,
    memory_mb: int = 256,
    max_output_bytes: int = 65536,
) -> ExecResult:
    """Run ``function`` from ``source`` on each test's ``args`` and compare with its ``expected``.

    Args:
        source: the candidate module's Python source.
        tests: ``[{"args": [...], "expected": ...}, ...]``, plain JSON.
        function: the top-level function to call as ``function(*args)``.
        timeout_s: wall-clock limit for the candidate: importing it and running every test. The
            sandbox's own start is not counted (it is started ahead, see ``warm.py``).
        memory_mb: address-space limit of the child.
        max_output_bytes: cap on what the candidate may print (and on the result stream).

    Returns:
        An :class:`ExecResult`; reason ``invalid_answer`` means no process was started.
    """
    start = time.monotonic()
    total = len(tests)
    tree, why = _parse(source, function)
    if tree is None:
        return ExecResult(0, total, "invalid_answer", why)
    if not total:
        return ExecResult(0, 0, "error", "no tests")
    how = sandbox.mode()
    if how is None:
        return ExecResult(0, total, "verifier_error", sandbox.unavailable_detail())
    boxed = how == "bwrap"
    workdir = sandbox.WORKDIR if boxed else tempfile.mkdtemp(prefix="bootcamp-code-")
    try:
        if not boxed and os.getuid() == 0:
            os.chown(workdir, _NOBODY, _NOBODY)  # the child runs as nobody and writes only here
        payload = json.dumps({
            "source": source,
            "function": function,
            "tests": [json.dumps(t["args"]) for t in tests],
            "workdir": workdir,
            "preload": imported_modules(tree)[:64],
            "timeout_s": timeout_s,
            "memory_mb": memory_mb,
            "max_file_bytes": MAX_FILE_BYTES,
            "sandboxed": boxed,
        }).encode()
        records: list[dict] = []
        ready = [False]

        def on_record(rec: dict, now: float) -> float | None:
            records.append(rec)
            if not ready[0] and rec == {"ready": 1}:
                ready[0] = True
                return now + timeout_s + DEADLINE_GRACE_S
            return None

        try:
            box, stop = warm.run(_kind(boxed), payload, on_record, START_TIMEOUT_S, max_output_bytes)
        except warm.StartFailed as exc:
            return ExecResult(0, total, "verifier_error", str(exc))
        result = _outcome(records, ready[0], stop, box, tests, timeout_s, max_output_bytes)
        result.stderr = box.stderr[-4096:]
        result.seconds = time.monotonic() - start
        return result
    finally:
        if not boxed:
            shutil.rmtree(workdir, ignore_errors=True)


def _outcome(records: list[dict], ready: bool, stop: str, box: warm.Warm, tests: list[dict], timeout_s: float,
             cap: int) -> ExecResult:
    """The result, with every failure reason taken from what this process observed, not from the child."""
    total = len(tests)
    if not ready:
        fatal = next((r for r in records if "fatal" in r), None)
        if fatal is not None and fatal.get("fatal") == "sandbox":
            return ExecResult(0, total, "verifier_error", str(fatal.get("detail", ""))[:300])
        if stop == "timeout":
            return ExecResult(0, total, "verifier_error", f"the sandbox did not take the candidate within "
                                                          f"{START_TIMEOUT_S:g} s")
        return ExecResult(0, total, "verifier_error", "the sandbox failed before running the candidate: "
                                                      + warm.cause(box.stderr, box.returncode))
    if stop == "timeout":
        return ExecResult(0, total, "timeout", f"over {timeout_s:g} s")
    if stop == "output":
        return ExecResult(0, total, "error", f"output over {cap} bytes")
    result = _score(records, tests)
    if result.reason in ("ok", "wrong") or result.detail:
        return result
    if box.oom_killed():
        return ExecResult(result.passed, total, "memory", "the sandbox's memory limit")
    if box.cpu_s >= _cpu_limit(timeout_s) - 0.05:
        return ExecResult(result.passed, total, "timeout", "CPU time limit")
    result.detail = f"the candidate's process ended before finishing (status {box.returncode})"
    return result


def _cpu_limit(timeout_s: float) -> int:
    return int(timeout_s) + 2  # as _code_runner sets RLIMIT_CPU


def _score(records: list[dict], tests: list[dict]) -> ExecResult:
    """Compare the child's result records with the expected outputs; any record out of place is an error.

    The runner writes ``ready``, then exactly one record per test in order, then ``done``. A candidate
    can write to the same channel, so a second record for a test, an unknown or malformed record, or a
    record after ``done`` makes the whole run an ``error``: never first-record-wins.
    """
    total = len(tests)
    seen: dict[int, dict] = {}
    done = False
    for rec in records[1:]:
        if done:
            return ExecResult(0, total, "error", "output after the last result")
        if "fatal" in rec and set(rec) <= {"fatal", "detail"}:
            kind = rec.get("fatal")
            return ExecResult(0, total, "memory" if kind == "memory" else "error", str(rec.get("detail", ""))[:300])
        i = rec.get("i")
        if set(rec) == {"done"}:
            done = rec["done"] == total and len(seen) == total
            if not done:
                return ExecResult(0, total, "error", "result records out of order")
            continue
        if not (isinstance(i, int) and not isinstance(i, bool) and i == len(seen) and i < total
                and len(rec) == 2 and set(rec) & {"v", "m", "e"}):
            return ExecResult(0, total, "error", "a result record out of place (two results for one test, "
                                                 "or one the runner did not write)")
        seen[i] = rec
    passed, errors, memory = 0, [], False
    for i, t in enumerate(tests):
        rec = seen.get(i)
        if rec is None:
            continue
        if "v" in rec and same_value(rec["v"], t["expected"]):
            passed += 1
        elif "m" in rec:
            memory = True
        elif "e" in rec:
            errors.append(str(rec["e"]))
    if passed == total and done:
        return ExecResult(passed, total, "ok")
    if memory:
        return ExecResult(passed, total, "memory", "MemoryError")
    if errors:
        return ExecResult(passed, total, "error", errors[0][:300])
    if not done:
        return ExecResult(passed, total, "error")
    return ExecResult(passed, total, "wrong", f"{passed}/{total} tests passed")


def check_code(
    source: str,
    tests: list[dict],
    function: str,
    timeout_s: float = 2.0,
    memory_mb: int = 256,
    partial: bool = False,
) -> float:
    """Score a candidate: 1.0 only when every hidden test passes (``partial=True``: passed/total).

    All-or-nothing is the default because partial credit rewards constant
    answers (``return True`` passes half of a yes/no test set). Invalid source
    gets ``bootcamp.invalid(...)`` without starting a process; a run past the
    limit gets ``Score(0.0, "timeout")``.
    """
    res = run_python(source, tests, function, timeout_s=timeout_s, memory_mb=memory_mb)
    if res.reason == "invalid_answer":
        return invalid(res.detail)
    if res.reason == "ok":
        return 1.0
    value = res.passed / res.total if partial and res.total else 0.0
    if res.reason == "timeout":
        return Score(value, "timeout", res.detail)
    if res.reason == "verifier_error":
        return Score(0.0, "verifier_error", res.detail)
    detail = res.reason if not res.detail else f"{res.reason}: {res.detail}"
    return Score(value, "wrong", detail)


_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+.\-]*)[ \t]*\r?\n(.*?)```", re.S)
_PY_TAGS = ("", "python", "py", "python3")


def extract_code(response: object) -> str | None:
    """The last ```python (or untagged) fenced block after any ``</think>``; else the boxed/tagged answer."""
    if not isinstance(response, str) or not response:
        return None
    text = answer_text(response)  # an unclosed <think> of any length is no answer
    if text is None:
        return None
    code = None
    for m in _FENCE.finditer(text):
        if m.group(1).lower() in _PY_TAGS and m.group(2).strip():
            code = m.group(2)
    if code is not None:
        return code.strip("\n")
    return extract_answer(response)
