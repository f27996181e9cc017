"""Grid helpers shared by the Latin-square puzzles: random fills and rule checks (private)."""

from __future__ import annotations

import random
from typing import Any

Cell = tuple[int, int]


def box_shape(n: int) -> tuple[int, int]:
    """Rows and columns of a sudoku box for an n x n grid (4: 2x2, 6: 2x3, 9: 3x3)."""
    return {4: (2, 2), 6: (2, 3), 8: (2, 4), 9: (3, 3)}[n]


def latin_units(n: int) -> list[list[Cell]]:
    return [[(r, c) for c in range(n)] for r in range(n)] + [[(r, c) for r in range(n)] for c in range(n)]


def sudoku_units(n: int, diagonal: bool = False, windows: bool = False) -> list[list[Cell]]:
    bh, bw = box_shape(n)
    units = latin_units(n)
    units += [[(br + r, bc + c) for r in range(bh) for c in range(bw)]
              for br in range(0, n, bh) for bc in range(0, n, bw)]
    if diagonal:
        units += [[(i, i) for i in range(n)], [(i, n - 1 - i) for i in range(n)]]
    if windows and n == 9:
        units += [[(br + r, bc + c) for r in range(3) for c in range(3)] for br in (1, 5) for bc in (1, 5)]
    return units


def random_fill(n: int, units: list[list[Cell]], rng: random.Random, tries: int = 20) -> list[list[int]] | None:
    """A random complete grid with each unit holding distinct values 1..n (randomised MRV search)."""
    peers: dict[Cell, set[Cell]] = {(r, c): set() for r in range(n) for c in range(n)}
    for unit in units:
        for cell in unit:
            peers[cell].update(unit)
    for cell in peers:
        peers[cell].discard(cell)
    peer_list = {cell: sorted(p) for cell, p in peers.items()}
    cells = sorted(peers)
    for _ in range(tries):
        grid = [[0] * n for _ in range(n)]
        budget = [4000]
        if _fill(grid, cells, peer_list, n, rng, budget):
            return grid
    return None


def _fill(grid: list[list[int]], cells: list[Cell], peers: dict[Cell, list[Cell]], n: int,
          rng: random.Random, budget: list[int]) -> bool:
    budget[0] -= 1
    if budget[0] < 0:
        return False
    best, best_opts = None, None
    for cell in cells:
        if grid[cell[0]][cell[1]]:
            continue
        used = {grid[r][c] for r, c in peers[cell]}
        opts = [v for v in range(1, n + 1) if v not in used]
        if best_opts is None or len(opts) < len(best_opts):
            best, best_opts = cell, opts
            if len(opts) <= 1:
                break
    if best is None:
        return True
    assert best_opts is not None
    rng.shuffle(best_opts)
    for v in best_opts:
        grid[best[0]][best[1]] = v
        if _fill(grid, cells, peers, n, rng, budget):
            return True
    grid[best[0]][best[1]] = 0
    return False


_WINDOKU = [["621845739", "539217468", "478639152", "945178326", "367924815", "812356974", "794561283", "286793541",
             "153482697"],
            ["375916482", "126478539", "489352176", "851729643", "634185297", "297643851", "943861725", "712534968",
             "568297314"]]
# Windoku fills are slow to search for (seconds), so two found once are shipped.
_BASES: dict[tuple[int, bool, bool], list[list[list[int]]]] = {
    (9, False, True): [[[int(ch) for ch in row] for row in g] for g in _WINDOKU]}


def symmetric_fill(n: int, diagonal: bool, windows: bool, rng: random.Random) -> list[list[int]]:
    """A solved grid for the variant: one of a few cached base fills, with a random square symmetry
    (which keeps boxes, diagonals and windows) and relabelled digits. Fast after the first call."""
    key = (n, diagonal, windows)
    if key not in _BASES:
        base_rng = random.Random(f"base:{key}")
        grids = [random_fill(n, sudoku_units(n, diagonal, windows), base_rng, tries=100) for _ in range(4)]
        _BASES[key] = [g for g in grids if g is not None]
    grid = [row[:] for row in rng.choice(_BASES[key])]
    bh, bw = box_shape(n)
    for _ in range(rng.randrange(4) if bh == bw else 2 * rng.randrange(2)):
        grid = [list(row) for row in zip(*grid[::-1], strict=False)]
    if rng.random() < 0.5:
        grid = [row[::-1] for row in grid]
    digits = rng.sample(range(1, n + 1), n)
    return [[digits[v - 1] for v in row] for row in grid]


def permuted_sudoku(n: int, rng: random.Random) -> list[list[int]]:
    """A classic solved sudoku: the pattern grid with shuffled digits, bands, stacks, rows and columns."""
    bh, bw = box_shape(n)
    base = [[(bw * (r % bh) + r // bh + c) % n + 1 for c in range(n)] for r in range(n)]
    digits = list(range(1, n + 1))
    rng.shuffle(digits)
    bands = rng.sample(range(n // bh), n // bh)
    rows = [b * bh + r for b in bands for r in rng.sample(range(bh), bh)]
    stacks = rng.sample(range(n // bw), n // bw)
    cols = [s * bw + c for s in stacks for c in rng.sample(range(bw), bw)]
    return [[digits[base[r][c] - 1] for c in cols] for r in rows]


def random_latin(n: int, rng: random.Random) -> list[list[int]]:
    """A Latin square: the cyclic one with shuffled rows, columns and symbols."""
    rows = rng.sample(range(n), n)
    cols = rng.sample(range(n), n)
    sym = rng.sample(range(1, n + 1), n)
    return [[sym[(rows[r] + cols[c]) % n] for c in range(n)] for r in range(n)]


def blank_out(grid: list[list[int]], fraction: float, rng: random.Random) -> list[list[int]]:
    """A copy of ``grid`` with about ``fraction`` of the cells set to 0 (blank)."""
    n_rows, n_cols = len(grid), len(grid[0])
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    blanks = set(rng.sample(cells, int(round(fraction * len(cells)))))
    return [[0 if (r, c) in blanks else grid[r][c] for c in range(n_cols)] for r in range(n_rows)]


def givens_text(givens: list[list[int]]) -> str:
    return "\n".join(" ".join(str(v) if v else "." for v in row) for row in givens)


def cell_name(r: int, c: int) -> str:
    return f"r{r + 1}c{c + 1}"


# -- rule checks (all take a parsed grid of ints) ---------------------------------------
def units_ok(grid: list[list[int]], units: list[list[Any]], n: int) -> bool:
    want = set(range(1, n + 1))
    return all({grid[r][c] for r, c in unit} == want for unit in units)


def givens_ok(grid: list[list[int]], givens: list[list[int]]) -> bool:
    return all(g == 0 or g == v for grow, row in zip(givens, grid, strict=False) for g, v in zip(grow, row, strict=False))


def inequalities_ok(grid: list[list[int]], ineqs: list[list[int]]) -> bool:
    """Each ``[r1, c1, r2, c2]`` means grid[r1][c1] < grid[r2][c2]."""
    return all(grid[a][b] < grid[c][d] for a, b, c, d in ineqs)


def random_inequalities(grid: list[list[int]], count: int, rng: random.Random) -> list[list[int]]:
    """``count`` true 'smaller than' relations between orthogonally adjacent cells."""
    n = len(grid)
    pairs = [(r, c, r, c + 1) for r in range(n) for c in range(n - 1)]
    pairs += [(r, c, r + 1, c) for r in range(n - 1) for c in range(n)]
    out = []
    for a, b, c, d in rng.sample(pairs, min(count, len(pairs))):
        out.append([a, b, c, d] if grid[a][b] < grid[c][d] else [c, d, a, b])
    return out


def inequalities_text(ineqs: list[list[int]]) -> str:
    return ", ".join(f"{cell_name(a, b)} < {cell_name(c, d)}" for a, b, c, d in ineqs)


def random_cages(n_rows: int, n_cols: int, max_size: int, rng: random.Random,
                 distinct: list[list[int]] | None = None) -> list[list[list[int]]]:
    """Partition the grid into random orthogonally connected cages of 1..max_size cells.

    With ``distinct`` (a solved grid), no cage holds the same value twice.
    """
    free = {(r, c) for r in range(n_rows) for c in range(n_cols)}
    cages = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) not in free:
                continue
            cage = [(r, c)]
            free.discard((r, c))
            target = rng.randint(1, max_size)
            while len(cage) < target:
                options = [(a + dr, b + dc) for a, b in cage for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0))
                           if (a + dr, b + dc) in free]
                if distinct:
                    seen = {distinct[a][b] for a, b in cage}
                    options = [(a, b) for a, b in options if distinct[a][b] not in seen]
                if not options:
                    break
                nxt = rng.choice(sorted(options))
                cage.append(nxt)
                free.discard(nxt)
            cages.append([[a, b] for a, b in sorted(cage)])
    return cages
