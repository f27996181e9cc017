"""Code tasks on lists: search, pairs, dedupe, flatten, intervals, sorting, rotation, windows."""

from __future__ import annotations

import random
from typing import Any

from tasks.code._base import CodeTask, word


def _ints(rng: random.Random, n: int, lo: int = -20, hi: int = 20) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


class InsertionPoint(CodeTask):
    function = "insertion_point"
    signature = "insertion_point(xs: list[int], x: int) -> int"
    body = '''
def insertion_point(xs, x):
    if IF_ABSENT != "insert" and x not in xs:
        return None if IF_ABSENT == "none" else -1
    lo, hi = 0, len(xs)
    while lo < hi:
        mid = (lo + hi) // 2
        a, b = (-xs[mid], -x) if DESC else (xs[mid], x)
        if (a < b) if SIDE == "left" else (a <= b):
            lo = mid + 1
        else:
            hi = mid
    return lo + BASE
'''
    bugs = [("lo, hi = 0, len(xs)", "lo, hi = 0, len(xs) - 1"), ("return lo + BASE", "return max(lo - 1, 0) + BASE")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"SIDE": rng.choice(["left", "right"]), "DESC": rng.random() < 0.5, "BASE": rng.choice([0, 1]),
                "IF_ABSENT": rng.choice(["insert", "none", "minus_one"])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[], 5], [[1, 2, 2, 2, 3], 2], [[1, 3], 9]]
        for _ in range(self.reps(9)):
            xs = sorted(_ints(rng, self.size(rng, 1, 15), 0, self.size(rng, 12, 12)))
            out.append([xs, rng.choice(xs) if rng.random() < 0.7 else rng.randint(-1, max(xs) + 1)])
        if spec["DESC"]:
            out = [[xs[::-1], x] for xs, x in out]
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        where = "before" if spec["SIDE"] == "left" else "after"
        order = "descending (largest first)" if spec["DESC"] else "ascending"
        base = "1-based position (the first slot is 1)" if spec["BASE"] else "0-based index"
        return (f"returns the {base} at which `x` would be inserted into the {order} list `xs` (which may contain "
                f"duplicates) to keep its order, placing it {where} any entries equal to `x`. Use binary search."
                + {"insert": "", "none": " When `x` does not occur in `xs`, return None instead.",
                   "minus_one": " When `x` does not occur in `xs`, return -1 instead."}[spec["IF_ABSENT"]])

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "SIDE": "right" if spec["SIDE"] == "left" else "left"}, {**spec, "BASE": 1 - spec["BASE"]}]


class TwoSum(CodeTask):
    function = "two_sum"
    signature = "two_sum(nums: list[int]) -> list[int]"
    body = '''
def two_sum(nums):
    first = {}
    for j, v in enumerate(nums):
        if TARGET - v in first:
            return [first[TARGET - v], j]
        first.setdefault(v, j)
    return []
'''
    bugs = [("first.setdefault(v, j)", "first[v] = j"), ("return []", "return [-1, -1]")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"TARGET": rng.randint(-10, 30)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        t = spec["TARGET"]
        out = [[[]], [[t]], [[t // 2, t - t // 2, t // 2]]]
        for _ in range(self.reps(9)):
            xs = _ints(rng, self.size(rng, 2, 12), -15, 30)
            if rng.random() < 0.6:
                i = rng.randrange(len(xs))
                xs.insert(rng.randint(0, len(xs)), t - xs[i])
            out.append([xs])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns [i, j] with i < j and nums[i] + nums[j] == {spec['TARGET']}, choosing the smallest such j "
                "and, for it, the smallest i; returns [] when there is no such pair.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"TARGET": spec["TARGET"] + 1}, {"TARGET": spec["TARGET"] - 1}]


class DedupeK(CodeTask):
    function = "dedupe"
    signature = "dedupe(xs: list) -> list"
    body = '''
def dedupe(xs):
    seen = {}
    out = []
    for x in (xs[::-1] if LAST else xs):
        seen[x] = seen.get(x, 0) + 1
        if seen[x] <= K:
            out.append(x)
    return out[::-1] if LAST else out
'''
    bugs = [("<= K", "< K"), ("return out[::-1] if LAST else out", "return out")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"K": rng.randint(1, 8), "LAST": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[]], [[1, 1, 1, 1, 2, 1, 2, 2, 2]]]
        for k in range(self.reps(9)):
            pool = _ints(rng, 5, 0, 9) if k % 2 else [word(rng, 1, 1) for _ in range(4)]
            out.append([[rng.choice(pool) for _ in range(self.size(rng, 10, 30))]])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        k, which = spec["K"], "last" if spec["LAST"] else "first"
        return (f"keeps only the {which} {k} occurrence{'s' if k > 1 else ''} of each value in `xs` (ints or "
                f"strings), dropping the others, and returns the kept elements in their original order.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "LAST": not spec["LAST"]}, {**spec, "K": spec["K"] + 1}]


class FlattenDepth(CodeTask):
    function = "flatten"
    signature = "flatten(xs: list) -> list"
    body = '''
def flatten(xs):
    def go(items, depth):
        out = []
        for it in items:
            if isinstance(it, list) and depth > 0:
                out.extend(go(it, depth - 1))
            else:
                out.append(it)
        return out
    out = go(xs, DEPTH)
    return [x for x in out if not isinstance(x, int) or x % DROP_MOD]
'''
    bugs = [("depth > 0", "depth >= 0"), ("go(it, depth - 1)", "go(it, depth)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"DEPTH": rng.randint(1, 3), "DROP_MOD": rng.randint(2, 9)}

    def _nested(self, rng: random.Random, depth: int, top: bool = False) -> list:
        out: list = []
        for _ in range(self.size(rng, 2, 6) if top else rng.randint(0, 4)):
            if depth > 0 and rng.random() < 0.45:
                out.append(self._nested(rng, depth - 1))
            else:
                out.append(rng.randint(0, 99))
        return out

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[1, [2, [3, [4, [5]]]]]], [[]], [[[], [[]], 7]]]
        return out + [[self._nested(rng, 5, top=True)] for _ in range(self.reps(9))]

    def describe(self, spec: dict[str, Any]) -> str:
        d = spec["DEPTH"]
        return (f"flattens nested lists by exactly {d} level{'s' if d > 1 else ''}: one level means every list "
                "element of the list is replaced by its own elements, in place; this is done "
                f"{d} time{'s' if d > 1 else ''} in total, lists nested deeper stay lists, and non-list elements "
                f"stay as they are. Finally every integer of the flattened top level that is divisible by "
                f"{spec['DROP_MOD']} is removed (integers inside the remaining lists are kept). Returns a new list.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "DEPTH": spec["DEPTH"] + 1}, {**spec, "DEPTH": max(1, spec["DEPTH"] - 1)},
                {**spec, "DROP_MOD": spec["DROP_MOD"] + 1}]


class MergeIntervals(CodeTask):
    function = "merge"
    signature = "merge(intervals: list[list[int]]) -> list[list[int]]"
    body = '''
def merge(intervals):
    out = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1] + GAP:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out
'''
    bugs = [("max(out[-1][1], e)", "e"), ("s <= out[-1][1] + GAP", "s < out[-1][1] + GAP")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"GAP": rng.randint(0, 9)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        g = spec["GAP"]
        out = [[[]], [[[1, 10], [2, 3]]], [[[5, 6], [6 + g, 9], [1, 2]]], [[[0, 1], [2 + g, 4]]]]
        for _ in range(self.reps(8)):
            ivs = []
            for _ in range(self.size(rng, 2, 7)):
                s = rng.randint(0, self.size(rng, 60, 60))
                ivs.append([s, s + rng.randint(0, 6)])
            out.append([ivs])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        g = spec["GAP"]
        when = ("c <= b (they overlap or share an endpoint)" if g == 0
                else f"c <= b + {g} (they overlap, or the gap c - b is at most {g})")
        return (f"merges integer intervals [start, end] (start <= end, given in any order). Two intervals [a, b] "
                f"and [c, d] with a <= c belong together when {when}; merging them gives [a, max(b, d)]. Apply this "
                "until nothing more merges and return the intervals sorted by start.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"GAP": spec["GAP"] + 1}, {"GAP": max(0, spec["GAP"] - 1)}]


class SortRecords(CodeTask):
    function = "sort_records"
    signature = "sort_records(rows: list[dict]) -> list[dict]"
    body = '''
def sort_records(rows):
    rows = sorted(rows, key=lambda r: r["name"], reverse=NAME_DESC)
    return sorted(rows, key=lambda r: r[KEY], reverse=DESC)  # stable, also when reversed
'''
    bugs = [('rows = sorted(rows, key=lambda r: r["name"], reverse=NAME_DESC)\n', "")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"KEY": rng.choice(["age", "score", "city"]), "DESC": rng.random() < 0.5,
                "NAME_DESC": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[]]]
        for _ in range(self.reps(9)):
            names = sorted({word(rng, 2, 3).capitalize() for _ in range(self.size(rng, 3, 8))})
            rng.shuffle(names)
            rows = [{"name": n, "age": rng.randint(18, 24), "score": rng.randint(0, 5),
                     "city": rng.choice(["Oslo", "Lima", "Pune", "Kyiv"])} for n in names]
            out.append([rows])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        order = "descending" if spec["DESC"] else "ascending"
        return (f"returns the records (dicts with keys 'name', 'age', 'score', 'city'; names are unique) sorted by "
                f"'{spec['KEY']}' in {order} order, records with equal '{spec['KEY']}' ordered by 'name' "
                f"{'descending' if spec['NAME_DESC'] else 'ascending'}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        other = "score" if spec["KEY"] != "score" else "age"
        return [{**spec, "NAME_DESC": not spec["NAME_DESC"]}, {**spec, "DESC": not spec["DESC"]}, {**spec, "KEY": other}]


class Rotate(CodeTask):
    function = "rotate"
    signature = "rotate(xs: list) -> list"
    body = '''
def rotate(xs):
    if not xs:
        return []
    k = K % len(xs)
    return xs[-k:] + xs[:-k] if k else list(xs)
'''
    bugs = [("k = K % len(xs)", "k = K % (len(xs) + 1)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"K": rng.choice([k for k in range(-15, 16) if k])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        return [[[]], [[1]], [[1, 2, 3, 4, 5, 6, 7]]] + [[_ints(rng, self.size(rng, 2, 12), 0, 50)] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        k = spec["K"]
        direction = "right (towards the end)" if k > 0 else "left (towards the start)"
        return (f"returns a new list with the elements of `xs` rotated cyclically {abs(k)} position"
                f"{'s' if abs(k) > 1 else ''} to the {direction}; the rotation wraps around when it exceeds the length.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"K": -spec["K"]}, {"K": spec["K"] + 1 if spec["K"] != -1 else 1}]


class KthLargest(CodeTask):
    function = "kth_largest"
    signature = "kth_largest(xs: list[int]) -> int | None"
    body = '''
def kth_largest(xs):
    vals = sorted(set(xs), reverse=not SMALLEST)
    return vals[K - 1] if len(vals) >= K else None
'''
    bugs = [("set(xs)", "xs"), ("reverse=not SMALLEST", "reverse=SMALLEST")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"K": rng.randint(1, 6), "SMALLEST": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[]], [[5, 5, 5, 4, 4, 3, 2, 1]], [[1, 2]]]
        return out + [[_ints(rng, self.size(rng, 3, 14), -9, 9)] for _ in range(self.reps(9))]

    def describe(self, spec: dict[str, Any]) -> str:
        which, first = ("smallest", "smallest") if spec["SMALLEST"] else ("largest", "largest")
        return (f"returns the {spec['K']}-th {which} distinct value of `xs` (the {first} is the 1st; repeated values "
                f"count once), or None when `xs` has fewer than {spec['K']} distinct values.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "K": spec["K"] + 1}, {**spec, "K": max(1, spec["K"] - 1)}]


class WindowMax(CodeTask):
    function = "window_max"
    signature = "window_max(xs: list[int]) -> list[int]"
    body = '''
def window_max(xs):
    agg = {"max": max, "min": min, "sum": sum, "range": lambda w: max(w) - min(w)}[AGG]
    return [agg(xs[i:i + W]) for i in range(len(xs) - W + 1)]
'''
    bugs = [("len(xs) - W + 1", "len(xs) - W"), ("xs[i:i + W]", "xs[i:i + W - 1]")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"W": rng.randint(2, 6), "AGG": rng.choice(["max", "min", "sum", "range"])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[]], [list(range(spec["W"] - 1))], [[9, 1, 1, 1, 1, 1, 8, 1]]]
        return out + [[_ints(rng, self.size(rng, spec["W"], 16))] for _ in range(self.reps(9))]

    def describe(self, spec: dict[str, Any]) -> str:
        what = {"max": "maximum", "min": "minimum", "sum": "sum",
                "range": "range (maximum minus minimum)"}[spec["AGG"]]
        return (f"returns the {what} of every window of {spec['W']} consecutive elements of `xs`, from left to right "
                f"(an empty list when `xs` has fewer than {spec['W']} elements).")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "W": spec["W"] + 1}, {**spec, "W": spec["W"] - 1}]


class Ema(CodeTask):
    function = "ema"
    signature = "ema(xs: list[float]) -> list[float]"
    body = '''
def ema(xs):
    out = []
    for x in xs:
        out.append(x if not out else ALPHA * x + (1 - ALPHA) * out[-1])
    return out
'''
    bugs = [("ALPHA * x + (1 - ALPHA) * out[-1]", "(1 - ALPHA) * x + ALPHA * out[-1]"), ("x if not out", "0.0 if not out")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"ALPHA": rng.choice([k / 20 for k in range(1, 20) if k != 10])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[]], [[1.0]], [[0.0, 10.0, 10.0, 10.0]]]
        return out + [[[round(rng.uniform(-50, 50), 2) for _ in range(self.size(rng, 2, 10))]] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        a = spec["ALPHA"]
        return (f"returns the exponential moving average of `xs` with smoothing factor {a}: s[0] = xs[0] and "
                f"s[i] = {a} * xs[i] + {round(1 - a, 10)} * s[i-1]; an empty list gives [].")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"ALPHA": round(1 - spec["ALPHA"], 10)}, {"ALPHA": round(spec["ALPHA"] + 0.05, 10)}]


def register(registry: Any) -> None:
    registry.register(InsertionPoint, "code/binary_search", {}, "Write a binary search for the left or right insertion point.")
    registry.register(TwoSum, "code/two_sum", {}, "Write a two-sum function for a seed-chosen target.")
    registry.register(DedupeK, "code/dedupe_keep_order", {}, "Write an order-preserving dedupe keeping k occurrences.")
    registry.register(FlattenDepth, "code/flatten_depth", {}, "Write a list flattener for a seed-chosen depth.")
    registry.register(MergeIntervals, "code/merge_intervals", {}, "Write an interval merger with a seed-chosen gap.")
    registry.register(SortRecords, "code/sort_records", {}, "Write a record sort by a seed-chosen key and direction.")
    registry.register(Rotate, "code/rotate_list", {}, "Write a list rotation by a seed-chosen amount.")
    registry.register(KthLargest, "code/kth_largest", {}, "Write a k-th largest distinct value function.")
    registry.register(WindowMax, "code/window_max", {}, "Write a sliding-window maximum for a seed-chosen window.")
    registry.register(Ema, "code/moving_average", {}, "Write an exponential moving average with a seed-chosen factor.")
