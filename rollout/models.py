"""Policy checkpoints on disk: load a user's model folder, or build the tiny quickstart model once.

The tiny model is a real ``transformers`` checkpoint (``save_pretrained``) with a
byte-level tokenizer, so everything downstream loads it exactly like a user's
own model folder (``from_pretrained``), with no special cases.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

#: Special tokens of the byte-level tokenizer; the 256 byte symbols follow them.
SPECIALS = ("<pad>", "<bos>", "<eos>")


def build_byte_tokenizer(out_dir: str | Path) -> Any:
    """A byte-level BPE tokenizer with the 256 byte symbols and no merges, saved to ``out_dir``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    byte_chars = list(pre_tokenizers.ByteLevel.alphabet())
    byte_chars.sort(key=lambda c: _BYTE_OF_CHAR[c])
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for ch in byte_chars:
        vocab[ch] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", bos_token="<bos>", eos_token="<eos>", model_max_length=2048
    )
    fast.save_pretrained(str(out_dir))
    return fast


def _bytes_to_unicode() -> dict[int, str]:
    # GPT-2's byte -> printable-char table, which ByteLevel uses.
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs), strict=True))


_BYTE_OF_CHAR = {c: b for b, c in _bytes_to_unicode().items()}


def tiny_config(spec: dict[str, Any]) -> Any:
    """A ``LlamaConfig`` or ``Qwen2Config`` for a tiny model (``head_dim`` 64 for vLLM's CPU attention)."""
    from transformers import LlamaConfig, Qwen2Config

    arch = spec.get("arch", "llama")
    hidden = int(spec.get("hidden_size", 128))
    head_dim = int(spec.get("head_dim", 64))
    if hidden % head_dim:
        raise ValueError(f"model.tiny.hidden_size ({hidden}) must be a multiple of head_dim ({head_dim})")
    common = dict(
        vocab_size=len(SPECIALS) + 256,
        hidden_size=hidden,
        intermediate_size=int(spec.get("intermediate_size") or 4 * hidden),
        num_hidden_layers=int(spec.get("num_layers", 2)),
        num_attention_heads=hidden // head_dim,
        num_key_value_heads=hidden // head_dim,
        head_dim=head_dim,
        max_position_embeddings=int(spec.get("max_position_embeddings", 512)),
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        # Untied: safetensors refuses shared tensors and vLLM reloads them separately.
        tie_word_embeddings=False,
        torch_dtype="float32",
    )
    if arch == "llama":
        return LlamaConfig(**common)
    if arch == "qwen2":
        return Qwen2Config(**common)
    raise ValueError(f"model.tiny.arch must be 'llama' or 'qwen2', got {arch!r}")


def ensure_tiny_model(spec: dict[str, Any], cache_dir: str | Path = ".models") -> str:
    """Build (once) a randomly initialised tiny model from ``spec``; return its folder.

    The folder name hashes the spec, so changing the spec builds a new model and
    the same spec always reuses the cached one (built with ``spec['seed']``).
    """
    key = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    out = Path(cache_dir) / f"tiny-{spec.get('arch', 'llama')}-{key}"
    if (out / "config.json").exists() and (out / "tokenizer.json").exists():
        return str(out.resolve())
    import torch
    from transformers import AutoModelForCausalLM

    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(int(spec.get("seed", 0)))
    model = AutoModelForCausalLM.from_config(tiny_config(spec))
    model.save_pretrained(str(tmp), safe_serialization=True)
    build_byte_tokenizer(tmp)
    (tmp / "bootcamp_tiny.json").write_text(json.dumps(spec, indent=2, sort_keys=True))
    try:
        tmp.rename(out)
    except OSError:  # another process built it first
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return str(out.resolve())


def count_parameters(model_dir: str) -> int:
    """Parameters of the model in ``model_dir`` (from its safetensors files, without building it)."""
    from safetensors import safe_open

    total = 0
    for f in Path(model_dir).glob("*.safetensors"):
        with safe_open(str(f), "pt") as st:
            for k in st.keys():
                n = 1
                for d in st.get_slice(k).get_shape():
                    n *= d
                total += n
    return total
