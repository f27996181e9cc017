"""A transformers sequence-classification reward model loaded from a local folder."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from rewards.models import ready_for_batches


class SequenceClassifierReward:
    """Scores ``(prompt, response)`` pairs with a local ``AutoModelForSequenceClassification``.

    One output logit is squashed with a sigmoid; with two or more labels the score is the
    softmax probability of ``positive_label`` (default: the last label).

    Args:
        path: a folder written by ``save_pretrained`` (model and tokenizer).
        batch_size: pairs per forward pass.
        max_length: tokens kept per pair (the response end is kept when truncating).
        num_threads: torch threads for this model (1 on shared CPUs).
        positive_label: the label index whose probability is the reward.
    """

    def __init__(self, path: str | Path, batch_size: int = 16, max_length: int = 512,
                 num_threads: int | None = 1, positive_label: int = -1, device: str = "cpu") -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if num_threads:
            torch.set_num_threads(num_threads)
        self.path = str(path)
        self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        self.model = AutoModelForSequenceClassification.from_pretrained(self.path, local_files_only=True)
        self.model.to(device).eval()
        self.device = device
        ready_for_batches(self.tokenizer, self.model)
        self.batch_size = batch_size
        self.max_length = max_length
        self.positive_label = positive_label
        self._lock = threading.Lock()  # one forward pass at a time: torch threads are not shared well

    def score(self, prompts: list[str], responses: list[str]) -> list[float]:
        """Rewards in [0, 1] for each pair, in order."""
        import torch

        out: list[float] = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(responses), self.batch_size):
                p = [str(x)[-20_000:] for x in prompts[start:start + self.batch_size]]
                r = [str(x)[-20_000:] for x in responses[start:start + self.batch_size]]
                enc = self.tokenizer(p, r, padding=True, truncation="longest_first",
                                     max_length=self.max_length, return_tensors="pt").to(self.device)
                logits = self.model(**enc).logits.float()  # (batch, num_labels)
                if logits.shape[-1] == 1:
                    probs = torch.sigmoid(logits[:, 0])
                else:
                    probs = torch.softmax(logits, dim=-1)[:, self.positive_label]
                out.extend(float(x) for x in probs.cpu())
        return out

    def info(self) -> dict[str, Any]:
        return {"kind": "model", "path": self.path, "num_labels": int(self.model.config.num_labels)}
