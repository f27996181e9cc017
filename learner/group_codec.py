"""The JSON encoding of a scored group on a Redis stream (``bootcamp.group.v1``), decoded strictly.

Never pickle: Redis is shared infrastructure, and a poisoned entry must not run code. Decoding checks
every field's type and size and names the field it refuses.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from learner.pipeline import Group
from rollout.types import Trajectory

FORMAT = "bootcamp.group.v1"
MAX_ENTRY_BYTES = 256 * 2**20  # a group larger than this is refused both ways
_INT_LIMIT = 2**63  # int fields (ids, seeds, versions) are 64-bit signed

# Trajectory field -> kind. A test checks that this covers exactly the dataclass fields.
_FIELDS: dict[str, str] = {
    "task": "str", "seed": "int", "identity": "object", "group": "int", "prompt_ids": "ints",
    "response_ids": "ints", "logprobs": "floats", "text": "str", "finish_reason": "str",
    "policy_version": "int", "reward": "float", "correct": "bool", "reason": "str",
    "advantage": "float", "extra": "object", "loss_mask": "ints",
}
#: Fields an entry may leave out (written before they existed), with their defaults.
_OPTIONAL: dict[str, Any] = {"loss_mask": []}



def _is_int(x: Any) -> bool:
    return type(x) is int and -_INT_LIMIT <= x < _INT_LIMIT


def _is_float(x: Any) -> bool:
    return (type(x) is float and math.isfinite(x)) or _is_int(x)


def _ints(v: Any) -> bool:
    # set(map(type, ...)), min and max run in C: a group holds tens of thousands of token ids
    return type(v) is list and set(map(type, v)) <= {int} and (not v or (min(v) >= -_INT_LIMIT and max(v) < _INT_LIMIT))


def _floats(v: Any) -> bool:
    if type(v) is not list:
        return False
    types = set(map(type, v))
    if types <= {float}:
        return all(map(math.isfinite, v))
    return types <= {float, int} and all(_is_float(x) for x in v)


_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: type(v) is str, "a str"),
    "int": (_is_int, "a 64-bit int"),
    "float": (_is_float, "a finite float"),
    "bool": (lambda v: type(v) is bool, "a bool"),
    "object": (lambda v: type(v) is dict, "a JSON object"),
    "ints": (_ints, "a list of 64-bit ints"),
    "floats": (_floats, "a list of finite floats"),
}


def _check(kind: str, value: Any, where: str) -> Any:
    """``value`` if it is of ``kind`` (ints become floats where floats are due), else a ValueError."""
    ok, want = _KINDS[kind]
    if not ok(value):
        raise ValueError(f"{where}: expected {want}, got {_describe(value)}")
    if kind == "float":
        return float(value)
    if kind == "floats" and not all(type(x) is float for x in value):
        return [float(x) for x in value]
    return value


def _describe(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60] + '...' if len(text) > 60 else text}"


def _trajectory_dict(t: Trajectory, where: str) -> dict[str, Any]:
    d = {name: _check(kind, getattr(t, name), f"{where}.{name}") for name, kind in _FIELDS.items()}
    if len(d["logprobs"]) != len(d["response_ids"]):
        raise ValueError(f"{where}.logprobs: {len(d['logprobs'])} values for {len(d['response_ids'])} response ids")
    return d


def _json(value: Any, where: str) -> str:
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as e:
        raise ValueError(f"{where}: not plain JSON ({e})") from None


def encode_group(group: Group, meta: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The stream fields of ``group``: ``format``, ``group`` (JSON) and ``meta`` (JSON).

    Raises:
        ValueError: naming the field, when a value is of the wrong type or not plain JSON
            (``identity`` and ``extra`` must hold only JSON values; NaN and infinities are refused).
    """
    if not isinstance(group, Group):
        raise ValueError(f"group: expected a Group, got {_describe(group)}")
    version = _check("int", group.version, "group.version")
    if not isinstance(group.trajectories, list) or not group.trajectories:
        raise ValueError("group.trajectories: expected a non-empty list of Trajectory")
    trajs = []
    for i, t in enumerate(group.trajectories):
        if not isinstance(t, Trajectory):
            raise ValueError(f"group.trajectories[{i}]: expected a Trajectory, got {_describe(t)}")
        trajs.append(_trajectory_dict(t, f"group.trajectories[{i}]"))
    body = {"version": version, "trajectories": trajs}
    try:  # ASCII JSON: any str round-trips exactly, lone surrogates included
        text = json.dumps(body, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        for i, d in enumerate(trajs):  # the slow path only finds the culprit for the message
            for name in ("identity", "extra"):
                _json(d[name], f"group.trajectories[{i}].{name}")
        raise
    if len(text) > MAX_ENTRY_BYTES:
        raise ValueError(f"group: {len(text)} bytes of JSON, above the {MAX_ENTRY_BYTES} byte limit")
    if meta is not None and not isinstance(meta, Mapping):
        raise ValueError(f"meta: expected a mapping, got {_describe(meta)}")
    meta_text = _json(dict(meta or {}), "meta")
    return {"format": FORMAT, "group": text, "meta": meta_text}


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _field(fields: Mapping[Any, Any], name: str, limit: int) -> str:
    value = fields.get(name, fields.get(name.encode()))
    if value is None:
        raise ValueError(f"entry.{name}: missing (fields: {sorted(str(k) for k in fields)[:10]})")
    if isinstance(value, bytes):
        if len(value) > limit:
            raise ValueError(f"entry.{name}: {len(value)} bytes, above the {limit} byte limit")
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"entry.{name}: not UTF-8 ({e})") from None
    if type(value) is not str:
        raise ValueError(f"entry.{name}: expected text, got {_describe(value)}")
    if len(value) > limit:
        raise ValueError(f"entry.{name}: {len(value)} characters, above the {limit} limit")
    return value


def _parse(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as e:  # JSONDecodeError, huge ints (> 4300 digits), depth
        raise ValueError(f"{where}: invalid JSON ({str(e)[:200]})") from None


def decode_group(fields: Mapping[Any, Any], max_bytes: int = MAX_ENTRY_BYTES) -> tuple[Group, dict[str, Any]]:
    """The group and metadata of a stream entry (keys and values as ``str`` or ``bytes``).

    Strict: every Trajectory field must be present with its exact JSON type (no bools for ints, no
    strings for numbers, finite floats, 64-bit ints, as many logprobs as response ids), no unknown
    fields, at least one trajectory. The entry is an attacker's input.

    Raises:
        ValueError: naming the first offending field.
    """
    if not isinstance(fields, Mapping):
        raise ValueError(f"entry: expected a mapping of fields, got {_describe(fields)}")
    fmt = _field(fields, "format", 100)
    if fmt != FORMAT:
        raise ValueError(f"entry.format: expected {FORMAT!r}, got {fmt[:60]!r}")
    body = _parse(_field(fields, "group", max_bytes), "entry.group")
    meta = _parse(_field(fields, "meta", 2**20), "entry.meta")
    if type(meta) is not dict:
        raise ValueError(f"entry.meta: expected a JSON object, got {_describe(meta)}")
    if type(body) is not dict:
        raise ValueError(f"entry.group: expected a JSON object, got {_describe(body)}")
    if set(body) != {"version", "trajectories"}:
        raise ValueError(f"entry.group: expected keys ['trajectories', 'version'], got {sorted(body)[:10]}")
    version = _check("int", body["version"], "group.version")
    raw = body["trajectories"]
    if type(raw) is not list or not raw:
        raise ValueError(f"group.trajectories: expected a non-empty list, got {_describe(raw)}")
    trajs = []
    for i, d in enumerate(raw):
        where = f"group.trajectories[{i}]"
        if type(d) is not dict:
            raise ValueError(f"{where}: expected a JSON object, got {_describe(d)}")
        d = {**{k: v for k, v in _OPTIONAL.items() if k not in d}, **d}
        missing, unknown = sorted(set(_FIELDS) - set(d)), sorted(set(d) - set(_FIELDS))
        if missing or unknown:
            raise ValueError(f"{where}: missing fields {missing}, unknown fields {unknown[:10]}")
        checked = {name: _check(kind, d[name], f"{where}.{name}") for name, kind in _FIELDS.items()}
        if len(checked["logprobs"]) != len(checked["response_ids"]):
            raise ValueError(f"{where}.logprobs: {len(checked['logprobs'])} values for "
                             f"{len(checked['response_ids'])} response ids")
        mask = checked["loss_mask"]
        if mask and (len(mask) != len(checked["response_ids"]) or set(mask) - {0, 1}):
            raise ValueError(f"{where}.loss_mask: expected one 0 or 1 per response id")
        trajs.append(Trajectory(**checked))
    return Group(trajectories=trajs, version=version), meta


