"""The code sandbox: correct code passes, wrong and hostile code fails, fast and contained."""

from __future__ import annotations

import os
import socket
import time

import pytest

from bootcamp.hostile import hostile_answers, hostile_responses
from bootcamp.verifiers import warm
from bootcamp.verifiers.code_exec import check_code, precheck, run_python, same_value

ADD_TESTS = [{"args": [1, 2], "expected": 3}, {"args": [5, 5], "expected": 10}, {"args": [-1, 1], "expected": 0}]


def _session_members(sid: int) -> set[int]:
    """Live processes in session ``sid`` (the sandbox child starts a session of its own)."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid:  # after "pid (comm)": state, ppid, pgrp, session
                out.add(int(entry))
    return out


def test_correct_code_passes() -> None:
    res = run_python("def add(a, b):\n    return a + b\n", ADD_TESTS, "add")
    assert (res.passed, res.total, res.reason) == (3, 3, "ok")
    assert check_code("def add(a, b):\n    return a + b\n", ADD_TESTS, "add") == 1.0
    # The clock starts once the interpreter is up: a tight limit still passes fast code.
    assert run_python("def add(a, b):\n    return a + b\n", ADD_TESTS, "add", timeout_s=0.5).reason == "ok"


def test_wrong_code_fails_with_partial_count() -> None:
    src = "def add(a, b):\n    return a * b if a > 0 else 0\n"  # right only on the last test
    res = run_python(src, ADD_TESTS, "add")
    assert (res.passed, res.reason) == (1, "wrong")
    score = check_code(src, ADD_TESTS, "add")
    assert score == 0.0 and score.reason == "wrong"
    assert check_code(src, ADD_TESTS, "add", partial=True) == pytest.approx(1 / 3)


def test_exception_is_an_error_not_a_crash() -> None:
    res = run_python("def add(a, b):\n    raise ValueError('nope')\n", ADD_TESTS, "add")
    assert res.reason == "error" and "ValueError" in res.detail and res.passed == 0


def test_infinite_loop_is_killed_within_timeout() -> None:
    start = time.monotonic()
    res = run_python("def add(a, b):\n    while True:\n        pass\n", ADD_TESTS, "add", timeout_s=1.0)
    elapsed = time.monotonic() - start
    assert res.reason == "timeout"
    assert elapsed < 1.0 + 3.0  # the limit, plus the interpreter's start and the kill
    score = check_code("def add(a, b):\n    while True:\n        pass\n", ADD_TESTS, "add", timeout_s=0.5)
    assert score == 0.0 and score.reason == "timeout"


def test_memory_bomb_fails() -> None:
    res = run_python("def add(a, b):\n    x = bytearray(4 * 1024 ** 3)\n    return a + b\n", ADD_TESTS, "add")
    assert res.reason == "memory" and res.passed == 0
    res = run_python("x = []\ndef add(a, b):\n    while True:\n        x.append(' ' * 10 ** 6)\n",
                     ADD_TESTS, "add", memory_mb=128)
    assert res.reason in ("memory", "timeout") and res.passed == 0


def test_network_is_blocked() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    port = server.getsockname()[1]
    try:
        for src in (
            f"import socket\ndef add(a, b):\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n    return a + b\n",
            f"def add(a, b):\n    s = __import__('_socket').socket()\n    s.connect(('127.0.0.1', {port}))\n    return a + b\n",
        ):
            res = run_python(src, ADD_TESTS, "add")
            assert res.reason == "error" and "blocked" in res.detail
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
    finally:
        server.close()


def test_os_system_and_subprocess_are_blocked(tmp_path) -> None:
    marker = tmp_path / "pwned"
    for src in (
        f"import os\ndef add(a, b):\n    os.system('touch {marker}')\n    return a + b\n",
        f"import subprocess\ndef add(a, b):\n    subprocess.run(['touch', '{marker}'])\n    return a + b\n",
        f"import os\ndef add(a, b):\n    os.execv('/usr/bin/touch', ['touch', '{marker}'])\n",
        "import os\ndef add(a, b):\n    os.kill(os.getppid(), 9)\n",
    ):
        res = run_python(src, ADD_TESTS, "add")
        assert res.reason == "error" and "blocked" in res.detail, src
    assert not marker.exists()


def test_fork_bomb_does_not_escape(monkeypatch) -> None:
    started: list[int] = []
    warm.close_all()  # no idle sandbox: the first one started serves this request
    real_popen = warm.subprocess.Popen

    def recording_popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc.pid)
        return proc

    monkeypatch.setattr(warm.subprocess, "Popen", recording_popen)
    src = "import os\ndef add(a, b):\n    while True:\n        try:\n            os.fork()\n        except Exception:\n            pass\n"
    start = time.monotonic()
    res = run_python(src, ADD_TESTS, "add", timeout_s=1.0)
    assert res.reason in ("timeout", "error") and res.passed == 0
    assert time.monotonic() - start < 3.0
    time.sleep(0.1)
    assert started and not _session_members(started[0])  # nothing of its session is left running
    res = run_python("import os\ndef add(a, b):\n    os.fork()\n    return a + b\n", ADD_TESTS, "add")
    assert res.reason == "error" and "blocked" in res.detail


def test_huge_output_is_capped() -> None:
    start = time.monotonic()
    res = run_python("def add(a, b):\n    while True:\n        print('x' * 100000)\n", ADD_TESTS, "add",
                     max_output_bytes=65536)
    assert res.reason == "error" and "output" in res.detail
    assert len(res.stderr) <= 4096
    assert time.monotonic() - start < 2.0
    quiet = run_python("def add(a, b):\n    print('working')\n    return a + b\n", ADD_TESTS, "add")
    assert quiet.reason == "ok" and "working" in quiet.stderr  # prints never reach the result channel


def test_files_only_inside_the_work_dir(tmp_path) -> None:
    outside = tmp_path / "outside.txt"
    res = run_python(f"def add(a, b):\n    open('{outside}', 'w').write('x')\n    return a + b\n", ADD_TESTS, "add")
    assert res.reason == "error" and not outside.exists()
    inside = "def add(a, b):\n    with open('scratch.txt', 'w') as f:\n        f.write(str(a))\n    return a + b\n"
    assert run_python(inside, ADD_TESTS, "add").reason == "ok"
    res = run_python("def add(a, b):\n    return open('/proc/self/environ').read()\n", ADD_TESTS, "add")
    assert res.reason == "error" and "/proc" in res.detail


def test_expected_outputs_are_not_visible_to_the_candidate() -> None:
    tests = [{"args": [1], "expected": "SECRET-4711"}]
    src = (
        "import gc\n"
        "def f(x):\n"
        "    for o in gc.get_objects():\n"
        "        items = o.values() if isinstance(o, dict) else o if isinstance(o, (list, tuple)) else ()\n"
        "        for v in items:\n"
        "            if isinstance(v, str) and 'SECRET-4' in v and len(v) == 11:\n"
        "                return v\n"
        "    return None\n"
    )
    assert run_python(src, tests, "f").reason == "wrong"


def test_hostile_answers_are_rejected_without_a_process(monkeypatch) -> None:
    def no_spawn(*args, **kwargs):
        raise AssertionError("a process was started")

    warm.close_all()
    monkeypatch.setattr(warm.subprocess, "Popen", no_spawn)
    for text in hostile_answers() + hostile_responses():
        score = check_code(text, ADD_TESTS, "add")
        assert score == 0.0 and score.reason == "invalid_answer"
    assert precheck("def other():\n    pass\n", "add") is not None
    assert precheck("x" * 20_001, "add") is not None
    assert precheck("def add(a, b):\n    return a + b\n", "add") is None


def test_result_comparison() -> None:
    assert same_value([1, [2.0000001, "a"]], [1, [2.0, "a"]])
    assert not same_value(1, True) and not same_value(True, 1)
    assert same_value(2.0, 2) and not same_value(2.5, 2)
    assert not same_value(float("nan"), 1.0)
    assert same_value({"a": [1, 2]}, {"a": [1, 2]}) and not same_value({"a": 1}, {"a": 1, "b": 2})
    tuples = run_python("def f(x):\n    return (x, (x, x))\n", [{"args": [3], "expected": [3, [3, 3]]}], "f")
    assert tuples.reason == "ok"
    custom = run_python(
        "class Liar:\n    def __eq__(self, other):\n        return True\n"
        "def f(x):\n    return Liar()\n", [{"args": [3], "expected": 3}], "f",
    )
    assert custom.reason == "error" and custom.passed == 0


def test_stdlib_imports_work() -> None:
    src = ("import collections, heapq, bisect, math, re, itertools, functools, string\n"
           "from datetime import datetime\nfrom typing import List\n"
           "def f(s: str) -> List[int]:\n    d = datetime.strptime(s, '%Y-%m-%d')\n"
           "    return [d.year, math.gcd(12, 18), len(collections.Counter(s))]\n")
    res = run_python(src, [{"args": ["2024-02-29"], "expected": [2024, 6, 5]}], "f")
    assert res.reason == "ok", res
