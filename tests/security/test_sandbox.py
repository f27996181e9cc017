"""Red-team tests against the real bubblewrap sandbox: each attack fails and honest code still scores 1.0."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from bootcamp.verifiers import sandbox, warm
from bootcamp.verifiers.code_exec import check_code, run_python

pytestmark = pytest.mark.skipif(not sandbox.available()[0], reason=f"bwrap unavailable: {sandbox.available()[1]}")

TESTS = [{"args": [1, 2], "expected": 3}, {"args": [5, 5], "expected": 10}]
HONEST = "def add(a, b):\n    return a + b\n"


def _honest_ok() -> None:
    assert check_code(HONEST, TESTS, "add") == 1.0


def _attack(body: str, **kw):
    src = "def add(a, b):\n" + textwrap.indent(textwrap.dedent(body), "    ") + "\n    return a + b\n"
    return run_python(src, TESTS, "add", **kw)


GC_OFF = """
import gc
for o in gc.get_objects():
    if type(o) is list and len(o) == 1 and o[0] is False:
        o[0] = True  # the hook's "busy" flag: the hook is now off
"""


def test_audit_hook_bypass_via_gc_gains_nothing(tmp_path):
    target = tmp_path / "pwned"
    res = _attack(GC_OFF + f"open({str(target)!r}, 'w').write('x')\n")
    assert res.reason != "ok" and not target.exists()
    _honest_ok()


def test_dir_fd_write_outside_workdir(tmp_path):
    res = _attack(f"""
import os
fd = os.open({str(tmp_path)!r}, os.O_RDONLY)
os.close(os.open('pwned', os.O_WRONLY | os.O_CREAT, dir_fd=fd))
""")
    assert res.reason != "ok" and not (tmp_path / "pwned").exists()
    _honest_ok()


@pytest.mark.parametrize("path", ["/proc/1/cmdline", "/proc/{ppid}/environ", "/etc/passwd", "/etc/hostname"])
def test_secret_reads_do_not_reach_detail(path, monkeypatch):
    monkeypatch.setenv("BOOTCAMP_API_KEYS", "sk-secret-canary")
    res = _attack(GC_OFF + f"""
import os
raise Exception(open({path!r}.format(ppid=os.getppid()), 'rb').read()[:300])
""")
    assert res.reason != "ok"
    assert "sk-secret-canary" not in res.detail + res.stderr
    assert "root:" not in res.detail + res.stderr
    assert os.uname().nodename not in res.detail or "hostname" not in path
    _honest_ok()


def test_no_network_even_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    try:
        res = _attack(GC_OFF + f"""
import sys
for k in [k for k in sys.modules if 'socket' in k]:
    del sys.modules[k]
import _socket
s = _socket.socket()
s.settimeout(1)
s.connect(('127.0.0.1', {port}))
""")
        assert res.reason != "ok"
        with pytest.raises(OSError):
            server.accept()
    finally:
        server.close()
    _honest_ok()


KILLER = GC_OFF + """
import os, signal
for p in os.listdir('/proc'):
    if p.isdigit() and int(p) != os.getpid():
        try:
            os.kill(int(p), signal.SIGTERM)
        except OSError:
            pass
"""


def test_one_sandbox_cannot_kill_another():
    slow_ok = "import time\ndef add(a, b):\n    time.sleep(0.1)\n    return a + b\n"
    results = {}

    def victim(i):
        results[i] = check_code(slow_ok, TESTS, "add", timeout_s=5)

    threads = [threading.Thread(target=victim, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for _ in range(5):
        _attack(KILLER)
    for t in threads:
        t.join()
    assert all(v == 1.0 for v in results.values()), results
    _honest_ok()


def test_fork_bomb_memory_bomb_output_flood():
    assert _attack(GC_OFF + "while True:\n    os.fork()\n".replace("os.", "__import__('os').")).reason != "ok"
    assert _attack("x = bytearray(8 * 1024 ** 3)\n").reason in ("memory", "error")
    assert _attack("while True:\n    print('x' * 10000)\n", timeout_s=2).reason in ("error", "timeout")
    _honest_ok()


def _candidate_procs(marker: str) -> list[int]:
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/cmdline", "rb") as fh:
                    if marker.encode() in fh.read():
                        out.append(int(p))
            except OSError:
                pass
    return out


def test_sleeper_leaves_no_orphans_or_temp_dirs(tmp_path):
    before = set(os.listdir("/tmp"))
    start = time.monotonic()
    res = _attack("import time\ntime.sleep(60)\n", timeout_s=0.5)
    assert res.reason == "timeout" and time.monotonic() - start < 5
    warm.close_all()  # the pool's idle, never used sandboxes run the same runner
    time.sleep(0.2)
    assert _candidate_procs("_code_runner.py") == []
    assert not [d for d in set(os.listdir("/tmp")) - before if d.startswith("bootcamp-code-")]
    _honest_ok()


def test_timing_excludes_startup():
    src = "import time\ndef add(a, b):\n    time.sleep(0.45)\n    return a + b\n"
    assert check_code(src, [TESTS[0]], "add", timeout_s=0.5) == 1.0


def test_fails_closed_without_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox, "_bwrap", lambda: None)
    monkeypatch.delenv(sandbox.UNSAFE_ENV, raising=False)
    sandbox.reset()
    try:
        score = check_code(HONEST, TESTS, "add")
        assert score == 0.0 and score.reason == "verifier_error" and "bubblewrap" in score.detail
        monkeypatch.setenv(sandbox.UNSAFE_ENV, "1")
        assert check_code(HONEST, TESTS, "add") == 1.0
    finally:
        sandbox.reset()


def test_outside_kill_is_never_ok_and_never_lets_the_candidate_pick_its_reason():
    """A kill this process did not make is not told apart from the candidate's own exit: both are ``error``.

    (A candidate can exit with any status, 137 and 143 included; only this process's own deadline makes
    a ``timeout`` and only a failure before the candidate starts makes a ``verifier_error``.)
    """
    def later():
        time.sleep(0.5)
        for pid in _candidate_procs("_code_runner.py"):
            try:
                with open(f"/proc/{pid}/status") as fh:
                    if "Uid:\t65534" in fh.read():  # the running candidate (idle warm ones are still root)
                        os.kill(pid, 15)
            except OSError:
                pass
    killer = threading.Thread(target=later, daemon=True)
    killer.start()
    res = run_python("import time\ndef add(a, b):\n    time.sleep(1.5)\n    return a + b\n", TESTS, "add")
    killer.join()
    assert res.reason == "error", res
    assert check_code(HONEST, TESTS, "add") == 1.0


def test_unprivileged_user_holds_or_fails_closed():
    setpriv = shutil.which("setpriv")
    py = "/usr/bin/python3"
    if not setpriv or not os.path.exists(py) or os.getuid() != 0:
        pytest.skip("needs root, setpriv and a system python readable by nobody")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    site = next((p for p in sys.path if p.endswith("site-packages") and "/.venv/" in p), None)
    if site is None or sys.version_info[:2] != (3, int(os.path.basename(os.path.realpath(py))[-2:])):
        pytest.skip("the system python differs from the venv's; cannot import the project as nobody")
    script = (f"import sys; sys.path[:0] = [{repo!r}, {site!r}]\n"
              "from bootcamp.verifiers.code_exec import check_code\n"
              "s = check_code('def f(x):\\n    return open(\"/etc/passwd\").read()\\n', "
              "[{'args': [1], 'expected': 1}], 'f')\n"
              "h = check_code('def f(x):\\n    return x\\n', [{'args': [1], 'expected': 1}], 'f')\n"
              "print(float(s), getattr(s, 'reason', ''), float(h), getattr(h, 'reason', ''))\n")
    proc = subprocess.run([setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups", py, "-c", script],
                          capture_output=True, text=True, timeout=60, cwd="/")
    if proc.returncode != 0 and "Permission denied" in proc.stderr:
        pytest.skip(f"nobody cannot read the project or its venv: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    attack, attack_reason, honest, honest_reason = proc.stdout.split()[-4:] if len(proc.stdout.split()) >= 4 \
        else (*proc.stdout.split(), "", "")[:4]
    assert float(attack) == 0.0
    # Either isolation works as nobody (honest 1.0) or it fails closed (verifier_error), never unsandboxed.
    assert float(honest) == 1.0 or honest_reason == "verifier_error", proc.stdout


def test_reasoning_gym_eval_scorer_is_contained(tmp_path):
    pytest.importorskip("reasoning_gym")
    from bootcamp.compat.reasoning_gym import score_sandboxed

    ident = {"dataset": "countdown", "seed": 0, "size": 100, "index": 0}
    start = time.monotonic()
    s = score_sandboxed(ident, "9**9**9", timeout_s=2.0)
    assert float(s) == 0.0 and time.monotonic() - start < 20
    target = tmp_path / "pwned"
    s = score_sandboxed(ident, f"__import__('pathlib').Path({str(target)!r}).touch()")
    assert float(s) < 1.0 and not target.exists()
