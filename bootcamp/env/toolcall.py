"""Tool calls in model text, in the Hermes / Qwen format, and tool results back as text.

A call is ``<tool_call>{"name": "calculator", "arguments": {"expression": "2**10"}}</tool_call>``;
a message may hold several. Results go back as one observation of ``<tool_response>`` blocks, in call
order. Parsing never raises: a block that is not a JSON object with a string ``name`` and an object
``arguments`` becomes a :class:`ToolCall` with ``error`` set, which the environment answers with an
error observation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from bootcamp.env.tools import MAX_ARGS_CHARS, MAX_RESULT_CHARS

#: Most calls honoured in one message (more are refused, each with an error result).
MAX_CALLS_PER_TURN = 4

_CALL = re.compile(r"<tool_call>(.*?)</tool_call>", re.DOTALL)


@dataclass
class ToolCall:
    """One parsed call: ``name`` and ``arguments``, or ``error`` (why it could not be parsed)."""

    name: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": self.arguments, "error": self.error}


@dataclass
class ToolResult:
    """What a call returned (``output``) or why it failed (``error``), how long it took, and the new
    episode memory of a stateful tool."""

    name: str
    output: str = ""
    error: str | None = None
    seconds: float = 0.0
    memory: dict[str, Any] | None = None  # the episode memory a stateful tool leaves (None: unchanged)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "output": self.output, "error": self.error, "seconds": self.seconds,
                "memory": self.memory}

    def text(self) -> str:
        body = f"error: {self.error}" if self.error is not None else self.output
        if len(body) > MAX_RESULT_CHARS:
            body = body[:MAX_RESULT_CHARS] + f"\n[... cut: {len(body) - MAX_RESULT_CHARS} more characters]"
        return body


def parse_tool_calls(text: str) -> list[ToolCall]:
    """Every ``<tool_call>`` block of ``text`` (an unclosed block is not a call)."""
    calls = []
    for m in _CALL.finditer(text if isinstance(text, str) else ""):
        body = m.group(1).strip()
        if len(body) > MAX_ARGS_CHARS:
            calls.append(ToolCall(error=f"the call is {len(body)} characters; at most {MAX_ARGS_CHARS}"))
            continue
        try:
            obj = json.loads(body)
        except (ValueError, RecursionError) as exc:
            calls.append(ToolCall(error=f"the call is not valid JSON ({str(exc)[:120]})"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
            calls.append(ToolCall(error='a call is a JSON object {"name": ..., "arguments": {...}}'))
            continue
        args = obj.get("arguments", {})
        if isinstance(args, str):  # some models send the arguments as a JSON string
            try:
                args = json.loads(args)
            except (ValueError, RecursionError):
                pass
        if not isinstance(args, dict):
            calls.append(ToolCall(name=obj["name"][:100], error="arguments must be a JSON object"))
            continue
        calls.append(ToolCall(name=obj["name"][:100], arguments=args))
    return calls


def format_call(name: str, arguments: dict[str, Any]) -> str:
    """A call in the format :func:`parse_tool_calls` reads (what a reference policy writes)."""
    return "<tool_call>" + json.dumps({"name": name, "arguments": arguments}) + "</tool_call>"


def format_results(results: list[ToolResult]) -> str:
    """The observation for a turn's calls: one ``<tool_response>`` block each, in order."""
    return "\n".join(f"<tool_response>\n{r.text()}\n</tool_response>" for r in results)
