"""Tools an environment offers the policy: a name, a JSON schema (OpenAI tool-calling format), a function.

A tool is a plain function ``fn(args: dict, context: dict) -> str``: ``args`` are the model's arguments
(already checked against the schema), ``context`` is the episode's identity (what an environment's own
tools read, e.g. the entries of its phase diagram; generic tools ignore it). A tool returns text for the
policy to read; it may raise :class:`ToolError` for a clean error message, and any other exception, a
timeout or an oversized result becomes an error observation too (never a crash of the episode).

Tools run where a :class:`~bootcamp.env.executor.ToolExecutor` runs them: by default in the
verification sandbox (model-chosen arguments are hostile input, and the Python tool runs model code).

Register with :func:`tool` (a decorator) into :data:`TOOLS`; the built-in tools live in ``tasks/tools/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bootcamp.extension import ExtensionRegistry

#: Most characters of the JSON arguments of one call.
MAX_ARGS_CHARS = 20_000
#: Most characters of one tool's result shown to the policy (longer results are cut, and say so).
MAX_RESULT_CHARS = 4_000

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "array": (list,), "object": (dict,), "null": (type(None),),
}


class ToolError(Exception):
    """A tool's clean refusal: its message becomes the observation (``error: <message>``)."""


@dataclass(frozen=True)
class Tool:
    """One tool: ``name``, ``description``, ``parameters`` (a JSON schema of an object), ``fn``, ``timeout_s``,
    ``sandbox_only``."""

    name: str
    description: str
    parameters: dict[str, Any]
    fn: Callable[[dict[str, Any], dict[str, Any]], str] = field(compare=False)
    timeout_s: float = 5.0
    sandbox_only: bool = False  # runs model code: never in the calling process

    def schema(self) -> dict[str, Any]:
        """The OpenAI tool-calling declaration: ``{"type": "function", "function": {...}}``."""
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": self.parameters}}

    def check_args(self, args: Any) -> str | None:
        """Why ``args`` do not fit the schema (None: they do). Checks the object's required keys, unknown
        keys (when ``additionalProperties`` is false) and each property's JSON type."""
        if not isinstance(args, dict):
            return f"arguments must be a JSON object, got {type(args).__name__}"
        props = self.parameters.get("properties", {})
        missing = [k for k in self.parameters.get("required", []) if k not in args]
        if missing:
            return f"missing required argument(s): {', '.join(missing)}"
        if self.parameters.get("additionalProperties") is False:
            extra = sorted(set(args) - set(props))
            if extra:
                return f"unknown argument(s): {', '.join(extra)}; {self.name} takes {', '.join(props) or 'none'}"
        for key, value in args.items():
            want = props.get(key, {}).get("type")
            if want is None:
                continue
            kinds = want if isinstance(want, list) else [want]
            ok = any(isinstance(value, _JSON_TYPES.get(k, ())) and not (k in ("integer", "number")
                                                                         and isinstance(value, bool))
                     for k in kinds)
            if not ok:
                return f"argument {key!r} must be {' or '.join(kinds)}, got {type(value).__name__}"
        return None


TOOLS: ExtensionRegistry[Tool] = ExtensionRegistry("tool", "tools", package="tasks.tools",
                                                   entry_points="bootcamp.tools")


def tool(name: str, description: str, parameters: dict[str, Any], timeout_s: float = 5.0,
         sandbox_only: bool = False) -> Callable[..., Any]:
    """Register ``fn(args, context) -> str`` as tool ``name`` (decorator; returns ``fn`` unchanged).

    ``sandbox_only``: the tool runs model-written code (the Python tool): executors that do not
    isolate refuse it."""
    json.dumps(parameters)  # a schema must be JSON

    def decorate(fn: Callable[[dict[str, Any], dict[str, Any]], str]) -> Callable[..., Any]:
        TOOLS.add(name, Tool(name, description, parameters, fn, timeout_s, sandbox_only))
        return fn

    return decorate


def schemas(names: list[str] | tuple[str, ...]) -> list[dict[str, Any]]:
    """The OpenAI declarations of the named tools (an unknown name is an error listing the known ones)."""
    return [TOOLS.get(n).schema() for n in names]
