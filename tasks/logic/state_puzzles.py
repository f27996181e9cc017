"""State-space puzzles whose move lists are verified by simulation: Hanoi, water jugs, river crossings, bridge."""

from __future__ import annotations

import random
import re
from collections import deque
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask
from tasks.logic._common import INT_HINT, too_long
from tasks.logic._state import (
    PEGS,
    hanoi_plan,
    jug_bfs,
    jug_done,
    jug_goal_text,
    jug_problem,
    jug_start_text,
    jug_state,
    jug_step,
    parse_peg_moves,
    peg_labels,
)

__all__ = ["BridgeTorch", "Hanoi", "HanoiCount", "MissionariesCannibals", "WaterJug", "WaterJugSteps", "hanoi_plan",
           "jug_bfs", "jug_step", "parse_peg_moves"]


class Hanoi(Task):
    """Move every disk onto the target peg within the optimal number of moves; simulated move by move."""

    version = 2

    description = "Tower of Hanoi move list."
    default_params: dict[str, Any] = {"min_disks": 3, "max_disks": 6, "scrambled": False}
    levels = ({"min_disks": 2, "max_disks": 3}, {"min_disks": 3, "max_disks": 4}, {"min_disks": 3, "max_disks": 6},
              {"min_disks": 6, "max_disks": 7}, {"min_disks": 7, "max_disks": 8})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Moves of the optimal solution."""
        return float(len(hanoi_plan(identity["pos"], identity["target"])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pegs = peg_labels(rng)
        n = rng.randint(self.params["min_disks"], self.params["max_disks"])
        if self.params["scrambled"]:
            pos = [rng.randrange(3) for _ in range(n)]
            target = rng.randrange(3)
        else:
            start = rng.randrange(3)
            pos, target = [start] * n, rng.choice([p for p in range(3) if p != start])
        if not hanoi_plan(pos, target):
            pos[-1] = (target + 1) % 3
        return {"pos": pos, "target": target, "pegs": pegs}

    def prompt(self, identity: dict[str, Any]) -> str:
        pos, n, names = identity["pos"], len(identity["pos"]), identity.get("pegs", PEGS)
        pegs = "; ".join(f"peg {names[p]}: " + (", ".join(str(k + 1) for k in range(n - 1, -1, -1) if pos[k] == p) or "empty")
                         for p in range(3))
        best = len(hanoi_plan(pos, identity["target"]))
        return (f"Tower of Hanoi with {n} disks numbered 1 (smallest) to {n} (largest), listed bottom to top: {pegs}. "
                f"Move all disks onto peg {names[identity['target']]}, one top disk at a time, never placing a larger disk "
                f"on a smaller one, in at most {best} moves. List the moves as FROM->TO pairs separated by commas "
                f"(e.g. {names[0]}->{names[2]}, {names[0]}->{names[1]}) inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        moves = parse_peg_moves(answer, identity.get("pegs", PEGS))
        if moves is None:
            return invalid(f"expected moves like {identity['pegs'][0]}->{identity['pegs'][2]}")
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
        names = identity.get("pegs", PEGS)
        return ", ".join(f"{names[a]}->{names[b]}" for a, b in hanoi_plan(identity["pos"], identity["target"]))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        moves, (a, b, _) = answer.split(", "), identity.get("pegs", PEGS)
        return [", ".join(moves[:-1]) or f"{a}->{b}", ", ".join([f"{a}->{b}", f"{b}->{a}"] + moves)]  # unfinished; over


class HanoiCount(IntegerTask):
    """The least number of moves from a scrambled legal Hanoi position to one peg."""

    version = 3

    description = "Minimum moves to solve a scrambled Tower of Hanoi."
    default_params: dict[str, Any] = {"min_disks": 4, "max_disks": 10}
    levels = ({"min_disks": 3, "max_disks": 5}, {"min_disks": 5, "max_disks": 7}, {"min_disks": 4, "max_disks": 10},
              {"min_disks": 8, "max_disks": 12}, {"min_disks": 10, "max_disks": 14})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Disks to track (each doubles the longest plan)."""
        return float(len(identity["pos"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        pegs = peg_labels(rng)  # generated peg names and a random target: few disks pose few positions
        n = rng.randint(self.params["min_disks"], self.params["max_disks"])
        return {"pos": [rng.randrange(3) for _ in range(n)], "target": rng.randrange(3), "pegs": pegs}

    def value(self, identity: dict[str, Any]) -> int:
        return len(hanoi_plan(identity["pos"], identity["target"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        pos, names = identity["pos"], identity.get("pegs", PEGS)
        where = ", ".join(f"disk {k + 1} on peg {names[p]}" for k, p in enumerate(pos))
        return (f"A Tower of Hanoi position with {len(pos)} disks (1 = smallest; each peg's disks are stacked largest at "
                f"the bottom): {where}. What is the least number of moves to bring all disks onto peg "
                f"{names[identity['target']]}, moving one top "
                f"disk at a time and never placing a larger disk on a smaller one? {INT_HINT}")


class _JugLevels:
    """Levels of the jug puzzles: larger jugs (and so longer plans)."""

    default_params: dict[str, Any] = {"max_cap": 13, "min_steps": 3}
    levels = ({"max_cap": 13, "min_steps": 3}, {"max_cap": 16, "min_steps": 4}, {"max_cap": 19, "min_steps": 5},
              {"max_cap": 25, "min_steps": 6}, {"max_cap": 41, "min_steps": 9})
    default_level = 1

    def complexity(self, identity: dict[str, Any]) -> float:
        """Actions of the shortest plan."""
        return float(len(jug_bfs(identity["caps"], identity["goal"], *jug_state(identity)) or []))


class WaterJug(_JugLevels, Task):
    """Measure a volume with two jugs; any action list that reaches it (simulated) scores."""

    version = 2

    description = "Water jug puzzle: give the actions."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return jug_problem(rng, self.params["max_cap"], self.params["min_steps"])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"You have {jug_start_text(identity)}, and unlimited water. Actions: "
                "'fill A', 'fill B', 'empty A', 'empty B', 'pour A B' (pour A into B until A is empty or B is full), "
                f"'pour B A'. Give a sequence of actions after which {jug_goal_text(identity)}. "
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
        start, where = jug_state(identity)
        s = (start[0], start[1])
        for act in acts:
            s = jug_step(s, identity["caps"], act)
        return 1.0 if jug_done(s, identity["goal"], where) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return ", ".join(jug_bfs(identity["caps"], identity["goal"], *jug_state(identity)) or [])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        acts = answer.split(", ")
        return [", ".join(acts[:-1]) or "fill A, empty A", ", ".join(acts + ["empty A", "empty B"])]


class WaterJugSteps(_JugLevels, IntegerTask):
    """The fewest actions to measure a volume with two jugs (breadth-first search)."""

    version = 3

    description = "Water jug puzzle: fewest actions."

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return jug_problem(rng, self.params["max_cap"], self.params["min_steps"])

    def value(self, identity: dict[str, Any]) -> int:
        return len(jug_bfs(identity["caps"], identity["goal"], *jug_state(identity)) or [])

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"With {jug_start_text(identity)}, and unlimited water, where one action fills a "
                "jug, empties a jug, or pours one jug into the other until the first is empty or the second full, what "
                f"is the fewest number of actions after which {jug_goal_text(identity)}? "
                f"{INT_HINT}")


#: Group names for the river crossing, with distinct initials (the letters trips are written in).
_GROUPS = ["archers", "bandits", "clerks", "dwarves", "elves", "farmers", "giants", "hunters", "imps", "jesters",
           "knights", "lords", "monks", "nomads", "ogres", "pirates", "rangers", "sailors", "trolls", "vikings",
           "wizards", "yetis", "zealots"]


class MissionariesCannibals(Task):
    """Missionaries and cannibals (under generated group names); any safe crossing plan (simulated) scores."""

    version = 2

    description = "Missionaries and cannibals river crossing."
    default_params: dict[str, Any] = {"min_n": 2, "max_n": 6, "caps": [2, 3, 4]}
    levels = ({"min_n": 2, "max_n": 4, "caps": [3, 4]}, {"min_n": 2, "max_n": 6, "caps": [2, 3, 4]},
              {"min_n": 5, "max_n": 9, "caps": [4, 5]}, {"min_n": 8, "max_n": 14, "caps": [4, 5]},
              {"min_n": 14, "max_n": 22, "caps": [4, 5, 6]})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Boat trips of the shortest plan."""
        return float(len(self._plan(identity)))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # Generated group names and a start anywhere on the way: the seven classic set-ups alone repeat.
        while True:
            n, cap = rng.randint(self.params["min_n"], self.params["max_n"]), rng.choice(self.params["caps"])
            states = sorted(self._reachable(n, cap))
            if (0, 0, 1) in states:
                break
        # The start is at least half as far from the goal as the farthest state (moves are reversible).
        far = self._reachable(n, cap, (0, 0, 1))
        top = max(far.values())
        m, c, side = rng.choice([s for s in states if 2 * far[s] >= top and s != (0, 0, 1)])
        return {"n": n, "cap": cap, "start": [m, c, side], "groups": rng.sample(_GROUPS, 2)}

    @staticmethod
    def _safe(m: int, c: int, n: int) -> bool:
        return (m == 0 or m >= c) and (n - m == 0 or n - m >= n - c)

    @classmethod
    def _moves(cls, s: tuple[int, int, int], n: int, cap: int) -> list[tuple[tuple[int, int, int], tuple[int, int]]]:
        m, c, side = s
        sign = -1 if side == 0 else 1
        out = []
        for dm in range(cap + 1):
            for dc in range(cap + 1 - dm):
                t = (m + sign * dm, c + sign * dc, 1 - side)
                if dm + dc and 0 <= t[0] <= n and 0 <= t[1] <= n and cls._safe(t[0], t[1], n):
                    out.append((t, (dm, dc)))
        return out

    @classmethod
    def _reachable(cls, n: int, cap: int, start: tuple[int, int, int] | None = None) -> dict[tuple[int, int, int], int]:
        """Trips from ``start`` (default: everyone on the left) to every state reachable from it."""
        first = start or (n, n, 0)
        seen, queue = {first: 0}, deque([first])
        while queue:
            s = queue.popleft()
            for t, _ in cls._moves(s, n, cap):
                if t not in seen:
                    seen[t] = seen[s] + 1
                    queue.append(t)
        return seen

    def _plan(self, identity: dict[str, Any]) -> list[tuple[int, int]]:
        """Shortest list of boat loads (first group, second group) from the start to everyone across."""
        n, cap = identity["n"], identity["cap"]
        start = tuple(self._start(identity))
        prev: dict[tuple[int, ...], Any] = {start: None}
        queue = deque([start])
        while queue:
            s = queue.popleft()
            if s == (0, 0, 1):
                out = []
                while prev[s]:
                    s, trip = prev[s]
                    out.append(trip)
                return out[::-1]
            for t, trip in self._moves(s, n, cap):  # type: ignore[arg-type]
                if t not in prev:
                    prev[t] = (s, trip)
                    queue.append(t)
        return []

    @staticmethod
    def _letters(identity: dict[str, Any]) -> tuple[str, str]:
        a, b = identity.get("groups", ["missionaries", "cannibals"])
        return a[0].upper(), b[0].upper()

    @staticmethod
    def _start(identity: dict[str, Any]) -> list[int]:
        """Where everyone is: the start of a version-2 problem, everyone on the left before it."""
        return identity.get("start", [identity["n"], identity["n"], 0])

    def prompt(self, identity: dict[str, Any]) -> str:
        n, cap = identity["n"], identity["cap"]
        (a, b), (x, y) = identity["groups"], self._letters(identity)
        m, c, side = self._start(identity)
        where = f"{m} {a} and {c} {b} are on the left bank, {n - m} {a} and {n - c} {b} on the right bank"
        return (f"{n} {a} and {n} {b} must all reach the right bank of a river with a boat that carries 1 to {cap} "
                f"people and cannot cross empty. Now {where}, and the boat is at the {('left', 'right')[side]} bank. "
                f"On neither bank (counting people in a docked boat) may {b} outnumber {a} when any of the {a} is "
                f"there. List the boat trips in order, starting from the boat's bank and alternating banks, each as "
                f"its passengers ({x} for one of the {a}, {y} for one of the {b}, e.g. {x}{y}, {y}{y}, {x}), separated "
                "by commas, inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 3000):
            return invalid("answer too long")
        x, y = self._letters(identity)
        trips = [t.strip().upper() for t in re.split(r"[,;\n]", answer) if t.strip()]
        if not trips or any(not re.fullmatch(f"[{x}{y}]+", t) for t in trips):
            return invalid(f"expected trips like {x}{y}, {y}{y}, {x}")
        n, cap = identity["n"], identity["cap"]
        m, c, side = self._start(identity)
        for trip in trips:
            dm, dc = trip.count(x), trip.count(y)
            if not 1 <= dm + dc <= cap:
                return Score(0.0, "wrong", "bad boat load")
            sign = -1 if side == 0 else 1
            m, c, side = m + sign * dm, c + sign * dc, 1 - side
            if not (0 <= m <= n and 0 <= c <= n) or not self._safe(m, c, n):
                return Score(0.0, "wrong", "unsafe or impossible trip")
        return 1.0 if (m, c, side) == (0, 0, 1) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        x, y = self._letters(identity)
        return ", ".join(x * dm + y * dc for dm, dc in self._plan(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        trips = answer.split(", ")
        x, _ = self._letters(identity)
        return [", ".join(trips[:-1]) or x, ", ".join(trips + trips[-1:])]


class BridgeTorch(Task):
    """Bridge and torch: cross in at most the optimal total time; simulated."""

    version = 2

    description = "Bridge and torch crossing within the optimal time."
    default_params: dict[str, Any] = {"min_people": 4, "max_people": 6}
    levels = ({"min_people": 4, "max_people": 4}, {"min_people": 4, "max_people": 5},
              {"min_people": 4, "max_people": 6}, {"min_people": 6, "max_people": 8},
              {"min_people": 8, "max_people": 10})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Crossings of the optimal plan."""
        return float(len(self._plan(identity["times"])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        k = rng.randint(self.params["min_people"], self.params["max_people"])
        # Unsorted: with the fastest always named A, one plan answered a quarter of the problems.
        return {"times": rng.sample(range(1, 30), k)}

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
