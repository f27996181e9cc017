"""The ``bootcamp serve`` command (added to the CLI through the bootcamp.commands entry point)."""

from __future__ import annotations

from typing import Annotated, Any

import typer


def add_commands(app: Any) -> None:
    """Add the reward-service commands to the root CLI app."""

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        redis_url: Annotated[str | None, typer.Option(help="Redis URL for the shared verdict cache.")] = None,
        workers: Annotated[int, typer.Option(help="uvicorn worker processes behind the port.")] = 1,
        pool_workers: Annotated[int | None, typer.Option(help="Verifier processes per service worker [2].")] = None,
        timeout: Annotated[float | None, typer.Option(help="Hard limit in seconds on one verdict [2.0].")] = None,
        api_key: Annotated[list[str] | None, typer.Option("--api-key", help="Accepted bearer key (repeat).")] = None,
        rate_limit: Annotated[float | None, typer.Option(help="Requests per second per key (0: off).")] = None,
        reward_model: Annotated[str | None, typer.Option(help="Local sequence-classification RM folder.")] = None,
        judge_url: Annotated[str | None, typer.Option(help="OpenAI-compatible judge API root.")] = None,
        judge_model: Annotated[str | None, typer.Option(help="Model name for the judge.")] = None,
        log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    ) -> None:
        """Run the reward service (FastAPI + uvicorn). BOOTCAMP_* variables set what options do not."""
        import os

        import uvicorn

        from rewards.service.settings import Settings

        given = {
            "redis_url": redis_url, "pool_workers": pool_workers, "verify_timeout_s": timeout,
            "api_keys": list(api_key) if api_key else None, "rate_limit_per_s": rate_limit,
            "reward_model_path": reward_model, "judge_url": judge_url, "judge_model": judge_model,
        }
        settings = Settings.from_env(host=host, port=port, **{k: v for k, v in given.items() if v is not None})
        # Workers are separate processes: they rebuild the settings from the environment.
        os.environ.update(settings.to_env())
        uvicorn.run("rewards.service.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers if workers > 1 else None, log_level=log_level)
