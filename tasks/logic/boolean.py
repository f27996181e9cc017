"""Propositional logic: evaluation, tautologies, equivalence, model counting, SAT (checked by evaluating)."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

from bootcamp import Score, Task, invalid
from tasks.logic._common import Op, TableTask, pick, register_table, too_long

_BIN = {"and": "AND", "or": "OR", "imp": "IMPLIES", "iff": "IFF", "xor": "XOR"}


def random_formula(rng: random.Random, names: list[str], depth: int) -> Any:
    """A formula as nested lists: a variable name, ["not", f] or [op, f, g]."""
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(names)
    if rng.random() < 0.2:
        return ["not", random_formula(rng, names, depth - 1)]
    return [rng.choice(list(_BIN)), random_formula(rng, names, depth - 1), random_formula(rng, names, depth - 1)]


def evaluate(f: Any, env: dict[str, bool]) -> bool:
    if isinstance(f, str):
        return env[f]
    if f[0] == "not":
        return not evaluate(f[1], env)
    a, b = evaluate(f[1], env), evaluate(f[2], env)
    return {"and": a and b, "or": a or b, "imp": (not a) or b, "iff": a == b, "xor": a != b}[f[0]]


def show(f: Any) -> str:
    if isinstance(f, str):
        return f
    if f[0] == "not":
        return f"NOT {show(f[1])}"
    return f"({show(f[1])} {_BIN[f[0]]} {show(f[2])})"


def variables(f: Any) -> list[str]:
    """The variable names of ``f``, sorted."""
    found: set[str] = set()
    stack = [f]
    while stack:
        g = stack.pop()
        if isinstance(g, str):
            found.add(g)
        else:
            stack.extend(g[1:])
    return sorted(found)


def size(f: Any) -> int:
    """Nodes of ``f`` (variables and connectives)."""
    return 1 if isinstance(f, str) else 1 + sum(size(g) for g in f[1:])


def models(f: Any) -> list[dict[str, bool]]:
    names = variables(f)
    envs = [dict(zip(names, vals, strict=False)) for vals in itertools.product([False, True], repeat=len(names))]
    return [e for e in envs if evaluate(f, e)]


def table_size(f: Any) -> int:
    return 2 ** len(variables(f))


def work(f: Any) -> float:
    """Evaluations a truth table of ``f`` takes: nodes times rows (the reference solution's steps)."""
    return float(size(f) * table_size(f))


def _formula_with(rng: random.Random, want: Any, names: str = "pqr", depth: int = 3) -> Any:
    """A random formula for which ``want(f)`` holds (rejection sampling, then any formula)."""
    f = random_formula(rng, list(names), depth)
    for _ in range(300):
        if want(f):
            return f
        f = random_formula(rng, list(names), depth)
    return f


def full_formula(rng: random.Random, names: list[str], depth: int) -> Any:
    """A random formula whose top ``min(depth, 2)`` levels are connectives (never a bare variable)."""
    if depth <= 0:
        return rng.choice(names)
    grow = random_formula if depth <= 2 else full_formula
    sub = (lambda: grow(rng, names, depth - 1)) if depth > 1 else (lambda: rng.choice(names))
    if rng.random() < 0.15:
        return ["not", sub()]
    return [rng.choice(list(_BIN)), sub(), sub()]


_NAMES = "pqrstu"


def _names(n: int, rng: random.Random | None = None) -> str:
    """``n`` variable names: the first of ``pqrstu``, or (given ``rng``) drawn from ``p``..``z``."""
    return "".join(sorted(rng.sample("pqrstuvwyz", n))) if rng is not None else _NAMES[:n]


def _drawn(rng: random.Random, n: int, s: int) -> str:
    """Names for a table op at scale ``s``: drawn, except at scale 3 (the family as first registered)."""
    return _names(n) if s == 3 else _names(n, rng)


def _tautology_gen(rng: random.Random, s: int) -> dict[str, Any]:
    """Label first: formulas are redrawn until their being a tautology matches the drawn label."""
    n, depth = pick(s, ((2, 3), (3, 3), (3, 4), (4, 4), (5, 4)))
    is_taut = rng.random() < 0.5
    f = _formula_with(rng, lambda f: len(variables(f)) >= max(n - 1, 2) and (len(models(f)) == table_size(f)) == is_taut,
                      _names(n, rng), depth)
    return {"f": f}


def _mutate(rng: random.Random, f: Any, names: list[str]) -> Any:
    """``f`` with one connective or variable changed somewhere."""
    if isinstance(f, str):
        return rng.choice([n for n in names if n != f] or names)
    if f[0] == "not":
        return f[1] if rng.random() < 0.3 else ["not", _mutate(rng, f[1], names)]
    r = rng.random()
    if r < 0.34:
        return [rng.choice([o for o in _BIN if o != f[0]]), f[1], f[2]]
    if r < 0.67:
        return [f[0], _mutate(rng, f[1], names), f[2]]
    return [f[0], f[1], _mutate(rng, f[2], names)]


def _pair_gen(rng: random.Random, s: int) -> dict[str, Any]:
    """Label first: the second formula is a rewriting of the first, or of a one-symbol mutation of it."""
    n, depth = pick(s, ((2, 2), (3, 2), (3, 3), (4, 3), (4, 4)))
    names = list(_names(n, rng))
    same = rng.random() < 0.5
    for _ in range(100):
        f = full_formula(rng, names, depth)
        src = f if same else _mutate(rng, f, names)
        g = _rewrite(src, rng)
        if g != f and _equiv({"f": f, "g": g}) == same:
            break
    return {"f": f, "g": g}


def _rewrite(f: Any, rng: random.Random | None = None) -> Any:
    """An equivalent formula: connectives rewritten by De Morgan and definitions (each with chance 0.7 when
    ``rng`` is given, else all of them)."""
    if isinstance(f, str):
        return f
    if f[0] == "not":
        return ["not", _rewrite(f[1], rng)]
    a, b = _rewrite(f[1], rng), _rewrite(f[2], rng)
    if rng is not None and rng.random() < 0.3:
        return [f[0], b, a] if f[0] != "imp" else ["imp", ["not", b], ["not", a]]
    return {"imp": ["or", ["not", a], b], "iff": ["and", ["imp", a, b], ["imp", b, a]],
            "xor": ["not", ["iff", a, b]], "and": ["not", ["or", ["not", a], ["not", b]]],
            "or": ["not", ["and", ["not", a], ["not", b]]]}[f[0]]


def _equiv(i: dict[str, Any]) -> bool:
    names = sorted(set(variables(i["f"])) | set(variables(i["g"])))
    return all(evaluate(i["f"], dict(zip(names, v, strict=False))) == evaluate(i["g"], dict(zip(names, v, strict=False)))
               for v in itertools.product([False, True], repeat=len(names)))


def _eval_gen(rng: random.Random, s: int) -> dict[str, Any]:
    """Label first: formula and assignment are redrawn until the formula has the drawn value."""
    n, depth = pick(s, ((3, 2), (4, 3), (4, 4), (5, 5), (6, 6)))
    names = list(_names(n, rng))
    want = rng.random() < 0.5
    for _ in range(100):
        f, env = full_formula(rng, names, depth), {v: rng.random() < 0.5 for v in names}
        if evaluate(f, env) == want:
            break
    return {"f": f, "env": env}


def _env_text(env: dict[str, bool]) -> str:
    return ", ".join(f"{k} = {'true' if v else 'false'}" for k, v in sorted(env.items()))


def _table_gen(rng: random.Random, s: int) -> dict[str, Any]:
    n, depth = pick(s, ((2, 2), (2, 3), (3, 3), (4, 3), (4, 4)))
    return {"f": _formula_with(rng, lambda f: len(variables(f)) == n, _drawn(rng, n, s), depth)}


def _rows(i: dict[str, Any]) -> list[dict[str, bool]]:
    names = variables(i["f"])
    return [dict(zip(names, vals, strict=True)) for vals in itertools.product([False, True], repeat=len(names))]


def _table_question(i: dict[str, Any]) -> str:
    names = variables(i["f"])
    n = len(names)
    rows = [format(b, f"0{n}b") for b in range(2**n)]
    order = ", ".join(rows) if n < 3 else f"{rows[0]}, {rows[1]}, {rows[2]}, ..., {rows[-1]}"
    return (f"Write the truth table column of {show(i['f'])} over {', '.join(names)}: one bit (1 = true) per row, rows "
            f"in the order {''.join(names)} = {order} (0 = false), as a {2**n}-bit string.")


def _count_gen(rng: random.Random, s: int) -> dict[str, Any]:
    n, depth = pick(s, ((3, 3), (4, 3), (4, 4), (5, 4), (6, 5)))
    return {"f": _formula_with(rng, lambda f: len(variables(f)) >= n - 1, _drawn(rng, n, s), depth)}


def _f_work(i: dict[str, Any]) -> float:
    return work(i["f"])


_TABLE = {
    "truth_eval": Op(_eval_gen, lambda i: f"With {_env_text(i['env'])}, what is the truth value of {show(i['f'])}?",
                     lambda i: evaluate(i["f"], i["env"]), "bool", "Evaluate a propositional formula.",
                     lambda i: float(size(i["f"]))),
    "truth_table": Op(_table_gen, _table_question,
                      lambda i: "".join("1" if evaluate(i["f"], e) else "0" for e in _rows(i)),
                      "text", "Truth table of a formula.", _f_work),
    "tautology": Op(_tautology_gen, lambda i: f"Is {show(i['f'])} a tautology (true under every assignment)?",
                    lambda i: len(models(i["f"])) == table_size(i["f"]), "yesno", "Is a formula a tautology?", _f_work),
    "equivalent_formulas": Op(_pair_gen, lambda i: f"Are {show(i['f'])} and {show(i['g'])} logically equivalent?",
                              _equiv, "yesno", "Are two formulas equivalent?",
                              lambda i: float((size(i["f"]) + size(i["g"])) * 2 ** len(variables(["and", i["f"], i["g"]])))),
    "count_models": Op(_count_gen,
                       lambda i: f"Over the variables {', '.join(variables(i['f']))}, how many of the truth assignments "
                       f"make {show(i['f'])} true?", lambda i: len(models(i["f"])), "int",
                       "Count satisfying assignments.", _f_work),
}


class BooleanTask(TableTask):
    """Propositional logic questions picked by ``op``; the scale sets the variables and the formulas' depth."""

    description = "Propositional logic."
    table = _TABLE
    version = 3


def parse_assignment(answer: str, names: list[str]) -> dict[str, bool] | None:
    """'x1=1, x2=0' or 'x1=T ...' or a bare 0/1 string in variable order."""
    if too_long(answer, 1000):
        return None
    pairs = re.findall(r"([a-zA-Z]\w*)\s*[=:]\s*(true|false|[01TF])\b", answer, flags=re.I)
    if pairs:
        env = {k: v.lower() in ("1", "t", "true") for k, v in pairs}
        return env if sorted(env) == sorted(names) and len(pairs) == len(names) else None
    bits = re.sub(r"[\s,]", "", answer)
    if len(bits) == len(names) and set(bits) <= {"0", "1"}:
        return {n: b == "1" for n, b in zip(names, bits, strict=False)}
    return None


class CnfSat(Task):
    """Find any assignment satisfying a planted-solution 3-CNF; checked by evaluating every clause."""

    description = "Find a satisfying assignment of a CNF formula."
    default_params: dict[str, Any] = {"variables": 8, "clauses": 30}
    # Near 4.2 clauses per variable random 3-CNF is hardest; more variables widen the search.
    levels = ({"variables": 5, "clauses": 16}, {"variables": 6, "clauses": 22}, {"variables": 8, "clauses": 30},
              {"variables": 11, "clauses": 44}, {"variables": 14, "clauses": 58})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Clauses times variables: the size of the formula a solver propagates over."""
        return float(len(identity["clauses"]) * identity["n"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["variables"]
        plant = [rng.random() < 0.5 for _ in range(n)]
        clauses = []
        while len(clauses) < self.params["clauses"]:
            vs = rng.sample(range(n), 3)
            lits = [(v + 1) * rng.choice([-1, 1]) for v in vs]
            if any((lit > 0) == plant[abs(lit) - 1] for lit in lits):
                clauses.append(lits)
        return {"n": n, "clauses": clauses, "plant": [int(b) for b in plant]}

    def prompt(self, identity: dict[str, Any]) -> str:
        text = " AND ".join("(" + " OR ".join(f"{'NOT ' if lit < 0 else ''}x{abs(lit)}" for lit in c) + ")"
                            for c in identity["clauses"])
        return (f"Find an assignment of x1..x{identity['n']} that makes this formula true:\n{text}\n"
                f"Answer as a string of {identity['n']} bits (x1 first, 1 = true), e.g. 0110..., inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        names = [f"x{i + 1}" for i in range(identity["n"])]
        env = parse_assignment(answer, names)
        if env is None:
            return invalid("expected one bit per variable")
        ok = all(any(env[f"x{abs(lit)}"] == (lit > 0) for lit in c) for c in identity["clauses"])
        return 1.0 if ok else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return "".join(map(str, identity["plant"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        out = []
        for c in identity["clauses"][:2]:  # make every literal of a clause false
            bits = list(answer)
            for lit in c:
                bits[abs(lit) - 1] = "0" if lit > 0 else "1"
            out.append("".join(bits))
        return out


class Falsify(Task):
    """Give an assignment that makes a non-tautology false; checked by evaluating it.

    Levels add variables and depth and allow more falsifying rows (``max_false``); the answer is only
    checked by evaluating, so any falsifying row scores.
    """

    description = "Find a falsifying assignment of a formula."
    version = 2
    default_params: dict[str, Any] = {"names": 4, "depth": 4, "max_false": 3, "draw_names": False}
    levels = ({"names": 3, "depth": 3, "max_false": 1, "draw_names": True},
              {"names": 3, "depth": 4, "max_false": 2, "draw_names": True},
              {"names": 4, "depth": 4, "max_false": 3, "draw_names": False},
              {"names": 5, "depth": 4, "max_false": 3, "draw_names": True},
              {"names": 5, "depth": 5, "max_false": 4, "draw_names": True})
    default_level = 3

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n, k = self.params["names"], self.params["max_false"]
        f = _formula_with(rng, lambda f: len(variables(f)) >= n - 1 and 0 < table_size(f) - len(models(f)) <= k,
                          _names(n, rng if self.params["draw_names"] else None), self.params["depth"])
        if len(models(f)) == table_size(f) or len(variables(f)) == 0:
            f = ["and", "p", ["not", "q"]]
        return {"f": f}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Truth-table work (nodes times rows) per falsifying row: the search a solver faces."""
        f = identity["f"]
        return work(f) / max(table_size(f) - len(models(f)), 1)

    def prompt(self, identity: dict[str, Any]) -> str:
        names = variables(identity["f"])
        return (f"Find a truth assignment that makes {show(identity['f'])} FALSE. Answer like "
                f"{', '.join(n + '=1' for n in names)} (1 = true, 0 = false) inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        env = parse_assignment(answer, variables(identity["f"]))
        if env is None:
            return invalid("expected an assignment of every variable")
        return Score(0.0) if evaluate(identity["f"], env) else 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        names = variables(identity["f"])
        for vals in itertools.product([False, True], repeat=len(names)):
            env = dict(zip(names, vals, strict=False))
            if not evaluate(identity["f"], env):
                return ", ".join(f"{k}={int(v)}" for k, v in env.items())
        return ""

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        names = variables(identity["f"])
        out = []
        for vals in itertools.product([False, True], repeat=len(names)):
            env = dict(zip(names, vals, strict=False))
            if evaluate(identity["f"], env):
                out.append(", ".join(f"{k}={int(v)}" for k, v in env.items()))
        return out[:3]


def register(registry: Any) -> None:
    register_table(registry, BooleanTask)
    registry.register(CnfSat, "logic/cnf_sat", {}, "Find a satisfying assignment of a 3-CNF formula.")
    registry.register(Falsify, "logic/falsifying_assignment", {}, "Find an assignment that makes a formula false.")
