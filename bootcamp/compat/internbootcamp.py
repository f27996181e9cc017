"""Wrap InternBootCamp-style classes as bootcamp tasks.

An InternBootCamp "bootcamp" has ``case_generator()``, ``prompt_func(identity)``,
``extract_output(output)``, ``_verify_correction(solution, identity)`` and
``verify_score(...)``. It has no reference solver, so wrapping one needs a
``solver`` (identity -> the text of a correct response, in the bootcamp's own
answer format). Its ``case_generator`` draws from the global ``random`` (and
numpy) state; the wrapper seeds both from the task's rng and restores them,
so generation is deterministic per seed and leaves the caller's state alone.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from bootcamp.extract import strip_thinking
from bootcamp.registry import REGISTRY, Registry
from bootcamp.task import Task
from bootcamp.types import Score, invalid

#: Longest response text handed to a foreign ``extract_output`` (their regexes are not all linear).
MAX_FOREIGN_CHARS = 20_000


class InternBootcampTask(Task):
    """A task backed by an InternBootCamp-style class (set by :func:`wrap_internbootcamp`)."""

    bootcamp_cls: Any = None
    bootcamp_kwargs: dict[str, Any] = {}
    solver: Callable[[dict[str, Any]], str] | None = None
    default_params: dict[str, Any] = {}

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        self._bootcamp = self.bootcamp_cls(**{**self.bootcamp_kwargs, **self.params})

    def generate(self, rng: random.Random) -> dict[str, Any]:
        seed = rng.getrandbits(32)
        state = random.getstate()
        np_state = _numpy_state()
        random.seed(seed)
        _seed_numpy(seed)
        try:
            case = self._bootcamp.case_generator()
        finally:
            random.setstate(state)
            _restore_numpy(np_state)
        return json.loads(json.dumps(case))

    def prompt(self, identity: dict[str, Any]) -> str:
        return str(self._bootcamp.prompt_func(identity))

    def extract(self, response: str) -> str | None:
        # The "answer" is the response text the bootcamp's own extractor reads.
        text = strip_thinking(response) if isinstance(response, str) else None
        if not text:
            return None
        text = text[-MAX_FOREIGN_CHARS:]
        return text if self._extract(text) is not None else None

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        solution = self._extract(answer[-MAX_FOREIGN_CHARS:] if isinstance(answer, str) else "")
        if solution is None:
            return invalid("the bootcamp's extract_output found no answer")
        try:
            judged = self._bootcamp._verify_correction(solution, identity)
        except Exception as exc:  # noqa: BLE001 - a foreign verifier failing on model output is a wrong answer
            return invalid(f"{type(exc).__name__}: {exc}"[:200])
        if isinstance(judged, bool):
            return 1.0 if judged else Score(0.0)
        try:
            return min(1.0, max(0.0, float(judged)))
        except (TypeError, ValueError):
            return Score(0.0, "verifier_error", f"_verify_correction returned {judged!r}")

    def solve(self, identity: dict[str, Any]) -> str:
        if self.solver is None:
            raise NotImplementedError(f"{self.task_id}: no solver was given when it was wrapped")
        return self.solver(identity)

    def format_answer(self, answer: str) -> str:
        return answer  # the solver already writes the bootcamp's own answer format

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return []

    def _extract(self, text: str) -> Any:
        try:
            return self._bootcamp.extract_output(text)
        except Exception:  # noqa: BLE001 - foreign extractor on model output: no answer
            return None


def _numpy_state() -> Any:
    try:
        import numpy as np
    except ImportError:
        return None
    return np.random.get_state()


def _seed_numpy(seed: int) -> None:
    try:
        import numpy as np
    except ImportError:
        return
    np.random.seed(seed)


def _restore_numpy(state: Any) -> None:
    if state is not None:
        import numpy as np

        np.random.set_state(state)


def wrap_internbootcamp(
    bootcamp_cls: type,
    task_id: str,
    solver: Callable[[dict[str, Any]], str],
    description: str | None = None,
    params: dict[str, Any] | None = None,
    registry: Registry | None = None,
) -> type[Task]:
    """Register an InternBootCamp-style class as task ``task_id``; returns the generated task class.

    Args:
        bootcamp_cls: a class with ``case_generator``, ``prompt_func``, ``extract_output``
            and ``_verify_correction``.
        task_id: the id to register, ``domain/name``.
        solver: identity -> the text of a correct response, in the bootcamp's answer format.
        description: one line for the catalogue (default: the class docstring).
        params: keyword arguments for the bootcamp's constructor (its difficulty knobs).
        registry: where to register (default: the global registry).
    """
    missing = [m for m in ("case_generator", "prompt_func", "extract_output", "_verify_correction")
               if not callable(getattr(bootcamp_cls, m, None))]
    if missing:
        from bootcamp.registry import RegistrationError

        raise RegistrationError(f"{task_id}: {bootcamp_cls!r} lacks {', '.join(missing)}")
    params = dict(params or {})
    doc = (bootcamp_cls.__doc__ or "").strip().split("\n")[0]
    cls = type(
        f"InternBootcamp_{bootcamp_cls.__name__}",
        (InternBootcampTask,),
        {
            "bootcamp_cls": bootcamp_cls,
            "bootcamp_kwargs": {},
            "solver": staticmethod(solver),
            "default_params": params,
            "description": description or doc or f"InternBootCamp {bootcamp_cls.__name__}",
            "__module__": __name__,
        },
    )
    reg = registry if registry is not None else REGISTRY
    reg.register(cls, task_id, {}, description, source="internbootcamp")
    return cls
