"""Verbal logic puzzles: knights and knaves, categorical syllogisms, small zebra (Einstein) puzzles."""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
from typing import Any

import numpy as np

from bootcamp import Score, Task, invalid
from bootcamp.answers import YesNoTask
from tasks.logic._common import too_long

_NAMES = ["Alice", "Bob", "Cara", "Dan", "Eve", "Finn"]
#: Names drawn at the levels other than the default (generated labels: two or three people pose few puzzles).
_NAME_POOL = ["Abel", "Alma", "Boris", "Cleo", "Dora", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena",
              "Milo", "Nora", "Otto", "Pia", "Quinn", "Rosa", "Sami", "Tess", "Uma", "Vito", "Wren", "Xena", "Yuri",
              "Zoe", "Ada", "Ben", "Cyril", "Dina", "Ezra", "Flora", "Gil", "Hugo", "Iris", "Jonas", "Kira", "Leo",
              "Mara", "Nils", "Olga", "Pavel", "Rhea", "Saul", "Tara", "Ugo", "Vera", "Wade", "Yara"]


def _says(kind: str, args: list[int], types: list[bool]) -> bool:
    """Truth of a statement given who is a knight (True)."""
    a = [types[i] for i in args]
    return {"is_knight": lambda: a[0], "is_knave": lambda: not a[0], "both_knights": lambda: a[0] and a[1],
            "one_knave": lambda: not a[0] or not a[1], "same": lambda: a[0] == a[1], "different": lambda: a[0] != a[1],
            "exactly_one_knight": lambda: a[0] + a[1] == 1}[kind]()


_STATEMENTS = {"is_knight": "{0} is a knight.", "is_knave": "{0} is a knave.",
               "both_knights": "{0} and {1} are both knights.", "one_knave": "At least one of {0} and {1} is a knave.",
               "same": "{0} and {1} are the same kind.", "different": "{0} and {1} are different kinds.",
               "exactly_one_knight": "Exactly one of {0} and {1} is a knight."}


def _statement_text(kind: str, args: list[int], names: list[str] = _NAMES) -> str:
    return _STATEMENTS[kind].format(*[names[i] for i in args])


class KnightsKnaves(Task):
    """Knights always tell the truth, knaves always lie; any consistent assignment scores (it is unique)."""

    description = "Solve a knights-and-knaves puzzle."
    default_params: dict[str, Any] = {"people": 3, "draw_names": False}
    levels = ({"people": 2, "draw_names": True}, {"people": 3, "draw_names": False}, {"people": 4, "draw_names": True},
              {"people": 5, "draw_names": True}, {"people": 6, "draw_names": True})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Assignments of knight or knave to rule out (2 ** people)."""
        return float(2 ** identity["n"])

    @staticmethod
    def _names(identity: dict[str, Any]) -> list[str]:
        return identity.get("names") or _NAMES[: identity["n"]]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["people"]
        extra = {"names": rng.sample(_NAME_POOL, n)} if self.params["draw_names"] else {}
        kinds = ["is_knight", "is_knave", "both_knights", "one_knave", "same", "different", "exactly_one_knight"]
        while True:
            types = [rng.random() < 0.5 for _ in range(n)]
            statements = []
            for speaker in range(n):
                kind = rng.choice(kinds)
                args = rng.sample(range(n), 1 if kind in ("is_knight", "is_knave") else 2)
                statements.append([speaker, kind, args])
            # The true kinds must fit first (a cheap test that rejects most draws), then be the only fit.
            if (all(_says(kind, args, types) == types[sp] for sp, kind, args in statements)
                    and [list(t) for t in self._consistent(statements, n)] == [types]):
                return {"n": n, "statements": statements, "types": types, **extra}

    @staticmethod
    def _consistent(statements: list[Any], n: int) -> list[tuple[bool, ...]]:
        """The assignments that fit every statement (the search stops at two: uniqueness is all that matters)."""
        found = []
        for t in itertools.product([True, False], repeat=n):
            if all(_says(kind, args, list(t)) == t[s] for s, kind, args in statements):
                found.append(t)
                if len(found) > 1:
                    break
        return found

    def prompt(self, identity: dict[str, Any]) -> str:
        people = self._names(identity)
        lines = "\n".join(f"{people[s]} says: \"{_statement_text(k, a, people)}\""
                          for s, k, a in identity["statements"])
        return (f"On an island, knights always tell the truth and knaves always lie. {', '.join(people)} each are a "
                f"knight or a knave.\n{lines}\nWho is a knight and who is a knave? Answer like "
                f"\"{people[0]}: knight, {people[1]}: knave, ...\" inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 500):
            return invalid("answer too long")
        found = re.findall(r"([A-Za-z]+)\s*(?:is\s+a|is|:|=|-)?\s*(knight|knave)", answer, flags=re.I)
        got: dict[str, bool] = {}
        names = self._names(identity)
        for name, kind in found:
            if name.capitalize() in names:
                if got.get(name.capitalize(), kind.lower() == "knight") != (kind.lower() == "knight"):
                    return invalid("contradictory answer")
                got[name.capitalize()] = kind.lower() == "knight"
        if len(got) != identity["n"]:
            return invalid("expected a kind for every person")
        types = [got[name] for name in names]
        ok = all(_says(k, a, types) == types[s] for s, k, a in identity["statements"])
        return 1.0 if ok else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        names = self._names(identity)
        return ", ".join(f"{names[i]}: {'knight' if t else 'knave'}" for i, t in enumerate(identity["types"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        names = self._names(identity)
        flipped = [not t for t in identity["types"]]
        one = [not identity["types"][0]] + identity["types"][1:]
        return [", ".join(f"{names[i]}: {'knight' if t else 'knave'}" for i, t in enumerate(ts)) for ts in (flipped, one)]


_FORMS = {"A": "All {s} are {p}.", "E": "No {s} are {p}.", "I": "Some {s} are {p}.", "O": "Some {s} are not {p}."}
_TERMS = ["cats", "dogs", "poets", "sailors", "doctors", "artists", "farmers", "singers", "pilots", "chess players",
          "runners", "bakers", "teachers", "painters", "swimmers", "lawyers", "dancers", "gardeners", "miners",
          "writers", "nurses", "drivers", "climbers", "hikers", "owls", "foxes", "masons", "judges",
          "tailors", "potters", "weavers", "fishers", "archers", "cyclists", "violinists", "chemists", "sculptors",
          "carpenters", "astronomers", "beekeepers"]
#: Negating a statement: A <-> O, E <-> I (same terms).
_NEGATION = {"A": "O", "O": "A", "E": "I", "I": "E"}


def syllogism_valid(premises: list[list[Any]], conclusion: list[Any], n_terms: int = 3) -> bool:
    """Valid iff no model of the premises makes the conclusion false (modern reading: no existential import).

    A model is a set of non-empty Venn regions over ``n_terms`` terms. Universal statements empty regions;
    existential ones need a non-empty region. Premises plus the negated conclusion are satisfiable iff, with
    every region not emptied by a universal statement kept non-empty, each existential statement holds.
    """
    return _valid(tuple(tuple(p) for p in premises), tuple(conclusion), n_terms)


@functools.lru_cache(maxsize=4096)
def _valid(premises: tuple[tuple[Any, ...], ...], conclusion: tuple[Any, ...], n_terms: int) -> bool:
    statements = list(premises) + [(_NEGATION[conclusion[0]], conclusion[1], conclusion[2])]
    regions = set(range(1, 2 ** n_terms))
    for form, s, p in statements:
        if form in "AE":  # A empties S-and-not-P, E empties S-and-P
            regions -= {r for r in regions if r >> s & 1 and bool(r >> p & 1) == (form == "E")}
    for form, s, p in statements:
        if form in "IO" and not any(r >> s & 1 and bool(r >> p & 1) == (form == "I") for r in regions):
            return True  # the premises with the conclusion negated have no model
    return False


class Syllogism(YesNoTask):
    """Is a categorical argument valid (modern reading: universal statements carry no existential import)?

    Level 2 is the classic syllogism (two premises over three terms); level 1 an immediate inference (one
    premise); higher levels are sorites, chains of premises through more middle terms.
    """

    version = 3

    description = "Decide whether a categorical syllogism is valid."
    default_params: dict[str, Any] = {"terms": 3}
    levels = ({"terms": 2}, {"terms": 3}, {"terms": 4}, {"terms": 5}, {"terms": 6})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Premises to chain."""
        return float(len(identity["premises"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        k = self.params["terms"]
        want = rng.random() < 0.5  # the label first: balanced by construction
        terms = rng.sample(_TERMS, k)  # 0 = subject S, 1 = predicate P, 2.. = middle terms
        chain = [0, *rng.sample(range(2, k), k - 2), 1]
        forms = "AEIO" if k <= 3 else "AAAEEIO"  # long chains of random forms are almost never valid
        while True:
            premises = [[rng.choice(forms), *rng.sample([a, b], 2)] for a, b in zip(chain, chain[1:], strict=False)]
            rng.shuffle(premises)
            conclusion = [rng.choice("AEIO"), 0, 1]
            if syllogism_valid(premises, conclusion, k) == want:
                return {"terms": terms, "premises": premises, "conclusion": conclusion}

    def value(self, identity: dict[str, Any]) -> bool:
        return syllogism_valid(identity["premises"], identity["conclusion"], len(identity["terms"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        t = identity["terms"]

        def say(st: list[Any]) -> str:
            return _FORMS[st[0]].format(s=t[st[1]], p=t[st[2]])

        premises = "\n".join(f"Premise {i + 1}: {say(p)}" for i, p in enumerate(identity["premises"]))
        return (f"{premises}\nConclusion: {say(identity['conclusion'])}\n"
                "Does the conclusion follow necessarily from the premises? Read 'All X are Y' and 'No X are Y' "
                "without assuming that any X exist. Answer with yes or no in \\boxed{}.")


_CATEGORIES = {
    "colour": ["red", "green", "blue", "yellow", "white"], "pet": ["dog", "cat", "bird", "fish", "horse"],
    "drink": ["tea", "coffee", "milk", "juice", "water"], "job": ["baker", "nurse", "pilot", "chef", "judge"],
    "sport": ["tennis", "golf", "chess", "rugby", "polo"],
}


_CANDS: dict[tuple[int, int], np.ndarray] = {}


def _grid_cands(n: int, k: int) -> np.ndarray:
    """Every assignment of k categories of n values to n houses, one row of concatenated permutations
    (cached; an int8 array: 4 houses and 4 categories make 331,776 rows)."""
    if (n, k) not in _CANDS:
        perms = np.array(list(itertools.permutations(range(n))), dtype=np.int8)
        idx = np.indices((len(perms),) * k).reshape(k, -1)
        _CANDS[(n, k)] = np.concatenate([perms[i] for i in idx], axis=1)
    return _CANDS[(n, k)]


class Zebra(Task):
    """A small Einstein puzzle; the answer table is checked against every clue."""

    description = "Solve a small zebra (Einstein) puzzle."
    default_params: dict[str, Any] = {"houses": 4, "categories": 3}
    levels = ({"houses": 3, "categories": 2}, {"houses": 3, "categories": 3}, {"houses": 4, "categories": 2},
              {"houses": 4, "categories": 3}, {"houses": 4, "categories": 4})
    default_level = 4

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bits of the candidate space: log2 of the (houses!) ** categories assignments."""
        return len(identity["cats"]) * math.log2(math.factorial(identity["n"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["houses"]
        cats = rng.sample(sorted(_CATEGORIES), self.params["categories"])
        values = {c: rng.sample(_CATEGORIES[c], n) for c in cats}  # values[c][h] lives in house h
        sol = {v: h for c in cats for h, v in enumerate(values[c])}
        all_vals = sorted(sol)
        # a candidate is a tuple of houses: category ci's k-th value (sorted) sits at position ci * n + k
        index = {v: ci * n + k for ci, c in enumerate(cats) for k, v in enumerate(sorted(values[c]))}
        cands = _grid_cands(n, len(cats))
        clues: list[list[Any]] = []
        while len(cands) > 1:
            clue = self._random_clue(rng, all_vals, sol, n)
            kept = cands[self._test(clue, index)(cands)]
            if len(kept) < len(cands):
                clues.append(clue)
                cands = kept
        return {"n": n, "cats": cats, "values": {c: sorted(values[c]) for c in cats}, "clues": clues,
                "solution": sol}

    @staticmethod
    def _test(clue: list[Any], index: dict[str, int]) -> Any:
        kind, a, b = clue
        i = index[a]  # the test maps an array of candidate rows to a boolean mask
        if kind == "at":
            return lambda c: c[:, i] == b
        if kind == "not_at":
            return lambda c: c[:, i] != b
        j = index[b]
        return {"same": lambda c: c[:, i] == c[:, j], "left_of": lambda c: c[:, i] + 1 == c[:, j],
                "next_to": lambda c: np.abs(c[:, i] - c[:, j]) == 1, "before": lambda c: c[:, i] < c[:, j]}[kind]

    @staticmethod
    def _random_clue(rng: random.Random, vals: list[str], sol: dict[str, int], n: int) -> list[Any]:
        kind = rng.choice(["at", "not_at", "same", "left_of", "next_to", "before"])
        a = rng.choice(vals)
        if kind in ("at", "not_at"):
            h = sol[a] if kind == "at" else rng.choice([h for h in range(n) if h != sol[a]])
            return [kind, a, h]
        rel = {"same": lambda x, y: x == y, "left_of": lambda x, y: x + 1 == y, "next_to": lambda x, y: abs(x - y) == 1,
               "before": lambda x, y: x < y}[kind]
        options = [b for b in vals if b != a and rel(sol[a], sol[b])]
        return [kind, a, rng.choice(options)] if options else ["at", a, sol[a]]

    @staticmethod
    def _holds(clue: list[Any], c: dict[str, int]) -> bool:
        kind, a, b = clue
        if kind == "at":
            return c[a] == b
        if kind == "not_at":
            return c[a] != b
        x, y = c[a], c[b]
        return {"same": x == y, "left_of": x + 1 == y, "next_to": abs(x - y) == 1, "before": x < y}[kind]

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["n"]
        text = {"at": "The {a} is in house {b}.", "not_at": "The {a} is not in house {b}.",
                "same": "The {a} and the {b} are in the same house.",
                "left_of": "The {a} is in the house directly left of the {b}.",
                "next_to": "The {a} and the {b} are in neighbouring houses.",
                "before": "The {a} is somewhere left of the {b}."}
        cats = "; ".join(f"{c}: {', '.join(v)}" for c, v in identity["values"].items())
        clues = "\n".join(f"{k + 1}. " + text[c[0]].format(a=c[1], b=c[2] + 1 if c[0] in ("at", "not_at") else c[2])
                          for k, c in enumerate(identity["clues"]))
        return (f"{n} houses stand in a row, numbered 1 to {n} from left to right. Each house has exactly one value "
                f"of each category ({cats}).\nClues:\n{clues}\nGive the full assignment inside <answer></answer>, one "
                f"line per house like \"house 1: {', '.join(v[0] for v in identity['values'].values())}\".")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 1500):
            return invalid("answer too long")
        vals = set(identity["solution"])
        got: dict[str, int] = {}
        for line in answer.lower().splitlines():
            m = re.search(r"(\d+)", line)
            if not m:
                continue
            for word in re.findall(r"[a-z]+", line):
                if word in vals:
                    if word in got:
                        return invalid(f"{word} placed twice")
                    got[word] = int(m.group(1)) - 1
        if set(got) != vals:
            return invalid("every value must be placed")
        n = identity["n"]
        for values in identity["values"].values():
            if sorted(got[v] for v in values) != list(range(n)):
                return Score(0.0)
        return 1.0 if all(self._holds(c, got) for c in identity["clues"]) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        houses: dict[int, list[str]] = {h: [] for h in range(identity["n"])}
        for values in identity["values"].values():
            for v in values:
                houses[identity["solution"][v]].append(v)
        return "\n".join(f"house {h + 1}: {', '.join(vs)}" for h, vs in houses.items())

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        lines = answer.split("\n")
        a, b = lines[0].split(": ")[1].split(", "), lines[1].split(": ")[1].split(", ")
        a[0], b[0] = b[0], a[0]
        swapped = [f"house 1: {', '.join(a)}", f"house 2: {', '.join(b)}"] + lines[2:]
        return ["\n".join(swapped), "\n".join(lines[:-1])]


def register(registry: Any) -> None:
    registry.register(KnightsKnaves, "logic/knights_knaves", {}, "Solve a knights-and-knaves puzzle.")
    registry.register(Syllogism, "logic/syllogism", {}, "Decide whether a categorical syllogism is valid.")
    registry.register(Zebra, "logic/zebra", {}, "Solve a small zebra (Einstein) puzzle.")
