"""Ray Serve deployment of the reward service (``deploy/serve.yaml``).

``build(args)`` is a Ray Serve application builder: ``args`` are
:class:`rewards.service.Settings` fields plus two deployment options,
``num_replicas`` (default 1) and ``replica_cpus`` (CPUs Ray reserves for each
replica; default ``max(1, pool_workers)``, since a replica's verifier pool keeps
that many worker processes busy). Each replica builds its own app (its own
verifier pool and reward-model backends) when it starts; replicas share the
verdict cache through Redis when ``redis_url`` is set.

Start it with ``serve run deploy/serve.yaml``, or from Python::

    from ray import serve
    from rewards.serve_deployment import build

    serve.start(http_options={"host": "127.0.0.1", "port": 8000})
    serve.run(build({"num_replicas": 2, "pool_workers": 2}), name="bootcamp-rewards", route_prefix="/")

Running ``serve.run`` again with another ``num_replicas`` scales the deployment
in place.
"""

from __future__ import annotations

import math
from typing import Any

#: The deployment's name in ``serve.status()``.
DEPLOYMENT_NAME = "bootcamp-rewards"


def deployment_options(args: dict[str, Any], pool_workers: int) -> tuple[int, float]:
    """Pop and check ``num_replicas`` and ``replica_cpus`` from ``args``.

    Raises:
        ValueError: ``num_replicas`` is not an integer of at least 1, or ``replica_cpus`` is not
            a finite number of at least 0.
    """
    raw_replicas = args.pop("num_replicas", 1)
    if isinstance(raw_replicas, bool) or not isinstance(raw_replicas, int | str):
        raise ValueError(f"num_replicas: want an integer of at least 1, got {raw_replicas!r}")
    try:
        num_replicas = int(raw_replicas)
    except ValueError:
        raise ValueError(f"num_replicas: want an integer of at least 1, got {raw_replicas!r}") from None
    if num_replicas < 1:
        raise ValueError(f"num_replicas: want an integer of at least 1, got {raw_replicas!r}")
    raw_cpus = args.pop("replica_cpus", None)
    if raw_cpus is None:
        return num_replicas, float(max(1, pool_workers))
    try:
        cpus = float(raw_cpus) if not isinstance(raw_cpus, bool) else math.nan
    except (TypeError, ValueError):
        cpus = math.nan
    if not math.isfinite(cpus) or cpus < 0:
        raise ValueError(f"replica_cpus: want a number of CPUs of at least 0, got {raw_cpus!r}")
    return num_replicas, cpus


def build(args: dict[str, Any] | None = None) -> Any:
    """The Ray Serve application for ``serve run rewards.serve_deployment:build``.

    Args:
        args: ``Settings`` fields, plus ``num_replicas`` and ``replica_cpus`` (see the module docstring).

    Raises:
        ValueError: a bad deployment option or setting (pydantic's error names the field).
    """
    from ray import serve

    from rewards.service.settings import Settings

    args = dict(args or {})
    workers = args.get("pool_workers", Settings.model_fields["pool_workers"].default)
    try:
        workers = int(workers)
    except (TypeError, ValueError):
        workers = 1  # Settings reports the bad value below
    num_replicas, replica_cpus = deployment_options(args, workers)
    settings = Settings.model_validate(args)

    def make_app() -> Any:
        # Evaluated in the replica: the pool and the cache client must not be pickled.
        from rewards.service.app import create_app

        return create_app(settings)

    @serve.deployment(name=DEPLOYMENT_NAME, num_replicas=num_replicas,
                      ray_actor_options={"num_cpus": replica_cpus})
    @serve.ingress(make_app)
    class RewardService:
        pass

    return RewardService.bind()
