"""A memory cap for one sandbox, charged to a cgroup of its own (when this process may create one).

``RLIMIT_AS`` bounds an address space, but not the pages a process writes to a
``tmpfs`` (or ``/dev/shm``, or a ``memfd``): those are shared memory, charged to the
host. A memory cgroup counts them: in cgroup v1 and v2 alike, a shmem/tmpfs page is
charged to the memory cgroup of the process that first touches it, and stays charged
until it is freed (for a sandbox's private tmpfs: when its mount namespace dies with
its last process). A sandbox born inside its own cgroup with ``memory.max`` (v2) or
``memory.limit_in_bytes`` (v1) cannot hold more than that, anonymous memory, page
cache and tmpfs together; past it the OOM killer kills inside that cgroup only (or the
write fails with ``ENOMEM``). Swap is capped at zero where the kernel accounts it
(``memory.swap.max``, ``memory.memsw.limit_in_bytes``), so tmpfs pages cannot be
pushed to swap to get round the cap.

Layout: ``<this process's memory cgroup>/bootcamp-sandbox/<pid>-<n>``. The parent is
made once per process (and removed at exit when empty); children of dead processes
are killed and removed at first use. Creating cgroups needs write access to this
process's own cgroup: root, or a delegated v2 subtree. On v2 the memory controller
must be enabled for children, which the kernel refuses while this process's cgroup
holds processes ("no internal processes") unless it was done beforehand; then
:meth:`MemoryCgroup.create` returns None and logs why, once. Use::

    cg = MemoryCgroup.create(512 << 20)          # None: no cap possible here
    proc = subprocess.Popen(cg.wrap_argv(argv) if cg else argv, ...)
    ...                                          # wait for it
    if cg:
        oom = cg.oom_killed()
        cg.remove()                              # kills what is left, then rmdir
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import os
import re
import shlex
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)

PARENT = "bootcamp-sandbox"
_CHILD_NAME = re.compile(r"^(\d+)-(\d+|probe)$")


@dataclass(frozen=True)
class _Hierarchy:
    version: int  # 1 or 2
    parent: str  # the bootcamp-sandbox directory


_lock = threading.Lock()
_state: dict[str, object] = {}   # "hier": _Hierarchy | None, "why": str
_exit_hook: list[object] = []
_counter = itertools.count()
_live: set[str] = set()          # cgroups this process made and has not removed yet


def _read(path: str) -> str:
    with open(path) as fh:
        return fh.read()


def _write(path: str, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def _keyed(path: str) -> dict[str, int]:
    """A flat-keyed cgroup file ("key value" lines: memory.events, memory.oom_control)."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in _read(path).splitlines():
            key, _, value = line.partition(" ")
            with contextlib.suppress(ValueError):
                out[key] = int(value)
    return out


def locate(cgroup_text: str, mountinfo_text: str) -> list[tuple[int, str]]:
    """Where this process's memory cgroup is, from /proc/self/cgroup and /proc/self/mountinfo text.

    Returns:
        Candidates ``(version, directory)``, v2 first; a v2 entry is listed whatever its
        controllers (the caller checks that ``memory`` is among them).
    """
    v2_path = v1_path = None
    for line in cgroup_text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hid, controllers, path = parts
        if hid == "0" and controllers == "":
            v2_path = path
        elif "memory" in controllers.split(","):
            v1_path = path
    out: list[tuple[int, str]] = []
    for line in mountinfo_text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or len(tail) < 3:
            continue
        root, mount_point, fstype, super_opts = fields[3], fields[4], tail[0], tail[2].split(",")
        if fstype == "cgroup2" and v2_path is not None:
            version, path = 2, v2_path
        elif fstype == "cgroup" and "memory" in super_opts and v1_path is not None:
            version, path = 1, v1_path
        else:
            continue
        # Without a cgroup namespace the mount may show a subtree (root != "/") of the full path.
        if root != "/" and (path == root or path.startswith(root + "/")):
            path = path[len(root):]
        out.append((version, os.path.normpath(mount_point + "/" + path.lstrip("/"))))
    out.sort(key=lambda vd: -vd[0])
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: alive
        pass
    return True


def _kill_procs(path: str, timeout: float = 1.0) -> None:
    """SIGKILL every process listed in ``path/cgroup.procs``, until none is left (they may fork meanwhile)."""
    suffix = "/" + "/".join(path.rstrip("/").split("/")[-2:])  # ".../bootcamp-sandbox/<pid>-<n>"
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        try:
            pids = [int(p) for p in _read(os.path.join(path, "cgroup.procs")).split()]
        except (OSError, ValueError):
            return
        if not pids or time.monotonic() >= deadline:
            return
        for pid in pids:
            # A pidfd pins the process: confirm it is still in this cgroup, then signal it, so a
            # reused pid of an unrelated process is never hit.
            try:
                pidfd = os.pidfd_open(pid)
            except OSError:
                continue
            try:
                lines = _read(f"/proc/{pid}/cgroup").splitlines()
                if any(line.endswith(suffix) for line in lines):
                    signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            except OSError:
                pass
            finally:
                os.close(pidfd)
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _rmdir(path: str, timeout: float = 2.0) -> bool:
    """rmdir ``path``, retrying while its killed processes finish exiting (EBUSY)."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError as exc:
            if time.monotonic() >= deadline:
                log.warning("bootcamp sandbox: cannot remove cgroup %s: %s", path, exc)
                return False
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _make_parent(version: int, own: str) -> str:
    parent = os.path.join(own, PARENT)
    with contextlib.suppress(FileExistsError):
        os.mkdir(parent, 0o755)
    if version == 2:
        # Children get memory.max only if the controller is enabled on the way down. For ``own``
        # the kernel refuses that (EBUSY) while it holds processes, unless it was done beforehand.
        for where in (own, parent):
            control = os.path.join(where, "cgroup.subtree_control")
            if "memory" not in _read(control).split():
                _write(control, "+memory")
    return parent


def _clean_stale(parent: str) -> None:
    """Kill and remove children left by processes that are gone (a crash, a SIGKILL)."""
    with contextlib.suppress(OSError):
        for name in os.listdir(parent):
            m = _CHILD_NAME.match(name)
            path = os.path.join(parent, name)
            if m and path not in _live and (int(m.group(1)) == os.getpid() or not _alive(int(m.group(1)))):
                _kill_procs(path)
                if _rmdir(path, timeout=0.5):
                    log.info("bootcamp sandbox: removed stale cgroup %s", path)


def _try_move(parent: str) -> None:
    """Move a throwaway shell into a throwaway child: creating is not enough, the move must be allowed too."""
    path = os.path.join(parent, f"{os.getpid()}-probe")
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o755)
    try:
        proc = subprocess.run(MemoryCgroup(path, 0, 0).wrap_argv(["/bin/sh", "-c", "exit 0"]), capture_output=True, timeout=30,
                              stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise OSError(f"cannot move a process in: {proc.stderr.decode(errors='replace').strip()[-200:]}")
    finally:
        _rmdir(path, timeout=1.0)


def _probe() -> tuple[_Hierarchy | None, str]:
    try:
        cands = locate(_read("/proc/self/cgroup"), _read("/proc/self/mountinfo"))
    except OSError as exc:
        return None, f"cannot read /proc/self/cgroup or mountinfo: {exc}"
    whys = [] if cands else ["no cgroup v2 or v1 memory hierarchy is mounted"]
    for version, own in cands:
        need = "cgroup.controllers" if version == 2 else "memory.limit_in_bytes"
        try:
            if version == 2 and "memory" not in _read(os.path.join(own, need)).split():
                raise OSError("the memory controller is not available")
            if not os.path.exists(os.path.join(own, need)):
                raise OSError(f"no {need}")
            parent = _make_parent(version, own)
        except OSError as exc:
            whys.append(f"v{version} {own}: {exc}")
            with contextlib.suppress(OSError):
                os.rmdir(os.path.join(own, PARENT))  # only if this left it empty
            continue
        _clean_stale(parent)
        try:
            _try_move(parent)
        except (OSError, subprocess.SubprocessError) as exc:
            whys.append(f"v{version} {parent}: {exc}")
            continue
        return _Hierarchy(version, parent), ""
    return None, "; ".join(whys)


def _hierarchy() -> tuple[_Hierarchy | None, str]:
    with _lock:
        if "hier" not in _state:
            hier, why = _probe()
            _state.update(hier=hier, why=why)
            if hier is None:
                log.warning("bootcamp sandbox: no memory cgroup for sandboxes (%s); shared memory a sandbox "
                            "writes (tmpfs, memfd) is then not capped by one", why)
            elif not _exit_hook:
                _exit_hook.append(atexit.register(_at_exit))
        return _state["hier"], str(_state["why"])  # type: ignore[return-value]


def _at_exit() -> None:
    """Remove what this process made; the parent too when no other process uses it."""
    hier = _state.get("hier")
    for path in list(_live):
        if os.path.basename(path).startswith(f"{os.getpid()}-"):
            _kill_procs(path)
            _rmdir(path, timeout=0.5)
    if isinstance(hier, _Hierarchy):
        with contextlib.suppress(OSError):
            os.rmdir(hier.parent)


def reason() -> str:
    """Why no cgroup can be created here ("" when one can)."""
    return _hierarchy()[1]


def reset() -> None:
    """Forget the cached probe (tests)."""
    with _lock:
        _state.clear()


class MemoryCgroup:
    """One sandbox's memory cgroup (see the module docstring)."""

    def __init__(self, path: str, version: int, limit_bytes: int) -> None:
        self.path = path
        self.version = version
        self.limit_bytes = limit_bytes

    @classmethod
    def create(cls, limit_bytes: int) -> MemoryCgroup | None:
        """A new, empty cgroup capped at ``limit_bytes`` (memory + swap), or None when not possible.

        Raises:
            ValueError: ``limit_bytes`` is not a positive integer.
        """
        if isinstance(limit_bytes, bool) or not isinstance(limit_bytes, int) or limit_bytes <= 0:
            raise ValueError(f"limit_bytes must be a positive int, got {limit_bytes!r}")
        hier, _why = _hierarchy()
        if hier is None:
            return None
        for _ in range(100):
            path = os.path.join(hier.parent, f"{os.getpid()}-{next(_counter)}")
            try:
                os.mkdir(path, 0o755)
                break
            except FileExistsError:
                continue  # a leftover of an earlier process with this pid
            except FileNotFoundError:  # another process removed the empty parent at its exit
                try:
                    _make_parent(hier.version, os.path.dirname(hier.parent))
                except OSError as exc:
                    log.warning("bootcamp sandbox: cannot recreate %s: %s", hier.parent, exc)
                    return None
            except OSError as exc:
                log.warning("bootcamp sandbox: cannot create a cgroup in %s: %s", hier.parent, exc)
                return None
        else:
            return None
        cg = cls(path, hier.version, limit_bytes)
        _live.add(path)
        try:
            cg._set_limit()
        except OSError as exc:
            log.warning("bootcamp sandbox: cannot set the memory limit of %s: %s", path, exc)
            cg.remove()
            return None
        return cg

    def _set_limit(self) -> None:
        limit = str(self.limit_bytes)
        if self.version == 2:
            _write(self._file("memory.max"), limit)
            optional = [("memory.swap.max", "0"),
                        ("memory.oom.group", "1")]  # an OOM kill takes the whole sandbox
        else:
            _write(self._file("memory.limit_in_bytes"), limit)
            # memsw counts memory + swap: equal to the limit, no swap at all. Without swap
            # accounting, swappiness 0 keeps the cgroup's pages (tmpfs included) out of swap.
            optional = [("memory.memsw.limit_in_bytes", limit), ("memory.swappiness", "0")]
        for name, value in optional:
            if os.path.exists(self._file(name)):
                try:
                    _write(self._file(name), value)
                except OSError as exc:  # e.g. swap accounting compiled in but off
                    log.debug("bootcamp sandbox: %s=%s not set on %s: %s", name, value, self.path, exc)

    def _file(self, name: str) -> str:
        return os.path.join(self.path, name)

    @property
    def procs_path(self) -> str:
        """The file a process writes its pid to, to move itself (and its later children) in."""
        return self._file("cgroup.procs")

    def wrap_argv(self, argv: list[str]) -> list[str]:
        """``argv`` behind a shell that first moves itself into this cgroup, then execs ``argv``.

        Everything ``argv`` starts (bwrap and the whole sandbox) is then born inside the cgroup.
        If the move fails, the shell exits with status 1 before running anything.
        """
        script = f"echo $$ > {shlex.quote(self.procs_path)} && exec \"$@\""
        return ["/bin/sh", "-c", script, "sh", *argv]

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process in this cgroup for memory.

        v2: ``oom_kill`` in ``memory.events``. v1: ``oom_kill`` in ``memory.oom_control``
        (Linux 4.13+); older kernels lack it, and then ``memory.failcnt`` > 0 (the cap was hit)
        answers.
        """
        if self.version == 2:
            return _keyed(self._file("memory.events")).get("oom_kill", 0) > 0
        control = _keyed(self._file("memory.oom_control"))
        if "oom_kill" in control:
            return control["oom_kill"] > 0
        try:
            failcnt = int(_read(self._file("memory.failcnt")))
        except (OSError, ValueError):
            failcnt = 0
        return failcnt > 0 or control.get("under_oom", 0) > 0

    def peak_bytes(self) -> int | None:
        """The most memory the cgroup held at once (None where the kernel does not report it)."""
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int(_read(self._file(name)).split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def pids(self) -> list[int]:
        """The processes in the cgroup now."""
        with contextlib.suppress(OSError, ValueError):
            return [int(p) for p in _read(self.procs_path).split()]
        return []

    def kill(self) -> None:
        """SIGKILL every process in the cgroup (``cgroup.kill`` where the kernel has it)."""
        if self.version == 2 and os.path.exists(self._file("cgroup.kill")):
            with contextlib.suppress(OSError):
                _write(self._file("cgroup.kill"), "1")
                return
        _kill_procs(self.path)

    def remove(self) -> bool:
        """Kill what is left and remove the cgroup directory. Returns whether it is gone."""
        self.kill()
        gone = _rmdir(self.path)
        if gone:
            _live.discard(self.path)
        return gone

    def __repr__(self) -> str:
        return f"MemoryCgroup({self.path!r}, v{self.version}, limit={self.limit_bytes})"
