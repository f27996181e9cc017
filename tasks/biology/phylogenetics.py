"""Small phylogenetics: UPGMA, Fitch parsimony, Jukes-Cantor distance, counting tree topologies."""

from __future__ import annotations

import math
import random
import re
from typing import Any

from bootcamp import Score, Task, invalid
from bootcamp.answers import IntegerTask, Number
from tasks.biology._seq import random_dna
from tasks.biology.strings import mutate

_TAXA = "ABCDEFGH"
MAX_NEWICK_CHARS = 400

Tree = Any  # a leaf name (str) or a two-element list of subtrees


def upgma(names: list[str], dist: list[list[float]]) -> tuple[Tree, float, bool]:
    """UPGMA tree, root height, and whether every merge was a unique minimum."""
    clusters = {i: (names[i], 1) for i in range(len(names))}
    d = {(i, j): dist[i][j] for i in range(len(names)) for j in range(i + 1, len(names))}
    unique, nxt, height = True, len(names), 0.0
    while len(clusters) > 1:
        ranked = sorted(d.items(), key=lambda kv: kv[1])
        (i, j), best = ranked[0]
        if len(ranked) > 1 and ranked[1][1] - best < 1e-6:
            unique = False
        (ti, ni), (tj, nj) = clusters.pop(i), clusters.pop(j)
        height = best / 2
        new = {}
        for k in clusters:
            dik = d[(min(i, k), max(i, k))]
            djk = d[(min(j, k), max(j, k))]
            new[(k, nxt)] = (dik * ni + djk * nj) / (ni + nj)
        d = {key: v for key, v in d.items() if i not in key and j not in key}
        d.update(new)
        clusters[nxt] = ([ti, tj], ni + nj)
        nxt += 1
    return next(iter(clusters.values()))[0], height, unique


def clades(tree: Tree) -> set[frozenset[str]]:
    """Every clade (leaf set) of a rooted tree, leaves included."""
    out: set[frozenset[str]] = set()

    def walk(t: Tree) -> frozenset[str]:
        s = frozenset([t]) if isinstance(t, str) else frozenset().union(*(walk(c) for c in t))
        out.add(s)
        return s

    walk(tree)
    return out


def newick(tree: Tree) -> str:
    """Newick text of a tree (no branch lengths)."""
    def text(t: Tree) -> str:
        return t if isinstance(t, str) else "(" + ",".join(text(c) for c in t) + ")"
    return text(tree) + ";"


def parse_newick(text: str) -> Tree | None:
    """A small bounded Newick parser; branch lengths and support values are ignored."""
    if not isinstance(text, str) or len(text) > MAX_NEWICK_CHARS:
        return None
    t = re.sub(r":\s*[-+0-9.eE]+", "", text.strip().strip("$").replace("\\", "")).replace(" ", "").rstrip(";")
    if not t or not re.fullmatch(r"[A-Za-z0-9_(),]+", t) or t.count("(") > 30:
        return None
    pos = 0

    def node(depth: int) -> Tree | None:
        nonlocal pos
        if depth > 30:
            return None
        if pos < len(t) and t[pos] == "(":
            pos += 1
            kids = []
            while True:
                kid = node(depth + 1)
                if kid is None:
                    return None
                kids.append(kid)
                if pos < len(t) and t[pos] == ",":
                    pos += 1
                    continue
                break
            if pos >= len(t) or t[pos] != ")":
                return None
            pos += 1
            while pos < len(t) and re.match(r"[A-Za-z0-9_]", t[pos]):  # internal label: ignore
                pos += 1
            return kids
        m = re.compile(r"[A-Za-z0-9_]+").match(t, pos)
        if m is None:
            return None
        pos = m.end()
        return m.group(0)

    tree = node(0)
    return tree if tree is not None and pos == len(t) else None


def _matrix_text(names: list[str], dist: list[list[float]]) -> str:
    rows = ["   " + " ".join(f"{n:>3}" for n in names)]
    for n, row in zip(names, dist, strict=False):
        rows.append(f"{n:>3}" + " ".join(f"{x:>3g}" for x in row))
    return "\n".join(rows)


class Upgma(Task):
    """UPGMA on a distance matrix; ``answer`` is 'tree' (topology) or 'height' (root height)."""

    description = "UPGMA clustering of a distance matrix."
    default_params = {"answer": "tree", "taxa": 5}
    levels = ({"taxa": 4}, {"taxa": 5}, {"taxa": 6}, {"taxa": 7}, {"taxa": 8})
    default_level = 2

    def complexity(self, identity: dict[str, Any]) -> float:
        """Distances the merges read (the matrix's upper triangle)."""
        n = len(identity["names"])
        return float(n * (n - 1) // 2)

    def generate(self, rng: random.Random) -> dict[str, Any]:
        n = self.params["taxa"]
        names = list(_TAXA[:n])
        while True:
            dist = [[0] * n for _ in range(n)]
            for i in range(n):
                for j in range(i + 1, n):
                    dist[i][j] = dist[j][i] = rng.randint(2, 30)
            if upgma(names, dist)[2]:
                return {"names": names, "dist": dist}

    def prompt(self, identity: dict[str, Any]) -> str:
        m = _matrix_text(identity["names"], identity["dist"])
        if self.params["answer"] == "tree":
            ask = ("Give the rooted UPGMA tree topology in Newick format without branch lengths, e.g. "
                   "\\boxed{((A,B),(C,(D,E)));}")
        else:
            ask = "What is the height of the root (half the distance at the final merge)? Give a number within 0.01 in \\boxed{}."
        return f"Cluster these taxa with UPGMA (average linkage) using the distance matrix\n{m}\n{ask}"

    @property
    def version(self) -> int:  # type: ignore[override]
        """3 for the root height (the SDK's number rule, then levels), 2 for the tree (levels)."""
        return 3 if self.params["answer"] == "height" else 2

    def _run(self, identity: dict[str, Any]) -> tuple[Tree, float, bool]:
        return upgma(identity["names"], identity["dist"])

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        tree, height, _ = self._run(identity)
        if self.params["answer"] == "height":
            return Number(0.0, 0.01).check(answer, height)
        got = parse_newick(answer)
        if got is None:
            return invalid("not a Newick tree")
        return 1.0 if clades(got) == clades(tree) else Score(0.0)

    def solve(self, identity: dict[str, Any]) -> str:
        tree, height, _ = self._run(identity)
        return newick(tree) if self.params["answer"] == "tree" else f"{height:g}"

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        if self.params["answer"] == "height":
            h = self._run(identity)[1]
            return [f"{h * 2:g}", f"{h + 0.5:g}", f"{h - 0.25:g}"]
        names, want = identity["names"], clades(self._run(identity)[0])
        out = ["(" + ",".join(names) + ");"]
        for x in names:  # swap two leaves so that the topology really changes
            for y in names:
                swapped = answer.replace(x, "#").replace(y, x).replace("#", y)
                if x < y and clades(parse_newick(swapped)) != want and len(out) < 4:
                    out.append(swapped)
        return out


def random_tree(rng: random.Random, leaves: list[str]) -> Tree:
    """A random rooted binary tree over ``leaves``."""
    nodes: list[Tree] = list(leaves)
    while len(nodes) > 1:
        a = nodes.pop(rng.randrange(len(nodes)))
        b = nodes.pop(rng.randrange(len(nodes)))
        nodes.append([a, b])
    return nodes[0]


def fitch_score(tree: Tree, seqs: dict[str, str]) -> int:
    """Minimum number of substitutions on ``tree`` (Fitch's algorithm, summed over sites)."""
    total = 0

    def walk(t: Tree, site: int) -> set[str]:
        nonlocal total
        if isinstance(t, str):
            return {seqs[t][site]}
        a, b = walk(t[0], site), walk(t[1], site)
        if a & b:
            return a & b
        total += 1
        return a | b

    for site in range(len(next(iter(seqs.values())))):
        walk(tree, site)
    return total


class FitchParsimony(IntegerTask):
    version = 3
    description = "Small-parsimony score of aligned sequences on a given tree (Fitch)."
    default_params = {"taxa": 6, "length": 8}
    levels = ({"taxa": 4, "length": 5}, {"taxa": 5, "length": 6}, {"taxa": 6, "length": 8},
              {"taxa": 7, "length": 10}, {"taxa": 8, "length": 12})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Node-site sets to compute (leaves times sites)."""
        seqs = identity["sequences"]
        return float(len(seqs) * len(next(iter(seqs.values()))))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        names = list(_TAXA[:self.params["taxa"]])
        base = random_dna(rng, self.params["length"])
        seqs = {n: mutate(rng, base, rng.randint(1, 4)) for n in names}
        return {"tree": newick(random_tree(rng, names)), "sequences": seqs}

    def prompt(self, identity: dict[str, Any]) -> str:
        rows = "\n".join(f"{k}: {v}" for k, v in identity["sequences"].items())
        return (f"On the rooted tree {identity['tree']}, with these aligned sequences at the leaves:\n{rows}\nwhat is "
                "the minimum total number of substitutions (small parsimony, all changes cost 1)? Give an integer "
                "in \\boxed{}.")

    def value(self, identity: dict[str, Any]) -> int:
        """The parsimony score."""
        return fitch_score(parse_newick(identity["tree"]), identity["sequences"])



class JukesCantor(Task):
    version = 3
    description = "Jukes-Cantor corrected distance between two aligned sequences."
    default_params = {"length": 60}
    levels = ({"length": 30}, {"length": 45}, {"length": 60}, {"length": 90}, {"length": 120})
    default_level = 3

    def complexity(self, identity: dict[str, Any]) -> float:
        """Sites to compare."""
        return float(len(identity["a"]))

    def generate(self, rng: random.Random) -> dict[str, Any]:
        a = random_dna(rng, self.params["length"])
        return {"a": a, "b": mutate(rng, a, rng.randint(2, self.params["length"] // 3))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Two aligned sequences are\n{identity['a']}\n{identity['b']}\nWith p the proportion of differing "
                "sites, what is the Jukes-Cantor distance d = -(3/4) ln(1 - 4p/3)? Give a number within 0.5% "
                "(relative) in \\boxed{}.")

    def value(self, identity: dict[str, Any]) -> float:
        """The corrected distance."""
        a, b = identity["a"], identity["b"]
        p = sum(x != y for x, y in zip(a, b, strict=False)) / len(a)
        return -0.75 * math.log(1 - 4 * p / 3)

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        return Number(0.005).check(answer, self.value(identity))

    def solve(self, identity: dict[str, Any]) -> str:
        return f"{self.value(identity):.5f}"


class TreeCount(IntegerTask):
    """Finite by nature (one problem per number of taxa): each level is a window of 8 taxon counts."""

    version = 3
    description = "Number of distinct labelled binary tree topologies."
    default_params = {"rooted": False, "min_taxa": 4}
    levels = ({"min_taxa": 4}, {"min_taxa": 8}, {"min_taxa": 12}, {"min_taxa": 16}, {"min_taxa": 20})
    default_level = 1
    space_size = 8

    def complexity(self, identity: dict[str, Any]) -> float:
        """Factors of the double factorial."""
        return float(identity["n"])

    def generate(self, rng: random.Random) -> dict[str, Any]:
        lo = self.params["min_taxa"]
        return {"n": rng.randint(lo, lo + self.space_size - 1)}

    def prompt(self, identity: dict[str, Any]) -> str:
        kind = "rooted" if self.params["rooted"] else "unrooted"
        return (f"How many distinct {kind} binary (fully resolved) tree topologies are there for {identity['n']} "
                "labelled taxa? Give the exact integer in \\boxed{}.")

    def value(self, identity: dict[str, Any]) -> int:
        """(2n-3)!! rooted, (2n-5)!! unrooted."""
        top = 2 * identity["n"] - (3 if self.params["rooted"] else 5)
        return math.prod(range(top, 0, -2))



def register(registry: Any) -> None:
    registry.register(Upgma, "biology/upgma_tree", {"answer": "tree"}, "UPGMA tree topology from a distance matrix.")
    registry.register(Upgma, "biology/upgma_root_height", {"answer": "height"}, "UPGMA root height.")
    registry.register(FitchParsimony, "biology/fitch_parsimony_score")
    registry.register(JukesCantor, "biology/jukes_cantor_distance")
    registry.register(TreeCount, "biology/unrooted_tree_count", {"rooted": False}, "Number of unrooted binary trees.")
    registry.register(TreeCount, "biology/rooted_tree_count", {"rooted": True}, "Number of rooted binary trees.")
