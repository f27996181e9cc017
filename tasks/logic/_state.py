"""Helpers of the state-space puzzles: Hanoi plans and peg names, water-jug search and problems (private)."""

from __future__ import annotations

import math
import random
import re
from collections import deque
from typing import Any

from tasks.logic._common import too_long

#: The peg names of problems from before the names were generated.
PEGS = "ABC"
#: Letters that may name pegs (T and O are left out: "A to B" must read as one move).
_PEG_LETTERS = "ABCDEFGHJKLMNPQRSUVWXYZ"


def peg_labels(rng: random.Random) -> str:
    """Three distinct peg letters (generated labels keep small towers from repeating one prompt)."""
    return "".join(rng.sample(_PEG_LETTERS, 3))


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


def parse_peg_moves(answer: str, pegs: str = PEGS) -> list[tuple[int, int]] | None:
    """Moves ``FROM->TO`` between the pegs named by the three letters of ``pegs``, as peg indices, or None."""
    if too_long(answer, 3000):
        return None
    names = re.escape(pegs.upper() + pegs.lower())
    pairs = re.findall(rf"([{names}])\s*(?:->|→|to|-|>|)\s*([{names}])", answer)
    if not pairs:
        return None
    return [(pegs.index(a.upper()), pegs.index(b.upper())) for a, b in pairs]


def jug_done(s: tuple[int, int], goal: int, where: str = "either") -> bool:
    """Whether state ``s`` meets the goal: ``goal`` litres in either jug, in jug A, in jug B, or in both together."""
    return {"either": goal in s, "A": s[0] == goal, "B": s[1] == goal, "total": s[0] + s[1] == goal}[where]


def jug_bfs(caps: list[int], goal: int, start: Any = (0, 0), where: str = "either") -> list[str] | None:
    """Shortest action list from ``start`` to a state meeting the goal (:func:`jug_done`)."""
    start = (start[0], start[1])
    prev: dict[tuple[int, int], tuple[tuple[int, int], str] | None] = {start: None}
    queue = deque([start])
    while queue:
        s = queue.popleft()
        if jug_done(s, goal, where):
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


def jug_problem(rng: random.Random, max_cap: int, min_steps: int) -> dict[str, Any]:
    """Two jugs of 2..max_cap litres, a start filling and a goal at least ``min_steps`` actions away.

    A random start filling and where the goal must be measured (either jug, jug A, jug B, both together):
    empty jugs and "either jug" alone posed too few distinct problems.
    """
    while True:
        b = rng.randint(5, max_cap)
        a = rng.randint(2, b - 1)
        where = rng.choice(["either", "A", "B", "total"])
        goal = rng.randint(1, {"either": b, "A": a, "B": b, "total": a + b}[where] - 1)
        start = [rng.randint(0, a), rng.randint(0, b)]
        if goal % math.gcd(a, b) or jug_done((start[0], start[1]), goal, where):
            continue
        plan = jug_bfs([a, b], goal, start, where)
        if plan is not None and len(plan) >= min_steps:
            return {"caps": [a, b], "start": start, "goal": goal, "where": where}


def jug_state(identity: dict[str, Any]) -> tuple[list[int], str]:
    """The start filling and where the goal is measured (empty jugs and either jug before version 2)."""
    return identity.get("start", [0, 0]), identity.get("where", "either")


def jug_goal_text(identity: dict[str, Any]) -> str:
    goal = identity["goal"]
    return {"either": f"one jug holds exactly {goal} litres", "A": f"jug A holds exactly {goal} litres",
            "B": f"jug B holds exactly {goal} litres",
            "total": f"the two jugs together hold exactly {goal} litres"}[identity["where"]]


def jug_start_text(identity: dict[str, Any]) -> str:
    (a, b), (x, y) = identity["caps"], identity["start"]
    return f"a {a}-litre jug A holding {x} litres and a {b}-litre jug B holding {y} litres"
