"""The engine protocol, prompt formatting, and the engine factory."""

from __future__ import annotations

from typing import Any, Protocol

from rollout.types import Sample


class Engine(Protocol):
    """Generates responses from token ids and takes new weights in place."""

    def generate(self, prompts: list[list[int]], n: int, temperature: float, top_p: float,
                 max_tokens: int, seed: int) -> list[list[Sample]]:
        """``n`` samples per prompt; temperature 0 is greedy."""
        ...

    def load_weights(self, state: dict[str, Any]) -> None:
        """Replace the policy weights (a full state dict, names as in ``save_pretrained``)."""
        ...


def format_prompt(tokenizer: Any, prompt: str, chat_template: bool = False, suffix: str = "\n") -> list[int]:
    """Token ids of a task prompt as the policy sees it (the learner and warm-up use the same ids)."""
    if chat_template and getattr(tokenizer, "chat_template", None):
        ids = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                            tokenize=True)
        return list(ids["input_ids"] if isinstance(ids, dict) else ids)
    return tokenizer(prompt + suffix, add_special_tokens=False)["input_ids"]


def make_engine(kind: str, model_path: str, **kwargs: Any) -> Engine:
    """Build the ``vllm`` or ``hf`` engine for ``model_path``."""
    if kind == "vllm":
        from rollout.vllm_engine import VLLMEngine

        return VLLMEngine(model_path, **kwargs)
    if kind == "hf":
        from rollout.hf_engine import HFEngine

        return HFEngine(model_path, **kwargs)
    raise ValueError(f"rollout.engine: unknown engine {kind!r} (use 'vllm' or 'hf')")
