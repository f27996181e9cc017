"""The ``bootcamp train`` command (added to the CLI through the bootcamp.commands entry point)."""

from typing import Annotated, Any

import typer  # light; already imported by the root CLI


def add_commands(app: Any) -> None:
    """Add the training commands to the root CLI app."""

    @app.command("train")
    def train(
        config: Annotated[str, typer.Argument(help="Job config (YAML), e.g. examples/quickstart.yaml.")],
        output: Annotated[str | None, typer.Option("--output", "-o", help="Run folder (default runs/<name>-<time>).")] = None,
        address: Annotated[str | None, typer.Option(help="Join this Ray cluster instead of starting one.")] = None,
        resume: Annotated[bool, typer.Option("--resume", help="Continue from the run folder's last checkpoint.")] = False,
        steps: Annotated[int | None, typer.Option(help="Override the number of RL steps.")] = None,
        set_: Annotated[list[str] | None, typer.Option("--set", help=(
            "Override a config field, KEY=VALUE with a dotted key and a YAML value "
            "(e.g. --set warmup.steps=5 --set rollout.engine=hf); repeatable."))] = None,
    ) -> None:
        """Run an online RL job: rollout actors, FSDP2 learners, weight sync, eval before and after."""
        import json
        import os
        import time
        import warnings
        from pathlib import Path

        from rich.console import Console

        from learner.config import ConfigDeprecationWarning, load_config, parse_overrides

        err = Console(stderr=True)
        error: Exception | None = None
        # Shown to the user: Python hides DeprecationWarnings (here: a renamed config key) outside __main__.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConfigDeprecationWarning)
            try:
                overrides = parse_overrides(set_ or [])
                if steps is not None:
                    overrides["steps"] = steps
                cfg = load_config(config, overrides)
            except (ValueError, FileNotFoundError) as exc:
                error = exc
        for w in caught:
            err.print(f"[yellow]warning:[/yellow] {w.message}")
        if error is not None:
            err.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2)
        if output is None and resume:
            runs = sorted(Path("runs").glob(f"{cfg.name}-*"))
            if not runs:
                err.print(f"[red]error:[/red] --resume: no runs/{cfg.name}-* folder; pass --output")
                raise typer.Exit(2)
            output = str(runs[-1])
        output = output or f"runs/{cfg.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import torch

        from learner.trainer import Trainer

        torch.set_num_threads(1)
        t0 = time.perf_counter()
        result = Trainer(cfg, output, resume=resume, address=address).run()
        ev = result["eval"]
        err.print(f"run folder: {output}  ({time.perf_counter() - t0:.0f} s)")
        if "before" in ev and "after" in ev:
            err.print(f"eval mean reward: before RL {ev['before']['mean_reward']:.3f} -> "
                      f"after {ev['after']['mean_reward']:.3f}")
        print(json.dumps({"output": output, "eval": {k: v.get("mean_reward") for k, v in ev.items()}}))
