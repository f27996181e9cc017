"""Algorithmic puzzles: sorting networks, Josephus, Nim, subset sum, knapsack, coin change, string DP."""

from __future__ import annotations

import bisect
import random
import re
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import INTEGER, Sequence
from tasks.common.strings import edit_distance
from tasks.logic._common import Op, TableTask, pick, register_table, too_long


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


def wire_masks(n: int, inputs: list[list[int]] | None = None) -> list[int]:
    """Inputs in parallel: bit j of wire i's mask is wire i's value in input j (default: every 0/1 input)."""
    if inputs is None:
        inputs = [[b >> (n - 1 - i) & 1 for i in range(n)] for b in range(2**n)]
    return [sum(1 << j for j, x in enumerate(inputs) if x[i]) for i in range(n)]


def sorts_masks(net: list[list[int]], masks: list[int]) -> bool:
    """Whether ``net`` sorts the inputs of ``masks`` (:func:`wire_masks`): a comparator is an AND and an OR."""
    wires = list(masks)
    for a, b in net:
        wires[a], wires[b] = wires[a] & wires[b], wires[a] | wires[b]
    return all(wires[i] & ~wires[i + 1] == 0 for i in range(len(wires) - 1))


def sorts_all(net: list[list[int]], n: int, inputs: list[list[int]] | None = None) -> bool:
    """Whether ``net`` sorts every 0/1 input of ``n`` wires (or every one of ``inputs``); by the 0-1 principle
    a network sorts everything iff it sorts every 0/1 input."""
    return sorts_masks(net, wire_masks(n, inputs))


def net_text(net: list[list[int]]) -> str:
    return ", ".join(f"({a + 1},{b + 1})" for a, b in net)


def _net_gen(rng: random.Random, s: int) -> dict[str, Any]:
    n = rng.randint(*pick(s, ((3, 4), (4, 5), (4, 7), (6, 9), (8, 12))))
    net = batcher(n)
    if rng.random() < 0.5:
        net.pop(rng.randrange(len(net)))
    return {"n": n, "net": net, "input": [rng.randint(0, 99) for _ in range(n)]}


def _base_network(rng: random.Random, n: int) -> list[list[int]]:
    """A sorting network of one of three designs, its independent neighbouring comparators shuffled."""
    kind = rng.randrange(3)
    if kind == 0:
        net = batcher(n)
    elif kind == 1:  # odd-even transposition sort
        net = [[i, i + 1] for r in range(n) for i in range(r % 2, n - 1, 2)]
    else:  # insertion sort
        net = [[i - 1, i] for j in range(1, n) for i in range(j, 0, -1)]
    for _ in range(2 * len(net)):
        k = rng.randrange(len(net) - 1) if len(net) > 1 else 0
        if len(net) > 1 and not set(net[k]) & set(net[k + 1]):
            net[k], net[k + 1] = net[k + 1], net[k]
    return net


def _check_gen(rng: random.Random, s: int) -> dict[str, Any]:
    """Label first: a shuffled sorting network with extra comparators, or one broken by a removal or change.

    Comparators before or after a sorting network keep it sorting; ones inserted inside may not (checked).
    """
    n = rng.randint(*pick(s, ((4, 5), (4, 6), (5, 7), (6, 8), (7, 9))))
    sorts = rng.random() < 0.5

    def comparator() -> list[int]:
        a = rng.randrange(n - 1)
        return [a, rng.randrange(a + 1, n)]

    for _ in range(50):
        net = _base_network(rng, n)
        net.insert(rng.randrange(len(net) + 1), comparator())
        net = [comparator() for _ in range(rng.randint(0, 3))] + net + [comparator() for _ in range(rng.randint(0, 1))]
        if not sorts:
            k = rng.randrange(len(net))
            if rng.random() < 0.5:
                net.pop(k)
            else:
                net[k] = comparator()
        if sorts_all(net, n) == sorts:
            break
    return {"n": n, "net": net}


def _net_size(i: dict[str, Any]) -> float:
    return float(len(i["net"]))


def josephus(n: int, k: int) -> int:
    pos = 0
    for m in range(2, n + 1):
        pos = (pos + k) % m
    return pos + 1


def removal_order(n: int, k: int, start: int = 1) -> list[int]:
    """People 1..n in a circle, counting from ``start``: every k-th is removed; the order of removal."""
    people, pos, out = list(range(1, n + 1)), start - 1, []
    while people:
        pos = (pos + k - 1) % len(people)
        out.append(people.pop(pos))
    return out


def _josephus_gen(rng: random.Random, s: int) -> dict[str, Any]:
    n = rng.randint(*pick(s, ((10, 25), (15, 40), (20, 70), (50, 150), (100, 300))))
    k = rng.randint(*pick(s, ((2, 5), (2, 7), (2, 10), (3, 15), (3, 25))))
    return {"n": n, "k": k, "start": rng.randint(1, n), "m": rng.randint(1, n)}


def _josephus_q(i: dict[str, Any]) -> str:
    return (f"{i['n']} people stand in a circle, numbered 1 to {i['n']} clockwise. Counting starts at person "
            f"{i['start']} (who counts as 1) and goes clockwise; every {i['k']}-th person counted is removed, and "
            "counting goes on from the next person, until nobody is left. What is the number of the person "
            f"removed {_ordinal(i['m'])}?")


def _ordinal(m: int) -> str:
    suffix = "th" if 10 <= m % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(m % 10, "th")
    return f"{m}{suffix}"


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


def _word(rng: random.Random, k: int, letters: str = "ABCD") -> str:
    return "".join(rng.choice(letters) for _ in range(k))


def _coins(rng: random.Random, s: int = 3) -> dict[str, Any]:
    if s == 3:  # the family as first registered
        coins = sorted(rng.sample([1, 2, 3, 5, 7, 10, 12, 20, 25], 3))
        if 1 not in coins and rng.random() < 0.5:
            coins = [1] + coins
        return {"coins": coins, "amount": rng.randint(20, 120)}
    count, top, (lo, hi) = pick(s, ((3, 20, (10, 60)), (3, 24, (20, 90)), (3, 25, (20, 120)), (4, 40, (80, 300)),
                                    (5, 60, (200, 600))))
    coins = sorted(rng.sample(range(2, top + 1), count))
    if rng.random() < 0.5:
        coins = [1] + coins[1:]
    return {"coins": coins, "amount": rng.randint(lo, hi)}


def _knapsack_gen(rng: random.Random, s: int) -> dict[str, Any]:
    (lo, hi), w, v, cap = pick(s, (((3, 5), 8, 20, (8, 20)), ((4, 7), 12, 30, (10, 30)), ((5, 9), 15, 40, (15, 40)),
                                   ((8, 12), 25, 60, (30, 80)), ((12, 16), 40, 99, (60, 150))))
    return {"items": [[rng.randint(1, w), rng.randint(1, v)] for _ in range(rng.randint(lo, hi))],
            "cap": rng.randint(*cap)}


def _answer_first(rng: random.Random, lo: int, hi: int, make: Any, value: Any, tries: int = 60) -> dict[str, Any]:
    """Draw the answer in ``lo..hi`` first, then redraw ``make(rng, answer)`` until ``value`` of it is that answer
    (the last draw stands, its own answer computed, if none hits)."""
    want = rng.randint(lo, hi)
    for _ in range(tries):
        identity = make(rng, want)
        if value(identity) == want:
            break
    return identity


def lis_fast(seq: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for x in seq:
        k = bisect.bisect_left(tails, x)
        tails[k:k + 1] = [x]
    return len(tails)


def _lis_gen(rng: random.Random, s: int) -> dict[str, Any]:
    (lo, hi), top = pick(s, (((6, 9), 30), ((8, 12), 50), ((10, 16), 60), ((16, 24), 99), ((24, 36), 200)))
    base = pick(s, (2, 2, 3, 4, 5))

    def make(r: random.Random, want: int) -> dict[str, Any]:
        n = r.randint(max(lo, want), hi)
        seq = [r.randint(1, top) for _ in range(n)]
        if r.random() < 0.5:  # plant an increasing run of the wanted length
            pos = sorted(r.sample(range(n), want))
            for p, v in zip(pos, sorted(r.sample(range(1, top + 1), want)), strict=True):
                seq[p] = v
        return {"seq": seq}

    return _answer_first(rng, base, base + pick(s, (4, 5, 5, 6, 8)), make, lambda i: lis_fast(i["seq"]))


def _plant(rng: random.Random, common: str, length: int, letters: str) -> str:
    out = [rng.choice(letters) for _ in range(length)]
    for p, c in zip(sorted(rng.sample(range(length), len(common))), common, strict=True):
        out[p] = c
    return "".join(out)


def _lcs_gen(rng: random.Random, s: int) -> dict[str, Any]:
    (lo, hi), letters, top = pick(s, (((4, 8), "ABCD", 5), ((5, 10), "ABCD", 7), ((7, 12), "ABCD", 9),
                                      ((10, 16), "ABCDE", 12), ((14, 22), "ABCDEF", 16)))

    def make(r: random.Random, want: int) -> dict[str, Any]:
        common = _word(r, want, letters)
        return {"a": _plant(r, common, r.randint(max(lo, want), hi), letters),
                "b": _plant(r, common, r.randint(max(lo, want), hi), letters)}

    return _answer_first(rng, 1, top, make, lambda i: lcs(i["a"], i["b"]))


def _edit_gen(rng: random.Random, s: int) -> dict[str, Any]:
    (lo, hi), letters, top = pick(s, (((4, 7), "ABC", 5), ((5, 8), "ABCD", 6), ((5, 10), "ABCD", 7),
                                      ((9, 14), "ABCDE", 10), ((12, 20), "ABCDEF", 13)))

    def make(r: random.Random, want: int) -> dict[str, Any]:
        a = list(_word(r, r.randint(lo, hi), letters))
        b = a[:]
        for _ in range(want):
            op = r.randrange(3) if b else 1
            k = r.randrange(len(b) + (op == 1))
            if op == 0:
                b[k] = r.choice(letters.replace(b[k], ""))
            elif op == 1:
                b.insert(k, r.choice(letters))
            else:
                b.pop(k)
        return {"a": "".join(a), "b": "".join(b)}

    return _answer_first(rng, 1, top, make, lambda i: edit_distance(i["a"], i["b"]))


def _intervals_gen(rng: random.Random, s: int) -> dict[str, Any]:
    (lo, hi), span, longest, top = pick(s, (((4, 7), 20, 6, 5), ((5, 9), 25, 7, 6), ((6, 12), 30, 8, 8),
                                            ((10, 16), 50, 10, 10), ((14, 22), 80, 12, 14)))

    def make(r: random.Random, want: int) -> dict[str, Any]:
        cuts = sorted(r.sample(range(span + 1), want + 1))
        iv = [[a, r.randint(a + 1, b)] for a, b in zip(cuts, cuts[1:], strict=False)]  # ``want`` disjoint ones
        count = r.randint(max(lo, want), hi)
        while len(iv) < count:
            a = r.randint(0, span - 1)
            iv.append([a, a + r.randint(1, longest)])
        r.shuffle(iv)
        return {"iv": iv}

    return _answer_first(rng, 1, top, make, lambda i: max_disjoint(i["iv"]))


def _cells(a: str, b: str) -> float:
    return float(len(a) * len(b))


_TABLE = {
    "sorting_network_apply": Op(_net_gen, lambda i: f"A comparator network on {i['n']} wires has comparators, applied in "
                                f"order, {net_text(i['net'])}; comparator (a,b) puts the smaller value on wire a and the "
                                f"larger on wire b. Feed it {', '.join(map(str, i['input']))} (wire 1 first). What comes "
                                "out? Give the values in wire order, separated by spaces,",
                                lambda i: run_network(i["net"], i["input"]), "ints",
                                "Apply a comparator network to an input.", _net_size),
    "sorting_network_check": Op(_check_gen, lambda i: f"A comparator network on {i['n']} wires has comparators, applied in "
                                f"order, {net_text(i['net'])}; comparator (a,b) puts the smaller value on wire a. Does it "
                                "sort every input into ascending order?", lambda i: sorts_all(i["net"], i["n"]), "yesno",
                                "Does a comparator network sort every input?",
                                lambda i: float(len(i["net"]) * 2 ** i["n"])),
    "josephus": Op(_josephus_gen, _josephus_q, lambda i: removal_order(i["n"], i["k"], i["start"])[i["m"] - 1], "int",
                   "Josephus problem: who is removed m-th.", lambda i: float(i["m"] * i["k"])),
    "knapsack": Op(_knapsack_gen, lambda i: "Items (weight, value): " + ", ".join(f"({w}, {v})" for w, v in i["items"]) +
                   f". Each item can be taken at most once. What is the largest total value with total weight at most "
                   f"{i['cap']}?", lambda i: knapsack(i["items"], i["cap"]), "int", "0/1 knapsack optimum.",
                   lambda i: float(len(i["items"]) * i["cap"])),
    "coin_change_min": Op(_coins, lambda i: f"Using coins of values {', '.join(map(str, i['coins']))} (unlimited supply), "
                          f"what is the fewest coins that make exactly {i['amount']}? Answer -1 if impossible.",
                          lambda i: min_coins(i["coins"], i["amount"]), "int", "Fewest coins for an amount.",
                          lambda i: float(len(i["coins"]) * i["amount"])),
    "coin_change_ways": Op(_coins, lambda i: f"In how many ways can {i['amount']} be made from coins of values "
                           f"{', '.join(map(str, i['coins']))} (unlimited supply, order does not matter)?",
                           lambda i: coin_ways(i["coins"], i["amount"]), "int", "Ways to make an amount from coins.",
                           lambda i: float(len(i["coins"]) * i["amount"])),
    "lis_length": Op(_lis_gen, lambda i: f"What is the length of the longest strictly increasing subsequence of "
                     f"{', '.join(map(str, i['seq']))}?", lambda i: lis_fast(i["seq"]), "int",
                     "Longest increasing subsequence length.", lambda i: float(len(i["seq"]) ** 2)),
    "lcs_length": Op(_lcs_gen, lambda i: f"What is the length of the longest common subsequence of {i['a']} and {i['b']}?",
                     lambda i: lcs(i["a"], i["b"]), "int", "Longest common subsequence length.",
                     lambda i: _cells(i["a"], i["b"])),
    "edit_distance": Op(_edit_gen, lambda i: f"What is the Levenshtein edit distance (insertions, deletions, substitutions, "
                        f"each cost 1) between {i['a']} and {i['b']}?", lambda i: edit_distance(i["a"], i["b"]), "int",
                        "Levenshtein distance.", lambda i: _cells(i["a"], i["b"])),
    "interval_scheduling": Op(_intervals_gen,
                              lambda i: "Intervals (start, end): " + ", ".join(f"[{s}, {e})" for s, e in i["iv"]) +
                              ". What is the largest number of pairwise non-overlapping intervals (half-open, so [1, 3) "
                              "and [3, 5) do not overlap)?", lambda i: max_disjoint(i["iv"]), "int",
                              "Maximum set of non-overlapping intervals.", lambda i: float(len(i["iv"]))),
}


class AlgoTask(TableTask):
    """Algorithmic questions with a computed answer, picked by ``op``; the scale sets the input's size."""

    description = "Algorithmic puzzles."
    table = _TABLE
    version = 3


def chain_inputs(n: int, chains: list[list[int]]) -> list[list[int]]:
    """The 0/1 inputs of ``n`` wires that are non-decreasing along every chain of wires."""
    out = []
    for b in range(2**n):
        bits = [b >> (n - 1 - i) & 1 for i in range(n)]
        if all(bits[c[k]] <= bits[c[k + 1]] for c in chains for k in range(len(c) - 1)):
            out.append(bits)
    return out


def pruned_network(n: int, chains: list[list[int]]) -> list[list[int]]:
    """Batcher's network less every comparator not needed for inputs ordered along ``chains`` (to a fixpoint)."""
    masks, net = wire_masks(n, chain_inputs(n, chains)), batcher(n)
    changed = True
    while changed:
        changed = False
        for k in range(len(net) - 1, -1, -1):
            if sorts_masks(net[:k] + net[k + 1:], masks):
                net.pop(k)
                changed = True
    return net


class SortingNetworkDesign(Task):
    """Give a comparator network that sorts n inputs already ordered along some chains of wires, within a size
    bound (the size of Batcher's network pruned for those inputs); checked by the 0-1 principle on them."""

    description = "Design a sorting network."
    version = 2
    default_params: dict[str, Any] = {"min_n": 7, "max_n": 9, "link": 0.5}
    # More wires, fewer known orderings (``link``: chance two neighbours of the shuffled wires are chained).
    levels = ({"min_n": 6, "max_n": 7, "link": 0.6}, {"min_n": 7, "max_n": 8, "link": 0.55},
              {"min_n": 7, "max_n": 9, "link": 0.5}, {"min_n": 8, "max_n": 9, "link": 0.45},
              {"min_n": 9, "max_n": 10, "link": 0.4})
    default_level = 3

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = rng.randint(self.params["min_n"], self.params["max_n"])
        while True:
            wires = rng.sample(range(n), n)
            chains, cur = [], [wires[0]]
            for w in wires[1:]:
                if rng.random() < self.params["link"]:
                    cur.append(w)
                else:
                    chains.append(cur)
                    cur = [w]
            chains.append(cur)
            chains = [c for c in chains if len(c) > 1]
            if sum(map(len, chains)) >= n - 1:  # at most one wire with nothing known
                net = pruned_network(n, chains)
                if len(net) >= 2:
                    return {"n": n, "chains": chains, "max_size": len(net), "net": net}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Comparators the network needs (the pruned reference) times the wires."""
        return float(identity["max_size"] * identity["n"])

    def prompt(self, identity: dict[str, Any]) -> str:
        known = "; ".join(" <= ".join(f"wire {w + 1}" for w in c) for c in identity["chains"])
        return (f"Inputs to {identity['n']} wires are known to satisfy: {known}. Give a comparator network that "
                f"sorts every such input into ascending order using at most {identity['max_size']} comparators. A "
                f"comparator (a,b) with a < b puts the smaller value on wire a and the larger on wire b; wires are "
                f"1..{identity['n']}. List the comparators in order like (1,2), (3,4), ... inside <answer></answer>.")

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
        return 1.0 if sorts_all(net, n, chain_inputs(n, identity["chains"])) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return net_text(identity["net"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        comps = answer.split(", ")
        return [", ".join(comps[:-1]), ", ".join(comps[1:])]  # the pruned network has no comparator to spare


class NimMove(Task):
    """Give a winning Nim move (one that leaves a zero nim-sum); any such move scores."""

    description = "Find a winning move in Nim."
    version = 2
    default_params: dict[str, Any] = {"min_heaps": 3, "max_heaps": 5, "max_heap": 30}
    levels = ({"min_heaps": 3, "max_heaps": 3, "max_heap": 24}, {"min_heaps": 3, "max_heaps": 4, "max_heap": 30},
              {"min_heaps": 3, "max_heaps": 5, "max_heap": 30}, {"min_heaps": 5, "max_heaps": 7, "max_heap": 100},
              {"min_heaps": 7, "max_heaps": 9, "max_heap": 1000})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Bits the nim-sum runs over: heaps times the bits of the largest heap."""
        return float(len(identity["heaps"]) * max(identity["heaps"]).bit_length())

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        while True:
            heaps = [rng.randint(1, p["max_heap"]) for _ in range(rng.randint(p["min_heaps"], p["max_heaps"]))]
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

    version = 3

    description = "Find a subset with a given sum."
    default_params: dict[str, Any] = {"count": 10, "equal_split": False, "max_value": 60}
    levels = ({"count": 6, "max_value": 30}, {"count": 8, "max_value": 45}, {"count": 10, "max_value": 60},
              {"count": 14, "max_value": 150}, {"count": 18, "max_value": 500})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Numbers to choose from times the digits of the target (the subsets and sums a solver weighs)."""
        return float(len(identity["numbers"]) * len(str(identity["target"])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        nums = [rng.randint(1, self.params["max_value"]) for _ in range(self.params["count"])]
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
