"""The hostile inputs of the environment checker: argument values per JSON type, single actions, random ones."""

from __future__ import annotations

import json
import random
import string
from typing import Any

from bootcamp.env.environment import Environment
from bootcamp.env.toolcall import format_call
from bootcamp.env.tools import _JSON_TYPES, MAX_ARGS_CHARS, Tool

_STRINGS = ["", " ", "9**9**9", "10**10**10", "2**2**2**2**2**2", "factorial(10**9)", "comb(10**9, 10**8)",
            "(" * 500 + ")" * 500, "x" * 15_000, "\x00\x01\x02", "__import__('os').system('echo pwned')",
            "😀" * 100, "1e999999", "nan", "C" * 5000, "[Na+].[Cl-]" * 200, "C1CC1" + "1" * 300,
            "../../../../etc/passwd", "Fe1000000000000O1", "H" + "2" * 400, "\\frac{" * 200, "0." + "3" * 5000]
_QUICK_STRINGS = ["", "\x00\x01\x02", "__import__('os').system('echo pwned')", "x" * 15_000, "😀" * 100]
_NUMBERS = [0, -1, 1e308, -1e308, 5e-324, float("nan"), float("inf"), float("-inf"), 10**400, -(10**400)]
_INTEGERS = [0, -1, 2**63, 10**400, -(10**400)]
_ARRAYS: list[Any] = [[], json.loads("[" * 200 + "]" * 200), [0] * 3000, ["x"] * 3, [[1e308] * 3] * 3]
_OBJECTS: list[Any] = [
    {}, json.loads('{"a": ' * 200 + "1" + "}" * 200),
    {"lattice": [[1e308, 0, 0], [0, 1e308, 0], [0, 0, 1e308]], "species": ["Xx"], "coords": [[0, 0, 0]]},
    {"lattice": [[0, 0, 0]] * 3, "species": ["Na"] * 1000, "coords": [[0, 0, 0]] * 1000},
    {"lattice": "x", "species": 5, "coords": None},
]
_BY_TYPE = {"string": _STRINGS, "number": _NUMBERS, "integer": _INTEGERS, "boolean": [True, False],
            "array": _ARRAYS, "object": _OBJECTS, "null": [None]}
_DEFAULTS = {"string": "1", "number": 1, "integer": 1, "boolean": False, "array": [], "object": {}, "null": None}


def _kinds(prop: Any) -> list[str]:
    want = prop.get("type") if isinstance(prop, dict) else None
    return [k for k in (want if isinstance(want, list) else [want]) if k in _JSON_TYPES]


def _wrong_value(kinds: list[str]) -> Any:
    for value, kind in ((["a", ["b"]], "array"), ({"a": 1}, "object"), (12345, "number"), ("text", "string"),
                        (None, "null")):
        if kind not in kinds and not (kind == "number" and "integer" in kinds):
            return value
    return True


def _hostile_args(spec: Tool, base: dict[str, Any]) -> list[dict[str, Any]]:
    """Argument objects for ``spec``: each property hostile in turn (the rest from ``base``), all wrong."""
    props = spec.parameters.get("properties", {})
    start = {k: base.get(k, _DEFAULTS.get((_kinds(p) or ["string"])[0])) for k, p in props.items()}
    out = [{k: _wrong_value(_kinds(p)) for k, p in props.items()}, {}, {**start, "zz_unknown_argument": 1}]
    for key, prop in props.items():
        for kind in _kinds(prop):
            # Model code (a sandbox-only tool) that runs to its timeout tests the sandbox, which has its own
            # tests; here a few quick values are enough (each long one costs the tool's whole timeout).
            values = _QUICK_STRINGS if spec.sandbox_only and kind == "string" else _BY_TYPE[kind]
            out.extend({**start, key: v} for v in values)
    return [a for a in out if len(format_call(spec.name, a)) < MAX_ARGS_CHARS]


def _single_actions(env: Environment, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """Named hostile messages (each one is played as a whole episode, and they seed the random ones)."""
    name = env.tools[0] if env.tools else "calculator"
    valid = "\n".join(format_call(n, a) for n, a in calls[:1]) or format_call(name, {})
    head = '<tool_call>{"name": ' + json.dumps(name) + ', "arguments": '
    nested = head + '{"a": ' * 2500 + "1" + "}" * 2501 + "</tool_call>"
    return {
        "empty message": "",
        "1 MB message": "x" * 1_000_000,
        "1 MB tool call": "<tool_call>" + "{" * 1_000_000 + "</tool_call>",
        "call that is not JSON": "<tool_call>{not json</tool_call>",
        "call that is a JSON list": "<tool_call>[1, 2, 3]</tool_call>",
        "unclosed call": head + "{}}",
        "unknown tool": format_call("no_such_tool_zz", {"a": 1}),
        "arguments that are a string": head + '"[[["}</tool_call>',
        "100 calls in one message": "\n".join([format_call(name, {})] * 100),
        "100 valid calls in one message": "\n".join([valid] * 100),
        "deeply nested JSON": nested,
        "deeply nested arguments": format_call(name, json.loads('{"a": ' * 200 + "1" + "}" * 200)),
        "call inside a final answer": env.format_answer(format_call(name, {})),
    }


def _random_action(rng: random.Random, pool: list[str]) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice(pool)
    junk = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 300)))
    if kind == 1:
        return junk
    if kind == 2:
        return "\\boxed{" + "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(1, 12))) + "}"
    return "<tool_call>" + junk + "</tool_call>"


