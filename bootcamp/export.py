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


def parse_splits(text: str) -> dict[str, float]:
    """``"train=0.9,val=0.1"`` -> ``{"train": 0.9, "val": 0.1}``; the shares must be positive and sum to 1."""
    out: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, share = part.partition("=")
        name = name.strip()
        try:
            value = float(share)
        except ValueError:
            value = -1.0
        if not sep or not name.isidentifier() or not 0 < value <= 1:
            raise ValueError(f"split {part!r}: want NAME=SHARE with a share in (0, 1], e.g. train=0.9,val=0.1")
        if name in out:
            raise ValueError(f"split {name!r} is named twice")
        out[name] = value
    if not out:
        raise ValueError("give at least one split, e.g. train=0.9,val=0.1")
    if abs(sum(out.values()) - 1.0) > 1e-6:
        raise ValueError(f"split shares sum to {sum(out.values()):g}, not 1")
    return out


def split_of(seed: int, splits: dict[str, float]) -> str:
    """The split a seed belongs to: a fixed function of the seed alone, so splits never share a seed
    (for any task, in any export) and a seed keeps its split when more seeds are exported."""
    import hashlib

    u = int.from_bytes(hashlib.sha256(f"bootcamp-split:{seed}".encode()).digest()[:8], "big") / 2**64
    edge = 0.0
    for name, share in splits.items():
        edge += share
        if u < edge:
            return name
    return name


def split_path(out: str | Path, split: str) -> Path:
    """Where split ``split`` of an export to ``out`` goes: ``data/math.parquet`` -> ``data/math.val.parquet``."""
    out = Path(out)
    return out.with_name(f"{out.stem}.{split}{out.suffix}")


def export(problems: Iterable[Problem], fmt: str, out: str | Path, splits: dict[str, float] | None = None) -> int:
    """Write problems to ``out`` in format ``fmt``; returns the number written.

    With ``splits`` (``{"train": 0.9, "val": 0.1}``) each problem goes to the split of its seed
    (:func:`split_of`), one file per split (:func:`split_path`), and verl's ``extra_info.split`` (a
    ``split`` field in JSONL rows) names it.

    Files appear whole or not at all: rows go to temporary files beside them, renamed at the end,
    so a failed or interrupted export leaves existing files as they were.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    names = list(splits) if splits else ["train"]
    targets = {name: split_path(out, name) if splits else Path(out) for name in names}
    tmps = {name: path.with_name(f".{path.name}.{os.getpid()}.tmp") for name, path in targets.items()}
    for path in targets.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        count = _write(problems, fmt, tmps, splits)
        for name, path in targets.items():
            os.replace(tmps[name], path)
    finally:
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)
    return count


def _write(problems: Iterable[Problem], fmt: str, paths: dict[str, Path], splits: dict[str, float] | None) -> int:
    def which(p: Problem) -> str:
        return split_of(p.seed, splits) if splits else "train"

    if fmt == "verl":
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in paths}
        for p in problems:
            name = which(p)
            rows[name].append(to_verl_row(p, split=name, index=len(rows[name])))
        for name, path in paths.items():
            pq.write_table(pa.Table.from_pylist(rows[name]) if rows[name] else _empty_verl(), path)
        return sum(len(r) for r in rows.values())
    count = 0
    handles = {name: path.open("w", encoding="utf-8") for name, path in paths.items()}
    try:
        for p in problems:
            name = which(p)
            row = p.model_dump() if fmt == "jsonl" else to_openrlhf_row(p)
            if splits:
                row["split"] = name
            handles[name].write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    finally:
        for fh in handles.values():
            fh.close()
    return count


def _empty_verl() -> Any:
    """A verl table with no rows (a split no seed fell into) that still has the columns."""
    import pyarrow as pa

    sample = to_verl_row(Problem(task="x/y", seed=0, prompt="", identity={}))
    return pa.Table.from_pylist([sample]).slice(0, 0)
