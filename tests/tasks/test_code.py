"""The code task library: references pass, near misses fail, answers are extracted from fences."""

from __future__ import annotations

import random

import pytest

from bootcamp import REGISTRY
from bootcamp.verifiers.code_exec import extract_code
from tasks.code._base import _run_local

CODE_IDS = REGISTRY.ids(domain="code")


def _problem(task_id: str, seed: int = 0) -> tuple:
    task = REGISTRY.get(task_id)
    return task, task.problem(seed).identity


def test_library_size_and_distinct_functions() -> None:
    assert len(CODE_IDS) >= 34
    functions = {REGISTRY.get(i).function for i in CODE_IDS}
    assert len(functions) == len(CODE_IDS)  # each id asks for a different function


@pytest.mark.parametrize("task_id", CODE_IDS)
def test_reference_passes_and_first_perturbation_fails(task_id: str) -> None:
    task, identity = _problem(task_id, seed=3)
    ref = task.solve(identity)
    verdict = task.verify(task.format_answer(ref), identity)
    assert verdict.correct, (verdict.reason, verdict.detail)
    wrongs = task.perturb(ref, identity)
    assert wrongs
    assert task.check(wrongs[0], identity) < 1.0
    assert "```python" in task.prompt(identity)


@pytest.mark.parametrize("task_id", CODE_IDS)
def test_generation_is_deterministic_and_seeds_differ(task_id: str) -> None:
    task = REGISTRY.get(task_id)
    assert task.problem(5).identity == task.problem(5).identity
    idents = [task.problem(s).identity for s in range(6)]
    assert len({repr(i["tests"]) for i in idents}) > 1
    for ident in idents:  # every perturbation really fails a hidden test (checked in-process)
        ref = task.solve(ident)
        assert _run_local(ref, task.function, ident["tests"])
        assert all(not _run_local(w, task.function, ident["tests"]) for w in task.perturb(ref, ident))


def test_unparseable_and_missing_function_are_invalid() -> None:
    task, identity = _problem("code/caesar_cipher")
    for response in ("```python\ndef caesar(text:\n    return text\n```",
                     "```python\ndef encrypt(text):\n    return text\n```",
                     "```python\nprint('hi')\n```"):
        verdict = task.verify(response, identity)
        assert verdict.reason == "invalid_answer" and verdict.score == 0.0
    assert task.verify("I would use a Caesar cipher.", identity).reason == "no_answer"


def test_extraction_rules() -> None:
    code = "def f():\n    return 1"
    assert extract_code(f"<think>```python\ndef f():\n    return 0\n```</think>Here:\n```python\n{code}\n```") == code
    assert extract_code(f"```py\nold\n```\ntext\n```\n{code}\n```") == code  # plain fence, the last one
    assert extract_code(f"```python\n{code}\n```\nRun it:\n```bash\npython x.py\n```") == code
    assert extract_code("<think>```python\ndef f(): pass\n```") is None  # never finished thinking
    assert extract_code("\\boxed{42}") == "42"  # falls back to the boxed answer
    assert extract_code("```python\n" + "a" * 10) is None  # an unclosed fence is no answer


def test_caesar_by_hand() -> None:
    task = REGISTRY.get("code/caesar_cipher")
    identity = {"spec": {"SHIFT": 3}, "tests": [
        {"args": ["abc"], "expected": "def"}, {"args": ["xyz, XYZ!"], "expected": "abc, ABC!"}]}
    own = ("import string\n"
           "def caesar(text):\n"
           "    lo, up = string.ascii_lowercase, string.ascii_uppercase\n"
           "    return text.translate(str.maketrans(lo + up, lo[3:] + lo[:3] + up[3:] + up[:3]))\n")
    assert task.check(own, identity) == 1.0
    assert task.check(own.replace("[3:]", "[4:]").replace("[:3]", "[:4]"), identity) == 0.0
    real = task.problem(0).identity  # a seed's own shift, written independently
    k = real["spec"]["SHIFT"]
    other = own.replace("[3:]", f"[{k}:]").replace("[:3]", f"[:{k}]")
    assert task.check(other, real) == 1.0


def test_independent_solutions_pass() -> None:
    """Solutions written differently from the references (stdlib parsers) pass the hidden tests."""
    cases = {
        "code/date_validation": (
            "from datetime import datetime\n"
            "def valid_date(s):\n"
            "    fmt = FMT.replace('YYYY', '%Y').replace('MM', '%m').replace('DD', '%d')\n"
            "    if len(s) != len(FMT):\n        return False\n"
            "    try:\n        datetime.strptime(s, fmt)\n    except ValueError:\n        return False\n"
            "    return s[FMT.index('YYYY'):FMT.index('YYYY') + 4] != '0000'\n",
            lambda spec: f"FMT = {spec['FORMAT']!r}\n",
        ),
        "code/csv_line": (
            "import csv\ndef parse_csv(line):\n    return next(csv.reader([line], delimiter=D, quotechar=Q))\n",
            lambda spec: f"D = {spec['DELIM']!r}\nQ = {spec['QUOTE']!r}\n",
        ),
        "code/roman_to_int": (
            "def roman_to_int(s):\n"
            "    s = s.upper()\n"
            "    v = {'M': 1000, 'CM': 900, 'D': 500, 'CD': 400, 'C': 100, 'XC': 90, 'L': 50, 'XL': 40,\n"
            "         'X': 10, 'IX': 9, 'V': 5, 'IV': 4, 'I': 1}\n"
            "    i = total = 0\n"
            "    while i < len(s):\n"
            "        if s[i:i + 2] in v:\n            total += v[s[i:i + 2]]\n            i += 2\n"
            "        else:\n            total += v[s[i]]\n            i += 1\n"
            "    return total + OFF\n",
            lambda spec: f"OFF = {spec['OFFSET']}\n",
        ),
    }
    for task_id, (body, header) in cases.items():
        task = REGISTRY.get(task_id)
        for seed in range(3):
            identity = task.problem(seed).identity
            score = task.check(header(identity["spec"]) + body, identity)
            assert score == 1.0, (task_id, seed, getattr(score, "detail", None))


def test_other_seed_reference_fails() -> None:
    task = REGISTRY.get("code/base_convert")
    idents = [task.problem(s).identity for s in range(10)]
    pairs = [(a, b) for a, b in zip(idents, idents[1:], strict=False) if a["spec"] != b["spec"]]
    assert pairs
    a, b = pairs[0]
    assert task.check(task.solve(a), b) == 0.0


def test_hidden_tests_are_fast_and_small() -> None:
    rng = random.Random(0)
    for task_id in rng.sample(CODE_IDS, 8):
        task, identity = _problem(task_id, seed=rng.randint(0, 100))
        verdict = task.verify(task.format_answer(task.solve(identity)), identity)
        assert verdict.correct
        assert verdict.parts[0].latency_ms < 1500
        assert 8 <= len(identity["tests"]) <= 20
