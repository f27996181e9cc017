"""Soak two reward-service replicas behind the retrying client, and kill one of them midway.

Starts redis-server on a private port and two ``bootcamp serve`` replicas (two ports, the same
Redis cache), then for ``--seconds`` (bounded; default 180) sends a bounded mixed load through
:class:`rewards.client.BootcampClient` with both URLs from a few threads: honest reference
answers, wrong answers, and hostile ones (huge strings, deeply nested LaTeX, code-injection-looking
text, odd unicode) over tasks of several domains. Halfway through, one replica is killed
(SIGKILL by PID) and started again on its port about 10 s later.

Episodes share the load: one thread plays reference episodes of multi-turn environments (tools run in
the replicas' sandboxes) with one API key, mirroring each one in process to compare the final verdict;
another, with a second key, tries to read, step and delete those episodes (every answer must be 404)
and sends ids shaped to hit the store's internals (``<id>:lease``, ``*``, 10 kB ids).

Prints: requests/s and verdicts/s; requests lost (non-4xx errors the client raised after its
retries; the target is 0); 4xx answers; retries; p50/p99 request latency overall and in the
outage window (kill -> the replica answers again); each replica's RSS (process and its verifier
processes) at start, middle and end; hostile answers scored correct (must be 0); and the agreement
of the honest (and wrong) answers' verdicts with in-process verification (must be 100%).

Then, for episodes: episodes finished and their agreement with in-process play, steps, 503s seen by the
honest key (the target is 0), steps cut off by the kill (a step is never resent: the episode is dropped),
and the attacker's requests that got anything but a 4xx (the target is 0).

Run: ``python bench/bench_reward_soak.py [--seconds 180] [--threads 4] [--batch 8]``. Loopback only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

DOMAINS = ["math", "chem", "physics", "logic", "biology", "materials", "earth"]
#: The honest load's key and the attacker's (both valid keys of the replicas).
KEYS = ("sk-soak-honest-0123456789", "sk-soak-attacker-0123456789")
EPISODE_ENVS = ["math/big_multiplication", "physics/laser_photon_rate", "chem/lab_titration",
                "earth/spreading_rate_units"]
TASKS_PER_DOMAIN = 3


def _hostile(rng: random.Random) -> str:
    """A hostile response; none of them contains a right answer."""
    kind = rng.randrange(8)
    if kind == 0:  # longer than the service's limit: reason too_long
        return "\\boxed{" + "9" * 300_000 + "}"
    if kind == 1:  # long but under the limit: every parser has to cope
        return "<think>" + "lorem ipsum " * 12_000 + "</think>\\boxed{" + "1" * 5000 + "}"
    if kind == 2:
        depth = rng.choice([200, 2000, 20000])
        return "\\boxed{" + "\\frac{1}{" * depth + "x" + "}" * depth + "}"
    if kind == 3:
        return "\\boxed{" + "\\sqrt{" * 3000 + "2" + "}" * 3000 + "}" + "{" * 10_000
    if kind == 4:
        return rng.choice(["\\boxed{__import__('os').system('touch /tmp/pwned')}",
                           "\\boxed{eval(compile('import os; os._exit(0)', 'x', 'exec'))}",
                           "\\boxed{${{7*7}} {{config.__class__.__init__.__globals__}}}",
                           "\\boxed{'; DROP TABLE verdicts; --}",
                           "<answer>$(rm -rf /)</answer>", "\\boxed{\\input{/etc/passwd}}",
                           "\\boxed{\\def\\x{\\x\\x}\\x}", "\\boxed{9**9**9**9}", "\\boxed{10^{10^{10^{10}}}}"])
    if kind == 5:
        return rng.choice(["\\boxed{\u202e9876\u202c}", "\\boxed{\u200b\u200b\ufeff}", "\\boxed{\U0001f600\U0001f4a5}",
                           "\\boxed{e\u0301\u0301\u0301\u0301\u0301}", "\\boxed{\x00\x01\x7f}",
                           "\\boxed{\ud7ff\uffff}", "\\boxed{" + "\u0663\u0664" * 50 + "}"])
    if kind == 6:
        return "\\boxed{" * 5000
    return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(1, 4000)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"bootcamp serve exited: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy in {timeout:.0f} s")


def _rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` and its descendants (the verifier pool), in MB; 0 when it is gone."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total / 1024


class Replica:
    """One ``bootcamp serve`` on a fixed port; killed by PID and started again there."""

    def __init__(self, name: str, redis_url: str, pool_workers: int) -> None:
        self.name, self.port = name, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.redis_url, self.pool_workers = redis_url, pool_workers
        self.procs: list[subprocess.Popen] = []

    @property
    def pid(self) -> int:
        return self.procs[-1].pid

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOOTCAMP_")}
        env["BOOTCAMP_API_KEYS"] = ",".join(KEYS)
        cmd = [str(Path(sys.executable).parent / "bootcamp"), "serve", "--port", str(self.port), "--redis-url",
               self.redis_url, "--pool-workers", str(self.pool_workers), "--log-level", "warning"]
        self.procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                           text=True, start_new_session=True))

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.procs[-1].wait(10)

    def stop(self) -> None:
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGTERM if p.poll() is None else signal.SIGKILL)
            except ProcessLookupError:
                continue
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)


@dataclass
class Tally:
    """What the load threads saw (appended under a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    verdicts: int = 0
    lost: list[str] = field(default_factory=list)
    client_4xx: int = 0
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (start, seconds)
    checked: list[tuple[str, Any, str, Any]] = field(default_factory=list)  # (kind, problem, response, verdict)
    hostile: int = 0
    hostile_correct: int = 0


def _load(client: Any, tasks: list[Any], tally: Tally, stop: threading.Event, seed: int, batch: int) -> None:
    from rewards.client import RewardServiceError, RewardServiceUnavailable

    rng = random.Random(seed)
    n = 0
    while not stop.is_set():
        items, kinds = [], []
        for _ in range(batch):
            task = rng.choice(tasks)
            n += 1
            p = task.problem(seed * 10_000_000 + n, with_answer=True)
            roll = rng.random()
            if roll < 0.4:
                kind, response = "honest", task.format_answer(p.answer)
            elif roll < 0.7:
                wrong = (task.perturb(p.answer, p.identity) or ["-1"])[0]
                kind, response = "wrong", task.format_answer(wrong)
            else:
                kind, response = "hostile", _hostile(rng)
            items.append((p.task, p.identity, response))
            kinds.append((kind, p))
        t0 = time.perf_counter()
        try:
            got = client.verify_batch(items)
        except RewardServiceUnavailable as exc:
            with tally.lock:
                tally.lost.append(str(exc)[:200])
            continue
        except RewardServiceError as exc:
            with tally.lock:
                if 400 <= exc.status < 500:
                    tally.client_4xx += 1
                else:
                    tally.lost.append(str(exc)[:200])
            continue
        except Exception as exc:  # noqa: BLE001 - anything else is a lost request too
            with tally.lock:
                tally.lost.append(f"{type(exc).__name__}: {exc}"[:200])
            continue
        dt = time.perf_counter() - t0
        with tally.lock:
            tally.requests += 1
            tally.verdicts += len(got)
            tally.latencies.append((t0, dt))
            for (kind, p), (_, _, response), v in zip(kinds, items, got, strict=True):
                if kind == "hostile":
                    tally.hostile += 1
                    tally.hostile_correct += int(v.correct)
                elif len(tally.checked) < 4000:
                    tally.checked.append((kind, p, response, v))


@dataclass
class EpisodeTally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    finished: int = 0
    agree: int = 0
    steps: int = 0
    honest_503: int = 0
    honest_other_errors: list[str] = field(default_factory=list)
    cut_by_kill: int = 0
    ids: list[str] = field(default_factory=list)
    attacks: int = 0
    attacker_got_in: list[str] = field(default_factory=list)


def _post(http: Any, urls: list[str], path: str, body: dict, headers: dict, idempotent: bool) -> Any:
    """One request to the first replica that answers; a connection failure on a non-idempotent request raises."""
    import httpx

    for url in urls:
        try:
            return http.post(url + path, json=body, headers=headers)
        except httpx.ConnectError:
            continue  # refused: it never reached that replica, so the next one may take it
        except httpx.TransportError:
            if not idempotent:
                raise
    raise RuntimeError("no replica answered")


def _episodes(urls: list[str], tally: EpisodeTally, stop: threading.Event) -> None:
    """Reference episodes through the service, each mirrored in process with the in-process executor."""
    import httpx

    from bootcamp.env import ENVIRONMENTS, InProcessExecutor

    auth = {"Authorization": f"Bearer {KEYS[0]}"}
    local = InProcessExecutor()
    n = 0
    with httpx.Client(timeout=60) as http:
        while not stop.is_set():
            env_id = EPISODE_ENVS[n % len(EPISODE_ENVS)]
            env, seed = ENVIRONMENTS.get(env_id), 1000 + n
            n += 1
            order = urls if n % 2 else urls[::-1]
            try:
                r = _post(http, order, "/v1/episodes", {"env": env_id, "seed": seed}, auth, False)
            except (httpx.TransportError, RuntimeError):
                with tally.lock:
                    tally.cut_by_kill += 1
                continue
            if r.status_code != 200:
                with tally.lock:
                    tally.honest_503 += r.status_code == 503
                    if r.status_code != 503:
                        tally.honest_other_errors.append(f"create {r.status_code} {r.text[:100]}")
                continue
            eid = r.json()["id"]
            with tally.lock:
                tally.ids.append(eid)
            state, _ = env.reset(seed)
            for _ in range(env.max_turns):
                action = env.reference_action(state)
                mine = env.step(state, action, local)
                try:
                    r = _post(http, order, f"/v1/episodes/{eid}/step", {"action": action}, auth, False)
                except (httpx.TransportError, RuntimeError):
                    with tally.lock:
                        tally.cut_by_kill += 1
                    break
                with tally.lock:
                    tally.steps += 1
                if r.status_code != 200:
                    with tally.lock:
                        tally.honest_503 += r.status_code == 503
                        if r.status_code != 503:
                            tally.honest_other_errors.append(f"step {r.status_code} {r.text[:100]}")
                    break
                got = r.json()
                if mine.done or got["done"]:
                    with tally.lock:
                        tally.finished += 1
                        tally.agree += int(bool(got["done"] and mine.done and got["verdict"]
                                                and abs(got["verdict"]["score"] - mine.verdict.score) < 1e-9))
                    break
                state = mine.state


def _attacker(urls: list[str], tally: EpisodeTally, stop: threading.Event) -> None:
    """Another key reads, steps and deletes the honest key's episodes; odd ids; everything must be a 4xx."""
    import httpx

    auth = {"Authorization": f"Bearer {KEYS[1]}"}
    rng = random.Random(7)
    odd = ["*", "..", "x" * 10_000, "{}", "a:lease"]
    with httpx.Client(timeout=30) as http:
        while not stop.is_set():
            with tally.lock:
                ids = list(tally.ids[-20:])
            roll = rng.random()
            if ids and roll < 0.6:
                eid = rng.choice(ids)  # the honest key's live episode
            elif ids and roll < 0.8:
                eid = rng.choice(ids) + ":lease"  # an id naming the store's lease key
            else:
                eid = rng.choice(odd)
            for method, path, body in (("GET", f"/v1/episodes/{eid}", None),
                                       ("POST", f"/v1/episodes/{eid}/step", {"action": "\\boxed{1}"}),
                                       ("DELETE", f"/v1/episodes/{eid}", None)):
                url = rng.choice(urls)
                try:
                    r = http.request(method, url + path, json=body, headers=auth)
                except httpx.TransportError:
                    continue
                with tally.lock:
                    tally.attacks += 1
                    if not 400 <= r.status_code < 500:
                        tally.attacker_got_in.append(f"{method} {path[:60]} -> {r.status_code}")
            time.sleep(0.05)


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def _pick_tasks(rng: random.Random) -> list[Any]:
    import bootcamp

    ids = sorted(bootcamp.REGISTRY.ids())
    chosen = []
    for d in DOMAINS:
        pool = [i for i in ids if i.startswith(d + "/")]
        chosen += rng.sample(pool, min(TASKS_PER_DOMAIN, len(pool)))
    return [bootcamp.get_task(i) for i in chosen]


def main() -> None:  # noqa: PLR0915 - one linear script
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--pool-workers", type=int, default=1, help="verifier processes per replica")
    ap.add_argument("--down-s", type=float, default=10.0, help="how long the killed replica stays down")
    args = ap.parse_args()
    args.seconds = max(30.0, min(args.seconds, 900.0))  # bounded whatever is asked
    args.threads = max(1, min(args.threads, 16))
    args.batch = max(1, min(args.batch, 64))
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")

    from rewards.client import BootcampClient

    redis_port = _free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    replicas = [Replica("A", redis_url, args.pool_workers), Replica("B", redis_url, args.pool_workers)]
    try:
        _wait_port(redis_port, 10)
        for r in replicas:
            r.start()
        for r in replicas:
            _wait_healthy(r.url, r.procs[-1], 180)
        rss = {r.name: [_rss_mb(r.pid)] for r in replicas}
        tasks = _pick_tasks(random.Random(0))
        tally, stop = Tally(), threading.Event()
        client = BootcampClient([r.url for r in replicas], api_key=KEYS[0], timeout=60, retry_budget_s=120)
        threads = [threading.Thread(target=_load, args=(client, tasks, tally, stop, k + 1, args.batch), daemon=True)
                   for k in range(args.threads)]
        eps = EpisodeTally()
        urls = [r.url for r in replicas]
        threads += [threading.Thread(target=_episodes, args=(urls, eps, stop), daemon=True),
                    threading.Thread(target=_attacker, args=(urls, eps, stop), daemon=True)]
        start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.seconds / 2)
        victim = replicas[0]
        for r in replicas:
            rss[r.name].append(_rss_mb(r.pid))
        victim.kill()
        killed = time.perf_counter()
        time.sleep(args.down_s)
        victim.start()
        _wait_healthy(victim.url, victim.procs[-1], 180)
        back = time.perf_counter()
        time.sleep(max(0.0, args.seconds - (time.monotonic() - start)))
        stop.set()
        for t in threads:
            t.join(180)
        elapsed = time.monotonic() - start
        for r in replicas:
            rss[r.name].append(_rss_mb(r.pid))
        retries = client.retries
        client.close()

        import bootcamp

        agree = {"honest": [0, 0], "wrong": [0, 0]}
        for kind, p, response, v in tally.checked:
            mine = bootcamp.get_task(p.task).verify(response, p.identity)
            agree[kind][0] += int(mine.correct == v.correct and abs(mine.score - v.score) < 1e-9)
            agree[kind][1] += 1
        lat = [dt for _, dt in tally.latencies]
        during = [dt for t0, dt in tally.latencies if killed <= t0 <= back]
        print(f"reward soak: {elapsed:.0f} s, 2 replicas ({args.pool_workers} verifier process each) sharing Redis, "
              f"{args.threads} client threads, batch {args.batch}, {len(tasks)} tasks in {len(DOMAINS)} domains")
        print(f"  requests/s             {tally.requests / elapsed:.1f}  ({tally.requests} requests)")
        print(f"  verdicts/s             {tally.verdicts / elapsed:.1f}  ({tally.verdicts} verdicts)")
        print(f"  lost (non-4xx errors)  {len(tally.lost)}" + (f"  e.g. {tally.lost[0]}" if tally.lost else ""))
        print(f"  4xx answers            {tally.client_4xx}")
        print(f"  client retries         {retries}")
        print(f"  latency p50/p99        {statistics.median(lat) * 1000:.0f} / {_pct(lat, 0.99) * 1000:.0f} ms overall;"
              f" {(statistics.median(during) if during else float('nan')) * 1000:.0f} / {_pct(during, 0.99) * 1000:.0f}"
              f" ms in the outage ({back - killed:.1f} s from kill to healthy again, {len(during)} requests)")
        for r in replicas:
            note = " (killed at the middle; end is the restarted process)" if r is victim else ""
            print(f"  replica {r.name} RSS MB      start {rss[r.name][0]:.0f} / middle {rss[r.name][1]:.0f} / "
                  f"end {rss[r.name][2]:.0f}{note}")
        print(f"  hostile answers        {tally.hostile} ({tally.hostile_correct} scored correct)")
        for kind, (ok, n) in agree.items():
            print(f"  {kind:6s} agreement       {100.0 * ok / max(1, n):.1f}% of {n} with in-process verification")
        print(f"  episodes               {eps.finished} finished ({eps.agree} with the in-process verdict), "
              f"{eps.steps} steps, {eps.cut_by_kill} cut off mid-request by the kill (never resent)")
        print(f"  honest-key 503s        {eps.honest_503}; other errors {len(eps.honest_other_errors)}"
              + (f"  e.g. {eps.honest_other_errors[0]}" if eps.honest_other_errors else ""))
        print(f"  cross-key access       {len(eps.attacker_got_in)} of {eps.attacks} attacker requests got past 4xx"
              + (f"  e.g. {eps.attacker_got_in[0]}" if eps.attacker_got_in else ""))
    finally:
        for r in replicas:
            r.stop()
        redis.terminate()
        redis.wait(10)


if __name__ == "__main__":
    main()
