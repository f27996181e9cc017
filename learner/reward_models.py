"""The reward models a job provides for its backends: servers it starts, tiny models it builds.

A ``verifier`` or ``judge`` backend with ``launch:`` gets a local vLLM
OpenAI-compatible server on loopback for the job's lifetime; its spec's
``base_url`` and ``model`` are filled in from the server. ``launch.tiny_verifier``
serves the tiny verifier trained here on generic checker pairs
(:mod:`learner.verifier_sft`), built once under ``model.cache_dir``, with its
own prompt template unless the spec sets one.

A ``reference`` or ``classifier`` backend with ``tiny: {seed: N}`` instead of
``path`` gets a tiny, randomly initialised sequence classifier built from a
config (no download): it exercises the real loading and scoring path, and its
scores carry no meaning. Point ``path`` at a trained checkpoint for real use.
"""

from __future__ import annotations

from typing import Any

from learner.config import JobConfig, LaunchConfig


def launch_backend_servers(cfg: JobConfig) -> tuple[dict[str, dict[str, Any]], list[Any]]:
    """The job's backend specs with served ``base_url`` filled in, and the servers started.

    The caller stops the servers (``server.stop()``), also when something later fails.
    """
    from rewards.models.openai_server import LocalModelServer

    specs: dict[str, dict[str, Any]] = {}
    servers: list[Any] = []
    try:
        for name, raw in cfg.rewards.backends.items():
            spec = dict(raw)
            launch = spec.pop("launch", None)
            if launch is not None:
                opts = LaunchConfig.model_validate(launch)
                served = str(spec.get("model") or name)
                server = LocalModelServer(model_folder(opts, cfg), served, max_model_len=opts.max_model_len,
                                          dtype=opts.dtype, extra_args=opts.extra_args,
                                          startup_timeout=opts.startup_timeout_s)
                servers.append(server)
                print(f"starting the {name!r} reward model server ({server.model}) ...", flush=True)
                server.start()
                spec.update(base_url=server.base_url, model=served)
                if opts.tiny_verifier:
                    from learner.verifier_sft import RESPONSE_TAIL_CHARS, TINY_VERIFIER_TEMPLATE

                    spec.setdefault("template", TINY_VERIFIER_TEMPLATE)
                    spec.setdefault("max_chars", RESPONSE_TAIL_CHARS)
                    spec.setdefault("max_tokens", 1)
            tiny = spec.pop("tiny", None)
            if tiny is not None:
                spec["path"] = ensure_tiny_classifier(dict(tiny), cfg.model.cache_dir)
            specs[name] = spec
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return specs, servers


def model_folder(opts: LaunchConfig, cfg: JobConfig) -> str:
    """The folder to serve: ``launch.model``, or the tiny verifier (trained once, then cached)."""
    if opts.model:
        return opts.model
    from learner.verifier_sft import ensure_verifier_model

    print(f"preparing the tiny verifier ({opts.tiny_verifier_preset} preset; trained once, then cached) ...",
          flush=True)
    return ensure_verifier_model(cfg.model.cache_dir, progress=True, **verifier_preset(opts.tiny_verifier_preset))


def verifier_preset(name: str) -> dict[str, Any]:
    """Training settings of a tiny-verifier preset: ``default`` (~3 min on one thread; held-back
    accuracy ~0.96) or ``fast`` (~1 min; tells answers from non-answers, compares numbers poorly)."""
    from learner import verifier_sft as sft

    if name == "fast":
        return dict(sft.FAST_SETTINGS)
    return {"steps": sft.DEFAULT_STEPS, "batch_size": sft.DEFAULT_BATCH, "lr": sft.DEFAULT_LR}


def ensure_tiny_classifier(spec: dict[str, Any], cache_dir: str) -> str:
    """A tiny randomly initialised Llama sequence classifier (one output) with the byte tokenizer.

    Built once per ``spec`` (``seed``, ``hidden_size``, ``num_layers``) under ``cache_dir``.
    """
    import hashlib
    import json
    import os
    import shutil
    from pathlib import Path

    spec = {"seed": 0, "hidden_size": 64, "num_layers": 1, **spec}
    key = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    out = Path(cache_dir) / f"tiny-classifier-{key}"
    if (out / "config.json").exists():
        return str(out.resolve())
    import torch
    from transformers import AutoModelForSequenceClassification

    from rollout.models import build_byte_tokenizer, tiny_config

    config = tiny_config({"arch": "llama", "hidden_size": spec["hidden_size"], "head_dim": spec["hidden_size"],
                          "num_layers": spec["num_layers"], "max_position_embeddings": 1024})
    config.num_labels = 1
    torch.manual_seed(int(spec["seed"]))
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    AutoModelForSequenceClassification.from_config(config).save_pretrained(str(tmp), safe_serialization=True)
    build_byte_tokenizer(tmp)
    try:
        tmp.rename(out)
    except OSError:  # built by another process first
        shutil.rmtree(tmp, ignore_errors=True)
    return str(out.resolve())
