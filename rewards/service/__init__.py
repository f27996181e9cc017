"""The reward service: FastAPI app, settings, cache, metrics and request guards."""

from typing import Any

from rewards.service.settings import Settings


def create_app(settings: Settings | None = None, **kwargs: Any):  # noqa: ANN201 - FastAPI is imported lazily
    """Build the reward service app (see :func:`rewards.service.app.create_app` for ``backends``, ``registry``)."""
    from rewards.service.app import create_app as _create

    return _create(settings, **kwargs)


__all__ = ["Settings", "create_app"]
