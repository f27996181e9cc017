"""Sudoku and its variants (diagonal, windoku, killer, even-odd, comparison), checked by the rules."""

from __future__ import annotations

import random
from typing import Any

from bootcamp import Score, Task, invalid
from tasks.logic._common import GRID_FORMAT, changed_cell_variants, grid_text, parse_grid
from tasks.logic._grids import (
    blank_out,
    cell_name,
    givens_ok,
    givens_text,
    inequalities_ok,
    inequalities_text,
    permuted_sudoku,
    random_cages,
    random_inequalities,
    sudoku_units,
    symmetric_fill,
    units_ok,
)


class Sudoku(Task):
    """Fill a sudoku; any grid that keeps the givens and every stated rule scores 1.0."""

    description = "Complete a sudoku grid."
    default_params: dict[str, Any] = {
        "size": 9, "blank_fraction": 0.55, "diagonal": False, "windows": False,
        "killer": False, "parity": False, "inequalities": 0, "blank_shift": 0.0,
    }
    # Levels move every variant's share of blank cells (each id keeps its own base share).
    levels = ({"blank_shift": -0.3}, {"blank_shift": -0.15}, {"blank_shift": 0.0}, {"blank_shift": 0.1},
              {"blank_shift": 0.2})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Blank cells to fill."""
        return float(sum(v == 0 for row in identity["givens"] for v in row))

    def __init__(self, task_id: str | None = None, **params: Any) -> None:
        super().__init__(task_id, **params)
        if self.params["size"] not in (4, 6, 9):
            raise ValueError(f"size must be 4, 6 or 9, got {self.params['size']}")
        if self.params["windows"] and self.params["size"] != 9:
            raise ValueError("windoku needs size 9")

    def _units(self, n: int) -> list[list[tuple[int, int]]]:
        return sudoku_units(n, self.params["diagonal"], self.params["windows"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        n = p["size"]
        if p["diagonal"] or p["windows"]:
            solution = symmetric_fill(n, p["diagonal"], p["windows"], rng)
        else:
            solution = permuted_sudoku(n, rng)
        identity: dict[str, Any] = {"size": n, "solution": solution,
                                    "givens": blank_out(solution, _blanks(p), rng)}
        if p["killer"]:
            cages = random_cages(n, n, 4, rng, solution)
            identity["cages"] = [{"cells": cg, "sum": sum(solution[r][c] for r, c in cg)} for cg in cages]
        if p["parity"]:
            marked = blank_out([[1] * n for _ in range(n)], 0.5, rng)
            identity["parity"] = ["".join(("E" if solution[r][c] % 2 == 0 else "O") if marked[r][c] else "."
                                          for c in range(n)) for r in range(n)]
        if p["inequalities"]:
            identity["ineqs"] = random_inequalities(solution, p["inequalities"], rng)
        return identity

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["size"]
        bh, bw = {4: (2, 2), 6: (2, 3), 9: (3, 3)}[n]
        rules = [f"Fill the {n}x{n} grid with digits 1-{n} so that every row, every column and every "
                 f"{bh}x{bw} box contains each digit exactly once."]
        if self.params["diagonal"]:
            rules.append("Both main diagonals must also contain each digit exactly once.")
        if self.params["windows"]:
            rules.append("The four extra 3x3 windows with top-left corners r2c2, r2c6, r6c2 and r6c6 must "
                         "also contain each digit exactly once.")
        text = " ".join(rules) + f" Given digits ('.' = empty):\n{givens_text(identity['givens'])}\n"
        if "cages" in identity:
            text += ("Killer cages: the digits in each cage sum to the given total and do not repeat "
                     "within the cage (cells as rRcC):\n")
            text += "\n".join(f"{' '.join(cell_name(r, c) for r, c in cg['cells'])}: sum {cg['sum']}"
                              for cg in identity["cages"]) + "\n"
        if "parity" in identity:
            text += ("Parity marks: 'E' cells hold an even digit, 'O' cells an odd digit, '.' is "
                     "unconstrained:\n" + "\n".join(identity["parity"]) + "\n")
        if "ineqs" in identity:
            text += "These inequalities between cells hold: " + inequalities_text(identity["ineqs"]) + ".\n"
        return text + GRID_FORMAT

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        n = identity["size"]
        grid = parse_grid(answer, n, n)
        if grid is None:
            return invalid(f"expected a {n}x{n} grid of digits")
        if any(not 1 <= v <= n for row in grid for v in row):
            return Score(0.0, "wrong", "digit out of range")
        if not givens_ok(grid, identity["givens"]) or not units_ok(grid, self._units(n), n):
            return Score(0.0)
        for cage in identity.get("cages", []):
            vals = [grid[r][c] for r, c in cage["cells"]]
            if sum(vals) != cage["sum"] or len(set(vals)) != len(vals):
                return Score(0.0)
        for r, line in enumerate(identity.get("parity", [])):
            for c, mark in enumerate(line):
                if mark != "." and (grid[r][c] % 2 == 0) != (mark == "E"):
                    return Score(0.0)
        if not inequalities_ok(grid, identity.get("ineqs", [])):
            return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        return grid_text(identity["solution"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        rng = random.Random(answer)
        return changed_cell_variants(identity["solution"], list(range(1, identity["size"] + 1)), rng)


def _blanks(p: dict[str, Any]) -> float:
    """The share of blank cells: the id's base share moved by the level's shift, kept in [0.1, 0.95]."""
    return min(0.95, max(0.1, p["blank_fraction"] + p["blank_shift"]))


def register(registry: Any) -> None:
    registry.register(Sudoku, "logic/sudoku", {}, "Complete a classic sudoku (size 4, 6 or 9).")
    registry.register(Sudoku, "logic/sudoku_diagonal", {"diagonal": True},
                      "Complete an X-sudoku: both diagonals hold each digit once.")
    registry.register(Sudoku, "logic/sudoku_windoku", {"windows": True},
                      "Complete a windoku (hyper sudoku) with four extra 3x3 windows.")
    registry.register(Sudoku, "logic/sudoku_killer", {"killer": True, "blank_fraction": 0.75},
                      "Complete a killer sudoku with cage sums.")
    registry.register(Sudoku, "logic/sudoku_even_odd", {"parity": True, "blank_fraction": 0.7},
                      "Complete a sudoku with even/odd cell marks.")
    registry.register(Sudoku, "logic/sudoku_comparison", {"inequalities": 24, "blank_fraction": 0.7},
                      "Complete a sudoku with greater-than/less-than marks between cells.")
