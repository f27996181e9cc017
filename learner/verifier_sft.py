"""Train a tiny generative verifier (one reply letter: A correct, B incorrect, C invalid) on CPU.

The ``verifier`` reward kind asks an OpenAI-compatible server for a verdict
letter on ``(reference, response)``. This module builds a small such model
here, in minutes, so that path is exercised with a model that really
discriminates rather than a random one.

Data: answers of the checker-only tasks ``generic/number`` and
``generic/choice``. A candidate is either the reference in another notation
(``3.50``, ``+3.5``, ``.5``, ``(B)``) or a different value (a digit changed,
digits swapped, a digit dropped or added, the point moved, the sign flipped,
another option), wrapped in a response with or without ``\\boxed{}``; some
responses carry no answer at all. The label comes from the task's own
checker: ``A`` when it scores ``\\boxed{candidate}`` correct, else ``B``;
``C`` for responses without a candidate.

Prompt and reply: the prompt is :data:`TINY_VERIFIER_TEMPLATE` filled with
the reference and the response's tail; the reply is exactly ONE byte token,
``A``, ``B`` or ``C``, right after the final ``:`` (no space). So a client
sends ``max_tokens=1`` at temperature 0 and reads the letter as is.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bootcamp.registry import REGISTRY

#: Prompt of the tiny verifier: fixed text kept short (18 bytes), since every byte is a token.
#: The reference comes right after the response, next to the answer it is compared with.
TINY_VERIFIER_TEMPLATE = "ans:{response}\nref:{reference}\nverdict:"
#: The reply letters, in order: correct, incorrect, invalid (no answer, truncated, refusal).
LABELS = ("A", "B", "C")
#: The response's tail that goes into the prompt (bytes past this are cut from the front).
RESPONSE_TAIL_CHARS = 64
#: A chat template that just concatenates the messages' contents, so a chat request whose
#: user message is a filled :data:`TINY_VERIFIER_TEMPLATE` sees the same tokens as a completion.
CHAT_TEMPLATE = "{% for message in messages %}{{ message['content'] }}{% endfor %}"

#: Model size and optimisation. Measured on one thread: ~0.034 s a step at batch 16. With the
#: next-token loss on the prompt (see :func:`_loss`) and lr 1e-3 (warm-up, cosine decay), the
#: comparison "takes off" after ~2000 steps: held-back accuracy 0.96 at 4800 steps (~160 s).
DEFAULT_SPEC: dict[str, Any] = {"arch": "qwen2", "hidden_size": 128, "num_layers": 2, "head_dim": 64,
                                "intermediate_size": 256, "max_position_embeddings": 512, "seed": 0}
DEFAULT_STEPS = 4800
DEFAULT_BATCH = 16
DEFAULT_LR = 1e-3
#: The quick setting for tests and CI (about 55 s of training). It stops before the comparison
#: takes off: it tells answers from non-answers, but numbers only a little better than chance.
FAST_SETTINGS: dict[str, Any] = {"steps": 1600, "batch_size": 16, "lr": 1e-3}
#: Seeds at or above this offset draw held-back pairs; training pairs draw below it.
HELDOUT_SEED_OFFSET = 1_000_003
HELDOUT_N = 512

_NUMBER_TASK = "generic/number"
_CHOICE_TASK = "generic/choice"
_CHOICE_LETTERS = "ABCD"

_BOXED_FORMS = ("\\boxed{{{c}}}", "The answer is \\boxed{{{c}}}.", "So the answer is $\\boxed{{{c}}}$")
_PLAIN_FORMS = ("The answer is {c}.", "answer: {c}", "x = {c}.", "Final answer: {c}", "{c}")
_CHOICE_FORMS = ("The answer is {c}.", "answer: {c}", "I pick {c}", "Option {c}.", "{c}", "So it is {c}")
_PREFIXES = ("", "", "", "We simplify. ", "Thus ")
#: Share of number candidates written in another notation (held-back pairs and the end of training).
NOTATION_NOISE = 0.6
_NO_ANSWER = ("I am not sure.", "I cannot solve this.", "Let me think step by step", "The answer is",
              "The answer is \\boxed{", "", "So the answer is unknown.", "Hmm, wait", "This needs more data.",
              "There is not enough information.", "We first simplify the", "Sorry, I don't know.")


@dataclass(frozen=True)
class VerifierExample:
    """One labelled pair: the task and identity the label was checked with, and the prompt's fields."""

    task_id: str
    identity: dict[str, Any]
    reference: str
    response: str
    label: str

    def prompt(self) -> str:
        """The model's prompt for this pair (:data:`TINY_VERIFIER_TEMPLATE`)."""
        return format_prompt(self.reference, self.response)


def format_prompt(reference: str, response: str) -> str:
    """Fill :data:`TINY_VERIFIER_TEMPLATE` with the reference and the response's last characters."""
    return TINY_VERIFIER_TEMPLATE.format(reference=reference, response=response[-RESPONSE_TAIL_CHARS:])


# ---------------------------------------------------------------- data


def _random_number(rng: random.Random) -> str:
    """A short reference number (1-4 characters): an integer or a decimal, sometimes negative.

    Short references keep the digit-by-digit comparison within reach of a
    two-layer model trained for minutes; the checker decides the labels all the same.
    """
    if rng.random() < 0.5:
        text = str(rng.randint(1, 10 ** rng.randint(1, 3) - 1))  # not 0: the checker rejects "+0"
    else:
        whole = str(rng.randint(0, 9 if rng.random() < 0.6 else 99))
        frac = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 3 - len(whole))))
        text = f"{whole}.{frac[:-1] + rng.choice('123456789')}"  # no trailing zero in a reference
    if rng.random() < 0.15 and len(text) < 4:
        text = "-" + text
    return text


def _equivalent_number(ref: str, rng: random.Random) -> str:
    """The reference in another notation (trailing zeros, a ``+``, a dropped or added leading zero)."""
    forms = [ref + ("0" * rng.randint(1, 2) if "." in ref else "." + "0" * rng.randint(1, 2))]
    if not ref.startswith("-"):
        forms.append("+" + ref)
    if ref.startswith("0."):
        forms.append(ref[1:])
    elif ref.startswith("-0."):
        forms.append("-" + ref[2:])
    return rng.choice(forms)


def _different_number(ref: str, rng: random.Random) -> str:
    """A nearby wrong value: mostly one or two digits changed; else a digit dropped or added,
    two digits swapped, the point moved or the sign flipped."""
    digits = [i for i, ch in enumerate(ref) if ch.isdigit()]
    chars = list(ref)
    how = rng.random()
    if how < 0.6:
        for i in rng.sample(digits, min(len(digits), 1 if rng.random() < 0.7 else 2)):
            chars[i] = rng.choice([d for d in "0123456789" if d != ref[i]])
    elif how < 0.7:
        del chars[rng.choice(digits)]
    elif how < 0.8:
        chars.insert(rng.randrange(int(ref.startswith("-")), len(chars) + 1), rng.choice("123456789"))
    elif how < 0.87 and len(digits) >= 2:
        i, j = rng.sample(digits, 2)
        chars[i], chars[j] = chars[j], chars[i]
    elif how < 0.94:
        if "." in ref:
            i = ref.index(".")
            del chars[i]
            chars.insert(rng.choice([k for k in range(1, len(chars)) if k != i] or [len(chars)]), ".")
        else:
            chars.insert(rng.randrange(1, len(chars) + 1), ".")
    else:
        chars = list(ref[1:] if ref.startswith("-") else "-" + ref)
    out = "".join(chars).strip(".") or "0"
    if out.startswith("-."):
        out = "-0" + out[1:]
    return out


def _number_pair(rng: random.Random, noise: float) -> tuple[dict[str, Any], str, str | None]:
    """A reference and a candidate: the same value half the time, in another notation with
    probability ``noise``. Wrong values get the same notation changes as right ones, so
    notation alone tells nothing."""
    ref = _random_number(rng)
    value = ref if rng.random() < 0.5 else _different_number(ref, rng)
    cand = _equivalent_number(value, rng) if rng.random() < noise else value
    return {"answer": ref}, ref, cand


def _choice_pair(rng: random.Random) -> tuple[dict[str, Any], str, str | None]:
    base = dict(rng.choice(REGISTRY.get(_CHOICE_TASK).examples))
    ref = rng.choice(_CHOICE_LETTERS)
    base["answer"] = ref
    letter = ref if rng.random() < 0.5 else rng.choice([x for x in _CHOICE_LETTERS if x != ref])
    cand = rng.choice([letter, f"({letter})", f"{letter})", letter.lower()])
    return base, ref, cand


def _response(cand: str, task_id: str, rng: random.Random) -> str:
    if task_id == _CHOICE_TASK:
        form = rng.choice(_CHOICE_FORMS) if rng.random() < 0.7 else rng.choice(_BOXED_FORMS)
    else:
        form = rng.choice(_BOXED_FORMS) if rng.random() < 0.3 else rng.choice(_PLAIN_FORMS)
    return rng.choice(_PREFIXES) + form.format(c=cand)


def _draw(rng: random.Random, noise: float = NOTATION_NOISE) -> VerifierExample:
    task_id = _CHOICE_TASK if rng.random() < 0.2 else _NUMBER_TASK
    if task_id == _CHOICE_TASK:
        identity, ref, cand = _choice_pair(rng)
    else:
        identity, ref, cand = _number_pair(rng, noise)
    if rng.random() < 0.15:
        return VerifierExample(task_id, identity, ref, rng.choice(_NO_ANSWER), "C")
    verdict = REGISTRY.get(task_id).verify("\\boxed{" + cand + "}", identity)
    label = "A" if verdict.correct else "B"
    return VerifierExample(task_id, identity, ref, _response(cand, task_id, rng), label)


def make_pairs(n: int, seed: int, curriculum: float = 0.0) -> list[VerifierExample]:
    """``n`` labelled pairs drawn with ``seed`` (deterministic), labelled by the tasks' own checkers.

    About 40% are ``A``, 45% ``B`` and 15% ``C``. Use seeds below
    :data:`HELDOUT_SEED_OFFSET` for training; :func:`heldout_pairs` draws above it.

    Args:
        curriculum: the leading share of the list over which the notation noise
            ramps up from 0 to :data:`NOTATION_NOISE` (easy to hard: first plain
            copies against changed digits, then ``+``, trailing zeros, ``.5``).
            0 draws every pair at the full noise. Labels always come from the checker.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not 0.0 <= curriculum <= 1.0:
        raise ValueError(f"curriculum must be in [0, 1], got {curriculum}")
    rng = random.Random(f"verifier-pairs:{seed}")
    ramp = max(1.0, curriculum * n)
    return [_draw(rng, NOTATION_NOISE * min(1.0, i / ramp) if curriculum else NOTATION_NOISE) for i in range(n)]


def heldout_pairs(n: int = HELDOUT_N, seed: int = 0, exclude: list[VerifierExample] | None = None) -> list[VerifierExample]:
    """Held-back pairs: drawn from other seeds, minus any (reference, response) pair in ``exclude``."""
    seen = {(e.reference, e.response) for e in exclude or []}
    out: list[VerifierExample] = []
    for k in range(100):
        if len(out) >= n:
            break
        for e in make_pairs(n, HELDOUT_SEED_OFFSET + seed * 1000 + k):
            if (e.reference, e.response) not in seen and len(out) < n:
                seen.add((e.reference, e.response))
                out.append(e)
    if len(out) < n:
        raise ValueError(f"only {len(out)} held-back pairs differ from the excluded ones; asked for {n}")
    return out


# ---------------------------------------------------------------- model


def build_verifier_model(out_dir: str | Path, spec: dict[str, Any] | None = None) -> str:
    """Save a randomly initialised tiny Qwen2 causal LM (seeded by ``spec['seed']``) and its tokenizer.

    The tokenizer is the byte-level one of :mod:`rollout.models`, with
    :data:`CHAT_TEMPLATE` so ``/v1/chat/completions`` works on the folder too.
    """
    import torch
    from transformers import AutoModelForCausalLM

    from rollout.models import build_byte_tokenizer, tiny_config

    spec = {**DEFAULT_SPEC, **(spec or {})}
    if spec.get("arch") != "qwen2":
        raise ValueError(f"spec.arch must be 'qwen2' for the verifier, got {spec.get('arch')!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(int(spec["seed"]))
    model = AutoModelForCausalLM.from_config(tiny_config(spec))
    model.save_pretrained(str(out), safe_serialization=True)
    tok = build_byte_tokenizer(out)
    tok.chat_template = CHAT_TEMPLATE
    tok.save_pretrained(str(out))
    return str(out.resolve())


def _encode(tok: Any, examples: list[VerifierExample]) -> tuple[Any, Any]:
    """Right-padded prompt ids ``[B, T]`` and the index of each prompt's last token ``[B]``."""
    import torch

    ids = [tok(e.prompt())["input_ids"] for e in examples]
    width = max(len(x) for x in ids)
    batch = torch.full((len(ids), width), tok.pad_token_id, dtype=torch.long)
    for i, x in enumerate(ids):
        batch[i, : len(x)] = torch.tensor(x)
    return batch, torch.tensor([len(x) - 1 for x in ids])


def _reply_logits(model: Any, ids: Any, last: Any) -> Any:
    """Next-token logits ``[B, V]`` after each prompt's last token.

    Right padding needs no attention mask: with causal attention a real token
    never sees the pads after it, and positions count from 0 as in serving.
    """
    hidden = model.model(input_ids=ids).last_hidden_state  # [B, T, H]
    return model.lm_head(hidden[range(len(last)), last])


def label_token_ids(tok: Any) -> list[int]:
    """Token ids of ``A``, ``B``, ``C`` (each one byte token), in :data:`LABELS` order."""
    ids = [tok(x, add_special_tokens=False)["input_ids"] for x in LABELS]
    if any(len(x) != 1 for x in ids):
        raise ValueError(f"the labels must be one token each, got {ids}")
    return [x[0] for x in ids]


def _accuracy(model: Any, tok: Any, examples: list[VerifierExample], batch_size: int = 256) -> float:
    import torch

    if not examples:
        raise ValueError("no examples to evaluate")
    label_ids = torch.tensor(label_token_ids(tok))
    hits = 0
    with torch.no_grad():
        for s in range(0, len(examples), batch_size):
            chunk = examples[s: s + batch_size]
            ids, last = _encode(tok, chunk)
            pick = _reply_logits(model, ids, last)[:, label_ids].argmax(-1)
            hits += sum(int(LABELS[int(p)] == e.label) for p, e in zip(pick, chunk, strict=True))
    return hits / len(examples)


def evaluate_verifier(path: str | Path, examples: list[VerifierExample]) -> float:
    """Accuracy of the model in ``path`` on ``examples``: argmax over the three label tokens."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(1)
    model = AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32).eval()
    return _accuracy(model, AutoTokenizer.from_pretrained(str(path)), examples)


def _length_bucketed(examples: list[VerifierExample], batch_size: int, rng: random.Random,
                     window: int = 16) -> list[VerifierExample]:
    """Reorder so each batch holds prompts of similar length (little padding), batches in random order.

    Every ``window`` batches are sorted by prompt length and cut into batches;
    the batches of a window are then shuffled, so training still sees a mix.
    """
    out: list[VerifierExample] = []
    span = batch_size * window
    for s in range(0, len(examples), span):
        part = sorted(examples[s: s + span], key=lambda e: len(e.prompt().encode()))
        batches = [part[i: i + batch_size] for i in range(0, len(part), batch_size)]
        rng.shuffle(batches)
        out.extend(e for b in batches for e in b)
    return out


def _loss(model: Any, ids: Any, last: Any, targets: Any, lm_weight: float) -> Any:
    """Cross-entropy of the label at the reply position, plus ``lm_weight`` times the next-token
    loss over the prompt (pads excluded).

    The next-token part asks the model to predict the reference from the response: a copy
    task that teaches attention to line the two numbers up digit by digit, which the single
    label bit alone teaches slowly.
    """
    import torch

    logits = model.lm_head(model.model(input_ids=ids).last_hidden_state)  # [B, T, V]
    loss = torch.nn.functional.cross_entropy(logits[range(len(last)), last], targets)
    if lm_weight > 0 and ids.shape[1] > 1:
        pos = torch.arange(ids.shape[1] - 1)
        mask = pos[None, :] < last[:, None]  # [B, T-1]: targets inside the prompt
        lm = torch.nn.functional.cross_entropy(logits[:, :-1][mask], ids[:, 1:][mask])
        loss = loss + lm_weight * lm
    return loss


def train_verifier(out_dir: str | Path, *, steps: int = DEFAULT_STEPS, batch_size: int = DEFAULT_BATCH,
                   seed: int = 0, lr: float = DEFAULT_LR, spec: dict[str, Any] | None = None,
                   progress: bool = True, curriculum: float = 0.3, lm_weight: float = 0.5) -> dict[str, Any]:
    """Train a tiny verifier into ``out_dir`` (safetensors + tokenizer); return its report.

    Loss: cross-entropy of the label token at the reply position, plus
    ``lm_weight`` times the next-token loss on the prompt (:func:`_loss`).
    AdamW (betas 0.9, 0.98) with linear warm-up and cosine decay, gradients
    clipped at 1.0, one torch thread, fresh pairs every step (seeded), the
    notation noise ramped in over the first ``curriculum`` share of the steps
    (:func:`make_pairs`). Deterministic for a seed.

    Returns:
        ``{"path", "steps", "train_s", "train_accuracy", "heldout_accuracy", "heldout_n", "params"}``;
        accuracies are argmax over the three label tokens, on the last 512
        training pairs and on :data:`HELDOUT_N` held-back pairs (disjoint from training).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if steps < 1 or batch_size < 1 or lr <= 0:
        raise ValueError(f"steps, batch_size and lr must be positive, got {steps}, {batch_size}, {lr}")
    torch.set_num_threads(1)
    spec = {**DEFAULT_SPEC, **(spec or {}), "seed": seed}
    path = build_verifier_model(out_dir, spec)
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model.train()
    train = _length_bucketed(make_pairs(steps * batch_size, seed, curriculum), batch_size, random.Random(seed))
    heldout = heldout_pairs(HELDOUT_N, seed, exclude=train)
    targets = torch.tensor([label_token_ids(tok)[LABELS.index(e.label)] for e in train])
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.98))
    warmup = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))
    every = max(1, steps // 10)
    start = time.perf_counter()
    running = 0.0
    for step in range(steps):
        chunk = slice(step * batch_size, (step + 1) * batch_size)
        ids, last = _encode(tok, train[chunk])
        loss = _loss(model, ids, last, targets[chunk], lm_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        running = 0.9 * running + 0.1 * loss.item() if step else loss.item()
        if progress and ((step + 1) % every == 0 or step + 1 == steps):
            print(f"verifier step {step + 1}/{steps} loss {running:.3f} "
                  f"{time.perf_counter() - start:.1f}s", flush=True)
    train_s = time.perf_counter() - start
    model.eval()
    report = {
        "path": path,
        "steps": steps,
        "train_s": round(train_s, 2),
        "train_accuracy": _accuracy(model, tok, train[-512:]),
        "heldout_accuracy": _accuracy(model, tok, heldout),
        "heldout_n": len(heldout),
        "params": sum(p.numel() for p in model.parameters()),
    }
    model.save_pretrained(path, safe_serialization=True)
    tok.save_pretrained(path)
    if progress:
        print(f"verifier trained: {json.dumps(report)}", flush=True)
    return report


def ensure_verifier_model(cache_dir: str | Path = ".models", steps: int = DEFAULT_STEPS, seed: int = 0, *,
                          batch_size: int = DEFAULT_BATCH, lr: float = DEFAULT_LR,
                          spec: dict[str, Any] | None = None, progress: bool = False,
                          curriculum: float = 0.3, lm_weight: float = 0.5) -> str:
    """Train a verifier once and reuse it: the folder is keyed by a hash of all the settings.

    Training writes into a temporary folder that is renamed into place, so a
    half-written model is never picked up; the report is in ``verifier_report.json``.
    """
    settings = {"steps": steps, "seed": seed, "batch_size": batch_size, "lr": lr,
                "spec": {**DEFAULT_SPEC, **(spec or {})}, "template": TINY_VERIFIER_TEMPLATE, "data": 2,
                "curriculum": curriculum, "lm_weight": lm_weight}
    key = hashlib.sha1(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:10]
    out = Path(cache_dir) / f"verifier-{key}"
    if (out / "verifier_report.json").exists():
        return str(out.resolve())
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    report = train_verifier(tmp, steps=steps, batch_size=batch_size, seed=seed, lr=lr, spec=spec,
                            progress=progress, curriculum=curriculum, lm_weight=lm_weight)
    report["path"] = str(out.resolve())
    report["settings"] = settings
    (tmp / "verifier_report.json").write_text(json.dumps(report, indent=2, sort_keys=True))
    try:
        tmp.rename(out)
    except OSError:  # another process finished first: keep its folder
        shutil.rmtree(tmp, ignore_errors=True)
    return str(out.resolve())
