"""Graph questions answered with a structure (a path, an order, a colouring, a vertex set), checked by the rules."""

from __future__ import annotations

import itertools
import random
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import INTEGER, Sequence
from tasks.logic import _graph as G

_NODES = Sequence(INTEGER, max_items=200)
_LIST = "Answer with the vertex numbers separated by spaces inside <answer></answer>."


class GraphAnswer(Task):
    """Base: subclasses define ``make`` (identity), ``question``, ``valid`` (the rules) and ``reference``."""

    version = 2

    description = "A graph problem with a structured answer."
    default_params: dict[str, Any] = {"min_n": 7, "max_n": 10, "scale": 1.0}
    # Levels scale every id's vertex range (each id keeps its own base range).
    levels = ({"scale": 0.8}, {"scale": 0.9}, {"scale": 1.0}, {"scale": 1.2}, {"scale": 1.4})
    default_level = 3
    #: Fewest vertices a level may scale down to (smaller graphs pose too few distinct problems).
    min_vertices = 6

    def complexity(self, identity: dict[str, Any]) -> float:
        """Vertices plus edges: the size of the graph the answer must respect."""
        return float(identity["n"] + len(identity["edges"]))

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        raise NotImplementedError

    def question(self, identity: dict[str, Any]) -> str:
        raise NotImplementedError

    def valid(self, items: list[int], identity: dict[str, Any]) -> bool:
        raise NotImplementedError

    def reference(self, identity: dict[str, Any]) -> list[int]:
        raise NotImplementedError

    def generate(self, rng: random.Random) -> dict[str, Any]:
        p = self.params
        lo = max(self.min_vertices, round(p["min_n"] * p["scale"]))
        return self.make(rng, rng.randint(lo, max(lo, round(p["max_n"] * p["scale"]))))

    def prompt(self, identity: dict[str, Any]) -> str:
        return self.question(identity)

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        items = _NODES.parse(answer)
        if items is None:
            return invalid("expected a list of integers")
        if any(not 0 <= v < max(identity["n"], 1) + 1 for v in items):
            return Score(0.0)
        return 1.0 if self.valid(items, identity) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        return " ".join(map(str, self.reference(identity)))

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        items = answer.split()
        return [" ".join(items[:-1]) or "0 0", " ".join(items + items[:1])]


def _walk_ok(g: dict[str, Any], path: list[int]) -> bool:
    adj = G.adjacency(g)
    return all(b in adj[a] for a, b in zip(path, path[1:], strict=False))


class ShortestRoute(GraphAnswer):
    description = "Give a shortest weighted path between two vertices."

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        g = G.random_graph(rng, n, 0.3)
        s, t = rng.sample(range(n), 2)
        return {**g, "s": s, "t": t}

    def question(self, i: dict[str, Any]) -> str:
        return (f"An undirected graph has vertices 0..{i['n'] - 1} and edges (weights in brackets): {G.edges_text(i)}. "
                f"Give a path of minimum total weight from {i['s']} to {i['t']}, listing its vertices in order from "
                f"{i['s']} to {i['t']}. {_LIST}")

    def valid(self, path: list[int], i: dict[str, Any]) -> bool:
        if not path or path[0] != i["s"] or path[-1] != i["t"] or not _walk_ok(i, path):
            return False
        adj = G.adjacency(i)
        return sum(adj[a][b] for a, b in zip(path, path[1:], strict=False)) == G.dijkstra(i, i["s"])[i["t"]]

    def reference(self, i: dict[str, Any]) -> list[int]:
        dist, adj = G.dijkstra(i, i["t"]), G.adjacency(i)
        path = [i["s"]]
        while path[-1] != i["t"]:
            u = path[-1]
            path.append(next(v for v in sorted(adj[u]) if dist[v] + adj[u][v] == dist[u]))
        return path


class TopologicalOrder(GraphAnswer):
    description = "Give any topological order of a DAG."

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        return G.random_dag(rng, n, 0.35)

    def question(self, i: dict[str, Any]) -> str:
        return (f"A directed acyclic graph has vertices 0..{i['n'] - 1} and edges: {G.edges_text(i, True, False)}. "
                f"Give a topological order (every edge u->v has u before v) of all vertices. {_LIST}")

    def valid(self, order: list[int], i: dict[str, Any]) -> bool:
        return G.topo_ok(i, order)

    def reference(self, i: dict[str, Any]) -> list[int]:
        return G.topo_order(i)

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        out = super().perturb(answer, identity)
        if identity["edges"]:
            v = str(identity["edges"][0][1])
            out.append(" ".join([v] + [x for x in answer.split() if x != v]))
        return out


class Coloring(GraphAnswer):
    description = "Colour a graph with k colours."
    default_params: dict[str, Any] = {"min_n": 8, "max_n": 12, "k": 3, "scale": 1.0}

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        k = self.params["k"]
        edges: list[list[int]] = []
        while not edges:
            colors = [rng.randrange(k) for _ in range(n)]
            edges = [[u, v, 1] for u in range(n) for v in range(u + 1, n) if colors[u] != colors[v] and rng.random() < 0.45]
        return {"n": n, "k": k, "edges": edges, "colors": [c + 1 for c in colors]}

    def question(self, i: dict[str, Any]) -> str:
        return (f"An undirected graph has vertices 0..{i['n'] - 1} and edges: {G.edges_text(i, weighted=False)}. "
                f"Colour the vertices with colours 1..{i['k']} so that adjacent vertices differ. Answer with the colour "
                f"of vertex 0, 1, ..., {i['n'] - 1} in order, separated by spaces, inside <answer></answer>.")

    def valid(self, colors: list[int], i: dict[str, Any]) -> bool:
        return (len(colors) == i["n"] and all(1 <= c <= i["k"] for c in colors)
                and G.is_proper_coloring(i, colors))

    def reference(self, i: dict[str, Any]) -> list[int]:
        return i["colors"]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        u, v, _ = identity["edges"][0]
        cols = answer.split()
        cols[u] = cols[v]
        return [" ".join(cols), " ".join(["1"] * identity["n"])]


class Bipartition(GraphAnswer):
    description = "Split a bipartite graph into its two sides."
    min_vertices = 7

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        edges: list[list[int]] = []
        while not edges:
            side = [0] + [rng.randrange(2) for _ in range(n - 1)]
            edges = [[u, v, 1] for u in range(n) for v in range(u + 1, n) if side[u] != side[v] and rng.random() < 0.4]
        return {"n": n, "edges": edges}

    def question(self, i: dict[str, Any]) -> str:
        return (f"The undirected graph with vertices 0..{i['n'] - 1} and edges {G.edges_text(i, weighted=False)} is "
                "bipartite. Give the vertices of the side that contains vertex 0 (so that no edge joins two vertices "
                f"of the same side). {_LIST}")

    def valid(self, items: list[int], i: dict[str, Any]) -> bool:
        side = set(items)
        if 0 not in side or len(side) != len(items):
            return False
        return all((u in side) != (v in side) for u, v, _ in i["edges"])

    def reference(self, i: dict[str, Any]) -> list[int]:
        sides = G.bipartite_sides(i) or []
        return [v for v in range(i["n"]) if sides[v] == sides[0]]

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        items = answer.split()
        u, v, _ = identity["edges"][0]
        extra = str(v) if str(u) in items else str(u)
        return [" ".join(items + [extra]), " ".join(str(x) for x in range(identity["n"]))]


class EulerPath(GraphAnswer):
    version = 3

    description = "Give an Euler trail of a graph."
    # Five to seven vertices posed too few distinct graphs: the trails saturated the small complete graphs.
    default_params: dict[str, Any] = {"min_n": 7, "max_n": 9, "scale": 1.0}

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        used: set[tuple[int, int]] = set()
        walk = [rng.randrange(n)]
        for _ in range(rng.randint(n + 2, 2 * n + 2)):
            options = [v for v in range(n) if v != walk[-1] and (min(v, walk[-1]), max(v, walk[-1])) not in used]
            if not options:
                break
            v = rng.choice(options)
            used.add((min(v, walk[-1]), max(v, walk[-1])))
            walk.append(v)
        return {"n": n, "edges": [[u, v, 1] for u, v in sorted(used)], "trail": walk}

    def question(self, i: dict[str, Any]) -> str:
        return (f"An undirected graph has vertices 0..{i['n'] - 1} and edges: {G.edges_text(i, weighted=False)}. "
                f"Give an Euler trail: a walk that uses every edge exactly once, as the sequence of vertices it visits. "
                f"{_LIST}")

    def valid(self, walk: list[int], i: dict[str, Any]) -> bool:
        used = sorted(sorted(p) for p in zip(walk, walk[1:], strict=False))
        return used == sorted([u, v] for u, v, _ in i["edges"])

    def reference(self, i: dict[str, Any]) -> list[int]:
        return i["trail"]


class HamiltonPath(GraphAnswer):
    description = "Give a Hamiltonian path of a graph."

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        path = rng.sample(range(n), n)
        edges = {(min(a, b), max(a, b)) for a, b in zip(path, path[1:], strict=False)}
        edges |= {(u, v) for u in range(n) for v in range(u + 1, n) if rng.random() < 0.15}
        return {"n": n, "edges": [[u, v, 1] for u, v in sorted(edges)], "path": path}

    def question(self, i: dict[str, Any]) -> str:
        return (f"An undirected graph has vertices 0..{i['n'] - 1} and edges: {G.edges_text(i, weighted=False)}. "
                f"Give a Hamiltonian path: an order of all vertices, each exactly once, in which consecutive vertices "
                f"are adjacent. {_LIST}")

    def valid(self, path: list[int], i: dict[str, Any]) -> bool:
        return sorted(path) == list(range(i["n"])) and _walk_ok(i, path)

    def reference(self, i: dict[str, Any]) -> list[int]:
        return i["path"]


class VertexSet(GraphAnswer):
    """Optimal vertex sets by brute force on small graphs: independent set, clique, vertex cover, dominating set."""

    description = "Find an optimal vertex set of a small graph."
    min_vertices = 7
    default_params: dict[str, Any] = {"min_n": 7, "max_n": 9, "kind": "independent", "scale": 1.0}

    def _ok(self, chosen: set[int], i: dict[str, Any], adj: list[dict[int, int]] | None = None) -> bool:
        adj = adj or G.adjacency(i)
        kind = self.params["kind"]
        if kind == "independent":
            return all(v not in adj[u] for u in chosen for v in chosen)
        if kind == "clique":
            return all(v in adj[u] for u in chosen for v in chosen if u != v)
        if kind == "cover":
            return all(u in chosen or v in chosen for u, v, _ in i["edges"])
        return all(u in chosen or chosen & set(adj[u]) for u in range(i["n"]))

    def _best(self, i: dict[str, Any]) -> list[int]:
        sizes = range(i["n"] + 1) if self.params["kind"] in ("cover", "dominating") else range(i["n"], -1, -1)
        adj = G.adjacency(i)  # once: the search tries thousands of sets on the larger levels
        for k in sizes:
            for combo in itertools.combinations(range(i["n"]), k):
                if self._ok(set(combo), i, adj):
                    return list(combo)
        return []

    def make(self, rng: random.Random, n: int) -> dict[str, Any]:
        g = G.random_graph(rng, n, 0.35, weighted=False)
        best = self._best(g)
        return {**g, "size": len(best), "best": best}

    def question(self, i: dict[str, Any]) -> str:
        what = {"independent": "a maximum independent set (no two chosen vertices adjacent)",
                "clique": "a maximum clique (every two chosen vertices adjacent)",
                "cover": "a minimum vertex cover (every edge has a chosen endpoint)",
                "dominating": "a minimum dominating set (every vertex is chosen or adjacent to a chosen one)"}
        return (f"An undirected graph has vertices 0..{i['n'] - 1} and edges: {G.edges_text(i, weighted=False)}. "
                f"Find {what[self.params['kind']]}. {_LIST}")

    def valid(self, items: list[int], i: dict[str, Any]) -> bool:
        chosen = set(items)
        return len(chosen) == len(items) == i["size"] and all(v < i["n"] for v in items) and self._ok(chosen, i)

    def reference(self, i: dict[str, Any]) -> list[int]:
        return i["best"]


def register(registry: Any) -> None:
    registry.register(ShortestRoute, "logic/shortest_path_route", {}, "Give a minimum-weight path in a graph.")
    registry.register(TopologicalOrder, "logic/topological_order", {}, "Give any topological order of a DAG.")
    registry.register(Coloring, "logic/graph_coloring", {}, "Colour a graph with 3 colours.")
    registry.register(Coloring, "logic/graph_coloring_4", {"k": 4, "min_n": 10, "max_n": 14},
                      "Colour a denser graph with 4 colours.")
    registry.register(Bipartition, "logic/bipartition", {}, "Give one side of a bipartite graph.")
    registry.register(EulerPath, "logic/euler_path", {}, "Give an Euler trail of a graph.")
    registry.register(HamiltonPath, "logic/hamiltonian_path", {}, "Give a Hamiltonian path of a graph.")
    for kind, name in (("independent", "max_independent_set"), ("clique", "max_clique"),
                       ("cover", "min_vertex_cover"), ("dominating", "min_dominating_set")):
        registry.register(VertexSet, f"logic/{name}", {"kind": kind}, f"Find a {name.replace('_', ' ')} of a small graph.")
