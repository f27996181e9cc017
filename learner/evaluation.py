"""Held-out evaluation: greedy reward and pass rate, plus pass@k and mean@n from sampled responses.

``run_eval`` is what the trainer runs before and after RL and what ``bootcamp eval`` runs on a
checkpoint. The aggregation (:func:`greedy_metrics`, :func:`sampled_metrics`) is pure: it takes
scored :class:`Trajectory` lists, so it is tested without Ray.

pass@k uses the unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models
Trained on Code"): from ``n`` samples of which ``c`` pass, ``1 - C(n-c, k) / C(n, k)``, the chance
that at least one of ``k`` samples drawn without replacement passes; averaged over problems.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bootcamp import Problem
from bootcamp.mix import TaskSampler
from bootcamp.registry import Registry
from learner.config import JobConfig
from learner.group import ActorGroup
from learner.metrics import reward_metrics
from rollout.types import Trajectory

#: Seed stride between generation rounds (each actor of a round adds its index, as in training).
_ROUND_SEED_STRIDE = 1_000


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from ``n`` samples of which ``c`` are correct: ``1 - C(n-c, k) / C(n, k)``.

    Computed as ``1 - prod_{i=n-c+1..n} (1 - k/i)`` (no huge binomials, stable for large n).

    Raises:
        ValueError: a non-integer argument, ``n < 1``, ``c`` outside ``[0, n]``, or ``k`` outside ``[1, n]``.
    """
    for name, value in (("n", n), ("c", c), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"pass_at_k: {name} must be an int, got {value!r}")
    if n < 1:
        raise ValueError(f"pass_at_k: n must be >= 1, got {n}")
    if not 0 <= c <= n:
        raise ValueError(f"pass_at_k: c must be in [0, n={n}], got {c}")
    if not 1 <= k <= n:
        raise ValueError(f"pass_at_k: k must be in [1, n={n}], got {k}; draw at least k samples per problem")
    if n - c < k:  # every k-subset holds a correct sample
        return 1.0
    miss = 1.0
    for i in range(n - c + 1, n + 1):
        miss *= 1.0 - k / i
    return 1.0 - miss


def resolve_model_dir(path: str | Path) -> tuple[Path, int]:
    """The model folder to evaluate and its policy version, from a checkpoint or a transformers folder.

    ``path`` is a run's checkpoint folder (``runs/x/checkpoints/step_000150``, holding ``policy/`` and
    ``state.json``, whose ``version`` is returned) or a transformers model folder (version 0).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is not a folder, or holds no model (config, weights and tokenizer).
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"--checkpoint {path}: no such folder")
    if not root.is_dir():
        raise ValueError(f"--checkpoint {path}: not a folder")
    model = root / "policy" if (root / "policy").is_dir() else root
    if not (model / "config.json").exists():
        hint = ""
        if (root / "checkpoints").is_dir():
            steps = sorted(p for p in (root / "checkpoints").glob("step_*") if (p / "policy").is_dir())
            hint = f"; this looks like a run folder, pass one of its checkpoints, e.g. {steps[-1]}" if steps else ""
        raise ValueError(f"--checkpoint {path}: not a model (no policy/config.json or config.json): expected a "
                         f"checkpoint folder (runs/x/checkpoints/step_000150) or a transformers model folder{hint}")
    if not any(model.glob("*.safetensors")) and not any(model.glob("*.bin")):
        raise ValueError(f"--checkpoint {path}: not a model: {model} has a config.json but no weights "
                         "(*.safetensors or *.bin)")
    if not any((model / name).exists() for name in ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")):
        raise ValueError(f"--checkpoint {path}: {model} has no tokenizer (tokenizer.json or tokenizer_config.json)")
    state = root / "state.json"
    version = int(json.loads(state.read_text()).get("version", 0)) if model != root and state.exists() else 0
    return model, version


def domain_of(task_id: str) -> str:
    """The domain of a task id: the part before the first ``/`` (``math/gcd`` -> ``math``)."""
    return task_id.split("/", 1)[0]


# -- aggregation (pure) ---------------------------------------------------------------------------
def greedy_metrics(trajs: Sequence[Trajectory], version: int) -> dict[str, Any]:
    """One scored greedy response per problem -> the eval entry the trainer has always written.

    Returns ``{"mean_reward", "pass_rate", "response_len" (tokens), "per_task": {task id: mean reward},
    "per_domain": {domain: mean reward}, "per_task_pass_rate", "per_domain_pass_rate", "n" (responses),
    "policy_version"}``.
    """
    m = reward_metrics(list(trajs))
    passed: dict[str, list[bool]] = defaultdict(list)
    passed_domain: dict[str, list[bool]] = defaultdict(list)
    for t in trajs:
        passed[t.task].append(bool(t.correct))
        passed_domain[domain_of(t.task)].append(bool(t.correct))
    return {"mean_reward": m.get("reward_mean", 0.0), "pass_rate": m.get("pass_rate", 0.0),
            "response_len": m.get("response_len", 0.0),
            "per_task": {k.split("/", 1)[1]: v for k, v in m.items() if k.startswith("reward/")},
            "per_domain": {k.split("/", 1)[1]: v for k, v in m.items() if k.startswith("reward_domain/")},
            "per_task_pass_rate": {k: sum(v) / len(v) for k, v in sorted(passed.items())},
            "per_domain_pass_rate": {k: sum(v) / len(v) for k, v in sorted(passed_domain.items())},
            "n": len(trajs), "policy_version": version,
            **{k: v for k, v in m.items() if k in ("tool_call_rate", "tool_calls_mean", "turns_mean")}}


def _problem_stats(samples: list[Trajectory], ks: Sequence[int], n_label: int) -> dict[str, float]:
    n, c = len(samples), sum(bool(t.correct) for t in samples)
    out = {f"pass@{k}": pass_at_k(n, c, k) for k in ks}
    out[f"mean@{n_label}"] = sum(t.reward for t in samples) / n
    out["response_len"] = sum(len(t.response_ids) for t in samples) / n
    if any("tool_calls" in t.extra for t in samples):  # episodes: how often the policy called a tool
        out["tool_call_rate"] = sum(t.extra.get("tool_calls", 0) > 0 for t in samples) / n
        out["correct_without_tool"] = sum(bool(t.correct) and not t.extra.get("tool_calls") for t in samples) / n
    return out


def _mean_rows(rows: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {"problems": len(rows)}
    for key in rows[0]:
        out[key] = sum(r[key] for r in rows) / len(rows)
    return out


def sampled_metrics(trajs: Sequence[Trajectory], ks: Sequence[int]) -> dict[str, Any]:
    """Several scored samples per problem -> pass@k and mean@n overall, per task and per domain.

    Samples of one problem share ``(task, seed, group)``; each problem contributes pass@k from its own
    sample count and correct count, and its mean reward; then every value is a mean over problems (a
    task's over its problems, a domain's over all its tasks' problems, ``all`` over every problem).
    ``mean@n`` is named after the samples per problem (``mean@4``).

    Returns:
        ``{"all": row, "per_task": {task id: row}, "per_domain": {domain: row}, "per_problem": [...]}``,
        each row ``{"problems", "pass@k" for each k, "mean@n", "response_len" (tokens)}`` (and
        ``tool_call_rate`` and ``correct_without_tool``, the shares of samples with a tool call and of
        samples correct without one, for episodes); ``per_problem``
        lists ``{"task", "seed", "n", "correct" (count), "mean_reward"}`` sorted by task and seed, enough to
        recompute every pass@k or bootstrap a confidence interval.

    Raises:
        ValueError: no trajectories, problems with different sample counts, or a k above the count.
    """
    if not trajs:
        raise ValueError("sampled_metrics: no trajectories")
    problems: dict[tuple[str, int, int], list[Trajectory]] = defaultdict(list)
    for t in trajs:
        problems[(t.task, t.seed, t.group)].append(t)
    counts = {len(v) for v in problems.values()}
    if len(counts) != 1:
        raise ValueError(f"sampled_metrics: problems have different sample counts {sorted(counts)}")
    n = counts.pop()
    rows_by_task: dict[str, list[dict[str, float]]] = defaultdict(list)
    per_problem = []
    for (task, seed, _), samples in sorted(problems.items()):
        rows_by_task[task].append(_problem_stats(samples, ks, n))
        per_problem.append({"task": task, "seed": seed, "n": n, "correct": sum(bool(t.correct) for t in samples),
                            "mean_reward": rows_by_task[task][-1][f"mean@{n}"]})
    rows_by_domain: dict[str, list[dict[str, float]]] = defaultdict(list)
    for task, rows in rows_by_task.items():
        rows_by_domain[domain_of(task)].extend(rows)
    return {"all": _mean_rows([r for rows in rows_by_task.values() for r in rows]),
            "per_task": {t: _mean_rows(rows_by_task[t]) for t in sorted(rows_by_task)},
            "per_domain": {d: _mean_rows(rows_by_domain[d]) for d in sorted(rows_by_domain)},
            "per_problem": per_problem}


# -- generation and scoring ------------------------------------------------------------------------
def submit(rollout: ActorGroup, problems: Sequence[Problem], n: int, temperature: float, top_p: float,
           max_tokens: int, seed: int, first_group: int = 0) -> list[Any]:
    """Split ``problems`` over the rollout actors (whole groups per actor, actor i seeded ``seed + i``).

    Returns one object ref per called actor, each resolving to ``(trajectories, stats)``; a problem's
    ``n`` trajectories carry ``group = first_group + its index in problems``.
    """
    if not len(rollout):
        raise ValueError("rollout: no rollout actors to generate with")
    chunk = math.ceil(len(problems) / len(rollout))
    args: list[tuple[Any, ...] | None] = []
    for i in range(len(rollout)):
        part = problems[i * chunk : (i + 1) * chunk]
        rows = [{"task": p.task, "seed": p.seed, "prompt": p.prompt, "identity": p.identity} for p in part]
        args.append((rows, n, temperature, top_p, max_tokens, seed + i, first_group + i * chunk) if rows else None)
    return rollout.submit_each("generate", args)


def generate(rollout: ActorGroup, problems: Sequence[Problem], n: int, temperature: float, top_p: float,
             max_tokens: int, seed: int) -> list[Trajectory]:
    """``n`` responses per problem from the rollout actors, in problem order (temperature 0: greedy)."""
    import ray

    return [t for out, _ in ray.get(submit(rollout, problems, n, temperature, top_p, max_tokens, seed)) for t in out]


def make_job_scorer(cfg: JobConfig, registry: Registry | None = None) -> Any:
    """The scorer a job's ``rewards`` section describes (in-process router or reward service)."""
    import os

    from learner.reward_models import launch_backend_servers
    from rewards.models import build_backends, default_backends
    from rewards.scoring import make_scorer

    r = cfg.rewards
    if r.mode == "service":
        return make_scorer(r.mode, [r.url, *r.urls], r.timeout_s, retry_budget_s=r.retry_budget_s)
    backends = default_backends(r.reward_model_path, None, r.judge_url, r.judge_model,
                                os.environ.get("BOOTCAMP_JUDGE_API_KEY"), r.timeout_s)
    specs, servers = launch_backend_servers(cfg)
    try:
        backends.update(build_backends(specs))
        return make_scorer(r.mode, r.url, r.timeout_s, sandbox_workers=r.sandbox_workers,
                           verify_timeout_s=r.verify_timeout_s, backends=backends, registry=registry,
                           spec_overrides=r.spec_overrides, closers=[s.stop for s in servers])
    except BaseException:
        for server in servers:
            server.stop()
        raise


def score(scorer: Any, trajs: list[Trajectory]) -> None:
    """Set ``reward``, ``correct`` and ``reason`` of every trajectory from the scorer's verdicts (an
    episode's trajectory keeps its environment's verdict)."""
    trajs = [t for t in trajs if not t.extra.get("env_verdict")]
    if not trajs:
        return
    verdicts = scorer.score([(t.task, t.identity, t.text) for t in trajs])
    for t, v in zip(trajs, verdicts, strict=True):
        t.reward, t.correct, t.reason = v.score, v.correct, v.reason
        if v.decided_by is not None:  # which reward kind decided, for the mixture's metrics
            t.extra["decided_by"] = v.decided_by
        if v.disagreement is not None:
            t.extra["disagreement"] = v.disagreement
        if v.parts:  # each part that ran: its kind and latency
            t.extra["part_latency_ms"] = {p.kind: p.latency_ms for p in v.parts}


def _generate_rounds(rollout: ActorGroup, problems: list[Problem], n: int, temperature: float, top_p: float,
                     max_tokens: int, seed: int, per_round: int, advance: Callable[[int], None]) -> list[Trajectory]:
    """Generate in rounds of ``per_round`` problems (bounded engine batches), all queued at once;
    ``advance(problems_done)`` is called as rounds finish. Round r is seeded ``seed + r * 1000``."""
    import ray

    rounds: list[tuple[list[Any], int]] = []
    for r, start in enumerate(range(0, len(problems), per_round)):
        part = problems[start : start + per_round]
        rounds.append((submit(rollout, part, n, temperature, top_p, max_tokens, seed + r * _ROUND_SEED_STRIDE,
                              first_group=start), len(part)))
    out: list[Trajectory] = []
    for refs, size in rounds:
        out.extend(t for res, _ in ray.get(refs) for t in res)
        advance(size)
    return out


def _progress(enabled: bool) -> Any:
    from learner.announce import progress

    return progress(enabled, transient=True)


def run_eval(cfg: JobConfig, rollout: ActorGroup, scorer: Any, sampler: TaskSampler, version: int, *,
             progress: bool | None = None) -> dict[str, Any]:
    """Evaluate the rollout actors' current policy on ``eval.problems_per_task`` held-out problems per task.

    Greedy responses always; with ``eval.pass_k`` also ``eval.num_samples()`` sampled responses per problem
    at ``eval.temperature`` / ``eval.top_p``, seeded from ``eval.seed``. Problems go to the engines in
    rounds of ``rollout.prompts_per_step`` per actor.

    Returns:
        The greedy entry at the top level (``mean_reward``, ``pass_rate``, ``response_len``, ``per_task``,
        ``per_domain``, ``n``, ``policy_version``), the same entry under ``greedy``, and ``sampled``:
        None without ``eval.pass_k``, else ``{"settings": {n, temperature, top_p, max_tokens, seed, pass_k},
        "all", "per_task", "per_domain"}`` from :func:`sampled_metrics`.
    """
    ev = cfg.eval
    problems = sampler.eval_problems(ev.problems_per_task)
    if not problems:
        raise ValueError("eval.problems_per_task: 0 problems to evaluate; set it above 0")
    max_tokens = ev.max_tokens or cfg.rollout.max_tokens
    per_round = cfg.rollout.prompts_per_step * len(rollout)
    n = ev.num_samples()
    show = cfg.logging.progress if progress is None else progress
    with _progress(show) as bar:
        greedy_bar = bar.add_task("eval greedy", total=len(problems))
        greedy = _generate_rounds(rollout, problems, 1, 0.0, 1.0, max_tokens, 0, per_round,
                                  lambda k: bar.advance(greedy_bar, k))
        sampled: list[Trajectory] = []
        if n:
            sample_bar = bar.add_task(f"eval {n} samples", total=len(problems))
            sampled = _generate_rounds(rollout, problems, n, ev.temperature, ev.top_p, max_tokens, ev.seed,
                                       per_round, lambda k: bar.advance(sample_bar, k))
        score(scorer, greedy + sampled)
    entry = greedy_metrics(greedy, version)
    result: dict[str, Any] = {**entry, "greedy": dict(entry), "sampled": None}
    if n:
        settings = {"n": n, "temperature": ev.temperature, "top_p": ev.top_p, "max_tokens": max_tokens,
                    "seed": ev.seed, "pass_k": list(ev.pass_k)}
        result["sampled"] = {"settings": settings, **sampled_metrics(sampled, ev.pass_k)}
    return result
