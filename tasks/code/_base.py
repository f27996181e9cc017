"""Shared machinery of the code tasks: a spec, hidden tests, a sandboxed check.

A code task asks for one Python function. Its identity holds the seed's
constants (``spec``, e.g. ``{"SHIFT": 7}``) and the hidden tests with their
expected outputs, computed at generation time by the reference solution:
the constants as module-level assignments followed by the class's ``body``.
Checking runs the candidate in the sandbox of ``bootcamp.verifiers.code_exec``
(one subprocess, all-or-nothing). Perturbations are the reference with other
constants and with a small textual bug (off-by-one, wrong operator), or a stub
that returns None where one of those kinds offers nothing; only those that
really fail a hidden test are offered.

Difficulty levels are shared by every code task: ``scale`` stretches the sizes
of the random hidden inputs (string and list lengths, value ranges) and
``tests`` the number of random hidden tests, so a higher level has more and
larger hidden inputs in which a near-miss solution gets caught. The fixed edge
cases stay hidden; the prompt shows the last (random, seed-drawn) tests.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any, ClassVar

from bootcamp import Task
from bootcamp.verifiers.code_exec import check_code, extract_code, same_value


def _run_local(source: str, function: str, tests: list[dict]) -> bool:
    """True when trusted source (ours: a reference or a mutant of it) passes every test in-process."""
    try:
        ns: dict[str, Any] = {}
        exec(compile(source, "<reference>", "exec"), ns)  # noqa: S102 - our own code only
        fn = ns[function]
        for t in tests:
            got = json.loads(json.dumps(fn(*copy.deepcopy(t["args"]))))
            if not same_value(got, t["expected"]):
                return False
    except Exception:  # noqa: BLE001 - a crashing mutant simply fails
        return False
    return True


def py(value: Any) -> str:
    """A JSON value written as a Python literal."""
    return repr(value)


class CodeTask(Task):
    """Write one Python function; graded by hidden tests in a sandbox.

    Subclasses set ``function``, ``signature`` and ``body`` (the reference,
    which reads the spec's upper-case constants) and implement ``spec``,
    ``inputs`` and ``describe``; optionally ``variants`` (other constants)
    and ``bugs`` (``(old, new)`` replacements that break the reference).
    ``inputs`` draws its random tests with :meth:`reps` and :meth:`size`, so
    the difficulty levels scale them.
    """

    sandbox_kinds = ("code",)
    #: 2: levels, seed-drawn examples in the prompt, wider specs.
    version: ClassVar[int] = 2

    function: ClassVar[str] = ""
    signature: ClassVar[str] = ""
    body: ClassVar[str] = ""
    bugs: ClassVar[list[tuple[str, str]]] = []
    #: A check is one subprocess (~40-80 ms); a candidate that hangs costs ``timeout_s`` plus teardown.
    time_budget: ClassVar[float] = 4.0
    default_params: ClassVar[dict[str, Any]] = {"timeout_s": 2.0, "examples": 2, "scale": 1.0, "tests": 1.0}
    levels: ClassVar[tuple[dict[str, Any], ...]] = (
        {"scale": 0.5, "tests": 0.5},
        {"scale": 1.0, "tests": 1.0},
        {"scale": 2.0, "tests": 1.6},
    )
    default_level: ClassVar[int | None] = 2

    # -- what subclasses provide -----------------------------------------------------
    def spec(self, rng: random.Random) -> dict[str, Any]:
        """The seed's constants, upper-case names to JSON values."""
        return {}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        """Argument lists of the hidden tests (edge cases first is fine)."""
        raise NotImplementedError

    def describe(self, spec: dict[str, Any]) -> str:
        """What the function must do, as a sentence or two."""
        raise NotImplementedError

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        """Other constants whose reference is a near miss for this spec."""
        return []

    # -- level helpers for ``inputs`` ------------------------------------------------
    def reps(self, k: int) -> int:
        """How many random hidden tests to draw where the default level draws ``k``."""
        return max(2, round(k * float(self.params["tests"])))

    def size(self, rng: random.Random, lo: int, hi: int) -> int:
        """A random size in ``lo..hi`` with ``hi`` stretched by the level's ``scale``."""
        return rng.randint(lo, max(lo, round(hi * float(self.params["scale"]))))

    def complexity(self, identity: dict[str, Any]) -> float:
        """Characters of all hidden test inputs plus 10 per spec constant: more, larger hidden
        inputs leave a near-miss solution fewer places to hide."""
        spec = identity.get("spec", {})
        return float(len(json.dumps([t["args"] for t in identity["tests"]])) + 10 * len(spec))

    # -- the contract ----------------------------------------------------------------
    def source(self, spec: dict[str, Any]) -> str:
        """The reference solution for ``spec``."""
        header = "".join(f"{k} = {v!r}\n" for k, v in spec.items())
        return (header + "\n" if header else "") + self.body.strip("\n") + "\n"

    def generate(self, rng: random.Random) -> dict[str, Any]:
        spec = self.spec(rng)
        ns: dict[str, Any] = {}
        exec(compile(self.source(spec), "<reference>", "exec"), ns)  # noqa: S102 - our reference
        fn = ns[self.function]
        tests = []
        for args in self.inputs(rng, spec):
            expected = json.loads(json.dumps(fn(*copy.deepcopy(args))))
            tests.append({"args": args, "expected": expected})
        return {"spec": spec, "tests": tests}

    def prompt(self, identity: dict[str, Any]) -> str:
        # The last tests are drawn per seed; the fixed edge cases before them stay hidden.
        shown = identity["tests"][-int(self.params["examples"]):]
        examples = "\n".join(
            f"    {self.function}({', '.join(py(a) for a in t['args'])}) == {py(t['expected'])}" for t in shown
        )
        return (
            f"Write a Python function `{self.signature}` that {self.describe(identity['spec'])}\n\n"
            f"Examples:\n{examples}\n\n"
            f"It is graded by {len(identity['tests'])} hidden tests, all of which must pass: Python 3.11, "
            f"standard library only, {self.params['timeout_s']:g} s for all tests together, no files, "
            "network or subprocesses; floats are compared within 1e-6. Reply with the complete code "
            "(imports and helpers included) in one ```python fenced block; the last such block is graded."
        )

    def extract(self, response: str) -> str | None:
        return extract_code(response)

    def format_answer(self, answer: str) -> str:
        return f"```python\n{answer}\n```"

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return check_code(answer, identity["tests"], self.function, timeout_s=float(self.params["timeout_s"]))

    def solve(self, identity: dict[str, Any]) -> str:
        return self.source(identity["spec"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        spec, tests = identity["spec"], identity["tests"]
        variants = [self.source(v) for v in self.variants(spec) if v != spec]
        bugs = [answer.replace(old, new, 1) for old, new in self.bugs if old in answer]
        stub = f"def {self.function}(*args):\n    return None\n"
        out: list[str] = []
        # Each check costs a subprocess (the checker verifies every perturbation at every level): keep two
        # near misses of different kinds that really fail a test, one spec variant and one bug; the stub
        # stands in for a kind that offers none.
        for group in (variants, bugs, [stub]):
            if len(out) >= 2:
                break
            for c in group:
                if c != answer and c not in out and not _run_local(c, self.function, tests):
                    out.append(c)
                    break
        return out


_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "po", "si", "ve", "da", "zo", "be", "qu", "ix", "ha", "gy")


def word(rng: random.Random, lo: int = 1, hi: int = 3) -> str:
    """A random lowercase pseudo-word of ``lo`` to ``hi`` syllables."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(lo, hi)))


def text(rng: random.Random, n: int, alphabet: str) -> str:
    """A random string of length ``n`` over ``alphabet``."""
    return "".join(rng.choice(alphabet) for _ in range(n))
