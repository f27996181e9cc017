"""State-space puzzles whose move lists are verified by simulation: Hanoi, water jugs, river crossings, bridge."""

from __future__ import annotations

import math
import random
import re
from collections import deque
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask
from tasks.logic._common import INT_HINT, too_long

_PEGS = "ABC"


def hanoi_plan(pos: list[int], target: int) -> list[tuple[int, int]]:
    """Optimal moves taking disks (pos[k] = peg of disk k, 0 smallest) all onto ``target``."""
    pos = list(pos)
    moves: list[tuple[int, int]] = []

    def gather(k: int, t: int) -> None:  # disks 0..k onto peg t
        if k < 0:
            return
        if pos[k] == t:
            gather(k - 1, t)
            return
        other = 3 - pos[k] - t
        gather(k - 1, other)
        moves.append((pos[k], t))
        pos[k] = t
        gather(k - 1, t)

    gather(len(pos) - 1, target)
    return moves


def parse_peg_moves(answer: str) -> list[tuple[int, int]] | None:
    if too_long(answer, 3000):
        return None
    pairs = re.findall(r"([ABCabc])\s*(?:->|→|to|-|>|)\s*([ABCabc])", answer)
    if not pairs:
        return None
    return [(_PEGS.index(a.upper()), _PEGS.index(b.upper())) for a, b in pairs]


class Hanoi(Task):
    """Move every disk onto the target peg within the optimal number of moves; simulated move by move."""

    description = "Tower of Hanoi move list."
    default_params: dict[str, Any] = {"min_disks": 3, "max_disks": 6, "scrambled": False}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = rng.randint(self.params["min_disks"], self.params["max_disks"])
        if self.params["scrambled"]:
            pos = [rng.randrange(3) for _ in range(n)]
            target = rng.randrange(3)
        else:
            start = rng.randrange(3)
            pos, target = [start] * n, rng.choice([p for p in range(3) if p != start])
        if not hanoi_plan(pos, target):
            pos[-1] = (target + 1) % 3
        return {"pos": pos, "target": target}

    def prompt(self, identity: dict[str, Any]) -> str:
        pos, n = identity["pos"], len(identity["pos"])
        pegs = "; ".join(f"peg {_PEGS[p]}: " + (", ".join(str(k + 1) for k in range(n - 1, -1, -1) if pos[k] == p) or "empty")
                         for p in range(3))
        best = len(hanoi_plan(pos, identity["target"]))
        return (f"Tower of Hanoi with {n} disks numbered 1 (smallest) to {n} (largest), listed bottom to top: {pegs}. "
                f"Move all disks onto peg {_PEGS[identity['target']]}, one top disk at a time, never placing a larger disk "
                f"on a smaller one, in at most {best} moves. List the moves as FROM->TO pairs separated by commas "
                "(e.g. A->C, A->B) inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        moves = parse_peg_moves(answer)
        if moves is None:
            return invalid("expected moves like A->C")
        pos = list(identity["pos"])
        if len(moves) > len(hanoi_plan(pos, identity["target"])):
            return Score(0.0, "wrong", "too many moves")
        for a, b in moves:
            on_a = [k for k in range(len(pos)) if pos[k] == a]
            on_b = [k for k in range(len(pos)) if pos[k] == b]
            if a == b or not on_a or (on_b and min(on_b) < min(on_a)):
                return Score(0.0, "wrong", "illegal move")
            pos[min(on_a)] = b
        return 1.0 if all(p == identity["target"] for p in pos) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(f"{_PEGS[a]}->{_PEGS[b]}" for a, b in hanoi_plan(identity["pos"], identity["target"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        moves = answer.split(", ")
        return [", ".join(moves[:-1]) or "A->B", ", ".join(["A->B", "B->A"] + moves)]  # unfinished; over the bound


class HanoiCount(IntegerTask):
    """The least number of moves from a scrambled legal Hanoi position to one peg."""

    version = 2

    description = "Minimum moves to solve a scrambled Tower of Hanoi."
    default_params: dict[str, Any] = {"min_disks": 4, "max_disks": 10}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = rng.randint(self.params["min_disks"], self.params["max_disks"])
        return {"pos": [rng.randrange(3) for _ in range(n)], "target": 2}

    def value(self, identity: dict[str, Any]) -> int:
        return len(hanoi_plan(identity["pos"], identity["target"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        pos = identity["pos"]
        where = ", ".join(f"disk {k + 1} on peg {_PEGS[p]}" for k, p in enumerate(pos))
        return (f"A Tower of Hanoi position with {len(pos)} disks (1 = smallest; each peg's disks are stacked largest at "
                f"the bottom): {where}. What is the least number of moves to bring all disks onto peg C, moving one top "
                f"disk at a time and never placing a larger disk on a smaller one? {INT_HINT}")


def jug_bfs(caps: list[int], goal: int) -> list[str] | None:
    """Shortest action list reaching a state where some jug holds ``goal`` litres."""
    start = (0, 0)
    prev: dict[tuple[int, int], tuple[tuple[int, int], str] | None] = {start: None}
    queue = deque([start])
    while queue:
        s = queue.popleft()
        if goal in s:
            out = []
            while prev[s] is not None:
                s, act = prev[s]  # type: ignore[misc]
                out.append(act)
            return out[::-1]
        for act in ("fill A", "fill B", "empty A", "empty B", "pour A B", "pour B A"):
            t = jug_step(s, caps, act)
            if t not in prev:
                prev[t] = (s, act)
                queue.append(t)
    return None


def jug_step(s: tuple[int, int], caps: list[int], act: str) -> tuple[int, int]:
    a, b = s
    if act == "fill A":
        return caps[0], b
    if act == "fill B":
        return a, caps[1]
    if act == "empty A":
        return 0, b
    if act == "empty B":
        return a, 0
    if act == "pour A B":
        d = min(a, caps[1] - b)
        return a - d, b + d
    d = min(b, caps[0] - a)
    return a + d, b - d


def _jug_gen(rng: random.Random) -> dict[str, Any]:
    while True:
        a, b = sorted(rng.sample(range(2, 14), 2))
        goal = rng.randint(1, b - 1)
        if goal % math.gcd(a, b) == 0 and goal not in (a, b):
            return {"caps": [a, b], "goal": goal}


class WaterJug(Task):
    """Measure a volume with two jugs; any action list that reaches it (simulated) scores."""

    description = "Water jug puzzle: give the actions."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return _jug_gen(rng)

    def prompt(self, identity: dict[str, Any]) -> str:
        a, b = identity["caps"]
        return (f"You have an empty {a}-litre jug A and an empty {b}-litre jug B and unlimited water. Actions: "
                "'fill A', 'fill B', 'empty A', 'empty B', 'pour A B' (pour A into B until A is empty or B is full), "
                f"'pour B A'. Give a sequence of actions after which one jug holds exactly {identity['goal']} litres. "
                "Separate actions with commas inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 2000):
            return invalid("answer too long")
        acts = [" ".join(a.lower().replace("into", " ").replace("->", " ").split()) for a in re.split(r"[,;\n]", answer)]
        acts = [a.replace("pour a b", "pour A B").replace("pour b a", "pour B A").replace(" a", " A").replace(" b", " B")
                for a in acts if a]
        valid = {"fill A", "fill B", "empty A", "empty B", "pour A B", "pour B A"}
        if not acts or any(a not in valid for a in acts):
            return invalid("unknown action")
        s = (0, 0)
        for act in acts:
            s = jug_step(s, identity["caps"], act)
        return 1.0 if identity["goal"] in s else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(jug_bfs(identity["caps"], identity["goal"]) or [])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        acts = answer.split(", ")
        return [", ".join(acts[:-1]) or "fill A, empty A", ", ".join(acts + ["empty A", "empty B"])]


class WaterJugSteps(IntegerTask):
    """The fewest actions to measure a volume with two jugs (breadth-first search)."""

    version = 2

    description = "Water jug puzzle: fewest actions."
    default_params: dict[str, Any] = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return _jug_gen(rng)

    def value(self, identity: dict[str, Any]) -> int:
        return len(jug_bfs(identity["caps"], identity["goal"]) or [])

    def prompt(self, identity: dict[str, Any]) -> str:
        a, b = identity["caps"]
        return (f"With an empty {a}-litre jug and an empty {b}-litre jug and unlimited water, where one action fills a "
                "jug, empties a jug, or pours one jug into the other until the first is empty or the second full, what "
                f"is the fewest number of actions after which one jug holds exactly {identity['goal']} litres? "
                f"{INT_HINT}")


class MissionariesCannibals(Task):
    """Missionaries and cannibals; any safe crossing plan (simulated) scores."""

    description = "Missionaries and cannibals river crossing."
    default_params: dict[str, Any] = {}
    _SETUPS = [(2, 2), (3, 2), (3, 3), (4, 3), (5, 3), (4, 4), (6, 4)]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n, cap = rng.choice(self._SETUPS)
        return {"n": n, "cap": cap}

    @staticmethod
    def _safe(m: int, c: int, n: int) -> bool:
        return (m == 0 or m >= c) and (n - m == 0 or n - m >= n - c)

    def _plan(self, n: int, cap: int) -> list[str]:
        start = (n, n, 0)
        prev: dict[tuple[int, int, int], Any] = {start: None}
        queue = deque([start])
        while queue:
            s = queue.popleft()
            if s == (0, 0, 1):
                out = []
                while prev[s]:
                    s, trip = prev[s]
                    out.append(trip)
                return out[::-1]
            m, c, side = s
            sign = -1 if side == 0 else 1
            for dm in range(cap + 1):
                for dc in range(cap + 1 - dm):
                    if dm + dc == 0:
                        continue
                    t = (m + sign * dm, c + sign * dc, 1 - side)
                    if 0 <= t[0] <= n and 0 <= t[1] <= n and self._safe(t[0], t[1], n) and t not in prev:
                        prev[t] = (s, "M" * dm + "C" * dc)
                        queue.append(t)
        return []

    def prompt(self, identity: dict[str, Any]) -> str:
        n, cap = identity["n"], identity["cap"]
        return (f"{n} missionaries and {n} cannibals must cross a river from the left bank with a boat that carries 1 to "
                f"{cap} people and cannot cross empty. On neither bank (counting people in a docked boat) may cannibals "
                "outnumber missionaries when any missionary is there. List the boat trips in order, alternating "
                "left->right and right->left, each as its passengers (e.g. MC, CC, M), separated by commas, inside "
                "<answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 1000):
            return invalid("answer too long")
        trips = [t.strip().upper() for t in re.split(r"[,;\n]", answer) if t.strip()]
        if not trips or any(not re.fullmatch(r"[MC]+", t) for t in trips):
            return invalid("expected trips like MC, CC, M")
        n, cap = identity["n"], identity["cap"]
        m, c, side = n, n, 0
        for trip in trips:
            dm, dc = trip.count("M"), trip.count("C")
            if not 1 <= dm + dc <= cap:
                return Score(0.0, "wrong", "bad boat load")
            sign = -1 if side == 0 else 1
            m, c, side = m + sign * dm, c + sign * dc, 1 - side
            if not (0 <= m <= n and 0 <= c <= n) or not self._safe(m, c, n):
                return Score(0.0, "wrong", "unsafe or impossible trip")
        return 1.0 if (m, c, side) == (0, 0, 1) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(self._plan(identity["n"], identity["cap"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        trips = answer.split(", ")
        return [", ".join(trips[:-1]) or "M", ", ".join(trips + trips[-1:])]


class BridgeTorch(Task):
    """Bridge and torch: cross in at most the optimal total time; simulated."""

    description = "Bridge and torch crossing within the optimal time."
    default_params: dict[str, Any] = {"min_people": 4, "max_people": 6}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        k = rng.randint(self.params["min_people"], self.params["max_people"])
        return {"times": sorted(rng.sample(range(1, 30), k))}

    @staticmethod
    def _plan(times: list[int]) -> list[list[int]]:
        left = sorted(range(len(times)), key=lambda i: times[i])
        trips: list[list[int]] = []
        while len(left) > 3:
            a, b, y, z = left[0], left[1], left[-2], left[-1]
            if times[a] + 2 * times[b] + times[z] <= 2 * times[a] + times[y] + times[z]:
                trips += [[a, b], [a], [y, z], [b]]
            else:
                trips += [[a, z], [a], [a, y], [a]]
            left = left[:-2]
        if len(left) == 3:
            trips += [[left[0], left[2]], [left[0]], [left[0], left[1]]]
        else:
            trips.append(left)
        return trips

    def prompt(self, identity: dict[str, Any]) -> str:
        t = identity["times"]
        people = ", ".join(f"{chr(65 + i)} ({v} min)" for i, v in enumerate(t))
        best = sum(max(t[i] for i in trip) for trip in self._plan(t))
        return (f"People {people} must cross a bridge at night with one torch. At most two cross at a time, the torch "
                "must be carried on every crossing, and a pair moves at the slower person's pace. Get everyone across "
                f"in at most {best} minutes. List the crossings in order (forward, back, forward, ...), each as the "
                "letters of who crosses (e.g. AB, A, CD, B, AB), separated by commas, inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 500):
            return invalid("answer too long")
        times = identity["times"]
        names = "".join(chr(65 + i) for i in range(len(times)))
        trips = [re.sub(r"[\s+&]|AND", "", t.upper()) for t in re.split(r"[,;\n]", answer) if t.strip()]
        if not trips or any(not t or any(ch not in names for ch in t) for t in trips):
            return invalid("expected crossings like AB, A")
        here, total = set(names), 0
        for k, trip in enumerate(trips):
            group = set(trip)
            side = here if k % 2 == 0 else set(names) - here
            if len(group) != len(trip) or not 1 <= len(group) <= 2 or not group <= side:
                return Score(0.0, "wrong", "illegal crossing")
            here = here - group if k % 2 == 0 else here | group
            total += max(times[ord(ch) - 65] for ch in group)
        best = sum(max(times[i] for i in trip) for trip in self._plan(times))
        return 1.0 if not here and total <= best else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join("".join(chr(65 + i) for i in sorted(trip)) for trip in self._plan(identity["times"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        trips = answer.split(", ")
        k = len(identity["times"])
        slow = chr(64 + k)
        return [", ".join(trips[:-1]) or "A", ", ".join([f"A{slow}", "A"] + trips)]


def register(registry: Any) -> None:
    registry.register(Hanoi, "logic/hanoi_moves", {}, "Tower of Hanoi: list the optimal moves.")
    registry.register(Hanoi, "logic/hanoi_scrambled_moves", {"scrambled": True},
                      "Tower of Hanoi from a scrambled position: list optimal moves.")
    registry.register(HanoiCount, "logic/hanoi_min_moves", {}, "Minimum moves from a scrambled Hanoi position.")
    registry.register(WaterJug, "logic/water_jug", {}, "Water jug puzzle: give actions that measure a volume.")
    registry.register(WaterJugSteps, "logic/water_jug_steps", {}, "Water jug puzzle: fewest actions.")
    registry.register(MissionariesCannibals, "logic/river_crossing", {}, "Missionaries and cannibals crossing plan.")
    registry.register(BridgeTorch, "logic/bridge_torch", {}, "Bridge and torch crossing in optimal time.")
