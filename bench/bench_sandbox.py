"""What the sandbox costs a verdict: warm pools against cold starts and against no sandbox, in one run.

Three figures, each with its baseline measured in the same process:

- a code task's verdict (``check_code`` of a correct answer): warm pool (``bwrap``), a cold sandbox
  per verdict (``BOOTCAMP_SANDBOX_WARM=0``, what every verdict cost before the pools), and the
  unsandboxed path (``BOOTCAMP_UNSAFE_SANDBOX=1`` with bubblewrap hidden: a plain subprocess);
- a reasoning-gym countdown verdict scored in the sandbox (grammar-checked answer): warm template
  against a cold sandbox per verdict (a fresh interpreter importing reasoning-gym);
- a trusted tool call (``rdkit_descriptors``-style chemistry and pymatgen calls) and an untrusted one
  (``python``): warm against cold (the ``bench_episodes.py`` bench gives whole episodes).

Verdicts are paced (``--gap`` seconds between them, default 0.05) as a worker sees them between
other work; ``--gap 0`` measures back-to-back verdicts, where single-use pools are limited by how fast
a sandbox starts.

Run: ``python bench/bench_sandbox.py [--n 40] [--gap 0.05]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def _time(fn, n: int, gap: float) -> list[float]:
    fn()  # first call: imports, pool start
    out = []
    for _ in range(n):
        time.sleep(gap)
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _mode(warm_size: int | None, unsafe: bool = False) -> None:
    from bootcamp.verifiers import sandbox, warm

    warm.close_all()
    sandbox.reset()
    os.environ[warm.POOL_ENV] = str(warm_size if warm_size is not None else warm.DEFAULT_SIZE)
    if unsafe:
        os.environ[sandbox.UNSAFE_ENV] = "1"
        sandbox._bwrap = lambda: None  # bench only: hide bubblewrap so the unsandboxed path runs
    for name in ("_kinds",):
        from bootcamp.verifiers import code_exec

        getattr(code_exec, name).cache_clear()


def _line(name: str, xs: list[float], base: list[float] | None = None, base_name: str = "") -> str:
    text = f"{name:44s} p50 {_pct(xs, 0.5):8.1f} ms  p99 {_pct(xs, 0.99):8.1f} ms"
    if base:
        text += f"   {statistics.median(xs) / statistics.median(base):5.2f}x {base_name}"
    return text


def bench_code(n: int, gap: float) -> None:
    from bootcamp.verifiers import sandbox
    from bootcamp.verifiers.code_exec import check_code

    tests = [{"args": [i, i + 1], "expected": 2 * i + 1} for i in range(10)]
    src = "def add(a, b):\n    return a + b\n"

    def one():
        assert check_code(src, tests, "add") == 1.0

    real_bwrap = sandbox._bwrap
    _mode(None)
    warm_ms = _time(one, n, gap)
    _mode(0)
    cold_ms = _time(one, n, gap)
    _mode(None, unsafe=True)
    plain_ms = _time(one, n, gap)
    sandbox._bwrap = real_bwrap
    os.environ.pop(sandbox.UNSAFE_ENV, None)
    _mode(None)
    print(_line("code verdict, warm pool (bwrap)", warm_ms, plain_ms, "of unsandboxed"))
    print(_line("code verdict, cold sandbox per verdict", cold_ms, plain_ms, "of unsandboxed"))
    print(_line("code verdict, unsandboxed subprocess", plain_ms))


def bench_rg(n: int, gap: float) -> None:
    try:
        import reasoning_gym
    except ImportError:
        print("reasoning-gym: not installed, skipped")
        return
    from bootcamp.compat.reasoning_gym import score_sandboxed

    ds = reasoning_gym.create_dataset("countdown", size=1000, seed=1)
    idents = [({"dataset": "countdown", "seed": 1, "size": 1000, "index": i}, ds[i]["answer"]) for i in range(n)]
    it = iter(idents * 3)

    def one():
        ident, answer = next(it)
        assert float(score_sandboxed(ident, answer)) == 1.0

    _mode(None)
    warm_ms = _time(one, n, gap)
    _mode(0)
    cold_ms = _time(one, max(5, n // 8), gap)
    _mode(None)
    print(_line("reasoning-gym countdown verdict, warm template", warm_ms, cold_ms, "of cold"))
    print(_line("reasoning-gym countdown verdict, cold sandbox", cold_ms))
    bench_grammar_refusals()


HOSTILE = ["9**9**9", "2 ** 10 ** 100", "1" * 10_000, "(" * 5_000 + "1" + ")" * 5_000, "+".join(["x"] * 3_000),
           "__import__('os').write(3, b'1')", "().__class__.__base__.__subclasses__()", "'A' * 10**9", "-" * 3_000 + "1"]


def bench_grammar_refusals() -> None:
    """How long the strict answer grammars take to refuse hostile text (no process is started for these)."""
    from bootcamp.compat.rg_safe import SAFE_FORMS, safe_answer

    took = []
    for name in SAFE_FORMS:
        for answer in HOSTILE:
            t = time.perf_counter()
            assert safe_answer(name, answer) is None, (name, answer)
            took.append((time.perf_counter() - t) * 1000)
    print(_line(f"grammar refusal of hostile text ({len(took)} answers, no sandbox)", took))


def bench_tools(n: int, gap: float) -> None:
    from bootcamp.env.sandbox_exec import SandboxExecutor
    from bootcamp.env.toolcall import ToolCall
    from bootcamp.env.tools import TOOLS

    names = set(TOOLS.names())
    trusted = next((c for c in ("rdkit_canonical", "rdkit_descriptors", "calculator") if c in names), "calculator")
    args = {"rdkit_canonical": {"smiles": "OCC"}, "rdkit_descriptors": {"smiles": "OCC"},
            "calculator": {"expression": "12*(3+4)"}}[trusted]
    ex = SandboxExecutor()
    ctx = {"identity": {}, "memory": {}}

    def call(name, arguments):
        def one():
            res = ex.run([ToolCall(name=name, arguments=arguments)], (name,), ctx)
            assert res[0].error is None, res[0]
        return one

    for name, arguments in ((trusted, args), ("python", {"code": "print(6*7)"})):
        _mode(None)
        warm_ms = _time(call(name, arguments), n, gap)
        _mode(0)
        cold_ms = _time(call(name, arguments), max(5, n // 8), gap)
        _mode(None)
        print(_line(f"tool call {name}, warm", warm_ms, cold_ms, "of cold"))
        print(_line(f"tool call {name}, cold sandbox per call", cold_ms))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--gap", type=float, default=0.05)
    args = ap.parse_args()
    from bootcamp.verifiers import sandbox

    print(f"sandbox: {sandbox.mode()}; {os.cpu_count()} cores; {args.n} verdicts per figure, {args.gap:g} s apart")
    bench_code(args.n, args.gap)
    bench_rg(args.n, args.gap)
    bench_tools(args.n, args.gap)


if __name__ == "__main__":
    main()
