"""The training driver: named stages, each a short method.

sample problems -> generate -> score -> advantages -> update -> sync -> log

Generation requests go through a bounded queue: with ``rollout.max_staleness``
k, up to k+1 batches are in flight, so a batch may come from a policy up to k
versions old (0 = strictly on-policy). Every trajectory carries the version of
the weights that sampled it.
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bootcamp import Problem
from bootcamp.mix import TaskSampler, resolve_mix
from bootcamp.registry import REGISTRY, Registry
from learner import checkpoint as ckpt_mod
from learner.batch import TrainBatch, TrainItem
from learner.config import JobConfig, dump_config
from learner.group import ActorGroup
from learner.metrics import MetricsLogger, plot_curve, reward_metrics
from learner.schedule import learning_rate
from rewards.scoring import make_scorer
from rollout.types import Trajectory


class Trainer:
    """Runs one job: warm-up, evaluation, the RL loop, checkpoints and the run folder."""

    def __init__(self, cfg: JobConfig, run_dir: str | Path, resume: bool = False, address: str | None = None,
                 rollout_actors: list[Any] | None = None, progress: bool | None = None,
                 registry: Registry | None = None) -> None:
        self.cfg = cfg
        self.registry = registry if registry is not None else REGISTRY  # where every task id is looked up
        self.run_dir = Path(run_dir)
        self.resume = resume
        self.address = address
        self.own_rollout = rollout_actors is None
        self.rollout = ActorGroup(rollout_actors or [])
        self.learners = ActorGroup()
        self.show_progress = cfg.logging.progress if progress is None else progress
        self.timers: dict[str, float] = {}
        self.version = 0
        self.start_step = 0
        self.warmup_done = False
        self.eval_result: dict[str, Any] = {}
        self.queue: deque[tuple[list[Problem], list[Any]]] = deque()
        self.started_ray = False

    # -- setup ----------------------------------------------------------------------------------
    def _make_scorer(self) -> Any:
        import os

        from rewards.models import default_backends

        r = self.cfg.rewards
        backends = default_backends(r.reward_model_path, None, r.judge_url, r.judge_model,
                                    os.environ.get("BOOTCAMP_JUDGE_API_KEY"), r.timeout_s)
        return make_scorer(r.mode, r.url, r.timeout_s, sandbox_workers=r.sandbox_workers,
                           verify_timeout_s=r.verify_timeout_s, backends=backends, registry=self.registry)

    def prepare(self) -> None:
        """Run folder, model, sampler, scorer, Ray, actors; restore the last checkpoint on resume."""
        from transformers import AutoTokenizer

        from learner.cluster import start_learners, start_rollout
        from rollout.cluster import ensure_ray
        from rollout.models import ensure_tiny_model

        cfg = self.cfg
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "config.yaml").write_text(dump_config(cfg))
        model_path = cfg.model.path or ensure_tiny_model(cfg.model.tiny.model_dump(), cfg.model.cache_dir)
        mix = resolve_mix([(t.id, t.weight) for t in cfg.tasks], self.registry)
        self.sampler = TaskSampler(mix, seed=cfg.seed, seed_limit=cfg.eval.seed_offset, registry=self.registry)
        self.warmup_sampler = TaskSampler(mix, seed=cfg.seed + 7919, seed_limit=cfg.eval.seed_offset,
                                          registry=self.registry)
        self.scorer = self._make_scorer()
        last = ckpt_mod.latest(self.run_dir) if self.resume else None
        state: dict[str, Any] = {}
        if last is not None:
            state = ckpt_mod.read_state(last)
            model_path = str(last / "policy")
            self.sampler.load_state_dict(state["sampler"])
            self.start_step, self.version = state["step"], state["version"]
            self.warmup_done = state.get("warmup_done", True)
            self.eval_result = state.get("eval", {})
        self.model_path = model_path
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        self.started_ray = ensure_ray(self.address, cfg.rollout.engine_config().worker_env())
        self.learners = start_learners(cfg, model_path)
        if not self.rollout:
            self.rollout = start_rollout(cfg, model_path)
        if not self.own_rollout or last is not None:
            self.sync(bump=False)  # injected engines may hold other weights; stamp the resumed version
        if last is not None and (last / "optimizer.pt").exists():
            self.learners.call("load_optimizer", str(last / "optimizer.pt"))
        self.metrics = MetricsLogger(self.run_dir, cfg.logging.tensorboard)

    @contextmanager
    def stage(self, name: str) -> Any:
        t0 = time.perf_counter()
        yield
        self.timers[name] = self.timers.get(name, 0.0) + time.perf_counter() - t0

    # -- the stages -------------------------------------------------------------------------------
    def sample_problems(self) -> list[Problem]:
        with self.stage("sample"):
            return self.sampler.sample(self.cfg.rollout.prompts_per_step)

    def submit(self, problems: list[Problem], n: int, temperature: float, max_tokens: int, seed: int) -> list[Any]:
        """Split problems over the rollout actors (whole groups per actor); returns object refs."""
        chunk = math.ceil(len(problems) / len(self.rollout))
        args: list[tuple[Any, ...] | None] = []
        for i in range(len(self.rollout)):
            part = problems[i * chunk : (i + 1) * chunk]
            rows = [{"task": p.task, "seed": p.seed, "prompt": p.prompt, "identity": p.identity} for p in part]
            args.append((rows, n, temperature, self.cfg.rollout.top_p, max_tokens, seed + i, i * chunk) if rows else None)
        return self.rollout.submit_each("generate", args)

    def generate(self, step: int) -> tuple[list[Trajectory], dict[str, float]]:
        """Keep up to ``max_staleness + 1`` batches in flight; take the oldest."""
        import ray

        r = self.cfg.rollout
        while len(self.queue) <= r.max_staleness and self.submitted < self.cfg.steps:
            problems = self.sample_problems()
            seed = r.seed * 100_003 + self.submitted * 1_000
            self.queue.append((problems, self.submit(problems, r.samples_per_prompt, r.temperature, r.max_tokens, seed)))
            self.submitted += 1
        with self.stage("generate"):
            _, refs = self.queue.popleft()
            results = ray.get(refs)
        trajs = [t for out, _ in results for t in out]
        tokens = sum(s["tokens"] for _, s in results)
        secs = max(s["seconds"] for _, s in results)
        staleness = max(self.version - t.policy_version for t in trajs)
        if staleness > r.max_staleness:
            raise RuntimeError(f"batch is {staleness} versions old, over rollout.max_staleness={r.max_staleness}")
        return trajs, {"tokens_per_s": tokens / max(secs, 1e-9), "gen_tokens": tokens, "staleness": staleness}

    def score(self, trajs: list[Trajectory]) -> None:
        with self.stage("score"):
            verdicts = self.scorer.score([(t.task, t.identity, t.text) for t in trajs])
            for t, v in zip(trajs, verdicts, strict=True):
                t.reward, t.correct, t.reason = v.score, v.correct, v.reason

    def advantages(self, trajs: list[Trajectory]) -> tuple[TrainBatch, dict[str, float]]:
        """Group advantages; drops groups whose rewards are all equal when configured to."""
        import torch

        from learner.advantages import compute_advantages, informative_groups, scale_negatives

        with self.stage("advantages"):
            g = self.cfg.rollout.samples_per_prompt
            rewards = torch.tensor([t.reward for t in trajs]).view(-1, g)
            correct = torch.tensor([t.correct for t in trajs]).view(-1, g)
            adv = compute_advantages(rewards, self.cfg.learner.advantage, correct)
            adv = scale_negatives(adv, self.cfg.learner.negative_weight)
            keep = informative_groups(rewards) if self.cfg.learner.filter_uniform_groups else torch.ones(len(rewards), dtype=torch.bool)
            items = []
            for i, t in enumerate(trajs):
                t.advantage = float(adv.view(-1)[i])
                if keep[i // g]:
                    items.append(TrainItem(t.prompt_ids, t.response_ids, t.logprobs, t.advantage))
        return TrainBatch(items), {"kept_groups": float(keep.float().mean()), "adv_abs_mean": float(adv.abs().mean())}

    def update(self, batch: TrainBatch, sft: bool = False, lr: float | None = None) -> dict[str, float]:
        """Optimizer steps over ``batch`` split evenly over the ranks (equal micro-batch counts on all),
        at learning rate ``lr`` (None: the rate the optimizer was reset with)."""
        if not batch:
            return {"skipped": 1.0}
        lc = self.cfg.learner
        agg = lc.aggregation()
        world = len(self.learners)
        n_mini = 1 if sft else min(lc.updates_per_step, len(batch))
        out: dict[str, float] = {}
        with self.stage("update"):
            for m in range(n_mini):
                mini = batch[m::n_mini]
                shards = [mini[r::world] for r in range(world)]
                n_micro = max(1, math.ceil(max(len(s) for s in shards) / lc.micro_batch))
                # the supervised loss is a per-sequence mean; RL losses are in their aggregation's unit
                norm = float(len(mini)) if sft else agg.normaliser(mini)
                stats = self.learners.call_each(
                    "train_step", [(s,) for s in shards], n_micro=n_micro, norm=norm,
                    temperature=self.cfg.rollout.temperature, max_tokens=self.cfg.rollout.max_tokens, sft=sft, lr=lr)
                tok = sum(s["tokens"] for s in stats) or 1.0
                out = {
                    "loss": sum(s["loss"] for s in stats),
                    "entropy": sum(s["entropy_sum"] for s in stats) / tok,
                    "kl": sum(s["kl_sum"] for s in stats) / tok,
                    "clip_frac": sum(s["clip_sum"] for s in stats) / tok,
                    "ratio_mean": sum(s["ratio_sum"] for s in stats) / tok,
                    "grad_norm": stats[0]["grad_norm"],
                    "lr": stats[0]["lr"],
                    "train_tokens": tok,
                }
        return out

    def sync(self, bump: bool = True) -> None:
        """Push the learner's weights to every rollout engine and (by default) bump the policy version."""
        import ray

        with self.stage("sync"):
            refs = self.learners.submit("full_state_dict")  # collective: every rank, rank 0 returns it
            self.version += int(bump)
            ray.get(self.rollout.submit("load_weights", refs[0], self.version) + refs[1:])

    def log(self, step: int, metrics: dict[str, Any]) -> None:
        with self.stage("log"):
            self.metrics.log(step, metrics)

    def progress(self) -> Any:
        """A rich progress display on stderr (disabled by ``logging.progress: false``)."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=Console(stderr=True), disable=not self.show_progress)

    # -- phases -----------------------------------------------------------------------------------
    def warmup(self) -> None:
        """Supervised steps on reference solutions (``task.solve`` in the task's answer format)."""
        from rollout.engine import format_prompt

        w = self.cfg.warmup
        if w.steps == 0:
            return
        self.learners.call("reset_optimizer", w.lr or self.cfg.learner.lr)
        eos = self.tokenizer.eos_token_id
        with self.progress() as progress:
            bar = progress.add_task("warm-up", total=w.steps)
            for s in range(w.steps):
                items = []
                for p in self.warmup_sampler.sample(w.batch):
                    task = self.registry.get(p.task)
                    answer = task.format_answer(task.solve(p.identity))
                    resp = self.tokenizer(answer, add_special_tokens=False)["input_ids"] + ([eos] if eos is not None else [])
                    items.append(TrainItem(format_prompt(self.tokenizer, p.prompt, self.cfg.model.chat_template,
                                                         self.cfg.model.prompt_suffix), resp))
                stats = self.update(TrainBatch(items), sft=True)
                self.metrics.log(s, {"phase": "warmup", "warmup/loss": stats["loss"]})
                progress.update(bar, advance=1, description=f"warm-up loss {stats['loss']:.3f}")
        self.learners.call("reset_optimizer", self.cfg.learner.lr)
        # KL is measured against the policy RL starts from, not the model before warm-up.
        self.learners.call("snapshot_reference")
        self.sync()

    def evaluate(self) -> dict[str, Any]:
        """Greedy responses to held-out problems (seeds disjoint from training)."""
        import ray

        n = self.cfg.eval.problems_per_task
        problems = self.sampler.eval_problems(n)
        refs = self.submit(problems, 1, 0.0, self.cfg.eval.max_tokens or self.cfg.rollout.max_tokens, 0)
        trajs = [t for out, _ in ray.get(refs) for t in out]
        self.score(trajs)
        m = reward_metrics(trajs)
        return {"mean_reward": m["reward_mean"], "pass_rate": m["pass_rate"], "response_len": m["response_len"],
                "per_task": {k.split("/", 1)[1]: v for k, v in m.items() if k.startswith("reward/")},
                "n": len(trajs), "policy_version": self.version}

    def rl_step(self, step: int) -> dict[str, Any]:
        self.timers = {}
        t0 = time.perf_counter()
        trajs, gen = self.generate(step)
        self.score(trajs)
        batch, adv = self.advantages(trajs)
        upd = self.update(batch, lr=learning_rate(self.cfg.learner, step, self.cfg.steps))
        if "skipped" not in upd:
            self.sync()
        metrics = {"phase": "rl", **reward_metrics(trajs), **gen, **adv, **upd, "policy_version": self.version}
        metrics.update({f"time/{k}": v for k, v in self.timers.items()})
        if "train_tokens" in upd:  # response tokens the learners trained on, per second of update
            metrics["learner_tokens_per_s"] = upd["train_tokens"] / max(self.timers.get("update", 0.0), 1e-9)
        metrics["time/step"] = time.perf_counter() - t0
        self.log(step, metrics)
        return metrics

    def save_checkpoint(self, step: int) -> Path:
        out = ckpt_mod.step_dir(self.run_dir, step)
        out.mkdir(parents=True, exist_ok=True)
        self.learners.call("save", str(out))
        ckpt_mod.write_state(out, {"step": step, "version": self.version, "sampler": self.sampler.state_dict(),
                                   "warmup_done": self.warmup_done, "eval": self.eval_result})
        ckpt_mod.prune(self.run_dir, self.cfg.checkpoint.keep)
        return out

    def run(self) -> dict[str, Any]:
        """Run the job to the end; returns ``{"eval": ..., "last": last step's metrics}``."""
        self.prepare()
        cfg = self.cfg
        last: dict[str, Any] = {}
        try:
            if not self.warmup_done:
                self.warmup()
                self.warmup_done = True
                if cfg.eval.problems_per_task:
                    self.eval_result["before"] = self.evaluate()
                    (self.run_dir / "eval.json").write_text(json.dumps(self.eval_result, indent=2))
            self.submitted = self.start_step
            with self.progress() as progress:
                bar = progress.add_task("RL", total=cfg.steps, completed=self.start_step)
                for step in range(self.start_step, cfg.steps):
                    last = self.rl_step(step)
                    progress.update(bar, advance=1, description=(
                        f"step {step + 1} reward {last.get('reward_mean', 0):.2f} "
                        f"pass {last.get('pass_rate', 0):.2f} ent {last.get('entropy', float('nan')):.2f}"))
                    every = cfg.checkpoint.every
                    if every and (step + 1) % every == 0 and step + 1 < cfg.steps:
                        self.save_checkpoint(step + 1)
            if cfg.eval.problems_per_task:
                self.eval_result["after"] = self.evaluate()
                (self.run_dir / "eval.json").write_text(json.dumps(self.eval_result, indent=2))
            self.save_checkpoint(cfg.steps)
            if cfg.logging.plot:
                plot_curve(self.run_dir, self.eval_result)
        finally:
            self.close()
        return {"eval": self.eval_result, "last": last}

    def probe(self) -> list[list[float]]:
        """Each rollout engine's weight fingerprint (see ``RolloutWorker.probe``)."""
        return self.rollout.call("probe")

    def close(self) -> None:
        if getattr(self, "metrics", None) is not None:
            self.metrics.close()
        if hasattr(getattr(self, "scorer", None), "close"):
            self.scorer.close()
        self.learners.kill()
        if self.own_rollout:
            self.rollout.kill()
        if self.started_ray:
            import ray

            ray.shutdown()
