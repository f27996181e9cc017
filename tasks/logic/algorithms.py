"""Algorithmic puzzles: sorting networks, Josephus, Nim, subset sum, knapsack, coin change, string DP."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import INTEGER, Sequence
from tasks.common.strings import edit_distance
from tasks.logic._common import Op, TableTask, register_table, too_long


def batcher(n: int) -> list[list[int]]:
    """Batcher's odd-even merge sort network for n inputs (0-based comparators, padded to a power of two)."""
    size = 1
    while size < n:
        size *= 2
    net: list[list[int]] = []
    p = 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    if (i + j) // (2 * p) == (i + j + k) // (2 * p):
                        net.append([i + j, i + j + k])
            k //= 2
        p *= 2
    return [c for c in net if c[1] < n]


def run_network(net: list[list[int]], values: list[int]) -> list[int]:
    v = list(values)
    for a, b in net:
        if v[a] > v[b]:
            v[a], v[b] = v[b], v[a]
    return v


def sorts_all(net: list[list[int]], n: int) -> bool:
    """The 0-1 principle: a network sorts everything iff it sorts every 0/1 input."""
    return all(run_network(net, list(bits)) == sorted(bits) for bits in itertools.product([0, 1], repeat=n))


def net_text(net: list[list[int]]) -> str:
    return ", ".join(f"({a + 1},{b + 1})" for a, b in net)


def _net_gen(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(4, 7)
    net = batcher(n)
    if rng.random() < 0.5:
        net.pop(rng.randrange(len(net)))
    return {"n": n, "net": net, "input": [rng.randint(0, 99) for _ in range(n)]}


def josephus(n: int, k: int) -> int:
    pos = 0
    for m in range(2, n + 1):
        pos = (pos + k) % m
    return pos + 1


def knapsack(items: list[list[int]], cap: int) -> int:
    best = [0] * (cap + 1)
    for w, v in items:
        for c in range(cap, w - 1, -1):
            best[c] = max(best[c], best[c - w] + v)
    return best[cap]


def min_coins(coins: list[int], amount: int) -> int:
    inf = amount + 1
    best = [0] + [inf] * amount
    for a in range(1, amount + 1):
        best[a] = min([best[a - c] + 1 for c in coins if c <= a] + [inf])
    return best[amount] if best[amount] < inf else -1


def coin_ways(coins: list[int], amount: int) -> int:
    ways = [1] + [0] * amount
    for c in coins:
        for a in range(c, amount + 1):
            ways[a] += ways[a - c]
    return ways[amount]


def lis(seq: list[int]) -> int:
    best = [1] * len(seq)
    for i in range(len(seq)):
        for j in range(i):
            if seq[j] < seq[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best)


def lcs(a: str, b: str) -> int:
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a)):
        for j in range(len(b)):
            dp[i + 1][j + 1] = dp[i][j] + 1 if a[i] == b[j] else max(dp[i][j + 1], dp[i + 1][j])
    return dp[-1][-1]


def max_disjoint(intervals: list[list[int]]) -> int:
    count, end = 0, -1
    for s, e in sorted(intervals, key=lambda x: x[1]):
        if s >= end:
            count, end = count + 1, e
    return count


def _word(rng: random.Random, k: int) -> str:
    return "".join(rng.choice("ABCD") for _ in range(k))


def _coins(rng: random.Random) -> dict[str, Any]:
    coins = sorted(rng.sample([1, 2, 3, 5, 7, 10, 12, 20, 25], 3))
    if 1 not in coins and rng.random() < 0.5:
        coins = [1] + coins
    return {"coins": coins, "amount": rng.randint(20, 120)}


_TABLE = {
    "sorting_network_apply": Op(_net_gen, lambda i: f"A comparator network on {i['n']} wires has comparators, applied in "
                                f"order, {net_text(i['net'])}; comparator (a,b) puts the smaller value on wire a and the "
                                f"larger on wire b. Feed it {', '.join(map(str, i['input']))} (wire 1 first). What comes "
                                "out? Give the values in wire order, separated by spaces,",
                                lambda i: run_network(i["net"], i["input"]), "ints",
                                "Apply a comparator network to an input."),
    "sorting_network_check": Op(_net_gen, lambda i: f"A comparator network on {i['n']} wires has comparators, applied in "
                                f"order, {net_text(i['net'])}; comparator (a,b) puts the smaller value on wire a. Does it "
                                "sort every input into ascending order?", lambda i: sorts_all(i["net"], i["n"]), "yesno",
                                "Does a comparator network sort every input?"),
    "josephus": Op(lambda r: {"n": r.randint(5, 60), "k": r.randint(2, 9)},
                   lambda i: f"{i['n']} people stand in a circle, numbered 1 to {i['n']}. Counting starts at person 1; "
                   f"every {i['k']}-th person is removed (counting continues from the next person) until one remains. "
                   "What is the survivor's number?", lambda i: josephus(i["n"], i["k"]), "int", "Josephus problem."),
    "knapsack": Op(lambda r: {"items": [[r.randint(1, 15), r.randint(1, 40)] for _ in range(r.randint(5, 9))],
                              "cap": r.randint(15, 40)},
                   lambda i: "Items (weight, value): " + ", ".join(f"({w}, {v})" for w, v in i["items"]) +
                   f". Each item can be taken at most once. What is the largest total value with total weight at most "
                   f"{i['cap']}?", lambda i: knapsack(i["items"], i["cap"]), "int", "0/1 knapsack optimum."),
    "coin_change_min": Op(_coins, lambda i: f"Using coins of values {', '.join(map(str, i['coins']))} (unlimited supply), "
                          f"what is the fewest coins that make exactly {i['amount']}? Answer -1 if impossible.",
                          lambda i: min_coins(i["coins"], i["amount"]), "int", "Fewest coins for an amount."),
    "coin_change_ways": Op(_coins, lambda i: f"In how many ways can {i['amount']} be made from coins of values "
                           f"{', '.join(map(str, i['coins']))} (unlimited supply, order does not matter)?",
                           lambda i: coin_ways(i["coins"], i["amount"]), "int", "Ways to make an amount from coins."),
    "lis_length": Op(lambda r: {"seq": [r.randint(1, 60) for _ in range(r.randint(8, 16))]},
                     lambda i: f"What is the length of the longest strictly increasing subsequence of "
                     f"{', '.join(map(str, i['seq']))}?", lambda i: lis(i["seq"]), "int",
                     "Longest increasing subsequence length."),
    "lcs_length": Op(lambda r: {"a": _word(r, r.randint(7, 12)), "b": _word(r, r.randint(7, 12))},
                     lambda i: f"What is the length of the longest common subsequence of {i['a']} and {i['b']}?",
                     lambda i: lcs(i["a"], i["b"]), "int", "Longest common subsequence length."),
    "edit_distance": Op(lambda r: {"a": _word(r, r.randint(5, 10)), "b": _word(r, r.randint(5, 10))},
                        lambda i: f"What is the Levenshtein edit distance (insertions, deletions, substitutions, each "
                        f"cost 1) between {i['a']} and {i['b']}?", lambda i: edit_distance(i["a"], i["b"]), "int",
                        "Levenshtein distance."),
    "interval_scheduling": Op(lambda r: {"iv": [[s, s + r.randint(1, 8)] for s in (r.randint(0, 30) for _ in range(r.randint(6, 12)))]},
                              lambda i: "Intervals (start, end): " + ", ".join(f"[{s}, {e})" for s, e in i["iv"]) +
                              ". What is the largest number of pairwise non-overlapping intervals (half-open, so [1, 3) "
                              "and [3, 5) do not overlap)?", lambda i: max_disjoint(i["iv"]), "int",
                              "Maximum set of non-overlapping intervals."),
}


# These generators draw at one size: the family has no levels yet (its table predates them).
for _op in _TABLE.values():
    _op.gen = (lambda gen: lambda rng, scale: gen(rng))(_op.gen)


class AlgoTask(TableTask):
    """Algorithmic questions with a computed answer, picked by ``op``."""

    description = "Algorithmic puzzles."
    table = _TABLE
    version = 2
    levels = ()
    default_level = None


class SortingNetworkDesign(Task):
    """Give a comparator network that sorts n inputs within a size bound; checked by the 0-1 principle."""

    description = "Design a sorting network."
    default_params: dict[str, Any] = {"min_n": 4, "max_n": 8}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = rng.randint(self.params["min_n"], self.params["max_n"])
        return {"n": n, "max_size": len(batcher(n))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Give a comparator network that sorts any {identity['n']} numbers into ascending order using at most "
                f"{identity['max_size']} comparators. A comparator (a,b) with a < b puts the smaller value on wire a and "
                f"the larger on wire b; wires are 1..{identity['n']}. List the comparators in order like (1,2), (3,4), ... "
                "inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 2000):
            return invalid("answer too long")
        pairs = re.findall(r"(\d+)\s*[,:-]\s*(\d+)", answer)
        n = identity["n"]
        if not pairs:
            return invalid("expected comparators like (1,2)")
        net = [[int(a) - 1, int(b) - 1] for a, b in pairs]
        if len(net) > identity["max_size"] or any(not 0 <= a < b < n for a, b in net):
            return Score(0.0, "wrong", "too many or malformed comparators")
        return 1.0 if sorts_all(net, n) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return net_text(batcher(identity["n"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        comps = answer.split(", ")
        return [", ".join(comps[:-1]), ", ".join(comps[1:])]  # Batcher's networks here are minimal


class NimMove(Task):
    """Give a winning Nim move (one that leaves a zero nim-sum); any such move scores."""

    description = "Find a winning move in Nim."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            heaps = [rng.randint(1, 30) for _ in range(rng.randint(3, 5))]
            x = 0
            for h in heaps:
                x ^= h
            if x:
                return {"heaps": heaps}

    def prompt(self, identity: dict[str, Any]) -> str:
        heaps = ", ".join(f"heap {k + 1}: {h}" for k, h in enumerate(identity["heaps"]))
        return (f"Nim (normal play: whoever takes the last object wins). Heaps: {heaps}. It is your move: remove one "
                "or more objects from a single heap so that you can force a win. Answer as 'heap H: take N' inside "
                "<answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 200):
            return invalid("answer too long")
        nums = re.findall(r"\d+", answer)
        if len(nums) != 2:
            return invalid("expected a heap number and a count")
        h, n = int(nums[0]) - 1, int(nums[1])
        heaps = list(identity["heaps"])
        if not 0 <= h < len(heaps) or not 1 <= n <= heaps[h]:
            return Score(0.0, "wrong", "illegal move")
        heaps[h] -= n
        x = 0
        for v in heaps:
            x ^= v
        return 1.0 if x == 0 else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        x = 0
        for v in identity["heaps"]:
            x ^= v
        k, h = next((k, h) for k, h in enumerate(identity["heaps"]) if h ^ x < h)
        return f"heap {k + 1}: take {h - (h ^ x)}"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        h, n = (int(v) for v in re.findall(r"\d+", answer))
        return [f"heap {h}: take {n + 1}", f"heap {h}: take {n - 1}" if n > 1 else f"heap {h}: take {n + 2}"]


_NUMBERS = Sequence(INTEGER, max_items=100)


class SubsetSum(Task):
    """Choose numbers from a list that add up to a target; any valid choice scores."""

    version = 2

    description = "Find a subset with a given sum."
    default_params: dict[str, Any] = {"count": 10, "equal_split": False}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        nums = [rng.randint(1, 60) for _ in range(self.params["count"])]
        chosen = rng.sample(range(len(nums)), len(nums) // 2)
        if self.params["equal_split"]:  # one extra number balances the two groups
            diff = sum(nums[i] for i in chosen) - sum(nums[i] for i in range(len(nums)) if i not in chosen)
            if diff:
                nums.append(abs(diff))
                if diff < 0:
                    chosen.append(len(nums) - 1)
        target = sum(nums[i] for i in chosen)
        return {"numbers": nums, "target": target, "chosen": sorted(chosen)}

    def prompt(self, identity: dict[str, Any]) -> str:
        nums = ", ".join(map(str, identity["numbers"]))
        if self.params["equal_split"]:
            what = f"Split the numbers {nums} into two groups with equal sums. Give the numbers of one group"
        else:
            what = f"Choose some of the numbers {nums} (each at most once) that add up to exactly {identity['target']}. Give them"
        return f"{what}, separated by spaces, inside <answer></answer>."

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        got = _NUMBERS.parse(answer)
        if got is None:
            return invalid("expected numbers")
        pool = list(identity["numbers"])
        for v in got:
            if v not in pool:
                return Score(0.0, "wrong", f"{v} is not available")
            pool.remove(v)
        if self.params["equal_split"] and sum(got) * 2 != sum(identity["numbers"]):
            return Score(0.0)
        return 1.0 if sum(got) == identity["target"] else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return " ".join(str(identity["numbers"][i]) for i in identity["chosen"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        items = answer.split()
        return [" ".join(items[:-1]) or "0", " ".join(items + items[:1])]


def register(registry: Any) -> None:
    register_table(registry, AlgoTask)
    registry.register(SortingNetworkDesign, "logic/sorting_network_design", {}, "Design a sorting network within a size bound.")
    registry.register(NimMove, "logic/nim_winning_move", {}, "Find a winning Nim move.")
    registry.register(SubsetSum, "logic/subset_sum", {}, "Find a subset of numbers with a given sum.")
    registry.register(SubsetSum, "logic/equal_partition", {"equal_split": True}, "Split numbers into two equal-sum groups.")
