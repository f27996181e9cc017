"""Placement puzzles checked by their rules: n-queens, knight's tour, magic squares, minesweeper."""

from __future__ import annotations

import random
import re
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import INTEGER, Sequence
from tasks.logic._common import (
    GRID_FORMAT,
    changed_cell_variants,
    grid_text,
    parse_char_grid,
    parse_grid,
    too_long,
)

_COLUMNS = Sequence(INTEGER, max_items=50)
_KNIGHT = ((1, 2), (2, 1), (-1, 2), (-2, 1), (1, -2), (2, -1), (-1, -2), (-2, -1))


def square_name(r: int, c: int) -> str:
    return f"{'abcdefghij'[c]}{r + 1}"


class NQueens(Task):
    """Place n queens, none attacking another, keeping the pre-placed ones."""

    version = 3

    description = "Complete an n-queens placement."
    # Boards of 6 or 7 squares (4 and 40 solutions) or two given queens posed too few distinct problems.
    default_params: dict[str, Any] = {"min_n": 8, "max_n": 12, "preplaced": 3}
    levels = ({"min_n": 8, "max_n": 10, "preplaced": 5}, {"min_n": 8, "max_n": 10, "preplaced": 4},
              {"min_n": 8, "max_n": 12, "preplaced": 3}, {"min_n": 10, "max_n": 14, "preplaced": 3},
              {"min_n": 12, "max_n": 16, "preplaced": 3})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Queens left to place."""
        return float(identity["n"] - len(identity["fixed"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = rng.randint(self.params["min_n"], self.params["max_n"])
        cols: list[int] = []

        def place() -> bool:
            if len(cols) == n:
                return True
            for c in rng.sample(range(n), n):
                if all(c != q and abs(c - q) != len(cols) - r for r, q in enumerate(cols)):
                    cols.append(c)
                    if place():
                        return True
                    cols.pop()
            return False

        place()
        fixed = sorted(rng.sample(range(n), self.params["preplaced"]))
        return {"n": n, "solution": cols, "fixed": [[r, cols[r]] for r in fixed]}

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["n"]
        fixed = ", ".join(f"row {r + 1} column {c + 1}" for r, c in identity["fixed"])
        return (f"Place {n} queens on an {n}x{n} chessboard so that no two attack each other (same row, column "
                f"or diagonal). Queens are already placed at: {fixed}. Answer with the column (1-{n}) of the queen "
                f"in each row, from row 1 to row {n}, separated by spaces, inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        n = identity["n"]
        cols = _COLUMNS.parse(answer)
        if cols is None:
            return invalid("expected a list of column numbers")
        if len(cols) != n or sorted(cols) != list(range(1, n + 1)):
            return Score(0.0)
        if any(cols[r] != c + 1 for r, c in identity["fixed"]):
            return Score(0.0)
        if any(abs(cols[i] - cols[j]) == j - i for i in range(n) for j in range(i + 1, n)):
            return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        return " ".join(str(c + 1) for c in identity["solution"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        cols = answer.split()
        return [" ".join(cols[1:2] + cols[1:]), " ".join(cols[:-1])]  # two queens in one column; one missing


class KnightsTour(Task):
    """An open knight's tour from a given square that passes a given square at a given move."""

    version = 2

    description = "Find a knight's tour on a small board."
    default_params: dict[str, Any] = {"sizes": [5, 6], "checkpoints": 2}
    levels = ({"sizes": [5], "checkpoints": 2}, {"sizes": [5, 6], "checkpoints": 2}, {"sizes": [6], "checkpoints": 2},
              {"sizes": [6, 7], "checkpoints": 2}, {"sizes": [7, 8], "checkpoints": 2})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Squares the tour must visit."""
        return float(identity["n"] ** 2)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            n = rng.choice(self.params["sizes"])
            start = (rng.randrange(n), rng.randrange(n))
            tour = _warnsdorff(n, start, rng)
            if tour:
                # Two checkpoints: with one, a 5x5 board posed too few distinct problems.
                ks = sorted(rng.sample(range(n * n // 3, n * n - 1), self.params["checkpoints"]))
                return {"n": n, "tour": [list(s) for s in tour], "checks": [[k, *tour[k]] for k in ks]}

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["n"]
        start = square_name(*identity["tour"][0])
        checks = " and ".join(f"the square reached after move {k} must be {square_name(r, c)}"
                              for k, r, c in identity["checks"])
        return (f"On a {n}x{n} board (files a-{'abcdefghij'[n - 1]}, ranks 1-{n}), a knight starts on {start}. "
                f"Find a knight's tour: a sequence of knight moves visiting every square exactly once; "
                f"{checks}. List all {n * n} squares in order, "
                f"starting with {start}, separated by spaces, inside <answer></answer>.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        if too_long(answer, 1000):
            return invalid("answer too long")
        n = identity["n"]
        tokens = re.findall(r"[a-jA-J]\s*\d{1,2}", answer)
        if not tokens:
            return invalid("expected squares like a1 b3")
        squares = [(int(t[1:].strip()) - 1, "abcdefghij".index(t[0].lower())) for t in tokens]
        if len(squares) != n * n or len(set(squares)) != n * n:
            return Score(0.0)
        if any(not (0 <= r < n and 0 <= c < n) for r, c in squares):
            return Score(0.0)
        checks = identity.get("checks") or [[identity["check_at"], *identity["check_square"]]]  # version 1: one
        if list(squares[0]) != identity["tour"][0] or any(squares[k] != (r, c) for k, r, c in checks):
            return Score(0.0)
        for (a, b), (c, d) in zip(squares, squares[1:], strict=False):
            if sorted((abs(a - c), abs(b - d))) != [1, 2]:
                return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        return " ".join(square_name(r, c) for r, c in identity["tour"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        sq = answer.split()
        return [" ".join(sq[:1] + sq[2:] + sq[1:2]), " ".join(sq[:-1]), " ".join(sq[:3] + sq[4:5] + sq[3:4] + sq[5:])]


def _degree(sq: tuple[int, int], n: int, seen: set[tuple[int, int]]) -> int:
    """Onward knight moves from ``sq`` to unvisited squares (Warnsdorff's rule picks the fewest)."""
    return sum(1 for a, b in _KNIGHT if 0 <= sq[0] + a < n and 0 <= sq[1] + b < n and (sq[0] + a, sq[1] + b) not in seen)


def _warnsdorff(n: int, start: tuple[int, int], rng: random.Random) -> list[tuple[int, int]] | None:
    for _ in range(20):
        seen = {start}
        path = [start]
        while len(path) < n * n:
            r, c = path[-1]
            nxt = [(r + a, c + b) for a, b in _KNIGHT if 0 <= r + a < n and 0 <= c + b < n and (r + a, c + b) not in seen]
            if not nxt:
                break
            degrees = [_degree(sq, n, seen) for sq in nxt]
            step = rng.choice([s for s, d in zip(nxt, degrees, strict=True) if d == min(degrees)])
            seen.add(step)
            path.append(step)
        if len(path) == n * n:
            return path
    return None


_MAGIC4 = [[[16, 3, 2, 13], [5, 10, 11, 8], [9, 6, 7, 12], [4, 15, 14, 1]],
           [[1, 15, 14, 4], [12, 6, 7, 9], [8, 10, 11, 5], [13, 3, 2, 16]],
           [[7, 12, 1, 14], [2, 13, 8, 11], [16, 3, 10, 5], [9, 6, 15, 4]],
           [[1, 8, 13, 12], [14, 11, 2, 7], [4, 5, 16, 9], [15, 10, 3, 6]]]


def magic_ok(grid: list[list[int]], entries: list[int] | None = None) -> bool:
    """Whether ``grid`` uses each of ``entries`` (default 1..n^2) once and every line has the same sum."""
    n = len(grid)
    entries = sorted(entries or range(1, n * n + 1))
    target = sum(entries) // n
    if sorted(v for row in grid for v in row) != entries:
        return False
    lines = [list(r) for r in grid] + [list(c) for c in zip(*grid, strict=False)]
    lines += [[grid[i][i] for i in range(n)], [grid[i][n - 1 - i] for i in range(n)]]
    return all(sum(line) == target for line in lines)


class MagicSquare(Task):
    """Complete a magic square (of 1..n^2, or of an arithmetic progression) keeping the given entries."""

    version = 2

    description = "Complete a magic square."
    default_params: dict[str, Any] = {"order": 4, "blank_fraction": 0.6, "blank_shift": 0.0, "progression": False}
    # Levels move every id's share of blank cells (each keeps its own base share).
    levels = ({"blank_shift": -0.3}, {"blank_shift": -0.15}, {"blank_shift": 0.0}, {"blank_shift": 0.1},
              {"blank_shift": 0.2})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Blank cells to fill."""
        return float(sum(v == 0 for row in identity["givens"] for v in row))

    @staticmethod
    def _entries(identity: dict[str, Any]) -> list[int]:
        """The numbers to place: ``start, start + step, ...`` (1..n^2 for a normal magic square)."""
        n, start, step = identity["n"], identity.get("start", 1), identity.get("step", 1)
        return [start + step * k for k in range(n * n)]

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["order"]
        if n == 3:
            grid = [[2, 7, 6], [9, 5, 1], [4, 3, 8]]
        else:
            grid = [row[:] for row in rng.choice(_MAGIC4)]
            if rng.random() < 0.5:
                grid = [[n * n + 1 - v for v in row] for row in grid]
        for _ in range(rng.randrange(4)):
            grid = [list(row) for row in zip(*grid[::-1], strict=False)]
        if rng.random() < 0.5:
            grid = [row[::-1] for row in grid]
        blanks = min(0.95, max(0.1, self.params["blank_fraction"] + self.params["blank_shift"]))
        cells = rng.sample([(r, c) for r in range(n) for c in range(n)], int(blanks * n * n + 1e-9))
        extra: dict[str, int] = {}
        if self.params["progression"]:
            # Entries start, start+step, ...: the eight 3x3 normal squares alone pose too few problems.
            extra = {"start": rng.randint(1, 60), "step": rng.randint(1, 9)}
            grid = [[extra["start"] + extra["step"] * (v - 1) for v in row] for row in grid]
        givens = [[0 if (r, c) in cells else grid[r][c] for c in range(n)] for r in range(n)]
        return {"n": n, "solution": grid, "givens": givens, **extra}

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["n"]
        shown = "\n".join(" ".join(str(v) if v else "." for v in row) for row in identity["givens"])
        entries = self._entries(identity)
        numbers = (f"{entries[0]}..{entries[-1]}" if identity.get("step", 1) == 1 else
                   f"the {n * n} numbers {entries[0]}, {entries[1]}, {entries[2]}, ..., {entries[-1]} (step "
                   f"{identity['step']})")
        return (f"Complete this {n}x{n} magic square: use each of {numbers} exactly once so that every row, every "
                f"column and both main diagonals sum to {sum(entries) // n}. Given entries ('.' = empty):\n"
                f"{shown}\n{GRID_FORMAT}")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        n = identity["n"]
        grid = parse_grid(answer, n, n)
        if grid is None:
            return invalid("expected a grid of numbers")
        keeps = all(g == 0 or g == v for gr, row in zip(identity["givens"], grid, strict=False) for g, v in zip(gr, row, strict=False))
        return 1.0 if keeps and magic_ok(grid, self._entries(identity)) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return grid_text(identity["solution"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return changed_cell_variants(identity["solution"], self._entries(identity), random.Random(answer))


def mine_counts(mines: list[list[int]]) -> list[list[int]]:
    n_rows, n_cols = len(mines), len(mines[0])
    return [[sum(mines[a][b] for a in range(max(0, r - 1), min(n_rows, r + 2))
                 for b in range(max(0, c - 1), min(n_cols, c + 2)) if (a, b) != (r, c))
             for c in range(n_cols)] for r in range(n_rows)]


class MinesweeperNumbers(Task):
    """Write the number each safe cell shows: its count of neighbouring mines."""

    description = "Compute the minesweeper numbers of a board."
    default_params: dict[str, Any] = {"rows": 6, "cols": 6, "density": 0.2}
    levels = ({"rows": 4, "cols": 6, "density": 0.3}, {"rows": 5, "cols": 6, "density": 0.2},
              {"rows": 6, "cols": 6, "density": 0.2}, {"rows": 7, "cols": 8, "density": 0.2},
              {"rows": 9, "cols": 10, "density": 0.22})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Cells whose number must be counted."""
        return float(len(identity["mines"]) * len(identity["mines"][0]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        mines = [[int(rng.random() < p["density"]) for _ in range(p["cols"])] for _ in range(p["rows"])]
        return {"mines": ["".join("*" if m else "." for m in row) for row in mines]}

    def _answer(self, identity: dict[str, Any]) -> list[list[int]]:
        mines = [[int(ch == "*") for ch in row] for row in identity["mines"]]
        counts = mine_counts(mines)
        return [[9 if mines[r][c] else counts[r][c] for c in range(len(mines[0]))] for r in range(len(mines))]

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("A minesweeper board ('*' = mine, '.' = safe):\n" + "\n".join(identity["mines"]) + "\nFor every "
                "cell give the number of mines among its 8 neighbours; write 9 for a mine cell. " + GRID_FORMAT)

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        want = self._answer(identity)
        grid = parse_grid(answer, len(want), len(want[0]))
        if grid is None:
            return invalid("expected a grid of numbers")
        return 1.0 if grid == want else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return grid_text(self._answer(identity))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        g = self._answer(identity)
        g[0][0] = (g[0][0] + 1) % 10
        return [grid_text(g)]


class MinesweeperMines(Task):
    """Place mines consistent with every revealed number and the total; any consistent layout scores."""

    description = "Deduce a minesweeper mine layout from revealed numbers."
    default_params: dict[str, Any] = {"rows": 5, "cols": 5, "density": 0.25, "reveal": 0.6}
    levels = ({"rows": 4, "cols": 5, "reveal": 0.8}, {"rows": 5, "cols": 5, "reveal": 0.75},
              {"rows": 5, "cols": 5, "reveal": 0.6}, {"rows": 6, "cols": 6, "reveal": 0.5},
              {"rows": 7, "cols": 7, "reveal": 0.45})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Unrevealed cells, each a mine or not."""
        return float(sum(row.count("?") for row in identity["board"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        mines = [[int(rng.random() < p["density"]) for _ in range(p["cols"])] for _ in range(p["rows"])]
        counts = mine_counts(mines)
        board = ["".join(str(counts[r][c]) if not mines[r][c] and rng.random() < p["reveal"] else "?"
                         for c in range(p["cols"])) for r in range(p["rows"])]
        return {"board": board, "total": sum(map(sum, mines)),
                "mines": ["".join("*" if m else "." for m in row) for row in mines]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("A minesweeper board: a digit is a revealed safe cell showing how many of its 8 neighbours are "
                "mines; '?' is unrevealed.\n" + "\n".join(identity["board"]) + f"\nThere are {identity['total']} "
                "mines in total, all on '?' cells. Give a mine layout consistent with every number: write the grid "
                "inside <answer></answer>, one row per line, '*' for a mine and '.' for no mine.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        board = identity["board"]
        lines = parse_char_grid(answer, len(board), len(board[0]), "*.xX#0-")
        if lines is None:
            return invalid("expected a grid of '*' and '.'")
        mines = [[int(ch in "*xX#") for ch in ln] for ln in lines]
        if sum(map(sum, mines)) != identity["total"]:
            return Score(0.0)
        counts = mine_counts(mines)
        for r, row in enumerate(board):
            for c, ch in enumerate(row):
                if ch != "?" and (mines[r][c] or counts[r][c] != int(ch)):
                    return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        return "\n".join(identity["mines"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        rows = [list(r) for r in answer.split("\n")]
        out = ["\n".join(r.replace("*", ".") for r in answer.split("\n"))]
        revealed = [(r, c) for r, row in enumerate(identity["board"]) for c, ch in enumerate(row) if ch != "?"]
        if revealed:  # a mine on a revealed (safe) cell is always wrong
            r, c = revealed[0]
            rows[r][c] = "*"
            out.append("\n".join("".join(row) for row in rows))
        return out


def register(registry: Any) -> None:
    registry.register(NQueens, "logic/n_queens", {}, "Complete an n-queens placement with pre-placed queens.")
    registry.register(KnightsTour, "logic/knights_tour", {}, "Find an open knight's tour through given checkpoints.")
    registry.register(MagicSquare, "logic/magic_square", {}, "Complete a 4x4 magic square.")
    registry.register(MagicSquare, "logic/magic_square_3x3", {"order": 3, "blank_fraction": 0.7, "progression": True},
                      "Complete a 3x3 magic square from a few entries.")
    registry.register(MinesweeperNumbers, "logic/minesweeper_numbers", {}, "Compute the numbers of a minesweeper board.")
    registry.register(MinesweeperMines, "logic/minesweeper_mines", {}, "Find mines consistent with revealed numbers.")
