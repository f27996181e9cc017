"""Child side of the code sandbox: run one candidate module against test inputs.

Started ahead by the warm pool (``warm.py``) as ``python -I -S _code_runner.py``
under bubblewrap (see ``sandbox.py``; or, only when the operator allows it, as a
plain subprocess in a fresh session) with an empty working directory; it serves exactly one
candidate (``_serve.py``, single-use). It reads a JSON payload
(source, function, test argument lists, limits) from stdin, locks itself down
(drops root, resource limits, stdout moved to stderr, an audit hook that
blocks processes, sockets, signals and writes outside the working directory)
and only then executes the candidate. The expected outputs never enter this
process: it writes each call's result as one JSON line to the original stdout
and the parent compares, so a candidate cannot read the answers from memory.
Only the standard library is used (site-packages are not importable here).
"""

import json
import os
import resource
import sys

_BLOCKED_MODULES = frozenset({
    "ctypes", "_ctypes", "_posixsubprocess", "subprocess", "socket", "_socket", "ssl", "_ssl",
    "multiprocessing", "_multiprocessing", "sqlite3", "_sqlite3", "dbm", "_dbm", "_gdbm",
    "pty", "asyncio", "concurrent", "mmap", "select", "selectors", "fcntl", "resource",
})
_BLOCKED_EVENTS = ("socket.", "subprocess.", "ctypes.", "sqlite3.", "os.system", "os.exec", "os.fork",
                   "os.forkpty", "os.posix_spawn", "os.spawn", "os.kill", "os.killpg", "os.setuid",
                   "os.setgid", "os.chmod", "os.chown", "os.chflags", "resource.", "pty.",
                   "signal.pthread_kill", "_posixsubprocess", "webbrowser.", "shutil.chown",
                   "os.startfile", "winreg.", "mmap.")
_PATH_EVENTS = {  # event -> indexes of path arguments that must stay inside the working directory
    "os.remove": (0,), "os.rename": (0, 1), "os.rmdir": (0,), "os.mkdir": (0,), "os.link": (0, 1),
    "os.symlink": (0, 1), "os.truncate": (0,), "os.utime": (0,), "os.mkfifo": (0,), "os.mknod": (0,),
    "os.removexattr": (0,), "os.setxattr": (0,), "shutil.rmtree": (0,), "shutil.copyfile": (1,),
    "shutil.move": (1,), "shutil.copytree": (1,),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _limits(timeout_s: float, memory_mb: int, max_file_bytes: int) -> None:
    cpu = int(timeout_s) + 2
    wanted = [
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_FSIZE, max_file_bytes),
        (resource.RLIMIT_AS, memory_mb * 1024 * 1024),
        (resource.RLIMIT_NPROC, 0),  # no new processes (not enforced for root: we drop root first)
    ]
    for which, value in wanted:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass  # e.g. a hard limit already lower than ours


#: Standard-library modules the candidate may have imported before root is dropped, when nobody
#: could not read the standard library itself (e.g. a Python under /root). The parent lists what
#: the candidate's source imports; only these are loaded.
_PRELOADABLE = frozenset({
    "math", "cmath", "collections", "itertools", "functools", "heapq", "bisect", "re", "string", "datetime",
    "time", "_strptime", "calendar", "fractions", "decimal", "statistics", "random", "copy", "operator",
    "typing", "dataclasses", "enum", "array", "struct", "numbers", "abc", "io", "textwrap", "csv",
    "unicodedata", "json", "graphlib", "contextlib", "types", "pprint", "difflib", "queue", "hashlib",
    "base64", "binascii", "zlib", "codecs", "locale", "keyword", "weakref", "inspect", "ast", "sys", "os",
    "fnmatch", "ipaddress", "html", "uuid",
})


def _stdlib_public() -> bool:
    """True when every directory down to the standard library is searchable by others."""
    path = os.path.dirname(os.__file__)
    while True:
        try:
            if not os.stat(path).st_mode & 0o001:
                return False
        except OSError:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def _drop_root(workdir: str, preload: list) -> None:
    """Run as nobody when started as root, so the kernel enforces what the hook only asks."""
    if os.getuid() != 0:
        return
    if not _stdlib_public():
        import importlib

        for name in preload:
            if name in _PRELOADABLE:
                try:
                    importlib.import_module(name)
                except ImportError:
                    pass
    try:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    except OSError:
        pass
    os.chdir(workdir)


def _install_hook(workdir: str) -> None:
    root = os.path.realpath(workdir)
    realpath, fspath = os.path.realpath, os.fspath
    busy = [False]

    def inside(path) -> bool:
        if isinstance(path, int):
            return True  # an already open descriptor
        try:
            p = realpath(fspath(path))
        except Exception:
            return False
        if isinstance(p, bytes):
            p = p.decode("utf-8", "surrogateescape")
        return p == root or p.startswith(root + os.sep)

    def hook(event: str, args: tuple) -> None:
        if busy[0]:
            return  # realpath's own events while we are checking
        if event == "import":
            if args and str(args[0]).split(".")[0] in _BLOCKED_MODULES:
                raise PermissionError(f"sandbox: import of {args[0]} is blocked")
            return
        if event.startswith(_BLOCKED_EVENTS):
            raise PermissionError(f"sandbox: {event} is blocked")
        if event == "open":
            path = args[0] if args else None
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            busy[0] = True
            try:
                if isinstance(path, (str, bytes)):
                    p = realpath(fspath(path))
                    p = p.decode("utf-8", "surrogateescape") if isinstance(p, bytes) else p
                    if p == "/proc" or p.startswith("/proc/"):
                        raise PermissionError("sandbox: /proc is off limits")
                writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or flags & _WRITE_FLAGS
                if writing and not inside(path):
                    raise PermissionError(f"sandbox: writing {path!r} is blocked")
            finally:
                busy[0] = False
            return
        idx = _PATH_EVENTS.get(event)
        if idx:
            busy[0] = True
            try:
                for i in idx:
                    if i < len(args) and not inside(args[i]):
                        raise PermissionError(f"sandbox: {event} outside the working directory")
            finally:
                busy[0] = False

    sys.addaudithook(hook)


def _plain(value, depth: int = 0):
    """The JSON form of a result; raises TypeError for anything that is not plain data."""
    if depth > 100:
        raise TypeError("result nested too deeply")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if type(k) not in (str, int, bool) and k is not None:
                raise TypeError(f"dict key of type {type(k).__name__}")
            out[json.dumps(k) if not isinstance(k, str) else k] = _plain(v, depth + 1)
        return out
    if isinstance(value, (bool, int, float, str)):  # a subclass: keep the plain value only
        return type(value).__mro__[-2](value)
    raise TypeError(f"result of type {type(value).__name__} is not plain data")


def _warm_up() -> None:
    return None


def _handle(_state, payload: dict, out_fd: int, _workdir: str) -> None:
    """One candidate (this process is single-use: it exits after)."""
    workdir = payload["workdir"]
    os.chdir(workdir)

    def emit_raw(record: dict) -> None:
        data = (json.dumps(record) + "\n").encode()
        while data:
            data = data[os.write(out_fd, data):]

    _drop_root(workdir, payload.get("preload") or [])
    if payload.get("sandboxed") and (os.getuid() == 0 or os.geteuid() == 0 or os.getgid() == 0):
        emit_raw({"fatal": "sandbox", "detail": "the sandbox could not drop to an unprivileged user"})
        return
    _limits(float(payload["timeout_s"]), int(payload["memory_mb"]), int(payload["max_file_bytes"]))
    for name in list(sys.modules):
        if name.split(".")[0] in _BLOCKED_MODULES:
            del sys.modules[name]
    sys.setrecursionlimit(3000)
    encoder = json.JSONEncoder(allow_nan=True, ensure_ascii=True)

    def emit(record: dict) -> None:
        data = (encoder.encode(record) + "\n").encode()
        while data:
            data = data[os.write(out_fd, data):]

    source, function, tests = payload["source"], payload["function"], payload["tests"]
    del payload
    _install_hook(workdir)
    emit({"ready": 1})  # the parent starts the candidate's clock now
    module = type(sys)("solution")
    module.__file__ = os.path.join(workdir, "solution.py")
    sys.modules["solution"] = module
    try:
        exec(compile(source, "solution.py", "exec"), module.__dict__)
        fn = module.__dict__[function]
    except MemoryError:
        emit({"fatal": "memory"})
        return
    except BaseException as exc:  # noqa: BLE001 - any failure of the candidate is its result
        emit({"fatal": "error", "detail": f"{type(exc).__name__}: {exc}"[:300]})
        return
    for i, args_json in enumerate(tests):
        try:
            value = _plain(fn(*json.loads(args_json)))
            emit({"i": i, "v": value})
        except MemoryError:
            emit({"i": i, "m": 1})
        except RecursionError as exc:
            emit({"i": i, "e": f"RecursionError: {exc}"[:300]})
        except BaseException as exc:  # noqa: BLE001
            emit({"i": i, "e": f"{type(exc).__name__}: {exc}"[:300]})
    emit({"done": len(tests)})


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _serve import serve

    serve(_warm_up, _handle, template=False)
