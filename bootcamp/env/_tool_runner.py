"""Child side of the tool sandbox: run one turn's (already checked) tool calls, one JSON line each.

Started by :class:`bootcamp.env.sandbox_exec.SandboxExecutor` as ``python -I -S -B _tool_runner.py``
under bubblewrap (see ``bootcamp/verifiers/sandbox.py``). It reads one JSON payload from stdin::

    {"calls": [{"i": 0, "name": ..., "arguments": {...}, "timeout_s": 5.0}, ...], "context": {...},
     "paths": [...], "site": ..., "modules": [...], "memory_mb": ..., "cpu_s": ..., "untrusted": bool,
     "sandboxed": bool, "workdir": ...}

then locks itself down (drops root, rlimits on memory, CPU time, file size and core files; stdout moved
to stderr so nothing a tool prints can forge a result line), imports the tools' modules and what they
ask to preload (``SANDBOX_PRELOAD``), forbids new processes, and in an ``untrusted`` run (tools that
execute model code) installs an audit hook against sockets, processes and signals (a second layer:
the kernel already enforces all of it). Only then it writes ``{"ready": 1}``.

Per call it writes ``{"start": i}``, runs :func:`bootcamp.env.executor.run_one` under a SIGALRM of
the call's ``timeout_s`` and writes ``{"i": i, "result": ToolResult.to_json()}``; ``{"done": n}``
ends the run. The parent enforces its own hard deadline per call and kills the whole sandbox at it
(a tool stuck in C code, or model code that ignores the alarm, cannot outlive it).
"""

import json
import os
import resource
import signal
import sys

#: Most characters of one result's output sent back (the executor's observation cuts far shorter).
MAX_OUTPUT_CHARS = 64_000
#: Most characters of one result line (output plus a stateful tool's memory).
MAX_RECORD_CHARS = 400_000
_BLOCKED_EVENTS = ("socket.", "subprocess.", "os.system", "os.exec", "os.fork", "os.forkpty", "os.posix_spawn",
                   "os.spawn", "os.kill", "os.killpg", "os.setuid", "os.setgid", "os.chmod", "os.chown",
                   "signal.pthread_kill", "_posixsubprocess", "pty.", "resource.setrlimit", "sys.addaudithook")


class CallTimeout(BaseException):
    """Raised in a call by SIGALRM (a BaseException, so a tool's ``except Exception`` does not swallow it)."""


def _on_alarm(signum, frame):
    raise CallTimeout()


def _drop_root() -> bool:
    """Become nobody when started as root; True when no privilege is left."""
    if os.getuid() == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        except OSError:
            pass
    return os.getuid() != 0 and os.geteuid() != 0 and os.getgid() != 0


def _limit(which: int, value: int) -> None:
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass  # e.g. a hard limit already lower than ours


def _hook(event: str, args: tuple) -> None:
    if event.startswith(_BLOCKED_EVENTS):
        raise PermissionError(f"sandbox: {event} is not allowed")


def _preload(spec) -> tuple:
    """What a tool's module asks to import before the clock starts: ``SANDBOX_PRELOAD``, a tuple of module
    names for all its tools or a dict tool name -> tuple."""
    wanted = getattr(sys.modules.get(spec.fn.__module__), "SANDBOX_PRELOAD", ())
    if isinstance(wanted, dict):
        wanted = wanted.get(spec.name, ())
    return tuple(m for m in wanted if isinstance(m, str)) if isinstance(wanted, (tuple, list)) else ()


def main() -> None:
    payload = json.loads(sys.stdin.buffer.read())
    out_fd = os.dup(1)
    os.dup2(2, 1)  # whatever a tool prints goes to the (capped, discarded) stderr pipe
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    def emit(record: dict) -> None:
        data = (json.dumps(record, allow_nan=False) + "\n").encode()
        while data:
            data = data[os.write(out_fd, data):]

    workdir = payload.get("workdir") or "/tmp"
    os.chdir(workdir)
    # In the sandbox, drop root first. Without one (the operator's unsafe mode) the interpreter may live
    # where nobody cannot read (/root/...): the trusted imports below run first, then root is dropped.
    sandboxed = bool(payload.get("sandboxed"))
    if sandboxed and not _drop_root():
        emit({"fatal": "sandbox", "detail": "the sandbox could not drop to an unprivileged user"})
        return
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_AS, int(payload["memory_mb"]) << 20)
    _limit(resource.RLIMIT_CPU, int(payload["cpu_s"]))
    _limit(resource.RLIMIT_FSIZE, 1 << 20)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["MPLBACKEND"] = "Agg"
    for path in reversed(payload.get("paths") or []):
        sys.path.insert(0, path)
    if payload.get("site"):
        import site

        site.addsitedir(payload["site"])
    try:
        import importlib

        from bootcamp.env.executor import run_one
        from bootcamp.env.toolcall import ToolCall, ToolResult
        from bootcamp.env.tools import TOOLS

        for name in payload.get("modules") or []:
            importlib.import_module(name)
        TOOLS.names()  # discovery now, not inside the first call's clock
        for call in payload["calls"]:
            for extra in _preload(TOOLS.get(call["name"])):
                try:
                    importlib.import_module(extra)
                except Exception:  # noqa: BLE001 - the call itself will report what is missing
                    pass
    except BaseException as exc:  # noqa: BLE001
        emit({"fatal": "sandbox", "detail": f"cannot load the tools: {type(exc).__name__}: {exc}"[:300]})
        return
    if not sandboxed:
        _drop_root()
    _limit(resource.RLIMIT_NPROC, 0)  # no new processes or threads from here on
    if payload.get("untrusted"):
        sys.addaudithook(_hook)
    signal.signal(signal.SIGALRM, _on_alarm)
    context = payload.get("context") or {}
    calls = payload["calls"]
    del payload
    emit({"ready": 1})
    for call in calls:
        i, name, timeout_s = call["i"], call["name"], float(call["timeout_s"])
        emit({"start": i})
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout_s)
            try:
                result = run_one(ToolCall(name=name, arguments=call["arguments"]), context)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except CallTimeout:
            result = ToolResult(name, error=f"timeout: the call ran over {timeout_s:g} s")
        except MemoryError:
            result = ToolResult(name, error="the call ran out of memory")
        except BaseException as exc:  # noqa: BLE001 - e.g. SystemExit from a tool: one error result
            result = ToolResult(name, error=f"{type(exc).__name__}: {str(exc)[:300]}")
        if result.error is None and result.memory is not None:
            context = {**context, "memory": result.memory}  # the next call of the turn sees it
        if len(result.output) > MAX_OUTPUT_CHARS:
            cut = len(result.output) - MAX_OUTPUT_CHARS
            result.output = result.output[:MAX_OUTPUT_CHARS] + f"\n[... cut: {cut} more characters]"
        try:
            record = {"i": i, "result": result.to_json()}
            if len(json.dumps(record, allow_nan=False)) > MAX_RECORD_CHARS:
                raise ValueError(f"over {MAX_RECORD_CHARS} characters")
        except (TypeError, ValueError, RecursionError) as exc:
            record = {"i": i, "result": ToolResult(name, error=f"the tool's result cannot be sent back: "
                                                           f"{str(exc)[:200]}").to_json()}
        emit(record)
    emit({"done": len(calls)})


if __name__ == "__main__":
    main()
