"""The training driver: named stages, each a short method.

sample problems -> generate -> score -> advantages -> update -> sync -> log

Rollouts stream (:mod:`learner.pipeline`): requests of ``rollout.chunk_prompts`` prompts go to the
rollout actors, come back and are scored in the background, and the learner batch is assembled from
scored groups in request order. With ``rollout.max_staleness`` k >= 1 the groups of the next k
batches are requested before the learners update, so the engines generate (and the scorer scores)
while the learners train; a batch may then come from a policy up to k versions old, and the learners
correct for it (``learner.off_policy``). With ``rollout.dynamic_sampling`` groups whose rewards are all
equal are dropped and replaced. Every trajectory carries the version of the weights that sampled it.
With ``curriculum.enabled`` problems are drawn at each task's current level and weight, and every scored
group updates them (:mod:`learner.curriculum`).
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bootcamp.mix import TaskSampler, resolve_mix
from bootcamp.registry import REGISTRY, Registry
from learner import checkpoint as ckpt_mod
from learner.batch import TrainBatch, TrainItem
from learner.config import JobConfig, dump_config
from learner.curriculum import checkpoint_state, job_curriculum, observe_groups, restore
from learner.evaluation import make_job_scorer, run_eval
from learner.evaluation import score as score_trajectories
from learner.group import ActorGroup
from learner.metrics import EventLog, MetricsLogger, plot_curve, reward_metrics
from learner.pipeline import Group, RolloutStream
from learner.recovery import Recovery
from learner.schedule import learning_rate
from learner.trackers import build_trackers
from rollout.types import Trajectory


class Trainer(Recovery):
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
        self.stream: Any = None  # a RolloutStream, or a DurableRollouts around one
        self.stream_committed: list[str] = []  # stream ids the resumed checkpoint covers
        self.weight_sync: Any = None
        self.current_step = 0
        self.keep_rate = 1.0  # share of sampled groups dynamic sampling kept in the last batch
        self.started_ray = False
        self.rollout_restarts = 0
        self.learner_restarts = 0
        self.placement: Any = None  # learner.placement.Placement: the job's placement groups
        self.curriculum: Any = None  # learner.curriculum.Curriculum when curriculum.enabled

    # -- setup ----------------------------------------------------------------------------------
    def _make_scorer(self) -> Any:
        return make_job_scorer(self.cfg, self.registry)

    def prepare(self) -> None:
        """Run folder, model, sampler, scorer, Ray, actors; restore the last checkpoint on resume."""
        from transformers import AutoTokenizer

        from rollout.cluster import ensure_ray
        from rollout.models import ensure_tiny_model

        cfg = self.cfg
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "config.yaml").write_text(dump_config(cfg))
        self.say(f"model: {cfg.model.path}" if cfg.model.path else
                 f"model: building the tiny {cfg.model.tiny.arch} model (cached in {cfg.model.cache_dir})")
        self.base_model_path = cfg.model.path or ensure_tiny_model(cfg.model.tiny.model_dump(), cfg.model.cache_dir)
        from bootcamp.env.job_problems import job_problems

        self.problems: Any = job_problems(self.registry, cfg.rollout.episodes is not None)  # + environments
        self.mix = resolve_mix([(t.id, t.weight) for t in cfg.tasks], self.problems)
        self.scorer = self._make_scorer()
        self.tokenizer = AutoTokenizer.from_pretrained(self.base_model_path)
        self.metrics = MetricsLogger(self.run_dir, trackers=build_trackers(cfg.logging))
        self.metrics.start(cfg.model_dump(mode="json", by_alias=True), cfg.name, self.resume)
        self.events = EventLog(self.run_dir)
        self.say(f"Ray: joining {self.address}" if self.address else "Ray: starting a local cluster")
        self.started_ray = ensure_ray(self.address, cfg.rollout.engine_config().worker_env())
        from learner.placement import reserve

        self.placement = reserve(cfg, rollout=self.own_rollout)
        last = self.start_actors(self.resume)
        if self.resume:
            self.events.log("resumed", from_checkpoint=str(last) if last else None, from_step=self.start_step)

    def start_actors(self, resume: bool) -> Path | None:
        """Restore the newest checkpoint (when ``resume``; else a fresh start), start the learners (and the
        rollout actors when there are none), connect the weight sync; returns the checkpoint used.

        Also how the job restarts after a learner rank died: every learner rank is started again from
        the checkpoint, the rollout actors are kept and get the checkpoint's weights.
        """
        from learner.cluster import start_learners, start_rollout
        from learner.weight_sync import make_weight_sync

        cfg = self.cfg
        self.sampler = TaskSampler(self.mix, seed=cfg.seed, seed_limit=cfg.eval.seed_offset, registry=self.problems)
        self.warmup_sampler = TaskSampler(self.mix, seed=cfg.seed + 7919, seed_limit=cfg.eval.seed_offset,
                                          registry=self.problems)
        self.curriculum, self.sampler = job_curriculum(cfg.curriculum, self.mix, self.problems, self.sampler)
        self.start_step, self.version, self.warmup_done, self.eval_result = 0, 0, False, {}
        self.stream_committed = []
        last = ckpt_mod.latest(self.run_dir) if resume else None
        model_path = self.base_model_path
        if last is not None:
            state = ckpt_mod.read_state(last)
            model_path = str(last / "policy")
            self.sampler.load_state_dict(state["sampler"])
            restore(self.curriculum, state)
            self.start_step, self.version = state["step"], state["version"]
            self.warmup_done = state.get("warmup_done", True)
            self.eval_result = state.get("eval", {})
            self.stream_committed = state.get("stream_uncommitted", [])
        # the run's history is the checkpoint's: steps after it are trained (and logged) again
        self.metrics.truncate(self.start_step if self.warmup_done else -1)
        self.model_path = model_path
        self.say(f"starting {cfg.learner.num_ranks} learner rank(s)" + (
            f" and {cfg.rollout.num_actors} rollout actor(s) ({cfg.rollout.engine})" if not self.rollout else "") + (
            f", from checkpoint {last.name}" if last is not None else ""))
        self.learners = start_learners(cfg, model_path, self.placement)
        fresh_engines = not self.rollout
        if fresh_engines:
            self.rollout = start_rollout(cfg, model_path, self.placement)
        elif cfg.rollout.episodes is not None:  # engines handed to the job play its episodes too
            self.rollout.call("set_episodes", cfg.rollout.episodes.model_dump())
        lc = cfg.learner
        self.weight_sync = make_weight_sync(lc.weight_sync, self.learners, self.rollout, lc.weight_sync_bucket_mb)
        if not (fresh_engines and self.own_rollout and last is None):
            self.sync(bump=False)  # engines may hold other weights; stamp the resumed version
        if last is not None and (last / "optimizer.pt").exists():
            self.learners.call("load_optimizer", str(last / "optimizer.pt"))
        return last

    @contextmanager
    def stage(self, name: str) -> Any:
        t0 = time.perf_counter()
        yield
        self.timers[name] = self.timers.get(name, 0.0) + time.perf_counter() - t0

    # -- the stages -------------------------------------------------------------------------------
    def start_stream(self) -> RolloutStream:
        """The rollout stream of the RL phase (seeds continue from the resumed step)."""
        r = self.cfg.rollout
        stream = RolloutStream(self.rollout, self.sampler, self._score_now, r.samples_per_prompt, r.temperature,
                               r.top_p, r.max_tokens, chunk=r.chunk_prompts, seed=r.seed,
                               recover=self.recover_rollout)
        stream.batches_requested = self.start_step
        if self.cfg.stream.backend == "redis":
            from learner.durable_rollouts import CONSUMER, DurableRollouts, stream_name
            from learner.group_stream import RedisGroupStream

            s = self.cfg.stream
            redis = RedisGroupStream(s.url, stream_name(self.cfg.name, self.run_dir, s.name), consumer=CONSUMER)
            fresh = not (self.resume or self.learner_restarts)
            return DurableRollouts(stream, redis, self.sampler, fresh, self.stream_committed)
        return stream

    def collect(self) -> tuple[list[Group], dict[str, float]]:
        """Scored groups for one batch: ``prompts_per_step`` of them, in request order.

        Groups sampled by weights more than ``max_staleness`` versions old are dropped; with dynamic
        sampling so are groups whose rewards are all equal, and more are requested until the batch is
        full or ``max_oversample`` x ``prompts_per_step`` groups were sampled for it.
        """
        r = self.cfg.rollout
        assert self.stream is not None
        want = r.prompts_per_step
        budget = math.ceil(want * r.max_oversample) if r.dynamic_sampling else want
        kept: list[Group] = []
        seen: list[Group] = []
        stale = uniform = 0
        with self.stage("generate"):
            while len(kept) < want and len(seen) < budget:
                if self.stream.outstanding() == 0:
                    need = want - len(kept)
                    if r.dynamic_sampling:
                        need = math.ceil(need / max(self.keep_rate, 1.0 / r.max_oversample))
                    self.stream.request(min(need, budget - len(seen)))
                g = self.stream.next_group()
                seen.append(g)
                if self.curriculum is not None:  # every scored group, kept or dropped, moves the curriculum
                    observe_groups(self.curriculum, [g])
                if self.version - g.version > r.max_staleness:
                    stale += 1
                elif r.dynamic_sampling and not g.informative():
                    uniform += 1
                else:
                    kept.append(g)
        if r.dynamic_sampling:
            self.keep_rate = len(kept) / max(len(seen) - stale, 1)
        totals = self.stream.take_totals()
        self.timers["score"] = totals["score_seconds"]  # in the background, during generation and updates
        versions = [self.version - g.version for g in kept] or [0]
        durable: dict[str, Any] = {}
        if hasattr(self.stream, "take_step_ids"):  # the stream ids this step read: one history, no repeats
            durable = {"stream_ids": self.stream.take_step_ids(), "replayed_groups": totals["replayed_groups"]}
        return kept, {**durable,
            "tokens_per_s": totals["gen_tokens"] / max(totals["gen_seconds"], 1e-9), "gen_tokens": totals["gen_tokens"],
            "staleness": float(max(versions)), "staleness_mean": sum(versions) / len(versions),
            "groups_sampled": float(len(seen)), "groups_kept": float(len(kept)),
            "groups_uniform_dropped": float(uniform), "groups_stale_dropped": float(stale),
            "reward_sampled": _mean([t.reward for g in seen for t in g.trajectories]),
            "reissued_groups": totals["reissued_groups"], "rollout_restarts": float(self.rollout_restarts),
            "learner_restarts": float(self.learner_restarts),
            **({"reward_service_retries": float(self.scorer.retries)} if hasattr(self.scorer, "retries") else {}),
        }

    def look_ahead(self) -> None:
        """Request the groups of the next ``max_staleness`` batches now, so they generate during the update."""
        r = self.cfg.rollout
        assert self.stream is not None
        if r.max_staleness == 0:
            return
        target = r.max_staleness * r.prompts_per_step
        if r.dynamic_sampling:
            target = min(math.ceil(target / max(self.keep_rate, 1e-9)), math.ceil(target * r.max_oversample))
        later = self.cfg.steps - self.current_step - 1  # batches still to collect after this one
        target = min(target, later * math.ceil(target / r.max_staleness))
        self.stream.request(target - self.stream.outstanding())

    def _score_now(self, trajs: list[Trajectory]) -> None:
        score_trajectories(self.scorer, trajs)

    def score(self, trajs: list[Trajectory]) -> None:
        with self.stage("score"):
            self._score_now(trajs)

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
            filter_overlong = self.cfg.learner.overlong == "filter"
            truncated = 0
            for i, t in enumerate(trajs):
                t.advantage = float(adv.view(-1)[i])
                cut = t.finish_reason == "length"
                truncated += cut
                if keep[i // g] and not (filter_overlong and cut):
                    items.append(TrainItem(t.prompt_ids, t.response_ids, t.logprobs, t.advantage,
                                           loss_mask=t.loss_mask))
        return TrainBatch(items), {"kept_groups": float(keep.float().mean()), "adv_abs_mean": float(adv.abs().mean()),
                                   "truncated_share": truncated / max(len(trajs), 1)}

    def _n_micro(self, shards: list[TrainBatch], sft: bool) -> int:
        """Micro-batches per rank (the same on every rank: FSDP's collectives need equal counts)."""
        lc = self.cfg.learner
        if lc.packing and not sft:
            tokens = max(sum(len(it.prompt_ids) + len(it.response_ids) for it in s) for s in shards)
            return max(1, math.ceil(tokens / lc.micro_batch_tokens))
        return max(1, math.ceil(max(len(s) for s in shards) / lc.micro_batch))

    def proximal_logprobs(self, batch: TrainBatch) -> TrainBatch:
        """``batch`` with each item's log-probs under the learners' current policy (``prox_logprobs``)."""
        import dataclasses

        world = len(self.learners)
        shards = [batch[r::world] for r in range(world)]
        out = self.learners.call_each("logprobs", [(s,) for s in shards], n_micro=self._n_micro(shards, False),
                                      temperature=self.cfg.rollout.temperature)
        items = list(batch.items)
        for r, lps in enumerate(out):
            for j, lp in enumerate(lps):
                items[r + j * world] = dataclasses.replace(items[r + j * world], prox_logprobs=lp)
        return TrainBatch(items)

    def update(self, batch: TrainBatch, sft: bool = False, lr: float | None = None) -> dict[str, float]:
        """Optimizer steps over ``batch`` split evenly over the ranks (equal micro-batch counts on all),
        at learning rate ``lr`` (None: the rate the optimizer was reset with); ``sft``: the supervised
        loss of ``warmup.loss``."""
        if not batch:
            return {"skipped": 1.0}
        lc = self.cfg.learner
        agg = lc.aggregation()
        world = len(self.learners)
        n_mini = 1 if sft else min(lc.updates_per_step, len(batch))
        tis = not sft and lc.uses_tis(self.cfg.rollout.max_staleness)
        out: dict[str, float] = {}
        with self.stage("update"):
            if tis and n_mini > 1:  # later mini-batches need the ratio to the policy before the first
                batch = self.proximal_logprobs(batch)
            for m in range(n_mini):
                mini = batch[m::n_mini]
                shards = [mini[r::world] for r in range(world)]
                # the supervised loss is a mean per sequence or per token; RL losses are in their aggregation's unit
                token_mean = sft and self.cfg.warmup.loss == "token_mean"
                if token_mean:
                    norm = float(sum(i.loss_tokens() for i in mini)) or 1.0
                else:
                    norm = float(len(mini)) if sft else agg.normaliser(mini)
                stats = self.learners.call_each(
                    "train_step", [(s,) for s in shards], n_micro=self._n_micro(shards, sft), norm=norm,
                    temperature=self.cfg.rollout.temperature, max_tokens=self.cfg.rollout.max_tokens, sft=sft, lr=lr,
                    tis=tis, sft_token_mean=token_mean)
                tok = sum(s["tokens"] for s in stats) or 1.0
                total = {k: sum(s[k] for s in stats) for k in stats[0]}
                out = {
                    "loss": total["loss"],
                    "entropy": total["entropy_sum"] / tok,
                    "kl": total["kl_sum"] / tok,
                    "clip_frac": total["clip_sum"] / tok,
                    "ratio_mean": total["ratio_sum"] / tok,
                    "grad_norm": stats[0]["grad_norm"],
                    "lr": stats[0]["lr"],
                    "train_tokens": tok,
                    "padding_share": total["padding"] / max(total["input_tokens"], 1.0),
                }
                if not sft:
                    out.update({"mismatch_kl": total["mismatch_kl_sum"] / tok,
                                "mismatch_abs": total["mismatch_abs_sum"] / tok,
                                "tis_clip_frac": total["tis_clip_sum"] / tok})
        return out

    def sync(self, bump: bool = True) -> None:
        """Push the learner's weights to every rollout engine and (by default) bump the policy version.

        The push goes to each actor after the generation requests already sent to it, so those are
        sampled by the previous weights (and stamped with the previous version).
        """
        with self.stage("sync"):
            self.version += int(bump)
            self.push_weights()

    def log(self, step: int, metrics: dict[str, Any]) -> None:
        with self.stage("log"):
            self.metrics.log(step, metrics)

    def progress(self) -> Any:
        """A progress display on stderr (plain lines where it is no terminal; off with ``logging.progress: false``)."""
        from learner.announce import progress

        return progress(self.show_progress)

    def say(self, text: str) -> None:
        """Announce a phase of the job on stderr (with ``logging.progress``)."""
        from learner.announce import phase

        phase(text, self.show_progress)

    # -- phases -----------------------------------------------------------------------------------
    def warmup(self) -> None:
        """Supervised steps on reference solutions (:mod:`learner.warmup`: answers, or reference episodes)."""
        from learner.warmup import WarmupData

        w = self.cfg.warmup
        if w.steps == 0:
            return
        self.say(f"warm-up: {w.steps} supervised steps on reference solutions")
        self.learners.call("reset_optimizer", w.lr or self.cfg.learner.lr)
        data = WarmupData(self.cfg, self.tokenizer, self.problems)
        with self.progress() as progress:
            bar = progress.add_task("warm-up", total=w.steps)
            for s in range(w.steps):
                items = [data.item(p) for p in self.warmup_sampler.sample(w.batch)]
                stats = self.update(TrainBatch(items), sft=True)
                self.metrics.log(s, {"phase": "warmup", "warmup/loss": stats["loss"]})
                progress.update(bar, advance=1, description=f"warm-up loss {stats['loss']:.3f}")
        self.learners.call("reset_optimizer", self.cfg.learner.lr)
        # KL is measured against the policy RL starts from, not the model before warm-up.
        self.learners.call("snapshot_reference")
        self.sync()

    def evaluate(self) -> dict[str, Any]:
        """Held-out problems (seeds disjoint from training): greedy, and pass@k when ``eval.pass_k`` is set."""
        self.say(f"evaluation: {self.cfg.eval.problems_per_task} held-out problems per task "
                 f"(policy version {self.version})")
        return run_eval(self.cfg, self.rollout, self.scorer, self.sampler, self.version, progress=self.show_progress)

    def rl_step(self, step: int) -> dict[str, Any]:
        self.timers = {}
        self.current_step = step
        t0 = time.perf_counter()
        groups, gen = self.collect()
        self.look_ahead()
        trajs = [t for g in groups for t in g.trajectories]
        upd: dict[str, float] = {"skipped": 1.0}
        adv: dict[str, float] = {}
        if trajs:
            batch, adv = self.advantages(trajs)
            upd = self.update(batch, lr=learning_rate(self.cfg.learner, step, self.cfg.steps))
        if "skipped" not in upd:
            self.sync()
        metrics = {"phase": "rl", **reward_metrics(trajs), **gen, **adv, **upd, "policy_version": self.version,
                   "effective_batch": float(len(trajs))}
        metrics.update({f"time/{k}": v for k, v in self.timers.items()})
        if self.curriculum is not None:
            metrics.update(self.curriculum.metrics())
        if "train_tokens" in upd:  # response tokens the learners trained on, per second of update
            metrics["learner_tokens_per_s"] = upd["train_tokens"] / max(self.timers.get("update", 0.0), 1e-9)
        metrics["time/step"] = time.perf_counter() - t0
        self.log(step, metrics)
        return metrics

    def save_checkpoint(self, step: int) -> Path:
        out = ckpt_mod.step_dir(self.run_dir, step)
        out.mkdir(parents=True, exist_ok=True)
        self.learners.call("save", str(out))
        durable = hasattr(self.stream, "commit")
        ckpt_mod.write_state(out, {"step": step, "version": self.version, "sampler": self.sampler.state_dict(),
                                   "warmup_done": self.warmup_done, "eval": self.eval_result,
                                   "stream_uncommitted": self.stream.uncommitted() if durable else [],
                                   **checkpoint_state(self.curriculum)})
        if durable:  # acknowledged only now that a checkpoint holds the steps that trained on them
            self.stream.commit()
        ckpt_mod.prune(self.run_dir, self.cfg.checkpoint.keep)
        return out

    def run(self) -> dict[str, Any]:
        """Run the job to the end; returns ``{"eval": ..., "last": last step's metrics}``.

        A learner rank that dies restarts the job from its last checkpoint, at most
        ``fault.max_learner_restarts`` times (each restart is a row of ``events.jsonl``).
        """
        try:
            self.prepare()
            while True:
                try:
                    return self.run_phases()
                except Exception as exc:
                    if self.learner_restarts >= self.cfg.fault.max_learner_restarts or not self.learner_died():
                        raise
                    self.restart_learners(exc)
        finally:
            self.close()

    def run_phases(self) -> dict[str, Any]:
        """Warm-up and the "before" evaluation (unless a checkpoint has them), RL steps, the "after" evaluation."""
        cfg = self.cfg
        last: dict[str, Any] = {}
        if not self.warmup_done:
            self.warmup()
            self.warmup_done = True
            if cfg.eval.problems_per_task:
                self.eval_result["before"] = self.evaluate()
                (self.run_dir / "eval.json").write_text(json.dumps(self.eval_result, indent=2))
        self.stream = self.start_stream()
        self.say(f"RL: steps {self.start_step + 1}-{cfg.steps}, {cfg.rollout.prompts_per_step} prompts x "
                 f"{cfg.rollout.samples_per_prompt} samples each")
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
        self.stream.close()
        if cfg.eval.problems_per_task:
            self.eval_result["after"] = self.evaluate()
            (self.run_dir / "eval.json").write_text(json.dumps(self.eval_result, indent=2))
        self.save_checkpoint(cfg.steps)
        if cfg.logging.plot:
            plot_curve(self.run_dir, self.eval_result)
        return {"eval": self.eval_result, "last": last}

    def probe(self) -> list[list[float]]:
        """Each rollout engine's weight fingerprint (see ``RolloutWorker.probe``)."""
        return self.rollout.call("probe")

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        if self.weight_sync is not None:
            self.weight_sync.close()
        if getattr(self, "metrics", None) is not None:
            self.metrics.close()
        if hasattr(getattr(self, "scorer", None), "close"):
            self.scorer.close()
        self.learners.kill()
        if self.own_rollout:
            self.rollout.kill()
        elif self.cfg.rollout.episodes is not None and self.rollout:
            with contextlib.suppress(Exception):  # hand the engines back as they came
                self.rollout.call("set_episodes", None)
        if self.placement is not None:
            self.placement.remove()
            self.placement = None
        if self.started_ray:
            import ray

            ray.shutdown()


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0
