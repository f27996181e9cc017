"""Grid puzzles checked by their rules: kakuro, nonogram, takuzu, star battle, lights out."""

from __future__ import annotations

import random
from typing import Any

from bootcamp import Score, Task, invalid
from tasks.logic._common import changed_cell_variants, grid_text, parse_char_grid, parse_grid
from tasks.logic._grids import cell_name

_FILLED, _EMPTY = "#1XxO@*■", ".0-_ "


def runs(grid: list[list[int]]) -> list[list[tuple[int, int]]]:
    """Maximal horizontal and vertical segments of non-zero (white) cells, length >= 2."""
    n_rows, n_cols = len(grid), len(grid[0])
    out = []
    for lines in ([[(r, c) for c in range(n_cols)] for r in range(n_rows)],
                  [[(r, c) for r in range(n_rows)] for c in range(n_cols)]):
        for line in lines:
            seg: list[tuple[int, int]] = []
            for r, c in line + [(-1, -1)]:
                if r >= 0 and grid[r][c]:
                    seg.append((r, c))
                else:
                    if len(seg) >= 2:
                        out.append(seg)
                    seg = []
    return out


class Kakuro(Task):
    """Fill white cells with 1-9; each run has distinct digits summing to its clue."""

    description = "Solve a kakuro."
    default_params: dict[str, Any] = {"rows": 5, "cols": 5, "black_fraction": 0.2}
    levels = ({"rows": 4, "cols": 4}, {"rows": 4, "cols": 5}, {"rows": 5, "cols": 5}, {"rows": 6, "cols": 6},
              {"rows": 7, "cols": 7})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """White cells to fill (each constrained by its runs)."""
        return float(sum(map(sum, identity["mask"])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        while True:
            mask = [[0 if rng.random() < p["black_fraction"] else 1 for _ in range(p["cols"])]
                    for _ in range(p["rows"])]
            segs = runs(mask)
            covered = {cell for seg in segs for cell in seg}
            mask = [[1 if (r, c) in covered else 0 for c in range(p["cols"])] for r in range(p["rows"])]
            grid = self._fill(mask, runs(mask), rng)
            if grid is not None and covered:
                break
        return {"rows": p["rows"], "cols": p["cols"], "solution": grid, "mask": mask,
                "runs": [{"cells": [[r, c] for r, c in seg], "sum": sum(grid[r][c] for r, c in seg)}
                         for seg in runs(mask)]}

    @staticmethod
    def _fill(mask: list[list[int]], segs: list[list[tuple[int, int]]], rng: random.Random) -> list[list[int]] | None:
        grid = [[0] * len(mask[0]) for _ in mask]
        seg_of: dict[tuple[int, int], list[int]] = {}
        for i, seg in enumerate(segs):
            for cell in seg:
                seg_of.setdefault(cell, []).append(i)
        for cell in sorted(seg_of):
            used = {grid[r][c] for i in seg_of[cell] for r, c in segs[i]}
            opts = [v for v in range(1, 10) if v not in used]
            if not opts:
                return None
            grid[cell[0]][cell[1]] = rng.choice(opts)
        return grid

    def prompt(self, identity: dict[str, Any]) -> str:
        shape = "\n".join("".join("_" if v else "#" for v in row) for row in identity["mask"])
        clues = "\n".join(f"{' '.join(cell_name(r, c) for r, c in run['cells'])}: sum {run['sum']}"
                          for run in identity["runs"])
        return (f"Kakuro on a {identity['rows']}x{identity['cols']} grid ('#' = black cell, '_' = white cell):\n"
                f"{shape}\nFill every white cell with a digit 1-9 so that each run of white cells listed "
                f"below (cells as rRcC) has distinct digits adding up to its sum:\n{clues}\n"
                "Write the grid inside <answer></answer>, one row per line, values separated by spaces, "
                "with 0 for black cells.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        grid = parse_grid(answer, identity["rows"], identity["cols"])
        if grid is None:
            return invalid("expected a grid of digits")
        for grow, mrow in zip(grid, identity["mask"], strict=False):
            if any((v != 0) != bool(m) or not 0 <= v <= 9 for v, m in zip(grow, mrow, strict=False)):
                return Score(0.0)
        for run in identity["runs"]:
            vals = [grid[r][c] for r, c in run["cells"]]
            if sum(vals) != run["sum"] or len(set(vals)) != len(vals):
                return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        return grid_text(identity["solution"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        g = [row[:] for row in identity["solution"]]
        r, c = next((r, c) for r in range(len(g)) for c in range(len(g[0])) if g[r][c])
        g[r][c] = g[r][c] % 9 + 1
        return [grid_text(g)]


def line_clue(line: str) -> list[int]:
    return [len(b) for b in line.split(".") if b]


class Nonogram(Task):
    """Shade cells so every row and column shows its run-length clue."""

    description = "Solve a nonogram."
    default_params: dict[str, Any] = {"rows": 6, "cols": 6, "density": 0.55}
    levels = ({"rows": 4, "cols": 5}, {"rows": 5, "cols": 5}, {"rows": 6, "cols": 6}, {"rows": 7, "cols": 8},
              {"rows": 9, "cols": 10})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Cells to decide."""
        return float(identity["rows"] * identity["cols"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        sol = ["".join("#" if rng.random() < p["density"] else "." for _ in range(p["cols"])) for _ in range(p["rows"])]
        cols = ["".join(row[c] for row in sol) for c in range(p["cols"])]
        return {"rows": p["rows"], "cols": p["cols"], "solution": sol,
                "row_clues": [line_clue(r) for r in sol], "col_clues": [line_clue(c) for c in cols]}

    def prompt(self, identity: dict[str, Any]) -> str:
        def fmt(clues: list[list[int]]) -> str:
            return "\n".join(f"{i + 1}: {' '.join(map(str, c)) or '0'}" for i, c in enumerate(clues))

        return (f"Solve this {identity['rows']}x{identity['cols']} nonogram. Each clue lists the lengths of "
                "the blocks of consecutive shaded cells in that line, in order (0 = no shaded cell).\n"
                f"Row clues (top to bottom):\n{fmt(identity['row_clues'])}\n"
                f"Column clues (left to right):\n{fmt(identity['col_clues'])}\n"
                "Write the grid inside <answer></answer>, one row per line, '#' for shaded and '.' for empty.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        lines = parse_char_grid(answer, identity["rows"], identity["cols"], _FILLED + _EMPTY)
        if lines is None:
            return invalid("expected a grid of '#' and '.'")
        grid = ["".join("#" if ch in _FILLED else "." for ch in ln) for ln in lines]
        cols = ["".join(row[c] for row in grid) for c in range(identity["cols"])]
        ok = [line_clue(r) for r in grid] == identity["row_clues"] and [line_clue(c) for c in cols] == identity["col_clues"]
        return 1.0 if ok else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return "\n".join(identity["solution"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        sol = identity["solution"]
        flipped = ("." if sol[0][0] == "#" else "#") + sol[0][1:]
        last = sol[-1][:-1] + ("." if sol[-1][-1] == "#" else "#")
        return ["\n".join([flipped] + sol[1:]), "\n".join(sol[:-1] + [last])]


def takuzu_ok(grid: list[list[int]]) -> bool:
    n = len(grid)
    lines = [list(r) for r in grid] + [list(c) for c in zip(*grid, strict=False)]
    for line in lines:
        if line.count(0) != n // 2 or any(line[i] == line[i + 1] == line[i + 2] for i in range(n - 2)):
            return False
    return len({tuple(r) for r in grid}) == n and len({tuple(c) for c in zip(*grid, strict=False)}) == n


class Takuzu(Task):
    """Binary puzzle: balanced rows/columns, no three in a line, no two equal rows or columns."""

    description = "Solve a binary puzzle (takuzu)."
    default_params: dict[str, Any] = {"size": 6, "blank_fraction": 0.6}
    levels = ({"size": 4, "blank_fraction": 0.5}, {"size": 6, "blank_fraction": 0.4},
              {"size": 6, "blank_fraction": 0.6}, {"size": 8, "blank_fraction": 0.6},
              {"size": 8, "blank_fraction": 0.75})  # 10x10 fills take a search of seconds
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Blank cells to fill."""
        return float(sum(row.count(".") for row in identity["givens"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["size"]
        sol = None
        while sol is None:
            sol = self._fill([], n, rng, [2000])
        cells = [(r, c) for r in range(n) for c in range(n)]
        blanks = set(rng.sample(cells, int(self.params["blank_fraction"] * n * n)))
        givens = ["".join("." if (r, c) in blanks else str(sol[r][c]) for c in range(n)) for r in range(n)]
        return {"size": n, "solution": sol, "givens": givens}

    def _fill(self, rows: list[list[int]], n: int, rng: random.Random, budget: list[int]) -> list[list[int]] | None:
        if len(rows) == n:
            return rows if takuzu_ok(rows) else None
        budget[0] -= 1
        if budget[0] < 0:
            return None
        cands = [r for r in _balanced_rows(n) if r not in rows]
        rng.shuffle(cands)
        for row in cands:
            trial = rows + [row]
            cols_ok = all(not (len(trial) >= 3 and trial[-1][c] == trial[-2][c] == trial[-3][c])
                          and sum(1 for r in trial if r[c] == 0) <= n // 2
                          and sum(1 for r in trial if r[c] == 1) <= n // 2 for c in range(n))
            if cols_ok:
                found = self._fill(trial, n, rng, budget)
                if found:
                    return found
        return None

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["size"]
        return (f"Solve this {n}x{n} binary puzzle (takuzu). Fill every '.' with 0 or 1 so that each row and "
                f"column has {n // 2} zeros and {n // 2} ones, no three equal digits are adjacent in a row or "
                "column, and no two rows and no two columns are identical.\n" + "\n".join(identity["givens"])
                + "\nWrite the grid inside <answer></answer>, one row per line of 0s and 1s.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        n = identity["size"]
        lines = parse_char_grid(answer, n, n, "01")
        if lines is None:
            return invalid("expected a grid of 0s and 1s")
        grid = [[int(ch) for ch in ln] for ln in lines]
        given = all(g == "." or g == ln[i] for gl, ln in zip(identity["givens"], lines, strict=False) for i, g in enumerate(gl))
        return 1.0 if given and takuzu_ok(grid) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return "\n".join("".join(map(str, r)) for r in identity["solution"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [v.replace(" ", "") for v in changed_cell_variants(identity["solution"], [0, 1], random.Random(answer))]


_ROWS_CACHE: dict[int, list[list[int]]] = {}


def _balanced_rows(n: int) -> list[list[int]]:
    if n not in _ROWS_CACHE:
        rows = []
        for m in range(2 ** n):
            row = [(m >> i) & 1 for i in range(n)]
            if sum(row) == n // 2 and not any(row[i] == row[i + 1] == row[i + 2] for i in range(n - 2)):
                rows.append(row)
        _ROWS_CACHE[n] = rows
    return _ROWS_CACHE[n]


class StarBattle(Task):
    """One star per row, column and region; stars never touch, not even diagonally."""

    description = "Solve a one-star star battle."
    default_params: dict[str, Any] = {"size": 6}
    # Four rows hold only two non-touching star placements: the smallest board is 5x5.
    levels = ({"size": 5}, {"size": 6}, {"size": 7}, {"size": 8}, {"size": 9})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Cells on the board (each a possible star)."""
        return float(identity["size"] ** 2)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["size"]
        cols = None
        while cols is None:
            cols = _non_touching_perm(n, rng)
        region = [[-1] * n for _ in range(n)]
        frontier = []
        for r, c in enumerate(cols):
            region[r][c] = r
            frontier.append((r, c))
        while frontier:
            r, c = frontier.pop(rng.randrange(len(frontier)))
            for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                a, b = r + dr, c + dc
                if 0 <= a < n and 0 <= b < n and region[a][b] < 0:
                    region[a][b] = region[r][c]
                    frontier.append((a, b))
        letters = "ABCDEFGHIJKLMNOP"
        return {"size": n, "stars": cols, "regions": ["".join(letters[v] for v in row) for row in region]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Star battle on a {identity['size']}x{identity['size']} grid divided into lettered regions:\n"
                + "\n".join(identity["regions"]) + "\nPlace stars so that every row, every column and every "
                "region holds exactly one star, and no two stars touch (not even diagonally). Write the grid "
                "inside <answer></answer>, one row per line, '*' for a star and '.' for an empty cell.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        n = identity["size"]
        lines = parse_char_grid(answer, n, n, "*." + "1xX0")
        if lines is None:
            return invalid("expected a grid of '*' and '.'")
        stars = [(r, c) for r, ln in enumerate(lines) for c, ch in enumerate(ln) if ch in "*1xX"]
        if len(stars) != n or len({r for r, _ in stars}) != n or len({c for _, c in stars}) != n:
            return Score(0.0)
        if len({identity["regions"][r][c] for r, c in stars}) != n:
            return Score(0.0)
        if any(abs(a - c) <= 1 and abs(b - d) <= 1 for i, (a, b) in enumerate(stars) for c, d in stars[i + 1:]):
            return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        n = identity["size"]
        return "\n".join("".join("*" if c == col else "." for c in range(n)) for col in identity["stars"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        rows = answer.split("\n")
        shifted = rows[0][-1:] + rows[0][:-1]  # the first star moves one column: two stars share a column
        return ["\n".join([shifted] + rows[1:]), "\n".join(rows[:-1] + ["." * len(rows[0])])]


def _non_touching_perm(n: int, rng: random.Random) -> list[int] | None:
    cols: list[int] = []

    def place(budget: list[int]) -> bool:
        if len(cols) == n:
            return True
        budget[0] -= 1
        for c in rng.sample(range(n), n):
            if budget[0] > 0 and c not in cols and (not cols or abs(cols[-1] - c) > 1):
                cols.append(c)
                if place(budget):
                    return True
                cols.pop()
        return False

    return cols if place([500]) else None


class LightsOut(Task):
    """Pressing a cell toggles it and its orthogonal neighbours; switch every light off."""

    description = "Solve a lights-out board."
    default_params: dict[str, Any] = {"size": 5, "presses": 6}
    # Level 1 spreads fewer presses over a 6x6 board: 5 of 36 cells pose enough distinct boards (5x5 would not).
    levels = ({"size": 6, "presses": 5}, {"size": 5, "presses": 6}, {"size": 6, "presses": 9},
              {"size": 7, "presses": 13})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Presses in the reference solution (each one a cross of toggles to untangle)."""
        return float(sum(map(sum, identity["press"])))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["size"]
        presses = rng.sample([(r, c) for r in range(n) for c in range(n)], self.params["presses"])
        press = [[0] * n for _ in range(n)]
        for r, c in presses:
            press[r][c] = 1
        return {"size": n, "press": press, "board": ["".join(map(str, row)) for row in _apply(press)]}

    def prompt(self, identity: dict[str, Any]) -> str:
        return ("Lights out: pressing a cell toggles it and its up/down/left/right neighbours. The board "
                "(1 = light on):\n" + "\n".join(identity["board"]) + "\nWhich cells must be pressed (each at "
                "most once) to switch every light off? Write the press pattern inside <answer></answer>, one row "
                "per line, 1 = press, 0 = do not press.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        n = identity["size"]
        lines = parse_char_grid(answer, n, n, "01")
        if lines is None:
            return invalid("expected a grid of 0s and 1s")
        toggled = _apply([[int(ch) for ch in ln] for ln in lines])
        board = [[int(ch) for ch in ln] for ln in identity["board"]]
        return 1.0 if toggled == board else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return "\n".join("".join(map(str, r)) for r in identity["press"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return [v.replace(" ", "") for v in changed_cell_variants(identity["press"], [0, 1], random.Random(answer))]


def _apply(press: list[list[int]]) -> list[list[int]]:
    """The lights switched on by pressing ``press`` on an all-off board."""
    n = len(press)
    out = [[0] * n for _ in range(n)]
    for r in range(n):
        for c in range(n):
            if press[r][c]:
                for a, b in ((r, c), (r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                    if 0 <= a < n and 0 <= b < n:
                        out[a][b] ^= 1
    return out


def register(registry: Any) -> None:
    registry.register(Kakuro, "logic/kakuro", {}, "Solve a kakuro: runs of distinct digits with given sums.")
    registry.register(Nonogram, "logic/nonogram", {}, "Solve a nonogram from row and column clues.")
    registry.register(Takuzu, "logic/takuzu", {}, "Solve a binary puzzle (takuzu).")
    registry.register(StarBattle, "logic/star_battle", {}, "Solve a one-star star battle.")
    registry.register(LightsOut, "logic/lights_out", {}, "Find presses that switch off a lights-out board.")
