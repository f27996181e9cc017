"""The ``bootcamp serve`` command (added to the CLI through the bootcamp.commands entry point)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

KEY_HELP = ("API keys are never taken on the command line (any local process can read it from "
            "/proc/<pid>/cmdline): put them in a file, one a line, and pass --api-key-file PATH "
            "(or set BOOTCAMP_API_KEY_FILE), or set BOOTCAMP_API_KEYS.")


def _refuse_api_key(value: list[str] | None) -> None:
    if value:
        raise typer.BadParameter(KEY_HELP, param_hint="'--api-key'")


def _describe(exc: ValueError) -> str:
    """The error without the offending values (they may be keys)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'settings'}: {e['msg']}"
                         for e in exc.errors(include_input=False, include_url=False))
    return str(exc)


def add_commands(app: Any) -> None:
    """Add the reward-service commands to the root CLI app."""

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        redis_url: Annotated[str | None, typer.Option(help="Redis URL for the shared cache and limits.")] = None,
        workers: Annotated[int, typer.Option(help="uvicorn worker processes behind the port.")] = 1,
        pool_workers: Annotated[int | None, typer.Option(help="Verifier processes per service worker [2].")] = None,
        timeout: Annotated[float | None, typer.Option(help="Hard limit in seconds on one verdict [2.0].")] = None,
        api_key_file: Annotated[str | None, typer.Option(
            help="File of accepted bearer keys, one a line (or BOOTCAMP_API_KEY_FILE / BOOTCAMP_API_KEYS).")] = None,
        api_key: Annotated[list[str] | None, typer.Option(
            "--api-key", hidden=True, callback=_refuse_api_key, help="Refused: use --api-key-file.")] = None,
        rate_limit: Annotated[float | None, typer.Option(help="Requests per second per key or IP (0: off).")] = None,
        rate_burst: Annotated[int | None, typer.Option(help="Burst above the rate limit [50].")] = None,
        protect_docs: Annotated[bool | None, typer.Option(
            "--protect-docs/--open-docs", help="Put /metrics, /docs and /openapi.json behind the key.")] = None,
        reward_model: Annotated[str | None, typer.Option(help="Local sequence-classification RM folder.")] = None,
        judge_url: Annotated[str | None, typer.Option(help="OpenAI-compatible judge API root.")] = None,
        judge_model: Annotated[str | None, typer.Option(help="Model name for the judge.")] = None,
        rewards_config: Annotated[str | None, typer.Option(
            help="A YAML/JSON file with `backends:` (reward models by name) and `spec_overrides:` "
                 "(reward specs by task-id glob); see docs/rewards.md.")] = None,
        log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    ) -> None:
        """Run the reward service (FastAPI + uvicorn). BOOTCAMP_* variables set what options do not.

        Examples:

          bootcamp serve --port 8000

          bootcamp serve --redis-url redis://127.0.0.1:6379/0 --workers 4 --api-key-file keys.txt

          bootcamp serve --rewards-config rewards.yaml
        """
        import os

        import uvicorn

        from rewards.service.settings import Settings

        given = {
            "redis_url": redis_url, "pool_workers": pool_workers, "verify_timeout_s": timeout,
            "api_key_file": api_key_file, "rate_limit_per_s": rate_limit, "rate_limit_burst": rate_burst,
            "protect_docs": protect_docs, "reward_model_path": reward_model, "judge_url": judge_url,
            "judge_model": judge_model,
        }
        try:
            if rewards_config:
                given.update(read_rewards_config(rewards_config))
            settings = Settings.from_env(host=host, port=port, **{k: v for k, v in given.items() if v is not None})
        except ValueError as exc:  # a bad key list must stop the start, with the reason and no traceback
            typer.echo(f"bootcamp serve: invalid settings: {_describe(exc)}", err=True)
            raise typer.Exit(2) from None
        missing = missing_model_folders(settings)
        if missing:
            for line in missing:
                typer.echo(f"bootcamp serve: {line}", err=True)
            raise typer.Exit(2)
        # Workers are separate processes: they rebuild the settings from the environment.
        os.environ.update(settings.to_env())
        uvicorn.run("rewards.service.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers if workers > 1 else None, log_level=log_level)


def missing_model_folders(settings: Any) -> list[str]:
    """The model folders the settings name that are not there (the reward model, backends' paths)."""
    from rewards.models.folders import backend_folder_errors, model_folder_error

    error = model_folder_error("--reward-model", settings.reward_model_path)
    return ([error] if error else []) + backend_folder_errors("backends.", settings.backends)


def read_rewards_config(path: str) -> dict[str, Any]:
    """``backends`` and ``spec_overrides`` from a YAML or JSON file (other keys are an error)."""
    import yaml

    try:
        with open(path) as f:
            data = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"--rewards-config {path}: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"backends", "spec_overrides"}:
        raise ValueError(f"--rewards-config {path}: want a mapping with only 'backends' and 'spec_overrides'")
    return {k: data[k] for k in ("backends", "spec_overrides") if data.get(k)}
