"""Red team: InternBootCamp-style verifiers that ``eval`` the model's answer must not run it.

Each class here is written the way such verifiers are found in the wild
(``Game24``, ``KorPuzzle24Points``): numbers checked with a regex, then
``eval`` of the answer. Unwrapped, an answer whose arithmetic hides a side
effect runs it and scores 1.0.
"""

from __future__ import annotations

import random
import re
import threading

import pytest
import sympy
from sympy import sympify

from bootcamp import Registry
from bootcamp.compat import ib_guard, safe_eval
from bootcamp.compat.internbootcamp import UNGUARDED_EVAL, RefusedError, wrap_internbootcamp

CASES = [[4, 6, 1, 1], [3, 8, 1, 1], [2, 3, 4, 1], [2, 2, 6, 1], [1, 2, 3, 4], [8, 3, 1, 1]]
_EVAL = eval  # a verifier may reach eval under another name


class Game24bootcamp:
    """Make 24 from four numbers (eval of the answer, exceptions left to the caller)."""

    def case_generator(self):
        return {"numbers": list(random.choice(CASES))}

    @staticmethod
    def prompt_func(case):
        return f"Make 24 from {case['numbers']}, each once. Answer as [[expression]]."

    @staticmethod
    def extract_output(output):
        found = re.findall(r"\[\[(.*?)\]\]", output, re.DOTALL)
        return found[-1].strip() if found else None

    @classmethod
    def _verify_correction(cls, solution, identity):
        used = sorted(int(n) for n in re.findall(r"\b\d+\b", solution))
        if used != sorted(identity["numbers"]):
            return False
        return abs(eval(solution.replace("×", "*").replace("÷", "/")) - 24) < 1e-6


class Swallowing24bootcamp(Game24bootcamp):
    """The same through a helper that swallows every exception (as KorPuzzle24Points does)."""

    @classmethod
    def _verify_correction(cls, solution, identity):
        try:
            return cls._value(solution, identity)
        except:  # noqa: E722 - as found in the wild
            return False

    @staticmethod
    def _value(solution, identity):
        used = sorted(int(n) for n in re.findall(r"\b\d+\b", solution))
        return used == sorted(identity["numbers"]) and abs(_EVAL(solution) - 24) < 1e-6


class Sympy24bootcamp(Game24bootcamp):
    """The same, read by sympy (``sympify`` evaluates text too)."""

    @classmethod
    def _verify_correction(cls, solution, identity):
        used = sorted(int(n) for n in re.findall(r"\b\d+\b", solution))
        return used == sorted(identity["numbers"]) and sympify(solution) == 24


class Chained24bootcamp(Game24bootcamp):
    """parse_expr reached through a chain of modules: no stand-in can be put there."""

    @classmethod
    def _verify_correction(cls, solution, identity):
        return sympy.parsing.sympy_parser.parse_expr(solution) == 24


class Sumbootcamp(Game24bootcamp):
    """No evaluation: the answer is compared as an integer."""

    @classmethod
    def _verify_correction(cls, solution, identity):
        return solution == str(sum(identity["numbers"]))


def solve24(case):
    a, b, c, d = case["numbers"]
    for expr in (f"{a} * {b} * {c} * {d}", f"({a} + {b}) * {c} * {d}", f"{a} * ({b} + {c} + {d})",
                 f"({a} + {b} + {c}) * {d}", f"{a} * {b} * ({c} + {d})", f"{a} * {b} + {c} * {d}",
                 f"({a} * {b} + {c}) * {d}"):
        if abs(eval(expr) - 24) < 1e-9:
            return f"[[{expr}]]"
    raise AssertionError(case)


def _task(cls, solver=solve24):
    reg = Registry(load_plugins=False)
    task_cls = wrap_internbootcamp(cls, "math/ib_test", solver, registry=reg)
    task = reg.get("math/ib_test")
    return task_cls, task, task.problem(0).identity


def _product(identity):
    return "*".join(map(str, identity["numbers"]))


#: Answers whose arithmetic is right but that create the file ``pwned`` in the working directory on the way
#: (no digits besides the case's numbers, so the verifiers' number check passes and they reach eval).
ATTACKS = [
    "__import__('os').system('touch pwned') or {numbers}",
    "open('pwned', 'w').write('x') and {numbers}",
    "(lambda: open('pwned', 'w'))() and {numbers}",
    "exec(\"open('pwned', 'w').close()\") or {numbers}",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'].pop()()"
    "._module.__builtins__['open']('pwned', 'w') and {numbers}",
    "eval(compile(\"open('pwned', 'w')\", 'x', 'eval')) and {numbers}",
]


def _attacks(identity):
    return [f"[[{a.format(numbers=_product(identity))}]]" for a in ATTACKS]


@pytest.mark.parametrize("cls", [Game24bootcamp, Swallowing24bootcamp, Sympy24bootcamp])
def test_side_effects_do_not_run_and_score_below_one(cls, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    task_cls, task, identity = _task(cls)
    assert task_cls.evaluating and task.evaluating
    assert task.verify(solve24(task.decode(identity)), identity).score == 1.0
    for response in _attacks(identity):
        verdict = task.verify(response, identity)
        assert verdict.score < 1.0 and verdict.reason != "ok", (response, verdict)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("attack", range(len(ATTACKS)))
def test_each_attack_runs_when_unguarded(attack, tmp_path, monkeypatch):
    """The class called directly, as unwrapped: the side effect happens and scores (what the wrapper prevents)."""
    monkeypatch.chdir(tmp_path)
    identity = {"numbers": [2, 3, 4, 1]}
    solution = Game24bootcamp.extract_output(_attacks(identity)[attack])
    assert Game24bootcamp._verify_correction(solution, identity) is True
    assert (tmp_path / "pwned").exists()


def test_evaluating_flag_and_the_uses_found():
    assert _task(Game24bootcamp)[0].evaluating_calls == ("eval",)
    assert _task(Swallowing24bootcamp)[0].evaluating_calls == ("_EVAL=eval",)
    assert _task(Sympy24bootcamp)[0].evaluating_calls == ("sympify",)
    plain, task, _ = _task(Sumbootcamp, lambda case: f"[[{sum(case['numbers'])}]]")
    assert not plain.evaluating and plain.evaluating_calls == () and not task.guard.patches


def test_a_route_the_stand_ins_cannot_reach_is_refused():
    with pytest.raises(RefusedError) as err:
        _task(Chained24bootcamp)
    assert err.value.reason == UNGUARDED_EVAL and "parse_expr" in err.value.detail


def test_refused_text_is_a_failed_verdict_not_a_crash():
    _cls, task, identity = _task(Game24bootcamp)
    verdict = task.verify(f"[[().__class__ and {_product(identity)}]]", identity)
    assert verdict.reason == "invalid_answer" and "Attribute" in verdict.detail


def test_module_globals_are_restored_and_concurrent_scoring_is_right():
    _cls, task, identity = _task(Game24bootcamp)
    good, bad = solve24(task.decode(identity)), f"[[__import__('os') or {_product(identity)}]]"
    errors = []

    def work():
        for _ in range(15):
            if task.verify(good, identity).score != 1.0 or task.verify(bad, identity).score != 0.0:
                errors.append("wrong score")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert "eval" not in globals() and "sympify" in globals() and globals()["sympify"] is sympy.sympify
    assert _EVAL is eval and eval("1 + 1") == 2


def test_safe_eval_alone():
    assert safe_eval.safe_eval("8 / (3 - 8 / 3)") == pytest.approx(24)
    assert safe_eval.safe_eval("a * 2 + b", {"a": 3}, {"b": 1}) == 7
    assert safe_eval.safe_eval("[1, (2, 'x'), {3: None}] != [] and not False") is True
    for text in ("__import__('os')", "a.b", "f(1)", "9**9**9", "2**20000", "'a' * 1000", "x",
                 "(lambda: 1)", "[x for x in ()]", "1 if 1 else 0", "b'x'", "1 << 5", "(" * 100 + "1" + ")" * 100):
        with pytest.raises(ValueError):
            safe_eval.safe_eval(text, {"a": object()})
    for stand_in in (safe_eval.refuse_exec, safe_eval.refuse_compile, safe_eval.refuse_import):
        with pytest.raises(ValueError):
            stand_in("1")


def test_guard_finds_module_attributes():
    class ViaModule(Game24bootcamp):
        @classmethod
        def _verify_correction(cls, solution, identity):
            return sympy.sympify(solution) == 24

    guard = ib_guard.scan(ViaModule)
    assert guard.found == ("sympy.sympify",) and not guard.unguarded
    with guard.active():
        assert sympy.sympify("2 * 12") == 24  # the proxy: stand-in for sympify, the rest is sympy's
        assert sympy.Symbol("x") == sympy.sympify("x")
        with pytest.raises(ValueError):
            sympy.sympify("__import__('os')")
    assert isinstance(globals()["sympy"], type(re)) and globals()["sympy"].sympify is sympify
