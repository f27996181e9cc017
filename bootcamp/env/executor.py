"""Where tool calls run: the :class:`ToolExecutor` protocol and the in-process executor.

An environment does not run its tools itself: the caller of ``Environment.step`` passes an executor.
:class:`~bootcamp.env.sandbox_exec.SandboxExecutor` (the default for model output) runs each turn's
calls in the verification sandbox with a hard deadline; :class:`InProcessExecutor` runs them in this
process (only for trusted callers: reference policies in the checker, unit tests). Both check the
arguments against the tool's schema and turn every failure into a :class:`ToolResult` with ``error``.
The calls of one turn run in order, and each sees the episode memory the previous one left.
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

from bootcamp.env.toolcall import ToolCall, ToolResult
from bootcamp.env.tools import TOOLS, ToolError
from bootcamp.extension import UnknownNameError


class ToolExecutor(Protocol):
    def run(self, calls: list[ToolCall], allowed: tuple[str, ...], context: dict[str, Any]) -> list[ToolResult]:
        """One result per call, in order; never raises for a bad call."""
        ...


def load_tools() -> None:
    """Load every tool: the built-in ones (``tasks.tools``) and the environments' own, which their
    modules register (so the environments registry is loaded too)."""
    from bootcamp.env.registry import ENVIRONMENTS

    ENVIRONMENTS.names()
    TOOLS.names()


def precheck(call: ToolCall, allowed: tuple[str, ...]) -> ToolResult | None:
    """The error result of a call that must not run (unparsed, not offered here, bad arguments), or None."""
    load_tools()
    if call.error is not None:
        return ToolResult(call.name or "?", error=call.error)
    if call.name not in allowed:
        offered = ", ".join(allowed) or "none"
        return ToolResult(call.name, error=f"unknown tool {call.name!r}; this environment offers: {offered}")
    try:
        spec = TOOLS.get(call.name)
    except UnknownNameError:
        return ToolResult(call.name, error=f"tool {call.name!r} is not installed")
    why = spec.check_args(call.arguments)
    return None if why is None else ToolResult(call.name, error=why)


def run_one(call: ToolCall, context: dict[str, Any]) -> ToolResult:
    """Run an already checked call here; a tool's exception becomes an error result."""
    spec = TOOLS.get(call.name)
    t0 = time.perf_counter()
    try:
        out = spec.fn(call.arguments, context)
        seconds = time.perf_counter() - t0
        if isinstance(out, dict) and isinstance(out.get("output"), str):  # a stateful tool
            memory = out.get("memory")
            return ToolResult(call.name, output=out["output"], seconds=seconds,
                              memory=memory if isinstance(memory, dict) else None)
        if not isinstance(out, str):
            out = json.dumps(out, default=str)
        return ToolResult(call.name, output=out, seconds=seconds)
    except ToolError as exc:
        return ToolResult(call.name, error=str(exc)[:1000], seconds=time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - a tool's crash is one error observation
        return ToolResult(call.name, error=f"{type(exc).__name__}: {str(exc)[:500]}",
                          seconds=time.perf_counter() - t0)


class InProcessExecutor:
    """Runs tools in this process, no isolation and no hard time limit: trusted callers only. Tools that
    run model code (``sandbox_only``) are refused with an error result."""

    def run(self, calls: list[ToolCall], allowed: tuple[str, ...], context: dict[str, Any]) -> list[ToolResult]:
        out = []
        memory = context.get("memory", {})
        for c in calls:
            bad = precheck(c, allowed)
            if bad is None and TOOLS.get(c.name).sandbox_only:
                bad = ToolResult(c.name, error=f"tool {c.name!r} runs only in the sandbox executor")
            result = bad or run_one(c, {**context, "memory": memory})
            if result.memory is not None:
                memory = result.memory  # the next call of the turn sees what this one left
            out.append(result)
        return out
