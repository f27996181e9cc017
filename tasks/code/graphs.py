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
    start = next((r, c) for r in range(rows) for c in range(cols) if grid[r][c] == "S")
    dist = {start: 0}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if grid[r][c] == "E":
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
        return {"DIAGONAL": rng.random() < 0.5, "WALLS": rng.choice(["#", "#~", "#^"])}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[["S.E"]], [["S#E"]], [["S#", "#E"]], [["S~E"]], [["S^.", ".#E"]]]
        for _ in range(9):
            rows, cols = rng.randint(2, 7), rng.randint(2, 7)
            cells = [[rng.choice("....#~^") for _ in range(cols)] for _ in range(rows)]
            spots = rng.sample([(r, c) for r in range(rows) for c in range(cols)], 2)
            cells[spots[0][0]][spots[0][1]] = "S"
            cells[spots[1][0]][spots[1][1]] = "E"
            out.append([["".join(row) for row in cells]])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        moves = ("to any of the 8 neighbouring cells (including diagonals)" if spec["DIAGONAL"]
                 else "up, down, left or right (4 neighbours)")
        walls = " or ".join(repr(w) for w in spec["WALLS"])
        return (f"returns the fewest moves from the cell 'S' to the cell 'E' in a rectangular grid given as equal-length "
                f"strings; each move goes {moves} inside the grid, never onto a wall cell ({walls}); every other "
                "character is open floor. Return -1 when 'E' cannot be reached. There is exactly one 'S' and one 'E'.")

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
    heap = [sign * u for u in range(n) if indeg[u] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        u = sign * heapq.heappop(heap)
        order.append(u)
        for v in adj[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                heapq.heappush(heap, sign * v)
    return order if len(order) == n else []
'''
    bugs = [("return order if len(order) == n else []", "return order")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"LARGEST": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[3, []], [2, [[0, 1], [1, 0]]], [4, [[3, 0], [2, 1]]]]
        for k in range(9):
            n = rng.randint(3, 9)
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
        return (f"returns the lexicographically {which} topological order of the directed graph with nodes "
                "0..n-1 and edges [u, v] meaning u must come before v (repeated edges may occur): at every step take "
                f"the {which} node whose predecessors are all placed. Return [] when the graph has a cycle.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"LARGEST": not spec["LARGEST"]}]


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
    return sum(1 for s in sizes.values() if s >= MIN_SIZE)
'''
    bugs = [("s >= MIN_SIZE", "s > MIN_SIZE"), ("parent[find(u)] = find(v)", "parent[u] = v")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"MIN_SIZE": rng.randint(1, 4)}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[1, []], [4, [[0, 1], [1, 2], [2, 3]]], [6, [[0, 1], [2, 3], [3, 4], [1, 0]]]]
        for _ in range(9):
            n = rng.randint(2, 14)
            out.append([n, _edges(rng, n, rng.randint(0, n))])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        return ("returns how many connected components of the undirected graph with nodes 0..n-1 and edges [u, v] "
                f"have at least {spec['MIN_SIZE']} node{'s' if spec['MIN_SIZE'] > 1 else ''}.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"MIN_SIZE": spec["MIN_SIZE"] + 1}, {"MIN_SIZE": max(1, spec["MIN_SIZE"] - 1)}]


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
                heapq.heappush(heap, (d + w, v))
    return dist
'''
    bugs = [("(d + w, v)", "(d + 1, v)"), ("(d + w, v)", "(w, v)")]

    def spec(self, rng: random.Random) -> dict[str, Any]:
        return {"DIRECTED": rng.random() < 0.5}

    def inputs(self, rng: random.Random, spec: dict[str, Any]) -> list[list[Any]]:
        out = [[1, [], 0], [3, [[0, 1, 5], [1, 2, 1], [0, 2, 9]], 0], [3, [[1, 0, 2]], 0]]
        for _ in range(9):
            n = rng.randint(2, 10)
            out.append([n, _edges(rng, n, rng.randint(1, 2 * n), weighted=True), rng.randrange(n)])
        return out

    def describe(self, spec: dict[str, Any]) -> str:
        kind = ("directed: [u, v, w] goes from u to v only" if spec["DIRECTED"]
                else "undirected: [u, v, w] can be travelled both ways")
        return ("returns the list of shortest-path distances from node `src` to every node 0..n-1 of a weighted "
                f"graph whose edges are {kind}, with positive integer weight w (parallel edges may occur); "
                "unreachable nodes get -1.")

    def variants(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"DIRECTED": not spec["DIRECTED"]}]


def register(registry: Any) -> None:
    registry.register(GridPath, "code/grid_shortest_path", {}, "Write a BFS shortest path on a grid with seed-chosen moves.")
    registry.register(TopoOrder, "code/topological_sort", {}, "Write a lexicographically smallest/largest topological sort.")
    registry.register(Components, "code/connected_components", {}, "Write a count of connected components of a minimum size.")
    registry.register(Dijkstra, "code/dijkstra", {}, "Write single-source shortest paths on a directed or undirected graph.")
