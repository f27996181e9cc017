"""Grid navigation: mazes (paths checked by walking them), sliding puzzles, lattice paths, islands."""

from __future__ import annotations

import random
import re
from collections import deque
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask
from tasks.logic._common import INT_HINT, too_long

_STEP = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}
_WORD = {"UP": "U", "DOWN": "D", "LEFT": "L", "RIGHT": "R", "N": "U", "S": "D", "W": "L", "E": "R"}


def parse_moves(answer: str, limit: int = 2000) -> str | None:
    """Moves as a string over UDLR (words and N/S/E/W accepted), or None."""
    if too_long(answer, limit):
        return None
    t = answer.upper()
    for word, letter in sorted(_WORD.items(), key=lambda kv: -len(kv[0])):
        if len(word) > 1:
            t = t.replace(word, letter)
    t = re.sub(r"[\s,;\->→]", "", t)
    t = "".join(_WORD.get(c, c) for c in t)
    return t if t and set(t) <= set("UDLR") else None


def make_maze(rng: random.Random, h: int, w: int, loops: int, random_ends: bool = False) -> list[str]:
    """A (2h+1) x (2w+1) maze by randomised depth-first search, with ``loops`` extra walls knocked out.

    S and E sit in opposite corners, or on two random distinct cells with ``random_ends``.
    """
    grid = [["#"] * (2 * w + 1) for _ in range(2 * h + 1)]
    stack = [(0, 0)]
    seen = {(0, 0)}
    grid[1][1] = "."
    while stack:
        r, c = stack[-1]
        nxt = [(r + dr, c + dc) for dr, dc in _STEP.values() if 0 <= r + dr < h and 0 <= c + dc < w and (r + dr, c + dc) not in seen]
        if not nxt:
            stack.pop()
            continue
        a, b = rng.choice(nxt)
        grid[r + a + 1][c + b + 1] = "."
        grid[2 * a + 1][2 * b + 1] = "."
        seen.add((a, b))
        stack.append((a, b))
    inner = [(r, c) for r in range(1, 2 * h) for c in range(1, 2 * w) if grid[r][c] == "#" and (r + c) % 2 == 1]
    for r, c in rng.sample(inner, min(loops, len(inner))):
        grid[r][c] = "."
    if random_ends:
        (a, b), (c, d) = rng.sample([(r, c) for r in range(h) for c in range(w)], 2)
        grid[2 * a + 1][2 * b + 1], grid[2 * c + 1][2 * d + 1] = "S", "E"
    else:
        grid[1][1], grid[2 * h - 1][2 * w - 1] = "S", "E"
    return ["".join(row) for row in grid]


def maze_bfs(maze: list[str]) -> str:
    start = next((r, c) for r, row in enumerate(maze) for c, ch in enumerate(row) if ch == "S")
    prev: dict[tuple[int, int], tuple[tuple[int, int], str] | None] = {start: None}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if maze[r][c] == "E":
            out, cur = "", (r, c)
            while prev[cur] is not None:
                cur, m = prev[cur]  # type: ignore[misc]
                out = m + out
            return out
        for m, (dr, dc) in _STEP.items():
            a, b = r + dr, c + dc
            if maze[a][b] != "#" and (a, b) not in prev:
                prev[(a, b)] = ((r, c), m)
                queue.append((a, b))
    return ""


class MazePath(Task):
    """Walk from S to E through open cells; any path that arrives scores."""

    description = "Find a path through a maze."
    default_params: dict[str, Any] = {"height": 6, "width": 8, "loops": 4}
    levels = ({"height": 4, "width": 5, "loops": 2}, {"height": 5, "width": 6, "loops": 3},
              {"height": 6, "width": 8, "loops": 4}, {"height": 8, "width": 11, "loops": 6},
              {"height": 11, "width": 14, "loops": 8})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Moves on the shortest path from S to E."""
        return float(len(maze_bfs(identity["maze"])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        return {"maze": make_maze(rng, self.params["height"], self.params["width"], self.params["loops"])}

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("Maze ('#' = wall, '.' = open, S = start, E = exit):\n" + "\n".join(identity["maze"]) +
                "\nGive a path from S to E as a string of moves U, D, L, R (one cell each, never into a wall), "
                "inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        moves = parse_moves(answer)
        if moves is None:
            return invalid("expected moves over U, D, L, R")
        maze = identity["maze"]
        r, c = next((r, c) for r, row in enumerate(maze) for c, ch in enumerate(row) if ch == "S")
        for m in moves:
            r, c = r + _STEP[m][0], c + _STEP[m][1]
            if maze[r][c] == "#":
                return Score(0.0, "wrong", "walked into a wall")
        return 1.0 if maze[r][c] == "E" else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return maze_bfs(identity["maze"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        flip = {"U": "D", "D": "U", "L": "R", "R": "L"}
        return [answer[:-1] or "U", flip[answer[0]] + answer[1:], answer + answer[-1]]


class MazeShortest(IntegerTask):
    """Length of the shortest S-E path in a maze with loops."""

    version = 3

    description = "Shortest path length through a maze."
    default_params: dict[str, Any] = {"height": 6, "width": 8, "loops": 8}
    levels = ({"height": 4, "width": 5, "loops": 3}, {"height": 5, "width": 6, "loops": 5},
              {"height": 6, "width": 8, "loops": 8}, {"height": 8, "width": 11, "loops": 12},
              {"height": 11, "width": 14, "loops": 18})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Open cells of the maze (the breadth-first search explores them)."""
        return float(sum(row.count(".") for row in identity["maze"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        # S and E on random cells: from opposite corners most loopy mazes had the same Manhattan-length answer.
        return {"maze": make_maze(rng, self.params["height"], self.params["width"], self.params["loops"],
                                  random_ends=True)}

    def value(self, identity: dict[str, Any]) -> int:
        return len(maze_bfs(identity["maze"]))

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("Maze ('#' = wall, '.' = open, S = start, E = exit):\n" + "\n".join(identity["maze"]) +
                f"\nMoving one cell up, down, left or right at a time, what is the fewest number of moves from S to E? "
                f"{INT_HINT}")


class SlidingPuzzle(Task):
    """Solve a scrambled 8-puzzle; the move list is simulated."""

    version = 2

    description = "Solve a sliding puzzle."
    default_params: dict[str, Any] = {"size": 3, "scramble": 20}
    levels = ({"size": 3, "scramble": 6}, {"size": 3, "scramble": 12}, {"size": 3, "scramble": 20},
              {"size": 3, "scramble": 30}, {"size": 4, "scramble": 40})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Moves of the reference solution (the scramble undone)."""
        return float(len(identity["solution"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["size"]
        # A random goal arrangement: from one fixed goal, short scrambles pose too few distinct boards.
        goal = rng.sample(range(n * n), n * n)
        board = list(goal)
        moves = ""
        while len(moves) < self.params["scramble"]:
            z = board.index(0)
            opts = [m for m, (dr, dc) in _STEP.items() if 0 <= z // n + dr < n and 0 <= z % n + dc < n
                    and not (moves and {m, moves[-1]} in ({"U", "D"}, {"L", "R"}))]
            m = rng.choice(opts)
            t = z + _STEP[m][0] * n + _STEP[m][1]
            board[z], board[t] = board[t], board[z]
            moves += m
        back = {"U": "D", "D": "U", "L": "R", "R": "L"}
        return {"n": n, "board": board, "goal": goal, "solution": "".join(back[m] for m in reversed(moves))}

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["n"]

        def show(b: list[int]) -> str:
            return "\n".join(" ".join(str(v) if v else "_" for v in b[r * n:(r + 1) * n]) for r in range(n))

        return (f"Sliding puzzle ('_' = the blank):\n{show(identity['board'])}\nReach this goal:\n"
                f"{show(identity['goal'])}\nA move "
                "slides the blank one cell U, D, L or R (swapping it with that tile). Give the moves as a string like "
                "ULDR inside <answer></answer> (at most 200 moves).")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        moves = parse_moves(answer, 1000)
        if moves is None or len(moves) > 200:
            return invalid("expected at most 200 moves over U, D, L, R")
        n, board = identity["n"], list(identity["board"])
        for m in moves:
            z = board.index(0)
            r, c = z // n + _STEP[m][0], z % n + _STEP[m][1]
            if not (0 <= r < n and 0 <= c < n):
                return Score(0.0, "wrong", "moved off the board")
            board[z], board[r * n + c] = board[r * n + c], board[z]
        goal = identity.get("goal") or list(range(1, n * n)) + [0]  # the fixed goal of version 1
        return 1.0 if board == goal else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return identity["solution"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [answer[:-1] or "U", answer + answer[-1]]  # unfinished; off the board


class LatticePaths(IntegerTask):
    """Monotone (right/down) paths across a grid with blocked cells, by dynamic programming."""

    version = 2

    description = "Count monotone grid paths avoiding blocked cells."
    default_params: dict[str, Any] = {"rows": 6, "cols": 7, "blocked": 6}
    levels = ({"rows": 5, "cols": 6, "blocked": 5}, {"rows": 6, "cols": 6, "blocked": 6},
              {"rows": 6, "cols": 7, "blocked": 6}, {"rows": 7, "cols": 8, "blocked": 9},
              {"rows": 8, "cols": 10, "blocked": 12})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Open cells of the dynamic-programming table."""
        return float(sum(row.count(".") for row in identity["grid"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        cells = [(r, c) for r in range(p["rows"]) for c in range(p["cols"])][1:-1]
        blocked = set(rng.sample(cells, p["blocked"]))
        return {"grid": ["".join("#" if (r, c) in blocked else "." for c in range(p["cols"])) for r in range(p["rows"])]}

    def value(self, identity: dict[str, Any]) -> int:
        g = identity["grid"]
        ways = [[0] * len(g[0]) for _ in g]
        for r, row in enumerate(g):
            for c, ch in enumerate(row):
                if ch == "#":
                    continue
                ways[r][c] = 1 if r == c == 0 else (ways[r - 1][c] if r else 0) + (ways[r][c - 1] if c else 0)
        return ways[-1][-1]

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("Grid ('#' = blocked):\n" + "\n".join(identity["grid"]) + "\nHow many paths go from the top-left cell "
                "to the bottom-right cell moving only right or down and never entering a blocked cell? "
                + INT_HINT)


class Islands(IntegerTask):
    """Count 4-connected islands of land cells."""

    version = 2

    description = "Count islands in a grid."
    default_params: dict[str, Any] = {"rows": 8, "cols": 10, "density": 0.4}
    levels = ({"rows": 6, "cols": 7}, {"rows": 7, "cols": 8}, {"rows": 8, "cols": 10}, {"rows": 10, "cols": 12},
              {"rows": 12, "cols": 15})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Land cells to group into islands."""
        return float(sum(row.count("#") for row in identity["grid"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        return {"grid": ["".join("#" if rng.random() < p["density"] else "." for _ in range(p["cols"])) for _ in range(p["rows"])]}

    def value(self, identity: dict[str, Any]) -> int:
        g = identity["grid"]
        seen: set[tuple[int, int]] = set()
        count = 0
        for r, row in enumerate(g):
            for c, ch in enumerate(row):
                if ch == "#" and (r, c) not in seen:
                    count += 1
                    stack = [(r, c)]
                    seen.add((r, c))
                    while stack:
                        a, b = stack.pop()
                        for dr, dc in _STEP.values():
                            x, y = a + dr, b + dc
                            if 0 <= x < len(g) and 0 <= y < len(row) and g[x][y] == "#" and (x, y) not in seen:
                                seen.add((x, y))
                                stack.append((x, y))
        return count

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("Map ('#' = land, '.' = water):\n" + "\n".join(identity["grid"]) + "\nHow many islands are there? Land "
                "cells belong to the same island when they touch up, down, left or right (not diagonally). "
                + INT_HINT)


def register(registry: Any) -> None:
    registry.register(MazePath, "logic/maze_path", {}, "Find a path through a maze (checked by walking it).")
    registry.register(MazeShortest, "logic/maze_shortest_length", {}, "Shortest path length through a maze.")
    registry.register(SlidingPuzzle, "logic/sliding_puzzle", {}, "Solve a scrambled sliding puzzle.")
    registry.register(LatticePaths, "logic/lattice_paths", {}, "Count right/down grid paths avoiding blocked cells.")
    registry.register(Islands, "logic/island_count", {}, "Count islands in a grid map.")
