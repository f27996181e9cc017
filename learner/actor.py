"""The learner: one torch.distributed rank holding an FSDP2 (``fully_shard``) shard of the policy."""

from __future__ import annotations

import math
import os
import shutil
import socket
from pathlib import Path
from typing import Any

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


class LearnerWorker:
    """One rank: builds the process group, shards the policy, and runs RL and supervised steps.

    Every method that touches the model is collective: the driver calls it on all
    ranks at once with equal numbers of micro-batches, else the ranks deadlock.
    """

    def __init__(self, rank: int, world_size: int, model_path: str, cfg: dict[str, Any], threads: int = 1) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        import torch

        torch.set_num_threads(threads)
        self.torch = torch
        self.rank, self.world = rank, world_size
        self.model_path = model_path
        self.cfg = cfg  # learner section of the job config, as a dict
        self.model: Any = None

    def address(self) -> tuple[str, int]:
        return free_address()

    def setup(self, master: tuple[str, int]) -> int:
        """Join the process group, load and shard the policy (and the reference), build AdamW."""
        import torch
        import torch.distributed as dist
        from torch.distributed.fsdp import fully_shard
        from transformers import AutoModelForCausalLM

        use_gpu = self.cfg.get("num_gpus_per_rank", 0) > 0 and torch.cuda.is_available()
        self.device = torch.device("cuda", torch.cuda.current_device()) if use_gpu else torch.device("cpu")
        if not dist.is_initialized():
            dist.init_process_group("nccl" if use_gpu else "gloo", init_method=f"tcp://{master[0]}:{master[1]}",
                                    rank=self.rank, world_size=self.world)
        torch.manual_seed(int(self.cfg.get("seed", 0)))

        def load() -> Any:
            m = AutoModelForCausalLM.from_pretrained(self.model_path, dtype=torch.float32).to(self.device)
            for layer in m.model.layers:
                fully_shard(layer)
            fully_shard(m)
            return m

        self.model = load()
        self.model.train()
        self.ref = None
        if self.cfg.get("kl_coef", 0) > 0:
            self.ref = load().eval()
            for p in self.ref.parameters():
                p.requires_grad_(False)
        self.reset_optimizer(self.cfg["lr"])
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
                                            weight_decay=self.cfg.get("weight_decay", 0.0))

    # -- batches ---------------------------------------------------------------------------
    def _pad(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        """Right-padded ``[B, L]`` inputs; response targets aligned to the logits that predict them."""
        torch = self.torch
        if not items:  # a rank with no data still runs the collectives: one dummy row, zero weight
            items = [{"prompt_ids": [0], "response_ids": [0], "logprobs": [0.0], "advantage": 0.0, "dummy": True}]
        width = max(len(it["prompt_ids"]) + len(it["response_ids"]) for it in items)
        resp_w = max(len(it["response_ids"]) for it in items)
        b = len(items)
        ids = torch.zeros((b, width), dtype=torch.long)
        att = torch.zeros((b, width), dtype=torch.long)
        # gather index: logits at position t predict token t+1
        pos = torch.zeros((b, resp_w), dtype=torch.long)
        tgt = torch.zeros((b, resp_w), dtype=torch.long)
        mask = torch.zeros((b, resp_w))
        old = torch.zeros((b, resp_w))
        adv = torch.zeros(b)
        for i, it in enumerate(items):
            p, r = it["prompt_ids"], it["response_ids"]
            seq = p + r
            ids[i, : len(seq)] = torch.tensor(seq)
            att[i, : len(seq)] = 1
            n = len(r)
            pos[i, :n] = torch.arange(len(p) - 1, len(p) - 1 + n)
            tgt[i, :n] = torch.tensor(r)
            mask[i, :n] = 0.0 if it.get("dummy") else 1.0
            if it.get("logprobs"):
                old[i, :n] = torch.tensor(it["logprobs"][:n])
            adv[i] = float(it.get("advantage", 0.0))
        dev = self.device
        return {"ids": ids.to(dev), "att": att.to(dev), "pos": pos.to(dev), "tgt": tgt.to(dev),
                "mask": mask.to(dev), "old": old.to(dev), "adv": adv.to(dev)}

    def _logits(self, model: Any, batch: dict[str, Any]) -> Any:
        logits = model(input_ids=batch["ids"], attention_mask=batch["att"]).logits  # [B, L, V]
        idx = batch["pos"].unsqueeze(-1).expand(-1, -1, logits.shape[-1])
        return torch_gather(self.torch, logits, idx)  # [B, T, V]

    def _micro_batches(self, items: list[dict[str, Any]], n_micro: int) -> list[list[dict[str, Any]]]:
        size = max(1, math.ceil(len(items) / n_micro)) if items else 1
        return [items[i * size : (i + 1) * size] for i in range(n_micro)]

    # -- steps -------------------------------------------------------------------------------
    def train_step(self, items: list[dict[str, Any]], n_micro: int, norm: float, temperature: float,
                   max_tokens: int, sft: bool = False, lr: float | None = None) -> dict[str, float]:
        """One optimizer step over this rank's share of the batch.

        ``norm`` is the global normaliser (sequences in the whole batch across ranks), so the
        summed micro-batch losses of all ranks give the batch mean; FSDP averages gradients
        over ranks, hence the ``world`` factor.
        """
        torch = self.torch
        from learner.losses import entropy_from_logits, policy_loss, token_logprobs

        cfg = self.cfg
        ent_cfg = cfg.get("entropy", {})
        stats: dict[str, float] = {"tokens": 0.0, "loss": 0.0, "entropy_sum": 0.0, "kl_sum": 0.0,
                                   "clip_sum": 0.0, "ratio_sum": 0.0, "logp_sum": 0.0}
        self.optim.zero_grad(set_to_none=True)
        mbs = self._micro_batches(items, n_micro)
        for k, mb in enumerate(mbs):
            self.model.set_requires_gradient_sync(k == len(mbs) - 1)
            batch = self._pad(mb)
            logits = self._logits(self.model, batch)
            logp = token_logprobs(logits, batch["tgt"], 1.0 if sft else temperature)
            mask = batch["mask"]
            with torch.no_grad():
                ent = entropy_from_logits(logits.detach(), temperature)
            if sft:
                loss_sum = ((-logp * mask).sum(-1) / mask.sum(-1).clamp(min=1)).sum()
                parts: dict[str, float] = {}
            else:
                ref_logp = None
                if self.ref is not None:
                    with torch.no_grad():
                        ref_logp = token_logprobs(self._logits(self.ref, batch), batch["tgt"], temperature)
                entropy = entropy_from_logits(logits, temperature) if ent_cfg.get("method") == "bonus" else None
                loss_sum, parts = policy_loss(
                    logp, batch["old"], batch["adv"], mask, algorithm=cfg["algorithm"],
                    clip_low=cfg["clip_low"], clip_high=cfg["clip_high"], ref_logp=ref_logp,
                    kl_coef=cfg.get("kl_coef", 0.0), kl_estimator=cfg.get("kl_estimator", "k3"),
                    entropy=entropy, entropy_method=ent_cfg.get("method", "none"),
                    entropy_coef=ent_cfg.get("coef", 0.0), kl_cov_ratio=ent_cfg.get("kl_cov_ratio", 0.002),
                    max_tokens=max_tokens)
                if self.ref is None:  # no reference: report the k3 KL to the sampling policy instead
                    d = (batch["old"] - logp.detach())
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
        gn = torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg["grad_clip"])
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


def torch_gather(torch: Any, logits: Any, idx: Any) -> Any:
    return torch.gather(logits, 1, idx)


def learner_actor(num_gpus: float = 0.0) -> Any:
    """The Ray actor class of :class:`LearnerWorker` (no CPU reservation; one thread each)."""
    import ray

    return ray.remote(num_cpus=0, num_gpus=num_gpus)(LearnerWorker)
