"""Run untrusted Python against hidden tests in a sandbox (bubblewrap; see ``sandbox.py``).

One call of :func:`run_python` costs one fresh ``python -I -S`` process under
``bwrap`` (about 65 ms on a loaded 2-core machine). Cheap checks come first and need no process: a length
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

Verdict integrity: failures that are not the candidate's doing (the sandbox
did not start, a signal from outside, the runner could not lock itself down)
give reason ``verifier_error`` (never cached, never ``wrong``); a candidate's
own exception or crash is ``error`` (scored ``wrong``).

Timing: the runner reports when the candidate's code starts; ``timeout_s``
counts from then (start-up gets ``START_TIMEOUT_S`` of its own), plus
``DEADLINE_GRACE_S`` for pipes and scheduling.

Expected outputs never enter the child: it streams each call's (JSON-plain)
result back and this process compares, so a candidate cannot read the answers
out of its own process memory.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bootcamp.extract import MAX_SCAN_CHARS, extract_answer, strip_thinking
from bootcamp.types import Score, invalid
from bootcamp.verifiers import sandbox

#: Answers longer than this are rejected before any process starts.
MAX_SOURCE_CHARS = 20_000
#: Bytes the candidate may write to files inside its temporary directory.
MAX_FILE_BYTES = 1 << 20
#: Reasons an :class:`ExecResult` may carry.
EXEC_REASONS = ("ok", "wrong", "timeout", "error", "invalid_answer", "memory", "verifier_error")
#: Seconds the child may take to start (interpreter, imports) before the candidate's clock starts.
START_TIMEOUT_S = 10.0
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


def run_child(cmd: list[str], payload: bytes, timeout_s: float, start_s: float, cap: int, *, cwd: str,
              env: dict[str, str]) -> tuple[subprocess.Popen, bytes, bytes, str, bool]:
    """Start ``cmd`` in a session of its own, feed it ``payload`` (see :func:`_communicate`), then kill
    the whole sandbox and reap it; returns ``(proc, stdout, stderr, stop, ready)``.

    Raises:
        OSError: the child could not be started.
    """
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=cwd, env=env, start_new_session=True, close_fds=True)
    try:
        out, err, stop, ready = _communicate(proc, payload, timeout_s, start_s, cap)
    finally:
        sandbox.kill(proc)
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe and not pipe.closed:
                pipe.close()
    return proc, out, err, stop, ready


def _communicate(
    proc: subprocess.Popen, data: bytes, timeout_s: float, start_s: float, cap: int
) -> tuple[bytes, bytes, str, bool]:
    """Feed stdin and read both pipes until EOF, the deadline, or a pipe over ``cap``.

    The child's first stdout line says it is ready to run the candidate; the
    ``timeout_s`` clock starts then, so a slow interpreter start on a loaded
    machine (allowed up to ``start_s``) does not fail a correct answer.
    """
    deadline = time.monotonic() + start_s
    ready = False
    out, err = bytearray(), bytearray()
    sel = selectors.DefaultSelector()
    assert proc.stdin and proc.stdout and proc.stderr
    os.set_blocking(proc.stdin.fileno(), False)
    sel.register(proc.stdin, selectors.EVENT_WRITE)
    sel.register(proc.stdout, selectors.EVENT_READ, out)
    sel.register(proc.stderr, selectors.EVENT_READ, err)
    view, sent, stop = memoryview(data), 0, ""
    try:
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                stop = "timeout" if ready else "start"
                break
            for key, _ in sel.select(left):
                if key.fileobj is proc.stdin:
                    try:
                        sent += os.write(key.fd, view[sent : sent + 65536])
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        sent = len(data)  # the child stopped reading: nothing more to send
                    if sent >= len(data):
                        sel.unregister(proc.stdin)
                        proc.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                key.data.extend(chunk)
                if not ready and key.data is out and b"\n" in out:
                    ready = True
                    deadline = time.monotonic() + timeout_s + DEADLINE_GRACE_S
                if len(key.data) > cap:
                    stop = "output"
                    break
            if stop:
                break
    finally:
        sel.close()
    return bytes(out), bytes(err), stop, ready


def _env(workdir: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


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
            interpreter's own start is not counted (it gets ``START_TIMEOUT_S``).
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
        if boxed:
            runner = f"{sandbox.RUNNER_DIR}/{os.path.basename(_RUNNER)}"
            cmd = sandbox.argv([sandbox.interpreter(), "-I", "-S", "-B", runner], runner=_RUNNER)
            env, cwd = sandbox.host_env(), "/"
        else:
            cmd, env, cwd = [sys.executable, "-I", "-S", "-B", _RUNNER], _env(workdir), workdir
        try:
            proc, out, err, stop, ready = run_child(cmd, payload, timeout_s, START_TIMEOUT_S, max_output_bytes,
                                                    cwd=cwd, env=env)
        except OSError as exc:
            return ExecResult(0, total, "verifier_error", f"cannot start the sandbox: {exc}")
        result = _score(out, tests)
        result.stderr = err[-4096:].decode("utf-8", "replace")
        sig = sandbox.exit_signal(proc.returncode, boxed)
        if stop == "timeout":
            result.reason, result.detail = "timeout", f"over {timeout_s:g} s"
        elif stop == "start":
            result.reason, result.detail = "timeout", f"the sandbox did not start within {START_TIMEOUT_S:g} s"
        elif not ready:
            tail = result.stderr.strip().splitlines()[-1:] or [f"status {proc.returncode}"]
            result.reason, result.detail = "verifier_error", f"the sandbox failed to start: {tail[0][:200]}"
        elif stop == "output":
            result.reason, result.detail = "error", f"output over {max_output_bytes} bytes"
        elif result.reason == "verifier_error":
            pass  # the runner could not lock itself down
        elif result.reason == "error" and not result.detail and sig in (signal.SIGKILL, signal.SIGXCPU):
            result.reason, result.detail = "timeout", "CPU time limit"
        elif result.reason == "error" and not result.detail and sig is not None and sig not in sandbox.SELF_SIGNALS:
            result.reason = "verifier_error"
            result.detail = f"the sandbox was killed by signal {sig} from outside"
        elif result.reason == "error" and not result.detail and sig is not None:
            result.detail = f"crashed with signal {sig}"
        elif result.reason == "error" and not result.detail:
            result.detail = f"exited with status {proc.returncode} before finishing"
        result.seconds = time.monotonic() - start
        return result
    finally:
        if not boxed:
            shutil.rmtree(workdir, ignore_errors=True)


def _score(out: bytes, tests: list[dict]) -> ExecResult:
    """Compare the child's result lines with the expected outputs."""
    total = len(tests)
    seen: dict[int, dict] = {}
    done = ready = False
    for line in out.splitlines():
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if not isinstance(rec, dict):
            continue
        if "ready" in rec:
            ready = True
        if "fatal" in rec:
            kind = rec.get("fatal")
            # Only the runner, before the candidate starts, may report a sandbox failure.
            reason = "memory" if kind == "memory" else "verifier_error" if kind == "sandbox" and not ready else "error"
            return ExecResult(0, total, reason, str(rec.get("detail", ""))[:300])
        i = rec.get("i")
        if isinstance(i, int) and 0 <= i < total and i not in seen:
            seen[i] = rec  # the first record for a test counts; later ones are ignored
        if rec.get("done") == total:
            done = True
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
    if passed == total:
        return ExecResult(passed, total, "ok")
    if memory:
        return ExecResult(passed, total, "memory", "MemoryError")
    if errors:
        return ExecResult(passed, total, "error", errors[0][:300])
    if not done or len(seen) < total:
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
    if len(response) > MAX_SCAN_CHARS:
        response = response[-MAX_SCAN_CHARS:]
    text = strip_thinking(response)
    if text is None:
        return None
    code = None
    for m in _FENCE.finditer(text):
        if m.group(1).lower() in _PY_TAGS and m.group(2).strip():
            code = m.group(2)
    if code is not None:
        return code.strip("\n")
    return extract_answer(response)
