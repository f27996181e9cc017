"""verl and TRL reward functions, in-process and against the live service."""

from __future__ import annotations

import json

import httpx
import pytest
from _evil import ADD_ID, boxed, ensure_registered  # noqa: I001

from bootcamp.export import make_label, to_verl_row
from rewards import adapters
from rewards.adapters import compute_score, compute_score_batch, make_trl_reward
from rewards.service import Settings, create_app

ID = {"a": 4, "b": 5}
LABEL = make_label(ADD_ID, ID)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_registered()
    monkeypatch.delenv(adapters.URL_ENV, raising=False)


def test_verl_compute_score_in_process() -> None:
    assert compute_score(ADD_ID, boxed("9"), LABEL) == 1.0
    assert compute_score(ADD_ID, boxed("8"), LABEL) == 0.0
    assert compute_score(ADD_ID, "no answer at all", LABEL, extra_info={"index": 0}) == 0.0
    with pytest.raises(ValueError, match="not a bootcamp label"):
        compute_score(ADD_ID, boxed("9"), "9")
    assert compute_score_batch([ADD_ID] * 2, [boxed("9"), boxed("1")], [LABEL, LABEL]) == [1.0, 0.0]


def test_verl_row_ground_truth_is_the_label() -> None:
    import bootcamp

    p = bootcamp.get_task(ADD_ID).problem(3, with_answer=True)
    row = to_verl_row(p)
    gt = row["reward_model"]["ground_truth"]
    assert compute_score(row["data_source"], boxed(p.answer), gt, row["extra_info"]) == 1.0


def test_trl_reward_in_process_with_plain_and_conversational_completions() -> None:
    fn = make_trl_reward()
    assert fn.__name__ == "bootcamp_reward"
    plain = fn(prompts=["p", "p"], completions=[boxed("9"), boxed("7")], label=[LABEL, LABEL])
    assert plain == [1.0, 0.0]
    chat = [[{"role": "assistant", "content": boxed("9")}], [{"role": "assistant", "content": "hmm"}]]
    assert fn(prompts=[[{"role": "user", "content": "q"}]] * 2, completions=chat, label=[LABEL, LABEL]) == [1.0, 0.0]
    by_columns = make_trl_reward(task_column="task", identity_column="identity", name="add")
    assert by_columns.__name__ == "add"
    got = by_columns(prompts=["p"] * 2, completions=[boxed("9"), boxed("9")], task=[ADD_ID] * 2,
                     identity=[ID, json.dumps({"a": 1, "b": 1})])
    assert got == [1.0, 0.0]
    with pytest.raises(KeyError, match="label"):
        fn(prompts=["p"], completions=["x"], answer=["1"])


def test_adapters_against_the_service(live_server, monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server(create_app(Settings(pool_workers=1))) as srv:
        monkeypatch.setenv(adapters.URL_ENV, srv.url)
        assert compute_score(ADD_ID, boxed("9"), LABEL) == 1.0
        assert compute_score_batch([ADD_ID] * 3, [boxed("9"), "x", boxed("9")], [LABEL] * 3) == [1.0, 0.0, 1.0]
        monkeypatch.delenv(adapters.URL_ENV)
        fn = make_trl_reward(url=srv.url)
        assert fn(prompts=["p"] * 2, completions=[boxed("9"), boxed("0")], label=[LABEL] * 2) == [1.0, 0.0]
        assert adapters._client(srv.url, None).urls == [srv.url]  # one keep-alive client per URL
        metrics = httpx.get(srv.url + "/metrics").text
        assert f'bootcamp_verdicts_total{{reason="ok",task="{ADD_ID}"}} 4.0' in metrics
