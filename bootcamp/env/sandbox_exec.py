"""The default tool executor for model output: each turn's calls run in a bubblewrap sandbox.

:class:`SandboxExecutor` checks every call first (:func:`~bootcamp.env.executor.precheck`: unparsed,
not offered, bad arguments), then runs the turn's remaining calls in one fresh sandboxed process
(``_tool_runner.py`` under :func:`bootcamp.verifiers.sandbox.argv`, site-packages visible so RDKit and
pymatgen import), in call order, one result line each. The runner stops each call with SIGALRM at its
tool's ``timeout_s``; this process keeps its own deadline per call (``timeout_s`` plus a grace) and
kills the whole sandbox at it, so a tool stuck in C code or model code that ignores the alarm costs
that call a ``timeout`` error, and the calls after it run in a new sandbox. A crash, an oversized
output or a sandbox that does not start are error results too: ``run`` never raises for a bad call.

Tools that run model code (``sandbox_only``, e.g. ``python``) never share a process with the others:
they run in a second sandbox that sees neither the episode's identity (the hidden answer may be
there) nor its memory, whose returned memory is ignored, and that can read only ``bootcamp`` and the
tool's own module (not ``tasks/`` with its data files). Inside it an audit hook refuses sockets and
new processes on top of what the kernel already refuses.

Fail closed: when bubblewrap does not work here (:func:`bootcamp.verifiers.sandbox.mode` is None)
every call gets an error result naming the reason, and nothing runs.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from bootcamp.env.executor import precheck
from bootcamp.env.toolcall import ToolCall, ToolResult
from bootcamp.env.tools import TOOLS
from bootcamp.verifiers import sandbox

_RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_tool_runner.py")
#: Where project packages that are not installed in site-packages appear inside the sandbox.
PROJECT_ROOT = "/sandbox/project"
_NOBODY = 65534


@dataclass
class _Run:
    """What one sandboxed process gave back."""

    results: dict[int, ToolResult] = field(default_factory=dict)
    stuck: int | None = None  # the call that was running when the process was stopped or died
    stuck_error: str = ""
    fatal: str = ""  # why no (further) call could run: the sandbox did not start, stopped responding...


class SandboxExecutor:
    """Runs tool calls in a bubblewrap sandbox (see the module docstring).

    Args:
        start_timeout_s: seconds the sandbox may take to start and import the tools (and the libraries
            they preload) before the first call's clock starts.
        max_output_bytes: cap on everything one sandbox writes back; past it the sandbox is killed and
            the running call gets an error.
        memory_mb: address-space limit of the sandboxed process (RDKit and pymatgen need about 1 GB).
        grace_s: slack on top of a tool's ``timeout_s`` before the sandbox is killed.
    """

    def __init__(self, start_timeout_s: float = 20.0, max_output_bytes: int = 1 << 20, memory_mb: int = 2048,
                 grace_s: float = 1.0) -> None:
        if start_timeout_s <= 0 or max_output_bytes <= 0 or memory_mb <= 0 or grace_s < 0:
            raise ValueError("SandboxExecutor: start_timeout_s, max_output_bytes and memory_mb must be positive, "
                             "grace_s non-negative")
        self.start_timeout_s = float(start_timeout_s)
        self.max_output_bytes = int(max_output_bytes)
        self.memory_mb = int(memory_mb)
        self.grace_s = float(grace_s)

    def run(self, calls: list[ToolCall], allowed: tuple[str, ...], context: dict[str, Any]) -> list[ToolResult]:
        """One result per call, in call order; never raises for a bad call."""
        results: list[ToolResult | None] = [precheck(c, allowed) for c in calls]
        pending = [i for i, r in enumerate(results) if r is None]
        if pending:
            how = sandbox.mode()
            if how is None:
                detail = sandbox.unavailable_detail()
                for i in pending:
                    results[i] = ToolResult(calls[i].name, error=f"the tool sandbox is unavailable: {detail}")
            else:
                untrusted = [i for i in pending if TOOLS.get(calls[i].name).sandbox_only]
                trusted = [i for i in pending if i not in untrusted]
                if trusted:
                    self._run_group(calls, trusted, context, False, how == "bwrap", results)
                if untrusted:
                    self._run_group(calls, untrusted, {"identity": {}, "memory": {}}, True, how == "bwrap", results)
        return [r if r is not None else ToolResult(c.name, error="the call did not run")
                for r, c in zip(results, calls, strict=True)]

    # -- one group of calls: as many sandboxes as it takes (a killed call's successors get a new one) --
    def _run_group(self, calls: list[ToolCall], group: list[int], context: dict[str, Any], untrusted: bool,
                   boxed: bool, results: list[ToolResult | None]) -> None:
        todo = list(group)
        while todo:
            run = self._run_once(calls, todo, context, untrusted, boxed)
            for i, r in run.results.items():
                results[i] = r
            done = [results[i] for i in todo if results[i] is not None and results[i].memory is not None]
            if done and not untrusted:  # a fresh sandbox for the rest starts from what the turn left
                context = {**context, "memory": done[-1].memory}
            if run.stuck is not None:
                results[run.stuck] = ToolResult(calls[run.stuck].name, error=run.stuck_error)
            rest = [i for i in todo if results[i] is None]
            if rest and (run.fatal or run.stuck is None):
                why = run.fatal or "the tool sandbox ended before this call ran"
                for i in rest:
                    results[i] = ToolResult(calls[i].name, error=why)
                return
            todo = rest

    def _run_once(self, calls: list[ToolCall], todo: list[int], context: dict[str, Any], untrusted: bool,
                  boxed: bool) -> _Run:
        specs = {i: TOOLS.get(calls[i].name) for i in todo}
        modules = sorted({specs[i].fn.__module__ for i in todo})
        if "__main__" in modules:
            return _Run(fatal="a tool defined in __main__ cannot be loaded in the sandbox")
        timeouts = {i: float(specs[i].timeout_s) for i in todo}
        binds, inside_paths, host_paths = _project_binds(modules, minimal=untrusted)
        workdir = sandbox.WORKDIR if boxed else tempfile.mkdtemp(prefix="bootcamp-tools-")
        try:
            if not boxed and os.getuid() == 0:
                os.chown(workdir, _NOBODY, _NOBODY)
            payload = _dumps({
                "calls": [{"i": i, "name": calls[i].name, "arguments": calls[i].arguments, "timeout_s": timeouts[i]}
                          for i in todo],
                "context": context, "modules": modules, "untrusted": untrusted, "sandboxed": boxed,
                "workdir": workdir, "memory_mb": self.memory_mb,
                "cpu_s": int(self.start_timeout_s + sum(timeouts.values()) + 2),
                "paths": inside_paths if boxed else host_paths,
                "site": sandbox.SITE_ROOT if boxed else sandbox.site_packages(),
            })
            if payload is None:
                return _Run(fatal="the calls or the episode context are not plain JSON")
            if boxed:
                runner = f"{sandbox.RUNNER_DIR}/{os.path.basename(_RUNNER)}"
                command = [sandbox.interpreter(), "-I", "-S", "-B", runner]
                cmd = sandbox.argv(command, runner=_RUNNER, site=True)
                cut = len(cmd) - len(command) - 1  # bwrap's "--" before the command
                cmd[cut:cut] = binds
                env, cwd = sandbox.host_env(), "/"
            else:
                cmd = [sys.executable, "-I", "-S", "-B", _RUNNER]
                env, cwd = {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8"}, workdir
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        cwd=cwd, env=env, start_new_session=True, close_fds=True)
            except OSError as exc:
                return _Run(fatal=f"cannot start the tool sandbox: {exc}")
            try:
                run, stop, ready, err = self._communicate(proc, payload, todo, timeouts, calls, untrusted)
            finally:
                sandbox.kill(proc)
                proc.wait()
                for pipe in (proc.stdin, proc.stdout, proc.stderr):
                    if pipe and not pipe.closed:
                        pipe.close()
            self._explain(run, stop, ready, err, proc.returncode, boxed, timeouts)
            return run
        finally:
            if not boxed:
                shutil.rmtree(workdir, ignore_errors=True)

    def _communicate(self, proc: subprocess.Popen, payload: bytes, todo: list[int], timeouts: dict[int, float],
                     calls: list[ToolCall], untrusted: bool) -> tuple[_Run, str, bool, bytes]:
        """Feed the payload, read result lines as they come, keep the per-phase deadline.

        Returns ``(run, stop, ready, stderr tail)``; ``stop`` is "" (the process ended), "timeout",
        "start" (it did not get ready in time) or "output" (it wrote too much).
        """
        run, ready, stop = _Run(), False, ""
        deadline = time.monotonic() + self.start_timeout_s
        current: int | None = None
        out, err, total = bytearray(), bytearray(), 0
        sel = selectors.DefaultSelector()
        assert proc.stdin and proc.stdout and proc.stderr
        os.set_blocking(proc.stdin.fileno(), False)
        sel.register(proc.stdin, selectors.EVENT_WRITE)
        sel.register(proc.stdout, selectors.EVENT_READ, "out")
        sel.register(proc.stderr, selectors.EVENT_READ, "err")
        view, sent = memoryview(payload), 0
        try:
            while sel.get_map() and not stop:
                left = deadline - time.monotonic()
                if left <= 0:
                    stop = "timeout" if ready else "start"
                    break
                for key, _ in sel.select(left):
                    if key.fileobj is proc.stdin:
                        try:
                            sent += os.write(key.fd, view[sent:sent + 65536])
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:
                            sent = len(payload)
                        if sent >= len(payload):
                            sel.unregister(proc.stdin)
                            proc.stdin.close()
                        continue
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        sel.unregister(key.fileobj)
                        continue
                    if key.data == "err":
                        err = (err + chunk)[-8192:]
                        continue
                    total += len(chunk)
                    if total > self.max_output_bytes:
                        stop = "output"
                        break
                    out.extend(chunk)
                    while b"\n" in out:
                        line, _, rest = out.partition(b"\n")
                        out = bytearray(rest)
                        rec = _record(line)
                        if rec is None:
                            continue
                        now = time.monotonic()
                        if "fatal" in rec and not ready:
                            run.fatal = f"the tool sandbox failed: {str(rec.get('detail', ''))[:300]}"
                        elif "ready" in rec and not ready:
                            ready, deadline = True, now + self.grace_s + 5.0
                        elif ready and isinstance(rec.get("start"), int) and current is None \
                                and rec["start"] in timeouts and rec["start"] not in run.results:
                            current = rec["start"]
                            deadline = now + timeouts[current] + self.grace_s
                        elif ready and current is not None and rec.get("i") == current:
                            run.results[current] = _result(rec.get("result"), calls[current].name, untrusted)
                            current, deadline = None, now + self.grace_s + 5.0
        finally:
            sel.close()
        run.stuck = current
        return run, stop, ready, bytes(err)

    def _explain(self, run: _Run, stop: str, ready: bool, err: bytes, returncode: int | None, boxed: bool,
                 timeouts: dict[int, float]) -> None:
        """Fill in why the process stopped: the running call's error, or a fatal reason."""
        if run.fatal:
            return
        if not ready:
            if stop == "start":
                run.fatal = f"the tool sandbox did not start within {self.start_timeout_s:g} s"
            else:
                tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {returncode}"]
                run.fatal = f"the tool sandbox failed to start: {tail[0][:200]}"
            return
        if run.stuck is None:
            if stop:
                run.fatal = "the tool sandbox stopped responding" if stop == "timeout" else \
                    f"the tool sandbox wrote over {self.max_output_bytes} bytes"
            return
        sig = sandbox.exit_signal(returncode, boxed)
        if stop == "timeout":
            run.stuck_error = f"timeout: the call ran over {timeouts[run.stuck]:g} s and was stopped"
        elif stop == "output":
            run.stuck_error = f"the call's output went over {self.max_output_bytes} bytes"
        elif sig in (signal.SIGKILL, signal.SIGXCPU):
            run.stuck_error = "the call hit the sandbox's CPU-time or memory limit"
        elif sig is not None:
            run.stuck_error = f"the tool's process crashed during the call (signal {signal.Signals(sig).name})"
        else:
            run.stuck_error = f"the tool's process ended during the call (exit status {returncode})"


def _dumps(obj: Any) -> bytes | None:
    try:
        return json.dumps(obj).encode()
    except (TypeError, ValueError, RecursionError):
        return None


def _record(line: bytes) -> dict[str, Any] | None:
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return rec if isinstance(rec, dict) else None


def _result(raw: Any, name: str, untrusted: bool) -> ToolResult:
    """A ToolResult from the runner's record, trusting nothing about its shape."""
    if not isinstance(raw, dict):
        return ToolResult(name, error="the tool sandbox sent a malformed result")
    output = raw.get("output") if isinstance(raw.get("output"), str) else ""
    error = raw.get("error") if isinstance(raw.get("error"), str) else None
    seconds = raw.get("seconds")
    memory = raw.get("memory") if isinstance(raw.get("memory"), dict) and not untrusted else None
    return ToolResult(name, output=output, error=error, memory=memory,
                      seconds=float(seconds) if isinstance(seconds, (int, float)) else 0.0)


def _project_binds(modules: list[str], minimal: bool) -> tuple[list[str], list[str], list[str]]:
    """bwrap arguments that show the tools' modules (and ``bootcamp``) inside the sandbox when they are not
    installed in site-packages, the matching ``sys.path`` entries inside, and the host ones (unsafe mode).

    The registry's own package (``tasks.tools``) is always shown: the runner's tool discovery imports it.
    ``minimal``: bind only each module's own file and its packages' ``__init__`` files (plus ``bootcamp``),
    not whole top-level packages: what a sandbox running model code may read.
    """
    site = sandbox.site_packages()
    binds = ["--perms", "0755", "--dir", PROJECT_ROOT]
    host: set[str] = set()
    bound: set[str] = set()

    def bind(src: str, dest: str) -> None:
        if dest not in bound:
            bound.add(dest)
            binds.extend(["--ro-bind", src, dest])

    for name in ["bootcamp", *([TOOLS.package] if TOOLS.package else []), *modules]:
        top = sys.modules.get(name.split(".")[0])
        if top is None:
            continue
        if hasattr(top, "__path__"):
            src = os.path.realpath(list(top.__path__)[0])
        elif getattr(top, "__file__", None):
            src = os.path.realpath(top.__file__)
        else:
            continue
        host.add(os.path.dirname(src))
        if site and (src + os.sep).startswith(site + os.sep):
            continue  # installed: the sandbox sees it through site-packages
        top_name = name.split(".")[0]
        if not hasattr(top, "__path__"):
            bind(src, f"{PROJECT_ROOT}/{top_name}.py")
        elif not minimal or name == "bootcamp":
            bind(src, f"{PROJECT_ROOT}/{top_name}")
        else:
            parts = name.split(".")
            for k in range(1, len(parts) + 1):
                mod = sys.modules.get(".".join(parts[:k]))
                path = getattr(mod, "__file__", None)
                if path:
                    rel = os.path.relpath(os.path.realpath(path), src)
                    folder = f"{PROJECT_ROOT}/{top_name}"
                    for piece in [""] + os.path.dirname(rel).split(os.sep):
                        folder = f"{folder}/{piece}" if piece else folder
                        if folder not in bound:  # bwrap would create it readable by root only
                            bound.add(folder)
                            binds.extend(["--perms", "0755", "--dir", folder])
                    bind(os.path.realpath(path), f"{PROJECT_ROOT}/{top_name}/{rel}")
    return binds, [PROJECT_ROOT], sorted(host)
