"""Cross-process determinism: generate the same seeds in a fresh interpreter and compare.

A task can be deterministic inside one process and still give another process
different problems for the same seed: a numpy generator seeded when the task is
built (draws depend on what was generated before), unseeded ``random`` in
``__init__``, a table built from a set of strings (its order changes with
``PYTHONHASHSEED``), a module-level cache. Training, the reward service and
exporters all regenerate problems in other processes, so the conformance checker
generates the seeds again in a fresh ``python`` started with another
``PYTHONHASHSEED`` (in reverse seed order, at every difficulty level) and compares
identities (after a JSON round trip) and prompts with the parent's.

One fresh process serves a whole batch of tasks (:func:`check_cross_process`,
used by the conformance test over the registry), and ``check_task`` reuses one
worker for all its calls, so the plugins load once per session. A task travels
as a spec: a registry id (the child loads the plugins, so the same registry
exists; ``{"id": ..., "registry": true}`` with a class fallback for ids
registered at run time), a ``module:Class`` string (the class built with its
defaults) or a dict ``{"cls": "module:Qualname", "id": ..., "params": {...}}``
(an instance rebuilt by class reference; one defined in a function cannot be,
and is skipped with a warning), or a dict ``{"factory": "module:qualname",
"kwargs": {...}}`` for a class generated at run time (an InternBootCamp wrap): the
child calls the importable factory with the JSON ``kwargs``; it returns the task, or
a task class that is built with the spec's ``id`` and ``params``. The child writes one JSON line per task on its
own copy of stdout (anything the tasks print goes to stderr), so a child that
hangs still reports the tasks it finished.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.machinery
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bootcamp.checker import CheckReport
    from bootcamp.registry import Registry
    from bootcamp.task import Task

#: ``PYTHONHASHSEED`` of the fresh process when the parent's is random (unset or "random").
CHILD_HASH_SEED = 20240601
_CHILD_CODE = "import sys; sys.path[:0] = sys.argv[1:]; from bootcamp.checker_process import main; main()"
Spec = str | dict[str, Any]


def child_hash_seed() -> int:
    """A ``PYTHONHASHSEED`` that differs from this process's (string hashes, set order)."""
    mine = os.environ.get("PYTHONHASHSEED", "")
    if mine.isdigit():
        return (int(mine) + 1) % 4_294_967_296
    return CHILD_HASH_SEED


def class_path(cls: type) -> str | None:
    """``module:Qualname`` when ``cls`` can be imported by reference in another process, else None."""
    module, qualname = getattr(cls, "__module__", ""), getattr(cls, "__qualname__", "")
    if not module or module == "__main__" or "<locals>" in qualname or not _on_path(module.partition(".")[0]):
        return None
    obj: Any = sys.modules.get(module)
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return f"{module}:{qualname}" if obj is cls else None


@functools.lru_cache(maxsize=256)
def _on_path(package: str) -> bool:
    """Whether another process finds top-level ``package`` by itself (built in, or on ``sys.path``):
    not a name that exists only in this process's ``sys.modules`` (an alias made at run time)."""
    return package in sys.builtin_module_names or importlib.machinery.PathFinder.find_spec(package, sys.path) is not None


def instance_spec(task: Any) -> tuple[dict[str, Any] | None, str]:
    """The spec that rebuilds ``task`` in another process, or None and why not.

    A class generated at run time (e.g. an InternBootCamp wrap) may carry ``rebuild_spec``, a
    ``{"factory": "module:function", "kwargs": {...}}`` spec that builds the class again.
    """
    rebuild = getattr(type(task), "rebuild_spec", None)
    if isinstance(rebuild, dict):
        return {**rebuild, "id": task.task_id, "params": {}}, ""
    path = class_path(type(task))
    if path is None:
        return None, f"{type(task).__qualname__} cannot be imported by reference (defined in a function or __main__)"
    try:
        params = json.loads(json.dumps(task.params))
    except (TypeError, ValueError):
        return None, "its params are not plain JSON"
    if params != task.params:
        return None, "its params change in a JSON round trip"
    return {"cls": path, "id": task.task_id, "params": params}, ""


def _import_class(path: str) -> type:
    module, _, qualname = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def load_task(spec: Spec) -> Any:
    """Build the task a spec names (see the module docstring)."""
    if isinstance(spec, dict):
        if "cls" in spec:
            return _import_class(spec["cls"])(spec.get("id"), **spec.get("params", {}))
        spec = spec["id"]
    if ":" in spec:
        return _import_class(spec)()
    from bootcamp.registry import REGISTRY

    return REGISTRY.get(spec)


def generate_levels(task: Any, seeds: Sequence[int], guard: Callable[[], Any] | None = None) -> list[dict[str, Any]]:
    """:func:`generate` at every level but the default (what ``problem(seed)`` gives); each item has ``level``.

    ``guard`` returns a context manager each call runs in (e.g. a hard time limit).
    """
    from bootcamp.checker_quality import problem_at, task_levels

    out = []
    for level in task_levels(task):
        if level is None or level == getattr(task, "default_level", None):
            continue
        for seed in seeds:
            try:
                with guard() if guard is not None else nullcontext():
                    p = problem_at(task, seed, level)
                out.append({"seed": seed, "level": level, "identity": json.loads(json.dumps(p.identity)),
                            "prompt": p.prompt})
            except Exception as exc:  # noqa: BLE001 - reported per seed
                out.append({"seed": seed, "level": level, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
    return out


def generate(task: Any, seeds: Sequence[int]) -> list[dict[str, Any]]:
    """``{"seed", "identity", "prompt"}`` per seed (``{"seed", "error"}`` where generation raised)."""
    out = []
    for seed in seeds:
        try:
            p = task.problem(seed)
            out.append({"seed": seed, "identity": json.loads(json.dumps(p.identity)), "prompt": p.prompt})
        except Exception as exc:  # noqa: BLE001 - reported per seed
            out.append({"seed": seed, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
    return out


def registry_spec(task: Any) -> dict[str, Any]:
    """The spec of a task of the global registry: the child looks the id up in its own registry
    (built by loading the plugins), or builds the class by reference when the id was registered
    at run time and so is not there."""
    spec, _ = instance_spec(task)
    return {**(spec or {"id": task.task_id}), "registry": True}


def _child_task(spec: Spec) -> tuple[Any, dict[str, str]]:
    """The task a spec names, or None and ``{"import_error"|"load_error": why}``."""
    cls = None
    if isinstance(spec, dict) and "factory" in spec:
        try:
            factory = _import_class(spec["factory"])
        except Exception as exc:  # noqa: BLE001 - the parent skips this task with a note
            return None, {"import_error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        try:
            built = factory(**spec.get("kwargs", {}))
            return (built(spec.get("id"), **spec.get("params", {})) if isinstance(built, type) else built), {}
        except Exception as exc:  # noqa: BLE001 - reported for this task only
            return None, {"load_error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    try:
        if isinstance(spec, dict) and spec.get("registry"):
            from bootcamp.registry import REGISTRY

            if spec["id"] in REGISTRY.ids() or "cls" not in spec:
                return REGISTRY.get(spec["id"]), {}
        if isinstance(spec, dict) and "cls" in spec:
            cls = _import_class(spec["cls"])
    except Exception as exc:  # noqa: BLE001 - the parent skips this task with a note
        return None, {"import_error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    try:
        return (cls(spec.get("id"), **spec.get("params", {})) if cls is not None else load_task(spec)), {}
    except Exception as exc:  # noqa: BLE001 - reported for this task only
        return None, {"load_error": f"{type(exc).__name__}: {str(exc)[:300]}"}


def main() -> None:
    """The fresh process: serve requests ``{"tasks": [[key, spec], ...], "seeds": [...]}``, one JSON line each.

    Answers one line per task, then ``{"done": true}``; exits when stdin closes.
    """
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever the tasks print must not corrupt the results
    sys.stdout = sys.stderr
    while True:
        text = sys.stdin.readline()
        if not text:
            return
        request = json.loads(text)
        seeds = list(reversed(request["seeds"]))  # another order: draws must not depend on earlier problems
        for key, spec in request["tasks"]:
            task, line = _child_task(spec)
            if task is not None:
                line = {"problems": generate(task, seeds)
                        + (generate_levels(task, seeds) if request.get("levels") else [])}
            out.write(json.dumps({"key": key, **line}) + "\n")
            out.flush()
        out.write(json.dumps({"done": True}) + "\n")
        out.flush()


class FreshWorker:
    """A fresh interpreter with another ``PYTHONHASHSEED`` that generates problems on request.

    ``submit`` sends a batch and returns at once (this process does its own side
    meanwhile); ``collect`` waits for the answers, with a deadline. A worker that
    hangs or dies is killed (with everything in its session) and reports why.
    """

    def __init__(self, shared: bool = True) -> None:
        self.shared = shared
        self.busy = False
        env = dict(os.environ, PYTHONHASHSEED=str(child_hash_seed()))
        env.setdefault("OMP_NUM_THREADS", "1")
        self.key = worker_key()
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD_CODE, *self.key[1]], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._err, env=env, cwd=self.key[2],
                                     start_new_session=True)
        self._buf = b""
        self._owner = os.getpid()

    @property
    def alive(self) -> bool:
        return self._owner == os.getpid() and self.proc.poll() is None

    def submit(self, tasks: Sequence[tuple[str, Spec]], seeds: Sequence[int], levels: bool = False) -> None:
        """Send a batch: ``seeds`` of every task (with ``levels``, at each of its levels too)."""
        self.busy = True
        request = json.dumps({"tasks": [list(t) for t in tasks], "seeds": list(seeds), "levels": levels}) + "\n"
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except OSError:  # it died; collect reports that
            pass

    def collect(self, timeout: float) -> tuple[dict[str, dict[str, Any]], str | None]:
        """What the worker reported per key and, when it did not finish the batch, why (then it is closed)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + max(timeout, 1.0)
        results: dict[str, dict[str, Any]] = {}
        while True:
            while b"\n" in self._buf:
                raw, self._buf = self._buf.split(b"\n", 1)
                try:
                    item = json.loads(raw)
                except ValueError:
                    continue
                if item.get("done"):
                    self.busy = False
                    return results, None
                results[str(item.pop("key", ""))] = item
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], left)[0] if left > 0 else []
            if not ready:
                problem = f"the fresh process ran past its {timeout:.0f}s limit"
                break
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self.proc.wait()
                self._err.seek(0)
                tail = self._err.read()[-2000:].decode(errors="replace").strip().splitlines()[-3:]
                problem = f"the fresh process exited with status {self.proc.returncode}: {' | '.join(tail)[:300]}"
                break
            self._buf += chunk
        self.close()
        return results, problem

    def close(self) -> None:
        """Kill the worker and anything it left behind in its session."""
        if self._owner != os.getpid():
            return  # a forked copy of this process does not own the worker
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self._err):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass


def worker_key() -> tuple[int, tuple[str, ...], str]:
    """What a worker inherits from this process: hash seed, import path, working directory."""
    return child_hash_seed(), tuple(os.path.abspath(p) if p else os.getcwd() for p in sys.path), os.getcwd()


_shared: list[FreshWorker] = []
_registered: list[int] = []
_lock = threading.Lock()


def shared_worker() -> FreshWorker:
    """The fresh process :func:`bootcamp.checker.check_task` reuses, so checking many tasks one by one
    starts (and loads the plugins) once; restarted when it died or this process's import path changed.

    While another thread's check holds it, the caller gets a private worker (``shared`` False: close it).
    """
    with _lock:
        if _shared and _shared[0].busy and _shared[0].alive:
            return FreshWorker(shared=False)
        if _shared and _shared[0].alive and _shared[0].key == worker_key():
            return _shared[0]
        if _shared:
            _shared.pop().close()
        if not _registered:
            _registered.append(os.getpid())
            atexit.register(_close_shared)
        _shared.append(FreshWorker())
        return _shared[0]


def _close_shared() -> None:
    while _shared:
        _shared.pop().close()


def _short(value: Any, n: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= n else text[: n - 3] + "..."


def first_difference(a: Any, b: Any, path: str = "identity") -> str:
    """Where two JSON values first differ, e.g. ``identity['words'][0]: 'ab' here, 'cd' there``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return f"{path}[{k!r}] only {'here' if k in a else 'there'}"
            if a[k] != b[k]:
                return first_difference(a[k], b[k], f"{path}[{k!r}]")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    if isinstance(a, str) and isinstance(b, str) and path == "prompt":
        i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        return f"prompt from character {i}: {_short(a[i:i + 40])} here, {_short(b[i:i + 40])} there"
    return f"{path}: {_short(a)} here, {_short(b)} there"


def compare(mine: Sequence[dict[str, Any]], theirs: dict[str, Any]) -> list[str]:
    """Failure messages where the fresh process's problems differ from this process's."""
    where = f"a fresh process (PYTHONHASHSEED={child_hash_seed()})"
    if "load_error" in theirs:
        return [f"{where} could not build the task: {theirs['load_error']}"]
    by_seed = {(p.get("level"), p.get("seed")): p for p in theirs.get("problems", [])}
    failures = []
    for p in mine:
        other = by_seed.get((p.get("level"), p["seed"]))
        seed = p["seed"] if p.get("level") is None else f"{p['seed']} (level {p['level']})"
        if "error" in p:
            continue  # this process could not generate it either; the in-process checks report that
        if other is None:
            failures.append(f"seed {seed}: {where} did not report this seed")
        elif "error" in other:
            failures.append(f"seed {seed}: generation raised in {where}: {other['error']}")
        elif other.get("identity") != p["identity"]:
            failures.append(f"seed {seed}: {where} generated a different identity "
                            f"({first_difference(p['identity'], other.get('identity'))})")
        elif other.get("prompt") != p["prompt"]:
            failures.append(f"seed {seed}: {where} generated a different prompt for the same identity "
                            f"({first_difference(p['prompt'], other.get('prompt'), 'prompt')})")
    return failures


def fresh_timeout(tasks: int, seeds: int) -> float:
    """Seconds the fresh process gets: starting up and loading plugins, then generating."""
    from bootcamp.checker import time_factor

    return (120.0 + 2.0 * tasks * seeds) * time_factor()


def record_fresh(report: CheckReport, mine: list[dict[str, Any]], theirs: dict[str, Any] | None,
                 problem: str | None, first_missing: bool = True) -> None:
    """Add what the fresh process found for one task to its report."""
    for p in mine:
        if "error" in p:
            where = "" if p.get("level") is None else f" (level {p['level']})"
            report.warnings.append(f"seed {p['seed']}{where}: not compared across processes (generation raised "
                                   f"here: {p['error']})")
    if theirs is None:
        where = "while generating this task" if first_missing else "before reaching this task"
        report.fail(f"cross-process check: the fresh process stopped {where} "
                    f"({problem or 'it reported nothing for it'})")
    elif "import_error" in theirs:
        report.warnings.append(f"cross-process check skipped: a fresh process cannot import the task class "
                               f"({theirs['import_error']})")
    else:
        for f in compare(mine, theirs):
            report.fail(f)


def check_cross_process(
    tasks: Sequence[str | Task],
    seeds: Sequence[int] = (0, 1),
    registry: Registry | None = None,
) -> dict[str, CheckReport]:
    """Generate ``seeds`` of every task here and in ONE fresh process, and compare.

    ``tasks`` are registry ids, ``module:Class`` strings (the class built with its
    defaults) or instances (rebuilt by class reference; skipped with a warning when
    that is impossible). Returns one report per task, keyed by the given id, spec or
    instance's task id; a failure names the seed and what differed.
    """
    from bootcamp.checker import HARD_LIMIT_FACTOR, CheckReport, _hard_limit, _HardTimeout, time_factor
    from bootcamp.registry import REGISTRY
    from bootcamp.task import Task

    reg = registry if registry is not None else REGISTRY
    reports: dict[str, CheckReport] = {}
    jobs: list[tuple[str, Task, Any]] = []
    for t in tasks:
        key = t if isinstance(t, str) else t.task_id
        report = reports[key] = CheckReport(key)
        try:
            if isinstance(t, Task):
                task, (spec, why) = t, instance_spec(t)
            elif ":" in t:
                task, spec, why = load_task(t), t, ""
            else:
                task = reg.get(t)
                spec, why = (registry_spec(task), "") if reg is REGISTRY else instance_spec(task)
        except Exception as exc:  # noqa: BLE001 - reported for this task
            report.fail(f"cannot build the task here: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        if spec is None:
            report.warnings.append(f"cross-process check skipped: {why}")
            continue
        jobs.append((key, task, spec))
    if not jobs:
        return reports
    fresh = FreshWorker(shared=False)
    fresh.submit([(key, spec) for key, _, spec in jobs], seeds, levels=True)
    mine: dict[str, list[dict[str, Any]]] = {}
    try:  # this process's side, while the fresh one works
        for key, task, _ in jobs:
            limit = max(task.time_budget, 5.0) * time_factor() * HARD_LIMIT_FACTOR
            problems = mine[key] = []
            for seed in seeds:
                try:
                    with _hard_limit(limit):
                        p = task.problem(seed)
                    problems.append({"seed": seed, "identity": json.loads(json.dumps(p.identity)),
                                     "prompt": p.prompt})
                except _HardTimeout:
                    reports[key].fail(f"seed {seed}: generation hung here (aborted after {limit:.0f}s)")
                except Exception as exc:  # noqa: BLE001 - noted; the in-process checks report it
                    problems.append({"seed": seed, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
            problems += generate_levels(task, seeds, lambda limit=limit: _hard_limit(limit))
    except BaseException:
        fresh.close()
        raise
    results, problem = fresh.collect(fresh_timeout(len(jobs), len(seeds)))
    fresh.close()
    missing = [key for key, _, _ in jobs if key not in results]
    for key, problems in mine.items():
        record_fresh(reports[key], problems, results.get(key), problem, key == missing[0] if missing else True)
    return reports
