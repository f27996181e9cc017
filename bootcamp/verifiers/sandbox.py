"""The process sandbox for everything that runs or evaluates model output (bubblewrap).

A sandboxed command runs under ``bwrap`` with its own pid, network, mount,
IPC, UTS (and cgroup) namespaces, no network at all (not even loopback), a
read-only view of only what an interpreter needs (``/usr``, the Python
installation at ``/sandbox/python``, optionally site-packages at
``/sandbox/site``, the runner script), its own ``/proc`` and ``/dev``, a
private size-capped ``tmpfs`` at ``/tmp`` as its working directory, an empty
environment, ``--die-with-parent`` and ``--new-session``. Nothing else of the
host is visible: no ``/etc`` (beyond ``ld.so.cache``), no ``/home``, ``/root``,
``/work`` or ``/proc`` of the service.

Identity: as root, bwrap keeps only CAP_SETUID/CAP_SETGID and the child drops
to ``nobody`` (uid/gid 65534, no groups, no capabilities left) before any
untrusted code runs; as another user, ``--unshare-user --uid 65534 --gid 65534``
maps the service's own uid (bwrap needs unprivileged user namespaces then).

Fail closed: :func:`mode` runs one trivial sandboxed command at first use
(cached per process). When bubblewrap does not work, code-executing verifiers
return ``verifier_error`` instead of running anything, unless the operator
sets ``BOOTCAMP_UNSAFE_SANDBOX=1`` (then the old, weaker subprocess path runs,
with one warning). See ``docs/security.md``.

Lock-down on top of the namespaces: a seccomp filter (``seccomp.py``: no ``unshare``, ``setns``,
``mount``, ``clone`` with namespace flags, ``ptrace``, ``bpf``, ``keyctl``, ``perf_event_open``...),
``--disable-userns`` when bwrap makes a user namespace, the root and ``/dev`` remounted read-only,
size-capped tmpfs at ``/tmp`` and ``/dev/shm``, and, where the service can create one, a memory cgroup
per sandbox (``sandbox_cgroup.py``) that also charges what the sandbox writes to its tmpfs.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading

log = logging.getLogger(__name__)

#: Where the sandbox sees the Python installation, site-packages and the runner script.
PY_ROOT = "/sandbox/python"
SITE_ROOT = "/sandbox/site"
RUNNER_DIR = "/sandbox/bin"
#: The sandbox's private, writable working directory (a tmpfs).
WORKDIR = "/tmp"
#: Size cap of that tmpfs, and of ``/dev/shm``.
TMPFS_BYTES = 16 << 20
SHM_BYTES = 1 << 20
#: Placeholder in an argv for the seccomp program's descriptor (filled in at start by :func:`extra_fds`).
SECCOMP_FD = "@SECCOMP_FD@"
#: Thread pools of numeric libraries stay at one thread (a warm template forks: no threads may run).
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
#: The unprivileged identity inside.
UID = GID = 65534
UNSAFE_ENV = "BOOTCAMP_UNSAFE_SANDBOX"
UNAVAILABLE = (
    "code isolation is unavailable: bubblewrap (bwrap) is missing or cannot create namespaces here "
    "({why}); install it (apt-get install -y bubblewrap) and allow user namespaces (see docs/security.md), "
    "or set BOOTCAMP_UNSAFE_SANDBOX=1 to run model output without isolation"
)
_lock = threading.RLock()
_state: dict[str, object] = {}


def _base_python() -> tuple[str, str]:
    """(real prefix of the base installation, real path of its interpreter)."""
    exe = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    return os.path.realpath(sys.base_prefix), exe


def _bwrap() -> str | None:
    return shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin") or shutil.which("bwrap")


def site_packages() -> str | None:
    """The site-packages directory of this environment (for scorers that import packages)."""
    import sysconfig

    path = sysconfig.get_paths().get("purelib")
    return os.path.realpath(path) if path and os.path.isdir(path) else None


def interpreter() -> str:
    """The Python interpreter's path as seen inside the sandbox."""
    prefix, exe = _base_python()
    if prefix == "/usr" or prefix.startswith("/usr/"):
        return exe
    return PY_ROOT + exe[len(prefix):]


def argv(command: list[str], *, runner: str | list[str] | None = None, site: bool = False,
         binds: list[str] | None = None) -> list[str]:
    """The bwrap command line running ``command`` (an argv whose paths are sandbox paths).

    ``runner``: host files bound read-only at ``/sandbox/bin/<their names>``; ``site``: bind this
    environment's site-packages at ``/sandbox/site``; ``binds``: more bwrap arguments (binds) placed
    before the final lock-down.
    """
    bwrap = _bwrap() or "bwrap"
    prefix, exe = _base_python()
    root = os.getuid() == 0
    # As root, --unshare-all would also try a user namespace (where setgroups is denied): list them.
    unshare = (["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
               if root else ["--unshare-all"])
    args = [bwrap, *unshare, "--die-with-parent", "--new-session", "--clearenv",
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", WORKDIR, "--setenv", "TMPDIR", WORKDIR,
            "--setenv", "LANG", "C.UTF-8", "--setenv", "LC_ALL", "C.UTF-8",
            "--ro-bind", "/usr", "/usr"]
    for var in THREAD_ENV:
        args += ["--setenv", var, "1"]
    if root:
        # No user namespace: the child keeps only these two capabilities and drops to nobody itself,
        # so it runs as the real (kernel) uid 65534, not as a mapped root.
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user", "--disable-userns", "--uid", str(UID), "--gid", str(GID), "--cap-drop", "ALL"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
             "--perms", "0755", "--dir", "/sandbox", "--perms", "0755", "--dir", RUNNER_DIR]
    if not (prefix == "/usr" or prefix.startswith("/usr/")):
        args += ["--ro-bind", prefix, PY_ROOT]
    if site:
        sp = site_packages()
        if sp:
            args += ["--ro-bind", sp, SITE_ROOT]
    for path in ([runner] if isinstance(runner, str) else runner or []):
        args += ["--ro-bind", path, f"{RUNNER_DIR}/{os.path.basename(path)}"]
    args += list(binds or [])
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
             "--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", WORKDIR,
             "--remount-ro", "/dev", "--remount-ro", "/"]
    if _seccomp_program() is not None:
        args += ["--seccomp", SECCOMP_FD]
    args += ["--chdir", WORKDIR, "--"]
    del exe
    return args + command


def _seccomp_program() -> bytes | None:
    with _lock:
        if "seccomp" not in _state:
            from bootcamp.verifiers import seccomp

            prog = seccomp.program()
            if prog is None:
                log.warning("bootcamp sandbox: no seccomp filter for this machine (%s)", os.uname().machine)
            _state["seccomp"] = prog
        return _state["seccomp"]  # type: ignore[return-value]


def is_bwrap(command: list[str] | tuple[str, ...]) -> bool:
    """Whether ``command`` starts bubblewrap (as :func:`argv` builds it)."""
    return bool(command) and os.path.basename(command[0]) == "bwrap"


def extra_fds(command: list[str]) -> list[int]:
    """Open the descriptors ``command`` needs (the seccomp program), fill in their numbers, return them.

    The caller passes them to ``Popen(pass_fds=...)`` and closes them after the start.
    """
    if SECCOMP_FD not in command:
        return []
    prog = _seccomp_program()
    if prog is None:
        raise OSError("the seccomp program is unavailable")
    read_fd, write_fd = os.pipe()
    os.write(write_fd, prog)  # far below a pipe's capacity
    os.close(write_fd)
    command[command.index(SECCOMP_FD)] = str(read_fd)
    return [read_fd]


def memory_cgroup(limit_bytes: int):
    """A fresh memory cgroup capped at ``limit_bytes`` for one sandbox, or None when none can be made here."""
    from bootcamp.verifiers import sandbox_cgroup

    return sandbox_cgroup.MemoryCgroup.create(limit_bytes)


def host_env() -> dict[str, str]:
    """The environment bwrap itself starts with: nothing of the service's (its /proc/N/environ is visible)."""
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def _probe() -> tuple[bool, str]:
    if not _bwrap():
        return False, "bwrap not found"
    script = ("import os, sys\n"
              "if os.getuid() == 0:\n"
              "    os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
              "import json\n"
              "open('/tmp/probe', 'w').write('x')\n"
              "sys.stdout.write('sandbox-ok %d' % os.getuid())\n")
    cmd = argv([interpreter(), "-I", "-S", "-c", script])
    fds: list[int] = []
    try:
        fds = extra_fds(cmd)
        proc = subprocess.run(cmd, capture_output=True, timeout=30, env=host_env(), stdin=subprocess.DEVNULL,
                              start_new_session=True, pass_fds=fds)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        for fd in fds:
            os.close(fd)
    out = proc.stdout.decode("utf-8", "replace").strip()
    if proc.returncode == 0 and out == f"sandbox-ok {UID}":
        return True, ""
    why = (proc.stderr.decode("utf-8", "replace").strip() or out or f"exit status {proc.returncode}")
    return False, why[-300:]


def available() -> tuple[bool, str]:
    """Whether bwrap isolation works here (checked once per process): (ok, why not)."""
    with _lock:
        if "ok" not in _state:
            ok, why = _probe()
            _state["ok"], _state["why"] = ok, why
            if not ok:
                log.error("bootcamp sandbox: %s", UNAVAILABLE.format(why=why))
        return bool(_state["ok"]), str(_state["why"])


def unsafe_allowed() -> bool:
    return os.environ.get(UNSAFE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def mode() -> str | None:
    """``"bwrap"``, ``"unsafe"`` (no isolation, allowed by the operator) or None (refuse to run)."""
    ok, why = available()
    if ok:
        return "bwrap"
    if unsafe_allowed():
        with _lock:
            if not _state.get("warned"):
                _state["warned"] = True
                log.warning("bootcamp sandbox: %s is set; running model output WITHOUT isolation (%s)",
                            UNSAFE_ENV, why)
        return "unsafe"
    return None


def unavailable_detail() -> str:
    return UNAVAILABLE.format(why=available()[1])


def reset() -> None:
    """Forget the cached probe (tests)."""
    with _lock:
        _state.clear()


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(p) for p in fh.read().split()]
    except (OSError, ValueError):
        pass
    return out


def kill(proc: subprocess.Popen) -> None:
    """Kill a sandbox as a whole: bwrap's pid-1 child (which takes its namespace with it), the group, bwrap."""
    if proc.poll() is None:
        for child in _children(proc.pid):
            try:
                os.kill(child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass


def exit_signal(returncode: int | None, bwrapped: bool) -> int | None:
    """The signal that ended the sandboxed command (bwrap reports 128+N), or None."""
    if returncode is None:
        return None
    if returncode < 0:
        return -returncode
    if bwrapped and 128 < returncode < 128 + 65:
        return returncode - 128
    return None
