"""The engine protocol and prompt formatting (the engines and their registry: :mod:`rollout.engines`)."""

from __future__ import annotations

from collections.abc import Iterable
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

    def update_weights(self, weights: Iterable[tuple[str, Any]]) -> None:
        """Copy ``(name, tensor)`` pairs into the policy in place: any subset of the names of
        ``save_pretrained``, consumed in order (the tensors may be views valid only until the
        call returns, so an engine that keeps one must copy it)."""
        ...


def format_prompt(tokenizer: Any, prompt: str, chat_template: bool = False, suffix: str = "\n") -> list[int]:
    """Token ids of a task prompt as the policy sees it (the learner and warm-up use the same ids)."""
    if chat_template and getattr(tokenizer, "chat_template", None):
        ids = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                            tokenize=True)
        return list(ids["input_ids"] if isinstance(ids, dict) else ids)
    return tokenizer(prompt + suffix, add_special_tokens=False)["input_ids"]

