"""The InternBootCamp adapter on classes that reproduce each known failure mode: fixed or refused."""

import json
import os
import random
import re

import pytest

from bootcamp import Registry, check_task
from bootcamp.compat import internbootcamp as ib
from bootcamp.compat.internbootcamp import RefusedError, wrap_internbootcamp
from bootcamp.compat.tagged_json import decode, encode, encode_identity, same

np = pytest.importorskip("numpy")

ANSWER_RE = re.compile(r"\[answer\](.*?)\[/answer\]", re.DOTALL)


class Base:
    @staticmethod
    def extract_output(output):
        m = ANSWER_RE.findall(output)
        return m[-1].strip() if m else None

    @classmethod
    def _verify_correction(cls, solution, identity):
        return solution == str(identity["total"])

    @staticmethod
    def prompt_func(case):
        return f"Add {case['numbers']}. Answer as [answer]n[/answer]."


def total_solver(case):
    return f"[answer]{case['total']}[/answer]"


def _case(numbers):
    numbers = [int(x) for x in numbers]
    return {"numbers": numbers, "total": sum(numbers)}


class OwnNumpyGenerator(Base):
    """Owns a numpy generator seeded (from the OS) at construction."""

    def __init__(self):
        self.rng = np.random.default_rng()

    def case_generator(self):
        return _case(self.rng.integers(0, 1000, size=4))


class OwnRandom(Base):
    """Owns a random.Random seeded at construction."""

    def __init__(self):
        self.rng = random.Random()

    def case_generator(self):
        return _case(self.rng.randrange(1000) for _ in range(4))


class RandomInInit(Base):
    """Draws from the unseeded global random in __init__ (differs between processes)."""

    def __init__(self):
        self.offset = random.randrange(10**6)

    def case_generator(self):
        return _case([self.offset, random.randrange(1000)])


class Pool(Base):
    """Pops cases from a pool drawn in __init__: a case depends on how many were generated before."""

    def __init__(self):
        self.pool = [random.randrange(1000) for _ in range(200)]

    def case_generator(self):
        return _case([self.pool.pop(), random.randrange(10)])


class Hopeless(Base):
    """Draws from the OS: nothing makes it deterministic."""

    def case_generator(self):
        return _case(os.urandom(3))


class Templates(Base):
    """Chooses a prompt template at random."""

    TEMPLATES = ["Add {n}.", "What is the sum of {n}?", "Sum up {n}.", "Total of {n}?"]

    def case_generator(self):
        return _case(random.sample(range(100), 3))

    @classmethod
    def prompt_func(cls, case):
        return random.choice(cls.TEMPLATES).format(n=case["numbers"]) + " Answer as [answer]n[/answer]."


class LastPrompt(Base):
    """prompt_func returns the prompt of the last generated case, whatever it is given."""

    def case_generator(self):
        case = _case(random.sample(range(100), 3))
        self.last = f"Add {case['numbers']}. Answer as [answer]n[/answer]."
        return case

    def prompt_func(self, case):
        return self.last


class ConstantPrompt(Base):
    """prompt_func ignores its argument."""

    def case_generator(self):
        return _case(random.sample(range(100), 3))

    @staticmethod
    def prompt_func(case):
        return "Add the numbers. Answer as [answer]n[/answer]."


class Maze(Base):
    """Cells are tuples; the prompt marks the start and end by comparing tuples."""

    def case_generator(self):
        n = 4
        start = (random.randrange(n), 0)
        end = (random.randrange(n), n - 1)
        return {"n": n, "start": start, "end": end, "walls": {(1, 1), (2, 2)}}

    @staticmethod
    def prompt_func(case):
        rows = []
        for r in range(case["n"]):
            rows.append("".join("S" if (r, c) == case["start"] else "E" if (r, c) == case["end"]
                                else "#" if (r, c) in case["walls"] else "." for c in range(case["n"])))
        return "\n".join(rows) + "\nGive the start row and end row as [answer]a,b[/answer]."

    @classmethod
    def _verify_correction(cls, solution, identity):
        assert isinstance(identity["start"], tuple) and isinstance(identity["walls"], set)
        return solution == f"{identity['start'][0]},{identity['end'][0]}"


def maze_solver(case):
    assert isinstance(case["start"], tuple)
    return f"[answer]{case['start'][0]},{case['end'][0]}[/answer]"


class Opaque:
    pass


class Unencodable(Base):
    def case_generator(self):
        return {"numbers": [1], "total": 1, "thing": Opaque()}


class AcceptsAnything(Base):
    def case_generator(self):
        return _case(random.sample(range(100), 3))

    @classmethod
    def _verify_correction(cls, solution, identity):
        return True


@pytest.fixture
def reg():
    return Registry(load_plugins=False)


@pytest.mark.parametrize("cls", [OwnNumpyGenerator, OwnRandom, RandomInInit, Pool, Templates])
def test_made_deterministic(reg, cls):
    wrap_internbootcamp(cls, "logic/ib_x", total_solver, registry=reg)
    task = reg.get("logic/ib_x")
    first = [task.problem(s) for s in range(5)]
    random.seed(99)
    np.random.seed(99)
    for s in (3, 1, 4, 0, 2):
        task.problem(s + 10)
        assert task.problem(s) == first[s]
    # a second instance (as another process would build it) gives the same problems
    other = type(task)("logic/ib_x")
    random.random()
    assert [other.problem(s) for s in range(5)] == first
    assert len({p.prompt for p in first}) > 1
    assert check_task("logic/ib_x", seeds=6, hostile=False, registry=reg).passed


def test_history_dependent_generation_gets_a_fresh_instance_per_seed(reg):
    cls = wrap_internbootcamp(Pool, "logic/ib_pool", total_solver, registry=reg)
    assert cls.fresh_instance is True
    cls2 = wrap_internbootcamp(OwnRandom, "logic/ib_own", total_solver, registry=reg)
    assert cls2.fresh_instance is False


@pytest.mark.parametrize(("cls", "reason"), [
    (Hopeless, ib.NOT_DETERMINISTIC),
    (LastPrompt, ib.PROMPT_DEPENDS_ON_HISTORY),
    (ConstantPrompt, ib.PROMPT_IGNORES_IDENTITY),
    (Unencodable, ib.IDENTITY_NOT_ENCODABLE),
    (AcceptsAnything, ib.FAILS_CHECK),
])
def test_refused_with_a_reason(reg, cls, reason):
    with pytest.raises(RefusedError) as info:
        wrap_internbootcamp(cls, "logic/ib_bad", total_solver, registry=reg)
    assert info.value.reason == reason, info.value
    assert reason in str(info.value)
    assert reg.ids() == []


def test_maze_identity_keeps_its_tuples(reg):
    wrap_internbootcamp(Maze, "logic/ib_maze", maze_solver, registry=reg)
    task = reg.get("logic/ib_maze")
    p = task.problem(2)
    grid = p.prompt.split("\n")[:4]
    assert sum(row.count("S") for row in grid) == 1 and sum(row.count("E") for row in grid) == 1
    assert json.loads(json.dumps(p.identity)) == p.identity
    assert p.identity["start"] == {"__tuple__": list(task.decode(p.identity)["start"])}
    # the plain JSON round trip this replaces lost both cells
    plain = json.loads(json.dumps({**task.decode(p.identity), "walls": [[1, 1], [2, 2]]}))
    assert "S" not in Maze.prompt_func(plain) and "E" not in Maze.prompt_func(plain).split("\n")[0]
    assert task.verify(maze_solver(task.decode(p.identity)), p.identity).correct
    assert check_task("logic/ib_maze", seeds=8, hostile=False, registry=reg).passed


def test_generation_restores_global_generators(reg):
    wrap_internbootcamp(OwnNumpyGenerator, "logic/ib_np", total_solver, registry=reg)
    task = reg.get("logic/ib_np")
    random.seed(5)
    np.random.seed(5)
    expected = (random.random(), np.random.random())
    random.seed(5)
    np.random.seed(5)
    task.problem(1)
    task.verify("[answer]1[/answer]", task.problem(2).identity)
    assert (random.random(), np.random.random()) == expected


@pytest.mark.parametrize("value", [
    {"a": (1, (2, 3)), "b": [(), {4, 5}], "c": frozenset({"x"})},
    {(0, 1): "cell", 2: [1.5, float("inf")], "__tuple__": "a key that looks like a tag"},
    [1, 2],
    {"arr": np.arange(6).reshape(2, 3), "n": np.int64(7), "f": np.float64(0.5), "flag": True},
    {"nan": float("nan"), "none": None, "s": "é"},
])
def test_tagged_json_round_trip(value):
    ident = encode_identity(value)
    assert isinstance(ident, dict)
    text = json.dumps(ident, allow_nan=False)
    assert same(decode(json.loads(text)), value)
    assert json.loads(text) == ident


def test_tagged_json_refuses_objects():
    with pytest.raises(TypeError, match="Opaque"):
        encode({"x": Opaque()})
    assert encode({"plain": [1, "a"]}) == {"plain": [1, "a"]}
