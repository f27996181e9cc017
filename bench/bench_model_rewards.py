"""Model-based rewards benchmark: the tiny verifier served by vLLM, batched vs one request per verdict.

Run: ``python bench/bench_model_rewards.py [--n 512] [--preset default] [--cache-dir .models]``.

In one run, on loopback:
1. trains (or reuses) the tiny generative verifier (learner/verifier_sft.py) and prints its
   held-back accuracy: in torch (argmax over A/B/C) and through the server (the reply letter);
2. starts a real vLLM OpenAI-compatible server on it (``LocalModelServer``);
3. verdicts/s of the ``verifier`` client: prompts batched into ``/v1/completions`` requests
   vs one request per verdict (sequential, and 8 in flight), no cache, same prompts;
4. the cascade ``rule -> verifier`` through the router on a mixed set of responses (the held-back
   pairs' mix: boxed answers, plain-text answers, no answer): the share of verdicts that reach
   the model, verdicts/s against the rule alone, and the agreement with the checkers' labels.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _rate(fn: Any, n: int) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return n / (time.perf_counter() - start), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=512, help="held-back pairs per measurement")
    ap.add_argument("--preset", choices=["default", "fast"], default="default")
    ap.add_argument("--cache-dir", default=".models")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    from learner.reward_models import verifier_preset
    from learner.verifier_sft import (
        RESPONSE_TAIL_CHARS,
        TINY_VERIFIER_TEMPLATE,
        ensure_verifier_model,
        evaluate_verifier,
        heldout_pairs,
    )
    from rewards.models.openai_server import LocalModelServer
    from rewards.models.verifier import GenerativeVerifier
    from rewards.router import Router

    t0 = time.perf_counter()
    path = ensure_verifier_model(args.cache_dir, progress=True, **verifier_preset(args.preset))
    report = json.loads((Path(path) / "verifier_report.json").read_text())
    pairs = heldout_pairs(args.n, seed=11)
    torch_acc = evaluate_verifier(path, pairs)
    fig: dict[str, Any] = {"preset": args.preset, "params": report.get("params"), "train_s": report.get("train_s"),
                           "model_ready_s": round(time.perf_counter() - t0, 1), "heldout_n": len(pairs),
                           "accuracy_torch": round(torch_acc, 4)}
    print(f"tiny verifier: {report.get('params')} parameters, trained in {report.get('train_s')} s; "
          f"held-back accuracy (torch, {len(pairs)} pairs) {torch_acc:.3f}")

    refs = [p.reference for p in pairs]
    resps = [p.response for p in pairs]
    qs = [""] * len(pairs)

    def client(**kw: Any) -> GenerativeVerifier:
        return GenerativeVerifier(server.base_url, "tiny-verifier", template=TINY_VERIFIER_TEMPLATE, max_tokens=1,
                                  max_chars=RESPONSE_TAIL_CHARS, cache_size=0, retries=0, **kw)

    start = time.perf_counter()
    with LocalModelServer(path, "tiny-verifier", max_model_len=256) as server:
        fig["server_start_s"] = round(time.perf_counter() - start, 1)
        print(f"vLLM server up in {fig['server_start_s']} s at {server.base_url}")
        client(batch_size=64).verify_many(qs[:64], refs[:64], resps[:64])  # warm-up
        batched, replies = _rate(lambda: client(batch_size=64, concurrency=2).verify_many(qs, refs, resps), len(pairs))
        served_acc = sum(r is not None and r.label == p.label for r, p in zip(replies, pairs, strict=True)) / len(pairs)
        unparsed = sum(r is None for r in replies)
        m = min(len(pairs), 128)  # one request per verdict is slow: a sample of the same prompts
        single, _ = _rate(lambda: client(batch_size=1, concurrency=1).verify_many(qs[:m], refs[:m], resps[:m]), m)
        single8, _ = _rate(lambda: client(batch_size=1, concurrency=8).verify_many(qs[:m], refs[:m], resps[:m]), m)
        fig.update(accuracy_served=round(served_acc, 4), unparsed=unparsed, verdicts_per_s_batched=round(batched, 1),
                   verdicts_per_s_single=round(single, 1), verdicts_per_s_single_8_in_flight=round(single8, 1),
                   batched_vs_single=round(batched / single, 2), batched_vs_single_8=round(batched / single8, 2))
        print(f"served accuracy {served_acc:.3f} ({unparsed} replies without a verdict)")
        print(f"verdicts/s: batched (64 per request) {batched:.1f}; one request per verdict {single:.1f} "
              f"(x{batched / single:.1f}), 8 in flight {single8:.1f} (x{batched / single8:.1f})")

        cascade = {"combine": "cascade", "parts": [{"name": "rule"}, {"name": "verifier", "kind": "verifier"}]}
        items = [(p.task_id, p.identity, p.response) for p in pairs]
        rule_rate, rule_verdicts = _rate(lambda: Router().score(items), len(items))
        rule_agree = sum(v.correct == (p.label == "A") for v, p in zip(rule_verdicts, pairs, strict=True))
        router = Router(backends={"verifier": client(batch_size=64)}, spec_overrides={"generic/*": cascade})
        cascade_rate, verdicts = _rate(lambda: router.score(items), len(items))
        reached = sum(v.decided_by == "verifier" for v in verdicts)
        agree = sum(v.correct == (p.label == "A") for v, p in zip(verdicts, pairs, strict=True))
        fig.update(cascade_share_to_model=round(reached / len(items), 4), cascade_verdicts_per_s=round(cascade_rate, 1),
                   rule_only_verdicts_per_s=round(rule_rate, 1), cascade_agreement=round(agree / len(items), 4),
                   rule_only_agreement=round(rule_agree / len(items), 4))
        print(f"cascade rule -> verifier on {len(items)} responses: {reached / len(items):.1%} reached the model; "
              f"{cascade_rate:.1f} verdicts/s vs rule alone {rule_rate:.1f}; agreement with the checkers' labels "
              f"{agree / len(items):.3f} (rule alone {rule_agree / len(items):.3f})")
    print(json.dumps(fig))
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=2) + "\n")


if __name__ == "__main__":
    main()
