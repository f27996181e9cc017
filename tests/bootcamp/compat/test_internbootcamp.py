"""The InternBootCamp adapter, on classes written to InternBootCamp's interface."""

import random
import re

import pytest

from bootcamp import Registry, check_task
from bootcamp.compat.internbootcamp import wrap_internbootcamp
from bootcamp.registry import RegistrationError


class Basebootcamp:
    """InternBootCamp's base class, as its bootcamps expect it."""

    @classmethod
    def verify_score(cls, model_output, identity, format_score=0, short_penalty=True, short_threshold=100,
                     format_penalty=True):
        score = 0.0
        try:
            solution = cls.extract_output(model_output)
            if solution is None:
                return score
            judged = cls._verify_correction(solution, identity)
            score = 1.0 if judged is True else float(judged)
        except Exception:
            pass
        return score


class Caesarbootcamp(Basebootcamp):
    """Decode a Caesar cipher."""

    WORDS = ["oxygen", "carbon", "proton", "enzyme", "quartz", "photon", "neuron", "helium"]

    def __init__(self, max_shift=25, n_words=3):
        self.max_shift = max_shift
        self.n_words = n_words

    def case_generator(self):
        plain = " ".join(random.choice(self.WORDS) for _ in range(self.n_words))
        shift = random.randint(1, self.max_shift)
        cipher = "".join(chr((ord(c) - 97 + shift) % 26 + 97) if c.isalpha() else c for c in plain)
        return {"cipher": cipher, "shift": shift}

    @staticmethod
    def prompt_func(question_case):
        return (f"Decode the Caesar cipher '{question_case['cipher']}' (shift {question_case['shift']}). "
                "Write the plain text as [answer]text[/answer].")

    @staticmethod
    def extract_output(output):
        matches = re.findall(r"\[answer\](.*?)\[/answer\]", output, re.DOTALL)
        return matches[-1].strip() if matches else None

    @classmethod
    def _verify_correction(cls, solution, identity):
        shift = identity["shift"]
        encoded = "".join(chr((ord(c) - 97 + shift) % 26 + 97) if c.isalpha() else c for c in solution.lower())
        return encoded == identity["cipher"]


def caesar_solver(identity):
    plain = "".join(chr((ord(c) - 97 - identity["shift"]) % 26 + 97) if c.isalpha() else c
                    for c in identity["cipher"])
    return f"[answer]{plain}[/answer]"


class Partialbootcamp(Basebootcamp):
    """Sort numbers; partial credit for the share in place (returns a float)."""

    def case_generator(self):
        return {"numbers": random.sample(range(100), 6)}

    @staticmethod
    def prompt_func(case):
        return f"Sort {case['numbers']} ascending, as [answer]a,b,...[/answer]."

    @staticmethod
    def extract_output(output):
        m = re.findall(r"\[answer\](.*?)\[/answer\]", output)
        return [int(x) for x in m[-1].split(",")] if m else None

    @classmethod
    def _verify_correction(cls, solution, identity):
        target = sorted(identity["numbers"])
        if len(solution) != len(target):
            return False
        return sum(a == b for a, b in zip(solution, target, strict=True)) / len(target)


@pytest.fixture
def reg():
    return Registry(load_plugins=False)


def test_wrapped_bootcamp_conforms(reg):
    wrap_internbootcamp(Caesarbootcamp, "logic/ib_caesar", caesar_solver, registry=reg)
    assert reg.ids() == ["logic/ib_caesar"]
    assert reg.entry("logic/ib_caesar").source == "internbootcamp"
    report = check_task("logic/ib_caesar", seeds=10, registry=reg)
    assert report.passed, report.failures


class HashOrderbootcamp(Caesarbootcamp):
    """A Caesar cipher whose words come in set order: string hashing decides it, per process."""

    def case_generator(self):
        words = list({w + str(random.randint(0, 9)) for w in self.WORDS})[:self.n_words]
        shift = random.randint(1, self.max_shift)
        cipher = "".join(chr((ord(c) - 97 + shift) % 26 + 97) if c.isalpha() else c for c in " ".join(words))
        return {"cipher": cipher, "shift": shift}


def test_a_wrapped_class_is_generated_again_in_a_fresh_process(reg):
    """Wraps are rebuilt by reference in the checker's fresh process (another PYTHONHASHSEED); a class
    whose cases follow string hashing is refused there, with the seed that differed."""
    from bootcamp.checker_process import check_cross_process

    cls = wrap_internbootcamp(Caesarbootcamp, "logic/ib_caesar", caesar_solver, registry=reg)
    assert cls.rebuild_spec is not None
    report = check_cross_process([reg.get("logic/ib_caesar")], seeds=(0, 1, 2))["logic/ib_caesar"]
    assert report.passed and not report.warnings, (report.failures, report.warnings)
    with pytest.raises(RegistrationError, match="fresh process|differ"):
        wrap_internbootcamp(HashOrderbootcamp, "logic/ib_hash", caesar_solver, registry=reg)
    assert "logic/ib_hash" not in reg.ids()
    local = wrap_internbootcamp(Caesarbootcamp, "logic/ib_local", lambda ident: caesar_solver(ident), registry=reg)
    assert local.rebuild_spec is None  # a lambda cannot be imported by reference: checked in process only


def test_generation_is_deterministic_and_leaves_global_random_alone(reg):
    task_cls = wrap_internbootcamp(Caesarbootcamp, "logic/ib_caesar", caesar_solver, registry=reg)
    task = reg.get("logic/ib_caesar")
    random.seed(123)
    before = random.random()
    random.seed(123)
    p1 = task.problem(4)
    assert random.random() == before
    assert task.problem(4) == p1 and task.problem(5) != p1
    assert issubclass(task_cls, type(task).__mro__[1])


def test_verdicts_match_the_bootcamps_own_verify_score(reg):
    wrap_internbootcamp(Caesarbootcamp, "logic/ib_caesar", caesar_solver, registry=reg)
    task = reg.get("logic/ib_caesar")
    p = task.problem(1)
    good = caesar_solver(p.identity)
    bad = "[answer]not it[/answer]"
    for response in (good, bad, "no tags at all", "<think>[answer]x[/answer]</think>" + good):
        ours = task.verify(response, p.identity).score
        theirs = Caesarbootcamp.verify_score(response.split("</think>")[-1], p.identity, short_penalty=False,
                                             format_penalty=False)
        assert ours == theirs
    assert task.verify("no tags", p.identity).reason == "no_answer"


def test_partial_credit_and_crashing_verifier(reg):
    wrap_internbootcamp(Partialbootcamp, "logic/ib_sort", lambda i: f"[answer]{','.join(map(str, sorted(i['numbers'])))}[/answer]",
                        registry=reg)
    task = reg.get("logic/ib_sort")
    p = task.problem(0)
    nums = sorted(p.identity["numbers"])
    swapped = nums[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    v = task.verify(f"[answer]{','.join(map(str, swapped))}[/answer]", p.identity)
    assert 0 < v.score < 1 and v.reason == "wrong"
    # extract_output raises on non-integers: that is no answer, not a crash
    assert task.verify("[answer]a,b[/answer]", p.identity).reason == "no_answer"


def test_incomplete_class_is_rejected(reg):
    class NoVerify:
        def case_generator(self):
            return {}

    with pytest.raises(RegistrationError, match="lacks"):
        wrap_internbootcamp(NoVerify, "logic/ib_bad", lambda i: "", registry=reg)
