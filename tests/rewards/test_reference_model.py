"""The ``reference_model`` kind: a POLAR-style reward model scoring a response against a reference."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
from _evil import AddTask  # noqa: I001

from bootcamp import Registry, RewardPart, RewardSpec
from rewards.kinds import get_kind
from rewards.kinds.reference_model import ranks01, sigmoid
from rewards.router import Router

RANK_ID = "generic/test_reference_rank"
SIGMOID_ID = "generic/test_reference_sigmoid"
BAD_ID = "generic/test_reference_bad_option"
TYPO_ID = "generic/test_reference_typo"


def _cls(task_id: str, spec: RewardSpec) -> type:
    name = task_id.split("/")[1]
    return type(name, (AddTask,), {"id": task_id, "reward": spec, "description": f"Test-only task: {name}."})


def _part(**options: Any) -> RewardSpec:
    return RewardSpec(parts=[RewardPart(name="polar", kind="reference_model", options=options)])


@pytest.fixture(scope="module")
def registry() -> Registry:
    reg = Registry(load_plugins=False)
    reg.register(_cls(RANK_ID, _part()), RANK_ID)
    reg.register(_cls(SIGMOID_ID, _part(normalize="sigmoid", center=1.0, temperature=2.0)), SIGMOID_ID)
    reg.register(_cls(BAD_ID, _part(normalize="zscore")), BAD_ID)
    reg.register(_cls(TYPO_ID, _part(normalize="sigmoid", temprature=2.0)), TYPO_ID)
    return reg


@pytest.fixture(scope="module")
def tiny_polar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Llama sequence classifier (one label) with the byte-level tokenizer."""
    torch = pytest.importorskip("torch")
    from transformers import LlamaConfig, LlamaForSequenceClassification

    from rollout.models import build_byte_tokenizer

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("polar")
    tok = build_byte_tokenizer(folder)
    config = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=2048,
                         num_labels=1, pad_token_id=tok.pad_token_id)
    LlamaForSequenceClassification(config).save_pretrained(folder)
    return folder


class FakeBackend:
    """Raw score = the number in the response (or NaN for 'nan'); records what it was called with."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str], list[str]]] = []

    def score_raw(self, prompts: list[str], references: list[str], responses: list[str]) -> list[float]:
        self.calls.append((prompts, references, responses))
        return [float(r) for r in responses]


# -- the backend ---------------------------------------------------------------------------------------
def test_loads_from_a_local_folder_and_scores_raw(tiny_polar: Path) -> None:
    from rewards.models.reference import ReferenceRewardModel

    rm = ReferenceRewardModel(tiny_polar, max_length=64)
    raw = rm.score_raw(["What is 2+2?"] * 3, ["4", "4", "4"], ["4", "five", "The answer is 4."])
    assert len(raw) == 3 and all(math.isfinite(x) for x in raw)
    assert len({round(x, 6) for x in raw}) > 1  # the candidate matters
    other_ref = rm.score_raw(["What is 2+2?"], ["22"], ["4"])[0]
    assert other_ref != pytest.approx(raw[0], abs=1e-7)  # the reference matters
    info = rm.info()
    assert info["kind"] == "reference_model" and info["num_labels"] == 1 and info["path"] == str(tiny_polar)
    assert rm.cache_tag().startswith("reference:")


def test_batching_matches_one_by_one(tiny_polar: Path) -> None:
    from rewards.models.reference import ReferenceRewardModel

    rm = ReferenceRewardModel(tiny_polar, batch_size=3, max_length=96)
    prompts = ["Add 2 and 3.", "Name a noble gas.", "x", "", "Why?", "Sum 1..10"]
    refs = ["5", "Neon", "y", "ref", "Because the sky scatters blue light.", "55"]
    responses = ["5", "Argon, a noble gas", "", "a" * 500, "Rayleigh scattering", "\\boxed{55}"]
    batched = rm.score_raw(prompts, refs, responses)
    alone = [rm.score_raw([p], [r], [x])[0] for p, r, x in zip(prompts, refs, responses, strict=True)]
    assert batched == pytest.approx(alone, abs=1e-5)


def test_long_candidates_keep_their_end(tiny_polar: Path) -> None:
    from rewards.models.reference import ReferenceRewardModel

    rm = ReferenceRewardModel(tiny_polar, max_length=64)
    ids = rm._encode("prompt", "reference", "HEAD" + "x" * 5000 + "TAIL")
    assert len(ids) == 64
    assert rm.tokenizer.decode(ids).endswith("TAIL")  # the default template ends with the candidate
    with pytest.raises(ValueError, match="score_raw"):
        rm.score_raw(["p"], ["r", "r"], ["x"])


def test_a_hostile_2mb_candidate_scores_quickly(tiny_polar: Path) -> None:
    from rewards.models.reference import ReferenceRewardModel

    rm = ReferenceRewardModel(tiny_polar)  # default max_length (1024 tokens)
    start = time.perf_counter()
    raw = rm.score_raw(["q", "q"], ["r" * 2_000_000, "r"], ["\x00<eos>{}" * 400_000, "ok"])
    elapsed = time.perf_counter() - start
    assert len(raw) == 2 and all(math.isfinite(x) for x in raw)
    assert elapsed < 5.0, f"a 2 MB candidate took {elapsed:.1f}s"


@pytest.mark.parametrize("template, message", [
    ("{prompt} {reference}", r"\{response\} exactly once"),
    ("{reference} {response} {response}", r"\{response\} exactly once"),
    ("{prompt} {response}", r"\{reference\}"),
    ("{reference} {response} {secret}", "unknown field"),
    ("{reference {response}", "cannot parse"),
])
def test_bad_templates_are_refused_before_loading(template: str, message: str) -> None:
    from rewards.models.reference import ReferenceRewardModel

    with pytest.raises(ValueError, match=message):
        ReferenceRewardModel("/nonexistent", template=template)


def test_a_custom_template_with_text_after_the_candidate(tiny_polar: Path) -> None:
    from rewards.models.reference import ReferenceRewardModel, split_template

    assert split_template("<r>{reference}</r><c>{response}</c>{{x}}") == ("<r>{reference}</r><c>", "</c>{{x}}")
    rm = ReferenceRewardModel(tiny_polar, max_length=64, template="{reference}<|reward|>{response}[END]")
    ids = rm._encode("p", "REF", "y" * 1000 + "LAST")
    text = rm.tokenizer.decode(ids)
    assert text.endswith("LAST[END]") and len(ids) == 64


def test_trust_remote_code_is_off_unless_set(tiny_polar: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers

    from rewards.models.reference import ReferenceRewardModel

    seen: list[dict[str, Any]] = []
    for cls in (transformers.AutoTokenizer, transformers.AutoModelForSequenceClassification):
        original = cls.from_pretrained.__func__  # type: ignore[attr-defined]

        def spy(klass: Any, path: Any, *args: Any, _orig: Any = original, **kwargs: Any) -> Any:
            seen.append(dict(kwargs))
            return _orig(klass, path, *args, **kwargs)

        monkeypatch.setattr(cls, "from_pretrained", classmethod(spy))
    ReferenceRewardModel(tiny_polar, max_length=32)
    assert len(seen) == 2
    assert all(k.get("local_files_only") is True and not k.get("trust_remote_code") for k in seen)
    seen.clear()
    ReferenceRewardModel(tiny_polar, max_length=32, trust_remote_code=True)
    assert len(seen) == 2 and all(k.get("trust_remote_code") is True for k in seen)


# -- normalisation -------------------------------------------------------------------------------------
def test_rank_and_sigmoid_helpers() -> None:
    assert ranks01([3.0, 1.0, 2.0]) == [1.0, 0.0, 0.5]
    assert ranks01([1.0, 1.0, 5.0, 0.0]) == pytest.approx([0.5, 0.5, 1.0, 0.0])
    assert ranks01([7.0, 7.0]) == [0.5, 0.5]
    assert sigmoid(0.0) == 0.5 and sigmoid(1e6) == 1.0 and sigmoid(-1e6) == 0.0
    assert sigmoid(3.0, center=1.0, temperature=2.0) == pytest.approx(1 / (1 + math.exp(-1)))


def test_rank_normalisation_groups_by_task_and_identity(registry: Registry) -> None:
    fake = FakeBackend()
    router = Router(backends={"reference_model": fake}, registry=registry)
    g1, g2, solo = {"a": 1, "b": 1}, {"b": 2, "a": 2}, {"a": 9, "b": 9}
    items = [
        (RANK_ID, g1, "3"), (RANK_ID, g2, "10"), (RANK_ID, g1, "1"), (RANK_ID, {"a": 2, "b": 2}, "-5"),
        (RANK_ID, g1, "3"), (RANK_ID, g2, "0"), (RANK_ID, g1, "0"), (RANK_ID, solo, "0"),
    ]
    v = router.score(items)
    assert len(fake.calls) == 1  # one batched backend call for the whole batch
    prompts, refs, _ = fake.calls[0]
    assert refs[0] == "2" and refs[1] == "4" and "1" in prompts[0]  # the task's reference answer
    # group g1: raws 3, 1, 3, 0 -> ranks 2.5, 1, 2.5, 0 out of 3
    assert [v[i].score for i in (0, 2, 4, 6)] == pytest.approx([2.5 / 3, 1 / 3, 2.5 / 3, 0.0])
    # group g2 (same identity, keys in another order): raws 10, -5, 0 -> 1.0, 0.0, 0.5
    assert [v[i].score for i in (1, 3, 5)] == pytest.approx([1.0, 0.0, 0.5])
    assert v[7].score == pytest.approx(0.5)  # a group of one: sigmoid(0)
    assert v[1].reason == "ok" and v[3].reason == "wrong"
    assert all(p.kind == "reference_model" for x in v for p in x.parts)


def test_reference_comes_from_the_identity_when_given(registry: Registry) -> None:
    fake = FakeBackend()
    Router(backends={"reference_model": fake}, registry=registry).score(
        [(RANK_ID, {"a": 1, "b": 1, "reference": "a policy's answer"}, "1")])
    assert fake.calls[0][1] == ["a policy's answer"]


def test_sigmoid_normalisation(registry: Registry) -> None:
    router = Router(backends={"reference_model": FakeBackend()}, registry=registry)
    v = router.score([(SIGMOID_ID, {"a": 1, "b": 1}, "3"), (SIGMOID_ID, {"a": 1, "b": 1}, "1")])
    assert v[0].score == pytest.approx(sigmoid(3.0, 1.0, 2.0)) and v[1].score == pytest.approx(0.5)


def test_bad_options_cost_only_their_parts(registry: Registry) -> None:
    fake = FakeBackend()
    router = Router(backends={"reference_model": fake}, registry=registry)
    ident = {"a": 1, "b": 1}
    v = router.score([(BAD_ID, ident, "1"), (RANK_ID, ident, "2"), (TYPO_ID, ident, "3"), (RANK_ID, ident, "1")])
    assert v[0].reason == "verifier_error" and "normalize='zscore'" in (v[0].detail or "")
    assert v[2].reason == "verifier_error" and "temprature" in (v[2].detail or "")
    assert [v[1].score, v[3].score] == [1.0, 0.0] and v[1].reason == "ok"
    assert fake.calls[0][2] == ["2", "1"]  # the backend never saw the bad parts


def test_a_failing_or_nan_backend_costs_its_parts(registry: Registry) -> None:
    class Nan(FakeBackend):
        def score_raw(self, prompts: list[str], references: list[str], responses: list[str]) -> list[float]:
            return [math.nan if r == "nan" else float(r) for r in responses]

    ident = {"a": 1, "b": 1}
    v = Router(backends={"reference_model": Nan()}, registry=registry).score(
        [(RANK_ID, ident, "nan"), (RANK_ID, ident, "1"), (RANK_ID, ident, "2")])
    assert v[0].reason == "verifier_error" and [v[1].score, v[2].score] == [0.0, 1.0]
    v = Router(backends={}, registry=registry).score([(RANK_ID, ident, "1")])
    assert v[0].reason == "verifier_error" and "no 'reference_model' reward backend" in (v[0].detail or "")


def test_batch_dependent() -> None:
    batch_dependent = Router().batch_dependent
    assert batch_dependent(_part()) and batch_dependent(_part(normalize="rank"))
    assert not batch_dependent(_part(normalize="sigmoid"))
    assert not batch_dependent(RewardSpec())
    assert get_kind("reference_model") is not None


def test_the_real_model_through_the_router(tiny_polar: Path, registry: Registry) -> None:
    from rewards.models.reference import ReferenceRewardModel

    rm = ReferenceRewardModel(tiny_polar, max_length=128)
    router = Router(backends={"reference_model": rm}, registry=registry)
    ident = {"a": 20, "b": 22}
    responses = ["42", "The answer is \\boxed{42}.", "41", "no idea"]
    v = router.score([(RANK_ID, ident, r) for r in responses] + [(SIGMOID_ID, ident, "42")])
    ranks = sorted(x.score for x in v[:4])
    assert ranks == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])  # four distinct raw scores
    raw = rm.score_raw([registry.get(SIGMOID_ID).prompt(ident)], ["42"], ["42"])[0]
    assert v[4].score == pytest.approx(sigmoid(raw, 1.0, 2.0), abs=1e-5)


def test_the_service_never_caches_rank_normalised_verdicts(registry: Registry) -> None:
    from fastapi.testclient import TestClient

    from rewards.service import Settings, create_app

    settings = Settings(pool_workers=1, warm_pool=False)
    app = create_app(settings, backends={"reference_model": FakeBackend()}, registry=registry)
    ident = {"a": 1, "b": 1}
    with TestClient(app) as client:
        def scores(task: str, responses: list[str]) -> list[float]:
            body = {"items": [{"task": task, "identity": ident, "response": r} for r in responses]}
            resp = client.post("/v1/verify/batch", json=body)
            assert resp.status_code == 200, resp.text
            return [x["score"] for x in resp.json()["verdicts"]]

        assert scores(RANK_ID, ["5", "1", "5"]) == [0.75, 0.0, 0.75]  # duplicates are ranked, not merged
        assert scores(RANK_ID, ["5", "9"]) == [0.0, 1.0]  # "5" again, a new batch: not served from cache
        first = scores(SIGMOID_ID, ["3"])
        assert scores(SIGMOID_ID, ["3"]) == first  # sigmoid verdicts do not depend on the batch
        metrics = client.get("/metrics").text
    hits = [line for line in metrics.splitlines() if line.startswith("bootcamp_cache_hits_total")]
    assert hits and float(hits[0].split()[-1]) == 1.0  # only the repeated sigmoid item


def test_auto_class_is_checked_before_loading(tmp_path: Path) -> None:
    from rewards.models.reference import ReferenceRewardModel

    with pytest.raises(ValueError, match="auto_class"):
        ReferenceRewardModel(tmp_path / "missing", auto_class="causal_lm")
