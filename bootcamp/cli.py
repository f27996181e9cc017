"""The ``bootcamp`` command line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bootcamp.registry import REGISTRY, UnknownTaskError


def _hide_flag_types() -> None:
    """Flags show no ``<bool>`` type in ``--help`` (they take no value; this typer prints one)."""
    option = getattr(getattr(typer, "core", None), "TyperOption", None)
    shown = getattr(option, "display_type_rich", None)
    if shown is None or getattr(shown, "_bootcamp", False):
        return

    def display_type_rich(self: typer.core.TyperOption, ctx: object) -> str | None:
        return None if getattr(self, "is_bool_flag", False) else shown(self, ctx)

    display_type_rich._bootcamp = True  # type: ignore[attr-defined]
    option.display_type_rich = display_type_rich  # type: ignore[union-attr]


_hide_flag_types()
app = typer.Typer(help="bootcamp: an RL gym and reward service for science.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
tasks_app = typer.Typer(help="List, inspect, sample, check and export tasks.", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")

console = Console()
err = Console(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        from bootcamp import __version__

        console.print(f"bootcamp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True,
                                                callback=_show_version)] = False) -> None:
    """bootcamp: an RL gym and reward service for science."""


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)  # one line, whatever the terminal width
    raise typer.Exit(code)


def _resolve(ids: list[str]) -> list[str]:
    try:
        return REGISTRY.resolve(ids)
    except UnknownTaskError as exc:
        _fail(str(exc))
    return []


def _check_level(task_ids: list[str], level: int | None) -> None:
    """Exit 2 with a one-line error unless every task has ``level`` (None always passes)."""
    for task_id in task_ids:
        try:
            REGISTRY.get(task_id).at_level(level)
        except ValueError as exc:
            _fail(f"--level: {exc}")


def _level_overrides(task: object) -> list[dict[str, object]]:
    """Each level's parameter overrides, as JSON."""
    return json.loads(json.dumps(list(getattr(task, "levels", ())), default=str))


_LEVEL_HELP = "Difficulty level (1 = easiest); default: the task's default level."


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False)


@tasks_app.command("list")
def tasks_list(
    domain: Annotated[str | None, typer.Option(help="Only this domain, e.g. chem.")] = None,
    pattern: Annotated[str | None, typer.Option(help="Only ids matching this glob, e.g. 'math/*'.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List registered tasks.

    Examples:

      bootcamp tasks list --domain chem

      bootcamp tasks list --pattern 'math/*' --json
    """
    ids = REGISTRY.ids(pattern=pattern, domain=domain)
    infos = [REGISTRY.get(i).info() for i in ids]
    if as_json:
        _print_json(infos)
        return
    table = Table(title=f"{len(infos)} tasks")
    for col in ("id", "v", "reward", "params", "description"):
        table.add_column(col, overflow="fold")
    for info in infos:
        params = ", ".join(f"{k}={v}" for k, v in info["params"].items())
        table.add_row(info["id"], str(info["version"]), info["reward"], params, info["description"])
    console.print(table)
    for name, problem in REGISTRY.plugin_errors.items():
        err.print(f"[yellow]plugin {name!r} failed to load:[/yellow] {problem}")


@tasks_app.command("show")
def tasks_show(
    task_id: str,
    level: Annotated[int | None, typer.Option(help="Level of the example problem.")] = None,
) -> None:
    """Show one task, its difficulty levels and an example problem.

    Examples:

      bootcamp tasks show math/modular_inverse
    """
    ids = _resolve([task_id])
    _check_level(ids, level)
    task = REGISTRY.get(ids[0])
    info = task.info()
    info["level_overrides"] = _level_overrides(task)
    p = task.problem(0, with_answer=True, level=level)
    info["example"] = p.model_dump()
    info["class"] = f"{type(task).__module__}.{type(task).__qualname__}"
    _print_json(info)


@tasks_app.command("sample")
def tasks_sample(
    task_id: str,
    n: Annotated[int, typer.Option("-n", "--n", min=1, help="Number of problems.")] = 1,
    seed: Annotated[int, typer.Option(help="First seed.")] = 0,
    with_answer: Annotated[bool, typer.Option("--with-answer", help="Include the reference answer.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    level: Annotated[int | None, typer.Option(help=_LEVEL_HELP)] = None,
) -> None:
    """Generate problems of one task.

    Examples:

      bootcamp tasks sample biology/gc_content -n 3 --with-answer

      bootcamp tasks sample logic/lights_out --level 4 --json
    """
    ids = _resolve([task_id])
    _check_level(ids, level)
    task = REGISTRY.get(ids[0])
    problems = [task.problem(s, with_answer=with_answer, level=level) for s in range(seed, seed + n)]
    if as_json:
        _print_json([p.model_dump(exclude_none=not with_answer) for p in problems])
        return
    for p in problems:
        console.rule(f"{p.task} seed={p.seed}" + (f" level={p.level}" if p.level is not None else ""))
        console.print(p.prompt, markup=False)
        if with_answer:
            console.print(f"[green]answer:[/green] {p.answer}", highlight=False)


@tasks_app.command("check")
def tasks_check(
    ids: Annotated[list[str] | None, typer.Argument(help="Task ids or globs.")] = None,
    all_tasks: Annotated[bool, typer.Option("--all", help="Check every registered task.")] = False,
    seeds: Annotated[int, typer.Option(help="Seeds per task.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Quality checks on 1,000 seeds per level (else 200).")] = False,
    quality_seeds: Annotated[int | None, typer.Option(
        min=0, help="Seeds per level of the quality checks (overrides --full; 0 skips them).")] = None,
    strict_quality: Annotated[bool, typer.Option(
        "--strict-quality", help="Fail any task on its quality findings (else only tasks with levels or "
                                 "space_size; the rest are warnings).")] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes checking tasks at once (default: one per core).")] = None,
) -> None:
    """Run the conformance checker; exits 1 when any task fails.

    Examples:

      bootcamp tasks check 'chem/*'

      bootcamp tasks check math/gcd --seeds 50 --strict-quality

      bootcamp tasks check --all --full --json > report.json
    """
    from bootcamp.checker_parallel import check_tasks
    from bootcamp.checker_quality import FULL_SEEDS, QUALITY_SEEDS

    if all_tasks:
        targets = REGISTRY.ids()
    elif ids:
        targets = _resolve(ids)
    else:
        _fail("give task ids (or globs) or --all")
    reports = []
    start = time.perf_counter()
    n = quality_seeds if quality_seeds is not None else FULL_SEEDS if full else QUALITY_SEEDS
    with _progress() as progress:
        bar = progress.add_task("checking", total=len(targets))
        for report in check_tasks(targets, workers, seeds=seeds, quality_seeds=n, strict_quality=strict_quality):
            reports.append(report)
            progress.update(bar, description=f"checked {report.task_id}")
            progress.advance(bar)
    order = {task_id: k for k, task_id in enumerate(targets)}
    reports.sort(key=lambda r: order[r.task_id])
    elapsed = time.perf_counter() - start
    failed = [r for r in reports if not r.passed]
    if as_json:
        _print_json({"seconds": round(elapsed, 2), "tasks": len(reports), "failed": len(failed),
                     "reports": [r.to_dict() for r in reports]})
    else:
        for r in failed:
            console.print(f"[red]FAIL[/red] {r.task_id}")
            for f in r.failures:
                console.print(f"    {f}", markup=False, highlight=False)
        warned = [r for r in reports if r.passed and r.quality is not None and r.quality.issues]
        for r in warned if not all_tasks else []:
            console.print(f"[yellow]WARN[/yellow] {r.task_id}")
            for w in r.quality.messages():
                console.print(f"    {w}", markup=False, highlight=False)
        if warned:
            console.print(f"{len(warned)} passing task(s) have quality warnings (--strict-quality fails them)")
        console.print(f"{len(reports) - len(failed)} passed, {len(failed)} failed "
                      f"({elapsed:.1f}s, {sum(r.checks for r in reports)} checks)")
    if failed:
        raise typer.Exit(1)


#: The file suffix each export format writes.
_EXPORT_SUFFIX = {"jsonl": ".jsonl", "verl": ".parquet", "openrlhf": ".jsonl"}


def _export_target(fmt: str | None, out: Path | None, overwrite: bool,
                   splits: dict[str, float] | None = None) -> tuple[str, Path]:
    """The format and file of an export: the format follows the suffix (or names it); a suffix that
    does not fit the format, or an existing file without ``overwrite``, is an error."""
    from bootcamp.export import FORMATS, split_path

    if fmt is not None and fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}")
    if out is None:
        fmt = fmt or "jsonl"
        out = Path("problems" + _EXPORT_SUFFIX[fmt])
    elif fmt is None:
        by_suffix = {".parquet": "verl", ".jsonl": "jsonl"}
        if out.suffix not in by_suffix:
            _fail(f"--out {out}: name a .jsonl or .parquet file, or pass --format")
        fmt = by_suffix[out.suffix]
    elif out.suffix != _EXPORT_SUFFIX[fmt]:
        _fail(f"--out {out}: --format {fmt} writes {_EXPORT_SUFFIX[fmt]}, not {out.suffix or 'a file without suffix'}")
    for path in [split_path(out, name) for name in splits] if splits else [out]:
        if path.is_dir():
            _fail(f"--out {path}: is a folder")
        if path.exists() and not overwrite:
            _fail(f"--out {path}: exists; pass --overwrite to replace it")
    return fmt, out


@tasks_app.command("export")
def tasks_export(
    ids: Annotated[list[str], typer.Argument(help="Task ids or globs.")],
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="Problems per task.")] = 100,
    fmt: Annotated[str | None, typer.Option("--format", help=(
        "jsonl | verl | openrlhf (default: from --out's suffix, .parquet is verl)"))] = None,
    out: Annotated[Path | None, typer.Option("--out", help=(
        "Output file (default problems.jsonl, or problems.parquet for verl)."))] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace --out if it exists.")] = False,
    split: Annotated[str | None, typer.Option("--split", help=(
        "Shares by seed, e.g. train=0.9,val=0.1: one file per split (math.train.parquet, ...), "
        "no seed in two splits."))] = None,
    seed: Annotated[int, typer.Option(help="First seed.")] = 0,
    level: Annotated[int | None, typer.Option(help=_LEVEL_HELP + " Every task exported must have it.")] = None,
) -> None:
    """Export problems for other RL stacks (verl parquet, OpenRLHF JSONL) or as plain JSONL.

    Examples:

      bootcamp tasks export 'math/*' -n 200 --out math.jsonl

      bootcamp tasks export 'chem/*' --out chem.parquet   (verl's parquet layout)

      bootcamp tasks export logic/sudoku --format openrlhf --out sudoku.jsonl --level 3

      bootcamp tasks export 'math/*' --out math.parquet --split train=0.9,val=0.1
    """
    from bootcamp.export import export, iter_problems, parse_splits, split_path

    try:
        splits = parse_splits(split) if split is not None else None
    except ValueError as exc:
        _fail(f"--split: {exc}")
    fmt, out = _export_target(fmt, out, overwrite, splits)
    targets = _resolve(ids)
    _check_level(targets, level)
    with _progress() as progress:
        bar = progress.add_task("exporting", total=len(targets) * n)
        problems = iter_problems(targets, n, seed=seed, on_problem=lambda: progress.advance(bar), level=level)
        count = export(problems, fmt, out, splits)
    where = ", ".join(str(split_path(out, name)) for name in splits) if splits else str(out)
    err.print(f"wrote {count} problems to {where}")


@tasks_app.command("catalogue")
def tasks_catalogue(
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
) -> None:
    """Write the Markdown task catalogue (docs/tasks.md) from the registry.

    Examples:

      bootcamp tasks catalogue --out docs/tasks.md
    """
    from bootcamp.catalogue import render_catalogue

    text = render_catalogue()
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        err.print(f"wrote {out}")


@app.command("verify")
def verify_cmd(
    task_id: str,
    identity: Annotated[str, typer.Option(help="The problem identity as JSON.")],
    response: Annotated[str, typer.Option(help="The response text ('-' reads standard input).")],
) -> None:
    """Score one response and print the verdict as JSON.

    Examples:

      bootcamp verify math/gcd --identity '{"numbers": [12, 18]}' --response 'So \\boxed{6}'

      generate | bootcamp verify math/gcd --identity '{"numbers": [12, 18]}' --response -
    """
    ids = _resolve([task_id])
    try:
        ident = json.loads(identity)
    except json.JSONDecodeError as exc:
        _fail(f"--identity is not JSON: {exc}")
    if not isinstance(ident, dict):
        _fail("--identity must be a JSON object")
    text = sys.stdin.read() if response == "-" else response
    _print_json(REGISTRY.get(ids[0]).verify(text, ident).model_dump())


envs_app = typer.Typer(help="List, inspect and check multi-turn environments.", no_args_is_help=True)
app.add_typer(envs_app, name="envs")


def _resolve_envs(ids: list[str]) -> list[str]:
    """Environment ids and globs -> registered ids (an unknown one lists the closest known ids)."""
    import difflib
    import fnmatch

    from bootcamp.env.registry import ENVIRONMENTS

    known, out = ENVIRONMENTS.names(), []
    for pattern in ids:
        hits = fnmatch.filter(known, pattern) if any(c in pattern for c in "*?[") else (
            [pattern] if pattern in known else [])
        if not hits:
            close = difflib.get_close_matches(pattern, known, n=5, cutoff=0.4)
            _fail(f"unknown environment {pattern!r}; " + (f"closest: {', '.join(close)}" if close
                                                          else f"{len(known)} registered (bootcamp envs list)"))
        out += [h for h in hits if h not in out]
    return out


@envs_app.command("list")
def envs_list(
    pattern: Annotated[str | None, typer.Option(help="Only ids matching this glob, e.g. 'chem/*'.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List registered environments.

    Examples:

      bootcamp envs list
    """
    import fnmatch

    from bootcamp.env.registry import ENVIRONMENTS

    ids = [i for i in ENVIRONMENTS.names() if pattern is None or fnmatch.fnmatch(i, pattern)]
    infos = [ENVIRONMENTS.get(i).info() for i in ids]
    if as_json:
        _print_json(infos)
        return
    table = Table(title=f"{len(infos)} environments")
    for col in ("id", "v", "tools", "turns", "description"):
        table.add_column(col, overflow="fold")
    for info in infos:
        table.add_row(info["id"], str(info["version"]), ", ".join(info["tools"]), str(info["max_turns"]),
                      info["description"])
    console.print(table)


@envs_app.command("show")
def envs_show(
    env_id: str,
    seed: Annotated[int, typer.Option(help="Episode seed of the example.")] = 0,
) -> None:
    """Show one environment, its first observation and its reference episode.

    Examples:

      bootcamp envs show chem/lab_buffer
    """
    from bootcamp.env.checker import executors_for
    from bootcamp.env.environment import run_reference
    from bootcamp.env.registry import ENVIRONMENTS

    env = ENVIRONMENTS.get(_resolve_envs([env_id])[0])
    info = env.info()
    state, first = env.reset(seed)
    info["class"] = f"{type(env).__module__}.{type(env).__qualname__}"
    info["example"] = {"seed": seed, "identity": state["identity"], "first_observation": first}
    try:
        done = run_reference(env, seed, executors_for(env)[1])
        info["example"]["reference"] = {"history": done.state["history"][1:],
                                        "verdict": done.verdict.model_dump(mode="json") if done.verdict else None}
    except Exception as exc:  # noqa: BLE001 - e.g. a sandbox-only tool: show why instead
        info["example"]["reference"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    _print_json(info)


@envs_app.command("check")
def envs_check(
    ids: Annotated[list[str] | None, typer.Argument(help="Environment ids or globs.")] = None,
    all_envs: Annotated[bool, typer.Option("--all", help="Check every registered environment.")] = False,
    seeds: Annotated[int, typer.Option(min=1, help="Seeds per environment.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
) -> None:
    """Run the environment checker; exits 1 when any environment fails.

    Examples:

      bootcamp envs check --all

      bootcamp envs check 'chem/*' --seeds 10 --json
    """
    from bootcamp.env.checker import check_envs
    from bootcamp.env.registry import ENVIRONMENTS

    if all_envs:
        targets = ENVIRONMENTS.names()
    elif ids:
        targets = _resolve_envs(ids)
    else:
        _fail("give environment ids (or globs) or --all")
    start = time.perf_counter()
    with _progress() as progress:
        bar = progress.add_task("checking", total=len(targets))

        def started(env_id: str) -> None:
            progress.update(bar, description=f"checking {env_id}", completed=targets.index(env_id))

        reports = check_envs(targets, seeds=seeds, on_start=started)
        progress.update(bar, description="checked", completed=len(targets))
    elapsed = time.perf_counter() - start
    failed = [r for r in reports if not r.passed]
    if as_json:
        _print_json({"seconds": round(elapsed, 2), "environments": len(reports), "failed": len(failed),
                     "reports": [r.to_dict() for r in reports]})
    else:
        for r in reports:
            for w in r.warnings:
                err.print(f"[yellow]{r.env_id}:[/yellow] {w}", markup=True, highlight=False)
        for r in failed:
            console.print(f"[red]FAIL[/red] {r.env_id}")
            for f in r.failures:
                console.print(f"    {f}", markup=False, highlight=False)
        console.print(f"{len(reports) - len(failed)} passed, {len(failed)} failed "
                      f"({elapsed:.1f}s, {sum(r.checks for r in reports)} checks, "
                      f"{sum(len(r.failures) for r in reports)} failures)")
    if failed:
        raise typer.Exit(1)


COMMANDS_GROUP = "bootcamp.commands"


def load_commands() -> None:
    """Add the commands other packages contribute (``serve``, ``train``) via entry points.

    Each entry point of the ``bootcamp.commands`` group is a function taking the
    root typer app; it adds its commands and keeps heavy imports inside them.
    """
    from importlib import metadata

    for ep in metadata.entry_points(group=COMMANDS_GROUP):
        try:
            ep.load()(app)
        except Exception as exc:  # noqa: BLE001 - a broken extension must not break the CLI
            err.print(f"[yellow]command plugin {ep.name!r} failed to load:[/yellow] {exc}")


def main() -> None:
    """Entry point of the ``bootcamp`` console script."""
    load_commands()
    app()


if __name__ == "__main__":
    main()
