"""Reward-service benchmark: service vs in-process throughput, latency, cache speed-up, check_math vs math-verify.

Run: ``python bench/bench_rewards.py [--n 2000] [--pool-workers 2] [--rounds 3]``. Everything runs
on loopback. The service runs as its own process (``bootcamp serve`` on a free port), as it does
beside a trainer; ``--in-thread`` starts it in this process instead (uvicorn in a thread, sharing the
client's interpreter lock: the service then also pays for the client's JSON encoding).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

TASKS = ["math/gcd", "math/modular_inverse", "generic/number", "generic/math", "generic/smiles", "generic/formula"]

MATH_PAIRS = [
    ("\\frac{1}{2}", "0.5"), ("\\frac{2}{4}", "\\frac{1}{2}"), ("x^2+2x+1", "(x+1)^2"), ("\\sqrt{8}", "2\\sqrt{2}"),
    ("3", "3.0"), ("\\pi", "3.14159"), ("2x", "x+x"), ("\\frac{5}{6}", "\\frac{1}{2}+\\frac{1}{3}"), ("1", "2"),
    ("x+1", "x-1"), ("\\sqrt{2}", "1.41421356"), ("e^{2x}", "e^{x}e^{x}"), ("\\sin^2 x + \\cos^2 x", "1"),
    ("10", "1e1"), ("-3", "3"), ("\\frac{3}{4}", "0.75"), ("a^2-b^2", "(a-b)(a+b)"), ("2^{10}", "1024"),
    ("\\ln(e^3)", "3"), ("\\frac{1}{3}", "0.333"), ("x^3", "3x^2"), ("\\{1,2\\}", "\\{2,1\\}"), ("(1,2)", "(2,1)"),
    ("\\infty", "\\infty"), ("5\\%", "0.05"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _items(n: int, seed: int = 0) -> list[tuple[str, dict[str, Any], str]]:
    import bootcamp

    rng = random.Random(seed)
    ids = [t for t in TASKS if t in bootcamp.REGISTRY]
    out = []
    for k in range(n):
        task = bootcamp.get_task(ids[k % len(ids)])
        p = task.problem(k, with_answer=True)
        answer = p.answer if rng.random() < 0.5 else (task.perturb(p.answer, p.identity) or ["0"])[0]
        # a unique tail keeps every response distinct (no accidental cache hits)
        out.append((p.task, p.identity, f"{task.format_answer(answer)} [{k}]"))
    return out


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


@contextlib.contextmanager
def _service_process(pool_workers: int, max_batch: int) -> Iterator[str]:
    """``bootcamp serve`` on a free port, as its own process; yields its URL."""
    import httpx

    port = _free_port()
    env = {**os.environ, "BOOTCAMP_MAX_BATCH": str(max_batch)}
    cmd = [str(Path(sys.executable).parent / "bootcamp"), "serve", "--port", str(port),
           "--pool-workers", str(pool_workers), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"bootcamp serve exited: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("bootcamp serve did not become healthy in 300 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def _service_in_thread(pool_workers: int, max_batch: int) -> Iterator[str]:
    """The service in this process (uvicorn in a thread); yields its URL."""
    import uvicorn

    from rewards.service import Settings, create_app

    port = _free_port()
    app = create_app(Settings(pool_workers=pool_workers, max_batch=max_batch))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    app.state.bootcamp.pool.wait_ready(300)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def bench_service(n: int, pool_workers: int, batch: int, rounds: int = 3, in_thread: bool = False,
                  in_flight: int = 2) -> dict[str, Any]:
    """In-process and service throughput, measured in alternating rounds on fresh responses.

    Each round times one in-process pass, one pass through ``BootcampClient.verify_batch`` (requests of
    ``batch`` items, ``in_flight`` of them open at once: how a trainer calls the service) and one pass
    of plain sequential posts (httpx's own JSON, one request at a time) over the same ``n`` responses
    (new ones each round, so the service never hits its cache), back to back: on a machine shared with
    other work, the rates of a round saw about the same load. The best of each, and each round's
    ratio, are reported.
    """
    import httpx

    import bootcamp
    from rewards.client import BootcampClient

    items = _items(n)
    for t, i, r in items:  # warm this process's caches too
        bootcamp.get_task(t).verify(r + " warm", i)

    starter = _service_in_thread if in_thread else _service_process
    inproc: list[float] = []
    service: list[float] = []
    plain: list[float] = []
    with starter(pool_workers, max(batch, 1024)) as url, httpx.Client(base_url=url, timeout=600) as http, \
            BootcampClient(url, timeout=600, batch_size=batch, in_flight=in_flight) as client:
        def post_all(suffix: str) -> float:
            start = time.perf_counter()
            verdicts = client.verify_batch([(t, i, r + suffix) for t, i, r in items])
            assert len(verdicts) == n
            return time.perf_counter() - start

        def post_plain(suffix: str) -> float:
            body = [{"task": t, "identity": i, "response": r + suffix} for t, i, r in items]
            start = time.perf_counter()
            for k in range(0, n, batch):
                http.post("/v1/verify/batch", json={"items": body[k:k + batch]}).raise_for_status()
            return time.perf_counter() - start

        # warm the workers' own caches (sympy, RDKit) on other responses, as the in-process pass did
        post_all(" warm")
        for k in range(rounds):
            start = time.perf_counter()
            for t, i, r in items:
                bootcamp.get_task(t).verify(r + f" {k}", i)
            inproc.append(n / (time.perf_counter() - start))
            service.append(n / post_all(f" {k}"))
            plain.append(n / post_plain(f" plain {k}"))
        warm = post_all(f" {rounds - 1}")  # the last round again: every verdict is cached
        lat = []
        for t, i, r in items[: min(300, n)]:
            s = time.perf_counter()
            http.post("/v1/verify", json={"task": t, "identity": i, "response": r + " single"})
            lat.append((time.perf_counter() - s) * 1000)
    return {
        "inproc_per_s": max(inproc),
        "service_per_s": max(service),
        "ratio": max(service) / max(inproc),
        "round_ratios": [s / i for s, i in zip(service, inproc, strict=True)],
        "plain_per_s": max(plain),
        "plain_ratio": max(plain) / max(inproc),
        "cached_per_s": n / warm,
        "cache_speedup": (n / warm) / max(service),
        "p50_ms": statistics.median(lat),
        "p99_ms": _percentile(lat, 0.99),
    }


def bench_math(repeat: int) -> dict[str, float] | None:
    try:
        from bootcamp.verifiers.math_equiv import check_math
    except ImportError:
        return None
    try:
        from math_verify import parse, verify
    except ImportError:
        return None
    pairs = MATH_PAIRS * repeat
    start = time.perf_counter()
    ours = [float(check_math(a, b, rel_tol=1e-6)) >= 1.0 for a, b in pairs]
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = []
    for a, b in pairs:
        try:
            theirs.append(bool(verify(parse(f"${b}$"), parse(f"${a}$"))))
        except Exception:  # noqa: BLE001 - a failure is a "no" for the comparison
            theirs.append(False)
    t_theirs = time.perf_counter() - start
    agree = sum(x == y for x, y in zip(ours, theirs, strict=False)) / len(pairs)
    disagreements = sorted({p for p, x, y in zip(pairs, ours, theirs, strict=False) if x != y})
    return {"ours_per_s": len(pairs) / t_ours, "math_verify_per_s": len(pairs) / t_theirs,
            "speed_ratio": t_theirs / t_ours, "agreement": agree, "disagreements": disagreements}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=2000, help="verdicts per pass")
    ap.add_argument("--batch", type=int, default=256, help="items per /v1/verify/batch request")
    ap.add_argument("--pool-workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3, help="alternating in-process/service rounds (best of each)")
    ap.add_argument("--math-repeat", type=int, default=8, help="passes over the math answer pairs (0: skip)")
    ap.add_argument("--in-thread", action="store_true", help="run the service in this process (see above)")
    ap.add_argument("--in-flight", type=int, default=2, help="requests the client keeps open at once")
    args = ap.parse_args()

    s = bench_service(args.n, args.pool_workers, args.batch, args.rounds, args.in_thread, args.in_flight)
    rounds = " ".join(f"{x:.2f}" for x in s["round_ratios"])
    print(f"verdicts/s in-process           {s['inproc_per_s']:10.0f}   (best of {args.rounds})")
    print(f"verdicts/s via /v1/verify/batch {s['service_per_s']:10.0f}   ({s['ratio']:.2f}x in-process; rounds {rounds}; "
          f"BootcampClient, {args.in_flight} requests in flight)")
    print(f"verdicts/s plain posts          {s['plain_per_s']:10.0f}   ({s['plain_ratio']:.2f}x in-process; one request at a "
          "time, httpx's JSON)")
    print(f"verdicts/s cached               {s['cached_per_s']:10.0f}   (cache-hit speed-up {s['cache_speedup']:.2f}x)")
    print(f"single /v1/verify latency       p50 {s['p50_ms']:.2f} ms   p99 {s['p99_ms']:.2f} ms")
    m = bench_math(args.math_repeat) if args.math_repeat > 0 else None
    if args.math_repeat <= 0:
        print("check_math vs math-verify        skipped (--math-repeat 0)")
    elif m is None:
        print("check_math vs math-verify        skipped (math_equiv or math-verify missing)")
    else:
        print(f"check_math pairs/s              {m['ours_per_s']:10.0f}")
        print(f"math-verify pairs/s             {m['math_verify_per_s']:10.0f}   (ours {m['speed_ratio']:.2f}x faster)")
        print(f"agreement                       {m['agreement'] * 100:9.1f}%")
        for a, b in m["disagreements"]:
            print(f"  differ on: {a!r} vs {b!r}")


if __name__ == "__main__":
    main()
