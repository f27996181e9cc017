"""Ray Serve deployment of the reward service (``deploy/serve.yaml``).

``build(args)`` is a Ray Serve application builder: ``args`` are
:class:`rewards.service.Settings` fields. Each replica builds its own app (its
own verifier pool) when it starts; replicas share the cache through Redis.
"""

from __future__ import annotations

from typing import Any


def build(args: dict[str, Any] | None = None) -> Any:
    """The Ray Serve application for ``serve run rewards.serve_deployment:build``."""
    from ray import serve

    from rewards.service.settings import Settings

    args = dict(args or {})
    num_replicas = int(args.pop("num_replicas", 1))
    settings = Settings.model_validate(args)

    def make_app() -> Any:
        # Evaluated in the replica: the pool and the cache client must not be pickled.
        from rewards.service.app import create_app

        return create_app(settings)

    @serve.deployment(name="bootcamp-rewards", num_replicas=num_replicas,
                      ray_actor_options={"num_cpus": max(1, settings.pool_workers)})
    @serve.ingress(make_app)
    class RewardService:
        pass

    return RewardService.bind()
