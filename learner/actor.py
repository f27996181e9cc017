"""The learner: one torch.distributed rank holding an FSDP2 (``fully_shard``) shard of the policy."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

from learner.weight_sender import WeightSender

if TYPE_CHECKING:
    from learner.batch import PaddedBatch, TrainBatch
    from learner.config import LearnerConfig

#: Files copied next to saved weights so a checkpoint folder loads with ``from_pretrained``.
_MODEL_FILES = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "chat_template.jinja", "bootcamp_tiny.json")


def free_address() -> tuple[str, int]:
    """This host's address and a free TCP port (for the process group's rendezvous)."""
    with socket.socket() as s:
        s.bind(("", 0))
        port = s.getsockname()[1]
    try:
        ip = socket.gethostbyname(socket.gethostname())
    except OSError:
        ip = "127.0.0.1"
    return ip, port


class LearnerWorker(WeightSender):
    """One rank: builds the process group, shards the policy, and runs RL and supervised steps.

    Every method that touches the model is collective: the driver calls it on all
    ranks at once with equal numbers of micro-batches, else the ranks deadlock.
    """

    def __init__(self, rank: int, world_size: int, model_path: str, cfg: LearnerConfig) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(cfg.threads))
        import torch

        torch.set_num_threads(cfg.threads)
        self.torch = torch
        self.rank, self.world = rank, world_size
        self.model_path = model_path
        self.cfg = cfg
        self.model: Any = None

    def address(self) -> tuple[str, int]:
        return free_address()

    def node_id(self) -> str:
        """The Ray node this rank runs on."""
        import ray

        return ray.get_runtime_context().get_node_id()

    def pid(self) -> int:
        """This rank's process id."""
        return os.getpid()

    def setup(self, master: tuple[str, int]) -> int:
        """Join the process group, load and shard the policy (and the reference), build AdamW."""
        import torch
        import torch.distributed as dist
        from torch.distributed.fsdp import fully_shard
        from transformers import AutoModelForCausalLM

        use_gpu = self.cfg.num_gpus_per_rank > 0 and torch.cuda.is_available()
        self.device = torch.device("cuda", torch.cuda.current_device()) if use_gpu else torch.device("cpu")
        if not dist.is_initialized():
            dist.init_process_group("nccl" if use_gpu else "gloo", init_method=f"tcp://{master[0]}:{master[1]}",
                                    rank=self.rank, world_size=self.world)
        torch.manual_seed(self.cfg.seed)

        def load() -> Any:
            m = AutoModelForCausalLM.from_pretrained(self.model_path, dtype=torch.float32).to(self.device)
            if self.cfg.gradient_checkpointing:
                m.config.use_cache = False
                m.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            for layer in m.model.layers:
                fully_shard(layer)
            fully_shard(m)
            return m

        self.model = load()
        self.model.train()
        self.ref = None
        if self.cfg.kl_coef > 0:
            self.ref = load().eval()
            for p in self.ref.parameters():
                p.requires_grad_(False)
        self.reset_optimizer(self.cfg.lr)
        return sum(p.numel() for p in self.model.parameters())

    def snapshot_reference(self) -> None:
        """Make the frozen KL reference a copy of the current policy (e.g. the warmed-up one)."""
        if self.ref is None:
            return
        with self.torch.no_grad():
            for ref_p, p in zip(self.ref.parameters(), self.model.parameters(), strict=True):
                ref_p.copy_(p.detach())

    def reset_optimizer(self, lr: float) -> None:
        """A fresh AdamW (e.g. between the supervised warm-up and RL)."""
        self.optim = self.torch.optim.AdamW(self.model.parameters(), lr=lr,
                                            weight_decay=self.cfg.weight_decay)

    # -- batches ---------------------------------------------------------------------------
    def _logits(self, model: Any, batch: PaddedBatch) -> Any:
        """The logits that predict each response token, ``[B, T, V]``."""
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask,
                       position_ids=batch.position_ids, use_cache=False).logits  # [R, L, V]
        return batch.select_logits(logits)

    def _tensors(self, mb: TrainBatch) -> PaddedBatch:
        if not self.cfg.packing:
            return mb.pad(self.device)
        if self.cfg.share_prompts:
            return mb.pack_shared(self.cfg.pack_width, self.device)
        return mb.pack(self.cfg.pack_width, self.device)

    def _micro_batches(self, batch: TrainBatch, n_micro: int) -> list[TrainBatch]:
        return batch.split_tokens(n_micro) if self.cfg.packing else batch.split(n_micro)

    def logprobs(self, batch: TrainBatch, n_micro: int, temperature: float) -> list[list[float]]:
        """Each item's response-token log-probs under the current policy (no gradient); collective."""
        from learner.losses import token_logprobs

        out: list[list[float]] = []
        with self.torch.no_grad():
            for mb in self._micro_batches(batch, n_micro):
                padded = self._tensors(mb)
                logp = token_logprobs(self._logits(self.model, padded), padded.targets, temperature)
                out.extend(logp[i, : len(it.response_ids)].tolist() for i, it in enumerate(mb))
        return out

    # -- steps -------------------------------------------------------------------------------
    def train_step(self, batch: TrainBatch, n_micro: int, norm: float, temperature: float,
                   max_tokens: int, sft: bool = False, lr: float | None = None,
                   tis: bool = False, sft_token_mean: bool = False) -> dict[str, float]:
        """One optimizer step over this rank's share of the batch.

        ``norm`` is the global normaliser (the loss aggregation's unit, sequences or response
        tokens, counted over the whole mini-batch across ranks), so the summed micro-batch
        losses of all ranks give the batch mean; FSDP averages gradients over ranks, hence
        the ``world`` factor. With ``tis`` the PPO ratio is taken against the learner's own pre-step
        log-probs (the items' ``prox_logprobs``, else this forward's) and each token's surrogate is
        weighted by ``min(pi_learner / pi_engine, tis_cap)``. The supervised loss (``sft``) is a sum of
        per-sequence means (``norm``: sequences), or with ``sft_token_mean`` a sum over tokens (``norm``: tokens).
        """
        torch = self.torch
        from learner.losses import entropy_from_logits, policy_loss, token_logprobs

        cfg = self.cfg
        stats: dict[str, float] = {"tokens": 0.0, "loss": 0.0, "entropy_sum": 0.0, "kl_sum": 0.0,
                                   "clip_sum": 0.0, "ratio_sum": 0.0, "logp_sum": 0.0, "mismatch_kl_sum": 0.0,
                                   "mismatch_abs_sum": 0.0, "tis_clip_sum": 0.0, "input_tokens": 0.0,
                                   "padding": 0.0}
        self.optim.zero_grad(set_to_none=True)
        mbs = self._micro_batches(batch, n_micro)
        for k, mb in enumerate(mbs):
            self.model.set_requires_gradient_sync(k == len(mbs) - 1)
            padded = self._tensors(mb)
            stats["input_tokens"] += float(padded.input_ids.numel())
            stats["padding"] += float(padded.padding)
            logits = self._logits(self.model, padded)
            logp = token_logprobs(logits, padded.targets, 1.0 if sft else temperature)
            mask = padded.mask
            with torch.no_grad():
                ent = entropy_from_logits(logits.detach(), temperature)
            if sft:
                per_seq = (-logp * mask).sum(-1)
                loss_sum = (per_seq if sft_token_mean else per_seq / mask.sum(-1).clamp(min=1)).sum()
                parts: dict[str, float] = {}
            else:
                ref_logp = None
                if self.ref is not None:
                    with torch.no_grad():
                        ref_logp = token_logprobs(self._logits(self.ref, padded), padded.targets, temperature)
                entropy = entropy_from_logits(logits, temperature) if cfg.entropy.method == "bonus" else None
                prox = padded.prox_logprobs if padded.prox_logprobs is not None else logp.detach()
                gap = padded.old_logprobs - prox  # log pi_engine - log pi_learner on the same tokens
                stats["mismatch_kl_sum"] += float(((torch.exp(gap) - gap - 1) * mask).sum())
                stats["mismatch_abs_sum"] += float((gap.abs() * mask).sum())
                weights = None
                if tis:
                    raw = torch.exp(-gap)
                    weights = raw.clamp(max=cfg.tis_cap)
                    stats["tis_clip_sum"] += float(((raw > cfg.tis_cap).float() * mask).sum())
                loss_sum, parts = policy_loss(logp, prox if tis else padded.old_logprobs, padded.advantages, mask,
                                              cfg, ref_logp=ref_logp, entropy=entropy, max_tokens=max_tokens,
                                              weights=weights)
                if self.ref is None:  # no reference: report the k3 KL to the sampling policy instead
                    d = (padded.old_logprobs - logp.detach())
                    parts["kl_sum"] = float(((torch.exp(d) - d - 1).clamp(min=0) * mask).sum())  # >= 0 but for rounding
            loss = loss_sum * self.world / norm
            loss.backward()
            n_tok = float(mask.sum())
            stats["tokens"] += n_tok
            stats["loss"] += float(loss_sum.detach()) / norm
            stats["entropy_sum"] += float((ent * mask).sum())
            stats["logp_sum"] += float((logp.detach() * mask).sum())
            for key in ("kl_sum", "clip_sum", "ratio_sum"):
                stats[key] += parts.get(key, 0.0)
        gn = torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.grad_clip)
        gn = gn.full_tensor() if hasattr(gn, "full_tensor") else gn
        if lr is not None:  # the driver's schedule (learner.schedule); else the rate of reset_optimizer
            for g in self.optim.param_groups:
                g["lr"] = lr
        self.optim.step()
        stats["lr"] = self.optim.param_groups[0]["lr"]
        stats["grad_norm"] = float(gn)
        return stats

    # -- weights and checkpoints --------------------------------------------------------------
    def full_state_dict(self) -> dict[str, Any] | None:
        """The full (unsharded) policy on CPU; collective, returned by rank 0 only."""
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

        sd = get_model_state_dict(self.model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
        return {k: v.detach().clone() for k, v in sd.items()} if self.rank == 0 else None

    def save(self, out_dir: str, optimizer: bool = True) -> str:
        """Save the policy as a ``from_pretrained`` folder (and the optimizer); collective."""
        from safetensors.torch import save_file
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_optimizer_state_dict

        sd = self.full_state_dict()
        osd = None
        if optimizer:
            osd = get_optimizer_state_dict(self.model, self.optim,
                                           options=StateDictOptions(full_state_dict=True, cpu_offload=True))
        if self.rank == 0:
            out = Path(out_dir)
            (out / "policy").mkdir(parents=True, exist_ok=True)
            save_file({k: v.contiguous() for k, v in sd.items()}, str(out / "policy" / "model.safetensors"))
            for name in _MODEL_FILES:
                src = Path(self.model_path) / name
                if src.exists():
                    shutil.copy(src, out / "policy" / name)
            if osd is not None:
                self.torch.save(osd, out / "optimizer.pt")
        return out_dir

    def load_optimizer(self, path: str) -> None:
        """Restore the optimizer from a full optimizer state dict; collective."""
        from torch.distributed.checkpoint.state_dict import StateDictOptions, set_optimizer_state_dict

        osd = self.torch.load(path, weights_only=False)
        set_optimizer_state_dict(self.model, self.optim, optim_state_dict=osd,
                                 options=StateDictOptions(full_state_dict=True))

    def shutdown(self) -> None:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()


def learner_actor(num_gpus: float = 0.0) -> Any:
    """The Ray actor class of :class:`LearnerWorker` (no CPU reservation; one thread each)."""
    import ray

    return ray.remote(num_cpus=0, num_gpus=num_gpus)(LearnerWorker)
