"""The tiny verifier's data is labelled by the real checkers, and short training really discriminates."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bootcamp.registry import REGISTRY
from learner import verifier_sft as vs


def _by_label(examples: list[vs.VerifierExample]) -> dict[str, int]:
    out = {x: 0 for x in vs.LABELS}
    for e in examples:
        out[e.label] += 1
    return out


def test_labels_come_from_the_checker() -> None:
    pairs = vs.make_pairs(600, seed=3)
    counts = _by_label(pairs)
    assert all(counts[x] >= 50 for x in vs.LABELS), counts
    for e in pairs:
        if e.label == "C":
            # no candidate in the response: nothing a checker could score correct
            assert REGISTRY.get(e.task_id).verify(e.response, e.identity).correct is False
        assert vs.format_prompt(e.reference, e.response).endswith("verdict:")
    assert {e.task_id for e in pairs} == {"generic/number", "generic/choice"}


def test_notation_and_digit_changes_are_labelled_as_the_checker_says() -> None:
    rng = random.Random(0)
    for ref in ("3.5", "12", "0.25", "-4.7", "860"):
        same = vs._equivalent_number(ref, rng)
        assert REGISTRY.get("generic/number").verify("\\boxed{" + same + "}", {"answer": ref}).correct, (ref, same)
    # a changed digit is wrong for the checker, so such a pair is B
    identity = {"answer": "3.5"}
    assert not REGISTRY.get("generic/number").verify("\\boxed{3.6}", identity).correct
    assert REGISTRY.get("generic/number").verify("\\boxed{3.50}", identity).correct
    pairs = vs.make_pairs(400, seed=11)
    boxed_a = [e for e in pairs if e.label == "A" and e.task_id == "generic/number"]
    boxed_b = [e for e in pairs if e.label == "B" and e.task_id == "generic/number"]
    assert boxed_a and boxed_b
    # A pairs show the reference in another notation too (a "+", trailing zeros) ...
    def renotated(e: vs.VerifierExample) -> bool:
        return "+" in e.response or (e.reference + "0") in e.response

    assert any(renotated(e) for e in boxed_a)
    # ... and so do B pairs: notation alone never gives the label away
    assert any("+" in e.response for e in boxed_b)
    # many responses carry no box: the model must read plain text
    assert sum("\\boxed" not in e.response for e in pairs if e.label != "C") > len(pairs) // 3


def test_references_are_short_and_wrong_values_are_near() -> None:
    pairs = [e for e in vs.make_pairs(800, seed=4) if e.task_id == "generic/number"]
    assert all(1 <= len(e.reference) <= 4 for e in pairs)
    # most wrong values keep the reference's length (one or two digits changed)
    rng = random.Random(1)
    refs = [vs._random_number(rng) for _ in range(500)]
    wrong = [vs._different_number(r, rng) for r in refs]
    assert sum(len(w) == len(r) for w, r in zip(wrong, refs, strict=True)) > 250
    # a few edits give the same value back (two equal digits swapped): the checker labels those A
    assert sum(w != r for w, r in zip(wrong, refs, strict=True)) > 450


def test_curriculum_starts_with_plain_copies() -> None:
    pairs = vs.make_pairs(4000, seed=2, curriculum=0.5)
    flat = vs.make_pairs(4000, seed=2)

    def renotated(part: list[vs.VerifierExample]) -> int:
        # a "+" only comes from a notation change: no reference, form or prefix has one
        return sum("+" in e.response for e in part if e.task_id == "generic/number" and e.label != "C")

    assert renotated(pairs[:400]) < renotated(pairs[-400:]) // 2
    assert abs(renotated(pairs[-1000:]) - renotated(flat[-1000:])) < 60
    with pytest.raises(ValueError):
        vs.make_pairs(10, seed=0, curriculum=1.5)


def test_template_keeps_the_fields_and_ends_at_the_reply() -> None:
    prompt = vs.format_prompt("3.5", "x" * 100 + "The answer is 3.50.")
    assert prompt.endswith("The answer is 3.50.\nref:3.5\nverdict:")
    assert "{reference}" in vs.TINY_VERIFIER_TEMPLATE and "{response}" in vs.TINY_VERIFIER_TEMPLATE
    assert "x" * (vs.RESPONSE_TAIL_CHARS + 1) not in prompt


def test_make_pairs_is_deterministic_per_seed() -> None:
    assert vs.make_pairs(50, seed=5) == vs.make_pairs(50, seed=5)
    assert vs.make_pairs(50, seed=5) != vs.make_pairs(50, seed=6)
    with pytest.raises(ValueError):
        vs.make_pairs(-1, seed=0)


def test_heldout_is_disjoint_from_training() -> None:
    train = vs.make_pairs(2000, seed=0)
    held = vs.heldout_pairs(300, seed=0, exclude=train)
    assert len(held) == 300
    assert not {(e.reference, e.response) for e in held} & {(e.reference, e.response) for e in train}


def test_model_folder_has_a_chat_template(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    path = vs.build_verifier_model(tmp_path / "m", {"num_layers": 1, "hidden_size": 64, "intermediate_size": 64})
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    assert cfg["model_type"] == "qwen2" and cfg["head_dim"] == 64 and cfg["tie_word_embeddings"] is False
    tok = AutoTokenizer.from_pretrained(path)
    prompt = vs.format_prompt("3.5", "The answer is 3.50.")
    chat = tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
    assert chat == prompt
    assert len(vs.label_token_ids(tok)) == 3


@pytest.mark.slow
def test_default_training_discriminates(tiny_verifier: str) -> None:
    # The session's tiny verifier (default preset, trained once for the served-verifier tests).
    # Chance (always the commonest label) is about 0.45 on these pairs; the default preset
    # compares numbers too (measured ~0.96; the fast preset stops near 0.6).
    report = json.loads((Path(tiny_verifier) / "verifier_report.json").read_text())
    assert report["heldout_n"] >= 256
    assert report["heldout_accuracy"] >= 0.85, report
    # responses without an answer are told apart reliably
    held = vs.heldout_pairs(512, seed=0)
    invalid = [e for e in held if e.label == "C"]
    assert len(invalid) >= 40
    assert vs.evaluate_verifier(tiny_verifier, invalid) >= 0.9
    # the saved folder scores like the report, and the cache reuses the folder
    assert abs(vs.evaluate_verifier(tiny_verifier, held) - report["heldout_accuracy"]) < 0.08
    settings = report["settings"]
    assert vs.ensure_verifier_model(Path(tiny_verifier).parent, steps=settings["steps"],
                                    batch_size=settings["batch_size"], lr=settings["lr"]) == tiny_verifier
