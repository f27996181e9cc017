"""Code tasks on graphs: grid BFS, topological order, components, shortest paths."""

from __future__ import annotations

import random
from typing import Any

from tasks.code._base import CodeTask


def _edges(rng: random.Random, n: int, m: int, weighted: bool = False) -> list[list[int]]:
    out = []
    for _ in range(m):
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v:
            out.append([u, v, rng.randint(1, 9)] if weighted else [u, v])
    return out


class GridPath(CodeTask):
    function = "shortest_path"
    signature = "shortest_path(grid: list[str]) -> int"
    body = '''
from collections import deque

def shortest_path(grid):
    rows, cols = len(grid), len(grid[0])
    steps = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    if DIAGONAL:
        steps += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    start = next((r, c) for r in range(rows) for c in range(cols) if grid[r][c] == START)
    dist = {start: 0}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if grid[r][c] == GOAL:
            return dist[(r, c)]
        for dr, dc in steps:
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] not in WALLS and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                queue.append((nr, nc))
    return -1
'''
    bugs = [("dist[(r, c)] + 1", "dist[(r, c)] + 2"), ("return -1", "return 0")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"DIAGONAL": rng.random() < 0.5, "WALLS": "#" + "".join(sorted(rng.sample("~^%*&", rng.randint(1, 3)))),
                "START": rng.choice("SAO"), "GOAL": rng.choice("EGT")}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        fixed = [["S.E"], ["S#E"], ["S#", "#E"], ["S~E"], ["S^.", ".#E"]]
        out = [[[row.replace("S", spec["START"]).replace("E", spec["GOAL"]) for row in g]] for g in fixed]
        for _ in range(self.reps(9)):
            rows, cols = self.size(rng, 4, 7), self.size(rng, 6, 8)
            cells = [[rng.choice("......#~^%*&") for _ in range(cols)] for _ in range(rows)]
            # S on the left edge, E on the right one: paths are long enough for the walls and moves to matter
            cells[rng.randrange(rows)][0] = spec["START"]
            cells[rng.randrange(rows)][cols - 1] = spec["GOAL"]
            out.append([["".join(row) for row in cells]])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        moves = ("to any of the 8 neighbouring cells (including diagonals)" if spec["DIAGONAL"]
                 else "up, down, left or right (4 neighbours)")
        walls = " or ".join(repr(w) for w in spec["WALLS"])
        st, go = spec["START"], spec["GOAL"]
        return (f"returns the fewest moves from the cell {st!r} to the cell {go!r} in a rectangular grid given as "
                "equal-length "
                f"strings; each move goes {moves} inside the grid, never onto a wall cell ({walls}); every other "
                f"character is open floor. Return -1 when {go!r} cannot be reached. There is exactly one {st!r} and "
                f"one {go!r}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "DIAGONAL": not spec["DIAGONAL"]}, {**spec, "WALLS": "#"}]


class TopoOrder(CodeTask):
    function = "topo_order"
    signature = "topo_order(n: int, edges: list[list[int]]) -> list[int]"
    body = '''
import heapq

def topo_order(n, edges):
    indeg = [0] * n
    adj = [[] for _ in range(n)]
    for u, v in edges:
        adj[u].append(v)
        indeg[v] += 1
    sign = -1 if LARGEST else 1

    def key(u):
        return (sign * (u % MOD), sign * u)

    heap = [key(u) for u in range(n) if indeg[u] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        u = sign * heapq.heappop(heap)[1]
        order.append(u)
        for v in adj[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                heapq.heappush(heap, key(v))
    return order if len(order) == n or PARTIAL else []
'''
    bugs = [("return order if len(order) == n or PARTIAL else []", "return order if len(order) == n or not PARTIAL else []"),
            ("(sign * (u % MOD), sign * u)", "(sign * u, 0)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"LARGEST": rng.random() < 0.5, "MOD": rng.choice([100, 2, 3, 4, 5]), "PARTIAL": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[3, []], [2, [[0, 1], [1, 0]]], [4, [[3, 0], [2, 1]]]]
        for k in range(self.reps(9)):
            n = self.size(rng, 4, 9)
            perm = list(range(n))
            rng.shuffle(perm)
            edges = []
            for _ in range(rng.randint(1, 2 * n)):
                i, j = sorted(rng.sample(range(n), 2))
                edges.append([perm[i], perm[j]])
            if k % 3 == 2:  # a back edge makes a cycle
                i, j = sorted(rng.sample(range(n), 2))
                edges.append([perm[j], perm[i]])
            out.append([n, edges])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        which = "largest" if spec["LARGEST"] else "smallest"
        if spec["MOD"] >= 100:  # above every node number: plain label order
            rank = f"the {which} node"
        else:
            rank = (f"the node with the {which} remainder modulo {spec['MOD']} (node % {spec['MOD']}), ties going "
                    f"to the {which} node number")
        cycle = ("the nodes placed before no node is free any more" if spec["PARTIAL"] else "[]")
        return ("returns a topological order of the directed graph with nodes "
                "0..n-1 and edges [u, v] meaning u must come before v (repeated edges may occur): at every step take "
                f"{rank} among the nodes whose predecessors are all placed. When the graph has a cycle, "
                f"return {cycle}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "LARGEST": not spec["LARGEST"]}, {**spec, "PARTIAL": not spec["PARTIAL"]}]


class Components(CodeTask):
    function = "count_components"
    signature = "count_components(n: int, edges: list[list[int]]) -> int"
    body = '''
def count_components(n, edges):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in edges:
        parent[find(u)] = find(v)
    sizes = {}
    for x in range(n):
        root = find(x)
        sizes[root] = sizes.get(root, 0) + 1
    return sum(s if COUNT_NODES else 1 for s in sizes.values() if MIN_SIZE <= s <= MAX_SIZE)
'''
    bugs = [("MIN_SIZE <= s", "MIN_SIZE < s"), ("parent[find(u)] = find(v)", "parent[u] = v")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        lo = rng.randint(1, 4)
        return {"MIN_SIZE": lo, "MAX_SIZE": lo + rng.randint(0, 4), "COUNT_NODES": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[1, []], [4, [[0, 1], [1, 2], [2, 3]]], [6, [[0, 1], [2, 3], [3, 4], [1, 0]]]]
        for _ in range(self.reps(9)):
            n = self.size(rng, 9, 16)
            out.append([n, _edges(rng, n, rng.randint(n // 2, n))])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        lo, hi = spec["MIN_SIZE"], spec["MAX_SIZE"]
        size = f"exactly {lo} node{'s' if lo > 1 else ''}" if lo == hi else f"between {lo} and {hi} nodes (inclusive)"
        what = ("the total number of nodes in the connected components" if spec["COUNT_NODES"]
                else "how many connected components")
        return (f"returns {what} of the undirected graph with nodes 0..n-1 and edges [u, v] "
                f"that have {size}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "MAX_SIZE": spec["MAX_SIZE"] + 1}, {**spec, "MIN_SIZE": max(1, spec["MIN_SIZE"] - 1)},
                {**spec, "COUNT_NODES": not spec["COUNT_NODES"]}]


class Dijkstra(CodeTask):
    function = "distances"
    signature = "distances(n: int, edges: list[list[int]], src: int) -> list[int]"
    body = '''
import heapq

def distances(n, edges, src):
    adj = [[] for _ in range(n)]
    for u, v, w in edges:
        adj[u].append((v, w))
        if not DIRECTED:
            adj[v].append((u, w))
    dist = [-1] * n
    heap = [(0, src)]
    while heap:
        d, u = heapq.heappop(heap)
        if dist[u] != -1:
            continue
        dist[u] = d
        for v, w in adj[u]:
            if dist[v] == -1:
                heapq.heappush(heap, (d + w + TOLL, v))
    return [UNREACHABLE if d == -1 else d for d in dist]
'''
    bugs = [("(d + w + TOLL, v)", "(d + 1 + TOLL, v)"), ("(d + w + TOLL, v)", "(w + TOLL, v)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"DIRECTED": rng.random() < 0.5, "TOLL": rng.randint(0, 5), "UNREACHABLE": rng.choice([-1, None])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[1, [], 0], [3, [[0, 1, 5], [1, 2, 1], [0, 2, 9]], 0], [3, [[1, 0, 2]], 0]]
        for _ in range(self.reps(9)):
            n = self.size(rng, 3, 10)
            out.append([n, _edges(rng, n, rng.randint(1, 2 * n), weighted=True), rng.randrange(n)])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        kind = ("directed: [u, v, w] goes from u to v only" if spec["DIRECTED"]
                else "undirected: [u, v, w] can be travelled both ways")
        toll = (f" Travelling an edge costs its weight plus a toll of {spec['TOLL']}." if spec["TOLL"]
                else " Travelling an edge costs its weight.")
        return ("returns the list of shortest-path distances from node `src` to every node 0..n-1 of a weighted "
                f"graph whose edges are {kind}, with positive integer weight w (parallel edges may occur);{toll} "
                f"Unreachable nodes get {spec['UNREACHABLE']!r}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**spec, "DIRECTED": not spec["DIRECTED"]}, {**spec, "TOLL": spec["TOLL"] + 1}]


def register(registry: Any) -> None:
    registry.register(GridPath, "code/grid_shortest_path", {}, "Write a BFS shortest path on a grid with seed-chosen moves.")
    registry.register(TopoOrder, "code/topological_sort", {}, "Write a lexicographically smallest/largest topological sort.")
    registry.register(Components, "code/connected_components", {}, "Write a count of connected components of a minimum size.")
    registry.register(Dijkstra, "code/dijkstra", {}, "Write single-source shortest paths on a directed or undirected graph.")
