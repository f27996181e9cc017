"""The ``python`` tool: run a snippet of model-written Python and return what it prints.

``sandbox_only``: the in-process executor refuses it, and
:class:`~bootcamp.env.sandbox_exec.SandboxExecutor` runs it in a bubblewrap sandbox of its own (no
network, read-only system, a private ``/tmp``, uid nobody, no new processes, memory and CPU limits),
apart from the other tools of the turn and without the episode's identity or memory. Each call
starts with a fresh namespace; like a notebook cell, the value of a final bare expression is printed.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import traceback
from typing import Any

from bootcamp.env.tools import ToolError, tool

#: Longest program accepted.
MAX_CODE_CHARS = 20_000
#: Most characters of printed output kept (the rest is dropped, and the output says so).
MAX_STDOUT_CHARS = 16_000


class _CappedText(io.TextIOBase):
    """A text sink that keeps the first ``cap`` characters and counts the rest."""

    def __init__(self, cap: int) -> None:
        self.cap, self.parts, self.size, self.dropped = cap, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        room = self.cap - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(room, len(s))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def text(self) -> str:
        out = "".join(self.parts)
        return out + (f"\n[... output cut: {self.dropped} more characters]" if self.dropped else "")


def _compile(code: str) -> tuple[Any, Any]:
    """(code object of the body, code object of a final bare expression or None)."""
    try:
        tree = ast.parse(code, "<tool>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ToolError(f"the code does not parse: {type(exc).__name__}: {str(exc)[:200]}") from None
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), "<tool>", "eval")
    return compile(tree, "<tool>", "exec"), last


@tool("python",
      "Run Python 3 code in an isolated sandbox (no network, no files outside /tmp, 5 s) and return what it prints; "
      "the value of a final bare expression is printed too. numpy, sympy, rdkit and pymatgen can be imported. "
      "Nothing persists between calls.",
      {"type": "object", "properties": {"code": {"type": "string", "description": "e.g. print(sum(range(10)))"}},
       "required": ["code"], "additionalProperties": False},
      timeout_s=5.0, sandbox_only=True)
def python(args: dict[str, Any], context: dict[str, Any]) -> str:
    """The ``python`` tool; an exception in the code is an error result that shows the output before it."""
    code = args["code"]
    if not isinstance(code, str) or not code.strip():
        raise ToolError("code must be a non-empty string")
    if len(code) > MAX_CODE_CHARS:
        raise ToolError(f"code of {len(code)} characters; at most {MAX_CODE_CHARS}")
    body, last = _compile(code)
    sink = _CappedText(MAX_STDOUT_CHARS)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    failure = None
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        try:
            exec(body, namespace)  # noqa: S102 - the point of the tool; it runs only in the sandbox
            if last is not None:
                value = eval(last, namespace)  # noqa: S307
                if value is not None:
                    print(repr(value))
        except SystemExit as exc:
            sink.write(f"[the code called exit({exc.code!r})]\n")
        except Exception as exc:  # noqa: BLE001 - the model's own error is its observation
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<tool>"]
            where = f" (line {frames[-1].lineno})" if frames else ""
            failure = f"{type(exc).__name__}{where}: {str(exc)[:500]}"
    out = sink.text()
    if failure is not None:
        raise ToolError((out[-2000:].rstrip("\n") + "\n" if out.strip() else "") + failure)
    return out if out else "(no output)"
