"""The rewards-side registry of reward kinds: how the router scores a part of each kind.

The SDK declares kind *names* (``bootcamp.register_reward_kind``) so that task
specs can be validated without importing ``rewards``; this module maps each
name to its implementation. An implementation is a :class:`RewardKind`
subclass registered with :func:`register_kind`; it gets every part of its kind
that is due in one phase of a batch, as :class:`rewards.items.PartJob` records,
and returns one :class:`bootcamp.Part` per job.

Third-party implementations are found through the ``bootcamp.reward_kinds``
entry-point group (a module that registers on import, or a callable called with
no arguments), loaded the first time a kind has no implementation.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from bootcamp.registry import Registry
from bootcamp.rewardspec import RewardPart, check_reward_kind, reward_kinds
from bootcamp.types import Part
from rewards.items import PartJob

if TYPE_CHECKING:
    from rewards.pool import SandboxPool

ENTRY_POINT_GROUP = "bootcamp.reward_kinds"

K = TypeVar("K", bound="type[RewardKind]")


@dataclass
class KindContext:
    """What an implementation may use: the router's pool, registry and reward-model backends.

    Attributes:
        registry: where the batch's task ids were looked up (the pool resolves them there too).
        pool: the sandbox pool for CPU verifiers, or None to run them in this process.
        backends: reward-model backends by name; a value with ``resolve()`` loads on first use.
        model_timeout: seconds one batched reward-model call may take.
    """

    registry: Registry
    pool: SandboxPool | None = None
    backends: Mapping[str, Any] = field(default_factory=dict)
    model_timeout: float = 60.0

    def backend(self, name: str) -> Any:
        """The backend called ``name`` (resolved, so this may load a model), or None."""
        obj = self.backends.get(name)
        resolve = getattr(obj, "resolve", None)
        return resolve() if callable(resolve) else obj


class RewardKind:
    """How the router scores the parts of one reward kind.

    Subclasses set nothing by hand: :func:`register_kind` sets ``name``. They implement
    :meth:`score`, either ``async def`` or plain ``def`` (a plain one runs on a worker
    thread, so it may block). Raising fails every part of the call with
    ``verifier_error``; the rest of the batch goes on.
    """

    #: The kind's name, as reward specs write it (set by :func:`register_kind`).
    name: ClassVar[str] = ""

    def group_key(self, part: RewardPart) -> Hashable:
        """Parts due in the same phase with equal keys are scored in one call.

        The default batches by kind and backend (``options["backend"]``, else the kind).
        Kinds that return the same key share one call, made by the first job's kind: they
        must be interchangeable for it (``rule`` and ``checker`` both run the task's
        verifier, once per item).
        """
        return (self.name, backend_name(part))

    def score(self, jobs: list[PartJob], ctx: KindContext) -> Any:
        """Score ``jobs`` (one per due part); return one :class:`bootcamp.Part` per job, in order."""
        raise NotImplementedError

    def batch_dependent(self, part: RewardPart) -> bool:
        """Whether a part's score depends on the rest of its batch (e.g. a within-group rank).

        Verdicts with such a part are never cached nor shared between duplicate requests.
        """
        return False


_lock = threading.Lock()
_IMPLS: dict[str, RewardKind] = {}
_plugins_loaded = False
plugin_errors: dict[str, str] = {}


def register_kind(name: str) -> Callable[[K], K]:
    """Class decorator: register a :class:`RewardKind` subclass as the implementation of ``name``.

    Args:
        name: a kind declared in the SDK (``bootcamp.register_reward_kind``).

    Raises:
        ValueError: the kind is not declared (the message lists the declared kinds), the class
            is not a ``RewardKind``, or another class already implements the kind.
    """
    check_reward_kind(name)

    def deco(cls: K) -> K:
        if not (inspect.isclass(cls) and issubclass(cls, RewardKind)):
            raise ValueError(f"reward kind {name!r}: {cls!r} is not a subclass of rewards.kinds.RewardKind")
        with _lock:
            prev = _IMPLS.get(name)
            if prev is not None and type(prev) is not cls:
                raise ValueError(f"reward kind {name!r} is already implemented by "
                                 f"{type(prev).__module__}.{type(prev).__qualname__}")
            cls.name = name
            if prev is None:
                _IMPLS[name] = cls()
        return cls

    return deco


def get_kind(name: str) -> RewardKind | None:
    """The implementation of kind ``name``, or None (after looking through the plugins once)."""
    impl = _IMPLS.get(name)
    if impl is None and not _plugins_loaded:
        load_plugins()
        impl = _IMPLS.get(name)
    return impl


def implemented_kinds() -> list[str]:
    """The kinds that have an implementation, sorted."""
    return sorted(_IMPLS)


def missing_kind_message(name: str) -> str:
    """Why a part of kind ``name`` cannot be scored (it is declared but not implemented)."""
    hint = f"; plugin errors: {plugin_errors}" if plugin_errors else ""
    return (f"reward kind {name!r} is declared ({reward_kinds().get(name, '?')!r}) but has no implementation "
            f"in rewards (register one with rewards.kinds.register_kind); implemented: "
            f"{', '.join(implemented_kinds())}{hint}")


def load_plugins() -> None:
    """Load the ``bootcamp.reward_kinds`` entry points once; a broken one is recorded, not fatal."""
    global _plugins_loaded
    with _lock:
        if _plugins_loaded:
            return
        _plugins_loaded = True
        eps = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    for ep in eps:
        try:
            target = ep.load()
            if callable(target) and not inspect.ismodule(target):
                target()
        except Exception as exc:  # noqa: BLE001 - one broken plugin must not hide the rest
            plugin_errors[ep.name] = f"{type(exc).__name__}: {exc}"


def backend_name(part: RewardPart) -> str:
    """The backend a part uses: ``options["backend"]``, else its kind."""
    return str(part.options.get("backend") or part.kind)


def failed_parts(jobs: list[PartJob], reason: str, latency_ms: float = 0.0) -> list[Part]:
    """One failed part per job."""
    return [job.failed(reason, latency_ms) for job in jobs]
