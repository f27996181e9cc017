"""The transformers engine: ``model.generate`` with sampling log-probs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rollout.engines import EngineOptions, register_engine
from rollout.types import Sample


class HFOptions(EngineOptions):
    """Options of the ``hf`` engine: only the common ones (``seed`` is unused: every call is seeded)."""


@register_engine("hf")
class HFEngine:
    """Batched ``generate`` on one device; weights are swapped with ``load_state_dict``."""

    Options = HFOptions

    def __init__(self, model_path: str, options: HFOptions) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.device = torch.device(options.device)
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        self.model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32).to(self.device).eval()
        self.eos = self.tokenizer.eos_token_id
        self.pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.eos
        self.max_model_len = options.max_model_len

    def generate(self, prompts: list[list[int]], n: int, temperature: float, top_p: float,
                 max_tokens: int, seed: int) -> list[list[Sample]]:
        torch = self.torch
        torch.manual_seed(seed)
        width = max(len(p) for p in prompts)
        # Left padding: every prompt ends at the same column, so new tokens line up.
        ids = torch.full((len(prompts), width), self.pad, dtype=torch.long)
        att = torch.zeros((len(prompts), width), dtype=torch.long)
        for i, p in enumerate(prompts):
            ids[i, width - len(p):] = torch.tensor(p)
            att[i, width - len(p):] = 1
        greedy = temperature <= 0
        with torch.no_grad():
            out = self.model.generate(
                input_ids=ids.to(self.device), attention_mask=att.to(self.device),
                do_sample=not greedy, temperature=None if greedy else temperature, top_p=None if greedy else top_p,
                top_k=None, num_return_sequences=n, max_new_tokens=max_tokens, eos_token_id=self.eos,
                pad_token_id=self.pad, output_logits=True, return_dict_in_generate=True,
            )
        new = out.sequences[:, width:].cpu()  # [len(prompts) * n, steps]
        logits = torch.stack(out.logits, dim=1).float().cpu()  # [len(prompts) * n, steps, V]
        logp = (logits / (1.0 if greedy else temperature)).log_softmax(-1)
        token_logp = torch.gather(logp, -1, new.unsqueeze(-1)).squeeze(-1)
        samples: list[list[Sample]] = [[] for _ in prompts]
        for row in range(new.shape[0]):
            toks = new[row].tolist()
            stop = toks.index(self.eos) + 1 if self.eos in toks else len(toks)
            reason = "stop" if stop <= len(toks) and self.eos in toks else "length"
            samples[row // n].append(Sample(toks[:stop], token_logp[row, :stop].tolist(), reason))
        return samples

    def load_weights(self, state: dict[str, Any]) -> None:
        missing, unexpected = self.model.load_state_dict(state, strict=False)
        if unexpected or [k for k in missing if "rotary" not in k]:
            raise ValueError(f"weights do not fit the model: missing {missing[:5]}, unexpected {unexpected[:5]}")

    def update_weights(self, weights: Iterable[tuple[str, Any]]) -> None:
        """Copy each ``(name, tensor)`` into the parameter or buffer of that name, in place (any subset)."""
        own = dict(self.model.named_parameters())
        own.update(self.model.named_buffers())
        with self.torch.no_grad():
            for name, tensor in weights:
                target = own.get(name)
                if target is None:
                    raise ValueError(f"weights do not fit the model: no parameter or buffer {name!r}")
                if tuple(target.shape) != tuple(tensor.shape):
                    raise ValueError(f"weights do not fit the model: {name} is {tuple(target.shape)}, "
                                     f"got {tuple(tensor.shape)}")
                target.copy_(tensor)
