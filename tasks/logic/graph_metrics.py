"""Graph questions with a number or yes/no answer: paths, trees, flows, components, colourings."""

from __future__ import annotations

import itertools
import random
from typing import Any

from tasks.logic import _graph as G
from tasks.logic._common import Op, TableTask, register_table


def _weighted(rng: random.Random) -> dict[str, Any]:
    g = G.random_graph(rng, rng.randint(7, 9), 0.3)
    s, t = rng.sample(range(g["n"]), 2)
    return {**g, "s": s, "t": t}


def _plain(rng: random.Random) -> dict[str, Any]:
    g = G.random_graph(rng, rng.randint(7, 10), 0.2, weighted=False)
    s, t = rng.sample(range(g["n"]), 2)
    return {**g, "s": s, "t": t}


def _directed(rng: random.Random) -> dict[str, Any]:
    while True:  # keep graphs where the flow is positive: a zero answer is too easy to guess
        n = rng.randint(6, 8)
        edges = [[u, v, rng.randint(1, 15)] for u in range(n) for v in range(n) if u != v and rng.random() < 0.3]
        g = {"n": n, "edges": edges, "s": 0, "t": n - 1}
        if G.max_flow(g, 0, n - 1) > 0:
            return g


def _dag(rng: random.Random) -> dict[str, Any]:
    g = G.random_dag(rng, rng.randint(6, 9), 0.4)
    order = G.topo_order(g)
    return {**g, "s": order[0], "t": order[-1]}


def _sparse(rng: random.Random) -> dict[str, Any]:
    return G.random_graph(rng, rng.randint(8, 12), rng.choice([0.08, 0.12]), weighted=False, connected=False)


def _maybe_bipartite(rng: random.Random) -> dict[str, Any]:
    g = G.random_graph(rng, rng.randint(6, 9), 0.0, weighted=False)
    n = g["n"]
    side = [rng.randrange(2) for _ in range(n)]
    odd = rng.random() < 0.5
    for u in range(n):
        for v in range(u + 1, n):
            if (side[u] != side[v] or odd) and rng.random() < 0.25:
                g["edges"].append([u, v, 1])
    g["edges"] = sorted({(u, v): w for u, v, w in g["edges"]}.items())
    g["edges"] = [[u, v, w] for (u, v), w in g["edges"]]
    return g


def _forest_or_not(rng: random.Random) -> dict[str, Any]:
    g = G.random_graph(rng, rng.randint(6, 10), 0.0, weighted=False)
    if rng.random() < 0.5:
        u, v = rng.sample(range(g["n"]), 2)
        if [min(u, v), max(u, v), 1] not in g["edges"]:
            g["edges"] = sorted(g["edges"] + [[min(u, v), max(u, v), 1]])
    if rng.random() < 0.5 and g["edges"]:
        g["edges"].pop(rng.randrange(len(g["edges"])))
    return g


def _euler_graph(rng: random.Random) -> dict[str, Any]:
    g = G.random_graph(rng, rng.randint(5, 8), 0.35, weighted=False)
    return g


def _small(rng: random.Random) -> dict[str, Any]:
    return G.random_graph(rng, rng.randint(5, 7), 0.45, weighted=False)


def _cities(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(5, 6)
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
    "bfs_distance": Op(_plain, lambda i: f"{_undirected(i, False)} What is the fewest number of edges on a path from "
                       f"{i['s']} to {i['t']}?", lambda i: int(_hops(i)[i["s"]][i["t"]]), "int",
                       "Unweighted shortest-path length (BFS)."),
    "graph_diameter": Op(_plain, lambda i: f"{_undirected(i, False)} What is the diameter of the graph (the largest "
                         "number of edges on a shortest path between two vertices)?",
                         lambda i: int(max(max(row) for row in _hops(i))), "int", "Diameter of a connected graph."),
    "mst_weight": Op(_weighted, lambda i: f"{_undirected(i)} What is the total weight of a minimum spanning tree?",
                     G.mst_weight, "int", "Minimum spanning tree weight."),
    "max_flow": Op(_directed, lambda i: f"{_directed_text(i)} What is the maximum flow from {i['s']} to {i['t']}?",
                   lambda i: G.max_flow(i, i["s"], i["t"]), "int", "Maximum flow value."),
    "connected_components": Op(_sparse, lambda i: f"{_undirected(i, False) if i['edges'] else 'A graph has vertices 0..' + str(i['n'] - 1) + ' and no edges.'} "
                               "How many connected components does it have (isolated vertices count)?",
                               lambda i: G.components(i["n"], i["edges"]), "int", "Count connected components."),
    "scc_count": Op(_directed, lambda i: f"{_directed_text(i, 'weights')} How many strongly connected components "
                    "does it have?", G.scc_count, "int", "Count strongly connected components."),
    "dag_path_count": Op(_dag, lambda i: f"{_directed_text(i, 'weights')} It has no directed cycle. How many different "
                         f"directed paths lead from {i['s']} to {i['t']}?", lambda i: G.dag_paths(i, i["s"], i["t"]),
                         "int", "Count paths in a DAG."),
    "dag_longest_path": Op(_dag, lambda i: f"{_directed_text(i, 'weights')} It has no directed cycle. What is the "
                           f"largest total weight of a directed path from {i['s']} to {i['t']}?",
                           lambda i: G.dag_paths(i, i["s"], i["t"], longest=True), "int", "Longest path in a DAG."),
    "chromatic_number": Op(_small, lambda i: f"{_undirected(i, False)} What is its chromatic number?",
                           G.chromatic_number, "int", "Chromatic number of a small graph."),
    "spanning_tree_count": Op(_small, lambda i: f"{_undirected(i, False)} How many spanning trees does it have?",
                              G.spanning_trees, "int", "Number of spanning trees (matrix-tree theorem)."),
    "tsp_length": Op(_cities, lambda i: f"{_undirected(i)} What is the total weight of the shortest cycle that visits "
                     "every vertex exactly once and returns to its start?", _tsp, "int", "Shortest travelling-salesman tour."),
    "is_bipartite": Op(_maybe_bipartite, lambda i: f"{_undirected(i, False)} Is the graph bipartite?",
                       lambda i: G.bipartite_sides(i) is not None, "yesno", "Is a graph bipartite?"),
    "has_cycle": Op(_forest_or_not, lambda i: f"{_undirected(i, False)} Does the graph contain a cycle?",
                    G.has_cycle, "yesno", "Does an undirected graph contain a cycle?"),
    "is_connected": Op(_forest_or_not, lambda i: f"{_undirected(i, False)} Is the graph connected?",
                       lambda i: G.components(i["n"], i["edges"]) == 1, "yesno", "Is a graph connected?"),
    "has_euler_circuit": Op(_euler_graph, lambda i: f"{_undirected(i, False)} Does it have an Euler circuit (a closed "
                            "walk using every edge exactly once)?", _euler_circuit, "yesno",
                            "Does a graph have an Euler circuit?"),
}


class GraphMetric(TableTask):
    """Graph questions with a numeric or yes/no answer, picked by ``op``."""

    description = "Graph algorithms with a numeric or yes/no answer."
    table = _TABLE


def register(registry: Any) -> None:
    register_table(registry, GraphMetric)
