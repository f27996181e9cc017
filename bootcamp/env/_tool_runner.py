"""Child side of the tool sandbox: run one turn's (already checked) tool calls, one JSON line each.

Started ahead by the warm pool (``bootcamp/verifiers/warm.py``) for
:class:`bootcamp.env.sandbox_exec.SandboxExecutor` as ``python -I -S -B _tool_runner.py CONFIG`` under
bubblewrap (see ``bootcamp/verifiers/sandbox.py``), CONFIG being ``{"untrusted", "sandboxed", "paths",
"site", "modules"}``. Warm-up: drop root, import the tools' modules and what they ask to preload
(``SANDBOX_PRELOAD``: RDKit, pymatgen), then wait for a turn (``_serve.py``). Trusted tools (they run no
model code, only JSON arguments) are a warm template: each turn is a fresh fork of it. Tools that run
model code (``untrusted``, e.g. ``python``) are single-use: one sandbox per turn, destroyed after.

A turn's request is ``{"calls": [{"i": 0, "name": ..., "arguments": {...}, "timeout_s": 5.0}, ...],
"context": {...}, "memory_mb": ..., "cpu_s": ..., "workdir": ...}``. The turn's process sets rlimits on
memory, CPU time and file size, forbids new processes, and in an ``untrusted`` run installs an audit hook
against sockets, processes and signals (a second layer: the kernel and the seccomp filter already refuse
them). Then it writes ``{"ready": 1}`` and per call ``{"start": i}``, runs
:func:`bootcamp.env.executor.run_one` under a SIGALRM of the call's ``timeout_s`` and writes ``{"i": i,
"result": ToolResult.to_json()}``; ``{"done": n}`` ends the turn. The parent enforces its own hard deadline
per call and destroys the whole sandbox at it.
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


def _warm_up():
    """Lock down and import what every request needs; runs once per warm sandbox."""
    config = json.loads(sys.argv[1])
    sandboxed = bool(config.get("sandboxed"))
    # In the sandbox, drop root first. Without one (the operator's unsafe mode) the interpreter may live
    # where nobody cannot read (/root/...): the trusted imports below run first, then root is dropped.
    if sandboxed and not _drop_root():
        raise PermissionError("the sandbox could not drop to an unprivileged user")
    _limit(resource.RLIMIT_CORE, 0)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["MPLBACKEND"] = "Agg"
    for path in reversed(config.get("paths") or []):
        sys.path.insert(0, path)
    if config.get("site"):
        import site

        site.addsitedir(config["site"])
    import importlib

    from bootcamp.env.executor import run_one
    from bootcamp.env.toolcall import ToolCall, ToolResult
    from bootcamp.env.tools import TOOLS

    for name in config.get("modules") or []:
        try:  # every registered tool's module; one that cannot load here fails only the calls that need it
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            pass
    for name in TOOLS.names():  # discovery and every tool's preloads now, not inside a call's clock
        spec = TOOLS.get(name)
        if bool(spec.sandbox_only) != bool(config.get("untrusted")):
            continue
        for extra in _preload(spec):
            try:
                importlib.import_module(extra)
            except Exception:  # noqa: BLE001 - the call itself will report what is missing
                pass
    if not sandboxed:
        _drop_root()
    return {"run_one": run_one, "ToolCall": ToolCall, "ToolResult": ToolResult, "untrusted": config.get("untrusted")}


def _handle(state, payload: dict, out_fd: int, workdir: str) -> None:
    """One turn's calls, in order (a single-use process, or a fresh fork of a warm template)."""
    from _serve import emit

    run_one, ToolCall, ToolResult = state["run_one"], state["ToolCall"], state["ToolResult"]
    os.chdir(payload.get("workdir") or workdir)
    try:
        import importlib

        for name in payload.get("modules") or []:
            importlib.import_module(name)
    except BaseException as exc:  # noqa: BLE001
        emit(out_fd, {"fatal": "sandbox", "detail": f"cannot load the tools: {type(exc).__name__}: {exc}"[:300]})
        return
    _limit(resource.RLIMIT_AS, int(payload["memory_mb"]) << 20)
    _limit(resource.RLIMIT_CPU, int(payload["cpu_s"]))
    _limit(resource.RLIMIT_FSIZE, 1 << 20)
    _limit(resource.RLIMIT_NPROC, 0)  # no new processes or threads from here on
    if state["untrusted"]:
        sys.addaudithook(_hook)
    signal.signal(signal.SIGALRM, _on_alarm)
    context = payload.get("context") or {}
    calls = payload["calls"]
    del payload
    emit(out_fd, {"ready": 1})
    for call in calls:
        i, name, timeout_s = call["i"], call["name"], float(call["timeout_s"])
        emit(out_fd, {"start": i})
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
        emit(out_fd, record)
    emit(out_fd, {"done": len(calls)})


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _serve import serve

    serve(_warm_up, _handle, template=bool(json.loads(sys.argv[1]).get("template")))
