"""Latin-square puzzles: completion, futoshiki, kenken (calcudoku), skyscrapers; checked by the rules."""

from __future__ import annotations

import math
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
    latin_units,
    random_cages,
    random_inequalities,
    random_latin,
    units_ok,
)

_OP_TEXT = {"+": "sum", "-": "difference", "*": "product", "/": "quotient", "=": "value"}


def visible(line: list[int]) -> int:
    """How many skyscrapers one sees along ``line`` (taller ones hide shorter ones)."""
    seen, top = 0, 0
    for h in line:
        if h > top:
            seen, top = seen + 1, h
    return seen


def sky_clues(grid: list[list[int]]) -> dict[str, list[int]]:
    cols = [list(c) for c in zip(*grid, strict=False)]
    return {"top": [visible(c) for c in cols], "bottom": [visible(c[::-1]) for c in cols],
            "left": [visible(r) for r in grid], "right": [visible(r[::-1]) for r in grid]}


def cage_value(op: str, vals: list[int]) -> int | None:
    if op == "+" or op == "=":
        return sum(vals)
    if op == "*":
        return math.prod(vals)
    hi, lo = max(vals), min(vals)
    if op == "-":
        return hi - lo
    return hi // lo if hi % lo == 0 else None


class LatinPuzzle(Task):
    """An n x n Latin square with extra clues; any grid meeting every rule and given scores 1.0."""

    description = "Complete a Latin-square puzzle."
    default_params: dict[str, Any] = {"size": 6, "blank_fraction": 0.5, "inequalities": 0,
                                      "kenken": False, "sky_clue_fraction": 0.0, "size_shift": 0,
                                      "blank_shift": 0.0}
    # Levels move every variant's grid size and share of blank cells (each id keeps its own base).
    levels = ({"size_shift": -1, "blank_shift": -0.2}, {"size_shift": -1, "blank_shift": 0.0},
              {"size_shift": 0, "blank_shift": 0.0}, {"size_shift": 1, "blank_shift": 0.0},
              {"size_shift": 2, "blank_shift": 0.0})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Blank cells to fill."""
        return float(sum(v == 0 for row in identity["givens"] for v in row))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        n = p["size"] + p["size_shift"]
        blanks = min(1.0, max(0.1, p["blank_fraction"] + p["blank_shift"]))
        sol = random_latin(n, rng)
        identity: dict[str, Any] = {"size": n, "solution": sol, "givens": blank_out(sol, blanks, rng)}
        if p["inequalities"]:
            identity["ineqs"] = random_inequalities(sol, p["inequalities"], rng)
        if p["kenken"]:
            cages = []
            for cells in random_cages(n, n, 3, rng):
                vals = [sol[r][c] for r, c in cells]
                ops = ["="] if len(vals) == 1 else ["+", "*"] + (["-"] if len(vals) == 2 else [])
                if len(vals) == 2 and max(vals) % min(vals) == 0:
                    ops.append("/")
                op = rng.choice(ops)
                cages.append({"cells": cells, "op": op, "target": cage_value(op, vals)})
            identity["cages"] = cages
        if p["sky_clue_fraction"]:
            clues = sky_clues(sol)
            for side in clues:
                clues[side] = [v if rng.random() < p["sky_clue_fraction"] else 0 for v in clues[side]]
            identity["sky"] = clues
        return identity

    def prompt(self, identity: dict[str, Any]) -> str:
        n = identity["size"]
        text = (f"Fill the {n}x{n} grid with digits 1-{n} so that each digit appears exactly once in every "
                "row and every column.")
        if "sky" in identity:
            text += (" Each digit is the height of a skyscraper; a clue outside the grid is how many "
                     "skyscrapers are visible looking along that row or column from that side (taller ones "
                     "hide shorter ones behind them). Clues, in order (0 = no clue):\n"
                     + "\n".join(f"{side} ({'columns' if side in ('top', 'bottom') else 'rows'} 1..{n}): "
                                 f"{' '.join(map(str, v))}" for side, v in identity["sky"].items()))
        text += f"\nGiven digits ('.' = empty):\n{givens_text(identity['givens'])}\n"
        if "ineqs" in identity:
            text += "These inequalities hold (cells as rRcC): " + inequalities_text(identity["ineqs"]) + ".\n"
        if "cages" in identity:
            text += ("Cages (cells as rRcC): the digits of each cage combine to the target with the operation "
                     "('-' and '/' take the larger digit first; digits may repeat in a cage if not in one row "
                     "or column):\n")
            text += "\n".join(f"{' '.join(cell_name(r, c) for r, c in cg['cells'])}: "
                              f"{_OP_TEXT[cg['op']]} {cg['op'] if cg['op'] != '=' else ''}{cg['target']}"
                              for cg in identity["cages"]) + "\n"
        return text + GRID_FORMAT

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        n = identity["size"]
        grid = parse_grid(answer, n, n)
        if grid is None:
            return invalid(f"expected a {n}x{n} grid of digits")
        if any(not 1 <= v <= n for row in grid for v in row):
            return Score(0.0, "wrong", "digit out of range")
        if not givens_ok(grid, identity["givens"]) or not units_ok(grid, latin_units(n), n):
            return Score(0.0)
        if not inequalities_ok(grid, identity.get("ineqs", [])):
            return Score(0.0)
        for cg in identity.get("cages", []):
            if cage_value(cg["op"], [grid[r][c] for r, c in cg["cells"]]) != cg["target"]:
                return Score(0.0)
        if "sky" in identity:
            got = sky_clues(grid)
            for side, clues in identity["sky"].items():
                if any(want and want != have for want, have in zip(clues, got[side], strict=False)):
                    return Score(0.0)
        return 1.0

    def solve(self, identity: dict[str, Any]) -> str:
        return grid_text(identity["solution"])

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        return changed_cell_variants(identity["solution"], list(range(1, identity["size"] + 1)),
                                     random.Random(answer))


def register(registry: Any) -> None:
    registry.register(LatinPuzzle, "logic/latin_square", {}, "Complete a partly filled Latin square.")
    registry.register(LatinPuzzle, "logic/futoshiki", {"size": 5, "blank_fraction": 0.8, "inequalities": 12},
                      "Solve a futoshiki: a Latin square with inequality signs.")
    registry.register(LatinPuzzle, "logic/kenken", {"size": 5, "blank_fraction": 1.0, "kenken": True},
                      "Solve a KenKen (calcudoku): a Latin square with arithmetic cages.")
    registry.register(LatinPuzzle, "logic/skyscrapers", {"size": 5, "blank_fraction": 0.85,
                                                          "sky_clue_fraction": 0.8},
                      "Solve a skyscrapers puzzle: a Latin square with visibility clues.")
