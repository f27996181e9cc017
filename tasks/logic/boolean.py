"""Propositional logic: evaluation, tautologies, equivalence, model counting, SAT (checked by evaluating)."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

from bootcamp import Score, Task, invalid
from tasks.logic._common import Op, TableTask, register_table, too_long

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
    found = set(re.findall(r"\b[pqrs]\b", show(f)))
    return sorted(found)


def models(f: Any) -> list[dict[str, bool]]:
    names = variables(f)
    envs = [dict(zip(names, vals, strict=False)) for vals in itertools.product([False, True], repeat=len(names))]
    return [e for e in envs if evaluate(f, e)]


def table_size(f: Any) -> int:
    return 2 ** len(variables(f))


def _formula_with(rng: random.Random, want: Any, names: str = "pqr", depth: int = 3) -> Any:
    """A random formula for which ``want(f)`` holds (rejection sampling, then any formula)."""
    f = random_formula(rng, list(names), depth)
    for _ in range(300):
        if want(f):
            return f
        f = random_formula(rng, list(names), depth)
    return f


def _tautology_gen(rng: random.Random) -> dict[str, Any]:
    is_taut = rng.random() < 0.5
    f = _formula_with(rng, lambda f: len(variables(f)) >= 2 and (len(models(f)) == table_size(f)) == is_taut, "pq")
    return {"f": f}


def _pair_gen(rng: random.Random) -> dict[str, Any]:
    f = random_formula(rng, list("pqr"), 2)
    if rng.random() < 0.5:
        g = _rewrite(f)
    else:
        g = random_formula(rng, list("pqr"), 2)
    return {"f": f, "g": g}


def _rewrite(f: Any) -> Any:
    """An equivalent formula: implications and iff expanded, double negations added around leaves."""
    if isinstance(f, str):
        return f
    if f[0] == "not":
        return ["not", _rewrite(f[1])]
    a, b = _rewrite(f[1]), _rewrite(f[2])
    return {"imp": ["or", ["not", a], b], "iff": ["and", ["imp", a, b], ["imp", b, a]],
            "xor": ["not", ["iff", a, b]], "and": ["not", ["or", ["not", a], ["not", b]]],
            "or": ["not", ["and", ["not", a], ["not", b]]]}[f[0]]


def _equiv(i: dict[str, Any]) -> bool:
    names = sorted(set(variables(i["f"])) | set(variables(i["g"])))
    return all(evaluate(i["f"], dict(zip(names, v, strict=False))) == evaluate(i["g"], dict(zip(names, v, strict=False)))
               for v in itertools.product([False, True], repeat=len(names)))


def _eval_gen(rng: random.Random) -> dict[str, Any]:
    return {"f": random_formula(rng, list("pqrs"), 4), "env": {n: rng.random() < 0.5 for n in "pqrs"}}


def _env_text(env: dict[str, bool]) -> str:
    return ", ".join(f"{k} = {'true' if v else 'false'}" for k, v in sorted(env.items()))


_TABLE = {
    "truth_eval": Op(_eval_gen, lambda i: f"With {_env_text(i['env'])}, what is the truth value of {show(i['f'])}?",
                     lambda i: evaluate(i["f"], i["env"]), "bool", "Evaluate a propositional formula."),
    "truth_table": Op(lambda r: {"f": _formula_with(r, lambda f: len(variables(f)) == 3, "pqr", 3)},
                      lambda i: f"Write the truth table column of {show(i['f'])} over p, q, r: one bit (1 = true) per "
                      "row, rows in the order pqr = 000, 001, 010, ..., 111 (0 = false), as an 8-bit string.",
                      lambda i: "".join("1" if evaluate(i["f"], dict(zip("pqr", (b >> 2 & 1, b >> 1 & 1, b & 1),
                                                                          strict=True))) else "0" for b in range(8)),
                      "text", "Truth table of a formula."),
    "tautology": Op(_tautology_gen, lambda i: f"Is {show(i['f'])} a tautology (true under every assignment)?",
                    lambda i: len(models(i["f"])) == table_size(i["f"]), "yesno", "Is a formula a tautology?"),
    "equivalent_formulas": Op(_pair_gen, lambda i: f"Are {show(i['f'])} and {show(i['g'])} logically equivalent?",
                              _equiv, "yesno", "Are two formulas equivalent?"),
    "count_models": Op(lambda r: {"f": _formula_with(r, lambda f: len(variables(f)) >= 3, "pqrs", 4)},
                       lambda i: f"Over the variables {', '.join(variables(i['f']))}, how many of the truth assignments "
                       f"make {show(i['f'])} true?", lambda i: len(models(i["f"])), "int",
                       "Count satisfying assignments."),
}


# These generators draw at one size: the family has no levels yet (its table predates them).
for _op in _TABLE.values():
    _op.gen = (lambda gen: lambda rng, scale: gen(rng))(_op.gen)


class BooleanTask(TableTask):
    """Propositional logic questions picked by ``op``."""

    description = "Propositional logic."
    table = _TABLE
    version = 2
    levels = ()
    default_level = None


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
    """Give an assignment that makes a non-tautology false; checked by evaluating it."""

    description = "Find a falsifying assignment of a formula."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        f = _formula_with(rng, lambda f: len(variables(f)) >= 3 and 0 < table_size(f) - len(models(f)) <= 3,
                          "pqrs", 4)
        if len(models(f)) == table_size(f) or len(variables(f)) == 0:
            f = ["and", "p", ["not", "q"]]
        return {"f": f}

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
