"""A seccomp filter for the bubblewrap sandbox, built by hand (no libseccomp).

Model output must not get out of the sandbox's namespaces, so the filter refuses
(``EPERM``) the system calls that create or enter namespaces, mount file systems,
load kernel code, trace or read other processes, or reach kernel subsystems with a
history of privilege escalations (bpf, keyrings, perf, io_uring, userfaultfd).
``clone`` is refused only when its flags ask for a new namespace; ``clone3`` passes
its flags in memory, where a classic BPF filter cannot look, so it gets ``ENOSYS``
and glibc falls back to ``clone`` (since glibc 2.34 that is how ``pthread_create``
and ``posix_spawn`` behave on kernels without ``clone3``). A call made with a
foreign audit architecture (e.g. 32-bit ``int 0x80`` on x86_64) kills the process;
the x32 ABI (syscall numbers with bit 30 set) is refused. Everything else is allowed.

The program is an array of ``struct sock_filter {u16 code; u8 jt; u8 jf; u32 k;}``
in the target's byte order (both supported targets are little-endian), as
``bwrap --seccomp FD`` expects. Use it like this::

    fd = seccomp.write_fd()           # None: no filter for this architecture (logged)
    args = ["bwrap", ..., "--seccomp", str(fd), "--", ...] if fd is not None else [...]
    try:
        proc = subprocess.Popen(args, pass_fds=(fd,) if fd is not None else ())
    finally:
        if fd is not None:
            os.close(fd)              # bwrap holds its own copy now

Syscall numbers are hard-coded: x86_64 from ``/usr/include/x86_64-linux-gnu/asm/unistd_64.h``,
aarch64 from ``/usr/include/asm-generic/unistd.h`` (Linux UAPI headers, identical
numbers on every kernel since each call was added: numbers are never reused).
"""

from __future__ import annotations

import errno
import logging
import os
import platform
import struct

log = logging.getLogger(__name__)

# seccomp and classic-BPF constants (linux/seccomp.h, linux/filter.h, linux/audit.h).
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_SYSCALL_BIT = 0x40000000
_LD_W_ABS = 0x20   # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15      # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35      # BPF_JMP | BPF_JGE | BPF_K
_JSET_K = 0x45     # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06      # BPF_RET | BPF_K
# struct seccomp_data offsets: int nr; u32 arch; u64 instruction_pointer; u64 args[6].
_OFF_NR, _OFF_ARCH, _OFF_ARG0_LO = 0, 4, 16  # args[0] low word: little-endian targets only

#: Every namespace flag of clone(2)/unshare(2) (linux/sched.h).
CLONE_NEW_MASK = (0x00020000      # CLONE_NEWNS
                  | 0x02000000    # CLONE_NEWCGROUP
                  | 0x04000000    # CLONE_NEWUTS
                  | 0x08000000    # CLONE_NEWIPC
                  | 0x10000000    # CLONE_NEWUSER
                  | 0x20000000    # CLONE_NEWPID
                  | 0x40000000    # CLONE_NEWNET
                  | 0x00000080)   # CLONE_NEWTIME

#: x86_64 numbers, from /usr/include/x86_64-linux-gnu/asm/unistd_64.h.
X86_64: dict[str, int] = {
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
    "ptrace": 101, "bpf": 321, "keyctl": 250, "add_key": 248, "request_key": 249,
    "perf_event_open": 298, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "move_mount": 429, "open_tree": 428, "mount_setattr": 442, "kexec_load": 246,
    "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "userfaultfd": 323, "process_vm_readv": 310, "process_vm_writev": 311, "swapon": 167,
    "swapoff": 168, "reboot": 169, "sethostname": 170, "setdomainname": 171, "iopl": 172,
    "ioperm": 173, "acct": 163, "quotactl": 179, "open_by_handle_at": 304, "name_to_handle_at": 303,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "kcmp": 312,
    "syslog": 103, "vhangup": 153, "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305,
    "adjtimex": 159, "pidfd_getfd": 438, "lookup_dcookie": 212,
    "clone": 56, "clone3": 435,
}

#: aarch64 numbers (the generic table), from /usr/include/asm-generic/unistd.h; no iopl/ioperm there.
AARCH64: dict[str, int] = {
    "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51,
    "ptrace": 117, "bpf": 280, "keyctl": 219, "add_key": 217, "request_key": 218,
    "perf_event_open": 241, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "move_mount": 429, "open_tree": 428, "mount_setattr": 442, "kexec_load": 104,
    "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106,
    "userfaultfd": 282, "process_vm_readv": 270, "process_vm_writev": 271, "swapon": 224,
    "swapoff": 225, "reboot": 142, "sethostname": 161, "setdomainname": 162,
    "acct": 89, "quotactl": 60, "open_by_handle_at": 265, "name_to_handle_at": 264,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "kcmp": 272,
    "syslog": 116, "vhangup": 58, "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266,
    "adjtimex": 171, "pidfd_getfd": 438, "lookup_dcookie": 18,
    "clone": 220, "clone3": 435,
}

#: The calls refused outright with EPERM (where the architecture has them).
DENIED: tuple[str, ...] = (
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "ptrace", "bpf", "keyctl",
    "add_key", "request_key", "perf_event_open", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "mount_setattr", "kexec_load", "kexec_file_load", "init_module",
    "finit_module", "delete_module", "userfaultfd", "process_vm_readv", "process_vm_writev",
    "swapon", "swapoff", "reboot", "sethostname", "setdomainname", "iopl", "ioperm", "acct",
    "quotactl", "open_by_handle_at", "name_to_handle_at", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "kcmp", "syslog", "vhangup", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "pidfd_getfd", "lookup_dcookie",
)

#: platform.machine() spellings -> (audit arch, syscall table, refuse x32).
_ARCHES: dict[str, tuple[int, dict[str, int], bool]] = {
    "x86_64": (AUDIT_ARCH_X86_64, X86_64, True),
    "amd64": (AUDIT_ARCH_X86_64, X86_64, True),
    "aarch64": (AUDIT_ARCH_AARCH64, AARCH64, False),
    "arm64": (AUDIT_ARCH_AARCH64, AARCH64, False),
}


def _assemble(code: list[tuple]) -> bytes:
    """Resolve labels and pack. Items: ("label", name) or (op, k, jt, jf) with jt/jf a label or 0."""
    where: dict[str, int] = {}
    pc = 0
    for item in code:
        if item[0] == "label":
            where[item[1]] = pc
        else:
            pc += 1
    out = []
    pc = 0
    for item in code:
        if item[0] == "label":
            continue
        op, k, jt, jf = item
        offs = []
        for target in (jt, jf):
            off = 0 if target == 0 else where[target] - pc - 1
            if not 0 <= off <= 255:  # conditional jumps are forward only, 8-bit
                raise ValueError(f"seccomp: jump to {target!r} out of range ({off})")
            offs.append(off)
        out.append(struct.pack("<HBBI", op, offs[0], offs[1], k & 0xFFFFFFFF))
        pc += 1
    return b"".join(out)


def program(machine: str | None = None) -> bytes | None:
    """The compiled filter for ``machine`` (default: this one's ``platform.machine()``).

    Returns:
        The BPF program bytes, or None for an architecture without a table (the caller
        then runs without a filter and should log that).
    """
    machine = (machine or platform.machine()).lower()
    if machine not in _ARCHES:
        return None
    audit_arch, table, no_x32 = _ARCHES[machine]
    code: list[tuple] = [
        (_LD_W_ABS, _OFF_ARCH, 0, 0),
        (_JEQ_K, audit_arch, "native", 0),
        (_RET_K, SECCOMP_RET_KILL_PROCESS, 0, 0),
        ("label", "native"),
        (_LD_W_ABS, _OFF_NR, 0, 0),
    ]
    if no_x32:
        code.append((_JGE_K, X32_SYSCALL_BIT, "eperm", 0))
    code += [(_JEQ_K, table[name], "eperm", 0) for name in DENIED if name in table]
    code += [
        (_JEQ_K, table["clone"], "clone", 0),
        (_JEQ_K, table["clone3"], "enosys", 0),
        ("label", "allow"),
        (_RET_K, SECCOMP_RET_ALLOW, 0, 0),
        ("label", "clone"),
        (_LD_W_ABS, _OFF_ARG0_LO, 0, 0),  # the flags (x86_64 and aarch64 both pass them first)
        (_JSET_K, CLONE_NEW_MASK, "eperm", "allow_clone"),
        ("label", "allow_clone"),
        (_RET_K, SECCOMP_RET_ALLOW, 0, 0),
        ("label", "enosys"),
        (_RET_K, SECCOMP_RET_ERRNO | errno.ENOSYS, 0, 0),
        ("label", "eperm"),
        (_RET_K, SECCOMP_RET_ERRNO | errno.EPERM, 0, 0),
    ]
    return _assemble(code)


def write_fd() -> int | None:
    """A readable, inheritable file descriptor holding :func:`program`, for ``bwrap --seccomp FD``.

    The caller passes it to ``subprocess.Popen(..., pass_fds=(fd,))`` and closes it right
    after ``Popen`` returns (bwrap reads it once at start). Each call makes a new descriptor:
    bwrap consumes the contents, so one descriptor serves one sandbox.

    Returns:
        The descriptor, or None when there is no filter for this architecture (logged once).
    """
    prog = program()
    if prog is None:
        if not getattr(write_fd, "_warned", False):
            write_fd._warned = True  # type: ignore[attr-defined]
            log.warning("bootcamp sandbox: no seccomp filter for architecture %r; running without one",
                        platform.machine())
        return None
    # A pipe is the simplest: the 64 KiB pipe buffer holds the program (a few hundred bytes), so
    # writing never blocks, and the read end carries exactly the program up to EOF.
    r, w = os.pipe()
    try:
        os.write(w, prog)
    except BaseException:
        os.close(r)
        raise
    finally:
        os.close(w)
    os.set_inheritable(r, True)
    return r
