"""SandboxExecutor: tool calls in a real bubblewrap sandbox (skipped where bwrap cannot run).

Covers: call order and mixed good/bad calls in one turn, the python tool's isolation (files,
network, processes, the episode identity), timeouts (the runner's alarm and the hard kill), crashes,
the output cap, stateful memory coming back (and not from tools that run model code), and failing
closed when the sandbox is unavailable.
"""

from __future__ import annotations

import hashlib
import importlib
import sys
import time
import uuid

import pytest

from bootcamp.env import TOOLS, ToolCall, parse_tool_calls
from bootcamp.env.sandbox_exec import SandboxExecutor
from bootcamp.verifiers import sandbox

pytestmark = pytest.mark.skipif(sandbox.mode() != "bwrap",
                                reason=f"bubblewrap sandbox unavailable: {sandbox.available()[1]}")

ALLOWED = ("calculator", "python", "rdkit_canonical", "unit_convert")
CTX = {"identity": {}, "memory": {}}


@pytest.fixture(scope="module")
def ex() -> SandboxExecutor:
    return SandboxExecutor()


def py(code: str) -> ToolCall:
    return ToolCall("python", {"code": code})


def test_mixed_turn_results_in_call_order(ex: SandboxExecutor) -> None:
    huge = parse_tool_calls('<tool_call>{"name": "calculator", "arguments": {"expression": "' + "1" * 30_000
                            + '"}}</tool_call>')
    calls = [ToolCall("calculator", {"expression": "2**100"}), ToolCall("rdkit_canonical", {"smiles": "OCC"}),
             ToolCall("nope", {}), ToolCall(error="the call is not valid JSON"), *huge,
             ToolCall("calculator", {"expression": "1", "extra": 2}), ToolCall("rdkit_descriptors", {"smiles": "C"}),
             ToolCall("calculator", {"expression": "9**9**9"}), ToolCall("unit_convert",
                                                                       {"value": 1, "from_unit": "km", "to_unit": "m"})]
    res = ex.run(calls, ALLOWED, CTX)
    assert [r.output for r in res[:2]] == [str(2**100), "CCO"]
    assert "unknown tool 'nope'" in res[2].error and "not valid JSON" in res[3].error
    assert "at most" in res[4].error and "unknown argument" in res[5].error
    assert "unknown tool 'rdkit_descriptors'" in res[6].error  # installed, but not offered here
    assert "bits" in res[7].error and res[8].output == "1000 m"
    assert all(r.error is None for r in (res[0], res[1], res[8]))


def test_python_cannot_touch_the_host(ex: SandboxExecutor) -> None:
    calls = [
        py("open('/usr/evil', 'w').write('x')"),
        py("import os; os.makedirs('/home/x')"),
        py("open('/tmp/ok', 'w').write('fine'); print(open('/tmp/ok').read())"),
        py("print(open('/etc/passwd').read())"),
        py("import os; print(os.listdir('/work'))"),
        py("import os; print(os.listdir('/sandbox/project/tasks/chem'))"),  # task data files stay hidden
        py("import socket; socket.create_connection(('127.0.0.1', 80), timeout=1)"),
        py("import os\nwhile True:\n    os.fork()"),
        py("import subprocess; subprocess.run(['true'])"),
        py("import os; print(os.getuid(), os.geteuid())"),
    ]
    res = ex.run(calls, ALLOWED, CTX)
    assert "Read-only" in res[0].error or "Permission" in res[0].error
    assert res[1].error
    assert res[2].error is None and res[2].output == "fine\n"
    assert res[3].error and "root:" not in res[3].error
    assert "No such file" in res[4].error and "No such file" in res[5].error
    assert res[6].error and res[7].error and res[8].error
    assert res[9].output == "65534 65534\n"


def test_no_new_processes_even_past_the_audit_hook(ex: SandboxExecutor) -> None:
    # libc fork() directly: the audit hook never sees it; RLIMIT_NPROC=0 (the kernel) refuses it.
    res = ex.run([py("import ctypes\nprint(ctypes.CDLL(None).fork())")], ALLOWED, CTX)
    assert res[0].output == "-1\n", res[0]


def test_python_never_sees_the_identity_or_other_tools(ex: SandboxExecutor) -> None:
    secret = "s3cr3t-" + uuid.uuid4().hex
    digest = hashlib.sha256(secret.encode()).hexdigest()  # the code holds only the hash of the secret
    code = ("import gc, hashlib\n"
            "stack, seen, found = gc.get_objects(), set(), False\n"
            "while stack and not found:\n"
            "    o = stack.pop()\n"
            "    if id(o) in seen:\n"
            "        continue\n"
            "    seen.add(id(o))\n"
            "    if isinstance(o, str):\n"
            "        found = len(o) == LENGTH and hashlib.sha256(o.encode()).hexdigest() == 'DIGEST'\n"
            "    elif isinstance(o, (dict, list, tuple)):\n"
            "        stack.extend(gc.get_referents(o))\n"
            "print(found)").replace("LENGTH", str(len(secret))).replace("DIGEST", digest)
    res = ex.run([ToolCall("calculator", {"expression": "1"}), py(code)], ALLOWED,
                 {"identity": {"answer": secret}, "memory": {"note": secret}})
    assert res[0].output == "1" and res[1].output == "False\n", res[1]
    # the same scan in the same process as the identity finds it: the test can fail
    leak = SandboxExecutor()._run_once([py(code)], [0], {"identity": {"answer": secret}}, True, True)
    assert leak.results[0].output == "True\n", leak


def test_infinite_loop_times_out_and_later_calls_still_run(ex: SandboxExecutor) -> None:
    limit = TOOLS.get("python").timeout_s
    t0 = time.monotonic()
    res = ex.run([py("while True:\n    pass"), py("print(7)")], ALLOWED, CTX)
    took = time.monotonic() - t0
    assert "timeout" in res[0].error and res[1].output == "7\n"
    assert took < limit + 4, took


def test_a_call_that_ignores_the_alarm_is_killed(ex: SandboxExecutor) -> None:
    limit = TOOLS.get("python").timeout_s
    code = "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    t0 = time.monotonic()
    res = ex.run([py(code), py("print(8)"), ToolCall("calculator", {"expression": "6*7"})], ALLOWED, CTX)
    took = time.monotonic() - t0
    assert "stopped" in res[0].error and res[1].output == "8\n" and res[2].output == "42"
    assert took < limit + 6, took


def test_crashes_and_exits_are_error_results(ex: SandboxExecutor) -> None:
    res = ex.run([py("import os; os._exit(3)"), py("import ctypes; ctypes.string_at(0)"), py("print(9)"),
                  py("x = bytearray(10**10)")], ALLOWED, CTX)
    assert "exit status 3" in res[0].error and "SIGSEGV" in res[1].error
    assert res[2].output == "9\n" and "MemoryError" in res[3].error


def test_output_cap() -> None:
    small = SandboxExecutor(max_output_bytes=4000)
    res = small.run([py("print('x' * 100_000)"), py("print(1)")], ALLOWED, CTX)
    assert "over 4000 bytes" in res[0].error and res[1].output == "1\n"


def test_unavailable_sandbox_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "mode", lambda: None)
    monkeypatch.setattr(sandbox, "unavailable_detail", lambda: "no bwrap in this test")
    res = SandboxExecutor().run([ToolCall("calculator", {"expression": "1"}), py("print(1)"), ToolCall("nope", {})],
                                ALLOWED, CTX)
    assert all("no bwrap in this test" in r.error for r in res[:2]) and "unknown tool" in res[2].error
    assert not any(r.output for r in res)


_STATEFUL = '''
from bootcamp.env.tools import tool

@tool("{name}_count", "Add to a counter.", {{"type": "object", "properties": {{"by": {{"type": "integer"}}}},
      "required": ["by"], "additionalProperties": False}})
def count(args, context):
    total = context["memory"].get("count", 0) + args["by"]
    return {{"output": "count %d" % total, "memory": {{"count": total}}}}

@tool("{name}_forge", "Model code that returns memory.", {{"type": "object", "properties": {{}}}}, sandbox_only=True)
def forge(args, context):
    return {{"output": "forged", "memory": {{"count": 10**6}}}}
'''


def test_stateful_memory_comes_back_but_not_from_model_code(ex: SandboxExecutor, tmp_path, monkeypatch) -> None:
    name = "bc_tools_" + uuid.uuid4().hex[:8]
    (tmp_path / f"{name}.py").write_text(_STATEFUL.format(name=name))
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module(name)
    try:
        allowed = (f"{name}_count", f"{name}_forge")
        res = ex.run([ToolCall(f"{name}_count", {"by": 3}), ToolCall(f"{name}_forge", {})], allowed,
                     {"identity": {}, "memory": {"count": 4}})
        assert res[0].output == "count 7" and res[0].memory == {"count": 7}, res
        assert res[1].output == "forged" and res[1].memory is None
        # calls of one turn run in order, each on the memory the previous one left
        two = ex.run([ToolCall(f"{name}_count", {"by": 3}), ToolCall(f"{name}_count", {"by": 5})], allowed,
                     {"identity": {}, "memory": {"count": 4}})
        assert [r.output for r in two] == ["count 7", "count 12"] and two[1].memory == {"count": 12}, two
    finally:
        for suffix in ("_count", "_forge"):
            TOOLS.remove(name + suffix)
        sys.modules.pop(name, None)
