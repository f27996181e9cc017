"""Start a long-lived helper process (a model server, a Redis) that dies with the process that started it,
however that one dies: SIGKILL included.

A server started in a session of its own (so it can be stopped as a group) outlives a parent that is
killed: it is re-parented to init and keeps its memory and ports. :func:`tethered_argv` wraps its
command in a small watchdog that leads the server's process group, runs the server as its child,
and watches its own parent: when that parent is gone (the watchdog's parent id changes), it sends
the whole group SIGTERM, then SIGKILL after a grace period. The watchdog starts with ``python -I``
and imports nothing of this project, so it costs a few milliseconds and a few MB.

Stopping the server as before still works: a signal to the group reaches the server and the
watchdog; the watchdog waits for the server to exit and exits with its code.
"""

from __future__ import annotations

import os
import sys

#: Seconds between the watchdog's looks at its parent; and its grace between SIGTERM and SIGKILL.
POLL_S = 0.5
GRACE_S = 5.0

_WATCHDOG = r"""
import os, signal, subprocess, sys, time
parent, poll, grace = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
cmd = sys.argv[5:]
signal.signal(signal.SIGTERM, lambda *a: None)  # a group stop: wait for the server below, then exit
signal.signal(signal.SIGINT, lambda *a: None)
child = subprocess.Popen(cmd)
while True:
    try:
        code = child.wait(poll)
        sys.exit(code if code >= 0 else 128 - code)
    except subprocess.TimeoutExpired:
        pass
    if os.getppid() != parent:  # the process that started us is gone: take the group down
        try:
            child.send_signal(signal.SIGTERM)
            child.wait(grace)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        os.killpg(os.getpgrp(), signal.SIGKILL)  # what is left of the group, this watchdog included
"""


def tethered_argv(argv: list[str], poll_s: float = POLL_S, grace_s: float = GRACE_S) -> list[str]:
    """``argv`` run under the watchdog; start it with ``start_new_session=True`` so that it leads the
    group the server and its children are in."""
    return [sys.executable, "-I", "-c", _WATCHDOG, str(os.getpid()), str(poll_s), str(grace_s), "--", *argv]
