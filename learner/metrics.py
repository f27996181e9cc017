"""Per-step metrics: ``metrics.jsonl``, TensorBoard events, and a PNG learning curve."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from rollout.types import Trajectory


def reward_metrics(trajs: list[Trajectory], prefix: str = "") -> dict[str, float]:
    """Reward mean, pass rate and length overall, per task and per domain."""
    if not trajs:
        return {}
    out: dict[str, float] = {
        f"{prefix}reward_mean": sum(t.reward for t in trajs) / len(trajs),
        f"{prefix}pass_rate": sum(t.correct for t in trajs) / len(trajs),
        f"{prefix}response_len": sum(len(t.response_ids) for t in trajs) / len(trajs),
    }
    by_task: dict[str, list[float]] = defaultdict(list)
    by_domain: dict[str, list[float]] = defaultdict(list)
    reasons: dict[str, int] = defaultdict(int)
    for t in trajs:
        by_task[t.task].append(t.reward)
        by_domain[t.task.split("/", 1)[0]].append(t.reward)
        reasons[t.reason] += 1
    for k, v in sorted(by_task.items()):
        out[f"{prefix}reward/{k}"] = sum(v) / len(v)
    for k, v in sorted(by_domain.items()):
        out[f"{prefix}reward_domain/{k}"] = sum(v) / len(v)
    for k, v in sorted(reasons.items()):
        out[f"{prefix}reason/{k}"] = v / len(trajs)
    out.update(mixture_metrics(trajs, prefix))
    out.update(episode_metrics(trajs, prefix))
    return out


def episode_metrics(trajs: list[Trajectory], prefix: str = "") -> dict[str, float]:
    """Multi-turn episodes: the share that called a tool, tool calls and turns per episode, the share of
    calls that failed, and the policy's share of the response tokens. Empty without episodes."""
    eps = [t for t in trajs if "tool_calls" in t.extra]
    if not eps:
        return {}
    calls = sum(t.extra["tool_calls"] for t in eps)
    tokens = sum(len(t.response_ids) for t in eps)
    return {f"{prefix}tool_call_rate": sum(t.extra["tool_calls"] > 0 for t in eps) / len(eps),
            f"{prefix}tool_calls_mean": calls / len(eps),
            f"{prefix}tool_error_rate": sum(t.extra.get("tool_errors", 0) for t in eps) / max(calls, 1),
            f"{prefix}turns_mean": sum(t.extra.get("turns", 1) for t in eps) / len(eps),
            f"{prefix}policy_token_share": sum(sum(t.loss_mask) if t.loss_mask else len(t.response_ids)
                                               for t in eps) / max(tokens, 1)}


def mixture_metrics(trajs: list[Trajectory], prefix: str = "") -> dict[str, float]:
    """Which reward kind decided each verdict (shares), how often a second opinion disagreed, and
    each kind's mean latency per part where it ran (``time/reward_part_ms/<kind>``).

    Empty when no verdict said who decided (a scorer that is not the router).
    """
    decided: dict[str, int] = defaultdict(int)
    latency: dict[str, list[float]] = defaultdict(list)
    for t in trajs:
        if "decided_by" in t.extra:
            decided[t.extra["decided_by"]] += 1
        for kind, ms in t.extra.get("part_latency_ms", {}).items():
            latency[kind].append(ms)
    if not decided:
        return {}
    out = {f"{prefix}decided/{k}": v / len(trajs) for k, v in sorted(decided.items())}
    out.update({f"{prefix}time/reward_part_ms/{k}": sum(v) / len(v) for k, v in sorted(latency.items())})
    opinions = [t.extra["disagreement"] for t in trajs if "disagreement" in t.extra]
    if opinions:
        out[f"{prefix}disagreement_rate"] = sum(opinions) / len(opinions)
    return out


class MetricsLogger:
    """Appends one JSON line per step and mirrors the scalars to the job's trackers
    (TensorBoard, Weights & Biases, MLflow: :mod:`learner.trackers`)."""

    def __init__(self, run_dir: str | Path, trackers: list[Any] | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / "metrics.jsonl"
        self.trackers = list(trackers or [])  # learner.trackers.build_trackers(cfg.logging)

    def start(self, config: dict[str, Any], name: str, resumed: bool = False) -> None:
        """Open the trackers, each given the job's config once."""
        for tracker in self.trackers:
            tracker.start(self.run_dir, config, name, resumed)

    def log(self, step: int, metrics: dict[str, Any]) -> None:
        row = {"step": step, **metrics}
        with self.path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        scalars = {k: float(v) for k, v in metrics.items() if isinstance(v, int | float) and not isinstance(v, bool)}
        for tracker in self.trackers:
            tracker.log(step, scalars)

    def truncate(self, step: int) -> None:
        """Drop the RL rows of steps ``>= step`` (all rows when ``step < 0``): a run resumed from the
        checkpoint of ``step`` trains and logs those steps again, so ``metrics.jsonl`` stays one history.
        (TensorBoard keeps both; it shows the later value of a step.)"""
        if not self.path.exists():
            return
        rows = read_metrics(self.path)
        keep = [] if step < 0 else [r for r in rows if r.get("phase", "rl") != "rl" or r["step"] < step]
        if len(keep) != len(rows):
            tmp = self.path.with_suffix(".jsonl.tmp")
            tmp.write_text("".join(json.dumps(r) + "\n" for r in keep))
            tmp.replace(self.path)

    def close(self) -> None:
        for tracker in self.trackers:
            tracker.close()


class EventLog:
    """``events.jsonl``: what happened to the job beside its steps (restarts, resumes, re-issued work)."""

    def __init__(self, run_dir: str | Path) -> None:
        self.path = Path(run_dir) / "events.jsonl"

    def log(self, event: str, **fields: Any) -> None:
        import time

        with self.path.open("a") as f:
            f.write(json.dumps({"time": round(time.time(), 3), "event": event, **fields}) + "\n")

    def read(self) -> list[dict[str, Any]]:
        return read_metrics(self.path)


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.exists():
        return []
    rows = []
    lines = [line for line in p.read_text().splitlines() if line.strip()]
    for i, line in enumerate(lines):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            if i < len(lines) - 1:
                raise
            # the last line of a writer killed mid-write: that step is logged again on resume
    return rows


def plot_curve(run_dir: str | Path, eval_result: dict[str, Any] | None = None) -> Path | None:
    """Draw reward, pass rate, KL and entropy per step into ``learning_curve.png``."""
    rows = [r for r in read_metrics(Path(run_dir) / "metrics.jsonl") if r.get("phase", "rl") == "rl"]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    steps = [r["step"] for r in rows]
    for key in ("reward_mean", "pass_rate"):
        axes[0].plot(steps, [r.get(key, float("nan")) for r in rows], label=key)
    if eval_result:
        for tag, style in (("before", "--"), ("after", ":")):
            if tag in eval_result:
                axes[0].axhline(eval_result[tag]["mean_reward"], ls=style, c="gray", label=f"eval {tag}")
    axes[0].set_title("reward")
    axes[0].legend(fontsize=7)
    axes[1].plot(steps, [r.get("entropy", float("nan")) for r in rows])
    axes[1].set_title("entropy")
    axes[2].plot(steps, [r.get("kl", float("nan")) for r in rows])
    axes[2].set_title("KL")
    for ax in axes:
        ax.set_xlabel("step")
    fig.tight_layout()
    out = Path(run_dir) / "learning_curve.png"
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out
