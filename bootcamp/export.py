"""Exporters: problems to JSONL, verl-style parquet and OpenRLHF-style JSONL.

Every row carries the problem's difficulty level (None for a task without levels):
``level`` in JSONL, ``extra_info.level`` in verl, and the identity in the label.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from bootcamp.registry import REGISTRY, Registry
from bootcamp.types import Problem

FORMATS = ("jsonl", "verl", "openrlhf")


def iter_problems(
    task_ids: Iterable[str],
    n: int,
    seed: int = 0,
    with_answer: bool = True,
    registry: Registry | None = None,
    on_problem: Callable[[], None] | None = None,
    level: int | None = None,
) -> Iterator[Problem]:
    """``n`` problems of each task, seeds ``seed .. seed + n - 1``, at difficulty ``level``.

    ``level`` None draws each task's default level. A level some task does not have
    raises ``ValueError`` (naming the task and its range) before any problem is drawn.
    """
    reg = registry if registry is not None else REGISTRY
    tasks = [reg.get(task_id) for task_id in task_ids]
    for task in tasks:
        task.at_level(level)
    for task in tasks:
        for s in range(seed, seed + n):
            yield task.problem(s, with_answer=with_answer, level=level)
            if on_problem:
                on_problem()


def make_label(task_id: str, identity: dict[str, Any]) -> str:
    """The label string that carries everything the reward service needs."""
    return json.dumps({"task": task_id, "identity": identity}, separators=(",", ":"), sort_keys=True)


def parse_label(label: str) -> tuple[str, dict[str, Any]]:
    """Inverse of :func:`make_label`; raises ``ValueError`` with a message on bad labels."""
    try:
        obj = json.loads(label)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"label is not JSON: {exc}") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("task"), str) or not isinstance(obj.get("identity"), dict):
        raise ValueError('label must be a JSON object {"task": str, "identity": object}')
    return obj["task"], obj["identity"]


def to_verl_row(p: Problem, split: str = "train", index: int = 0) -> dict[str, Any]:
    """One row of verl's RL dataset layout."""
    return {
        "data_source": p.task,
        "prompt": [{"role": "user", "content": p.prompt}],
        "ability": p.task.split("/", 1)[0],
        "reward_model": {"style": "rule", "ground_truth": make_label(p.task, p.identity)},
        "extra_info": {
            "split": split,
            "index": index,
            "seed": p.seed,
            "version": p.version,
            "answer": p.answer or "",
            "identity": json.dumps(p.identity, sort_keys=True),
            "level": p.level,
        },
    }


def to_openrlhf_row(p: Problem) -> dict[str, Any]:
    """One row for OpenRLHF: ``prompt`` plus a ``label`` that the reward service parses."""
    return {"prompt": p.prompt, "label": make_label(p.task, p.identity)}


def export(problems: Iterable[Problem], fmt: str, out: str | Path) -> int:
    """Write problems to ``out`` in format ``fmt``; returns the number written.

    The file appears whole or not at all: rows go to a temporary file beside it, renamed over
    ``out`` at the end, so a failed or interrupted export leaves an existing ``out`` as it was.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        count = _write(problems, fmt, tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _write(problems: Iterable[Problem], fmt: str, path: Path) -> int:
    if fmt == "verl":
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [to_verl_row(p, index=i) for i, p in enumerate(problems)]
        pq.write_table(pa.Table.from_pylist(rows), path)
        return len(rows)
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for p in problems:
            row = p.model_dump() if fmt == "jsonl" else to_openrlhf_row(p)
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
