"""Linear algebra: determinants, inverses, rank, eigenvalues, products, systems, null spaces."""

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
    return rng.choice([2, 3] if level <= 1 else [3, 4])


def _mtex(m: sp.Matrix) -> str:
    return "$" + sp.latex(m) + "$"


def determinant(rng: random.Random, level: int) -> tuple[str, Any]:
    s = _size(rng, level)
    m = rmat(rng, s, s)
    return f"Compute the determinant of {_mtex(m)}.", m.det()


def inverse(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice([2, 3])
    while True:
        m = rmat(rng, s, s, -4, 4)
        if m.det() != 0:
            break
    return (f"Find the inverse of {_mtex(m)}. Write the matrix as a list of rows, e.g. [[a, b], [c, d]], "
            "or in LaTeX pmatrix form."), m.inv()


def rank(rng: random.Random, level: int) -> tuple[str, Any]:
    r = rng.randint(1, 3)
    a, b = rmat(rng, 4, r, -3, 3), rmat(rng, r, 4, -3, 3)
    m = a * b
    return f"Find the rank of {_mtex(m)}.", sp.Integer(m.rank())


def nullity(rng: random.Random, level: int) -> tuple[str, Any]:
    r = rng.randint(1, 3)
    cols = rng.randint(r + 1, 5)
    m = rmat(rng, 3, r, -3, 3) * rmat(rng, r, cols, -3, 3)
    return (f"Find the dimension of the null space of the {m.rows}x{m.cols} matrix {_mtex(m)}.",
            sp.Integer(m.cols - m.rank()))


def trace(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rmat(rng, 3, 3, -4, 4), rmat(rng, 3, 3, -4, 4)
    return f"Let $A = {sp.latex(a)}$ and $B = {sp.latex(b)}$. Compute $\\operatorname{{tr}}(AB)$.", (a * b).trace()


def product(rng: random.Random, level: int) -> tuple[str, Any]:
    p, q, r = rng.randint(2, 3), rng.randint(2, 3), rng.randint(2, 3)
    a, b = rmat(rng, p, q), rmat(rng, q, r)
    return (f"Compute the matrix product $AB$ where $A = {sp.latex(a)}$ and $B = {sp.latex(b)}$. "
            "Write the matrix as a list of rows [[...], ...] or in pmatrix form."), a * b


def power(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rmat(rng, 2, 2, -3, 3)
    e = rng.randint(3, 5)
    return f"Compute $A^{{{e}}}$ for $A = {sp.latex(a)}$, as a list of rows or a pmatrix.", a**e


def matvec(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice([2, 3])
    a, v = rmat(rng, s, s), rmat(rng, s, 1)
    return (f"Compute $A\\mathbf{{v}}$ for $A = {sp.latex(a)}$ and $\\mathbf{{v}} = {sp.latex(v)}$, as a tuple.",
            sp.Tuple(*(a * v)))


def eigenvalues(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice([2, 3])
    d = sp.diag(*[rng.randint(-5, 5) for _ in range(s)])
    while True:
        p = rmat(rng, s, s, -2, 2)
        if abs(p.det()) == 1:
            break
    m = p * d * p.inv()
    ev = sorted(d[i, i] for i in range(s))
    return (f"Find all eigenvalues of {_mtex(m)}, listed with multiplicity in increasing order as a "
            "tuple $(\\lambda_1, \\lambda_2, \\dots)$."), sp.Tuple(*ev)


def char_poly(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rmat(rng, 2, 2, -5, 5) if rng.random() < 0.5 else rmat(rng, 3, 3, -3, 3)
    lam = sp.Symbol("lambda")
    return (f"Find the characteristic polynomial $\\det(\\lambda I - A)$ of $A = {sp.latex(m)}$, "
            "in the variable $\\lambda$."), m.charpoly(lam).as_expr()


def solve_axb(rng: random.Random, level: int) -> tuple[str, Any]:
    s = rng.choice([2, 3])
    while True:
        a = rmat(rng, s, s, -4, 4)
        if a.det() != 0:
            break
    sol = rmat(rng, s, 1, -5, 5)
    b = a * sol
    return (f"Solve $A\\mathbf{{x}} = \\mathbf{{b}}$ for $A = {sp.latex(a)}$, $\\mathbf{{b}} = {sp.latex(b)}$. "
            "Give $\\mathbf{x}$ as a tuple."), sp.Tuple(*sol)


def cofactor(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rmat(rng, 3, 3)
    i, j = rng.randint(1, 3), rng.randint(1, 3)
    return (f"Compute the cofactor $C_{{{i}{j}}}$ of {_mtex(m)} (signed minor of row {i}, column {j}).",
            m.cofactor(i - 1, j - 1))


def adjugate(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rmat(rng, 3, 3, -4, 4)
    return f"Compute the adjugate (classical adjoint) of {_mtex(m)}, as a list of rows.", m.adjugate()


def transpose_product(rng: random.Random, level: int) -> tuple[str, Any]:
    a = rmat(rng, rng.randint(2, 3), rng.randint(2, 3), -4, 4)
    return f"Compute $A^T A$ for $A = {sp.latex(a)}$, as a list of rows.", a.T * a


KINDS = {f.__name__: f for f in (determinant, inverse, rank, nullity, trace, product, power, matvec, eigenvalues,
                                 char_poly, solve_axb, cofactor, adjugate, transpose_product)}


class LinearAlgebra(SymTask):
    """Matrix questions with exact answers checked elementwise by equivalence."""

    kinds = KINDS


class Eigenvector(SymTask):
    """An eigenvector for a given eigenvalue: any non-zero v with Av = lambda v scores."""

    default_params = {"level": 1}
    kinds = {}

    def generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            p = rmat(rng, 2, 2, -3, 3)
            if abs(p.det()) == 1:
                break
        l1, l2 = rng.sample(range(-5, 6), 2)
        a = p * sp.diag(l1, l2) * p.inv()
        return {"matrix": to_text(a), "latex": sp.latex(a), "eigenvalue": l1, "answer": to_text(tuple(p[:, 0]))}

    def prompt(self, identity: dict[str, Any]) -> str:
        return (f"Find an eigenvector of $A = {identity['latex']}$ for the eigenvalue {identity['eigenvalue']}. "
                "Give it as a tuple $(v_1, v_2)$ in \\boxed{}.")

    def check(self, answer: str, identity: dict[str, Any]) -> float:
        v = parse_math(answer)
        if isinstance(v, sp.MatrixBase) and 1 in v.shape:
            v = sp.Tuple(*v)
        if not isinstance(v, sp.Tuple) or not all(is_scalar(e) for e in v):
            return invalid("not a vector")
        if len(v) != 2 or any(e.free_symbols for e in v) or all(equivalent(e, sp.Integer(0)) for e in v):
            return Score(0.0, "wrong")
        vec = sp.Matrix(list(v))
        residual = parse_math(identity["matrix"]) * vec - identity["eigenvalue"] * vec
        return 1.0 if all(equivalent(r, sp.Integer(0)) for r in residual) else Score(0.0, "wrong")

    def perturb(self, answer: str, identity: dict[str, Any]) -> list[str]:
        v = parse_math(answer)
        wrong = [to_text((v[0] + 1, v[1])), to_text((v[0], v[1] + 1)), to_text((v[0] + 1, v[1] - 1)), "(0, 0)"]
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
