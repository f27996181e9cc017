"""Small random graphs and the classic algorithms on them (private)."""

from __future__ import annotations

import heapq
import random
from fractions import Fraction
from typing import Any


def random_graph(rng: random.Random, n: int, p: float, weighted: bool = True, connected: bool = True,
                 max_w: int = 20) -> dict[str, Any]:
    """An undirected simple graph as {"n", "edges": [[u, v, w], ...]} (u < v); connected when asked."""
    edges: dict[tuple[int, int], int] = {}
    if connected:
        order = rng.sample(range(n), n)
        for i in range(1, n):
            u, v = order[i], order[rng.randrange(i)]
            edges[(min(u, v), max(u, v))] = rng.randint(1, max_w)
    for u in range(n):
        for v in range(u + 1, n):
            if (u, v) not in edges and rng.random() < p:
                edges[(u, v)] = rng.randint(1, max_w)
    return {"n": n, "edges": [[u, v, w if weighted else 1] for (u, v), w in sorted(edges.items())]}


def random_dag(rng: random.Random, n: int, p: float, max_w: int = 20) -> dict[str, Any]:
    """A DAG over shuffled labels: edges go forward in a hidden order."""
    order = rng.sample(range(n), n)
    edges = [[order[i], order[j], rng.randint(1, max_w)] for i in range(n) for j in range(i + 1, n) if rng.random() < p]
    return {"n": n, "edges": sorted(edges)}


def edges_text(g: dict[str, Any], directed: bool = False, weighted: bool = True) -> str:
    arrow = "->" if directed else "-"
    if weighted:
        return ", ".join(f"{u}{arrow}{v} ({w})" for u, v, w in g["edges"])
    return ", ".join(f"{u}{arrow}{v}" for u, v, _ in g["edges"])


def adjacency(g: dict[str, Any], directed: bool = False) -> list[dict[int, int]]:
    adj: list[dict[int, int]] = [{} for _ in range(g["n"])]
    for u, v, w in g["edges"]:
        adj[u][v] = w
        if not directed:
            adj[v][u] = w
    return adj


def dijkstra(g: dict[str, Any], src: int, directed: bool = False) -> list[float]:
    adj = adjacency(g, directed)
    dist = [float("inf")] * g["n"]
    dist[src] = 0
    heap = [(0, src)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in adj[u].items():
            if d + w < dist[v]:
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    return dist


def components(n: int, edges: list[list[int]]) -> int:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    count = n
    for u, v, *_ in edges:
        a, b = find(u), find(v)
        if a != b:
            parent[a] = b
            count -= 1
    return count


def mst_weight(g: dict[str, Any]) -> int:
    parent = list(range(g["n"]))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    total = 0
    for u, v, w in sorted(g["edges"], key=lambda e: e[2]):
        a, b = find(u), find(v)
        if a != b:
            parent[a] = b
            total += w
    return total


def max_flow(g: dict[str, Any], s: int, t: int) -> int:
    n = g["n"]
    cap = [[0] * n for _ in range(n)]
    for u, v, w in g["edges"]:
        cap[u][v] += w
    flow = 0
    while True:
        prev = [-1] * n
        prev[s] = s
        queue = [s]
        for u in queue:
            for v in range(n):
                if cap[u][v] > 0 and prev[v] < 0:
                    prev[v] = u
                    queue.append(v)
        if prev[t] < 0:
            return flow
        push, v = min(cap[prev[x]][x] for x in _path_nodes(prev, s, t)), t
        while v != s:
            cap[prev[v]][v] -= push
            cap[v][prev[v]] += push
            v = prev[v]
        flow += push


def _path_nodes(prev: list[int], s: int, t: int) -> list[int]:
    out, v = [], t
    while v != s:
        out.append(v)
        v = prev[v]
    return out


def bipartite_sides(g: dict[str, Any]) -> list[int] | None:
    adj = adjacency(g)
    side = [-1] * g["n"]
    for start in range(g["n"]):
        if side[start] >= 0:
            continue
        side[start] = 0
        stack = [start]
        while stack:
            u = stack.pop()
            for v in adj[u]:
                if side[v] < 0:
                    side[v] = 1 - side[u]
                    stack.append(v)
                elif side[v] == side[u]:
                    return None
    return side


def scc_count(g: dict[str, Any]) -> int:
    n = g["n"]
    adj = adjacency(g, directed=True)
    reach = [{u} for u in range(n)]
    for u in range(n):
        stack = [u]
        while stack:
            x = stack.pop()
            for y in adj[x]:
                if y not in reach[u]:
                    reach[u].add(y)
                    stack.append(y)
    return len({frozenset(v for v in reach[u] if u in reach[v]) for u in range(n)})


def is_proper_coloring(g: dict[str, Any], colors: list[int]) -> bool:
    return all(colors[u] != colors[v] for u, v, _ in g["edges"])


def chromatic_number(g: dict[str, Any]) -> int:
    n = g["n"]
    adj = adjacency(g)
    for k in range(1, n + 1):
        colors = [-1] * n

        def place(u: int, k: int = k, colors: list[int] = colors) -> bool:
            if u == n:
                return True
            for c in range(min(k, max(colors[:u], default=-1) + 2)):  # symmetry: new colours in order
                if all(colors[v] != c for v in adj[u]):
                    colors[u] = c
                    if place(u + 1):
                        return True
            colors[u] = -1
            return False

        if place(0):
            return k
    return n


def spanning_trees(g: dict[str, Any]) -> int:
    """Kirchhoff's matrix-tree theorem with exact fractions."""
    n = g["n"]
    lap = [[Fraction(0)] * n for _ in range(n)]
    for u, v, _ in g["edges"]:
        lap[u][u] += 1
        lap[v][v] += 1
        lap[u][v] -= 1
        lap[v][u] -= 1
    m = [row[1:] for row in lap[1:]]
    det = Fraction(1)
    size = n - 1
    for i in range(size):
        piv = next((r for r in range(i, size) if m[r][i] != 0), None)
        if piv is None:
            return 0
        if piv != i:
            m[i], m[piv] = m[piv], m[i]
            det = -det
        det *= m[i][i]
        for r in range(i + 1, size):
            f = m[r][i] / m[i][i]
            for c in range(i, size):
                m[r][c] -= f * m[i][c]
    return int(det)


def topo_ok(g: dict[str, Any], order: list[int]) -> bool:
    if sorted(order) != list(range(g["n"])):
        return False
    pos = {v: i for i, v in enumerate(order)}
    return all(pos[u] < pos[v] for u, v, _ in g["edges"])


def topo_order(g: dict[str, Any]) -> list[int]:
    n = g["n"]
    indeg = [0] * n
    for _, v, _ in g["edges"]:
        indeg[v] += 1
    adj = adjacency(g, directed=True)
    ready = [u for u in range(n) if indeg[u] == 0]
    out = []
    while ready:
        u = ready.pop(0)
        out.append(u)
        for v in sorted(adj[u]):
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
    return out


def dag_paths(g: dict[str, Any], s: int, t: int, longest: bool = False) -> int:
    """Number of s-t paths in a DAG, or the weight of the longest one (-1 when unreachable)."""
    adj = adjacency(g, directed=True)
    best: dict[int, int] = {s: 0 if longest else 1}
    for u in topo_order(g):
        if u not in best:
            continue
        for v, w in adj[u].items():
            if longest:
                best[v] = max(best.get(v, -1), best[u] + w)
            else:
                best[v] = best.get(v, 0) + best[u]
    return best.get(t, -1 if longest else 0)


def has_cycle(g: dict[str, Any]) -> bool:
    return len(g["edges"]) > g["n"] - components(g["n"], g["edges"])
