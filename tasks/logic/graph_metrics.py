"""Graph questions with a number or yes/no answer: paths, trees, flows, components, colourings."""

from __future__ import annotations

import itertools
import random
from typing import Any

from tasks.logic import _graph as G
from tasks.logic._common import Op, TableTask, pick, register_table


def _size(s: int, sizes: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    return pick(s, sizes)


def _relabel(rng: random.Random, n: int, edges: Any, directed: bool = False) -> list[list[int]]:
    """Edges under a random relabelling of the vertices (so a construction's order does not show)."""
    perm = rng.sample(range(n), n)
    out = set()
    for u, v, w in edges:
        a, b = perm[u], perm[v]
        out.add((a, b, w) if directed or a < b else (b, a, w))
    return [list(e) for e in sorted(out)]


def _weighted(rng: random.Random, s: int) -> dict[str, Any]:
    g = G.random_graph(rng, rng.randint(*_size(s, ((5, 6), (6, 7), (7, 9), (10, 12), (13, 16)))), 0.3)
    a, b = rng.sample(range(g["n"]), 2)
    return {**g, "s": a, "t": b}


def _bfs_pair(rng: random.Random, s: int) -> dict[str, Any]:
    """A graph of drawn diameter, a vertex at the end of a longest shortest path, and a partner whose
    distance is drawn uniformly from 1 to that vertex's eccentricity."""
    g = _diameter_graph(rng, s, 4)
    hops = _hops(g)
    ecc = [int(max(row)) for row in hops]
    a = rng.choice([v for v in range(g["n"]) if ecc[v] == max(ecc)])
    d = rng.randint(1, ecc[a])
    return {**g, "s": a, "t": rng.choice([v for v in range(g["n"]) if hops[a][v] == d])}


def _diameter_graph(rng: random.Random, s: int, least: int = 2) -> dict[str, Any]:
    """A connected graph of a diameter drawn first: a path of that length, the other vertices hung on its
    interior, and extra edges kept only where they leave the diameter unchanged."""
    n = rng.randint(*_size(s, ((8, 9), (8, 10), (9, 11), (11, 14), (15, 20))))
    d = rng.randint(least, min(n - 1, pick(s, (6, 7, 8, 9, 12))))
    edges = {(i, i + 1) for i in range(d)}
    for v in range(d + 1, n):
        u = rng.randint(1, d - 1)
        edges.add((u, v))
    for _ in range(rng.randint(0, n)):
        u, v = sorted(rng.sample(range(n), 2))
        trial = edges | {(u, v)}
        if (u, v) not in edges and _diam({"n": n, "edges": [[a, b, 1] for a, b in trial]}) == d:
            edges = trial
    return {"n": n, "edges": _relabel(rng, n, [(a, b, 1) for a, b in edges])}


def _diam(g: dict[str, Any]) -> int:
    return int(max(max(row) for row in _hops(g)))


def _directed(rng: random.Random, s: int) -> dict[str, Any]:
    while True:  # keep graphs where the flow is positive: a zero answer is too easy to guess
        n = rng.randint(*_size(s, ((4, 5), (5, 6), (6, 8), (8, 10), (10, 14))))
        edges = [[u, v, rng.randint(1, 15)] for u in range(n) for v in range(n) if u != v and rng.random() < 0.3]
        g = {"n": n, "edges": edges, "s": 0, "t": n - 1}
        if G.max_flow(g, 0, n - 1) > 0:
            return g


def _scc_graph(rng: random.Random, s: int) -> dict[str, Any]:
    """A digraph with a number of strongly connected components drawn first: cycles (or single vertices)
    with chords, joined by edges that only go forward between components."""
    n = rng.randint(*_size(s, ((5, 7), (6, 8), (7, 9), (10, 13), (14, 18))))
    c = rng.randint(1, min(n, pick(s, (5, 6, 7, 9, 12))))
    cuts = sorted(rng.sample(range(1, n), c - 1))
    groups = [list(range(a, b)) for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
    edges = set()
    for grp in groups:
        if len(grp) > 1:
            edges |= {(grp[i], grp[(i + 1) % len(grp)]) for i in range(len(grp))}
            edges |= {(u, v) for u in grp for v in grp if u != v and rng.random() < 0.2}
    for i, gi in enumerate(groups):
        for gj in groups[i + 1:]:
            edges |= {(u, v) for u in gi for v in gj if rng.random() < 0.15}
    return {"n": n, "edges": _relabel(rng, n, [(u, v, rng.randint(1, 15)) for u, v in sorted(edges)], True),
            "s": 0, "t": n - 1}


def _dag(rng: random.Random, s: int) -> dict[str, Any]:
    g = G.random_dag(rng, rng.randint(*_size(s, ((5, 6), (5, 7), (6, 9), (9, 11), (11, 14)))), 0.4)
    order = G.topo_order(g)
    return {**g, "s": order[0], "t": order[-1]}


def _dag_pair(rng: random.Random, s: int, p: float = 0.6) -> dict[str, Any]:
    """A DAG and a pair whose number of paths is drawn uniformly from the positive counts present."""
    g = G.random_dag(rng, rng.randint(*_size(s, ((7, 7), (7, 8), (7, 9), (9, 11), (11, 14)))), p)
    counts: dict[int, list[tuple[int, int]]] = {}
    for a in range(g["n"]):
        for b in range(g["n"]):
            if a != b and (k := G.dag_paths(g, a, b)) > 0:
                counts.setdefault(k, []).append((a, b))
    if not counts:
        return _dag(rng, s)
    a, b = rng.choice(counts[rng.choice(sorted(counts))])
    return {**g, "s": a, "t": b}


def _components_graph(rng: random.Random, s: int) -> dict[str, Any]:
    """A graph with a number of connected components drawn first (each a random tree plus chords)."""
    n = rng.randint(*_size(s, ((7, 9), (8, 10), (8, 12), (12, 16), (16, 24))))
    c = rng.randint(1, min(n, pick(s, (5, 6, 7, 9, 12))))
    cuts = sorted(rng.sample(range(1, n), c - 1))
    edges = set()
    for a, b in zip([0, *cuts], [*cuts, n], strict=True):
        for v in range(a + 1, b):
            edges.add((rng.randint(a, v - 1), v))
        edges |= {(u, v) for u in range(a, b) for v in range(u + 1, b) if rng.random() < 0.15}
    return {"n": n, "edges": _relabel(rng, n, [(u, v, 1) for u, v in edges])}


def _label_graph(rng: random.Random, s: int, sizes: tuple[tuple[int, int], ...]) -> tuple[int, set[tuple[int, int]]]:
    """A random spanning tree's edges over a drawn number of vertices."""
    n = rng.randint(*_size(s, sizes))
    return n, {(rng.randrange(v), v) for v in range(1, n)}


_TWO_VALUED_SIZES = ((6, 8), (7, 9), (7, 10), (10, 14), (14, 20))


def _maybe_bipartite(rng: random.Random, s: int) -> dict[str, Any]:
    """A tree plus edges across its two colour classes (bipartite), and for "no" one edge inside a class."""
    n, edges = _label_graph(rng, s, _TWO_VALUED_SIZES)
    side = [0] * n
    for u, v in sorted(edges, key=lambda e: e[1]):
        side[v] = 1 - side[u]
    cross = [(u, v) for u in range(n) for v in range(u + 1, n) if side[u] != side[v] and (u, v) not in edges]
    edges |= {e for e in cross if rng.random() < 0.25}
    if rng.random() < 0.5:
        inside = [(u, v) for u in range(n) for v in range(u + 1, n) if side[u] == side[v]]
        edges |= set(rng.sample(inside, min(len(inside), rng.randint(1, 2))))
    return {"n": n, "edges": _relabel(rng, n, [(u, v, 1) for u, v in edges])}


def _cycle_or_forest(rng: random.Random, s: int) -> dict[str, Any]:
    """A forest (a tree with some edges cut), and for "yes" extra edges inside its trees."""
    cycle = rng.random() < 0.5  # the label first
    n, edges = _label_graph(rng, s, _TWO_VALUED_SIZES)
    for e in rng.sample(sorted(edges), rng.randint(0, 2)):
        edges.discard(e)
    if cycle:
        comp = _component_of(n, edges)
        pairs = [(u, v) for u in range(n) for v in range(u + 1, n) if comp[u] == comp[v] and (u, v) not in edges]
        if pairs:
            edges |= set(rng.sample(pairs, min(len(pairs), rng.randint(1, 2))))
        else:  # every tree is too small for an extra edge: close a triangle across them
            a, b, c = sorted(rng.sample(range(n), 3))
            edges |= {(a, b), (b, c), (a, c)}
    return {"n": n, "edges": _relabel(rng, n, [(u, v, 1) for u, v in edges])}


def _component_of(n: int, edges: set[tuple[int, int]]) -> list[int]:
    root = list(range(n))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for u, v in edges:
        root[find(u)] = find(v)
    return [find(x) for x in range(n)]


def _connected_or_not(rng: random.Random, s: int) -> dict[str, Any]:
    """A tree (connected) or a tree with one to three edges cut (not), plus chords inside its parts; scale 3
    keeps the family's first generator, which is balanced already."""
    if s == 3:
        return _forest_or_not(rng, s)
    n, edges = _label_graph(rng, s, ((6, 8), (6, 9), (7, 10), (10, 14), (14, 20)))
    if rng.random() < 0.5:
        for e in rng.sample(sorted(edges), rng.randint(1, 3)):
            edges.discard(e)
    comp = _component_of(n, edges)
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n) if comp[u] == comp[v] and (u, v) not in edges]
    edges |= {e for e in pairs if rng.random() < pick(s, (0.03, 0.03, 0.1, 0.1, 0.1))}
    return {"n": n, "edges": _relabel(rng, n, [(u, v, 1) for u, v in edges])}


def _forest_or_not(rng: random.Random, s: int) -> dict[str, Any]:
    g = G.random_graph(rng, rng.randint(*_size(s, ((5, 7), (6, 9), (6, 10), (10, 14), (14, 20)))), 0.0,
                       weighted=False)
    if rng.random() < 0.5:
        u, v = rng.sample(range(g["n"]), 2)
        if [min(u, v), max(u, v), 1] not in g["edges"]:
            g["edges"] = sorted(g["edges"] + [[min(u, v), max(u, v), 1]])
    if rng.random() < 0.5 and g["edges"]:
        g["edges"].pop(rng.randrange(len(g["edges"])))
    return g


def _euler_graph(rng: random.Random, s: int) -> dict[str, Any]:
    """For "yes" a cycle through every vertex with random cycles toggled on it (degrees stay even), kept
    connected; for "no" one edge more or less, which leaves two vertices of odd degree."""
    n = rng.randint(*_size(s, ((7, 7), (7, 8), (7, 9), (9, 12), (12, 16))))
    while True:
        order = rng.sample(range(n), n)
        edges = {tuple(sorted((order[i], order[(i + 1) % n]))) for i in range(n)}
        for _ in range(rng.randint(1, 3)):
            cyc = rng.sample(range(n), rng.randint(3, n))
            edges ^= {tuple(sorted((cyc[i], cyc[(i + 1) % len(cyc)]))) for i in range(len(cyc))}
        if edges and len(set(_component_of(n, edges))) == 1:
            break
    if rng.random() < 0.5:
        u, v = sorted(rng.sample(range(n), 2))
        trial = edges ^ {(u, v)}
        if len(set(_component_of(n, trial))) == 1:
            edges = trial
    return {"n": n, "edges": [[u, v, 1] for u, v in sorted(edges)]}


def _small(sizes: tuple[tuple[int, int], ...], density: tuple[float, ...]) -> Any:
    return lambda rng, s: G.random_graph(rng, rng.randint(*_size(s, sizes)), pick(s, density), weighted=False)


def _colourable(rng: random.Random, s: int) -> dict[str, Any]:
    """A graph of chromatic number k drawn first: a planted k-colouring (so at most k) with a k-clique (so at
    least k)."""
    k = rng.randint(2, 6)
    n = rng.randint(max(k + 1, pick(s, (7, 7, 8, 9, 11))), pick(s, (8, 9, 10, 11, 14)))
    colour = list(range(k)) + [rng.randrange(k) for _ in range(n - k)]
    edges = {(u, v) for u in range(k) for v in range(u + 1, k)}
    edges |= {(u, v) for u in range(n) for v in range(u + 1, n) if colour[u] != colour[v] and rng.random() < 0.4}
    return {"n": n, "edges": _relabel(rng, n, [(u, v, 1) for u, v in edges])}


def _cities(rng: random.Random, s: int) -> dict[str, Any]:
    n = rng.randint(*_size(s, ((4, 4), (4, 5), (5, 6), (6, 7), (7, 8))))
    return {"n": n, "edges": [[u, v, rng.randint(1, 30)] for u in range(n) for v in range(u + 1, n)]}


def _tsp(g: dict[str, Any]) -> int:
    adj = G.adjacency(g)
    return min(sum(adj[a][b] for a, b in zip((0,) + p, p + (0,), strict=False)) for p in itertools.permutations(range(1, g["n"])))


def _hops(g: dict[str, Any]) -> list[list[float]]:
    return [G.dijkstra({**g, "edges": [[u, v, 1] for u, v, _ in g["edges"]]}, s) for s in range(g["n"])]


def _euler_circuit(g: dict[str, Any]) -> bool:
    deg = [0] * g["n"]
    for u, v, _ in g["edges"]:
        deg[u] += 1
        deg[v] += 1
    return all(d % 2 == 0 for d in deg) and G.components(g["n"], g["edges"]) == 1


def _undirected(i: dict[str, Any], weighted: bool = True) -> str:
    return f"An undirected graph has vertices 0..{i['n'] - 1} and edges{' (weights in brackets)' if weighted else ''}: " \
           f"{G.edges_text(i, weighted=weighted)}."


def _directed_text(i: dict[str, Any], what: str = "capacities") -> str:
    return f"A directed graph has vertices 0..{i['n'] - 1} and edges ({what} in brackets): {G.edges_text(i, True)}."


_TABLE = {
    "shortest_path_length": Op(_weighted, lambda i: f"{_undirected(i)} What is the total weight of a shortest path from "
                               f"{i['s']} to {i['t']}?", lambda i: int(G.dijkstra(i, i["s"])[i["t"]]), "int",
                               "Weighted shortest-path length (Dijkstra)."),
    "bfs_distance": Op(_bfs_pair, lambda i: f"{_undirected(i, False)} What is the fewest number of edges on a path from "
                       f"{i['s']} to {i['t']}?", lambda i: int(_hops(i)[i["s"]][i["t"]]), "int",
                       "Unweighted shortest-path length (BFS)."),
    "graph_diameter": Op(_diameter_graph, lambda i: f"{_undirected(i, False)} What is the diameter of the graph (the largest "
                         "number of edges on a shortest path between two vertices)?",
                         lambda i: int(max(max(row) for row in _hops(i))), "int", "Diameter of a connected graph."),
    "mst_weight": Op(_weighted, lambda i: f"{_undirected(i)} What is the total weight of a minimum spanning tree?",
                     G.mst_weight, "int", "Minimum spanning tree weight."),
    "max_flow": Op(_directed, lambda i: f"{_directed_text(i)} What is the maximum flow from {i['s']} to {i['t']}?",
                   lambda i: G.max_flow(i, i["s"], i["t"]), "int", "Maximum flow value."),
    "connected_components": Op(_components_graph, lambda i: f"{_undirected(i, False) if i['edges'] else 'A graph has vertices 0..' + str(i['n'] - 1) + ' and no edges.'} "
                               "How many connected components does it have (isolated vertices count)?",
                               lambda i: G.components(i["n"], i["edges"]), "int", "Count connected components."),
    "scc_count": Op(_scc_graph, lambda i: f"{_directed_text(i, 'weights')} How many strongly connected components "
                    "does it have?", G.scc_count, "int", "Count strongly connected components."),
    "dag_path_count": Op(_dag_pair, lambda i: f"{_directed_text(i, 'weights')} It has no directed cycle. How many different "
                         f"directed paths lead from {i['s']} to {i['t']}?", lambda i: G.dag_paths(i, i["s"], i["t"]),
                         "int", "Count paths in a DAG."),
    "dag_longest_path": Op(lambda r, s: _dag(r, s) if s == 3 else _dag_pair(r, s, 0.4), lambda i: f"{_directed_text(i, 'weights')} It has no directed cycle. What is the "
                           f"largest total weight of a directed path from {i['s']} to {i['t']}?",
                           lambda i: G.dag_paths(i, i["s"], i["t"], longest=True), "int", "Longest path in a DAG."),
    "chromatic_number": Op(_colourable, lambda i: f"{_undirected(i, False)} What is its chromatic number?",
                           G.chromatic_number, "int", "Chromatic number of a small graph."),
    "spanning_tree_count": Op(_small(((6, 7), (6, 8), (7, 8), (8, 10), (10, 12)), (0.3, 0.38, 0.45, 0.45, 0.45)), lambda i: f"{_undirected(i, False)} How many spanning trees does it have?",
                              G.spanning_trees, "int", "Number of spanning trees (matrix-tree theorem)."),
    "tsp_length": Op(_cities, lambda i: f"{_undirected(i)} What is the total weight of the shortest cycle that visits "
                     "every vertex exactly once and returns to its start?", _tsp, "int", "Shortest travelling-salesman tour."),
    "is_bipartite": Op(_maybe_bipartite, lambda i: f"{_undirected(i, False)} Is the graph bipartite?",
                       lambda i: G.bipartite_sides(i) is not None, "yesno", "Is a graph bipartite?"),
    "has_cycle": Op(_cycle_or_forest, lambda i: f"{_undirected(i, False)} Does the graph contain a cycle?",
                    G.has_cycle, "yesno", "Does an undirected graph contain a cycle?"),
    "is_connected": Op(_connected_or_not, lambda i: f"{_undirected(i, False)} Is the graph connected?",
                       lambda i: G.components(i["n"], i["edges"]) == 1, "yesno", "Is a graph connected?"),
    "has_euler_circuit": Op(_euler_graph, lambda i: f"{_undirected(i, False)} Does it have an Euler circuit (a closed "
                            "walk using every edge exactly once)?", _euler_circuit, "yesno",
                            "Does a graph have an Euler circuit?"),
}


class GraphMetric(TableTask):
    """Graph questions with a numeric or yes/no answer, picked by ``op``."""

    description = "Graph algorithms with a numeric or yes/no answer."
    table = _TABLE

    def measure(self, identity: dict[str, Any]) -> float:
        """Vertices plus edges: the size of the graph every algorithm here walks."""
        return float(identity["n"] + len(identity["edges"]))


def register(registry: Any) -> None:
    register_table(registry, GraphMetric)
