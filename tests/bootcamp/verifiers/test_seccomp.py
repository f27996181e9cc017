"""The sandbox's seccomp filter, run under the real bubblewrap: escapes fail with EPERM, Python still works."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

from bootcamp.verifiers import seccomp

BWRAP = shutil.which("bwrap")
needs_bwrap = pytest.mark.skipif(BWRAP is None, reason="bubblewrap (bwrap) is not installed")
X86_HEADER = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
GENERIC_HEADER = "/usr/include/asm-generic/unistd.h"

# Each escape attempt in its own child, so one that succeeds cannot change what the next one sees.
# A clone that succeeds returns 0 in a child: that child leaves at once.
ESCAPES = r"""
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
x86 = os.uname().machine == "x86_64"
NR = {"clone": 56 if x86 else 220, "bpf": 321 if x86 else 280, "keyctl": 250 if x86 else 219,
      "perf_event_open": 298 if x86 else 241, "ptrace": 101 if x86 else 117, "clone3": 435}
attempts = {
    "unshare_user": lambda: libc.unshare(0x10000000),
    "unshare_ns": lambda: libc.unshare(0x00020000),
    "setns": lambda: libc.setns(os.open("/proc/self/ns/net", os.O_RDONLY), 0),
    "mount_tmpfs": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
    "ptrace": lambda: libc.syscall(NR["ptrace"], 0, 0, 0, 0),          # PTRACE_TRACEME
    "clone_newuser": lambda: libc.syscall(NR["clone"], 0x10000000 | 17, 0, 0, 0, 0),
    "clone_newnet": lambda: libc.syscall(NR["clone"], 0x40000000 | 17, 0, 0, 0, 0),
    "bpf": lambda: libc.syscall(NR["bpf"], 0, 0, 0),                   # BPF_MAP_CREATE, attr NULL
    "keyctl": lambda: libc.syscall(NR["keyctl"], 0, -3, 0),           # GET_KEYRING_ID, session
    "perf_event_open": lambda: libc.syscall(NR["perf_event_open"], 0, 0, -1, -1, 0),
    "clone3": lambda: libc.syscall(NR["clone3"], 0, 0),
    # The red team's chain: a user namespace gives full capabilities in a new mount namespace.
    "chain": lambda: (libc.unshare(0x10000000) or libc.unshare(0x00020000)
                      or libc.mount(b"none", b"/tmp", b"tmpfs", 0, b"size=1m")),
}
only = sys.argv[1:] or list(attempts)
out = {}
for name in only:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        ret = attempts[name]()
        if ret == 0 and name.startswith("clone"):
            os._exit(0)  # the clone's child
        os.write(w, json.dumps([ret, ctypes.get_errno()]).encode())
        os._exit(0)
    os.close(w)
    data = os.read(r, 1000)
    os.waitpid(pid, 0)
    out[name] = json.loads(data) if data else None
print(json.dumps(out))
"""

# What must keep working under the filter.
ORDINARY = r"""
import json, os, subprocess, sys, tempfile, threading
res = {}
box = []
t = threading.Thread(target=lambda: box.append(sum(range(1000))))
t.start(); t.join()
res["thread"] = box == [499500]
pid = os.fork()
if pid == 0:
    os._exit(7)
res["fork"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7
with tempfile.NamedTemporaryFile("w+", dir="/tmp") as fh:
    fh.write("hello"); fh.flush(); fh.seek(0)
    res["file"] = fh.read() == "hello"
res["subprocess"] = subprocess.run(["true"]).returncode == 0
try:
    import numpy
    res["numpy"] = float(numpy.arange(10.0).sum()) == 45.0
except ImportError:
    res["numpy"] = "absent"
print(json.dumps(res))
"""


def _bwrap(python: str, code: str, args: list[str], *, filtered: bool, userns: bool, as_nobody: bool = False
           ) -> subprocess.CompletedProcess:
    fd = seccomp.write_fd() if filtered else None
    if filtered:
        assert fd is not None, "no filter for this machine"
    cmd = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
           "--unshare-pid", "--unshare-net", "--die-with-parent"]
    if userns:
        cmd += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    if fd is not None:
        cmd += ["--seccomp", str(fd)]
    cmd += ["--", python, "-I", "-c", code, *args]

    def drop() -> None:  # the deployment where the service itself is not root
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)

    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, pass_fds=(fd,) if fd else (),
                              preexec_fn=drop if as_nobody else None, stdin=subprocess.DEVNULL)
    finally:
        if fd is not None:
            os.close(fd)


MODES = ["root", "userns"]


def _mode(mode: str) -> dict:
    """How to run bwrap in ``mode``: "root" (no user namespace, as the service runs here) or "userns"
    (``--unshare-user --uid 65534``, how bwrap runs for a non-root service; as root we drop to nobody
    first so the unprivileged path is the one exercised)."""
    root = os.getuid() == 0
    if mode == "root":
        if not root:
            pytest.skip("bwrap without a user namespace needs root")
        return {"python": sys.executable, "userns": False}
    python = sys.executable
    if root:
        # nobody cannot reach an interpreter under /root: use the system one when there is one.
        python = shutil.which("python3", path="/usr/bin:/bin") or ""
        if not python:
            pytest.skip("no world-executable python3 for the unprivileged variant")
    probe = _bwrap(python, "print('up')", [], filtered=False, userns=True, as_nobody=root)
    if probe.returncode != 0 or probe.stdout.strip() != "up":
        pytest.skip(f"unprivileged bwrap does not work here: {probe.stderr.strip()[-200:]}")
    return {"python": python, "userns": True, "as_nobody": root}


def _run(mode: str, code: str, *args: str, filtered: bool = True) -> dict:
    m = _mode(mode)
    proc = _bwrap(m["python"], code, list(args), filtered=filtered, userns=m["userns"],
                  as_nobody=m.get("as_nobody", False))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@needs_bwrap
@pytest.mark.parametrize("mode", MODES)
def test_escapes_fail_with_eperm(mode: str) -> None:
    res = _run(mode, ESCAPES)
    eperm = {name: v for name, v in res.items() if name != "clone3"}
    assert all(v == [-1, 1] for v in eperm.values()), res  # -1, errno 1 (EPERM)
    assert res["clone3"] == [-1, 38], res                  # ENOSYS: glibc falls back to clone


@needs_bwrap
@pytest.mark.parametrize("mode", MODES)
def test_without_the_filter_the_same_escapes_succeed(mode: str) -> None:
    # The control: proves the test above can fail. Without the filter the red team's unshare works,
    # and every call the filter refuses reaches the kernel (which answers something other than EPERM),
    # except, unprivileged, the ones the kernel may refuse itself (namespaces need capabilities there,
    # and bpf/perf have sysctls of their own).
    res = _run(mode, ESCAPES, filtered=False)
    assert res["unshare_user"] == [0, 0] and res["chain"] == [0, 0], res
    reached = {name for name, v in res.items() if v != [-1, 1]}
    kernel_may_refuse = {"unshare_ns", "setns", "mount_tmpfs", "clone_newnet", "bpf", "perf_event_open"}
    assert reached >= (set(res) if mode == "root" else set(res) - kernel_may_refuse), res


@needs_bwrap
@pytest.mark.parametrize("mode", MODES)
def test_ordinary_python_still_works(mode: str) -> None:
    res = _run(mode, ORDINARY)
    assert {k: v for k, v in res.items() if k != "numpy"} == {
        "thread": True, "fork": True, "file": True, "subprocess": True}, res
    assert res["numpy"] in (True, "absent"), res


def _decode(prog: bytes) -> list[tuple[int, int, int, int]]:
    return list(struct.iter_unpack("<HBBI", prog))


def _run_bpf(prog: bytes, nr: int, arch: int, arg0: int = 0) -> int:
    """A tiny classic-BPF interpreter for the opcodes the builder emits: what the kernel would return."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    insns, pc, acc = _decode(prog), 0, 0
    while True:
        code, jt, jf, k = insns[pc]
        if code == 0x20:
            acc = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code == 0x06:
            return k
        else:
            hit = {0x15: acc == k, 0x35: acc >= k, 0x45: bool(acc & k)}[code]
            pc += 1 + (jt if hit else jf)


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_program_semantics_per_arch(machine: str) -> None:
    prog = seccomp.program(machine)
    assert prog and len(prog) % 8 == 0 and len(prog) // 8 < 4096  # BPF_MAXINSNS
    table = seccomp.X86_64 if machine == "x86_64" else seccomp.AARCH64
    arch = seccomp.AUDIT_ARCH_X86_64 if machine == "x86_64" else seccomp.AUDIT_ARCH_AARCH64
    eperm, allow = seccomp.SECCOMP_RET_ERRNO | 1, seccomp.SECCOMP_RET_ALLOW
    for name in seccomp.DENIED:
        if name in table:
            assert _run_bpf(prog, table[name], arch) == eperm, name
    assert ("iopl" in table) == (machine == "x86_64")
    assert _run_bpf(prog, table["clone3"], arch) == seccomp.SECCOMP_RET_ERRNO | 38
    assert _run_bpf(prog, table["clone"], arch, 0x10000000 | 17) == eperm
    assert _run_bpf(prog, table["clone"], arch, 0x80) == eperm  # CLONE_NEWTIME
    thread_flags = 0x3D0F00  # what glibc's pthread_create passes: no namespace bit
    assert _run_bpf(prog, table["clone"], arch, thread_flags) == allow
    assert _run_bpf(prog, table["clone"], arch, (1 << 40) | 17) == allow  # only the low word is flags
    assert _run_bpf(prog, 0, arch) == allow  # read / io_setup
    assert _run_bpf(prog, table["clone"], 0x40000003) == seccomp.SECCOMP_RET_KILL_PROCESS  # i386
    if machine == "x86_64":
        assert _run_bpf(prog, 0x40000000 | 272, arch) == eperm  # x32 unshare
        assert _run_bpf(prog, 0x40000000, arch) == eperm


def test_unknown_architecture_gets_no_filter() -> None:
    assert seccomp.program("riscv64") is None
    assert seccomp.program("ppc64le") is None


def test_write_fd_holds_the_program() -> None:
    fd = seccomp.write_fd()
    if seccomp.program() is None:
        assert fd is None
        return
    assert fd is not None
    try:
        assert os.get_inheritable(fd)
        data = b""
        while chunk := os.read(fd, 65536):
            data += chunk
        assert data == seccomp.program()
    finally:
        os.close(fd)


def _header_numbers(path: str) -> dict[str, int]:
    with open(path) as fh:
        text = fh.read()
    out: dict[str, int] = {}
    for m in re.finditer(r"#define\s+__NR(?:3264)?_(\w+)\s+(\d+)\b", text):
        out.setdefault(m.group(1), int(m.group(2)))
    return out


@pytest.mark.parametrize("header,table", [(X86_HEADER, seccomp.X86_64), (GENERIC_HEADER, seccomp.AARCH64)])
def test_tables_match_the_kernel_headers(header: str, table: dict[str, int]) -> None:
    if not os.path.exists(header):
        pytest.skip(f"{header} is not installed")
    numbers = _header_numbers(header)
    wrong = {name: (nr, numbers.get(name)) for name, nr in table.items() if numbers.get(name) != nr}
    assert not wrong, wrong
    assert set(seccomp.DENIED) - set(table) <= {"iopl", "ioperm"}


@needs_bwrap
def test_filter_fits_the_service_sandbox_command_line() -> None:
    # The service's own bwrap line (capabilities dropped, drop to nobody, private tmpfs) with the filter
    # added before "--": the runner's start still works and the red team's chain is refused.
    from bootcamp.verifiers import sandbox

    code = ("import os, ctypes, json, threading\n"
            "if os.getuid() == 0:\n"
            "    os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
            "libc = ctypes.CDLL(None, use_errno=True)\n"
            "t = threading.Thread(target=print); t.start(); t.join()\n"
            "r = libc.unshare(0x10000000)\n"
            "print(json.dumps([os.getuid(), r, ctypes.get_errno()]))\n")
    base = sandbox.argv([sandbox.interpreter(), "-I", "-S", "-c", code])
    cut = base.index("--")
    if "--seccomp" in base[:cut]:  # the service's own filter slot: this test puts in this module's program
        at = base.index("--seccomp")
        del base[at:at + 2]
        cut -= 2
    fd = seccomp.write_fd()
    assert fd is not None
    try:
        proc = subprocess.run([*base[:cut], "--seccomp", str(fd), *base[cut:]], capture_output=True, text=True,
                              timeout=60, pass_fds=(fd,), env=sandbox.host_env(), stdin=subprocess.DEVNULL)
    finally:
        os.close(fd)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [65534, -1, 1]
