"""The default tool executor for model output: each turn's calls run in a bubblewrap sandbox.

:class:`SandboxExecutor` checks every call first (:func:`~bootcamp.env.executor.precheck`: unparsed,
not offered, bad arguments), then runs the turn's remaining calls in one sandboxed process
(``_tool_runner.py`` under :func:`bootcamp.verifiers.sandbox.argv`, site-packages visible so RDKit and
pymatgen import), in call order, one result line each. Sandboxes are started ahead by the warm pool
(``bootcamp/verifiers/warm.py``): trusted tools run in a fresh fork of a warm template that has RDKit and
pymatgen imported; tools that run model code get a single-use sandbox per turn. The runner stops each call with SIGALRM at its
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

import functools
import json
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

from bootcamp.env.executor import precheck
from bootcamp.env.toolcall import ToolCall, ToolResult
from bootcamp.env.tools import TOOLS
from bootcamp.verifiers import sandbox, warm

_RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_tool_runner.py")
#: Where project packages that are not installed in site-packages appear inside the sandbox.
PROJECT_ROOT = "/sandbox/project"
#: Memory cap of one tool sandbox as a whole (RDKit, pymatgen, the turn's fork), where a cgroup can be made.
SANDBOX_MEMORY_BYTES = 4 << 30
_NOBODY = 65534
_SIGNAL_NAMES = frozenset(int(s) for s in signal.Signals)


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
        workdir = None if boxed else tempfile.mkdtemp(prefix="bootcamp-tools-")
        try:
            if workdir and os.getuid() == 0:
                os.chown(workdir, _NOBODY, _NOBODY)
            payload = _dumps({
                "calls": [{"i": i, "name": calls[i].name, "arguments": calls[i].arguments, "timeout_s": timeouts[i]}
                          for i in todo],
                "context": context, "modules": modules, "workdir": workdir, "memory_mb": self.memory_mb,
                "cpu_s": int(self.start_timeout_s + sum(timeouts.values()) + 2),
            })
            if payload is None:
                return _Run(fatal="the calls or the episode context are not plain JSON")
            run, state = _Run(), {"ready": False, "current": None}

            def on_record(rec: dict[str, Any], now: float) -> float | None:
                return self._on_record(rec, now, run, state, timeouts, calls, untrusted)

            try:
                box, stop = warm.run(_kind(boxed, untrusted, self.start_timeout_s), payload, on_record,
                                     self.start_timeout_s, self.max_output_bytes)
            except warm.StartFailed as exc:
                return _Run(fatal=f"the tool sandbox failed to start: {exc}")
            run.stuck = state["current"]
            self._explain(run, stop, bool(state["ready"]), box, timeouts)
            return run
        finally:
            if workdir:
                shutil.rmtree(workdir, ignore_errors=True)

    def _on_record(self, rec: dict[str, Any], now: float, run: _Run, state: dict[str, Any],
                   timeouts: dict[int, float], calls: list[ToolCall], untrusted: bool) -> float | None:
        """Follow the runner's records; returns the next deadline (None keeps the current one)."""
        current = state["current"]
        if "fatal" in rec and not state["ready"]:
            run.fatal = f"the tool sandbox failed: {str(rec.get('detail', ''))[:300]}"
        elif rec == {"ready": 1} and not state["ready"]:
            state["ready"] = True
            return now + self.grace_s + 5.0
        elif state["ready"] and isinstance(rec.get("start"), int) and current is None \
                and rec["start"] in timeouts and rec["start"] not in run.results:
            state["current"] = rec["start"]
            return now + timeouts[rec["start"]] + self.grace_s
        elif state["ready"] and current is not None and rec.get("i") == current:
            run.results[current] = _result(rec.get("result"), calls[current].name, untrusted)
            state["current"] = None
            return now + self.grace_s + 5.0
        return None

    def _explain(self, run: _Run, stop: str, ready: bool, box: warm.Warm, timeouts: dict[int, float]) -> None:
        """Fill in why the process stopped: the running call's error, or a fatal reason.

        Reasons come from what this process saw (its deadline, the output cap, the cgroup's OOM count,
        the CPU time used); a crash's signal is only named in the message, never turned into a reason.
        """
        if run.fatal:
            return
        if not ready:
            if stop == "timeout":
                run.fatal = f"the tool sandbox did not take the turn within {self.start_timeout_s:g} s"
            else:
                run.fatal = f"the tool sandbox failed to start: {warm.cause(box.stderr, box.returncode)}"
            return
        if run.stuck is None:
            if stop:
                run.fatal = "the tool sandbox stopped responding" if stop == "timeout" else \
                    f"the tool sandbox wrote over {self.max_output_bytes} bytes"
            return
        if stop == "timeout":
            run.stuck_error = f"timeout: the call ran over {timeouts[run.stuck]:g} s and was stopped"
        elif stop == "output":
            run.stuck_error = f"the call's output went over {self.max_output_bytes} bytes"
        elif box.oom_killed():
            run.stuck_error = "the call hit the sandbox's memory limit"
        else:  # the status is only named: a process can exit with any status it likes
            sig = sandbox.exit_signal(box.returncode, sandbox.is_bwrap(box.kind.argv))
            how = f"signal {signal.Signals(sig).name}" if sig in _SIGNAL_NAMES else f"exit status {box.returncode}"
            run.stuck_error = f"the tool's process ended during the call ({how}; a crash, or a CPU or memory limit)"


def _kind(boxed: bool, untrusted: bool, start_timeout_s: float) -> warm.Kind:
    """The warm-pool kind for the registered tools of one trust level (all their modules bound)."""
    modules = tuple(sorted({TOOLS.get(n).fn.__module__ for n in TOOLS.names()
                            if bool(TOOLS.get(n).sandbox_only) == untrusted} - {"__main__"}))
    return _kinds(boxed, untrusted, modules, float(start_timeout_s))


@functools.lru_cache(maxsize=16)
def _kinds(boxed: bool, untrusted: bool, modules: tuple[str, ...], start_timeout_s: float) -> warm.Kind:
    binds, inside_paths, host_paths = _project_binds(list(modules), minimal=untrusted)
    config = {"untrusted": untrusted, "sandboxed": boxed, "modules": list(modules), "template": boxed and not untrusted,
              "paths": inside_paths if boxed else host_paths,
              "site": sandbox.SITE_ROOT if boxed else sandbox.site_packages()}
    name = "tools-untrusted" if untrusted else "tools"
    if boxed:
        runner = f"{sandbox.RUNNER_DIR}/{os.path.basename(_RUNNER)}"
        cmd = sandbox.argv([sandbox.interpreter(), "-I", "-S", "-B", runner, json.dumps(config)],
                           runner=[_RUNNER, warm.SERVE], site=True, binds=binds)
        return warm.Kind(name, tuple(cmd), template=not untrusted, start_timeout_s=start_timeout_s,
                         memory_bytes=SANDBOX_MEMORY_BYTES, cwd="/", env=tuple(sandbox.host_env().items()))
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
    return warm.Kind(name + "-unsafe", (sys.executable, "-I", "-S", "-B", _RUNNER, json.dumps(config)),
                     template=False, start_timeout_s=start_timeout_s, cwd="/", env=tuple(env.items()))


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
