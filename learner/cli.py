"""The ``bootcamp train`` and ``bootcamp eval`` commands (added to the CLI through the bootcamp.commands entry point)."""

from typing import Annotated, Any

import typer  # light; already imported by the root CLI


def _load_job(config: str, set_: list[str] | None, extra: dict[str, Any] | None = None) -> Any:
    """The validated job config, or exit 2 with the error (deprecation warnings are shown)."""
    import warnings

    from rich.console import Console
    from rich.markup import escape

    from learner.config import ConfigDeprecationWarning, load_config, parse_overrides

    err = Console(stderr=True)
    error: Exception | None = None
    cfg = None
    # Shown to the user: Python hides DeprecationWarnings (here: a renamed config key) outside __main__.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConfigDeprecationWarning)
        try:
            overrides = parse_overrides(set_ or [])
            overrides.update(extra or {})
            cfg = load_config(config, overrides)
        except (ValueError, FileNotFoundError) as exc:
            error = exc
    for w in caught:
        err.print(f"[yellow]warning:[/yellow] {w.message}")
    if error is not None:
        err.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2)
    return cfg


def _eval_table(result: dict[str, Any]) -> Any:
    """A rich table: per task, then per domain, then all: greedy reward and pass rate, pass@k, mean@n."""
    from rich.table import Table

    sampled = result.get("sampled") or {}
    cols = [k for k in (sampled.get("all") or {}) if k.startswith(("pass@", "mean@"))]
    table = Table(title=f"eval (policy version {result['policy_version']}: weight updates the engines got, warm-up "
                        f"included; {result['n']} problems)")
    longest = max(len(n) for n in [*result["per_task"], "all"])
    table.add_column("task", no_wrap=True, min_width=longest)
    for name in ("greedy reward", "greedy pass", *cols):
        table.add_column(name, justify="right", no_wrap=True)

    def row(name: str, reward: float, passed: float, sampled_row: dict[str, float] | None, end: bool = False) -> None:
        cells = [f"{(sampled_row or {}).get(c, float('nan')):.3f}" for c in cols]
        table.add_row(name, f"{reward:.3f}", f"{passed:.3f}", *cells, end_section=end)

    tasks = list(result["per_task"])
    for i, t in enumerate(tasks):
        row(t, result["per_task"][t], result["per_task_pass_rate"][t], (sampled.get("per_task") or {}).get(t),
            end=i == len(tasks) - 1)
    domains = list(result["per_domain"])
    for i, d in enumerate(domains):
        row(f"{d}/*", result["per_domain"][d], result["per_domain_pass_rate"][d],
            (sampled.get("per_domain") or {}).get(d), end=i == len(domains) - 1)
    row("all", result["mean_reward"], result["pass_rate"], sampled.get("all"))
    return table


def add_commands(app: Any) -> None:
    """Add the training and evaluation commands to the root CLI app."""

    @app.command("train")
    def train(
        config: Annotated[str, typer.Argument(help="Job config (YAML), e.g. examples/quickstart.yaml.")],
        output: Annotated[str | None, typer.Option("--output", "-o", help="Run folder (default runs/<name>-<time>).")] = None,
        address: Annotated[str | None, typer.Option(help="Join this Ray cluster instead of starting one.")] = None,
        resume: Annotated[bool, typer.Option("--resume", help="Continue from the run folder's last checkpoint.")] = False,
        overwrite: Annotated[bool, typer.Option("--overwrite", help=(
            "Clear the run folder first if it holds a run (without it, an existing run is refused)."))] = False,
        resume_or_start: Annotated[bool, typer.Option("--resume-or-start", help=(
            "Continue from the last checkpoint if the run folder has one, else start a fresh run there."))] = False,
        steps: Annotated[int | None, typer.Option(help="Override the number of RL steps.")] = None,
        set_: Annotated[list[str] | None, typer.Option("--set", help=(
            "Override a config field, KEY=VALUE with a dotted key and a YAML value "
            "(e.g. --set warmup.steps=5 --set rollout.engine=hf); repeatable."))] = None,
    ) -> None:
        """Run an online RL job: rollout actors, FSDP2 learners, weight sync, eval before and after.

        Examples:

          bootcamp train examples/quickstart.yaml

          bootcamp train examples/quickstart.yaml --output runs/q1 --steps 50 --set rollout.engine=hf

          bootcamp train examples/quickstart.yaml --output runs/q1 --resume
        """
        import json
        import os
        import time
        from pathlib import Path

        from rich.console import Console
        from rich.markup import escape

        err = Console(stderr=True)
        cfg = _load_job(config, set_, {"steps": steps} if steps is not None else None)
        if output is None and (resume or resume_or_start):
            runs = sorted(Path("runs").glob(f"{cfg.name}-*"))
            if not runs and resume:
                err.print(f"[red]error:[/red] --resume: no runs/{cfg.name}-* folder; pass --output")
                raise typer.Exit(2)
            output = str(runs[-1]) if runs else None
        output = output or f"runs/{cfg.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        from bootcamp.registry import REGISTRY, UnknownTaskError
        from learner.preflight import PreflightError, check_job, prepare_run_folder

        # Everything a plain mistake can break, before Ray or a model starts (and before the run folder).
        problems = check_job(cfg, REGISTRY)
        for line in problems:
            err.print(f"[red]error:[/red] {escape(line)}", soft_wrap=True)
        if problems:
            raise typer.Exit(2)
        try:
            resume = prepare_run_folder(output, resume, overwrite, resume_or_start)
        except PreflightError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(2) from None
        from learner.announce import restart_clock

        restart_clock()
        err.print(f"run folder: {output}  ({'resuming' if resume else 'new run'}; "
                  f"tensorboard --logdir {Path(output) / 'tensorboard'})")
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import torch

        from learner.trainer import Trainer

        torch.set_num_threads(1)
        t0 = time.perf_counter()
        try:
            result = Trainer(cfg, output, resume=resume, address=address).run()
        except UnknownTaskError as exc:  # a task id the registry does not have: a config error
            err.print(f"[red]error:[/red] {exc.args[0] if exc.args else exc}")
            raise typer.Exit(2) from None
        ev = result["eval"]
        err.print(f"run folder: {output}  ({time.perf_counter() - t0:.0f} s)")
        if "before" in ev and "after" in ev:
            err.print(f"eval mean reward: before RL {ev['before']['mean_reward']:.3f} -> "
                      f"after {ev['after']['mean_reward']:.3f}")
        print(json.dumps({"output": output, "eval": {k: v.get("mean_reward") for k, v in ev.items()}}))

    @app.command("eval")
    def evaluate(
        config: Annotated[str, typer.Argument(help="Job config (YAML): tasks, eval and rollout sections.")],
        checkpoint: Annotated[str, typer.Option("--checkpoint", help=(
            "A run's checkpoint folder (runs/x/checkpoints/step_000150) or a transformers model folder."))],
        output: Annotated[str | None, typer.Option("--output", "-o", help=(
            "Result JSON (default CHECKPOINT/eval_<time>.json)."))] = None,
        address: Annotated[str | None, typer.Option(help="Join this Ray cluster instead of starting one.")] = None,
        set_: Annotated[list[str] | None, typer.Option("--set", help=(
            "Override a config field, KEY=VALUE with a dotted key and a YAML value "
            "(e.g. --set 'eval.pass_k=[1,8]' --set eval.problems_per_task=64); repeatable."))] = None,
    ) -> None:
        """Evaluate a checkpoint on held-out problems: greedy reward, pass@k and mean@n per task and domain.

        Examples:

          bootcamp eval examples/quickstart.yaml --checkpoint runs/q1/checkpoints/step_000030

          bootcamp eval job.yaml --checkpoint runs/q1/checkpoints/step_000030 --set 'eval.pass_k=[1,8]'
        """
        import json
        import os
        import time
        from pathlib import Path

        from rich.console import Console
        from rich.markup import escape

        from learner.evaluation import resolve_model_dir

        err = Console(stderr=True)
        cfg = _load_job(config, set_)
        try:
            model_dir, version = resolve_model_dir(checkpoint)
            if cfg.eval.problems_per_task == 0:
                raise ValueError("eval.problems_per_task: 0 means no eval; set it above 0 (e.g. --set "
                                 "eval.problems_per_task=16)")
        except (ValueError, FileNotFoundError) as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(2) from None
        out = Path(output) if output else Path(checkpoint) / f"eval_{time.strftime('%Y%m%d-%H%M%S')}.json"
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import torch

        torch.set_num_threads(1)
        t0 = time.perf_counter()
        result = _run_eval_job(cfg, str(model_dir), version, address)
        result["checkpoint"] = str(model_dir)
        result["seconds"] = round(time.perf_counter() - t0, 1)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
        table = _eval_table(result)
        Console(stderr=True, width=max(err.width, table.columns[0].min_width + 16 * len(table.columns))).print(table)
        err.print(f"written: {out}  ({result['seconds']:.0f} s)")
        sampled = result["sampled"]
        print(json.dumps({"output": str(out), "policy_version": version, "mean_reward": result["mean_reward"],
                          "pass_rate": result["pass_rate"], "sampled": sampled["all"] if sampled else None}))


def _run_eval_job(cfg: Any, model_dir: str, version: int, address: str | None) -> dict[str, Any]:
    """Ray, the rollout actors on ``model_dir``, the scorer and the eval sampler; ``run_eval``; tear down."""
    from bootcamp.env.job_problems import job_problems
    from bootcamp.mix import TaskSampler, resolve_mix
    from bootcamp.registry import REGISTRY
    from learner.cluster import start_rollout
    from learner.evaluation import make_job_scorer, run_eval
    from rollout.cluster import ensure_ray

    problems = job_problems(REGISTRY, cfg.rollout.episodes is not None)
    mix = resolve_mix([(t.id, t.weight) for t in cfg.tasks], problems)
    sampler = TaskSampler(mix, seed=cfg.seed, seed_limit=cfg.eval.seed_offset, registry=problems)
    started = ensure_ray(address, cfg.rollout.engine_config().worker_env())
    rollout = None
    scorer = make_job_scorer(cfg, REGISTRY)
    try:
        rollout = start_rollout(cfg, model_dir)
        return run_eval(cfg, rollout, scorer, sampler, version)
    finally:
        if hasattr(scorer, "close"):
            scorer.close()
        if rollout is not None:
            rollout.kill()
        if started:
            import ray

            ray.shutdown()
