"""Hostile input through /v1/verify/batch: every response gets a verdict in time, the service stays up."""

from __future__ import annotations

import json
import os
import time

import httpx
import pytest
from _evil import ADD_ID, boxed, ensure_registered  # noqa: I001

from bootcamp.hostile import hostile_answers, hostile_responses
from bootcamp.types import REASONS
from rewards.service import Settings, create_app

TIMEOUT_S = 2.0

LATEX = [
    "\\frac{1}{" * 2000, "x^{" * 3000 + "}" * 3000, "10^{10^{10^{10^{10}}}}", "9^{9^{9^{9}}}", "e^{e^{e^{e^{e^{100}}}}}",
    "\\sqrt[999999999]{2}", "\\prod_{k=1}^{10^{12}} k", "\\sum_{k=1}^{10^{15}} k^k", "\\binom{10^{9}}{5\\cdot 10^{8}}",
    "(10^{10^{10}})!", "10**10**10", "2**(2**(2**(2**(2**20))))", "factorial(factorial(100))", "\\int_0^\\infty " * 200,
    "\\left(" * 500 + "x" + "\\right)" * 500, "((((((((((x+1)^2)^2)^2)^2)^2)^2)^2)^2)^2)^2)", "x" * 20_000,
    "\\begin{matrix}" + "1&" * 5000 + "\\end{matrix}", "\\{" + ",".join(str(i) for i in range(5000)) + "\\}",
    "1/" * 3000 + "1", "-" * 5000 + "1", "\\frac{\\frac{\\frac{1}{0}}{0}}{0}", "0^0", "\\infty - \\infty",
    "\\text{" + "}" * 1000, "\\boxed{" * 300, "\\\\" * 5000, "$" * 10_000, "\\mathrm{" * 1000,
    "(" * 100_000, "1e" + "9" * 1000, "0x" + "f" * 5000, "\\sin(" * 1000 + "x" + ")" * 1000,
]
SMILES = [
    "C1CC", "[Xx]", "c1cccc1", "C" * 5000, "C(" * 2000, "[C@@H]" * 1000, "C1" * 2000, "N#N#N", "[Na+]." * 3000,
    "InChI=1S/" + "C" * 5000, "c1ccccc1" * 500, "[2H]" * 2000, "C%99" * 500, "[" * 5000, "B(B(B(B(B(B(" * 200,
]
CIF = [
    "data_x\n_cell_length_a 1e999\n_cell_length_b -1\n_cell_length_c 0\n_symmetry_space_group_name_H-M 'P 1'\n",
    "data_bad\nloop_\n" * 2000, "data_x\n_atom_site_fract_x " + "9" * 5000, "Fe" + "1" * 2000 + "O" + "9" * 2000,
    "(((((H)2)3)4)5)" * 300, "H" + "2" * 400, "Xx9Yy8", "C1000000000000000000H4", "((" * 3000,
]


def _adversarial() -> list[tuple[str, dict, str]]:
    tasks = {
        "generic/math": {"answer": "\\frac{5}{6}"},
        "generic/number": {"answer": "3.14", "rel_tol": 0.01},
        "generic/smiles": {"answer": "CCO"},
        "generic/formula": {"answer": "Fe2O3"},
        "generic/choice": {"answer": "B", "choices": ["wolf", "xenon", "yak", "zebra"]},
        ADD_ID: {"a": 1, "b": 2},
    }
    answers = hostile_answers() + LATEX + SMILES + CIF
    out = []
    for n, ans in enumerate(answers):
        task_id = list(tasks)[n % len(tasks)]
        out.append((task_id, tasks[task_id], boxed(ans) if n % 3 else f"<answer>{ans}</answer>"))
        if ans in LATEX:
            out.append(("generic/math", tasks["generic/math"], boxed(ans)))
        if ans in SMILES or ans in CIF:
            out.append(("generic/smiles", tasks["generic/smiles"], boxed(ans)))
            out.append(("generic/formula", tasks["generic/formula"], boxed(ans)))
    for n, resp in enumerate(hostile_responses()):
        task_id = list(tasks)[n % len(tasks)]
        out.append((task_id, tasks[task_id], resp[:150_000]))
    out.append((ADD_ID, tasks[ADD_ID], "\\boxed{3}" + "x" * 140_000))
    out.append(("generic/math", tasks["generic/math"], "\\boxed{\ud800}"))  # lone surrogates
    out.append(("generic/math", {"answer": "\udfff", "\ud800": 1}, "\\boxed{\udc80 1}"))
    out.append(("generic/smiles", tasks["generic/smiles"], "<answer>C\ud800C</answer>"))
    out.append((ADD_ID, tasks[ADD_ID], "{" * 140_000))
    return out


def _rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.slow
def test_hostile_batch_gets_verdicts_in_time_and_the_service_survives(live_server) -> None:
    ensure_registered()
    items = _adversarial()
    assert len(items) >= 200
    settings = Settings(pool_workers=2, verify_timeout_s=TIMEOUT_S, max_response_chars=200_000)
    app = create_app(settings)
    with live_server(app) as srv, httpx.Client(base_url=srv.url, timeout=600) as http:
        state = app.state.bootcamp
        state.pool.wait_ready(120)
        rss_before = _rss_mb()
        verdicts = []
        start = time.monotonic()
        for k in range(0, len(items), 64):
            chunk = [{"task": t, "identity": i, "response": r} for t, i, r in items[k:k + 64]]
            r = http.post("/v1/verify/batch", content=json.dumps({"items": chunk}).encode(),
                          headers={"content-type": "application/json"})
            assert r.status_code == 200, r.text[:500]
            verdicts += r.json()["verdicts"]
        elapsed = time.monotonic() - start
        assert len(verdicts) == len(items)
        slow = []
        for (task_id, _, resp), v in zip(items, verdicts, strict=False):
            assert v["reason"] in REASONS
            assert v["score"] < 1.0 or task_id == ADD_ID, (task_id, resp[:80], v)
            for p in v["parts"]:
                if p["latency_ms"] > TIMEOUT_S * 1000 + 1500:
                    slow.append((task_id, resp[:60], p["latency_ms"]))
        assert not slow, f"verdicts past their timeout: {slow[:5]}"
        timeouts = sum(v["reason"] == "timeout" for v in verdicts)
        errors = [v["detail"] for v in verdicts if v["reason"] == "verifier_error"]
        print(f"\n{len(items)} hostile verdicts in {elapsed:.1f}s; {timeouts} timeouts; {len(errors)} verifier errors")
        # the service is healthy and still right
        assert http.get("/healthz").json()["status"] == "ok"
        ok = http.post("/v1/verify", json={"task": ADD_ID, "identity": {"a": 1, "b": 2}, "response": boxed("3")})
        assert ok.json()["correct"]
        # memory is bounded: the server process and every worker
        assert _rss_mb() - rss_before < 500
        for w in list(state.pool._all):
            if w.proc.is_alive():
                assert _rss_mb(w.proc.pid) < state.pool.max_rss_mb + 200
