"""The strict answer grammars of the reasoning-gym datasets whose scorers evaluate text (bootcamp.compat.rg_safe)."""

import ast
import random

import pytest

rg = pytest.importorskip("reasoning_gym")
from sympy.parsing.sympy_parser import parse_expr  # noqa: E402

from bootcamp.compat.reasoning_gym import EVALUATING_DATASETS  # noqa: E402
from bootcamp.compat.rg_safe import SAFE_FORMS, safe_answer  # noqa: E402

REFERENCES = 100


def test_every_evaluating_dataset_has_a_grammar():
    assert set(SAFE_FORMS) == EVALUATING_DATASETS
    with pytest.raises(KeyError, match="no answer grammar"):
        safe_answer("chain_sum", "1")


def _entries(name, count, seed=11):
    """(dataset, entry) for the first ``count`` entries whose reference answer is not an unevaluated Integral."""
    ds = rg.create_dataset(name, size=10 * count, seed=seed)
    out = []
    for i in range(10 * count):
        entry = ds[i]
        if "Integral" not in str(entry["answer"]):  # refused on purpose: see test_unevaluated_integral_is_refused
            out.append(entry)
        if len(out) == count:
            return ds, out
    raise AssertionError(f"{name}: fewer than {count} usable entries")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SAFE_FORMS))
def test_reference_answers_pass_and_keep_their_score(name):
    ds, entries = _entries(name, REFERENCES)
    for entry in entries:
        answer = str(entry["answer"])
        safe = safe_answer(name, answer)
        assert safe is not None, answer
        assert ds.score_answer(safe, entry) == ds.score_answer(answer, entry) == 1.0, (answer, safe)


def _wrong(name, entry):
    """Answers inside the grammar that are wrong (or only partly right, in the list forms)."""
    answer = str(entry["answer"])
    meta = entry["metadata"]
    if name in ("countdown", "puzzle24", "polynomial_multiplication"):
        return [answer + " + 1", f"({answer}) * 2", "1 - 1"]
    if name in ("simple_integration", "intermediate_integration"):
        var = meta["variable"]
        return [f"{answer} + {var}", f"{var}**2/2 + C", "C"]
    if name == "n_queens":
        board = [row.split() for row in answer.splitlines()]
        return [answer.replace("Q", "_", 1), repr(board), "_"]
    if name == "binary_matrix":
        flipped = ("1" if answer[0] != "1" else "2") + answer[1:]
        return [flipped, repr(meta["solution"]), repr([list(map(str, r)) for r in meta["solution"]]), "0"]
    if name == "spiral_matrix":
        return [" ".join(reversed(answer.split())), repr(meta["solution"]), repr(tuple(meta["solution"][:-1]))]
    if name == "string_insertion":
        return [answer + "A", repr(list(answer)), repr(answer), "E"]
    raise AssertionError(name)


@pytest.mark.parametrize("name", sorted(SAFE_FORMS))
def test_wrong_answers_stay_wrong_with_the_same_score(name):
    ds, entries = _entries(name, 4, seed=3)
    for entry in entries:
        for answer in _wrong(name, entry):
            safe = safe_answer(name, answer)
            assert safe is not None, answer
            theirs = ds.score_answer(answer, entry)
            assert theirs < 1.0, answer
            assert ds.score_answer(safe, entry) == theirs, (answer, safe)


def test_partial_credit_forms_are_kept():
    ds, [entry] = _entries("n_queens", 1)
    rows = repr([row.split() for row in entry["answer"].splitlines()])
    assert ds.score_answer(safe_answer("n_queens", rows), entry) == ds.score_answer(rows, entry) == 0.5
    assert safe_answer("n_queens", rows.replace(", ", ",\n")) == rows  # re-printed canonically


def test_unevaluated_integral_is_refused():
    """``Integral(integrand, x) + C`` differentiates back to the integrand: reasoning-gym scores it 1.0."""
    ds = rg.create_dataset("intermediate_integration", size=10, seed=1)
    entry = ds[0]
    cheat = f"Integral({entry['metadata']['integrand']}, {entry['metadata']['variable']}) + C"
    assert ds.score_answer(cheat, entry) == 1.0
    assert safe_answer("intermediate_integration", cheat) is None


@pytest.mark.parametrize(("name", "answer"), [
    ("countdown", "1 + 2 = 3"), ("countdown", "2 x 3"), ("countdown", "2 × 3"), ("countdown", "2^3"),
    ("countdown", "1.5 * 4"), ("countdown", "2**3"), ("countdown", "007 + 1"), ("countdown", "1_000"),
    ("puzzle24", "3!"), ("puzzle24", "1e3"), ("polynomial_multiplication", "x^2"),
    ("polynomial_multiplication", "w**2"), ("simple_integration", "x**65"), ("simple_integration", "x**x"),
    ("simple_integration", "sin(x, 2)"), ("simple_integration", "f(x)"), ("simple_integration", "E**x"),
    ("intermediate_integration", "1" * 31 + "*x"), ("string_insertion", "ABF"), ("n_queens", "_ Q\n_ X"),
    ("binary_matrix", "1" * 13), ("spiral_matrix", "[1, [2, [3]]]"), ("binary_matrix", "[[1.5]]"),
])
def test_outside_the_grammar(name, answer):
    assert safe_answer(name, answer) is None


def test_blank_answers_are_kept_verbatim():
    ds = rg.create_dataset("countdown", size=10, seed=1)
    assert safe_answer("countdown", "  ") == "  "
    assert ds.score_answer("  ", ds[0]) == 0.01  # nothing to evaluate; reasoning-gym's own score is kept


HOSTILE = [
    "__import__('os').system('id')",
    "__import__('os').write(3, b'{\"score\": 1.0}\\n')",
    "().__class__.__base__.__subclasses__()",
    "x.__class__",
    "sin.__globals__",
    "(lambda: 1)()",
    "lambda: 1",
    "[c for c in 'ABC']",
    "{c: 1 for c in 'A'}",
    "(c for c in [1])",
    "__builtins__",
    "__import__",
    "open('/etc/passwd').read()",
    "exec('1')",
    "eval('1')",
    "getattr(x, 'y')",
    "9**9**9",
    "2 ** 10 ** 100",
    "(10**30)**64**2",
    "1" * 10_000,
    "x*" + "9" * 10_000,
    "(" * 5_000 + "1" + ")" * 5_000,
    "[" * 5_000 + "]" * 5_000,
    "-" * 3_000 + "1",
    "+".join(["x"] * 3_000),
    "１ + ２",
    "1 − 2",
    "ｘ**2",
    "х**2",
    "[[１]]",
    "['Ａ']",
    "1\nimport os",
    "1\n__import__('os').system('id')",
    "1; __import__('os')",
    "f'{1}'",
    "b'A'",
    "'\\x41'",
    "'A' * 10**9",
    "[0] * 10**9",
    "x if x else x",
    "(x := 1)",
    "x[0]",
    "*x",
]


def test_hostile_answers_are_refused_before_anything_evaluates_them(monkeypatch):
    """The grammar refuses from the parsed tree alone: no sympy parser, no eval, whatever the text asks for
    (how long a refusal takes is measured in bench/bench_sandbox.py)."""
    import builtins

    import sympy
    from sympy.parsing import sympy_parser

    def forbidden(*args, **kwargs):
        raise AssertionError("the grammar evaluated an answer")

    for module, name in ((sympy, "sympify"), (sympy_parser, "parse_expr"), (builtins, "eval"), (builtins, "exec")):
        monkeypatch.setattr(module, name, forbidden)
    for name in SAFE_FORMS:
        for answer in HOSTILE:
            assert safe_answer(name, answer) is None, (name, answer)


def _random_tree(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(["x", "C", "3", "12", "0.5", "7"])
    kind = rng.random()
    if kind < 0.15:
        return f"-({_random_tree(rng, depth - 1)})"
    if kind < 0.25:
        return f"{rng.choice(['sin', 'exp', 'log', 'sqrt'])}({_random_tree(rng, depth - 1)})"
    if kind < 0.4:
        return f"({_random_tree(rng, depth - 1)})**{rng.choice(['2', '(3/2)', '(-1)', '0.5'])}"
    op = rng.choice(["+", "-", "*", "/"])
    return f"({_random_tree(rng, depth - 1)}) {op} ({_random_tree(rng, depth - 1)})"


def test_reprint_is_the_same_tree_and_the_same_sympy_expression():
    rng = random.Random(5)
    for _ in range(200):
        text = ast.unparse(ast.parse(_random_tree(rng, 5), mode="eval"))  # Python's own minimal parentheses
        safe = safe_answer("intermediate_integration", text)
        assert safe is not None, text
        assert ast.dump(ast.parse(safe, mode="eval")) == ast.dump(ast.parse(text, mode="eval"))
        local = {"x": parse_expr("x"), "C": parse_expr("C")}
        assert parse_expr(safe, local_dict=local) == parse_expr(text, local_dict=local), (text, safe)
