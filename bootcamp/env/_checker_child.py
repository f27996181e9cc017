"""The fresh-process half of the environment checker: reset the same seeds in another interpreter.

An environment can be deterministic inside one process and still start a different episode in
another: an unseeded ``random`` in ``__init__``, a table built from a set of strings (its order follows
``PYTHONHASHSEED``), a module-level cache. The reward service and the rollout workers resume episodes in
other processes, so :mod:`bootcamp.env.checker` resets every seed again in a fresh ``python`` started
with another ``PYTHONHASHSEED`` (seeds in reverse order) and compares state and observation.

An environment travels as a spec ``{"id", "registry", "cls", "info"}``: a registered one is looked up
in the child's own registry (which imports ``tasks.envs`` from scratch); another one is rebuilt from its
class (``cls()``, or ``cls(env_id)`` when the id differs) and must give the same ``info()`` there, else
it is skipped with a note. The child reads one JSON request on stdin and writes one JSON line per
environment on its own copy of stdout (anything the environments print goes to stderr).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from bootcamp.checker_process import _import_class, child_hash_seed, class_path

_CHILD_CODE = "import sys; sys.path[:0] = sys.argv[1:]; from bootcamp.env._checker_child import main; main()"


def env_spec(env: Any) -> dict[str, Any]:
    """How a fresh process finds ``env`` again (see the module docstring)."""
    from bootcamp.env.registry import ENVIRONMENTS

    registered = env.env_id in ENVIRONMENTS and ENVIRONMENTS.get(env.env_id) is env
    return {"id": env.env_id, "registry": registered, "cls": class_path(type(env)), "info": _info(env)}


def _info(env: Any) -> Any:
    """``env.info()`` as plain JSON (None when it is not: the checker's ``info`` check reports that)."""
    try:
        return json.loads(json.dumps(env.info()))
    except Exception:  # noqa: BLE001
        return None


def _build(spec: dict[str, Any]) -> tuple[Any, str | None]:
    """The environment a spec names here, or None and why it cannot be compared."""
    from bootcamp.env.registry import ENVIRONMENTS

    try:
        if spec.get("registry") and spec["id"] in ENVIRONMENTS:
            return ENVIRONMENTS.get(spec["id"]), None
        if not spec.get("cls"):
            return None, "its class cannot be imported by reference (defined in a function or __main__)"
        cls = _import_class(spec["cls"])
        env = cls()
        if env.env_id != spec["id"]:
            env = cls(spec["id"])
    except Exception as exc:  # noqa: BLE001 - the parent notes it and skips this environment
        return None, f"cannot rebuild it: {type(exc).__name__}: {str(exc)[:300]}"
    if _info(env) != spec.get("info"):
        return None, "the rebuilt environment's info() differs (it takes constructor arguments)"
    return env, None


def resets(env: Any, seeds: Sequence[int]) -> list[dict[str, Any]]:
    """``{"seed", "state", "observation"}`` per seed (``{"seed", "error"}`` where reset raised)."""
    out = []
    for seed in seeds:
        try:
            state, obs = env.reset(seed)
            out.append({"seed": seed, "state": json.loads(json.dumps(state)), "observation": obs})
        except Exception as exc:  # noqa: BLE001 - reported per seed
            out.append({"seed": seed, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
    return out


def main() -> None:
    """The fresh process: answer ``{"envs": [[key, spec], ...], "seeds": [...]}``, one JSON line per env."""
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever the environments print must not corrupt the results
    sys.stdout = sys.stderr
    request = json.loads(sys.stdin.read())
    seeds = list(reversed(request["seeds"]))  # another order: episodes must not depend on earlier ones
    for key, spec in request["envs"]:
        env, why = _build(spec)
        line = {"skipped": why} if env is None else {"episodes": resets(env, seeds)}
        out.write(json.dumps({"key": key, **line}) + "\n")
        out.flush()
    out.write(json.dumps({"done": True}) + "\n")
    out.flush()


class FreshResets:
    """A fresh interpreter (another ``PYTHONHASHSEED``) resetting a batch of environments; it works while
    the caller runs its own checks, and :meth:`collect` waits for it with a deadline."""

    def __init__(self, specs: Sequence[tuple[str, dict[str, Any]]], seeds: Sequence[int]) -> None:
        env = dict(os.environ, PYTHONHASHSEED=str(child_hash_seed()))
        env.setdefault("OMP_NUM_THREADS", "1")
        paths = [os.path.abspath(p) if p else os.getcwd() for p in sys.path]
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD_CODE, *paths], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._err, env=env, start_new_session=True)
        request = json.dumps({"envs": [[k, s] for k, s in specs], "seeds": list(seeds)}).encode()
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(request)
            self.proc.stdin.close()
        except OSError:  # it died at once; collect reports why
            pass
        self.proc.stdin = None  # closed: communicate() must not flush it

    def collect(self, timeout: float) -> tuple[dict[str, dict[str, Any]], str | None]:
        """What the child reported per key and, when it did not finish, why."""
        problem = None
        try:
            raw, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raw, _ = self.proc.communicate()
            problem = f"the fresh process ran past its {timeout:.0f}s limit"
        results: dict[str, dict[str, Any]] = {}
        finished = False
        for text in (raw or b"").splitlines():
            try:
                item = json.loads(text)
            except ValueError:
                continue
            if item.get("done"):
                finished = True
            else:
                results[str(item.pop("key", ""))] = item
        if not finished and problem is None:
            self._err.seek(0)
            tail = self._err.read()[-2000:].decode(errors="replace").strip().splitlines()[-3:]
            problem = f"the fresh process exited with status {self.proc.returncode}: {' | '.join(tail)[:300]}"
        self.close()
        return results, problem

    def close(self) -> None:
        """Kill the child and anything it left in its session."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self._err.close()
