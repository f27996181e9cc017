"""A tagged JSON form for outside identities, so tuples, sets and odd keys survive a round trip.

Plain JSON turns a tuple into a list and an ``int`` key into a string, and an
outside class that compares ``(row, col) == start`` then silently breaks.
:func:`encode` writes what JSON cannot say as one-key tagged objects::

    (1, 2)          -> {"__tuple__": [1, 2]}
    {1, 2}          -> {"__set__": [1, 2]}
    {(0, 1): "x"}   -> {"__dict__": [[{"__tuple__": [0, 1]}, "x"]]}
    float("nan")    -> {"__float__": "nan"}
    numpy arrays    -> {"__ndarray__": [...], "dtype": "int64"}

and :func:`decode` turns them back. A plain dict that happens to use a tag as
a key is itself written as ``{"__dict__": [...]}``, so decoding is unambiguous.
Anything else (a custom object) raises ``TypeError``: the caller refuses it.
"""

from __future__ import annotations

import math
import sys
from typing import Any

TAGS = frozenset({"__tuple__", "__set__", "__frozenset__", "__dict__", "__float__", "__ndarray__", "__numpy__",
                  "__case__"})


def _numpy() -> Any:
    return sys.modules.get("numpy")  # only objects of an imported numpy can occur


def encode(obj: Any) -> Any:
    """The tagged plain-JSON form of ``obj``; raises ``TypeError`` for what it cannot carry."""
    np = _numpy()
    if np is not None:  # first: numpy's float64 is also a Python float
        if isinstance(obj, np.ndarray):
            if obj.dtype == object:
                raise TypeError("a numpy array of objects cannot be encoded")
            return {"__ndarray__": encode(obj.tolist()), "dtype": str(obj.dtype)}
        if isinstance(obj, np.generic):
            return {"__numpy__": encode(obj.item()), "dtype": str(obj.dtype)}
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else {"__float__": repr(float(obj))}
    if isinstance(obj, tuple):
        return {"__tuple__": [encode(v) for v in obj]}
    if isinstance(obj, list):
        return [encode(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        items = sorted((encode(v) for v in obj), key=lambda v: repr(v))
        return {"__frozenset__" if isinstance(obj, frozenset) else "__set__": items}
    if isinstance(obj, dict):
        if all(isinstance(k, str) and k not in TAGS for k in obj):
            return {k: encode(v) for k, v in obj.items()}
        return {"__dict__": [[encode(k), encode(v)] for k, v in obj.items()]}
    raise TypeError(f"cannot encode a {type(obj).__module__}.{type(obj).__qualname__} in an identity")


def decode(obj: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    keys = set(obj)
    if len(keys) == 1:
        (key,) = keys
        value = obj[key]
        if key == "__tuple__":
            return tuple(decode(v) for v in value)
        if key == "__set__":
            return {decode(v) for v in value}
        if key == "__frozenset__":
            return frozenset(decode(v) for v in value)
        if key == "__dict__":
            return {decode(k): decode(v) for k, v in value}
        if key == "__float__":
            return float(value)
        if key == "__case__":
            return decode(value)
    if keys == {"__ndarray__", "dtype"} or keys == {"__numpy__", "dtype"}:
        import numpy as np

        if "__ndarray__" in keys:
            return np.array(decode(obj["__ndarray__"]), dtype=obj["dtype"])
        return np.dtype(obj["dtype"]).type(decode(obj["__numpy__"]))
    return {k: decode(v) for k, v in obj.items()}


def encode_identity(case: Any) -> dict[str, Any]:
    """An identity (a JSON dict) for ``case``: its tagged form, wrapped as ``{"__case__": ...}`` if not a dict."""
    out = encode(case)
    return out if isinstance(out, dict) and not (set(out) & TAGS) else {"__case__": out}


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, all the way down (numpy arrays compared by value and dtype)."""
    if type(a) is not type(b):
        return False
    np = _numpy()
    if np is not None and isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - incomparable values are not the same
        return False
