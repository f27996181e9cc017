"""Whether a model folder a job or the service is pointed at is there, checked before anything loads it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def model_folder_error(key: str, value: str | None, must: str = "config.json") -> str | None:
    """An error for a model folder that is not there (None when it is, or when ``value`` names a hub id
    that this machine may download)."""
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_dir():
        if must and not (path / must).exists():
            return f"{key}: {value} has no {must} (not a transformers model folder)"
        return None
    hub_like = value.count("/") == 1 and not value.startswith((".", "/", "~")) and os.sep == "/"
    if hub_like and os.environ.get("HF_HUB_OFFLINE", "") not in ("1", "true", "True") and not path.exists():
        return None  # a hub id (org/name): resolved by transformers when the model loads
    return f"{key}: {value} does not exist (give a transformers model folder)"


def backend_folder_errors(prefix: str, backends: dict[str, Any] | None) -> list[str]:
    """Errors for the model folders reward backends name (``path``, and a launched server's
    ``launch.model``), each named by its key under ``prefix`` (e.g. ``rewards.backends.rm.path``)."""
    errors = []
    for name, spec in (backends or {}).items():
        if not isinstance(spec, dict):
            continue
        launch = spec.get("launch")
        for key, value in ((f"{prefix}{name}.path", spec.get("path")),
                           (f"{prefix}{name}.launch.model", launch.get("model") if isinstance(launch, dict) else None)):
            if isinstance(value, str):
                errors.append(model_folder_error(key, value))
    return [e for e in errors if e]
