"""Experiment trackers a job's metrics go to beside ``metrics.jsonl``: TensorBoard, Weights & Biases, MLflow.

One registry (:data:`TRACKERS`, an ``ExtensionRegistry`` of ``name -> factory``); a factory takes the tracker's config section
and returns an object with ``start(run_dir, config, name, resumed)``, ``log(step, scalars)`` and
``close()``. Every tracker gets the same scalars each step and the job's whole config once.
wandb and mlflow are optional extras (``pip install 'bootcamp[trackers]'``); both run offline
(``logging.wandb.mode: offline``, ``logging.mlflow.tracking_uri: file:...``) with nothing to sign in to.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from bootcamp.extension import ExtensionRegistry


class Tracker(Protocol):
    def start(self, run_dir: Path, config: dict[str, Any], name: str, resumed: bool) -> None: ...

    def log(self, step: int, scalars: dict[str, float]) -> None: ...

    def close(self) -> None: ...


#: Tracker factories by name (the key of the tracker's section under ``logging``).
TRACKERS: ExtensionRegistry[Callable[[dict[str, Any]], Tracker]] = ExtensionRegistry("experiment tracker", "logging")

#: The optional trackers (a ``logging`` section each, off when null) and the module each needs.
REQUIRES = {"wandb": "wandb", "mlflow": "mlflow"}


def missing_module(name: str) -> str | None:
    """A one-line error when tracker ``name`` needs a package this environment lacks (else None)."""
    import importlib.util

    module = REQUIRES.get(name)
    if module and importlib.util.find_spec(module) is None:
        return f"logging.{name}: the {module} package is not installed (pip install 'bootcamp[trackers]')"
    return None


def flatten(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}`` (lists and scalars kept as values)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, dict) and value:
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@TRACKERS.register("tensorboard")
class TensorBoardTracker:
    def __init__(self, options: dict[str, Any]) -> None:
        self.writer: Any = None

    def start(self, run_dir: Path, config: dict[str, Any], name: str, resumed: bool) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:  # tensorboard is optional: metrics.jsonl still has everything
            return
        self.writer = SummaryWriter(str(run_dir / "tensorboard"))

    def log(self, step: int, scalars: dict[str, float]) -> None:
        if self.writer is not None:
            for k, v in scalars.items():
                self.writer.add_scalar(k, v, step)
            self.writer.flush()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@TRACKERS.register("wandb")
class WandbTracker:
    """Options: ``project`` (default bootcamp), ``entity``, ``mode`` (online/offline, default offline:
    sync later with ``wandb sync``), ``tags``, ``group``; files under the run folder."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = dict(options)
        self.run: Any = None

    def start(self, run_dir: Path, config: dict[str, Any], name: str, resumed: bool) -> None:
        import wandb

        opts = self.options
        self.run = wandb.init(project=opts.get("project", "bootcamp"), entity=opts.get("entity"),
                              name=opts.get("name", name), group=opts.get("group"), tags=opts.get("tags"),
                              mode=opts.get("mode", "offline"), dir=str(run_dir), config=config,
                              id=_run_id(run_dir), resume="allow" if resumed else None, reinit="finish_previous")

    def log(self, step: int, scalars: dict[str, float]) -> None:
        if self.run is not None:
            self.run.log(scalars, step=step)

    def close(self) -> None:
        if self.run is not None:
            self.run.finish()
            self.run = None


_MLFLOW_BAD = re.compile(r"[^\w\-. /:]")


@TRACKERS.register("mlflow")
class MlflowTracker:
    """Options: ``tracking_uri`` (default ``file:<run folder>/mlruns``), ``experiment`` (default bootcamp)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = dict(options)
        self.active = False

    def start(self, run_dir: Path, config: dict[str, Any], name: str, resumed: bool) -> None:
        import mlflow

        uri = self.options.get("tracking_uri") or (run_dir / "mlruns").resolve().as_uri()
        if uri.startswith("file:"):  # a local file store: asked for, so allowed (mlflow wants the opt-in)
            os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        mlflow.set_tracking_uri(uri)
        mlflow.set_experiment(self.options.get("experiment", "bootcamp"))
        found = mlflow.search_runs(filter_string=f"tags.bootcamp_run = '{_run_id(run_dir)}'",
                                   output_format="list") if resumed else []
        if found:
            mlflow.start_run(run_id=found[0].info.run_id)
        else:
            mlflow.start_run(run_name=self.options.get("name", name), tags={"bootcamp_run": _run_id(run_dir)})
            params = {k: str(v)[:500] for k, v in flatten(config).items()}
            for i in range(0, len(params), 100):  # mlflow takes at most 100 params per call
                mlflow.log_params(dict(list(params.items())[i:i + 100]))
        self.active = True

    def log(self, step: int, scalars: dict[str, float]) -> None:
        if self.active:
            import mlflow

            mlflow.log_metrics({_MLFLOW_BAD.sub("_", k): v for k, v in scalars.items()}, step=step)

    def close(self) -> None:
        if self.active:
            import mlflow

            mlflow.end_run()
            self.active = False


def _run_id(run_dir: Path) -> str:
    """A stable id of the run folder (a resumed run continues the same tracker run)."""
    import hashlib

    return hashlib.sha256(str(Path(run_dir).resolve()).encode()).hexdigest()[:16]


def build_trackers(logging: Any) -> list[Tracker]:
    """The trackers a job's ``logging`` section turns on, TensorBoard first."""
    out: list[Tracker] = []
    if logging.tensorboard:
        out.append(TRACKERS.get("tensorboard")({}))
    for name in REQUIRES:
        options = getattr(logging, name)
        if options is not None:
            out.append(TRACKERS.get(name)(options))
    return out
