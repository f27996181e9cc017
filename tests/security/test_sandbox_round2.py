"""Red team, round two, against the real sandbox: the result channel, namespaces, caps, exit statuses, start-up.

Each attack runs model code the way the service runs it (a code task's candidate through ``run_python``,
the ``python`` tool through the sandbox executor) and must gain nothing; an honest answer still scores 1.0.
"""

from __future__ import annotations

import os
import textwrap
import time

import pytest

from bootcamp.verifiers import sandbox, warm
from bootcamp.verifiers.code_exec import check_code, run_python

pytestmark = pytest.mark.skipif(not sandbox.available()[0], reason=f"bwrap unavailable: {sandbox.available()[1]}")

TESTS = [{"args": [1, 2], "expected": 3}, {"args": [5, 5], "expected": 10}]
HONEST = "def add(a, b):\n    return a + b\n"
WRONG = "def add(a, b):\n    return a - b\n"
GC_OFF = """
import gc
for o in gc.get_objects():
    if type(o) is list and len(o) == 1 and o[0] is False:
        o[0] = True  # the runner's audit-hook "busy" flag: the hook is now off
"""
FORGED = b'{"i": 0, "v": 3}\\n{"i": 1, "v": 10}\\n{"done": 2}\\n'


def _module(prelude: str, body: str = WRONG) -> str:
    return textwrap.dedent(prelude) + "\n" + body


def _not_ok(res) -> None:
    assert res.reason != "ok" and res.reason != "verifier_error", res


def test_forged_records_on_every_descriptor_never_pass():
    prelude = GC_OFF + f"""
import os
for fd in range(0, 256):
    try:
        os.write(fd, {FORGED.decode()!r}.encode())
    except OSError:
        pass
"""
    _not_ok(run_python(_module(prelude), TESTS, "add"))
    # The honest answer plus forged records is no longer a clean run either: never first-record-wins.
    res = run_python(_module(prelude, HONEST), TESTS, "add")
    assert res.reason == "error" and "out of place" in res.detail, res
    assert check_code(HONEST, TESTS, "add") == 1.0


def test_lookalike_lines_on_stdout_and_stderr_are_only_output():
    prelude = """
import sys
print('{"i": 0, "v": 3}'); print('{"done": 2}')
sys.stderr.write('{"i": 1, "v": 10}\\n{"ready": 1}\\n')
"""
    _not_ok(run_python(_module(prelude), TESTS, "add"))
    assert run_python(_module(prelude, HONEST), TESTS, "add").reason == "ok"


@pytest.mark.parametrize("hook", ["__del__", "atexit"])
def test_writers_at_teardown_gain_nothing(hook):
    writer = f"__import__('os').write(fd, {FORGED.decode()!r}.encode())"
    prelude = {
        "__del__": GC_OFF + f"""
class Ghost:
    def __del__(self):
        for fd in range(3, 12):
            try:
                {writer}
            except OSError:
                pass
ghost = Ghost()
""",
        "atexit": GC_OFF + f"""
import atexit
def late():
    for fd in range(3, 12):
        try:
            {writer}
        except OSError:
            pass
    raise SystemExit(0)
atexit.register(late)
""",
    }[hook]
    _not_ok(run_python(_module(prelude), TESTS, "add"))


def test_forking_a_writer_is_refused():
    prelude = GC_OFF + f"""
import os
try:
    if os.fork() == 0:
        os.write(3, {FORGED.decode()!r}.encode())
        os._exit(0)
except OSError:
    pass
"""
    _not_ok(run_python(_module(prelude), TESTS, "add"))


def test_every_exit_status_is_the_candidates_own_error():
    """``os._exit(n)`` for n in 0..255 is ``error``: never ok, timeout, memory or verifier_error."""
    seen = set()
    for n in range(256):
        res = run_python(f"import os\nos._exit({n})\n" + HONEST, TESTS, "add")
        seen.add(res.reason)
        assert res.reason == "error", (n, res)
    assert seen == {"error"}
    assert check_code(HONEST, TESTS, "add") == 1.0


PROBE = GC_OFF + """
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
def refused(fn, *args):
    ctypes.set_errno(0)
    return fn(*args) == -1 and ctypes.get_errno() in (errno.EPERM, errno.ENOSYS, errno.EACCES)
def probe():
    out = {}
    out["unshare_user"] = refused(libc.unshare, 0x10000000)
    out["unshare_mount"] = refused(libc.unshare, 0x20000)
    out["unshare_net"] = refused(libc.unshare, 0x40000000)
    out["setns"] = refused(libc.setns, 0, 0)
    out["mount"] = refused(libc.mount, b"none", b"/tmp", b"tmpfs", 0, None)
    out["clone_newuser"] = refused(libc.syscall, 56, 0x10000000 | 17, 0, 0, 0, 0)
    out["ptrace"] = refused(libc.ptrace, 16, 1, 0, 0)
    out["bpf"] = refused(libc.syscall, 321, 0, 0, 0)
    out["keyctl"] = refused(libc.syscall, 250, 0, 0, 0)
    out["perf_event_open"] = refused(libc.syscall, 298, 0, 0, -1, -1, 0)
    return out
"""


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the probe uses x86_64 syscall numbers")
def test_no_nested_namespaces_mounts_or_kernel_interfaces():
    src = PROBE + "def add(a, b):\n    return probe()\n"
    expected = {k: True for k in ("unshare_user", "unshare_mount", "unshare_net", "setns", "mount",
                                  "clone_newuser", "ptrace", "bpf", "keyctl", "perf_event_open")}
    res = run_python(src, [{"args": [1, 2], "expected": expected}], "add")
    assert res.reason == "ok", (res, res.stderr[-500:])


def test_filesystem_is_read_only_and_tmpfs_is_capped():
    src = GC_OFF + """
import errno
def add(a, b):
    out = {}
    for path in ("/x", "/etc/x", "/dev/x", "/usr/x"):
        try:
            open(path, "w").write("x")
            out[path] = "written"
        except OSError as exc:
            out[path] = errno.errorcode.get(exc.errno, "?")
    try:
        with open("/tmp/big", "wb") as fh:
            for _ in range(64):
                fh.write(b"x" * (1 << 20))
        out["/tmp"] = "64 MiB written"
    except OSError as exc:
        out["/tmp"] = errno.errorcode.get(exc.errno, "?")
    return out
"""
    res = run_python(src, [{"args": [1, 2], "expected": {}}], "add", timeout_s=5)
    assert res.reason == "wrong"
    # the values come back in the candidate's record: read them from a second, honest-shaped run
    src2 = src + "\nadd_ = add\n"
    expected = {"/x": True, "/etc/x": True, "/dev/x": True, "/usr/x": True}
    ok = run_python(src2.replace("    return out", "    return {k: v in ('EROFS', 'EACCES') for k, v in out.items() "
                                                 "if k != '/tmp'}"),
                    [{"args": [1, 2], "expected": expected}], "add", timeout_s=5)
    assert ok.reason == "ok", ok
    capped = run_python(src2.replace("    return out", "    return out['/tmp']"),
                        [{"args": [1, 2], "expected": "64 MiB written"}], "add", timeout_s=5)
    assert capped.reason in ("wrong", "error"), capped  # the 16 MiB tmpfs (or the file-size rlimit) stops it


def test_running_sandbox_is_in_a_capped_memory_cgroup():
    from bootcamp.verifiers import sandbox_cgroup

    if sandbox_cgroup.MemoryCgroup.create(64 << 20) is None:
        pytest.skip(f"no memory cgroup can be created here: {sandbox_cgroup.reason()}")
    warm.close_all()
    src = "import time\ndef add(a, b):\n    time.sleep(1.0)\n    return a + b\n"
    import threading

    found: list[str] = []

    def look():
        time.sleep(0.5)
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/status") as fh:
                    if "Uid:\t65534" not in fh.read():
                        continue
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if b"_code_runner.py" not in fh.read():
                        continue
                with open(f"/proc/{pid}/cgroup") as fh:
                    found.append(fh.read())
            except OSError:
                pass

    t = threading.Thread(target=look)
    t.start()
    assert check_code(src, TESTS, "add", timeout_s=5) == 1.0
    t.join()
    assert found and all("bootcamp-sandbox" in text for text in found), found


def test_start_failure_is_retried_once_then_names_the_real_cause(tmp_path):
    marker = tmp_path / "started-once"
    # Fails on the first start (prints a library warning last, as Fontconfig did), works on the second.
    script = (f"import os, sys, json\nif not os.path.exists({str(marker)!r}):\n"
              f"    open({str(marker)!r}, 'w').close()\n"
              "    sys.stderr.write('bwrap: Creating new namespace failed: Resource temporarily unavailable\\n'"
              "'Fontconfig error: Cannot load default config file\\n'); sys.exit(1)\n"
              "os.write(1, b'{\"warm\": 1}\\n')\nimport time; time.sleep(30)\n")
    flaky = warm.Kind("flaky-test", ("/usr/bin/python3", "-c", script), start_timeout_s=10)
    pool = warm.WarmPool(flaky, size=0)
    try:
        box = pool.acquire()
        assert box.alive() and pool.failed_starts == 1
        pool.release(box, False)
    finally:
        pool.close()
    broken = warm.Kind("broken-test", ("/usr/bin/python3", "-c",
                                       "import sys; sys.stderr.write('bwrap: No permissions to create new namespace\\n"
                                       "Fontconfig error: noise\\n'); sys.exit(1)"), start_timeout_s=10)
    pool = warm.WarmPool(broken, size=0)
    try:
        with pytest.raises(warm.StartFailed) as err:
            pool.acquire()
        assert "No permissions to create new namespace" in str(err.value)
        assert "Fontconfig" not in str(err.value) and pool.failed_starts == 2
    finally:
        pool.close()


def test_warm_sandboxes_are_single_use():
    """A file a candidate leaves behind is never seen by the next candidate."""
    leave = "def add(a, b):\n    open('/tmp/left-behind', 'w').write('x')\n    return a + b\n"
    look = ("import os\ndef add(a, b):\n    return a + b if not os.path.exists('/tmp/left-behind') else 0\n")
    for _ in range(3):
        assert check_code(leave, TESTS, "add") == 1.0
        assert check_code(look, TESTS, "add") == 1.0


def test_python_tool_cannot_make_namespaces_or_fill_memory():
    from bootcamp.env.sandbox_exec import SandboxExecutor
    from bootcamp.env.toolcall import ToolCall

    code = PROBE + "print(sorted(k for k, v in probe().items() if not v))\n"
    res = SandboxExecutor().run([ToolCall(name="python", arguments={"code": code})], ("python",),
                                {"identity": {}, "memory": {}})
    assert res[0].error is None and res[0].output.strip().endswith("[]"), res[0]
    big = ("import errno\ntry:\n    f = open('/tmp/big', 'wb')\n    [f.write(b'x' * (1 << 20)) for _ in range(64)]\n"
           "    print('written')\nexcept OSError as e:\n    print(errno.errorcode[e.errno])\n")
    res = SandboxExecutor().run([ToolCall(name="python", arguments={"code": big})], ("python",),
                                {"identity": {}, "memory": {}})
    assert "written" not in (res[0].output or ""), res[0]
    start = time.monotonic()
    assert check_code(HONEST, TESTS, "add") == 1.0 and time.monotonic() - start < 30
