"""The hostile answers of the conformance checker, run in a forked child with a deadline.

The child runs in a new session, its working directory and ``TMPDIR`` an empty
watched folder: a verifier that hangs past the deadline, dies, leaves files in the
watched folder or leaves processes behind in the child's session fails the check.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import tempfile
import time
from typing import TYPE_CHECKING, Any

from bootcamp.hostile import hostile_answers, hostile_responses

if TYPE_CHECKING:
    from bootcamp.checker import _Run

__all__ = ["hostile_in_child"]


def _short(text: str, n: int = 60) -> str:
    text = repr(text)
    return text if len(text) <= n else text[: n - 3] + "..."


def _session_members(sid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                out.append(int(entry))
    return out


def _hostile_checks(run: _Run, identity: dict[str, Any], answer: str) -> None:
    task, report = run.task, run.report
    for h in hostile_answers():
        if h.strip() == answer.strip():
            continue
        s = run.score(f"hostile answer {_short(h)}", h, identity)
        if s is not None and s >= 1.0:
            report.fail(f"hostile answer {_short(h)} scored 1.0")
    for r in hostile_responses():
        ok, v = run.timed(f"hostile response {_short(r)}", lambda r=r: task.verify(r, identity))
        if ok and v.reason == "verifier_error":
            report.fail(f"hostile response {_short(r)} crashed the verifier: {v.detail}")
        if ok and v.score >= 1.0 and answer.strip() not in r:
            report.fail(f"hostile response {_short(r)} scored 1.0")


def hostile_in_child(run: _Run, identity: dict[str, Any], answer: str) -> None:
    """Run the hostile checks in a forked child with a deadline; report its side effects as failures."""
    from bootcamp.checker import HARD_LIMIT_FACTOR  # here: bootcamp.checker imports this module

    report = run.report
    if not hasattr(os, "fork"):
        _hostile_checks(run, identity, answer)
        return
    watched = tempfile.mkdtemp(prefix="bootcamp-check-")
    n = len(hostile_answers()) + len(hostile_responses())
    deadline = time.monotonic() + n * run.budget * HARD_LIMIT_FACTOR + 10.0
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it found as one JSON document, then leave at once
        code = 0
        try:
            os.close(rfd)
            os.setsid()
            os.chdir(watched)
            os.environ["TMPDIR"] = watched
            tempfile.tempdir = watched
            sub = type(report)(report.task_id)
            child_run = type(run)(run.task, sub)
            _hostile_checks(child_run, identity, answer)
            data = json.dumps({"failures": sub.failures, "checks": sub.checks,
                               "slowest": sub.slowest_check_s}).encode()
            while data:
                data = data[os.write(wfd, data):]
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    chunks, status, hung, done = [], None, False, False
    left_behind: list[int] = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                report.fail(f"hostile answers: the checking process hung (killed after {n} checks' budget)")
                hung = True
                break
            ready, _, _ = select.select([rfd], [], [], left)
            if ready:
                chunk = os.read(rfd, 1 << 16)
                if not chunk:
                    done = True
                    break
                chunks.append(chunk)
    finally:
        os.close(rfd)
        if done:  # the child exits right after its report: look for what it left before killing anything
            _, status = os.waitpid(pid, 0)
            left_behind = _session_members(pid)
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if not done:
            _, status = os.waitpid(pid, 0)
    left_behind = left_behind or _session_members(pid)
    for p in left_behind:
        try:
            os.kill(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if left_behind:
        report.fail(f"hostile answers left {len(left_behind)} process(es) running")
    try:
        created = sorted(os.listdir(watched))
    finally:
        shutil.rmtree(watched, ignore_errors=True)
    if created:
        report.fail(f"hostile answers created files in the working directory: {created[:5]}")
    try:
        result = json.loads(b"".join(chunks))
    except ValueError:
        if not hung:
            report.fail(f"hostile answers: the checking process died (wait status {status})")
        return
    for f in result.get("failures", []):
        report.fail(f)
    report.checks += int(result.get("checks", 0))
    report.slowest_check_s = max(report.slowest_check_s, float(result.get("slowest", 0.0)))
