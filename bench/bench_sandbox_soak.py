"""Soak the reward service with honest and hostile code answers; count escapes and orphans.

Starts ``bootcamp serve --workers 2`` on a loopback port, then for ``--seconds``
(bounded; default 120) sends batches to ``/v1/verify/batch`` that mix honest
reference programs of the code tasks with hostile programs (writes outside the
sandbox, reads of the service's secrets, network to the local Redis port, killing
other processes, fork and memory bombs, output floods, sleeping past the deadline).

Prints: verdicts/s, p50/p99 batch latency, hostile answers tried, escapes (a
canary file written, a secret read back, a socket connected), orphaned sandbox
processes and temp folders after the service stopped (while it runs, its pools keep warm sandboxes
started ahead: their processes are counted apart), and the agreement of the honest
verdicts with in-process verification (must be 100%).

Run: ``python bench/bench_sandbox_soak.py [--seconds 120] [--batch 16]``. Loopback only.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

TASKS = ["code/rotate_list", "code/roman_to_int", "code/merge_intervals", "code/word_frequency", "code/lcm_mod"]

#: Hostile bodies; each is placed inside the function the task asks for. {canary}, {port}, {secret_path}
#: are filled in per run. A hostile answer "escapes" when its effect is seen outside the sandbox.
HOSTILE = {
    "write_canary": "open({canary!r}, 'w').write('x')",
    "dir_fd_write": "import os; fd = os.open('/tmp', os.O_RDONLY); os.close(os.open('{canary_name}', "
                    "os.O_CREAT | os.O_WRONLY, dir_fd=fd))",
    "read_secret": "return open({secret_path!r}).read()",
    "proc_environ": "import os; return open('/proc/%d/environ' % os.getppid(), 'rb').read().decode('latin-1')",
    "connect_redis": "import socket; s = socket.create_connection(('127.0.0.1', {port}), 1); "
                     "s.sendall(b'SET bootcamp-soak-canary 1\\r\\n'); return s.recv(64).decode()",
    "kill_all": "import os, signal; [os.kill(p, signal.SIGKILL) for p in range(2, 4000) if p != os.getpid()]",
    "fork_bomb": "import os\n    while True: os.fork()",
    "memory_bomb": "x = bytearray(1 << 34); return len(x)",
    "output_flood": "print('A' * (1 << 26))",
    "sleep": "import time; time.sleep(60)",
    "spin": "while True: pass",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def _function_name(task, identity) -> str:
    import re

    m = re.search(r"def (\w+)\(", task.solve(identity))
    return m.group(1) if m else "f"


def _hostile_answer(task, identity, body: str) -> str:
    name = _function_name(task, identity)
    return f"```python\ndef {name}(*args):\n    {body}\n```"


def _sandbox_processes() -> list[int]:
    out = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            text = Path(cmdline).read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"_code_runner" in text or b"bootcamp-soak-victim" in text:
            out.append(int(cmdline.split("/")[2]))
    return out


def _temp_dirs() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "bootcamp-code-*")))


def main() -> None:  # noqa: PLR0915 - one linear script
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--hostile-share", type=float, default=0.5)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    args.seconds = min(args.seconds, 900.0)  # bounded whatever is asked

    import httpx

    import bootcamp

    rng = random.Random(0)
    run_dir = Path(tempfile.mkdtemp(prefix="bootcamp-soak-"))
    canary_dir = run_dir / "canaries"
    canary_dir.mkdir()
    secret = secrets.token_hex(16)
    secret_path = run_dir / "service-secret.txt"
    secret_path.write_text(secret)
    os.chmod(secret_path, 0o600)
    redis_port = _free_port()  # a plain TCP listener stands in for the local Redis: any byte received is an escape
    listener = socket.socket()
    listener.bind(("127.0.0.1", redis_port))
    listener.listen(64)
    listener.setblocking(False)

    orphans_before, temps_before = set(_sandbox_processes()), _temp_dirs()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOOTCAMP_")}
    env.update({"OMP_NUM_THREADS": "1", "BOOTCAMP_SOAK_SECRET": secret})  # a secret in the service's environment
    server = subprocess.Popen([str(Path(sys.executable).parent / "bootcamp"), "serve", "--port", str(port),
                               "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait(port, 180)
        tasks = [bootcamp.get_task(t) for t in TASKS if t in bootcamp.REGISTRY]
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300)
        latencies, honest, hostile_tried, verdicts = [], [], 0, 0
        leaked = []
        seed = 0
        start = time.monotonic()
        while time.monotonic() - start < args.seconds:
            items, kinds = [], []
            for _ in range(args.batch):
                task = rng.choice(tasks)
                seed += 1
                p = task.problem(seed, with_answer=True)
                if rng.random() < args.hostile_share:
                    name = rng.choice(sorted(HOSTILE))
                    canary = canary_dir / f"{name}-{seed}"
                    body = HOSTILE[name].format(canary=str(canary), canary_name=f"bootcamp-soak-{seed}",
                                                port=redis_port, secret_path=str(secret_path))
                    items.append({"task": p.task, "identity": p.identity,
                                  "response": _hostile_answer(task, p.identity, body)})
                    kinds.append(("hostile", name, task, p))
                    hostile_tried += 1
                else:
                    items.append({"task": p.task, "identity": p.identity, "response": task.format_answer(p.answer)})
                    kinds.append(("honest", None, task, p))
            t0 = time.perf_counter()
            resp = client.post("/v1/verify/batch", json={"items": items})
            latencies.append(time.perf_counter() - t0)
            resp.raise_for_status()
            got = resp.json()["verdicts"]
            verdicts += len(got)
            for (kind, name, task, p), item, v in zip(kinds, items, got, strict=True):
                if kind == "honest":
                    honest.append((task, p, item["response"], v))
                elif secret in (v.get("detail") or "") or secret in (v.get("answer") or ""):
                    leaked.append(name)
        elapsed = time.monotonic() - start
        time.sleep(2.0)  # let killed sandboxes be reaped before counting
        escapes = len(list(canary_dir.iterdir())) + len(glob.glob("/tmp/bootcamp-soak-*[0-9]")) + len(leaked)
        try:
            conn, _ = listener.accept()
            escapes += 1
            conn.close()
        except BlockingIOError:
            pass
        # While the service runs, its pools keep warm sandboxes (started ahead, never used yet): count
        # those processes here, and orphans only after the service has stopped.
        warm_idle = len(set(_sandbox_processes()) - orphans_before)
        os.killpg(server.pid, 15)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait(10)
        time.sleep(2.0)
        orphans = len(set(_sandbox_processes()) - orphans_before)
        temps = len(_temp_dirs() - temps_before)
        agree = sum(task.verify(resp, p.identity).correct == v["correct"] for task, p, resp, v in honest)
        honest_ok = sum(v["correct"] for *_, v in honest)
        print(f"soak: {elapsed:.0f} s, {args.workers} service workers, batch {args.batch}")
        print(f"  verdicts/s            {verdicts / elapsed:.1f}  ({verdicts} verdicts)")
        print(f"  batch latency p50/p99 {statistics.median(latencies) * 1000:.0f} / "
              f"{sorted(latencies)[int(0.99 * (len(latencies) - 1))] * 1000:.0f} ms")
        print(f"  hostile answers tried {hostile_tried}")
        print(f"  escapes               {escapes}")
        print(f"  orphaned processes    {orphans}  (after the service stopped; while it ran, {warm_idle} processes "
              "of its warm sandboxes)")
        print(f"  leftover temp folders {temps}")
        print(f"  honest verdicts       {len(honest)} ({honest_ok} correct); agreement with in-process "
              f"{100.0 * agree / max(1, len(honest)):.1f}%")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 15)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait(10)
        listener.close()
        for f in glob.glob("/tmp/bootcamp-soak-*[0-9]"):
            os.unlink(f)


if __name__ == "__main__":
    main()
