"""Wrap InternBootCamp-style classes as bootcamp tasks.

An InternBootCamp "bootcamp" has ``case_generator()``, ``prompt_func(identity)``,
``extract_output(output)``, ``_verify_correction(solution, identity)`` and
``verify_score(...)``. It has no reference solver, so wrapping one needs a
``solver`` (the decoded identity -> the text of a correct response, in the
bootcamp's own answer format). To load classes from a real InternBootCamp
checkout (whose package is also called ``bootcamp``) use
:func:`bootcamp.compat.ib_checkout.load_checkout`; see ``docs/adapters.md``.

What the wrapper guarantees, and checks before it registers anything:

- **Deterministic per seed.** Before each ``case_generator()`` call it seeds
  Python's ``random``, numpy's global generator and every ``random.Random``,
  ``numpy.random.Generator`` or ``RandomState`` attribute of the instance and
  its class, from the task's rng (the caller's global states are restored).
  The instance itself is built under a fixed seed, so randomness drawn in
  ``__init__`` is the same in every process. If the same seed still gives two
  different cases after other seeds ran (state carried between calls), it
  builds a fresh instance per seed; if that does not help, it refuses.
- **Faithful identities.** The case is stored in the tagged JSON form of
  :mod:`bootcamp.compat.tagged_json` (tuples, sets, non-string keys, numpy
  values survive) and decoded before any of the bootcamp's functions sees it.
  A case that cannot be encoded, or whose prompt changes after the round
  trip, is refused.
- **Prompts from the identity alone.** ``prompt_func`` is called on the
  decoded identity with ``random`` seeded from the identity (so a random
  choice between templates is stable). A prompt that changes with the order
  in which cases were generated, or that is the same for two different
  cases, is refused.
- **Conformance.** :func:`bootcamp.check_task` (no hostile answers) must pass.
- **No model text evaluated.** The scoring path's source is read
  (:func:`bootcamp.compat.ib_guard.scan`); a class that calls ``eval``,
  ``exec``, ``compile``, ``__import__``, ``sympify`` or ``parse_expr`` there is
  *evaluating* (``evaluating = True``, the uses in ``evaluating_calls``) and is
  scored with strict stand-ins (:mod:`bootcamp.compat.safe_eval`) in place of
  those names in its module, one scoring call at a time. An answer the
  stand-ins refuse scores below 1.0. A use the stand-ins cannot reach refuses
  the class (``unguarded_eval``).

A refusal raises :class:`RefusedError` (a ``RegistrationError``) with a
``reason`` and leaves the registry as it was.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bootcamp.compat import tagged_json
from bootcamp.compat.ib_checkout import Checkout, load_checkout
from bootcamp.compat.ib_guard import Guard, scan
from bootcamp.extension import RegistrationError
from bootcamp.extract import strip_thinking
from bootcamp.registry import REGISTRY, Registry
from bootcamp.task import Task
from bootcamp.types import Score, invalid

__all__ = ["Checkout", "InternBootcampTask", "RefusedError", "load_checkout", "wrap_internbootcamp"]

#: Longest response text handed to a foreign ``extract_output`` (their regexes are not all linear).
MAX_FOREIGN_CHARS = 20_000
#: The seed the shared instance is built under (randomness in ``__init__`` is the same in every process).
CONSTRUCTION_SEED = 0
#: Seeds the wrap-time probes generate from.
PROBE_SEEDS = (11, 12, 13)
#: Seeds :func:`bootcamp.check_task` runs at wrap time.
CHECK_SEEDS = 6

NOT_DETERMINISTIC = "not_deterministic"
IDENTITY_NOT_ENCODABLE = "identity_not_encodable"
IDENTITY_ROUND_TRIP = "identity_round_trip"
PROMPT_DEPENDS_ON_HISTORY = "prompt_depends_on_history"
PROMPT_IGNORES_IDENTITY = "prompt_ignores_identity"
RAISES = "raises"
FAILS_CHECK = "fails_check"
UNGUARDED_EVAL = "unguarded_eval"


class RefusedError(RegistrationError):
    """An outside class that cannot be made a conforming task; ``reason`` says which check failed."""

    def __init__(self, task_id: str, reason: str, detail: str) -> None:
        self.task_id = task_id
        self.reason = reason
        self.detail = detail
        super().__init__(f"{task_id}: refused ({reason}): {detail}")


def _seed_from(identity: dict[str, Any]) -> int:
    text = json.dumps(identity, sort_keys=True, ensure_ascii=True)
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _numpy() -> Any:
    import sys

    return sys.modules.get("numpy")


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Python's and numpy's global generators seeded with ``seed``; the caller's states restored after."""
    state = random.getstate()
    np = _numpy()
    np_state = np.random.get_state() if np is not None else None
    random.seed(seed)
    if np is not None:
        np.random.seed(seed % (1 << 32))
    try:
        yield
    finally:
        random.setstate(state)
        np_after = _numpy()
        if np_state is not None:
            np.random.set_state(np_state)
        elif np_after is not None:  # numpy was first imported inside: leave it as a fresh process has it
            np_after.random.seed()


def _reseed(value: Any, seed: int) -> None:
    if isinstance(value, random.Random):
        value.seed(seed)
        return
    np = _numpy()
    if np is None:
        return
    if isinstance(value, np.random.Generator):
        bitgen = value.bit_generator
        bitgen.state = type(bitgen)(seed).state
    elif isinstance(value, np.random.RandomState):
        value.seed(seed % (1 << 32))


def reseed_attributes(obj: Any, seed: int) -> None:
    """Seed every generator attribute of ``obj`` and of its classes with ``seed``."""
    seen: set[int] = set()
    holders = [vars(obj)] if hasattr(obj, "__dict__") else []
    holders += [vars(k) for k in type(obj).__mro__ if k is not object]
    for holder in holders:
        for value in list(holder.values()):
            if id(value) not in seen:
                seen.add(id(value))
                _reseed(value, seed)


class InternBootcampTask(Task):
    """A task backed by an InternBootCamp-style class (set by :func:`wrap_internbootcamp`)."""

    bootcamp_cls: Any = None
    bootcamp_kwargs: dict[str, Any] = {}
    solver: Callable[[Any], str] | None = None
    default_params: dict[str, Any] = {}
    #: Build a fresh bootcamp instance per generated case (set by the wrap-time probes when needed).
    fresh_instance: bool = False
    #: How another process builds this class again (see :func:`rebuild_wrapped`); None when it cannot.
    rebuild_spec: dict[str, Any] | None = None
    #: Whether the class's scoring path evaluates text, and the uses found (see :mod:`bootcamp.compat.ib_guard`).
    evaluating: bool = False
    evaluating_calls: tuple[str, ...] = ()
    guard: Guard = Guard()

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        self._bootcamp = self._build()

    def _build(self) -> Any:
        with _seeded(CONSTRUCTION_SEED):
            return self.bootcamp_cls(**{**self.bootcamp_kwargs, **self.params})

    def case(self, seed: int) -> Any:
        """The bootcamp's own case for a 32-bit seed (not encoded)."""
        with self.guard.exclusive(), _seeded(seed):  # no scoring stand-ins in force meanwhile
            bootcamp = self._build() if self.fresh_instance else self._bootcamp
            reseed_attributes(bootcamp, seed)
            return bootcamp.case_generator()

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return tagged_json.encode_identity(self.case(rng.getrandbits(32)))

    def decode(self, identity: dict[str, Any]) -> Any:
        """The case an identity stands for, as the bootcamp generated it (tuples are tuples again)."""
        return tagged_json.decode(identity)

    def prompt_of_case(self, case: Any, identity: dict[str, Any]) -> str:
        with self.guard.exclusive(), _seeded(_seed_from(identity)):
            return str(self._bootcamp.prompt_func(case))

    def prompt(self, identity: dict[str, Any]) -> str:
        return self.prompt_of_case(self.decode(identity), identity)

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
            with self.guard.active():
                judged = self._bootcamp._verify_correction(solution, self.decode(identity))
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
        return self.solver(self.decode(identity))

    def format_answer(self, answer: str) -> str:
        return answer  # the solver already writes the bootcamp's own answer format

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return []

    def _extract(self, text: str) -> Any:
        try:
            with self.guard.active():
                return self._bootcamp.extract_output(text)
        except Exception:  # noqa: BLE001 - foreign extractor on model output: no answer
            return None


def _short(value: Any, n: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= n else text[: n - 3] + "..."


def _probe_generation(task: InternBootcampTask) -> list[tuple[int, Any, dict[str, Any]]] | None:
    """Cases of :data:`PROBE_SEEDS`; None when the same seed gives another case after other seeds ran."""
    a, b, c = PROBE_SEEDS
    order = [a, b, c, a, c, b]
    seen: dict[int, Any] = {}
    out = []
    for seed in order:
        case = task.case(seed)
        try:
            identity = tagged_json.encode_identity(case)
        except TypeError as exc:
            raise RefusedError(task.task_id, IDENTITY_NOT_ENCODABLE, str(exc)) from None
        if seed in seen:
            if seen[seed] != identity:
                return None
        else:
            seen[seed] = identity
            out.append((seed, case, identity))
    return out


def _probe(task: InternBootcampTask) -> None:
    """Refuse ``task`` (raise :class:`RefusedError`) unless it is deterministic and its prompts are faithful."""
    tid = task.task_id
    try:
        cases = _probe_generation(task)
        if cases is None:
            type(task).fresh_instance = True
            cases = _probe_generation(task)
    except RefusedError:
        raise
    except Exception as exc:  # noqa: BLE001 - their generator crashing is a refusal, with its message
        raise RefusedError(tid, RAISES, f"case_generator raised {type(exc).__name__}: {exc}"[:300]) from None
    if cases is None:
        raise RefusedError(tid, NOT_DETERMINISTIC, "two generations with the same seed differ, with a seeded "
                           "random, numpy and generator attributes, and with a fresh instance per seed")
    for _seed, case, identity in cases:
        decoded = tagged_json.decode(identity)
        if not tagged_json.same(decoded, case):
            raise RefusedError(tid, IDENTITY_ROUND_TRIP, f"the case {_short(case)} decodes as {_short(decoded)}")
    try:
        direct = [task.prompt_of_case(case, identity) for _s, case, identity in cases]
        first = [task.prompt(identity) for _s, _c, identity in cases]
        for seed, _c, _i in reversed(cases):  # generate in another order, then prompt again
            task.case(seed)
        second = [task.prompt(identity) for _s, _c, identity in reversed(cases)][::-1]
    except Exception as exc:  # noqa: BLE001
        raise RefusedError(tid, RAISES, f"prompt_func raised {type(exc).__name__}: {exc}"[:300]) from None
    for (_s, case, _i), p_direct, p1, p2 in zip(cases, direct, first, second, strict=True):
        if p1 != p2:
            raise RefusedError(tid, PROMPT_DEPENDS_ON_HISTORY, "the prompt of one case changed after other cases "
                               f"were generated: {_short(p1)} then {_short(p2)}")
        if p_direct != p1:
            raise RefusedError(tid, IDENTITY_ROUND_TRIP, f"the prompt of {_short(case)} changes after the JSON "
                               f"round trip: {_short(p_direct)} became {_short(p1)}")
    distinct = {json.dumps(i, sort_keys=True) for _s, _c, i in cases}
    if len(distinct) > 1 and len(set(first)) == 1:
        raise RefusedError(tid, PROMPT_IGNORES_IDENTITY, f"different cases get the same prompt {_short(first[0])}")
    for p in first:
        if not p.strip():
            raise RefusedError(tid, PROMPT_IGNORES_IDENTITY, "prompt_func returned an empty prompt")


def wrap_internbootcamp(
    bootcamp_cls: type,
    task_id: str,
    solver: Callable[[Any], str],
    description: str | None = None,
    params: dict[str, Any] | None = None,
    registry: Registry | None = None,
    check: bool = True,
) -> type[Task]:
    """Register an InternBootCamp-style class as task ``task_id``; returns the generated task class.

    Args:
        bootcamp_cls: a class with ``case_generator``, ``prompt_func``, ``extract_output``
            and ``_verify_correction``.
        task_id: the id to register, ``domain/name``.
        solver: the decoded identity (the case as ``case_generator`` made it) -> the text of a
            correct response, in the bootcamp's answer format.
        description: one line for the catalogue (default: the class docstring).
        params: keyword arguments for the bootcamp's constructor (its difficulty knobs).
        registry: where to register (default: the global registry).
        check: run :func:`bootcamp.check_task` (no hostile answers) before registering.

    Raises:
        RefusedError: the class cannot be made deterministic or faithful (see the module doc),
            fails the conformance check, or evaluates text where the strict stand-ins cannot
            reach; nothing is registered.
        RegistrationError: the class lacks a method, or the id is bad or taken.
    """
    missing = [m for m in ("case_generator", "prompt_func", "extract_output", "_verify_correction")
               if not callable(getattr(bootcamp_cls, m, None))]
    if missing:
        raise RegistrationError(f"{task_id}: {bootcamp_cls!r} lacks {', '.join(missing)}")
    params = dict(params or {})
    guard = scan(bootcamp_cls)
    if guard.unguarded:
        raise RefusedError(task_id, UNGUARDED_EVAL, "its scoring path evaluates text by a route the strict "
                           f"stand-ins cannot replace: {', '.join(guard.unguarded)}"[:300])
    doc = (bootcamp_cls.__doc__ or "").strip().split("\n")[0]
    cls = type(
        f"InternBootcamp_{bootcamp_cls.__name__}",
        (InternBootcampTask,),
        {
            "bootcamp_cls": bootcamp_cls,
            "bootcamp_kwargs": {},
            "solver": staticmethod(solver),
            "default_params": params,
            "fresh_instance": False,
            "evaluating": guard.evaluating,
            "evaluating_calls": guard.found,
            "guard": guard,
            "description": description or doc or f"InternBootCamp {bootcamp_cls.__name__}",
            "rebuild_spec": _rebuild_spec(bootcamp_cls, task_id, solver, description, params),
            "__module__": __name__,
        },
    )
    try:
        task = cls(task_id)
    except Exception as exc:  # noqa: BLE001
        raise RegistrationError(f"{task_id}: cannot build {bootcamp_cls.__name__}: {exc}") from exc
    _probe(task)
    if check:
        from bootcamp.checker import check_task
        from bootcamp.compat.rg_validation import no_cross_process

        # A generated class cannot be imported by reference: a fresh process rebuilds it from its
        # ``rebuild_spec`` (the bootcamp class and the solver by reference), where they can be imported.
        same = {} if cls.rebuild_spec is not None else no_cross_process(check_task)
        report = check_task(cls(task_id), seeds=CHECK_SEEDS, hostile=False, quality_seeds=0, **same)
        if not report.passed:
            raise RefusedError(task_id, FAILS_CHECK, "; ".join(report.failures[:2])[:300])
    reg = registry if registry is not None else REGISTRY
    reg.register(cls, task_id, {}, description, source="internbootcamp")
    return cls


def _rebuild_spec(bootcamp_cls: type, task_id: str, solver: Callable[[Any], str], description: str | None,
                  params: dict[str, Any]) -> dict[str, Any] | None:
    """How another process builds the same wrapped class (:func:`rebuild_wrapped`), or None when the
    bootcamp class or the solver cannot be imported by reference there (a lambda, a local class)."""
    from bootcamp.checker_process import class_path

    paths = class_path(bootcamp_cls), class_path(solver)  # type: ignore[arg-type]
    if None in paths:
        return None
    try:
        plain = json.loads(json.dumps(params))
    except (TypeError, ValueError):
        return None
    if plain != params:
        return None
    return {"factory": f"{__name__}:rebuild_wrapped",
            "kwargs": {"bootcamp_cls": paths[0], "solver": paths[1], "task_id": task_id,
                       "description": description, "params": plain}}


def rebuild_wrapped(bootcamp_cls: str, solver: str, task_id: str, description: str | None = None,
                    params: dict[str, Any] | None = None) -> type[Task]:
    """The class :func:`wrap_internbootcamp` made, built again from references (``module:Qualname``)
    in another process, e.g. the checker's fresh one; registered in a private registry, unchecked."""
    from bootcamp.checker_process import _import_class

    return wrap_internbootcamp(_import_class(bootcamp_cls), task_id, _import_class(solver), description, params,
                               registry=Registry(load_plugins=False), check=False)
