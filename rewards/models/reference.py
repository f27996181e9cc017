"""A reference-based reward model (POLAR-style): scores a candidate response against a reference.

POLAR ("policy discriminative learning", arXiv 2507.05197) trains a reward model
to say how close a candidate response is to what a reference policy wrote for
the same prompt, so the reward needs three inputs: the prompt, the reference
response and the candidate. This backend feeds all three to a local transformers
``AutoModelForSequenceClassification`` and returns its raw scalar; the
``reference_model`` kind (``rewards/kinds/reference_model.py``) normalises the
raw values for RL.

Pointing it at a published POLAR checkpoint: the InternLM POLAR models
(``internlm/POLAR-1_8B``, ``internlm/POLAR-7B`` and their ``-Base`` variants) are
InternLM2 reward models that ship their own modelling code. Download one to a
local folder, then build ``ReferenceRewardModel(folder, trust_remote_code=True,
auto_class="auto", template=...)`` (their ``auto_map`` names only ``AutoModel``), with ``template`` set to the input layout the model card gives
(the reference, a reward marker token, then the candidate, each after the
prompt, in the checkpoint's own chat format). ``trust_remote_code=True`` imports
and runs the Python files inside that folder: set it only for a folder you
trust.

The template is a :meth:`str.format` string with the fields ``{prompt}``,
``{reference}`` and ``{response}`` (``{response}`` exactly once, ``{reference}`` at
least once). Everything up to ``{response}`` is the *head*, everything after it
the *tail*. Over-long inputs are cut at two levels: each string is first cut to a
character bound (a hostile multi-megabyte candidate never reaches the
tokenizer whole; the candidate and the reference keep their end, the prompt its
start), then the tokens are fitted into ``max_length``: the tail keeps its start
(at most a quarter of the budget), the candidate keeps its end (at least half of
what is left when it needs it), and the head keeps its end (the reference and the
label just before the candidate).
"""

from __future__ import annotations

import hashlib
import math
import string
import threading
from pathlib import Path
from typing import Any

from rewards.models import ready_for_batches

#: The default input layout; set ``template`` to a checkpoint's own format when it has one.
DEFAULT_REFERENCE_TEMPLATE = "Prompt: {prompt}\nReference response: {reference}\nCandidate response: {response}"
#: Template fields a caller may use.
TEMPLATE_FIELDS = ("prompt", "reference", "response")


def split_template(template: str) -> tuple[str, str]:
    """Split ``template`` at its ``{response}`` field into (head, tail) templates.

    Raises:
        ValueError: ``{response}`` is missing or repeated, ``{reference}`` is missing, a field
            other than ``prompt``/``reference``/``response`` is used, or the template does not parse.
    """
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"template: cannot parse {template!r}: {exc}") from None
    fields = [f for _, f, _, _ in pieces if f is not None]
    unknown = sorted({f for f in fields if f not in TEMPLATE_FIELDS})
    if unknown:
        raise ValueError(f"template: unknown field(s) {unknown}; use only {{prompt}}, {{reference}}, {{response}}")
    if fields.count("response") != 1:
        raise ValueError("template: must contain {response} exactly once")
    if "reference" not in fields:
        raise ValueError("template: must contain {reference} (the model compares the response with it)")
    head: list[str] = []
    tail: list[str] = []
    out = head
    for literal, field, spec, conv in pieces:
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        if field == "response":
            out = tail
            continue
        out.append("{" + field + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}")
    return "".join(head), "".join(tail)


class ReferenceRewardModel:
    """Raw scores of ``(prompt, reference, candidate)`` triples from a local sequence classifier.

    Args:
        path: a folder written by ``save_pretrained`` (model and tokenizer).
        trust_remote_code: run the checkpoint's own Python code (needed by checkpoints with custom
            architectures, e.g. POLAR's InternLM2). Off unless set: it executes files from ``path``.
        template: how the three strings become one input (see the module docstring).
        batch_size: triples per forward pass.
        max_length: tokens per input, special tokens included.
        num_threads: torch threads for this model (1 on shared CPUs; None leaves torch's setting).
        device: where the model runs (``"cpu"``, ``"cuda"``, ...).
        positive_label: with two or more labels, the label whose logit margin is the score.
        auto_class: ``sequence_classification`` (``AutoModelForSequenceClassification``) or ``auto``
            (``AutoModel``: for checkpoints whose own code maps only ``AutoModel`` to a reward
            model, as POLAR's ``InternLM2ForRewardModel`` does; the output's ``logits``, else its
            first element, is read as one score per row).

    Raises:
        ValueError: a bad template, ``batch_size``, ``max_length`` or ``auto_class``.
    """

    def __init__(self, path: str | Path, *, trust_remote_code: bool = False,
                 template: str = DEFAULT_REFERENCE_TEMPLATE, batch_size: int = 8, max_length: int = 1024,
                 num_threads: int | None = 1, device: str = "cpu", positive_label: int = -1,
                 auto_class: str = "sequence_classification") -> None:
        if auto_class not in ("sequence_classification", "auto"):
            raise ValueError(f"auto_class: 'sequence_classification' or 'auto', got {auto_class!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size: must be at least 1, got {batch_size}")
        if max_length < 16:
            raise ValueError(f"max_length: must be at least 16 tokens, got {max_length}")
        self.head_template, self.tail_template = split_template(template)
        import torch
        from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

        if num_threads:
            torch.set_num_threads(num_threads)
        self.path = str(path)
        self.template = template
        kwargs: dict[str, Any] = {"local_files_only": True}
        if trust_remote_code:  # only when asked: it imports code from the checkpoint folder
            kwargs["trust_remote_code"] = True
        self.tokenizer = AutoTokenizer.from_pretrained(self.path, **kwargs)
        loader = AutoModel if auto_class == "auto" else AutoModelForSequenceClassification
        self.model = loader.from_pretrained(self.path, **kwargs)
        self.model.to(device).eval()
        self.device = device
        ready_for_batches(self.tokenizer, self.model)
        self.tokenizer.padding_side = "right"
        self.batch_size = batch_size
        self.max_length = max_length
        self.positive_label = positive_label
        # A token covers at least one character for any tokenizer we load, and rarely more than a
        # dozen: this many characters always fill max_length, and bound the tokenizer's work.
        self.char_limit = max(4096, 16 * max_length)
        self._special = _special_wrap(self.tokenizer)
        self._lock = threading.Lock()  # one forward pass at a time: torch threads are not shared well

    # -- inputs -------------------------------------------------------------------------------
    def _encode(self, prompt: Any, reference: Any, response: Any) -> list[int]:
        """Token ids of one triple, fitted into ``max_length`` (see the module docstring)."""
        cap = self.char_limit
        fields = {"prompt": str(prompt)[:cap], "reference": str(reference)[-cap:]}
        head = self.head_template.format(**fields)[-cap:]
        tail = self.tail_template.format(**fields)[:cap]
        cand = str(response)[-cap:]
        enc = self.tokenizer([head, cand, tail], add_special_tokens=False)["input_ids"]
        h, r, t = (list(x) for x in enc)
        pre, post = self._special
        budget = self.max_length - len(pre) - len(post)
        t = t[:min(len(t), budget // 4)]
        left = budget - len(t)
        keep_r = min(len(r), max(left // 2, left - len(h)))
        r = r[len(r) - keep_r:] if keep_r else []
        keep_h = left - len(r)
        h = h[len(h) - keep_h:] if keep_h else []
        return pre + h + r + t + post

    # -- scoring ------------------------------------------------------------------------------
    def score_raw(self, prompts: list[str], references: list[str], responses: list[str]) -> list[float]:
        """The model's raw scalar per triple, in order.

        One label: its logit. Two or more: the logit of ``positive_label`` minus the largest
        other logit (positive when the model prefers the positive label).

        Raises:
            ValueError: the three lists differ in length.
        """
        import torch

        if not (len(prompts) == len(references) == len(responses)):
            raise ValueError(f"score_raw: {len(prompts)} prompts, {len(references)} references and "
                             f"{len(responses)} responses (want one of each per item)")
        out: list[float] = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(responses), self.batch_size):
                end = start + self.batch_size
                ids = [self._encode(p, ref, r) for p, ref, r in
                       zip(prompts[start:end], references[start:end], responses[start:end], strict=True)]
                enc = self.tokenizer.pad({"input_ids": ids}, padding=True, return_tensors="pt").to(self.device)
                logits = _scores(self.model(**enc)).float()  # (batch, num_labels)
                out.extend(_margins(logits, self.positive_label))
        return out

    def cache_tag(self) -> str:
        """Identifies this backend's raw scores (model folder, input layout) in outer caches."""
        digest = hashlib.sha256(self.template.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return f"reference:{self.path}:{digest}:{self.max_length}:{self.positive_label}"

    def info(self) -> dict[str, Any]:
        """What this backend is, for ``/healthz`` and logs."""
        return {"kind": "reference_model", "path": self.path, "num_labels": int(getattr(self.model.config, "num_labels", 1)),
                "max_length": self.max_length, "template": self.template}


def _scores(output: Any) -> Any:
    """A model output's scores as (batch, k): ``logits`` when it has them, else its first element."""
    logits = getattr(output, "logits", None)
    if logits is None:
        logits = output[0] if isinstance(output, tuple | list) else output
    return logits.reshape(logits.shape[0], -1)


def _margins(logits: Any, positive_label: int) -> list[float]:
    """(batch, num_labels) logits -> one raw score per row (non-finite values become NaN)."""
    import torch

    if logits.shape[-1] == 1:
        raw = logits[:, 0]
    else:
        pos = positive_label % logits.shape[-1]
        others = torch.cat([logits[:, :pos], logits[:, pos + 1:]], dim=-1)
        raw = logits[:, pos] - others.max(dim=-1).values
    return [float(x) if math.isfinite(float(x)) else math.nan for x in raw.cpu()]


def _special_wrap(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The special tokens the tokenizer puts before and after one sequence (e.g. [CLS] ... [SEP])."""
    probe = "x"
    plain = list(tokenizer(probe, add_special_tokens=False)["input_ids"])
    full = list(tokenizer(probe, add_special_tokens=True)["input_ids"])
    n = len(plain)
    for i in range(len(full) - n + 1):
        if full[i:i + n] == plain:
            return full[:i], full[i + n:]
    return [], []
