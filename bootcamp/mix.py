"""Seeded sampling of problems from a weighted task mix.

A mix maps *mix keys* to weights. A key is a task id (problems at the task's
default level) or ``task_id@L`` (problems at difficulty level ``L``), so one
task may appear at several levels in one mix; :func:`mix_key` and
:func:`split_key` convert. Task ids never contain ``@``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from bootcamp import Problem
from bootcamp.registry import REGISTRY, Registry


def mix_key(task_id: str, level: int | None = None) -> str:
    """The mix key of ``task_id`` at ``level`` (the bare id for the default level)."""
    return task_id if level is None else f"{task_id}@{level}"


def split_key(key: str) -> tuple[str, int | None]:
    """``"math/x@2"`` -> ``("math/x", 2)``; ``"math/x"`` -> ``("math/x", None)``.

    Raises:
        ValueError: the part after ``@`` is not a positive integer.
    """
    task_id, sep, level = key.partition("@")
    if not sep:
        return key, None
    if not level.isdigit() or int(level) < 1:
        raise ValueError(f"{key!r}: the level after '@' must be a positive integer")
    return task_id, int(level)


def _entry(entry: Any) -> tuple[str, float, int | None, str]:
    """(pattern, weight, level, how to name the entry in an error) of one mix entry."""
    if isinstance(entry, tuple | list):
        if len(entry) not in (2, 3):
            raise ValueError(f"tasks: entry {entry!r}: expected (id, weight) or (id, weight, level)")
        pattern, weight, level = entry[0], entry[1], entry[2] if len(entry) == 3 else None
    else:  # an object with ``id``, ``weight`` and maybe ``level`` (the job config's entries)
        pattern, weight, level = entry.id, entry.weight, getattr(entry, "level", None)
    if not isinstance(pattern, str):
        raise ValueError(f"tasks: entry {entry!r}: the id must be a string")
    base, key_level = split_key(pattern)
    if key_level is not None and level is not None and key_level != level:
        raise ValueError(f"tasks: entry {{id: {pattern}, level: {level}}}: the id names level {key_level}, "
                         f"the entry level {level}")
    level = level if level is not None else key_level
    named = base if level is None else f"{{id: {base}, level: {level}}}"
    return base, float(weight), level, named


def resolve_mix(entries: Sequence[Any], registry: Any = None) -> dict[str, float]:
    """Expand ids and globs to ``{mix key: weight}``; a glob's weight is split over its ids.

    An entry is ``(id, weight)``, ``(id, weight, level)`` or an object with ``id``,
    ``weight`` and ``level`` attributes; ``id`` may also be a mix key ``task_id@L``.
    Every task an entry with a level names must have that level.

    Raises:
        KeyError: an id or glob matches no task (it names the closest ids).
        ValueError: an entry's level is not one of a task's levels (it names the entry and the range).
    """
    reg = registry or REGISTRY
    out: dict[str, float] = {}
    for entry in entries:
        pattern, weight, level, named = _entry(entry)
        ids = reg.resolve([pattern])
        for i in ids:
            if level is not None:
                at_level = getattr(reg.get(i), "at_level", None)
                if at_level is None:
                    raise ValueError(f"tasks: entry {named}: {i} is an environment, which has no levels")
                try:
                    at_level(level)
                except ValueError as exc:
                    raise ValueError(f"tasks: entry {named}: {exc}") from None
            key = mix_key(i, level)
            out[key] = out.get(key, 0.0) + weight / len(ids)
    return out


class TaskSampler:
    """Draws problems from a weighted task mix; deterministic in ``seed`` and resumable.

    Training seeds are drawn below ``seed_limit``; evaluation uses seeds at or
    above it (:meth:`eval_problems`), so held-out problems never appear in training.
    A mix key ``task_id@L`` draws problems at level ``L``.
    """

    def __init__(self, mix: dict[str, float], seed: int = 0, seed_limit: int = 1_000_000_000,
                 registry: Registry | Any | None = None) -> None:
        if not mix:
            raise ValueError("tasks: the task mix is empty")
        self.registry = registry or REGISTRY
        self.ids = sorted(mix)
        self.weights = [mix[i] for i in self.ids]
        self._keys = {k: split_key(k) for k in self.ids}
        self.seed_limit = seed_limit
        self.rng = random.Random(seed)
        self.drawn = 0

    def _problem(self, key: str, seed: int) -> Problem:
        task_id, level = self._keys[key]
        task = self.registry.get(task_id)
        # environments in a job's mix take no level; a key without one draws as before levels existed
        return task.problem(seed) if level is None else task.problem(seed, level=level)

    def sample(self, n: int) -> list[Problem]:
        """``n`` problems; each picks a task by weight, then a fresh training seed."""
        out = []
        for _ in range(n):
            key = self.rng.choices(self.ids, weights=self.weights)[0]
            seed = self.rng.randrange(self.seed_limit)
            out.append(self._problem(key, seed))
        self.drawn += n
        return out

    def eval_problems(self, per_task: int) -> list[Problem]:
        """Held-out problems: ``per_task`` per mix entry, seeds from ``seed_limit`` up."""
        return [self._problem(k, self.seed_limit + i) for k in self.ids for i in range(per_task)]

    def state_dict(self) -> dict[str, Any]:
        version, internal, gauss = self.rng.getstate()
        return {"rng": [version, list(internal), gauss], "drawn": self.drawn}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        version, internal, gauss = state["rng"]
        self.rng.setstate((version, tuple(internal), gauss))
        self.drawn = int(state.get("drawn", 0))
