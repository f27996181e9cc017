"""Linear algebra: determinants, inverses, rank, eigenvalues, products, systems, null spaces.

Levels grow the matrices (more rows and columns, wider entries): more arithmetic per problem.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from bootcamp import Score, invalid
from bootcamp.verifiers.math_equiv import equivalent, is_scalar, parse_math, to_text
from tasks.math._common import SymTask, register_kinds


def rmat(rng: random.Random, r: int, c: int, lo: int = -5, hi: int = 5) -> sp.Matrix:
    return sp.Matrix(r, c, lambda i, j: rng.randint(lo, hi))


def _size(rng: random.Random, level: int) -> int:
    """2 or 3 at level 1, then 3, 3-4, 4, 4-5."""
    return rng.choice(([2, 3], [3], [3, 4], [4], [4, 5])[min(level, 5) - 1])


def _bound(level: int, base: int) -> int:
    """Entry bound: ``base`` at level 1, wider every level."""
    return base + 2 * (level - 1)


def _mtex(m: sp.Matrix) -> str:
    return "$" + sp.latex(m) + "$"


def determinant(rng: random.Random, level: int) -> tuple[str, Any]:
    s = _size(rng, level)
    m = rmat(rng, s, s, -_bound(level, 5), _bound(level, 5))
    return f"Compute the determinant of {_mtex(m)}.", m.det()


def inverse(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice(([2, 3], [3], [3], [3, 4], [4])[min(level, 5) - 1])
    b = 4 + (level - 1) // 2
    while True:
        m = rmat(rng, s, s, -b, b)
        if m.det() != 0:
            break
    return (f"Find the inverse of {_mtex(m)}. Write the matrix as a list of rows, e.g. [[a, b], [c, d]], "
            "or in LaTeX pmatrix form."), m.inv()


def _of_rank(rng: random.Random, rows: int, cols: int, r: int, b: int) -> sp.Matrix:
    """A rows x cols matrix of rank exactly ``r`` (a product of random factors, redrawn until it has it)."""
    while True:
        m = rmat(rng, rows, r, -b, b) * rmat(rng, r, cols, -b, b)
        if m.rank() == r:
            return m


def rank(rng: random.Random, level: int) -> tuple[str, Any]:
    # the rank is drawn first, uniformly, so no single answer dominates; levels: higher ranks, bigger
    # matrices, wider factor entries
    top, extra, bd = ((6, 1, 2), (6, 1, 3), (7, 2, 3), (7, 2, 4), (8, 3, 4))[min(level, 5) - 1]
    r = rng.randint(1, top)
    lo = max(r, 3)
    m = _of_rank(rng, rng.randint(lo, lo + extra), rng.randint(lo, lo + extra), r, bd)
    return f"Find the rank of {_mtex(m)}.", sp.Integer(r)


def nullity(rng: random.Random, level: int) -> tuple[str, Any]:
    top, rtop, bd = ((6, 2, 3), (6, 3, 3), (7, 3, 4), (7, 4, 4), (8, 5, 5))[min(level, 5) - 1]
    null, r = rng.randint(1, top), rng.randint(1, rtop)
    m = _of_rank(rng, rng.randint(max(r, 2), r + 1), r + null, r, bd)
    return (f"Find the dimension of the null space of the {m.rows}x{m.cols} matrix {_mtex(m)}.",
            sp.Integer(m.cols - m.rank()))


def trace(rng: random.Random, level: int) -> tuple[str, Any]:
    s, bd = min(2 + level, 5) if level > 1 else 3, _bound(level, 4)
    a, b = rmat(rng, s, s, -bd, bd), rmat(rng, s, s, -bd, bd)
    return f"Let $A = {sp.latex(a)}$ and $B = {sp.latex(b)}$. Compute $\\operatorname{{tr}}(AB)$.", (a * b).trace()


def product(rng: random.Random, level: int) -> tuple[str, Any]:
    p, q, r = (rng.randint(2, 3 + (level - 1) // 2) for _ in range(3))
    bd = _bound(level, 5)
    a, b = rmat(rng, p, q, -bd, bd), rmat(rng, q, r, -bd, bd)
    return (f"Compute the matrix product $AB$ where $A = {sp.latex(a)}$ and $B = {sp.latex(b)}$. "
            "Write the matrix as a list of rows [[...], ...] or in pmatrix form."), a * b


def power(rng: random.Random, level: int) -> tuple[str, Any]:
    s, bd, lo, hi = ((2, 5, 3, 5), (2, 6, 4, 6), (3, 3, 3, 4), (3, 3, 4, 6), (3, 4, 5, 8))[min(level, 5) - 1]
    a, e = rmat(rng, s, s, -bd, bd), rng.randint(lo, hi)
    return f"Compute $A^{{{e}}}$ for $A = {sp.latex(a)}$, as a list of rows or a pmatrix.", a**e


def matvec(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice([2, 3]) if level == 1 else level + 1
    bd = _bound(level, 5)
    a, v = rmat(rng, s, s, -bd, bd), rmat(rng, s, 1, -bd, bd)
    return (f"Compute $A\\mathbf{{v}}$ for $A = {sp.latex(a)}$ and $\\mathbf{{v}} = {sp.latex(v)}$, as a tuple.",
            sp.Tuple(*(a * v)))


def _unimodular(rng: random.Random, s: int) -> sp.Matrix:
    """An integer matrix with determinant +-1 (so its inverse is an integer matrix too): drawn at random for
    sizes up to 3, built from row additions for bigger ones (a random 4x4 or 5x5 is almost never unimodular)."""
    if s <= 3:
        while True:
            p = rmat(rng, s, s, -2, 2)
            if abs(p.det()) == 1:
                return p
    while True:
        p = sp.eye(s)
        for _ in range(2 * s):
            i, j = rng.sample(range(s), 2)
            p[i, :] = p[i, :] + rng.choice([-1, 1]) * p[j, :]
        if max(abs(e) for e in p) <= 3:
            return p


def eigenvalues(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice(([2, 3], [3], [3, 4], [4], [4, 5])[min(level, 5) - 1])
    while True:  # a diagonal matrix (e.g. from a scalar d) would give the eigenvalues away
        d = sp.diag(*[rng.randint(-9 - level, 9 + level) for _ in range(s)])
        p = _unimodular(rng, s)
        m = p * d * p.inv()
        if not m.is_diagonal():
            break
    ev = sorted(d[i, i] for i in range(s))
    return (f"Find all eigenvalues of {_mtex(m)}, listed with multiplicity in increasing order as a "
            "tuple $(\\lambda_1, \\lambda_2, \\dots)$."), sp.Tuple(*ev)


def char_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    if level == 1:
        m = rmat(rng, 2, 2, -5, 5) if rng.random() < 0.5 else rmat(rng, 3, 3, -3, 3)
    else:
        s = (3, 3, 4, 4)[level - 2]
        m = rmat(rng, s, s, -_bound(level - 1, 3), _bound(level - 1, 3))
    lam = sp.Symbol("lambda")
    return (f"Find the characteristic polynomial $\\det(\\lambda I - A)$ of $A = {sp.latex(m)}$, "
            "in the variable $\\lambda$."), m.charpoly(lam).as_expr()


def solve_axb(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice([2, 3]) if level == 1 else (3, 3, 4, 4)[level - 2]
    bd = 4 + (level - 1) // 2
    while True:
        a = rmat(rng, s, s, -bd, bd)
        if a.det() != 0:
            break
    sol = rmat(rng, s, 1, -5 * level, 5 * level)
    b = a * sol
    return (f"Solve $A\\mathbf{{x}} = \\mathbf{{b}}$ for $A = {sp.latex(a)}$, $\\mathbf{{b}} = {sp.latex(b)}$. "
            "Give $\\mathbf{x}$ as a tuple."), sp.Tuple(*sol)


def cofactor(rng: random.Random, level: int) -> tuple[str, Any]:
    s = (3, 3, 4, 4, 5)[min(level, 5) - 1]
    bd = _bound(level, 5)
    m = rmat(rng, s, s, -bd, bd)
    i, j = rng.randint(1, s), rng.randint(1, s)
    return (f"Compute the cofactor $C_{{{i}{j}}}$ of {_mtex(m)} (signed minor of row {i}, column {j}).",
            m.cofactor(i - 1, j - 1))


def adjugate(rng: random.Random, level: int) -> tuple[str, Any]:
    s = 3 if level <= 3 else 4
    bd = (4, 6, 9, 3, 5)[min(level, 5) - 1]
    m = rmat(rng, s, s, -bd, bd)
    return f"Compute the adjugate (classical adjoint) of {_mtex(m)}, as a list of rows.", m.adjugate()


def transpose_product(rng: random.Random, level: int) -> tuple[str, Any]:
    bd = _bound(level, 4)
    a = rmat(rng, rng.randint(2, 2 + (level + 1) // 2), rng.randint(2, 2 + (level + 1) // 2), -bd, bd)
    return f"Compute $A^T A$ for $A = {sp.latex(a)}$, as a list of rows.", a.T * a


KINDS = {f.__name__: f for f in (determinant, inverse, rank, nullity, trace, product, power, matvec, eigenvalues,
                                 char_poly, solve_axb, cofactor, adjugate, transpose_product)}


class LinearAlgebra(SymTask):
    """Matrix questions with exact answers checked elementwise by equivalence."""
    #: Generators whose problems do not yet get strictly harder level by level.
    unleveled_kinds = frozenset({"product"})

    #: 4: levels (bigger matrices and entries); rank and nullity drawn uniformly first.
    version = 4
    kinds = KINDS


class Eigenvector(SymTask):
    """An eigenvector for a given eigenvalue: any non-zero v with Av = lambda v scores.

    Levels: 2x2 matrices at levels 1-2 (wider eigenvalues at 2), 3x3 from level 3, wider entries after.
    """

    #: 2: levels (3x3 matrices from level 3).
    version = 2
    default_params = {"level": 1}
    kinds = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        level = self.params["level"]
        s = 2 if level <= 2 else 3
        spread = (7, 15, 4, 6, 9)[min(level, 5) - 1]
        if s == 2:
            while True:
                p = rmat(rng, s, s, -3, 3)
                if abs(p.det()) == 1:
                    break
        else:
            p = _unimodular(rng, s)
        eig = rng.sample(range(-spread, spread + 1), s)
        a = p * sp.diag(*eig) * p.inv()
        return {"matrix": to_text(a), "latex": sp.latex(a), "eigenvalue": eig[0], "answer": to_text(tuple(p[:, 0]))}

    def complexity(self, identity: dict[str, Any]) -> float:
        """Entries of the matrix (rows of the linear system to solve) weighted by their digits."""
        m = parse_math(identity["matrix"])
        return float(sum(len(str(abs(int(e)))) + 1 for e in m))

    def prompt(self, identity: dict[str, Any]) -> str:
        size = parse_math(identity["matrix"]).rows
        coords = ", ".join(f"v_{i + 1}" for i in range(size))
        return (f"Find an eigenvector of $A = {identity['latex']}$ for the eigenvalue {identity['eigenvalue']}. "
                f"Give it as a tuple $({coords})$ in \\boxed{{}}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        v = parse_math(answer)
        if isinstance(v, sp.MatrixBase) and 1 in v.shape:
            v = sp.Tuple(*v)
        if not isinstance(v, sp.Tuple) or not all(is_scalar(e) for e in v):
            return invalid("not a vector")
        matrix = parse_math(identity["matrix"])
        if len(v) != matrix.rows or any(e.free_symbols for e in v) or all(equivalent(e, sp.Integer(0)) for e in v):
            return Score(0.0, "wrong")
        vec = sp.Matrix(list(v))
        residual = matrix * vec - identity["eigenvalue"] * vec
        return 1.0 if all(equivalent(r, sp.Integer(0)) for r in residual) else Score(0.0, "wrong")

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = parse_math(answer)
        items = list(v)
        zero = "(" + ", ".join("0" for _ in items) + ")"
        wrong = [to_text(tuple([items[0] + 1] + items[1:])), to_text(tuple(items[:-1] + [items[-1] + 1])),
                 to_text(tuple([items[0] + 1] + items[1:-1] + [items[-1] - 1])), zero]
        return [w for w in wrong if self.check(w, identity) < 1.0]


TABLE = [
    ("math/matrix_determinant", "determinant", "Determinant of an integer matrix."),
    ("math/matrix_inverse", "inverse", "Inverse of an invertible integer matrix."),
    ("math/matrix_rank", "rank", "Rank of a matrix built with a chosen rank."),
    ("math/null_space_dimension", "nullity", "Dimension of the null space (rank-nullity)."),
    ("math/trace_of_product", "trace", "Trace of a product of matrices."),
    ("math/matrix_product", "product", "Product of two matrices."),
    ("math/matrix_power", "power", "Integer power of a 2x2 matrix."),
    ("math/matrix_vector_product", "matvec", "Matrix-vector product."),
    ("math/eigenvalues", "eigenvalues", "Eigenvalues with multiplicity of a diagonalizable matrix."),
    ("math/characteristic_polynomial", "char_poly", "Characteristic polynomial of a matrix."),
    ("math/solve_ax_b", "solve_axb", "Solve Ax = b."),
    ("math/matrix_cofactor", "cofactor", "A cofactor of a 3x3 matrix."),
    ("math/matrix_adjugate", "adjugate", "Adjugate of a 3x3 matrix."),
    ("math/gram_matrix", "transpose_product", "The Gram matrix A^T A."),
]


def register(registry: Any) -> None:
    register_kinds(registry, LinearAlgebra, TABLE)
    registry.register(Eigenvector, "math/eigenvector", {}, "An eigenvector for a given eigenvalue (checked by Av = lv).")
