"""The job config: typed pydantic models loaded from YAML.

Every validation error is a ``ValueError`` that names the offending field
(``learner.micro_batch: ...``), so a bad YAML file fails before any actor starts.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from learner.algorithms.advantages import ADVANTAGES, AdvantageEstimator
from learner.algorithms.loss_agg import LOSS_AGGS, LossAggregation
from learner.curriculum_config import CurriculumConfig
from learner.placement import PlacementConfig
from rollout.engines import COMMON_OPTIONS, ENGINES, EngineOptions, engine_options

#: Where the rollout section sets each option every engine takes (see ``rollout.engines.EngineOptions``).
_COMMON_OPTION_SOURCE = {"max_model_len": "rollout.max_model_len", "seed": "rollout.seed",
                         "device": "rollout.num_gpus_per_actor"}


class ConfigDeprecationWarning(DeprecationWarning):
    """A config key that still works for now but has a new name."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TinyModel(_Model):
    """A tiny random-init model built once from a config (when no model path is given)."""

    arch: Literal["llama", "qwen2"] = "llama"
    hidden_size: int = Field(128, ge=64)
    head_dim: int = Field(64, description="64 works with vLLM's CPU attention; 16 does not.")
    num_layers: int = Field(2, ge=1)
    intermediate_size: int | None = None
    max_position_embeddings: int = 512
    seed: int = 0


class ModelConfig(_Model):
    path: str | None = Field(None, description="A transformers model folder; none builds `tiny`.")
    tiny: TinyModel = Field(default_factory=TinyModel)
    cache_dir: str = Field(".models", description="Where the tiny model is built and cached.")
    chat_template: bool = Field(False, description="Wrap prompts with the tokenizer's chat template.")
    prompt_suffix: str = Field("\n", description="Appended to the task prompt when no chat template is used.")


class TaskWeight(_Model):
    """One entry of ``tasks:``: a task id or glob, its weight, and optionally a difficulty level."""

    task: str = Field(alias="id", description="A task id or a glob (`math/*`).")
    weight: float = Field(1.0, gt=0)
    level: int | None = Field(None, description=(
        "Draw this entry's problems at this difficulty level (1 = easiest; every task the entry names must "
        "have it); null: each task's default level."))

    @model_validator(mode="before")
    @classmethod
    def _level(cls, data: Any) -> Any:
        level = data.get("level") if isinstance(data, dict) else None
        if level is not None and (isinstance(level, bool) or not isinstance(level, int) or level < 1):
            raise ValueError(f"{{id: {data.get('id')}, level: {level!r}}}: a level is an integer from 1")
        return data

    @property
    def id(self) -> str:
        """The entry's key in the task mix: the id, with ``@level`` when the entry sets a level.

        Whoever builds the mix from ``(t.id, t.weight)`` so keeps the level (``bootcamp.mix.split_key``).
        """
        from bootcamp.mix import mix_key

        return mix_key(self.task, self.level)


class EpisodesConfig(_Model):
    """Multi-turn rollouts: every problem is played as an episode with tools (``rollout.episodes``)."""

    tools: list[str] = Field(default_factory=list, description=(
        "Tools offered with every task (bootcamp.env.TOOLS, e.g. calculator); registered environments "
        "in the mix keep their own."))
    max_turns: int = Field(4, ge=1, description="Messages per episode of a task with tools.")
    turn_tokens: int = Field(64, ge=1, description="Tokens per generated turn (rollout.max_tokens bounds "
                                                   "the whole episode: turns and tool results).")
    executor: Literal["sandbox", "in_process"] = Field("sandbox", description=(
        "Where tools run: the verification sandbox, or in the rollout actor (only tools that run no "
        "model code; the python tool is refused there)."))

    @field_validator("tools")
    @classmethod
    def _tools(cls, value: list[str]) -> list[str]:
        from bootcamp.env.executor import load_tools
        from bootcamp.env.tools import TOOLS
        from bootcamp.extension import UnknownNameError

        load_tools()
        for name in value:
            try:
                TOOLS.get(name)
            except UnknownNameError:
                raise ValueError(f"rollout.episodes.tools: unknown tool {name!r}; valid: "
                                 f"{', '.join(TOOLS.names())}") from None
        return value

    @model_validator(mode="after")
    def _executor(self) -> EpisodesConfig:
        from bootcamp.env.tools import TOOLS

        unsafe = [t for t in self.tools if TOOLS.get(t).sandbox_only]
        if self.executor == "in_process" and unsafe:
            raise ValueError(f"rollout.episodes.executor: {', '.join(unsafe)} run(s) model code, only in the "
                             "sandbox executor; use executor: sandbox")
        return self


class RolloutConfig(_Model):
    engine: str = Field("vllm", description="A registered rollout engine (rollout.engines): vllm, hf, ...")
    engine_options: dict[str, Any] = Field(default_factory=dict, description=(
        "Per engine name, its own options beyond the common ones, e.g. {vllm: {kv_cache_gib: 2}}; "
        "each is checked against that engine's options model, the chosen engine's are used."))
    num_actors: int = Field(1, ge=1)
    prompts_per_step: int = Field(8, ge=1)
    samples_per_prompt: int = Field(8, ge=1, description="G: responses per prompt (the group).")
    temperature: float = Field(1.0, gt=0)
    top_p: float = Field(1.0, gt=0, le=1)
    max_tokens: int = Field(32, ge=1)
    max_model_len: int = Field(256, ge=16)
    max_staleness: int = Field(0, ge=0, description=(
        "Policy versions a batch may lag (0 = on-policy). k >= 1 generates the next k batches while the "
        "learners update (overlap); stale tokens are reweighted (learner.off_policy)."))
    chunk_prompts: int = Field(0, ge=0, description=(
        "Prompts per generation request: each request's groups come back, and are scored, as soon as it "
        "is done (streaming). 0: one request per actor per batch."))
    dynamic_sampling: bool = Field(False, description=(
        "Drop groups whose rewards are all equal and keep sampling until the batch holds prompts_per_step "
        "informative groups (DAPO), at most max_oversample x prompts_per_step groups per batch."))
    max_oversample: float = Field(4.0, ge=1, description="Bound on groups sampled per batch, as a multiple.")
    num_gpus_per_actor: float = Field(0.0, ge=0)
    threads: int = Field(1, ge=1, description="CPU threads per rollout actor (torch intra-op).")
    seed: int = 0
    episodes: EpisodesConfig | None = Field(None, description=(
        "Multi-turn rollouts with tools (null: one response per problem). The reward is then the "
        "environment's verdict (the task's own verify), not the job's reward mix."))

    @model_validator(mode="before")
    @classmethod
    def _kv_cache_alias(cls, data: Any) -> Any:
        # `rollout.kv_cache_gib` was a top-level option before engines declared their own (one release).
        if isinstance(data, dict) and "kv_cache_gib" in data:
            warnings.warn("rollout.kv_cache_gib is deprecated; use rollout.engine_options.vllm.kv_cache_gib",
                          ConfigDeprecationWarning, stacklevel=2)
            data = dict(data)
            options = dict(data.get("engine_options") or {})
            vllm = dict(options.get("vllm") or {})
            if "kv_cache_gib" in vllm:
                raise ValueError("rollout.kv_cache_gib: also set as rollout.engine_options.vllm.kv_cache_gib; "
                                 "keep only the latter")
            vllm["kv_cache_gib"] = data.pop("kv_cache_gib")
            options["vllm"] = vllm
            data["engine_options"] = options
        return data

    @field_validator("engine")
    @classmethod
    def _engine(cls, value: str) -> str:
        ENGINES.get(value)
        return value

    @model_validator(mode="after")
    def _engine_options(self) -> RolloutConfig:
        for name, options in self.engine_options.items():
            if name not in ENGINES:
                raise ValueError(f"rollout.engine_options.{name}: not an engine; options are keyed by engine, "
                                 f"e.g. {{vllm: {{kv_cache_gib: 2}}}}; engines: {', '.join(ENGINES.names())}")
            if not isinstance(options, dict):
                raise ValueError(f"rollout.engine_options.{name}: expected a mapping of {name}'s options")
            for key in options:
                if key in COMMON_OPTIONS:
                    raise ValueError(f"rollout.engine_options.{name}.{key}: every engine takes it from "
                                     f"{_COMMON_OPTION_SOURCE.get(key, 'the rollout section')}; set it there")
            engine_options(name, options)
        return self

    def engine_kwargs(self, actor: int = 0) -> dict[str, Any]:
        """Everything the chosen engine is built with on rollout actor ``actor`` (its seed is ``seed + actor``)."""
        device = "cuda" if self.num_gpus_per_actor > 0 else "cpu"
        return {"max_model_len": self.max_model_len, "seed": self.seed + actor, "device": device,
                **self.engine_options.get(self.engine, {})}

    def engine_config(self, actor: int = 0) -> EngineOptions:
        """The chosen engine's validated options on rollout actor ``actor``."""
        return engine_options(self.engine, self.engine_kwargs(actor))


class EntropyConfig(_Model):
    method: Literal["none", "bonus", "kl_cov"] = "none"
    coef: float = Field(0.0, ge=0, description="Entropy bonus weight, or the KL-Cov penalty weight.")
    kl_cov_ratio: float = Field(0.002, gt=0, le=1, description="Share of tokens KL-Cov penalises.")


class LearnerConfig(_Model):
    num_ranks: int = Field(1, ge=1, description="FSDP2 ranks (one Ray actor each).")
    num_gpus_per_rank: float = Field(0.0, ge=0, description="0: CPU and gloo; 1: one GPU each and NCCL.")
    threads: int = Field(1, ge=1, description="CPU threads per learner rank (torch intra-op).")
    lr: float = Field(1e-4, gt=0)
    lr_warmup_steps: int = Field(0, ge=0, description="Linear learning-rate warm-up over this many RL steps.")
    lr_schedule: Literal["constant", "linear", "cosine"] = Field(
        "constant", description="After warm-up: keep lr, or decay it to lr * min_lr_ratio at the last step.")
    min_lr_ratio: float = Field(0.0, ge=0, le=1, description="Final lr as a share of lr (linear/cosine).")
    weight_decay: float = Field(0.0, ge=0)
    micro_batch: int = Field(16, ge=1, description="Sequences per forward/backward on one rank.")
    updates_per_step: int = Field(1, ge=1, description="Optimizer steps per batch (mini-batches).")
    advantage: str = Field("grpo", description=(
        "A registered advantage estimator (learner.algorithms.advantages): grpo, dr_grpo, rloo, oreal, ..."))
    loss_agg: str | None = Field(None, description=(
        "A registered policy-loss aggregation (learner.algorithms.loss_agg): token_mean, seq_mean_token_mean, "
        "seq_mean_token_sum, ...; null: the estimator's own (dr_grpo: seq_mean_token_sum, others: "
        "seq_mean_token_mean)."))
    clip_low: float = Field(0.2, ge=0)
    clip_high: float = Field(0.28, ge=0)
    kl_coef: float = Field(0.0, ge=0, description="Weight of KL to a frozen reference (0: no reference).")
    kl_estimator: Literal["k1", "k3"] = "k3"
    entropy: EntropyConfig = Field(default_factory=EntropyConfig)
    grad_clip: float = Field(1.0, gt=0)
    negative_weight: float = Field(1.0, ge=0, description=(
        "Scale on negative advantages: 1 is plain policy gradient; 0 learns only from samples better "
        "than their group (filtered behaviour cloning), which keeps a small model's format intact."))
    filter_uniform_groups: bool = Field(True, description="Drop groups whose rewards are all equal.")
    overlong: Literal["keep", "filter"] = Field("keep", description=(
        "Responses cut at rollout.max_tokens (no end-of-sequence token): keep them in the loss, or filter "
        "them out of it (DAPO's overlong filtering). They still count in their group's advantages. "
        "Filtering stops a policy from learning never to stop, which rewarded truncated answers teach."))
    off_policy: Literal["auto", "tis", "none"] = Field("auto", description=(
        "Correction for tokens sampled by another policy (stale weights, engine/learner numerics): tis "
        "takes the PPO ratio against the learner's own pre-step log-probs and weights each token by "
        "min(pi_learner / pi_engine, tis_cap) (truncated importance sampling); none takes the ratio "
        "against the engine's sampling log-probs; auto: tis when rollout.max_staleness >= 1."))
    tis_cap: float = Field(2.0, gt=0, description="Truncation cap of the importance weights (off_policy tis).")
    packing: bool = Field(False, description=(
        "Pack sequences into rows of pack_width tokens (per-sequence attention and positions) instead of "
        "padding each to the longest; micro-batches then hold about micro_batch_tokens tokens."))
    share_prompts: bool = Field(False, description=(
        "With packing: a group's responses share one copy of their prompt in the packed row (each response "
        "attends to the prompt and itself), so a group costs about P + G*T tokens instead of G*(P+T)."))
    pack_width: int = Field(256, ge=16, description="Tokens per packed row.")
    micro_batch_tokens: int = Field(4096, ge=16, description="Tokens per packed micro-batch on one rank.")
    gradient_checkpointing: bool = Field(False, description="Recompute activations in the backward pass.")
    weight_sync: str = Field("collective", description=(
        "How new weights reach the rollout engines (learner.weight_sync registry): collective (a gloo/NCCL "
        "broadcast from learner rank 0, in buckets), shared_memory (buckets through /dev/shm), object_store "
        "(the whole state dict through Ray, then the engine's own reload; the old path)."))
    weight_sync_bucket_mb: int = Field(256, ge=1, description="Bucket size of the bucketed weight-sync paths.")
    seed: int = 0

    @model_validator(mode="before")
    @classmethod
    def _algorithm_alias(cls, data: Any) -> Any:
        # `learner.algorithm` set estimator and aggregation at once; kept one release as `advantage`.
        if isinstance(data, dict) and "algorithm" in data:
            if "advantage" in data:
                raise ValueError("learner.algorithm: a deprecated alias of learner.advantage; give only "
                                 "learner.advantage")
            warnings.warn("learner.algorithm is deprecated; use learner.advantage (and learner.loss_agg)",
                          ConfigDeprecationWarning, stacklevel=2)
            data = {("advantage" if k == "algorithm" else k): v for k, v in data.items()}
        return data

    @field_validator("advantage")
    @classmethod
    def _advantage(cls, value: str) -> str:
        ADVANTAGES.get(value)
        return value

    @field_validator("loss_agg")
    @classmethod
    def _loss_agg(cls, value: str | None) -> str | None:
        if value is not None:
            LOSS_AGGS.get(value)
        return value

    @field_validator("weight_sync")
    @classmethod
    def _weight_sync(cls, value: str) -> str:
        from learner.weight_sync import WEIGHT_SYNCS

        WEIGHT_SYNCS.get(value)
        return value

    @model_validator(mode="after")
    def _default_loss_agg(self) -> LearnerConfig:
        default = self.estimator().loss_agg
        if self.loss_agg is None and default not in LOSS_AGGS:  # a plugin's estimator may name a missing one
            raise ValueError(f"learner.loss_agg: null means {self.advantage}'s default {default!r}, which is "
                             f"not registered; valid: {', '.join(LOSS_AGGS.names())}")
        return self

    @model_validator(mode="after")
    def _share_prompts(self) -> LearnerConfig:
        if self.share_prompts and not self.packing:
            raise ValueError("learner.share_prompts: needs learner.packing: true (prompts are shared in packed rows)")
        return self

    def uses_tis(self, max_staleness: int) -> bool:
        """Whether the off-policy correction is on for a job with this staleness."""
        return self.off_policy == "tis" or (self.off_policy == "auto" and max_staleness >= 1)

    def estimator(self) -> AdvantageEstimator:
        """The advantage estimator ``advantage`` names."""
        return ADVANTAGES.get(self.advantage)

    def aggregation(self) -> LossAggregation:
        """The loss aggregation: ``loss_agg``, or the estimator's default when it is null."""
        return LOSS_AGGS.get(self.loss_agg or self.estimator().loss_agg)


class LaunchConfig(_Model):
    """A model server the job starts for one backend (``backends.<name>.launch``) and stops at the end."""

    model: str | None = Field(None, description="A local model folder to serve (vLLM, OpenAI-compatible).")
    tiny_verifier: bool = Field(False, description=(
        "Serve the tiny verifier trained here on generic checker pairs (built once under model.cache_dir)."))
    tiny_verifier_preset: Literal["default", "fast"] = Field("default", description=(
        "The tiny verifier's training: 'default' (~3 min, accurate) or 'fast' (~1 min, a smoke test: it "
        "barely compares numbers)."))
    max_model_len: int = Field(512, ge=16)
    dtype: str = "float32"
    extra_args: list[str] = Field(default_factory=list, description="More vLLM api_server flags.")
    startup_timeout_s: float = Field(300.0, gt=0)

    @model_validator(mode="after")
    def _one_model(self) -> LaunchConfig:
        if bool(self.model) == self.tiny_verifier:
            raise ValueError("launch: give exactly one of 'model' (a folder) or 'tiny_verifier: true'")
        return self


class RewardsConfig(_Model):
    mode: Literal["inprocess", "service"] = "inprocess"
    url: str | None = Field(None, description="Reward service URL when mode is `service`.")
    urls: list[str] = Field(default_factory=list, description=(
        "More reward-service replicas (mode `service`): a request that cannot reach one is sent to the next."))
    retry_budget_s: float = Field(300.0, ge=0, description=(
        "Mode `service`: how long a step waits (retrying with backoff) for an unreachable or overloaded "
        "service before the job fails; it never trains on missing rewards."))
    timeout_s: float = Field(30.0, gt=0, description="Service requests and reward-model calls.")
    sandbox_workers: int = Field(0, ge=0, description=(
        "In-process mode: verifier processes with a hard per-verdict timeout (0: verify in the "
        "trainer process, no hard timeout; use >0 for tasks whose verifiers parse or run model output)."))
    verify_timeout_s: float = Field(5.0, gt=0, description="Per-verdict limit in the sandbox pool.")
    reward_model_path: str | None = Field(None, description="A sequence-classifier reward model (`model` parts).")
    judge_url: str | None = Field(None, description="An OpenAI-compatible judge (`judge` parts).")
    judge_model: str = "judge"
    backends: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "Reward-model backends by name: {type, **options} (rewards.models.BACKEND_TYPES: verifier, judge, "
        "reference, classifier, similarity); `launch:` on a verifier or judge starts a local vLLM server for it."))
    spec_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "Reward specs by task-id glob, used instead of the tasks' own (e.g. a rule + verifier cascade)."))

    @model_validator(mode="after")
    def _url(self) -> RewardsConfig:
        if self.mode == "service" and not self.url:
            raise ValueError("rewards.url: required when rewards.mode is 'service'")
        if self.mode == "service" and (self.backends or self.spec_overrides):
            raise ValueError("rewards.backends / rewards.spec_overrides: in-process only; with mode 'service' "
                             "the reward service's own settings choose its backends and specs")
        from rewards.models import backend_factory
        from rewards.router import parse_overrides

        for name, spec in self.backends.items():
            kind = spec.get("type")
            if "launch" in spec:
                if kind not in ("verifier", "judge"):
                    raise ValueError(f"rewards.backends.{name}.launch: only a 'verifier' or 'judge' is served")
                if "base_url" in spec:
                    raise ValueError(f"rewards.backends.{name}: give 'launch' or 'base_url', not both")
                LaunchConfig.model_validate(spec["launch"])
            elif "base_url" not in spec and kind in ("verifier", "judge"):
                raise ValueError(f"rewards.backends.{name}: a {kind} needs 'base_url' or 'launch'")
            if "tiny" in spec:
                if kind not in ("reference", "classifier"):
                    raise ValueError(f"rewards.backends.{name}.tiny: only a 'reference' or 'classifier' model")
                if "path" in spec:
                    raise ValueError(f"rewards.backends.{name}: give 'tiny' or 'path', not both")
            elif "path" not in spec and kind in ("reference", "classifier"):
                raise ValueError(f"rewards.backends.{name}: a {kind} model needs 'path' (or 'tiny')")
            # launch/tiny are the job's: it turns them into base_url/path, then builds the backend
            built = {k: v for k, v in spec.items() if k not in ("launch", "tiny")}
            built.update({"base_url": "<launched>"} if "launch" in spec else {})
            built.update({"path": "<tiny>"} if "tiny" in spec else {})
            backend_factory(name, built, where="rewards.backends")
        parse_overrides(self.spec_overrides)
        return self


class LoggingConfig(_Model):
    tensorboard: bool = True
    wandb: dict[str, Any] | None = Field(None, description=(
        "Weights & Biases: {} or {project, entity, name, group, tags, mode: offline|online} (default "
        "offline, files in the run folder); needs the trackers extra."))
    mlflow: dict[str, Any] | None = Field(None, description=(
        "MLflow: {} or {tracking_uri, experiment, name} (default a file store in the run folder); needs "
        "the trackers extra."))
    plot: bool = True
    progress: bool = True


class CheckpointConfig(_Model):
    every: int = Field(0, ge=0, description="Save every N steps (0: only at the end).")
    keep: int = Field(2, ge=1)


class StreamConfig(_Model):
    """Where scored groups wait on their way to the learner."""

    backend: Literal["ray", "redis"] = Field("ray", description=(
        "ray: in the driver's memory (lost with it); redis: a Redis stream with a consumer group, each "
        "group acknowledged only once a checkpoint holds the step that trained on it."))
    url: str | None = Field(None, description="Redis URL (backend redis).")
    name: str | None = Field(None, description="Stream key (default: bootcamp:stream:<job name>).")

    @model_validator(mode="after")
    def _url(self) -> StreamConfig:
        if self.backend == "redis" and not self.url:
            raise ValueError("stream.url: required when stream.backend is 'redis' (e.g. redis://127.0.0.1:6379/0)")
        return self


class FaultConfig(_Model):
    """Recovery from dead actors."""

    max_rollout_restarts: int = Field(3, ge=0, description=(
        "Rollout actors restarted per job after they die; their in-flight prompts are sent again."))
    max_learner_restarts: int = Field(2, ge=0, description=(
        "Times the job restarts from its last checkpoint after a learner rank dies."))


class EvalConfig(_Model):
    """Held-out evaluation: greedy responses, plus sampled ones for pass@k when ``pass_k`` is set."""

    problems_per_task: int = Field(16, ge=0, description="Held-out problems per task (0: no eval).")
    seed_offset: int = Field(1_000_000_000, description="Eval seeds start here; training seeds stay below.")
    max_tokens: int | None = None
    pass_k: list[int] = Field(default_factory=list, description=(
        "Report pass@k for each k from sampled responses (empty: greedy only)."))
    samples: int | None = Field(None, description="Sampled responses per problem (null: max(pass_k)).")
    temperature: float = Field(1.0, gt=0, description="Sampling temperature of the pass@k responses.")
    top_p: float = Field(1.0, gt=0, le=1, description="Nucleus sampling of the pass@k responses.")
    seed: int = Field(0, description="Sampling seed of the pass@k responses (fixed: reruns repeat).")

    @field_validator("pass_k")
    @classmethod
    def _pass_k(cls, value: list[int]) -> list[int]:
        bad = [k for k in value if k < 1]
        if bad:
            raise ValueError(f"eval.pass_k: every k must be >= 1, got {bad}")
        return sorted(set(value))

    @model_validator(mode="after")
    def _samples(self) -> EvalConfig:
        if self.samples is not None:
            if self.samples < 1:
                raise ValueError(f"eval.samples: must be >= 1, got {self.samples}")
            if not self.pass_k:
                raise ValueError("eval.samples: has no effect without eval.pass_k; set eval.pass_k, e.g. [1]")
            if self.samples < max(self.pass_k):
                raise ValueError(f"eval.samples: {self.samples} is below max(eval.pass_k) = {max(self.pass_k)}; "
                                 "pass@k needs at least k samples per problem")
        return self

    def num_samples(self) -> int:
        """Sampled responses per problem: ``samples``, or ``max(pass_k)`` (0 when ``pass_k`` is empty)."""
        if not self.pass_k:
            return 0
        return self.samples or max(self.pass_k)


class WarmupConfig(_Model):
    steps: int = Field(0, ge=0, description="Supervised steps on reference solutions before RL.")
    batch: int = Field(32, ge=1)
    lr: float | None = None
    loss: Literal["seq_mean", "token_mean"] = Field("seq_mean", description=(
        "seq_mean: each example's mean token loss, averaged over examples; token_mean: every target "
        "token weighs the same (long examples, such as reference episodes beside short answers, are not "
        "drowned out)."))
    reference_episodes: float = Field(1.0, ge=0, le=1, description=(
        "With rollout.episodes: the share of warm-up examples that play the environment's reference "
        "policy (its tool calls, their results, its answer); the rest answer at once, without a tool."))


class JobConfig(_Model):
    """One ``bootcamp train`` job."""

    name: str = "run"
    seed: int = 0
    steps: int = Field(10, ge=0)
    model: ModelConfig = Field(default_factory=ModelConfig)
    tasks: list[TaskWeight] = Field(min_length=1)
    rollout: RolloutConfig = Field(default_factory=RolloutConfig)
    learner: LearnerConfig = Field(default_factory=LearnerConfig)
    rewards: RewardsConfig = Field(default_factory=RewardsConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    checkpoint: CheckpointConfig = Field(default_factory=CheckpointConfig)
    stream: StreamConfig = Field(default_factory=StreamConfig)
    fault: FaultConfig = Field(default_factory=FaultConfig)
    placement: PlacementConfig = Field(default_factory=PlacementConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    warmup: WarmupConfig = Field(default_factory=WarmupConfig)
    curriculum: CurriculumConfig = Field(default_factory=CurriculumConfig)

    @field_validator("tasks", mode="before")
    @classmethod
    def _tasks(cls, value: Any) -> Any:
        # `tasks: [math/gcd, "math/*"]` and `tasks: {math/gcd: 2}` are shorthands.
        if isinstance(value, dict):
            return [{"id": k, "weight": v} for k, v in value.items()]
        if isinstance(value, list):
            return [{"id": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> JobConfig:
        r, lr = self.rollout, self.learner
        need = lr.estimator().min_group_size
        if r.samples_per_prompt < need:
            raise ValueError(f"rollout.samples_per_prompt: {lr.advantage} needs groups of at least {need}")
        if r.max_tokens >= r.max_model_len:
            raise ValueError("rollout.max_tokens: must be below rollout.max_model_len (the prompt needs room)")
        if lr.entropy.method != "none" and lr.entropy.coef == 0:
            raise ValueError(f"learner.entropy.coef: must be > 0 with method {lr.entropy.method!r}")
        if lr.entropy.method == "kl_cov" and lr.updates_per_step == 1 and r.max_staleness == 0:
            warnings.warn("learner.entropy: kl_cov penalises |logp - logp_old|, which is ~0 when every batch "
                          "is used once on-policy (updates_per_step 1, max_staleness 0); it has next to no "
                          "effect there", UserWarning, stacklevel=2)
        return self

    def batch_size(self) -> int:
        """Trajectories per step."""
        return self.rollout.prompts_per_step * self.rollout.samples_per_prompt


def _field_error(exc: ValidationError) -> ValueError:
    lines = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "config"
        msg = e["msg"].removeprefix("Value error, ")
        # Model-level checks already name their field ("rollout.max_tokens: ...").
        lines.append(msg if re.match(r"^[\w.]+: ", msg) else f"{loc}: {msg}")
    return ValueError("invalid job config:\n  " + "\n  ".join(lines))


def parse_config(data: dict[str, Any]) -> JobConfig:
    """Validate a config dict; raise ``ValueError`` naming each bad field."""
    if not isinstance(data, dict):
        raise ValueError("config: expected a mapping at the top level of the YAML file")
    try:
        return JobConfig.model_validate(data)
    except ValidationError as exc:
        raise _field_error(exc) from None


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``["warmup.steps=5", "rollout.engine=hf"]`` -> ``{"warmup.steps": 5, "rollout.engine": "hf"}``.

    Each value is read as YAML (numbers, booleans, null, lists); a malformed item is a ``ValueError``.
    """
    import yaml

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", key):
            raise ValueError(f"--set {item!r}: expected KEY=VALUE with a dotted key, e.g. warmup.steps=5")
        try:
            out[key] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError as exc:
            raise ValueError(f"--set {key}: the value is not valid YAML ({exc})") from None
    return out


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> JobConfig:
    """Load and validate a job config from YAML (``overrides`` are dotted keys, e.g. ``steps``)."""
    import yaml

    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{path}: is a folder; give a job config file (YAML), e.g. examples/quickstart.yaml")
    text = p.read_text()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {_yaml_error(exc)}") from None
    if data is not None and not isinstance(data, dict):
        raise ValueError(f"{path}: a job config is a mapping of sections (model:, tasks:, ...), "
                         f"not a {type(data).__name__}")
    return parse_config(apply_overrides(data or {}, overrides or {}))


def _yaml_error(exc: Exception) -> str:
    """A YAML error in one line: where (line and column, from 1) and what."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return str(problem)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Set dotted keys (``{"rollout.engine": "hf"}``) in a config mapping, in place; returns it."""
    for key, value in overrides.items():
        node = data
        parts = key.split(".")
        for i, p in enumerate(parts[:-1]):
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise ValueError(f"{'.'.join(parts[:i + 1])}: is not a section, cannot set {key}")
        node[parts[-1]] = value
    return data


def dump_config(cfg: JobConfig) -> str:
    """The config as YAML (what a run folder records)."""
    import yaml

    return yaml.safe_dump(cfg.model_dump(mode="json", by_alias=True), sort_keys=False)
