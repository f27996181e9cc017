"""The sandbox memory cgroup, with the real bubblewrap: tmpfs writes are charged and capped, cleanup is complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from bootcamp.verifiers import sandbox_cgroup
from bootcamp.verifiers.sandbox_cgroup import MemoryCgroup, locate

BWRAP = shutil.which("bwrap")
needs_bwrap = pytest.mark.skipif(BWRAP is None, reason="bubblewrap (bwrap) is not installed")
MiB = 1 << 20

# Writes N MiB into the sandbox's /tmp, a tmpfs without --size (default: half the host's RAM).
WRITE = ("import sys\n"
         "n = int(sys.argv[1]); block = b'x' * (1 << 20)\n"
         "with open('/tmp/fill', 'wb') as fh:\n"
         "    for _ in range(n):\n"
         "        fh.write(block)\n"
         "print('wrote', n)\n")
# The same into a memfd: shared memory in no address space and no tmpfs size (RLIMIT_AS does not see it).
WRITE_MEMFD = WRITE.replace("open('/tmp/fill', 'wb')", "open(os.memfd_create('fill'), 'wb')").replace(
    "import sys", "import os, sys")


def _sandbox(code: str, *args: str) -> list[str]:
    return [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--unshare-pid", "--unshare-net", "--die-with-parent", "--",
            sys.executable, "-I", "-c", code, *args]


@pytest.fixture
def new_cgroup() -> Iterator:
    made: list[MemoryCgroup] = []

    def make(limit: int) -> MemoryCgroup:
        cg = MemoryCgroup.create(limit)
        if cg is None:
            pytest.skip(f"no memory cgroup can be created here: {sandbox_cgroup.reason()}")
        made.append(cg)
        return cg

    yield make
    for cg in made:
        cg.remove()


@needs_bwrap
@pytest.mark.parametrize("code", [WRITE, WRITE_MEMFD], ids=["tmpfs", "memfd"])
def test_shared_memory_write_over_the_cap_is_stopped(new_cgroup, code: str) -> None:
    cg = new_cgroup(64 * MiB)
    start = time.monotonic()
    proc = subprocess.run(cg.wrap_argv(_sandbox(code, "200")), capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 10
    assert "wrote 200" not in proc.stdout
    # OOM-killed (bwrap reports 128+9) or the write failed (ENOSPC/ENOMEM, MemoryError): either way stopped.
    assert proc.returncode == 137 or any(s in proc.stderr for s in ("No space", "MemoryError", "Cannot allocate"))
    if proc.returncode == 137:
        assert cg.oom_killed()
    peak = cg.peak_bytes()
    assert peak is None or peak <= 64 * MiB


@needs_bwrap
@pytest.mark.parametrize("code", [WRITE, WRITE_MEMFD], ids=["tmpfs", "memfd"])
def test_the_same_write_without_the_cap_goes_through(code: str) -> None:
    # The control: nothing else stops 200 MiB of shared memory here, so the test above fails without a cgroup.
    proc = subprocess.run(_sandbox(code, "200"), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "wrote 200" in proc.stdout, proc.stderr


@needs_bwrap
def test_tmpfs_write_under_the_cap_works_and_is_charged(new_cgroup) -> None:
    cg = new_cgroup(512 * MiB)
    proc = subprocess.run(cg.wrap_argv(_sandbox(WRITE, "100")), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "wrote 100" in proc.stdout, proc.stderr
    assert not cg.oom_killed()
    peak = cg.peak_bytes()
    if peak is not None:  # the tmpfs pages were charged to this cgroup, not to the host
        assert 100 * MiB <= peak <= 512 * MiB
    assert cg.remove()
    assert not os.path.exists(cg.path)


@needs_bwrap
def test_kill_ends_a_running_sandbox_and_remove_cleans_up(new_cgroup) -> None:
    cg = new_cgroup(256 * MiB)
    code = "import os, time\nos.fork(); os.fork()\nprint('up', flush=True)\ntime.sleep(60)\n"
    proc = subprocess.Popen(cg.wrap_argv(_sandbox(code)), stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "up"
        assert len(cg.pids()) >= 4  # bwrap, its pid 1, and the four forks (some may still be starting)
        start = time.monotonic()
        cg.kill()
        proc.wait(timeout=5)
        assert time.monotonic() - start < 5
        assert cg.remove()
        assert not os.path.exists(cg.path)
        assert cg.remove()  # twice is fine
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def test_wrap_argv_runs_nothing_when_the_move_fails(tmp_path) -> None:
    cg = MemoryCgroup(str(tmp_path / "missing" / "0-0"), 1, MiB)
    marker = tmp_path / "ran"
    proc = subprocess.run(cg.wrap_argv(["touch", str(marker)]), capture_output=True)
    assert proc.returncode != 0 and not marker.exists()
    # And with a writable procs file the command runs, with the shell's pid written first.
    os.makedirs(cg.path)
    proc = subprocess.run(cg.wrap_argv(["sh", "-c", "echo $$; touch " + str(marker)]),
                          capture_output=True, text=True)
    assert proc.returncode == 0 and marker.exists()
    assert open(cg.procs_path).read().strip() == proc.stdout.strip()  # exec kept the pid


def test_create_rejects_a_bad_limit() -> None:
    for bad in (0, -1, 1.5, "1G", True):
        with pytest.raises(ValueError, match="limit_bytes"):
            MemoryCgroup.create(bad)  # type: ignore[arg-type]


def test_stale_children_of_dead_processes_are_removed(new_cgroup) -> None:
    cg = new_cgroup(64 * MiB)
    parent = os.path.dirname(cg.path)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = os.path.join(parent, f"{dead.pid}-0")
    os.mkdir(stale)
    sandbox_cgroup.reset()
    try:
        again = new_cgroup(64 * MiB)  # first use in this (fresh) state cleans up
        assert not os.path.exists(stale)
        assert os.path.exists(cg.path) and os.path.exists(again.path)  # live ones are kept
    finally:
        if os.path.exists(stale):
            os.rmdir(stale)


def test_names_are_unique(new_cgroup) -> None:
    a, b = new_cgroup(MiB * 64), new_cgroup(MiB * 64)
    assert a.path != b.path and os.path.basename(a.path).startswith(f"{os.getpid()}-")
    assert os.path.basename(os.path.dirname(a.path)) == sandbox_cgroup.PARENT


MOUNTS_HYBRID = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
CGROUP_HYBRID = "4:memory:/process_api/abc\n1:cpu:/\n0::/\n"
MOUNTS_V2 = "29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
CGROUP_V2 = "0::/system.slice/bootcamp.service\n"
# A v1 mount of a subtree (no cgroup namespace): the path in /proc/self/cgroup is the full one.
MOUNTS_V1_SUBTREE = "35 31 0:32 /docker/c1 /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory,hugetlb\n"
CGROUP_V1_SUBTREE = "4:hugetlb,memory:/docker/c1/job\n"


def test_locate_reads_proc_files() -> None:
    assert locate(CGROUP_HYBRID, MOUNTS_HYBRID) == [
        (2, "/sys/fs/cgroup/unified"), (1, "/sys/fs/cgroup/memory/process_api/abc")]
    assert locate(CGROUP_V2, MOUNTS_V2) == [(2, "/sys/fs/cgroup/system.slice/bootcamp.service")]
    assert locate(CGROUP_V1_SUBTREE, MOUNTS_V1_SUBTREE) == [(1, "/sys/fs/cgroup/memory/job")]
    assert locate("", MOUNTS_V2) == []
    assert locate(CGROUP_V2, "garbage line\n") == []


def _files(where, **files: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (where / name.replace("__", ".")).write_text(text)


def test_v2_and_v1_control_files(tmp_path) -> None:
    # The kernel's file formats on a plain directory: this machine may have only one cgroup version.
    v2 = tmp_path / "v2"
    _files(v2, memory__max="max\n", memory__swap__max="max\n", memory__oom__group="0\n",
           memory__events="low 0\nhigh 0\nmax 5\noom 1\noom_kill 0\n")
    cg = MemoryCgroup(str(v2), 2, 64 * MiB)
    cg._set_limit()
    assert [(v2 / n).read_text() for n in ("memory.max", "memory.swap.max", "memory.oom.group")] == [
        str(64 * MiB), "0", "1"]
    assert not cg.oom_killed()  # the cap was reached ("max 5") but nothing was killed
    (v2 / "memory.events").write_text("low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n")
    assert cg.oom_killed()

    v1 = tmp_path / "v1"
    _files(v1, memory__limit_in_bytes="9223372036854771712\n", memory__memsw__limit_in_bytes="9223372036854771712\n",
           memory__oom_control="oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", memory__failcnt="3\n")
    cg = MemoryCgroup(str(v1), 1, 64 * MiB)
    cg._set_limit()
    assert (v1 / "memory.limit_in_bytes").read_text() == (v1 / "memory.memsw.limit_in_bytes").read_text() == str(
        64 * MiB)
    assert not cg.oom_killed()  # oom_kill is there and 0: failcnt (reclaim at the cap) is not a kill
    (v1 / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\n")  # a kernel before 4.13
    assert cg.oom_killed()


def test_v2_parent_enables_the_memory_controller(tmp_path) -> None:
    own = tmp_path / "service"
    _files(own, cgroup__subtree_control="")
    _files(own / sandbox_cgroup.PARENT, cgroup__subtree_control="")
    parent = sandbox_cgroup._make_parent(2, str(own))
    assert parent == str(own / sandbox_cgroup.PARENT)
    assert (own / "cgroup.subtree_control").read_text() == "+memory"
    assert (own / sandbox_cgroup.PARENT / "cgroup.subtree_control").read_text() == "+memory"
