"""Child side of a warm sandbox: warm up once, then serve requests (stdlib only; bound next to each runner).

A runner (``_code_runner.py``, ``_rg_scorer.py``, ``_tool_runner.py``) calls :func:`serve` with two
functions: ``warm_up()`` (imports and lock-down that do not depend on the request; it returns a state
object) and ``handle(state, payload, out_fd)`` (one request). ``serve`` writes ``{"warm": 1}`` on the
result descriptor when warm, then reads requests framed as ``<decimal length>\\n<JSON bytes>`` from stdin.

- single-use (``template=False``): the process serves exactly one request and exits. For runners that
  execute model code: nothing of one candidate can reach another.
- template (``template=True``): for each request the warm process forks a child that serves that request
  in a private working directory and exits; the template then writes ``{"end": 1}`` and waits for the
  next request. Only for runners that never execute model text (trusted tools on JSON arguments, the
  reasoning-gym scorer on grammar-checked answers): each request starts from the template's clean
  state, and the parent destroys the whole sandbox if a request overruns its deadline.

The result descriptor is a duplicate of the original stdout; fd 1 itself is pointed at stderr, so
anything a library prints cannot look like a record.
"""

import json
import os
import shutil
import sys

MAX_FRAME_BYTES = 64 << 20


def result_fd() -> int:
    """Move stdout aside for records; fd 1 becomes stderr and fd 0 stays the request pipe."""
    out_fd = os.dup(1)
    os.dup2(2, 1)
    return out_fd


def emit(out_fd: int, record: dict) -> None:
    data = (json.dumps(record, allow_nan=False) + "\n").encode()
    while data:
        data = data[os.write(out_fd, data):]


def read_frame():
    """The next request's JSON payload, or None at end of input."""
    head = sys.stdin.buffer.readline(32)
    if not head:
        return None
    size = int(head.strip())
    if size < 0 or size > MAX_FRAME_BYTES:
        raise ValueError("request frame too large")
    data = sys.stdin.buffer.read(size)
    if len(data) != size:
        return None
    return json.loads(data)


def _detach_stdin() -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)


def serve(warm_up, handle, template: bool, workdir: str = "/tmp") -> None:
    """Warm up, say so, then serve one request (single-use) or one forked child per request (template)."""
    out_fd = result_fd()
    try:
        state = warm_up()
    except BaseException as exc:  # noqa: BLE001 - the parent reports it as a start-up failure
        emit(out_fd, {"fatal": "sandbox", "detail": f"warm-up failed: {type(exc).__name__}: {exc}"[:300]})
        return
    emit(out_fd, {"warm": 1})
    n = 0
    while True:
        payload = read_frame()
        if payload is None:
            return
        if not template:
            _detach_stdin()
            handle(state, payload, out_fd, workdir)
            return
        n += 1
        private = os.path.join(workdir, f"r{n}")
        os.mkdir(private, 0o700)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _detach_stdin()
                os.chdir(private)
                handle(state, payload, out_fd, private)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        shutil.rmtree(private, ignore_errors=True)
        emit(out_fd, {"end": 1, "status": status})
