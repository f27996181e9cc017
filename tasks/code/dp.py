"""Code tasks on dynamic programming: subsequences, knapsack, edit distance, coins, subarrays."""

from __future__ import annotations

import random
from typing import Any

from tasks.code._base import CodeTask, text


class LongestSubsequence(CodeTask):
    function = "lis"
    signature = "lis(xs: list[int]) -> int"
    body = '''
def lis(xs):
    seq = [-x for x in xs] if DOWN else list(xs)
    best = []
    for j, x in enumerate(seq):
        best.append(1 + max([best[i] for i in range(j) if x - seq[i] >= GAP], default=0))
    return max(best, default=0)
'''
    bugs = [("x - seq[i] >= GAP", "x - seq[i] > GAP"), ("return max(best, default=0)", "return best[-1] if best else 0")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"DOWN": rng.random() < 0.5, "GAP": rng.randint(0, 5)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[]], [[3, 3, 3]], [[10, 9, 2, 5, 3, 7, 101, 18]], [[5, 1, 6, 2, 7, 3, 8]]]
        top = self.size(rng, 12, 20)
        return out + [[[rng.randint(0, top) for _ in range(self.size(rng, 3, 25))]] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        way, step = ("decreasing", "smaller") if spec["DOWN"] else ("increasing", "larger")
        if spec["GAP"] == 0:
            rule = f"non-{'increasing' if spec['DOWN'] else 'decreasing'} subsequence (equal neighbours allowed)"
        else:
            rule = (f"{way} subsequence in which each element is {step} than the previous one by at least "
                    f"{spec['GAP']}")
        return (f"returns the length of the longest {rule} of `xs` (elements in their "
                "original order, not necessarily adjacent); 0 for an empty list.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "GAP": spec["GAP"] + 1}, {**spec, "DOWN": not spec["DOWN"]}]


class Knapsack(CodeTask):
    function = "knapsack"
    signature = "knapsack(weights: list[int], values: list[int]) -> int"
    body = '''
def knapsack(weights, values):
    best = [0] * (CAP + 1)
    for w, v in zip(weights, values):
        for c in range(CAP, w - 1, -1):
            best[c] = max(best[c], best[c - w] + v)
    return best[CAP]
'''
    bugs = [("range(CAP, w - 1, -1)", "range(w, CAP + 1)"), ("return best[CAP]", "return best[CAP - 1]")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"CAP": rng.randint(10, 60)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        cap = spec["CAP"]
        out = [[[], []], [[cap + 1], [100]], [[cap, 1], [5, 4]]]
        for _ in range(self.reps(8)):
            n = self.size(rng, 2, 10)
            out.append([[rng.randint(1, cap // 2 + 1) for _ in range(n)], [rng.randint(1, 60) for _ in range(n)]])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"solves the 0/1 knapsack problem with capacity {spec['CAP']}: item i has positive integer weight "
                "weights[i] and value values[i]; each item is taken at most once; return the largest total value "
                f"of a set of items whose total weight is at most {spec['CAP']}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"CAP": spec["CAP"] + 1}, {"CAP": spec["CAP"] - 1}]


class EditDistance(CodeTask):
    function = "edit_distance"
    signature = "edit_distance(a: str, b: str) -> int"
    body = '''
def edit_distance(a, b):
    prev = [j * INS for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [i * DEL] + [0] * len(b)
        for j in range(1, len(b) + 1):
            same = prev[j - 1] if a[i - 1] == b[j - 1] else prev[j - 1] + SUB
            cur[j] = min(same, prev[j] + DEL, cur[j - 1] + INS)
        prev = cur
    return prev[len(b)]
'''
    bugs = [("prev[j - 1] if a[i - 1] == b[j - 1]", "prev[j - 1] if a[i - 1] != b[j - 1]")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"INS": rng.randint(1, 3), "DEL": rng.randint(1, 3), "SUB": rng.randint(1, 5)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [["", ""], ["abc", ""], ["", "ab"], ["kitten", "sitting"], ["abcd", "abdc"]]
        for _ in range(self.reps(7)):
            out.append([text(rng, self.size(rng, 1, 9), "abcd"), text(rng, self.size(rng, 1, 9), "abcd")])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the minimum total cost of turning string `a` into string `b` when inserting a character "
                f"costs {spec['INS']}, deleting one costs {spec['DEL']} and replacing one by a different character "
                f"costs {spec['SUB']}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "INS": spec["DEL"], "DEL": spec["INS"]}, {**spec, "SUB": spec["SUB"] + 1},
                {"INS": 1, "DEL": 1, "SUB": 1}]


def _coins(rng: random.Random) -> list[int]:
    return sorted(rng.sample(range(2, 16), 3) if rng.random() < 0.5 else [1] + rng.sample(range(3, 26), 2))


class MinCoins(CodeTask):
    function = "min_coins"
    signature = "min_coins(amount: int) -> int"
    body = '''
def min_coins(amount):
    best = [0] + [None] * amount
    for a in range(1, amount + 1):
        for c in COINS:
            if c <= a and best[a - c] is not None and (best[a] is None or best[a - c] + 1 < best[a]):
                best[a] = best[a - c] + 1
    return -1 if best[amount] is None else best[amount]
'''
    bugs = [("best[a - c] + 1 < best[a]", "best[a - c] + 1 > best[a]")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"COINS": _coins(rng)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        top = max(spec["COINS"])
        return [[a] for a in [0, 1, top, top + 1, 2 * top - 1] + [self.size(rng, 2, 120) for _ in range(self.reps(7))]]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the fewest coins with values {spec['COINS']} (each usable any number of times) that add up "
                "to exactly `amount` (0 <= amount <= 1000), or -1 when no combination does.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        coins = spec["COINS"]
        return [{"COINS": sorted(set(coins[:-1] + [coins[-1] + 1]))}, {"COINS": coins[1:]}]


class CoinWays(CodeTask):
    function = "count_ways"
    signature = "count_ways(amount: int) -> int"
    body = '''
def count_ways(amount):
    ways = [1] + [0] * amount
    for c in COINS:
        for a in range(c, amount + 1):
            ways[a] = (ways[a] + ways[a - c]) % MOD
    return ways[amount]
'''
    bugs = [("ways = [1] + [0] * amount", "ways = [0] * (amount + 1)"), ("range(c, amount + 1)", "range(c, amount)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"COINS": sorted(rng.sample(range(1, 12), rng.randint(2, 4))), "MOD": rng.choice([97, 1000, 10007, 65536])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        return [[a] for a in [0, 1, 10, 500] + [self.size(rng, 2, 300) for _ in range(self.reps(8))]]

    def describe(self, spec: dict[str, Any]) -> str:
        return (f"returns the number of ways to pay exactly `amount` (0 <= amount <= 1000) with coins of values "
                f"{spec['COINS']}, each usable any number of times, where the order of the coins does not matter "
                f"(so 1+2 and 2+1 are the same way), modulo {spec['MOD']}. Paying 0 has exactly one way.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "MOD": spec["MOD"] + 1}, {**spec, "COINS": spec["COINS"][1:]}]


class MaxSubarray(CodeTask):
    function = "max_subarray"
    signature = "max_subarray(xs: list[int]) -> int"
    body = '''
def max_subarray(xs):
    best = None
    for i in range(len(xs)):
        s = 0
        for j in range(i, min(len(xs), i + MAX_LEN)):
            s += xs[j]
            if best is None or (s < best if SMALLEST else s > best):
                best = s
    return best
'''
    bugs = [("min(len(xs), i + MAX_LEN)", "min(len(xs), i + MAX_LEN - 1)"),
            ("(s < best if SMALLEST else s > best)", "(s > best if SMALLEST else s < best)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"MAX_LEN": rng.randint(2, 9), "SMALLEST": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[[-5]], [[-3, -1, -2]], [[1] * 10], [[2, -1, 2, -1, 2, -1, 2, -1, 2]]]
        n = spec["MAX_LEN"] + 2
        return out + [[[rng.randint(-11, 11) for _ in range(self.size(rng, n, 16))]] for _ in range(self.reps(8))]

    def describe(self, spec: dict[str, Any]) -> str:
        which = "smallest" if spec["SMALLEST"] else "largest"
        return (f"returns the {which} sum of a non-empty run of consecutive elements of the non-empty list `xs` "
                f"whose length is at most {spec['MAX_LEN']}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "MAX_LEN": spec["MAX_LEN"] + 1}, {**spec, "MAX_LEN": spec["MAX_LEN"] - 1}]


def register(registry: Any) -> None:
    registry.register(LongestSubsequence, "code/longest_monotone_subsequence", {},
                      "Write the length of the longest increasing/non-decreasing/decreasing subsequence.")
    registry.register(Knapsack, "code/knapsack", {}, "Write a 0/1 knapsack solver for a seed-chosen capacity.")
    registry.register(EditDistance, "code/edit_distance", {}, "Write a weighted edit distance with seed-chosen costs.")
    registry.register(MinCoins, "code/coin_change_min", {}, "Write the fewest-coins function for seed-chosen coins.")
    registry.register(CoinWays, "code/coin_change_ways", {}, "Write the number of ways to pay an amount, modulo m.")
    registry.register(MaxSubarray, "code/max_subarray_bounded", {}, "Write a maximum subarray sum with a length cap.")
