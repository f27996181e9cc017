"""Episodes/s and tool-call latency of the multi-turn environments, through the sandbox and in process.

Plays reference episodes (the scripted policy: its tool calls, then the final answer) of a mixed set of
environments, one sandboxed turn after another, and prints per environment the episodes/s and the tool
calls' latency (p50/p99 of the turn's wall time, divided among its calls), then the same episodes with the
in-process executor as the baseline (what the sandbox costs). Tools that run model code (``python``) have
no in-process baseline.

Run: ``python bench/bench_episodes.py [--episodes 6] [--envs ID ...]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

DEFAULT_ENVS = ["math/big_multiplication", "math/polynomial_probe", "physics/laser_photon_rate", "chem/lab_titration",
                "chem/identify_by_profile", "chem/design_with_feedback", "materials/weight_percent",
                "materials/hull_stable_compounds", "biology/longest_orf_protein", "earth/spreading_rate_units"]


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def play(env, seeds, executor) -> dict:
    """Reference episodes of ``seeds``; their wall time, per-call latencies, and scores."""
    call_ms: list[float] = []
    scores: list[float] = []
    t0 = time.perf_counter()
    for seed in seeds:
        state, _ = env.reset(seed)
        for _ in range(env.max_turns):
            action = env.reference_action(state)
            t = time.perf_counter()
            result = env.step(state, action, executor)
            if result.tool_results:
                each = (time.perf_counter() - t) * 1000 / len(result.tool_results)
                call_ms += [each] * len(result.tool_results)
            if result.done:
                scores.append(result.verdict.score)
                break
            state = result.state
    return {"seconds": time.perf_counter() - t0, "call_ms": call_ms, "scores": scores}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=6, help="episodes per environment")
    ap.add_argument("--envs", nargs="*", default=DEFAULT_ENVS)
    ap.add_argument("--no-cold", action="store_true",
                    help="skip the cold baseline (a sandbox started per turn, nothing warm: BOOTCAMP_SANDBOX_WARM=0)")
    args = ap.parse_args()

    from bootcamp.env import ENVIRONMENTS, InProcessExecutor
    from bootcamp.env.sandbox_exec import SandboxExecutor
    from bootcamp.verifiers import sandbox

    print(f"sandbox: {sandbox.mode() or 'unavailable (' + sandbox.unavailable_detail() + ')'}")
    sandboxed, inproc = SandboxExecutor(), InProcessExecutor()
    seeds = list(range(args.episodes))
    print(f"{'environment':34s} {'tools':>5s} {'ep/s box':>9s} {'call p50':>9s} {'call p99':>9s} "
          f"{'ep/s in-proc':>12s} {'call p50':>9s} {'score':>6s}")
    all_box, all_in, box_s, in_s, episodes = [], [], 0.0, 0.0, 0
    for env_id in args.envs:
        env = ENVIRONMENTS.get(env_id)
        play(env, seeds[:1], sandboxed)  # warm: imports, first sandbox
        box = play(env, seeds, sandboxed)
        base = play(env, seeds, inproc)
        if min(base["scores"], default=0.0) < 1.0:  # the reference needs a sandbox-only tool (python)
            base = None
        all_box += box["call_ms"]
        box_s += box["seconds"]
        episodes += len(seeds)
        line = (f"{env_id:34s} {len(box['call_ms']) / len(seeds):5.1f} {len(seeds) / box['seconds']:9.2f} "
                f"{_pct(box['call_ms'], 0.5):8.1f}ms {_pct(box['call_ms'], 0.99):8.1f}ms ")
        if base is not None:
            all_in += base["call_ms"]
            in_s += base["seconds"]
            line += f"{len(seeds) / base['seconds']:12.1f} {_pct(base['call_ms'], 0.5):8.2f}ms "
        else:
            line += f"{'-':>12s} {'-':>9s} "
        line += f"{statistics.mean(box['scores']) if box['scores'] else float('nan'):6.2f}"
        print(line)
    print(f"\nall: {episodes} sandboxed episodes in {box_s:.1f} s = {episodes / box_s:.2f} episodes/s; "
          f"tool call p50 {_pct(all_box, 0.5):.0f} ms, p99 {_pct(all_box, 0.99):.0f} ms over {len(all_box)} calls")
    if all_in:
        print(f"in-process baseline (same episodes where possible): tool call p50 {_pct(all_in, 0.5):.2f} ms, "
              f"p99 {_pct(all_in, 0.99):.2f} ms over {len(all_in)} calls")
    if not args.no_cold:
        _cold(args, seeds, episodes / box_s, all_box)


def _cold(args, seeds, warm_rate: float, warm_calls: list[float]) -> None:
    """The same sandboxed episodes with nothing started ahead or reused: a sandbox per turn."""
    import os

    from bootcamp.env import ENVIRONMENTS
    from bootcamp.env.sandbox_exec import SandboxExecutor
    from bootcamp.verifiers import warm

    warm.close_all()
    os.environ[warm.POOL_ENV] = "0"
    calls, seconds, n = [], 0.0, 0
    for env_id in args.envs:
        run = play(ENVIRONMENTS.get(env_id), seeds, SandboxExecutor())
        calls += run["call_ms"]
        seconds += run["seconds"]
        n += len(seeds)
    warm.close_all()
    os.environ.pop(warm.POOL_ENV)
    print(f"cold baseline (a sandbox started per turn): {n / seconds:.2f} episodes/s; tool call p50 "
          f"{_pct(calls, 0.5):.0f} ms, p99 {_pct(calls, 0.99):.0f} ms; warm pools: x{warm_rate / (n / seconds):.1f} "
          f"episodes/s, p50 x{_pct(calls, 0.5) / _pct(warm_calls, 0.5):.1f} lower")


if __name__ == "__main__":
    main()
