"""Snippets in docs/ and the README that a user would save as a script run as one, in a fresh interpreter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _snippet(doc: str, marker: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(), flags=re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"{doc}: {len(found)} python blocks contain {marker!r}"
    return found[0]


def test_the_in_process_router_snippet_runs_as_a_script(tmp_path) -> None:
    script = tmp_path / "router_snippet.py"
    script.write_text(_snippet("docs/rewards.md", "SandboxPool(workers=2"))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "1.0 rule"
    assert "Traceback" not in out.stderr


# (document, a line that picks the block, what its output must contain)
STANDALONE = [
    ("README.md", 'get_task("math/modular_inverse")', "0.0 wrong"),
    ("README.md", "class FreeFall(bootcamp.Task)", ""),
    ("docs/environments.md", 'get_env("math/polynomial_probe")', "1.0"),
    ("docs/rewards.md", '@register_kind("length")', ""),
]


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "snippet.py"
    script.write_text(code)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=env)


def test_standalone_snippets_run_as_scripts(tmp_path) -> None:
    failed = []
    for doc, marker, expected in STANDALONE:
        out = _run(_snippet(doc, marker), tmp_path)
        if out.returncode != 0 or expected not in out.stdout:
            failed.append(f"{doc} ({marker}): exit {out.returncode}, stdout {out.stdout[-300:]!r}\n{out.stderr[-1500:]}")
    assert not failed, "\n".join(failed)


def test_adapter_snippets_run_as_scripts(tmp_path) -> None:
    rg = _run(_snippet("docs/adapters.md", "register_datasets(["), tmp_path)
    assert rg.returncode == 0, rg.stderr[-3000:]
    assert "['math/rg_chain_sum']" in rg.stdout and "puzzle24: fails_check" in rg.stdout
    parity = _run(_snippet("docs/reward_semantics.md", "parity=True"), tmp_path)
    assert parity.returncode == 0, parity.stderr[-3000:]


# A stand-in InternBootCamp checkout with the two classes the snippet names (their layout: the base class
# in bootcamp/base.py, the classes listed in bootcamp/__init__.py).
IB_CHECKOUT = {
    "internbootcamp/bootcamp/__init__.py": ("from .base import Basebootcamp\n"
                                            "from .game24.game24_default import Game24bootcamp\n"),
    "internbootcamp/bootcamp/base.py": (
        "class Basebootcamp:\n"
        "    @classmethod\n"
        "    def verify_score(cls, model_output, identity, **kw):\n"
        "        solution = cls.extract_output(model_output)\n"
        "        return 0.0 if solution is None else float(cls._verify_correction(solution, identity))\n"),
    "internbootcamp/bootcamp/game24/__init__.py": "",
    "internbootcamp/bootcamp/game24/game24_default.py": (
        "import random, re\n"
        "from bootcamp import Basebootcamp\n\n"
        "class Game24bootcamp(Basebootcamp):\n"
        "    def __init__(self, num_numbers=4):\n"
        "        self.num_numbers = num_numbers\n"
        "    def case_generator(self):\n"
        "        return {'numbers': [random.randint(1, 10**6) for _ in range(self.num_numbers)]}\n"
        "    @staticmethod\n"
        "    def prompt_func(case):\n"
        "        return f\"Add {case['numbers']}; answer as [answer]n[/answer].\"\n"
        "    @staticmethod\n"
        "    def extract_output(output):\n"
        "        m = re.findall(r'\\[answer\\](.*?)\\[/answer\\]', output)\n"
        "        return m[-1].strip() if m else None\n"
        "    @classmethod\n"
        "    def _verify_correction(cls, solution, case):\n"
        "        return solution == str(sum(case['numbers']))\n"),
    "internbootcamp/bootcamp/maze/__init__.py": "",
    "internbootcamp/bootcamp/maze/maze_default.py": "from bootcamp import Basebootcamp\n\n"
                                                    "class Mazebootcamp(Basebootcamp):\n    pass\n",
}


def test_internbootcamp_snippet_runs_as_a_script_on_a_checkout(tmp_path) -> None:
    for rel, text in IB_CHECKOUT.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    code = _snippet("docs/adapters.md", "load_checkout(CHECKOUT)")
    code = code.replace('"/path/to/InternBootcamp"', repr(str(tmp_path)))
    code = code.replace("raise NotImplementedError", "return f\"[answer]{sum(case['numbers'])}[/answer]\"")
    out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("Add [") and "[answer]n[/answer]" in out.stdout


def test_trl_snippet_trains_a_step_on_a_local_model(tmp_path, tiny_model) -> None:
    code = _snippet("docs/rewards.md", "GRPOTrainer(model=MODEL")
    code = code.replace('"path/to/your/model"', repr(tiny_model))
    code = code.replace('report_to="none")', 'report_to="none", use_cpu=True)')  # no GPU here
    out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert 0.0 <= float(out.stdout.strip().splitlines()[-1]) <= 1.0


def test_client_snippet_runs_against_a_live_service(tmp_path, live_server) -> None:
    from rewards.service import Settings, create_app

    with live_server(create_app(Settings(pool_workers=1, warm_pool=False))) as srv:
        code = _snippet("docs/rewards.md", "BootcampClient(URL").replace('"http://127.0.0.1:8000"', repr(srv.url))
        out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    scores = eval(out.stdout.strip().splitlines()[-1])  # a printed list of floats
    assert len(scores) == 4 and set(scores) <= {0.0, 1.0}
