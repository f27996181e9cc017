"""Rollout engines, one module per engine, and the registry ``rollout.engine`` is looked up in.

An engine is a class that follows :class:`rollout.engine.Engine`, built as
``cls(model_path, options)``, with an ``Options`` pydantic model (a subclass of
:class:`EngineOptions`, unknown fields forbidden) declaring what it takes. A new
engine is one new module here plus a test::

    from rollout.engines import EngineOptions, register_engine

    class EchoOptions(EngineOptions):
        reply: str = "42"

    @register_engine("echo")
    class EchoEngine:
        Options = EchoOptions

        def __init__(self, model_path: str, options: EchoOptions) -> None: ...
        def generate(self, prompts, n, temperature, top_p, max_tokens, seed): ...
        def load_weights(self, state): ...

Modules here are imported to validate a job config, so they import their heavy
libraries (vllm, torch, transformers) inside functions.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bootcamp.extension import ExtensionRegistry, RegistrationError, UnknownNameError
from rollout.engine import Engine

ENTRY_POINT_GROUP = "bootcamp.engines"


class EngineOptions(BaseModel):
    """What every engine takes; the rollout section of a job config sets these for each actor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_model_len: int = Field(256, ge=16, description="Prompt plus response tokens.")
    seed: int = Field(0, description="The engine's own seed (each generate call also gets one).")
    device: str = Field("cpu", description="`cpu` or `cuda` (from rollout.num_gpus_per_actor).")

    def worker_env(self) -> dict[str, str]:
        """Environment variables every Ray worker of the job needs for this engine."""
        return {}


#: Option names the rollout section sets for every engine (not in ``rollout.engine_options``).
COMMON_OPTIONS: tuple[str, ...] = tuple(EngineOptions.model_fields)

ENGINES: ExtensionRegistry[type[Any]] = ExtensionRegistry("rollout engine", "rollout.engine", package=__name__,
                                        entry_points=ENTRY_POINT_GROUP)


def register_engine(name: str) -> Any:
    """Class decorator: register an engine under ``name`` (it needs an ``Options`` model)."""

    def decorate(cls: type[Any]) -> type[Any]:
        options = getattr(cls, "Options", None)
        if not (isinstance(options, type) and issubclass(options, EngineOptions)):
            raise RegistrationError(f"rollout engine {name!r}: {cls.__name__}.Options must subclass EngineOptions")
        return ENGINES.add(name, cls)

    return decorate


def engine_options(kind: str, options: dict[str, Any]) -> EngineOptions:
    """``options`` validated against engine ``kind``'s ``Options`` model.

    Raises:
        ValueError: an unknown engine, or an option the engine does not take or that is out of
            range; the message names it as the config does, ``rollout.engine_options.{kind}.{option}``.
    """
    cls = ENGINES.get(kind)
    model: type[EngineOptions] = cls.Options
    try:
        return model.model_validate(options)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"rollout.engine_options.{kind}.{where}: {err['msg']} (engine {kind!r} takes: "
                         f"{', '.join(sorted(model.model_fields))})") from None


def make_engine(kind: str, model_path: str, **options: Any) -> Engine:
    """Build engine ``kind`` for ``model_path``; ``options`` are checked against its ``Options`` model."""
    cls = ENGINES.get(kind)
    return cls(model_path, engine_options(kind, options))


__all__ = ["COMMON_OPTIONS", "ENGINES", "ENTRY_POINT_GROUP", "EngineOptions", "RegistrationError",
           "UnknownNameError", "engine_options", "make_engine", "register_engine"]
